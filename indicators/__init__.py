"""The 766 index as declarations: GROUPS (the six portal columns, in order) and REGISTRY (indicators by id).

Both are validated at import: unique ids, every indicator in its group, the scored points of
each group adding up to the group's maximum and the groups to 100, every indicator's name,
explanation, numerator and denominator given in Vietnamese and English, every measure on a
known basis, and the rows of unknown value (if any) named in both languages.
"""
from __future__ import annotations

from . import digitisation, online, payment, progress, satisfaction, transparency
from .core import BASES, NO_DATA_RULES, Group, Indicator

GROUPS: tuple[Group, ...] = tuple(m.GROUP for m in (transparency, progress, online, payment, digitisation, satisfaction))
REGISTRY: dict[str, Indicator] = {i.id: i for g in GROUPS for i in g.indicators}
TOTAL_POINTS = 100


def validate(groups: tuple[Group, ...]) -> None:
    """Raise ValueError naming the first declaration that breaks a rule of the index."""
    ids = [i.id for g in groups for i in g.indicators]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"duplicate indicator ids: {duplicates}")
    for group in groups:
        points = sum(i.max_points for i in group.indicators)
        if abs(points - group.max_points) > 1e-9:
            raise ValueError(f"group {group.key}: indicators add up to {points}, not {group.max_points}")
        for ind in group.indicators:
            if ind.group != group.key:
                raise ValueError(f"{ind.id} declares group {ind.group} but sits in {group.key}")
            for text in ("name_vi", "name_en", "explain_vi", "explain_en", "numerator_vi", "denominator_vi",
                         "numerator_en", "denominator_en"):
                if len(getattr(ind, text).strip()) < 5:
                    raise ValueError(f"{ind.id}: {text} is missing")
            if ind.no_data not in NO_DATA_RULES:
                raise ValueError(f"{ind.id}: unknown no-data rule {ind.no_data}")
            if not ind.display_only and not (ind.target and 0 < ind.target <= 1):
                raise ValueError(f"{ind.id}: a scored indicator needs a target in (0, 1]")
            for measure in ind.measures():
                if measure.basis not in BASES:
                    raise ValueError(f"{ind.id}: unknown basis {measure.basis}")
                if (measure.having is not None) != (measure.basis == "procedure"):
                    raise ValueError(f"{ind.id}: `having` belongs to the procedure basis, and only there")
            if ind.unknown is not None and (ind.numerator.basis != ind.denominator.basis
                                            or ind.denominator.basis == "procedure"
                                            or min(map(len, (ind.unknown.rows_vi, ind.unknown.rows_en,
                                                             ind.unknown.row_en))) < 5):
                raise ValueError(f"{ind.id}: rows of unknown value need one basis (not procedure) and their names")
    total = sum(g.max_points for g in groups)
    if abs(total - TOTAL_POINTS) > 1e-9:
        raise ValueError(f"the groups add up to {total}, not {TOTAL_POINTS}")


validate(GROUPS)
