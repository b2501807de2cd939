"""The period and peer-list selectors shared by the rankings and the indicator pages, and the URL state behind
them: `?period=2024&peers=74:commune&district=718` (or `?kind=month` for the latest month), with
`&boundaries=today` for the scores on today's boundaries (the switch "Địa giới: khi đó / hiện nay").

`resolve` turns a page's query string into a valid `Scope` against what the database holds (a period of the
chosen kind, a province ranked in it, a peer list it has); `controls` draws the selectors for a scope; `query`
turns the selectors' values back into the query string the page is rendered from.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from dash import dcc, html

from dashboard import i18n
from dashboard.queries import scores
from indicators.boundaries import AS_WAS, TODAY, VIEWS

KINDS = ("year", "quarter", "month")
DEFAULT_KIND = "year"
NATIONAL = "national"
# The levels inside a province, in the order offered; the last ranks the communes of one district.
LEVELS = ("department", "district", "commune", "district-communes")
LEVEL_LABELS = {
    "department": ("Sở, ban, ngành", "Departments"),
    "district": ("Cấp huyện", "Districts"),
    "commune": ("Cấp xã (cả tỉnh)", "Communes (whole province)"),
    "district-communes": ("Cấp xã của một huyện", "Communes of one district"),
}
LABELS = {
    "kind": ("Loại kỳ", "Period type"),
    "scope": ("Phạm vi", "Scope"),
    "national": ("Cả nước — các tỉnh, thành phố", "Whole country — provinces"),
    "level": ("Nhóm đơn vị", "Units"),
    "district": ("Huyện", "District"),
    "boundaries": ("Địa giới", "Boundaries"),
    AS_WAS: ("khi đó", "then"),
    TODAY: ("hiện nay", "today"),
    "on_today": ("theo địa giới hiện nay", "on today's boundaries"),
}
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def period_kind(period: str) -> str:
    """Return the kind of a period name: year (2024), quarter (2024-Q3) or month (2024-07)."""
    if len(period) == 4:
        return "year"
    return "quarter" if "Q" in period else "month"


def period_label(period: str, language: str | None = None) -> str:
    """Return a period's name for readers: "Năm 2024", "Quý 3/2024", "Tháng 7/2024" (or "Year 2024", "Q3 2024",
    "Jul 2024")."""
    year, _, rest = period.partition("-")
    kind = period_kind(period)
    if kind == "year":
        return i18n.pick(f"Năm {year}", f"Year {year}", language)
    if kind == "quarter":
        return i18n.pick(f"Quý {rest[1:]}/{year}", f"{rest} {year}", language)
    return i18n.pick(f"Tháng {int(rest)}/{year}", f"{MONTHS_EN[int(rest) - 1]} {year}", language)


@dataclass(frozen=True)
class Scope:
    """A period and a peer list: nationally (no province), or a province's departments, districts, communes, or
    the communes of one of its districts."""

    period: str | None
    province: str | None = None
    level: str | None = None
    district: str | None = None
    boundaries: str = AS_WAS

    @property
    def kind(self) -> str:
        return period_kind(self.period) if self.period else DEFAULT_KIND

    @property
    def peers(self) -> str:
        """Return the peer list's name in unit_scores."""
        if not self.province:
            return NATIONAL
        return f"{self.province}:{'commune' if self.level == 'district-communes' else self.level}"

    @classmethod
    def of(cls, query: dict) -> "Scope":
        """Return the scope a page's state names (period, peers, district), taken as it is."""
        peers = query.get("peers") or NATIONAL
        shown = boundaries(query.get("boundaries"))
        if peers == NATIONAL:
            return cls(query.get("period"), boundaries=shown)
        province, _, level = peers.partition(":")
        district = query.get("district") or None
        return cls(query.get("period"), province, "district-communes" if district else level, district, shown)

    def query(self) -> dict:
        """Return the scope as query-string parameters."""
        out = {"period": self.period, "peers": self.peers}
        if self.district:
            out["district"] = self.district
        if self.boundaries != AS_WAS:
            out["boundaries"] = self.boundaries
        return out


def boundaries(value) -> str:
    """Return the boundaries a query string asks for: `today`, else those of the time (`as_was`)."""
    return value if value in VIEWS else AS_WAS


