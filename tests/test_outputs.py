"""The stored outputs: indicator_values is a view over one row per period and unit (unit_indicators); a database
that stored one row per indicator keeps its values when it is opened by this version."""
from __future__ import annotations

from indicators import REGISTRY, outputs

OLD_TABLE = """create table indicator_values (
    ruleset varchar, period varchar, period_kind varchar, period_start date, period_end date, as_of timestamp,
    unit_code varchar, unit_valid_from date, unit_kind varchar, indicator_id varchar, group_key varchar,
    numerator double, denominator double, ratio double, points double, max_points double, no_data boolean,
    not_applicable boolean, computed_at timestamp)"""
OLD_ROWS = [
    # 2.1 for a commune in March 2024: 7 of 10 on time, 14 points of 20
    ("25747", "2.1", "progress", 7.0, 10.0, 0.7, 14.0, 20.0, False, False),
    # 5.1 with no feedback: no data, points borrowed
    ("25747", "5.1", "satisfaction", 0.0, 0.0, None, 4.2, 6.0, True, False),
    ("74", "2.1", "progress", 90.0, 100.0, 0.9, 18.0, 20.0, False, False),
]


def read(con) -> list[tuple]:
    return con.execute("""select unit_code, indicator_id, group_key, numerator, denominator, ratio, points, max_points,
                                 no_data, not_applicable
                          from indicator_values order by unit_code, indicator_id""").fetchall()


def test_one_row_per_indicator_is_folded_into_one_row_per_unit_and_read_back_the_same(con):
    con.execute("drop view if exists indicator_values")
    con.execute(OLD_TABLE)
    con.executemany("""insert into indicator_values values ('portal-2025', '2024-03', 'month', date '2024-03-01',
                       date '2024-03-31', timestamp '2025-01-31', ?, null, 'commune', ?, ?, ?, ?, ?, ?, ?, ?, ?,
                       timestamp '2025-01-31 10:00')""", OLD_ROWS)
    outputs.ensure(con)
    assert con.execute("select table_type from information_schema.tables where table_name = 'indicator_values'"
                       ).fetchone()[0] == "VIEW"
    assert con.execute("select count(*) from unit_indicators").fetchone()[0] == 2
    assert read(con) == sorted(OLD_ROWS)


def test_the_view_unfolds_every_indicator_of_a_stored_row_with_its_ratio_and_no_data_flag(con):
    outputs.ensure(con)
    columns = {f"{part}_{outputs.ref(i)}": None for i in REGISTRY for part in outputs.PARTS}
    columns.update({"n_2_1": 3.0, "d_2_1": 4.0, "p_2_1": 15.0, "n_1_1": 0.0, "d_1_1": 0.0, "p_1_1": 0.0})
    for i in REGISTRY:
        columns[f"x_{outputs.ref(i)}"], columns[f"a_{outputs.ref(i)}"] = 1.0, False
    names = ", ".join(columns)
    con.execute(f"""insert into unit_indicators (ruleset, period, period_kind, unit_code, {names})
                    values ('portal-2025', '2024', 'year', '74', {", ".join("?" for _ in columns)})""",
                list(columns.values()))
    rows = {r[1]: r for r in read(con)}
    assert len(rows) == len(REGISTRY)
    assert rows["2.1"][3:9] == (3.0, 4.0, 0.75, 15.0, 1.0, False)
    assert rows["1.1"][3:9] == (0.0, 0.0, None, 0.0, 1.0, True)
    assert rows["2.1"][2] == "progress"
