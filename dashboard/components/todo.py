"""The pieces of the to-do list: the columns of its three tables, the names of an item's state, the summary cards,
and the exported tables (as the screen shows them). Shared by the page (/viec-can-lam) and the morning digest."""
from __future__ import annotations

import pandas as pd
from dash import html

from dashboard import i18n
from dashboard.components.grid import Column
from dashboard.queries.todo import TodoList

LABELS = {
    "title": ("Việc cần làm", "To-do list"),
    "unit": ("Đơn vị (và các đơn vị trực thuộc)", "Unit (and the units below it)"),
    "within": ("Đến hạn trong (ngày làm việc)", "Due within (working days)"),
    "subtitle": ("Tháng {period} · xét tại {as_of} · đến hết {horizon}",
                 "Month {period} · judged at {as_of} · up to the end of {horizon}"),
    "dossiers": ("Hồ sơ quá hạn và sắp đến hạn", "Dossiers overdue and due soon"),
    "dossiers_hint": ("Điểm có thể mất: điểm 2.1 và 5.3 của đơn vị trong tháng giảm bao nhiêu nếu hồ sơ trễ hạn, "
                      "tính theo đúng quy tắc của bộ chỉ số. Hồ sơ đã quá hạn thì điểm đã mất.",
                      "Points at stake: how much the unit's 2.1 and 5.3 points of the month fall if the dossier goes "
                      "late, by the index's own rules. An overdue dossier has already cost its points."),
    "feedback": ("Phản ánh, kiến nghị sắp đến hạn (5.1)", "Feedback items due soon (5.1)"),
    "decisions": ("Quyết định công bố chờ công khai (1.2)", "Publication decisions awaiting publication (1.2)"),
    "decisions_hint": ("Quyết định của tỉnh chưa công khai trên CSDL quốc gia, hạn là ngày làm việc thứ {days} sau "
                       "ngày quyết định.",
                       "Decisions of the province not yet published on the national database, due by the "
                       "{days}th working day after the decision."),
    "overdue_n": ("Hồ sơ quá hạn", "Dossiers overdue"),
    "due_n": ("Hồ sơ sắp đến hạn", "Dossiers due soon"),
    "stake_n": ("Điểm có thể mất (từng hồ sơ, lớn nhất)", "Points at stake (largest, one dossier)"),
    "feedback_n": ("Phản ánh sắp đến hạn", "Feedback due soon"),
    "decisions_n": ("Quyết định chờ công khai", "Decisions awaiting publication"),
    "own_list": ("Việc cần làm của đơn vị mình →", "Your own unit's to-do list →"),
    "not_found": ("Không có đơn vị nào được chấm điểm trong tháng gần nhất.", "No unit was scored in the last month."),
    "dossier_code": ("Mã hồ sơ", "Dossier"),
    "unit_name": ("Đơn vị", "Unit"),
    "state": ("Tình trạng", "State"),
    "days_left": ("Ngày làm việc còn lại", "Working days left"),
    "stake_2_1": ("Điểm 2.1 có thể mất", "2.1 points at stake"),
    "stake_5_3": ("Điểm 5.3 có thể mất", "5.3 points at stake"),
    "stake_5_1": ("Điểm 5.1 có thể mất", "5.1 points at stake"),
    "stake_5_2": ("Điểm 5.2 có thể mất", "5.2 points at stake"),
    "stake_1_2": ("Điểm 1.2 có thể mất", "1.2 points at stake"),
    "stake_total": ("Tổng điểm có thể mất", "Total points at stake"),
    "own_stake": ("Điểm có thể mất của đơn vị xử lý", "Points at stake, handling unit"),
    "feedback_id": ("Mã phản ánh", "Feedback id"),
    "decision_no": ("Số quyết định", "Decision"),
    "decision_date": ("Ngày quyết định", "Decided"),
    "deadline": ("Hạn công khai", "Publish by"),
    "effective": ("Ngày có hiệu lực", "In effect from"),
}
STATES = {"overdue": ("Quá hạn", "Overdue"), "due_today": ("Đến hạn hôm nay", "Due today"),
          "due_soon": ("Sắp đến hạn", "Due soon")}