@dataclass(frozen=True)
class Choices:
    """What the selectors offer for a scope: periods (code, kind, start; newest first), the provinces ranked in
    the period, the province's peer lists, its districts."""

    periods: pd.DataFrame
    provinces: pd.DataFrame
    peer_lists: tuple[str, ...]
    districts: pd.DataFrame


def _part(frame: pd.DataFrame, what: str) -> pd.DataFrame:
    return frame[frame["what"] == what].reset_index(drop=True)


def shown_period(periods: pd.DataFrame, period: str | None, kind: str) -> str | None:
    """Return the period to show from `periods` (newest first): `period` when scored and of `kind`, else the
    latest of `kind` in the year of `period`, else the latest of `kind`, else the latest of any kind; None when
    nothing is scored."""
    of_kind = periods[periods["kind"] == kind]
    if period in set(of_kind["code"]):
        return period
    if of_kind.empty:
        of_kind = periods
    if period and period[:4].isdigit():
        same_year = of_kind[of_kind["start"].dt.year == int(period[:4])]
        of_kind = same_year if not same_year.empty else of_kind
    return None if of_kind.empty else of_kind["code"].iloc[0]


def resolve(query: dict) -> tuple[Scope, Choices]:
    """Return the scope a query string asks for, made valid against the stored scores, and the selectors'
    choices for it: a period of another kind than the one asked becomes the latest of that kind in its year, an
    unknown or missing period the latest of the asked kind (default: year), a province not ranked in the period
    the national list, a level the province lacks in the period its communes (else its first level), a district
    not in the province its first district."""
    peers = query.get("peers") or NATIONAL
    province, _, level = peers.partition(":") if peers != NATIONAL else (None, "", "")
    shown = boundaries(query.get("boundaries"))
    periods = scores.periods(boundaries=shown)
    asked = query.get("period")
    period = shown_period(periods, asked, query.get("kind") or (period_kind(asked) if asked else DEFAULT_KIND))
    if period is None:
        empty = pd.DataFrame({"code": [], "name": []})
        return Scope(None, boundaries=shown), Choices(periods, empty, (), empty)
    found = scores.choices(period, province, boundaries=shown)
    provinces = _part(found, "province")
    peer_lists = tuple(_part(found, "peers")["code"])
    districts = _part(found, "district")
    choices = Choices(periods, provinces, peer_lists, districts)
    if not province or province not in set(provinces["code"]) or not peer_lists:
        return Scope(period, boundaries=shown), choices
    district = query.get("district")
    if district and level == "commune" and not districts.empty:
        district = district if district in set(districts["code"]) else districts["code"].iloc[0]
        return Scope(period, province, "district-communes", district, shown), choices
    if f"{province}:{level}" not in peer_lists:
        level = "commune" if f"{province}:commune" in peer_lists else peer_lists[0].split(":", 1)[1]
    return Scope(period, province, level, boundaries=shown), choices


def guess(query: dict) -> Scope | None:
    """Return the scope a query string names when it names one in full (a period and a well-formed peer list),
    for a page to start its queries before `resolve` confirms it; None otherwise."""
    peers = query.get("peers") or NATIONAL
    well_formed = peers == NATIONAL or peers.partition(":")[2] in ("department", "district", "commune")
    period = query.get("period")
    if not period or not well_formed or query.get("district") == "*":
        return None
    if query.get("kind") not in (None, period_kind(period)):
        return None
    return Scope.of({**query, "peers": peers})


def query(trigger: str | None, kind: str | None, period: str | None, province: str | None, level: str | None,
          district: str | None, shown: str | None = AS_WAS) -> dict:
    """Return the query string the selectors' values ask for; `trigger` names the selector just changed (kind,
    period, province, level, district). A new kind asks for its latest period in the year shown, a new province
    for its first
    district ("*": the first one, chosen when the page is drawn)."""
    out: dict = {"kind": kind, "period": period} if trigger == "kind" else {"period": period}
    if boundaries(shown) != AS_WAS:
        out["boundaries"] = boundaries(shown)
    if not province or province == NATIONAL:
        out["peers"] = NATIONAL
        return out
    level = level or "commune"
    out["peers"] = f"{province}:{'commune' if level == 'district-communes' else level}"
    if level == "district-communes":
        out["district"] = (district if trigger != "province" else None) or "*"
    return out


def _control(label: str, component, control_id: str, hidden: bool = False) -> html.Div:
    return html.Div([html.Label(label, htmlFor=control_id), component], className="control",
                    id=f"{control_id}-control", hidden=hidden)


