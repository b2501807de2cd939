"""The pieces of the plan to the target (/ke-hoach): the columns of its tables, the names of an item's kind, the
summary cards. The steps and the units below are downloadable as shown."""
from __future__ import annotations

import pandas as pd
from dash import html

from dashboard import i18n
from dashboard.components.grid import Column
from indicators import REGISTRY

LABELS = {
    "title": ("Kế hoạch đạt mục tiêu", "Plan to the target"),
    "unit": ("Đơn vị", "Unit"),
    "period": ("Kỳ", "Period"),
    "target": ("Mục tiêu cho mỗi đơn vị (điểm)", "Target for every unit (points)"),
    "top": ("Mục tiêu xếp hạng toàn quốc (trong top)", "National place aimed at (top)"),
    "since": ("Theo dõi từ tháng", "Progress since"),
    "total": ("Tổng điểm", "Total"),
    "rank": ("Hạng toàn quốc", "National rank"),
    "aim": ("Tổng điểm của tỉnh thứ {top}", "Total of the province ranked {top}"),
    "gap": ("Còn thiếu", "Gap"),
    "reached": ("Đạt được nếu làm theo kế hoạch", "Reached by the plan"),
    "steps": ("Con đường rẻ nhất", "The cheapest path"),
    "steps_hint": ("Các chỉ số xếp theo số điểm lấy lại được cho mỗi hồ sơ, thủ tục hoặc phản ánh cần thay đổi; "
                   "lấy lần lượt cho đến khi đủ điểm. Tổng điểm đạt được tính theo đúng quy tắc của bộ chỉ số.",
                   "The indicators ranked by the points one more dossier, procedure or feedback item recovers; taken "
                   "in turn until the gap is closed. The total reached is scored by the index's own rules."),
    "below": ("Đơn vị dưới mục tiêu", "Units below the target"),
    "below_hint": ("Mỗi đơn vị với bước rẻ nhất và toàn bộ con đường đến {target} điểm.",
                   "Each unit with its cheapest step and its whole path to {target} points."),
    "progress": ("Tiến độ theo tháng", "Progress month by month"),
    "at_target": ("Đơn vị trực thuộc đạt {target}", "Units below at {target}"),
    "none": ("Đã đạt mục tiêu: không cần bước nào.", "The target is reached: no step needed."),
    "not_found": ("Không có đơn vị này trong kỳ đã chọn.", "The unit was not scored in this period."),
    "indicator": ("Chỉ số", "Indicator"),
    "item": ("Đơn vị tính", "Item"),
    "per_item": ("Điểm mỗi lần", "Points per item"),
    "take": ("Số cần thay đổi", "Items to change"),
    "items": ("Tối đa", "At most"),
    "recoverable": ("Điểm lấy lại được tối đa", "Points recoverable at most"),
    "holders": ("Nắm giữ (đơn vị trực thuộc)", "Held by (units below)"),
    "kind": ("Cấp", "Level"),
    "first_step": ("Bước đầu tiên", "First step"),
    "first_items": ("Số cần thay đổi", "Items"),
    "path": ("Con đường", "Path"),
    "month": ("Tháng", "Month"),
    "band": ("Xếp loại", "Band"),
}
ITEMS = {"dossier": ("hồ sơ", "dossiers"), "feedback": ("phản ánh", "feedback items"),
         "procedure": ("thủ tục", "procedures"), "commune": ("xã", "communes")}
KINDS = {"province": ("Tỉnh", "Province"), "district": ("Huyện", "District"), "commune": ("Xã", "Commune"),
         "department": ("Sở, ngành", "Department")}

