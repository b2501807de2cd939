"""Labels and formats. Vietnamese first: `1.234` for counts, `84,50` for scores, `dd/mm/yyyy` for dates.

The language is the reader's choice, kept in a cookie that the switch in the top bar sets; layouts and
callbacks read it per request through `lang()`. Labels shared by several pages live in LABELS as
(Vietnamese, English) pairs; `t(key)` returns the one for the reader's language.
"""
from __future__ import annotations

import math
from datetime import date, datetime

from pandas import NA as _NA

LANGS = ("vi", "en")
COOKIE = "kpi766-lang"

LABELS = {
    "brand": ("Bộ chỉ số 766", "Index 766"),
    "as_of": ("Dữ liệu tính đến", "Data as of"),
    "no_data": ("Chưa có dữ liệu", "No data yet"),
    "period": ("Kỳ", "Period"),
    "month": ("Tháng", "Month"),
    "quarter": ("Quý", "Quarter"),
    "year": ("Năm", "Year"),
    "peers": ("Nhóm so sánh", "Peer list"),
    "national": ("Các tỉnh, thành phố", "Provinces nationally"),
    "department": ("Sở, ban, ngành", "Departments"),
    "district": ("Cấp huyện", "Districts"),
    "commune": ("Cấp xã", "Communes"),
    "province": ("Tỉnh, thành phố", "Province"),
    "unit": ("Đơn vị", "Unit"),
    "rank": ("Hạng", "Rank"),
    "rank_change": ("Thay đổi hạng", "Rank change"),
    "total": ("Tổng điểm", "Total"),
    "band": ("Xếp loại", "Band"),
    "score_change": ("Thay đổi điểm", "Score change"),
    "target": ("Mục tiêu", "Target"),
    "search": ("Tìm kiếm", "Search"),
    "download_csv": ("Tải CSV", "Download CSV"),
    "download_xlsx": ("Tải Excel", "Download Excel"),
    "download_pdf": ("Tải báo cáo PDF", "Download PDF report"),
    "indicator": ("Chỉ số", "Indicator"),
    "points": ("Điểm", "Points"),
    "max_points": ("Điểm tối đa", "Max points"),
    "points_lost": ("Điểm bị mất", "Points lost"),
    "ratio": ("Tỷ lệ", "Ratio"),
    "numerator": ("Tử số", "Numerator"),
    "denominator": ("Mẫu số", "Denominator"),
    "procedure": ("Thủ tục", "Procedure"),
    "dossier": ("Hồ sơ", "Dossier"),
    "received_at": ("Ngày tiếp nhận", "Received"),
    "due_at": ("Hạn trả", "Due"),
    "end_at": ("Kết thúc", "Ended"),
    "trend": ("Diễn biến theo tháng", "Monthly trend"),
    # the message of a dossier list refused for a unit outside the reader's scope (the unit page, the to-do list)
    "outside_scope": ("Danh sách hồ sơ của đơn vị này chỉ dành cho cán bộ được giao đơn vị; điểm số vẫn công khai.",
                      "This unit's dossiers are shown only to the accounts of its unit; its scores stay public."),
}


def lang() -> str:
    """Return the reader's language: the cookie's value inside a request, else Vietnamese."""
    try:
        import flask

        chosen = flask.request.cookies.get(COOKIE)
    except RuntimeError:  # outside a request: building a file or running a test
        return "vi"
    return chosen if chosen in LANGS else "vi"


def t(key: str, language: str | None = None) -> str:
    """Return label `key` in `language` (default: the reader's)."""
    vi, en = LABELS[key]
    return en if (language or lang()) == "en" else vi


def pick(vi: str, en: str, language: str | None = None) -> str:
    """Return `vi` or `en` by `language` (default: the reader's): for names declared in pairs elsewhere."""
    return en if (language or lang()) == "en" else vi


def number(value: float | int | None, decimals: int = 0, language: str | None = None) -> str:
    """Return `value` formatted for `language`: Vietnamese `1.234,5`, English `1,234.5`; '–' for none."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is _NA:
        return "–"
    text = f"{value:,.{decimals}f}"
    if (language or lang()) == "en":
        return text
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def percent(share: float | None, decimals: int = 1, language: str | None = None) -> str:
    """Return a share (0.845) as a percentage (`84,5 %`); '–' for none."""
    text = number(None if share is None else share * 100, decimals, language)
    return text if text == "–" else f"{text} %"


def day(value: date | datetime | None) -> str:
    """Return `value` as dd/mm/yyyy; '–' for none."""
    if value is None or value != value:  # NaT compares unequal to itself
        return "–"
    return value.strftime("%d/%m/%Y")


def moment(value: datetime | None) -> str:
    """Return `value` as dd/mm/yyyy HH:MM; '–' for none."""
    if value is None or value != value:
        return "–"
    return value.strftime("%d/%m/%Y %H:%M")


def locale(language: str | None = None) -> str:
    """Return the browser locale of `language`, for number formats computed in the browser."""
    return "en-US" if (language or lang()) == "en" else "vi-VN"