def _options(frame: pd.DataFrame) -> list[dict]:
    return frame.rename(columns={"name": "label", "code": "value"})[["label", "value"]].to_dict("records")


def controls(prefix: str, scope: Scope, choices: Choices, language: str) -> list:
    """Return the selectors for `scope`, with ids `<prefix>-kind`, `-period`, `-province`, `-level`,
    `-district`."""
    periods = choices.periods[choices.periods["kind"] == scope.kind]
    level_options = [{"label": i18n.pick(*LEVEL_LABELS[lv], language), "value": lv} for lv in LEVELS
                     if f"{scope.province}:{'commune' if lv == 'district-communes' else lv}" in choices.peer_lists
                     and (lv != "district-communes" or not choices.districts.empty)]
    return [
        _control(i18n.pick(*LABELS["kind"], language), dcc.Dropdown(
            id=f"{prefix}-kind", clearable=False, searchable=False, value=scope.kind,
            options=[{"label": i18n.t(k, language), "value": k} for k in KINDS]), f"{prefix}-kind"),
        _control(i18n.t("period", language), dcc.Dropdown(
            id=f"{prefix}-period", clearable=False, value=scope.period,
            options=[{"label": period_label(p, language), "value": p} for p in periods["code"]]), f"{prefix}-period"),
        _control(i18n.pick(*LABELS["scope"], language), dcc.Dropdown(
            id=f"{prefix}-province", clearable=False, value=scope.province or NATIONAL,
            options=[{"label": i18n.pick(*LABELS["national"], language), "value": NATIONAL}]
            + _options(choices.provinces)), f"{prefix}-province"),
        _control(i18n.pick(*LABELS["level"], language), dcc.Dropdown(
            id=f"{prefix}-level", clearable=False, searchable=False, value=scope.level, options=level_options),
            f"{prefix}-level", hidden=not scope.province),
        _control(i18n.pick(*LABELS["district"], language), dcc.Dropdown(
            id=f"{prefix}-district", clearable=False, value=scope.district,
            options=_options(choices.districts)),
            f"{prefix}-district", hidden=scope.level != "district-communes"),
        boundaries_switch(prefix, scope.boundaries, language),
    ]


def boundaries_switch(prefix: str, shown: str, language: str) -> html.Div:
    """Return the switch "Địa giới: khi đó / hiện nay", id `<prefix>-boundaries`."""
    return _control(i18n.pick(*LABELS["boundaries"], language), dcc.RadioItems(
        id=f"{prefix}-boundaries", value=shown, inline=True, className="boundaries",
        options=[{"label": i18n.pick(*LABELS[view], language), "value": view} for view in VIEWS]),
        f"{prefix}-boundaries")


def file_tag(period: str, shown: str) -> str | None:
    """Return what ends a download's file name on today's boundaries ("2024-dia-gioi-hien-nay"); None (the period)
    on those of the time."""
    return f"{period}-dia-gioi-hien-nay" if shown == TODAY else None


def boundaries_label(shown: str, language: str | None = None) -> str:
    """Return " · theo địa giới hiện nay" for today's boundaries, nothing for those of the time."""
    return f" · {i18n.pick(*LABELS['on_today'], language)}" if shown == TODAY else ""


def scope_label(scope: Scope, choices: Choices, language: str) -> str:
    """Return the peer list in words: "Các tỉnh, thành phố", or "Tỉnh Bình Dương — Cấp huyện" ("… — Huyện X")."""
    if not scope.province:
        return i18n.t("national", language)
    names = dict(zip(choices.provinces["code"], choices.provinces["name"]))
    province = names.get(scope.province, scope.province)
    if scope.district:
        districts = dict(zip(choices.districts["code"], choices.districts["name"]))
        return f"{province} — {districts.get(scope.district, scope.district)}"
    return f"{province} — {i18n.pick(*LEVEL_LABELS[scope.level], language)}"


def subtitle(scope: Scope, choices: Choices) -> tuple[str, str]:
    """Return the period and the peer list in words, in Vietnamese and in English, for a downloaded table."""
    return tuple(f"{period_label(scope.period, lang)}{boundaries_label(scope.boundaries, lang)} · "
                 f"{scope_label(scope, choices, lang)}" for lang in ("vi", "en"))
