"""The official units of both trees, their validity, the tree view and the old→new mapping."""
from __future__ import annotations

from model import units


def _counts(con, current: bool) -> dict[str, int]:
    rows = con.execute("select kind, count(*) from units where (valid_to is null) = ? group by kind", [current]).fetchall()
    return dict(rows)


def test_before_the_reform_three_levels(con):
    # 10,035 communes: the package's 10,040 rows include the five island districts
    # (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo) that have no commune below them.
    assert _counts(con, current=False) == {"province": 63, "district": 696, "commune": 10035}


def test_after_the_reform_two_levels(con):
    assert _counts(con, current=True) == {"province": 34, "commune": 3321}


def test_validity_splits_at_the_reform(con):
    rows = con.execute("""select valid_to is null, min(valid_from), max(valid_from), min(valid_to), max(valid_to)
                          from units group by 1 order by 1""").fetchall()
    old, new = rows
    assert old[1:] == (None, None, units.LAST_OLD_DAY, units.LAST_OLD_DAY)
    assert new[1:] == (units.REFORM_DAY, units.REFORM_DAY, None, None)


def test_a_reused_code_names_two_units(con):
    rows = con.execute("""select valid_from, name, province_code, district_code, level from unit_tree
                          where unit_code = '25747' order by valid_from nulls first""").fetchall()
    assert rows == [
        (None, "Phường Phú Cường", "74", "718", 3),
        (units.REFORM_DAY, "Phường Thủ Dầu Một", "79", None, 2),
    ]


def test_names_keep_their_diacritics(con):
    names = dict(con.execute("select unit_code, name from units where kind = 'province' and valid_to is null").fetchall())
    assert names["01"] == "Thành phố Hà Nội"
    assert names["75"] == "Tỉnh Đồng Nai"
    assert len(names) == 34


def test_every_unit_below_a_province_finds_it(con):
    missing = con.execute("select count(*) from unit_tree where province_code is null").fetchone()[0]
    assert missing == 0
    # Bình Dương before the reform: 9 districts, 91 communes (the published report's figures).
    assert con.execute("""select count(*) filter (where kind = 'district'), count(*) filter (where kind = 'commune')
                          from unit_tree where province_code = '74' and valid_to is not null""").fetchone() == (9, 91)


def test_mapping_old_to_new(con):
    assert con.execute("select new_code, new_province_code, is_default, divided from unit_mapping where old_code = '25747'"
                       ).fetchall() == [("25747", "79", True, False)]
    # Every old commune (and island district) has a successor; every new commune has a predecessor.
    n_old, n_new = con.execute("select count(distinct old_code), count(distinct new_code) from unit_mapping").fetchone()
    assert (n_old, n_new) == (10040, 3321)
    # A divided old commune has exactly one default successor.
    bad = con.execute("""select count(*) from (select old_code from unit_mapping where divided
                         group by old_code having count(*) filter (where is_default) <> 1)""").fetchone()[0]
    assert bad == 0
