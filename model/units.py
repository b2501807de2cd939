"""The official administrative units, before and after the 1 July 2025 reform, from `vietnamadminunits`.

Old tree (until 2025-06-30): province → district → commune. New tree (from 2025-07-01):
province → commune. Codes were reused by the reform, so every old unit closes on
2025-06-30 and every new one opens on 2025-07-01, even where code and name did not change.
The package's old→new conversion table becomes `unit_mapping`.
"""
from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import vietnamadminunits

REFORM_DAY = date(2025, 7, 1)
LAST_OLD_DAY = date(2025, 6, 30)
_DATA = Path(vietnamadminunits.__file__).parent / "data"

_OLD = """
select distinct provinceCode as unit_code, province as name, 'province' as kind, null as parent_code from admin_units_legacy
union all
select distinct districtCode, district, 'district', provinceCode from admin_units_legacy
union all
select wardCode, ward, 'commune', districtCode from admin_units_legacy where wardCode is not null
"""
_NEW = """
select distinct provinceCode as unit_code, province as name, 'province' as kind, null as parent_code from admin_units
union all
select wardCode, ward, 'commune', provinceCode from admin_units
"""


def _query(sql: str) -> pd.DataFrame:
    with sqlite3.connect(_DATA / "dataset.db") as con:
        return pd.read_sql_query(sql, con)


def official_units() -> pd.DataFrame:
    """Return every official unit of both trees: code, name, kind, parent, valid_from, valid_to."""
    old = _query(_OLD).assign(valid_from=None, valid_to=LAST_OLD_DAY.isoformat())
    new = _query(_NEW).assign(valid_from=REFORM_DAY.isoformat(), valid_to=None)
    return pd.concat([old, new], ignore_index=True).astype(object)


def official_mapping() -> pd.DataFrame:
    """Return the old→new commune mapping: one row per old unit and new commune it went (partly) into."""
    conv = json.loads((_DATA / "converter_2025.json").read_text(encoding="utf-8"))
    rows = []
    for new_prov, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_ward, old_keys in wards.items():
            rows += [(old_key, new_prov, new_ward, True, False) for old_key in old_keys]
    for new_prov, olds in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, targets in olds.items():
            rows += [(old_key, new_prov, t["newWardKey"], bool(t["isDefaultNewWard"]), True) for t in targets]
    pairs = pd.DataFrame(rows, columns=["old_key", "new_prov_key", "new_ward_key", "is_default", "divided"])
    old = _query("""select provinceKey || '_' || districtKey || '_' || coalesce(wardKey, '') as old_key,
                           coalesce(wardCode, districtCode) as old_code, provinceCode as old_province_code
                    from admin_units_legacy""")
    new = _query("""select provinceKey as new_prov_key, wardKey as new_ward_key,
                           wardCode as new_code, provinceCode as new_province_code from admin_units""")
    mapping = pairs.merge(old, on="old_key").merge(new, on=["new_prov_key", "new_ward_key"])
    return mapping[["old_code", "new_code", "old_province_code", "new_province_code", "is_default", "divided"]].drop_duplicates()


def install_official(con: duckdb.DuckDBPyConnection) -> None:
    """Replace the official provinces, districts and communes and the old→new mapping in the database."""
    con.register("official_units_df", official_units())
    con.register("official_mapping_df", official_mapping())
    con.execute("begin")
    try:
        con.execute("delete from units where kind in ('province', 'district', 'commune')")
        con.execute("""insert into units by name
                       select unit_code, name, kind, parent_code, valid_from::date as valid_from,
                              valid_to::date as valid_to, 0 as load_id
                       from official_units_df""")
        con.execute("delete from unit_mapping")
        con.execute("insert into unit_mapping by name select * from official_mapping_df")
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")
    con.unregister("official_units_df")
    con.unregister("official_mapping_df")
