"""Dossiers of one half of the range, drawn all at once: how many per unit and day, which procedure, which channel, and every flag.

Volume: each origin province's yearly volume (population × activity × scale) splits between
levels (`LEVEL_SHARES_*`); inside a level, units share it by size; each day by its season
factor. A cell (unit or department pool, day) gets a Poisson count. Procedures are drawn with
Zipf-like weights inside the (province catalogue, level) group; a department pool's dossier
goes to the department that handles its procedure. Rates are the origin province's, moved by
the unit's latent quality and its monthly drift.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from etl.demo import profiles, seasons
from etl.demo.scope import Half

WORKING_DAYS_PER_YEAR = 250
# The declared rates drawn per dossier (the others describe catalogues, decisions, feedback and communes).
DOSSIER_RATES = ("on_time", "synced", "online", "postal", "digitized", "result_file", "paid_online", "reused",
                 "personal_store", "population_data", "rated", "unsatisfied", "complaint", "supplement")


@dataclass
class Drawn:
    """The dossiers of a half before timing: unit row, procedure row (in `procs`), day, and per-dossier rates."""

    unit: np.ndarray
    proc: np.ndarray
    day: np.ndarray  # datetime64[D], the day the citizen submitted
    origin: np.ndarray  # index into `origins`
    p: dict[str, np.ndarray]  # rate name → probability per dossier
    tet_shift: np.ndarray


def _logit(p):
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def procedure_pools(half: Half, catalogues: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, dict[tuple[str, str], int]]:
    """Return every procedure a unit of this half may receive (one row per procedure and level group) and group ids.

    Group key: (catalogue province, level). Each row carries its cumulative weight key
    `group + cumulative share`, so one `searchsorted` draws procedures for every group at once.
    """
    parts, groups = [], {}
    levels = ("province", "district", "commune") if half.tree == "old" else ("province", "commune")
    provinces = sorted(set(half.units["province_code"]))
    for code in provinces:
        cat = catalogues[code]
        cat = cat[cat["status"] != "abolished"]
        for level in levels:
            if level == "province":
                rows = cat[cat["level"] == "province"]
            else:
                rows = cat[cat["levels"].map(lambda lv, level=level: level in lv) & (cat["level"] != "province")]
            g = groups.setdefault((code, level), len(groups))
            w = rows["weight"].to_numpy()
            rows = rows.assign(group=g, key=g + np.cumsum(w) / w.sum())
            parts.append(rows)
    pools = pd.concat(parts, ignore_index=True)
    dept = pools["old_department"] if half.tree == "old" else pools["new_department"]
    pools["department"] = np.where(pools["level"] == "province", pools["province_code"] + "-" + dept.fillna(""), None)
    return pools, groups


def draw(rng: np.random.Generator, half: Half, catalogues: dict[str, pd.DataFrame], scale: float) -> tuple[Drawn, pd.DataFrame]:
    """Return the drawn dossiers of `half` and the procedure table their `proc` indexes."""
    units = half.units
    days = np.arange(np.datetime64(half.first_day), np.datetime64(half.last_day) + 1)
    factor = seasons.day_factors(days)
    shares = profiles.LEVEL_SHARES_OLD if half.tree == "old" else profiles.LEVEL_SHARES_NEW
    pools, groups = procedure_pools(half, catalogues)
    origins = sorted(set(units["origin"]))
    origin_index = {o: i for i, o in enumerate(origins)}

    # Sources of dossiers: each district or commune, and one department pool per origin.
    local = units[units["kind"] != "department"]
    per_day = {o: profiles.PROVINCE_BY_CODE[o].population * 1000 * profiles.DOSSIERS_PER_PERSON_YEAR
               * profiles.PROVINCE_BY_CODE[o].activity * scale / WORKING_DAYS_PER_YEAR for o in origins}
    size_total = local.groupby(["origin", "kind"])["size"].transform("sum")
    local_rate = (local["origin"].map(per_day) * local["kind"].map(shares) * local["size"] / size_total).to_numpy()
    pool_origins = [o for o in origins if o in half.department_province]
    pool_rate = np.array([per_day[o] * shares["department"] for o in pool_origins])
    counts = rng.poisson(np.concatenate([local_rate, pool_rate])[:, None] * factor[None, :])
    source, day_index = np.nonzero(counts)
    n_cell = counts[source, day_index]
    source = np.repeat(source, n_cell)
    day = days[np.repeat(day_index, n_cell)]
    n_local = len(local)
    is_pool = source >= n_local

    # Procedure: the (province, level) group of the source, then a weighted draw inside it.
    local_group = np.array([groups[(p, k)] for p, k in zip(local["province_code"], local["kind"])], dtype=np.int64)
    pool_group = np.array([groups[(half.department_province[o], "province")] for o in pool_origins], dtype=np.int64)
    group = np.concatenate([local_group, pool_group])[source]
    proc = np.searchsorted(pools["key"].to_numpy(), group + rng.random(len(source)), side="right")
    proc = np.minimum(proc, len(pools) - 1)

    # Unit: the source itself, or for a department pool the department that handles the procedure.
    unit_index = pd.Series(np.arange(len(units)), index=units["unit_code"].to_numpy())
    dept_unit = unit_index.reindex(pools["department"].fillna("").to_numpy()).fillna(-1).to_numpy().astype(np.int64)
    local_rows = np.flatnonzero((units["kind"] != "department").to_numpy())
    unit = np.where(is_pool, dept_unit[proc], local_rows[np.minimum(source, n_local - 1)])
    unit_origin = np.array([origin_index[o] for o in units["origin"]], dtype=np.int64)
    pool_origin = np.array([origin_index[o] for o in pool_origins] or [0], dtype=np.int64)
    origin = np.where(is_pool, pool_origin[np.maximum(source - n_local, 0) % len(pool_origin)], unit_origin[unit])

    return Drawn(unit, proc, day, origin, _rates(rng, half, origins, unit, origin, day), seasons.tet_late_shift(day)), pools


def _rates(rng: np.random.Generator, half: Half, origins: list[str], unit: np.ndarray, origin: np.ndarray,
           day: np.ndarray) -> dict[str, np.ndarray]:
    """Return each dossier rate per dossier: the origin's base moved by the unit's quality, trend and monthly noise."""
    n_units = len(half.units)
    months = (day.astype("datetime64[M]") - np.datetime64(half.first_day, "M")).astype(np.int64)
    n_months = int(months.max()) + 1 if len(months) else 1
    trend = rng.normal(profiles.TREND_MEAN, profiles.TREND_SD, n_units)
    noise = rng.normal(0.0, profiles.MONTH_NOISE_SD, (n_units, n_months))
    offset = half.units["quality"].to_numpy()[unit] + trend[unit] * (months - (n_months - 1) / 2) + noise[unit, months]
    result = {}
    for rate in (profiles.RATE_BY_NAME[name] for name in DOSSIER_RATES):
        base = _logit(np.array([profiles.province_rate(profiles.PROVINCE_BY_CODE[o], rate.name) for o in origins]))
        result[rate.name] = 1.0 / (1.0 + np.exp(-(base[origin] + rate.direction * offset)))
    return result
