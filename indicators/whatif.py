"""Points, columns, total and band of numerators and denominators given by hand, through the engine's own SQL.

`score(values)` takes one row per case, each with every indicator's numerator `n_<id>` and denominator `d_<id>`
(ids with `_` for `.`, as in `unit_indicators`), and returns each case's points `p_<id>`, the six columns, the
total and the band exactly as the engine scores them: the values are put where the engine's measures would be
(`v_wide`) and `scoring.points` and `scoring.scores` run on them, so a rule set's targets, maxima, no-data rules,
multipliers and rescaling apply unchanged. The to-do list weighs what a dossier going late costs with it, and the
what-if and the forecast score their cases with it.
"""
from __future__ import annotations

import duckdb
import pandas as pd

from . import GROUPS, REGISTRY, engine, scoring
from .outputs import ref
from .rulesets import RuleSet, load

INDICATOR_REFS = tuple(ref(i) for i in REGISTRY)
VALUE_COLUMNS = tuple(f"{side}_{r}" for r in INDICATOR_REFS for side in ("n", "d"))


def _measure_values(values: pd.DataFrame) -> pd.DataFrame:
    """Return, per case, the value of every measure column of the engine (`engine.measure_columns`).

    A measure shared by several indicators takes the value it has in the first of them. An indicator whose
    denominator is at least a floor (1.4) stores the larger of the two: its floor measure takes that value, so
    the engine's greatest() gives it back, and its own denominator measure is left as the others give it.
    """
    columns, _ = engine.measure_columns()
    out: dict[str, pd.Series] = {}
    floors = []
    for ind in REGISTRY.values():
        key = ref(ind.id)
        out.setdefault(columns[ind.counted_numerator], values[f"n_{key}"])
        if ind.excluded is not None:
            # the rows left out for an unknown value are only counted, never scored
            out.setdefault(columns[ind.excluded], pd.Series(0.0, index=values.index))
        if ind.denominator_floor is None:
            out.setdefault(columns[ind.counted_denominator], values[f"d_{key}"])
        else:
            floors.append(ind)
    for ind in floors:
        key = ref(ind.id)
        out.setdefault(columns[ind.counted_denominator], values[f"d_{key}"])
        out[columns[ind.denominator_floor]] = values[f"d_{key}"]
    missing = [name for name in columns.values() if name not in out]
    if missing:
        raise RuntimeError(f"measures that no indicator's numerator or denominator gives: {', '.join(missing)}")
    return pd.DataFrame(out)


def sharing(indicator_id: str, side: str = "n") -> tuple[str, ...]:
    """Return the value columns (`n_<id>`, `d_<id>`) that count the same measure as the indicator's numerator
    (side "n") or denominator ("d"): a change to one is a change to all of them."""
    columns, _ = engine.measure_columns()
    ind = REGISTRY[indicator_id]
    measure = columns[ind.counted_numerator if side == "n" else ind.counted_denominator]
    return tuple(f"{s}_{ref(i.id)}" for i in REGISTRY.values()
                 for s, m in (("n", i.counted_numerator), ("d", i.counted_denominator)) if columns[m] == measure)


def score(values: pd.DataFrame, ruleset: RuleSet | str | None = None, unit_kind: str = "commune") -> pd.DataFrame:
    """Return `values` (one row per case, with every `n_<id>` and `d_<id>`) with each case's `p_<id>`, the six
    columns, `total` and `band`, as the engine scores them under `ruleset` (default: the default rule set).

    Missing `n_`/`d_` columns, or negative values, are refused with the names of the columns.
    """
    rs = ruleset if isinstance(ruleset, RuleSet) else load(ruleset)
    missing = [c for c in VALUE_COLUMNS if c not in values.columns]
    if missing:
        raise ValueError(f"score() needs every indicator's numerator and denominator; missing: {', '.join(missing)}")
    given = values[list(VALUE_COLUMNS)].astype("float64")
    negative = [c for c in VALUE_COLUMNS if (given[c] < 0).any()]
    if negative:
        raise ValueError(f"negative numerators or denominators: {', '.join(negative)}")
    columns, _ = engine.measure_columns()
    wide = _measure_values(given.reset_index(drop=True))
    wide.insert(0, "case_no", range(len(wide)))
    con = duckdb.connect()
    try:
        con.register("given", wide)
        measures = ", ".join(f"coalesce({name}, 0)::double as {name}" for name in columns.values())
        con.execute(f"""create temp table v_wide as
                        select date '2000-01-01' as period_start, case_no::varchar as unit_code,
                               null::date as unit_valid_from, $kind as unit_kind, {measures} from given""",
                    {"kind": unit_kind})
        con.execute("""create temp table scope_units as
                       select period_start, unit_code, unit_valid_from, unit_kind as kind, unit_code as name,
                              'case' as province_code, null::varchar as district_code from v_wide""")
        con.execute(scoring.points(columns, rs))
        con.execute(scoring.scores(rs))
        points = ", ".join(f"p.p_{r}" for r in INDICATOR_REFS)
        groups = ", ".join(f"s.{g.key}" for g in GROUPS)
        scored = con.execute(f"""select p.unit_code::int as case_no, {points}, {groups}, s.total, s.band
                                 from v_points p join v_scores s using (unit_code)
                                 order by case_no""").df()
    finally:
        con.close()
    result = values.reset_index(drop=True).drop(columns=[c for c in scored.columns if c in values.columns])
    return pd.concat([result, scored.drop(columns="case_no")], axis=1)