STEP_COLUMNS = [
    Column("indicator", LABELS["indicator"], width=300, pinned=True),
    Column("item_name", LABELS["item"], width=120),
    Column("per_item", LABELS["per_item"], "score", width=130),
    Column("take", LABELS["take"], "count", width=130),
    Column("items", LABELS["items"], "count", width=100),
    Column("recoverable", LABELS["recoverable"], "score", width=150),
    Column("holders", LABELS["holders"]),
]
BELOW_COLUMNS = [
    Column("name", LABELS["unit"], "link", width=220, pinned=True),
    Column("kind_name", LABELS["kind"], width=110),
    Column("total", LABELS["total"], "score", width=110),
    Column("gap", LABELS["gap"], "score", width=100),
    Column("first_step", LABELS["first_step"], width=120),
    Column("first_items", LABELS["first_items"], "count", width=120),
    Column("steps", LABELS["path"]),
    Column("reached", LABELS["reached"], "score", width=150),
]


def progress_columns(target: float) -> list[Column]:
    """Return the progress table's columns; the last one names the target."""
    at_target = tuple(text.format(target=i18n.number(target, 0, lang))
                      for text, lang in zip(LABELS["at_target"], ("vi", "en")))
    return [Column("period", LABELS["month"], width=110), Column("total", LABELS["total"], "score", width=110),
            Column("band_name", LABELS["band"], width=120), Column("rank_text", LABELS["rank"], width=120),
            Column("at_target_text", at_target)]


def label(key: str, language: str | None = None, **values) -> str:
    text = i18n.pick(*LABELS[key], language)
    return text.format(**values) if values else text


def step_rows(steps: pd.DataFrame, language: str) -> pd.DataFrame:
    """Return the steps as shown: the indicator's id and name, the item in words, numbers rounded to 2 decimals."""
    out = steps.copy()
    out["indicator"] = [f"{i} {i18n.pick(REGISTRY[i].name_vi, REGISTRY[i].name_en, language)}"
                        for i in out["indicator_id"]]
    out["item_name"] = [i18n.pick(*ITEMS[k], language) for k in out["item"]]
    for column in ("per_item", "recoverable"):
        out[column] = out[column].astype(float).round(2)
    if "holders" not in out:
        out["holders"] = ""
    return out[[c.field for c in STEP_COLUMNS]]


def below_rows(below: pd.DataFrame, period: str, language: str) -> pd.DataFrame:
    out = below.copy()
    out["kind_name"] = [i18n.pick(*KINDS.get(k, (k, k)), language) for k in out["kind"]]
    out["href"] = [f"/ke-hoach?unit={c}&period={period}" for c in out["unit_code"]]
    for column in ("total", "gap", "reached"):
        out[column] = out[column].astype(float).round(2)
    return out[[*(c.field for c in BELOW_COLUMNS), "href", "unit_code"]]


def progress_rows(progress: pd.DataFrame, bands: dict, target: float, language: str) -> pd.DataFrame:
    out = progress.copy()
    out["total"] = out["total"].astype(float).round(2)
    out["band_name"] = [i18n.pick(*bands[b], language) if b in bands else "–" for b in out["band"]]
    out["rank_text"] = [f"{r}/{n}" for r, n in zip(out["rank"], out["n_peers"])]
    out["at_target_text"] = ["–" if pd.isna(n) else f"{int(a)}/{int(n)}" for a, n in zip(out["n_at_target"],
                                                                                        out["n_units"])]
    return out[[c.field for c in progress_columns(target)]]


def cards(plan: dict, language: str) -> html.Div:
    facts = [("total", i18n.number(plan["total"], 2, language))]
    if "rank" in plan:
        facts += [("rank", f"{plan['rank']}/{plan['n_peers']}"),
                  (label("aim", language, top=plan["top"]), i18n.number(plan["aim"], 2, language))]
    facts += [("gap", i18n.number(plan["gap"], 2, language)), ("reached", i18n.number(plan["reached"], 2, language))]
    return html.Div([html.Div([html.Div(label(k, language) if k in LABELS else k, className="label"),
                               html.Div(v, className="value", id=f"plan-card-{n}")], className="stat")
                     for n, (k, v) in enumerate(facts)], className="cards", id="plan-cards")