DOSSIER_COLUMNS = [
    Column("dossier_code", LABELS["dossier_code"], width=190, pinned=True),
    Column("state_name", LABELS["state"], width=140),
    Column("procedure_name", "procedure", width=260),
    Column("unit_name", LABELS["unit_name"], width=200),
    Column("received_at", "received_at", "moment", width=150),
    Column("due_at", "due_at", "moment", width=150),
    Column("working_days_left", LABELS["days_left"], "score", width=130),
    Column("stake_2_1", LABELS["stake_2_1"], "score", width=130),
    Column("stake_5_3", LABELS["stake_5_3"], "score", width=130),
    Column("stake_total", LABELS["stake_total"], "score", width=140),
    Column("own_stake", LABELS["own_stake"], "score", width=150),
]
FEEDBACK_COLUMNS = [
    Column("feedback_id", LABELS["feedback_id"], width=170, pinned=True),
    Column("state_name", LABELS["state"], width=140),
    Column("unit_name", LABELS["unit_name"], width=200),
    Column("received_at", "received_at", "moment", width=150),
    Column("due_at", "due_at", "moment", width=150),
    Column("working_days_left", LABELS["days_left"], "score", width=130),
    Column("stake_5_1", LABELS["stake_5_1"], "score", width=130),
    Column("stake_5_2", LABELS["stake_5_2"], "score", width=130),
    Column("stake_total", LABELS["stake_total"], "score", width=140),
    Column("own_stake", LABELS["own_stake"], "score", width=150),
]
DECISION_COLUMNS = [
    Column("decision_no", LABELS["decision_no"], width=150, pinned=True),
    Column("state_name", LABELS["state"], width=140),
    Column("procedure_code", ("Mã thủ tục", "Procedure code"), width=120),
    Column("name", "procedure", width=280),
    Column("decision_date", LABELS["decision_date"], "date", width=130),
    Column("deadline", LABELS["deadline"], "moment", width=150),
    Column("working_days_left", LABELS["days_left"], "score", width=130),
    Column("stake_1_2", LABELS["stake_1_2"], "score", width=130),
    Column("stake_total", LABELS["stake_total"], "score", width=140),
]
# The tables of a list: (the TodoList attribute holding its rows, its columns, its title).
TABLES = (("dossiers", DOSSIER_COLUMNS, LABELS["dossiers"]), ("feedback", FEEDBACK_COLUMNS, LABELS["feedback"]),
          ("decisions", DECISION_COLUMNS, LABELS["decisions"]))


def label(key: str, language: str | None = None) -> str:
    return i18n.pick(*LABELS[key], language)


def shown(frame: pd.DataFrame, columns: list[Column], language: str | None = None) -> pd.DataFrame:
    """Return the frame with its state named in `language` and only the columns shown, points and days rounded to
    2 decimals as shown and exported."""
    out = frame.copy()
    out["state_name"] = out["state"].map(lambda s: i18n.pick(*STATES[s], language) if s in STATES else None) \
        if "state" in out else None
    for column in columns:
        if column.field not in out:
            out[column.field] = None
        elif column.kind == "score":
            out[column.field] = pd.to_numeric(out[column.field], errors="coerce").round(2)
    return out[[c.field for c in columns]]


def subtitle(listed: TodoList, language: str | None = None) -> tuple[str, str]:
    """Return the list's subtitle in Vietnamese and in English: the unit, month, moment and horizon."""
    def text(lang: str) -> str:
        return f"{listed.unit_name} ({listed.unit_code}) · " + label("subtitle", lang).format(
            period=listed.period, as_of=i18n.moment(listed.as_of), horizon=i18n.day(listed.horizon))
    return text("vi"), text("en")


def cards(listed: TodoList, language: str) -> html.Div:
    """Return the summary cards: dossiers overdue and due soon, the largest stake, feedback and decisions."""
    d = listed.dossiers
    overdue = int((d["state"] == "overdue").sum()) if not d.empty else 0
    largest = d["stake_total"].max() if not d.empty else None
    facts = [("overdue_n", i18n.number(overdue, 0, language)),
             ("due_n", i18n.number(len(d) - overdue, 0, language)),
             ("stake_n", i18n.number(largest, 2, language)),
             ("feedback_n", i18n.number(len(listed.feedback), 0, language)),
             ("decisions_n", i18n.number(len(listed.decisions), 0, language))]
    return html.Div([html.Div([html.Div(label(k, language), className="label"),
                               html.Div(v, className="value", id=f"todo-card-{k}")], className="stat")
                     for k, v in facts], className="cards", id="todo-cards")
