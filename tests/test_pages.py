"""What the unit page shows, stored with the scores (indicators/pages.py): over the hand-made province of
test_drill.py (Tỉnh Thử nghiệm 99: districts 991 and 992, communes 99101 and 99102 of 991, 99201 of 992, the
department 99-STP; March 2024), the chain, the rankings and the units below each unit, and each code's periods and
months, as the unit page showed them when it worked them out on every view."""
from __future__ import annotations

import pytest
from test_drill import build_province

import db
from dashboard.queries import unit as queries
from indicators import engine, outputs, pages

PERIOD = "2024-03"


@pytest.fixture
def scored(con):
    build_province(con)
    return con


def page(con, unit: str, period: str = PERIOD) -> dict:
    row = con.execute("select chain, peer_links, children from unit_pages where period = ? and unit_code = ?",
                      [period, unit]).fetchone()
    return {"chain": [tuple(c.values()) for c in row[0]],
            "peer_links": [tuple(p.values()) for p in row[1]],
            "children": [(c["unit_code"], c["kind"]) for c in row[2]]}


def test_each_unit_has_its_page_in_each_period(scored):
    counts = scored.execute("""select (select count(*) from unit_scores), (select count(*) from unit_pages),
                                      (select count(*) from unit_scores s anti join unit_pages p
                                       using (ruleset, period, period_kind, period_start, unit_code))""").fetchone()
    # 7 units × (March, Q1, 2024)
    assert counts == (21, 21, 0)


def test_the_province_its_district_a_commune_and_the_department(scored):
    province = page(scored, "99")
    assert province["chain"] == [("99", "Tỉnh Thử nghiệm", "province")]
    # its rankings below: districts, communes, departments, with their sizes
    assert province["peer_links"] == [("99:district", "district", None, 2), ("99:commune", "commune", None, 3),
                                      ("99:department", "department", None, 1)]
    # districts first, best first (992 has no dossier), then the department
    assert province["children"] == [("991", "district"), ("992", "district"), ("99-STP", "department")]
    district = page(scored, "991")
    assert district["chain"] == [("99", "Tỉnh Thử nghiệm", "province"), ("991", "Huyện Một", "district")]
    assert district["peer_links"] == [("99:commune", "commune", "991", 2)]
    assert sorted(district["children"]) == [("99101", "commune"), ("99102", "commune")]
    commune = page(scored, "99101")
    assert commune["chain"] == [("99", "Tỉnh Thử nghiệm", "province"), ("991", "Huyện Một", "district"),
                                ("99101", "Xã Một Một", "commune")]
    assert commune["peer_links"] == [] and commune["children"] == []
    department = page(scored, "99-STP", "2024")
    assert department["chain"] == [("99", "Tỉnh Thử nghiệm", "province"), ("99-STP", "Sở Tư pháp", "department")]
    assert department["children"] == []


def test_a_child_carries_its_score_as_stored(scored):
    row = scored.execute("""select c from unit_pages p, unnest(p.children) as t(c)
                            where p.period = '2024' and p.unit_code = '991' and c.unit_code = '99101'""").fetchone()[0]
    stored = scored.execute("""select unit_code, unit_name, unit_kind, total, band, rank, n_peers, peer_list,
                                      score_change, rank_change
                               from unit_scores where period = '2024' and unit_code = '99101'""").fetchone()
    assert tuple(row.values()) == stored


def test_each_code_has_its_periods_and_months(scored):
    periods, months = scored.execute("select periods, months from unit_trends where unit_code = '99'").fetchone()
    # latest first; a year before the quarter that starts with it
    assert [(p["period"], p["period_kind"]) for p in periods] == [("2024-03", "month"), ("2024", "year"),
                                                                 ("2024-Q1", "quarter")]
    assert [m["period"] for m in months] == ["2024-03"]
    total = scored.execute("select total from unit_scores where unit_code = '99' and period = '2024-03'").fetchone()[0]
    assert months[0]["total"] == total
    assert scored.execute("select count(*) from unit_trends").fetchone()[0] == 7


def test_the_queries_read_the_stored_rows_and_derive_them_on_an_older_database(scored, db_path, monkeypatch):
    scored.close()
    monkeypatch.setenv("KPI766_DB", str(db_path))

    def shown() -> dict:
        # as JSON: a missing value (a first period's change) equals itself there
        return {(unit, period): [frame.to_json() for frame in (
                    queries.breadcrumbs(unit, period), queries.peer_lists(unit, period),
                    queries.children(unit, period), queries.unit_periods(unit), queries.trend(unit))]
                for unit in ("99", "991", "992", "99101", "99-STP") for period in (PERIOD, "2024-Q1", "2024")}

    stored = shown()
    assert queries.children("99", PERIOD)["unit_code"].tolist() == ["991", "992", "99-STP"]
    writer = db.connect(db_path)
    writer.execute("drop table unit_pages")
    writer.execute("drop table unit_trends")
    writer.close()
    # a database scored before the tables existed, read-only: the same rows, derived on every view
    assert shown() == stored
    # and folded in when it is next opened for scoring
    writer = db.connect(db_path)
    outputs.ensure(writer)
    assert writer.execute("select count(*) from unit_pages").fetchone()[0] == 21
    writer.close()
    assert shown() == stored


def test_the_stored_rows_are_those_their_sql_derives(scored):
    for table, sql in (("unit_pages", pages.derive("true")), ("unit_trends", pages.derive_trends("true"))):
        assert (scored.execute(f"select * from {table} order by all").fetchall()
                == scored.execute(f"select * from ({sql}) order by all").fetchall())


def test_a_range_scored_on_request_has_its_pages(scored):
    from indicators.periods import parse

    engine.score_range(scored, parse("2024-03-01..2024-03-31"))
    ranged = scored.execute("select count(*) from unit_pages where period_kind = 'range'").fetchone()[0]
    assert ranged == scored.execute("select count(*) from unit_scores where period_kind = 'range'").fetchone()[0] > 0
