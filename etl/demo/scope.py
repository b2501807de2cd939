"""Which units the demo covers in each half of the range, with their size, their origin province and their latent quality.

Before 1 July 2025 a unit's origin is its own province. After it, a commune's origin is the
pre-reform province most of its territory came from (via `unit_mapping`), so Bình Dương's
communes keep Bình Dương's profile inside Hồ Chí Minh City; the new province's departments
serve every origin that went into it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import numpy as np
import pandas as pd

from etl.demo import profiles
from etl.demo.departments import NEW_DEPARTMENTS, OLD_DEPARTMENTS, department_name
from model.units import LAST_OLD_DAY, REFORM_DAY


@dataclass(frozen=True)
class Half:
    """One side of the reform inside the demo range: its tree, its days, and the units that receive dossiers."""

    tree: str  # "old" or "new"
    first_day: date
    last_day: date
    units: pd.DataFrame  # unit_code, valid_from, kind, name, province_code, origin, size, quality, short
    department_province: dict[str, str]  # origin → the province whose departments serve it in this half


_UNITS = """
select t.unit_code, t.valid_from, t.kind, t.name, t.province_code, t.district_code
from unit_tree t
where t.kind in ('province', 'district', 'commune') and (t.valid_from is null) = ?
order by t.unit_code
"""
_ORIGINS = """
select new_code as unit_code, arg_max(old_province_code, n) as origin
from (select new_code, old_province_code, count(*) + 1000 * bool_or(is_default)::int as n
      from unit_mapping group by all)
group by all
"""


def province_mapping(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Return old province code → the post-reform province its territory went into."""
    rows = con.execute("select old_province_code, mode(new_province_code) from unit_mapping group by 1").fetchall()
    return dict(rows)


def origins_of(code: str | None, mapping: dict[str, str], new_codes: set[str]) -> tuple[set[str], set[str]]:
    """Return the origin provinces covered before and after the reform for `--province code` (None: the country)."""
    everyone = set(mapping)
    if code is None:
        return everyone, everyone
    old = {code} & everyone
    new = {o for o, n in mapping.items() if n == code} if code in new_codes else old
    return old, new


def departments(tree: str, provinces: pd.DataFrame) -> pd.DataFrame:
    """Return the department rows of `units` for the given provinces (unit_code, name) of one tree."""
    declared = OLD_DEPARTMENTS if tree == "old" else NEW_DEPARTMENTS
    rows = [(f"{p.unit_code}-{short}", department_name(name, p.name), p.unit_code, short)
            for p in provinces.itertuples() for short, name in declared]
    table = pd.DataFrame(rows, columns=["unit_code", "name", "parent_code", "short"])
    table["kind"] = "department"
    table["valid_from"] = None if tree == "old" else REFORM_DAY
    table["valid_to"] = LAST_OLD_DAY if tree == "old" else None
    return table


def _size(rng: np.random.Generator, names: pd.Series) -> np.ndarray:
    """Return a lognormal relative size per unit, larger for urban units (recognised by the first word of the name)."""
    urban = np.ones(len(names))
    for prefix, factor in profiles.URBAN_FACTOR.items():
        urban[names.str.startswith(prefix).to_numpy()] = factor
    return rng.lognormal(0.0, profiles.UNIT_SIZE_SIGMA, len(names)) * urban


def _quality(rng: np.random.Generator, units: pd.DataFrame) -> np.ndarray:
    """Return each unit's quality offset on the logit scale: province spread, a few weak communes, level offsets."""
    origin = units["origin"].map(profiles.PROVINCE_BY_CODE)
    spread = origin.map(lambda p: p.unit_spread).to_numpy()
    weak_share = origin.map(lambda p: p.weak_unit_share).to_numpy()
    dept_offset = origin.map(lambda p: p.department_offset).to_numpy()
    local_offset = origin.map(lambda p: p.local_offset).to_numpy()
    n = len(units)
    kind = units["kind"].to_numpy()
    weak = (kind == "commune") & (rng.random(n) < weak_share)
    urban = units["name"].str.startswith(("Phường", "Quận", "Thành phố")).to_numpy()
    return (rng.normal(0.0, 1.0, n) * spread + weak * profiles.WEAK_UNIT_OFFSET + urban * 0.15
            + np.where(kind == "department", dept_offset, local_offset))


def half(con: duckdb.DuckDBPyConnection, rng: np.random.Generator, tree: str, first_day: date, last_day: date,
         origins: set[str], mapping: dict[str, str]) -> Half:
    """Return the half of the range on `tree` with its units in scope: their size within their pool and their quality."""
    units = con.execute(_UNITS, [tree == "old"]).df()
    if tree == "old":
        units["origin"] = units["province_code"]
    else:
        origin = dict(con.execute(_ORIGINS).fetchall())
        units["origin"] = units["unit_code"].map(origin).fillna(units["province_code"])
    provinces = units[units["kind"] == "province"]
    in_scope = units["origin"].isin(origins) & (units["kind"] != "province")
    local = units[in_scope].copy()
    served = {mapping[o] for o in origins} if tree == "new" else origins
    depts = departments(tree, provinces[provinces["unit_code"].isin(served)])
    depts["province_code"] = depts["parent_code"]
    # A new province's departments take the profile of its largest origin; their volume is pooled per origin later.
    largest = {}
    for o in sorted(origins, key=lambda c: (-profiles.PROVINCE_BY_CODE[c].population, c)):
        largest.setdefault(mapping[o] if tree == "new" else o, o)
    depts["origin"] = depts["province_code"].map(largest)
    local["short"] = None
    table = pd.concat([local, depts[["unit_code", "valid_from", "kind", "name", "province_code", "origin", "short"]]],
                      ignore_index=True)
    table["size"] = _size(rng, table["name"])
    table["quality"] = _quality(rng, table)
    return Half(tree, first_day, last_day, table.reset_index(drop=True),
                {o: mapping[o] if tree == "new" else o for o in origins})


def halves(con: duckdb.DuckDBPyConnection, rng: np.random.Generator, province: str | None,
           first_day: date, last_day: date) -> list[Half]:
    """Return the halves of [first_day, last_day] before and after the reform, with their units in scope."""
    mapping = province_mapping(con)
    new_codes = {r[0] for r in con.execute("select unit_code from units where kind = 'province' and valid_from is not null").fetchall()}
    old_origins, new_origins = origins_of(province, mapping, new_codes)
    result = []
    if first_day <= LAST_OLD_DAY and old_origins:
        result.append(half(con, rng, "old", first_day, min(last_day, LAST_OLD_DAY), old_origins, mapping))
    if last_day >= REFORM_DAY and new_origins:
        result.append(half(con, rng, "new", max(first_day, REFORM_DAY), last_day, new_origins, mapping))
    return result
