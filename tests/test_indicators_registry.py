"""The registry and the rule sets: validated declarations, rule sets as files, not-applicable rescaling."""
from __future__ import annotations

import dataclasses

import pytest
from test_engine_helpers import add_dossier, add_procedure, score, unit_score

import indicators
from indicators import GROUPS, REGISTRY, rulesets


def test_six_columns_of_18_20_12_10_22_18_points():
    assert [(g.number, g.max_points) for g in GROUPS] == [("1", 18), ("2", 20), ("3a", 12), ("3b", 10), ("4", 22),
                                                          ("5", 18)]
    scored = [i.id for i in REGISTRY.values() if not i.display_only]
    assert scored == ["1.1", "1.2", "1.3", "1.4", "2.1", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6",
                      "4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.7", "5.1", "5.2", "5.3"]
    assert {"2.2", "5.4a", "5.4b", "3.x1", "3.x2", "3.x3", "3.x4"} <= set(REGISTRY)


def test_every_indicator_is_explained_in_both_languages():
    for ind in REGISTRY.values():
        assert len(ind.explain_vi) > 80 and len(ind.explain_en) > 80, ind.id


def test_every_formula_is_given_in_both_languages():
    for ind in REGISTRY.values():
        assert ind.numerator_vi != ind.numerator_en and ind.denominator_vi != ind.denominator_en, ind.id
        # each Vietnamese text opens with what it counts: procedures, dossiers, working days, communes, feedback
        first_words = {ind.numerator_vi.split()[0], ind.denominator_vi.split()[0]}
        assert first_words <= {"TTHC", "hồ", "tổng", "xã,", "phản"}, ind.id
    assert REGISTRY["2.1"].numerator_vi == (
        "hồ sơ xử lý trong kỳ đã giải quyết xong trước hạn, đúng hạn, hoặc đang giải quyết và chưa quá hạn tại cuối kỳ")
    assert REGISTRY["3.6"].denominator_vi == "hồ sơ tiếp nhận trong kỳ phải nộp phí, lệ phí"


def test_validation_refuses_broken_declarations():
    group = GROUPS[0]
    first = group.indicators[0]
    broken = [
        dataclasses.replace(group, indicators=(*group.indicators, first)),  # a duplicate id
        dataclasses.replace(group, indicators=group.indicators[1:]),  # points no longer add up to 18
        dataclasses.replace(group, indicators=(dataclasses.replace(first, explain_en=""), *group.indicators[1:])),
        dataclasses.replace(group, indicators=(dataclasses.replace(first, no_data="maybe"), *group.indicators[1:])),
        dataclasses.replace(group, indicators=(dataclasses.replace(first, numerator_vi=" "), *group.indicators[1:])),
        dataclasses.replace(group, indicators=(dataclasses.replace(first, denominator_en=""), *group.indicators[1:])),
    ]
    for bad in broken:
        with pytest.raises(ValueError):
            indicators.validate((bad, *GROUPS[1:]))


def test_rule_sets_extend_and_override():
    portal, text = rulesets.load(), rulesets.load("decision-766-text")
    assert (portal.name, portal.rule("4.2").target, portal.sync_multiplier, portal.no_feedback) == (
        "portal-2025", 1.0, False, "full")
    assert (text.rule("4.2").target, text.multipliers, text.borrowed) == (
        0.8, {"3.3": "1.4"}, {"5.1": "2.1", "5.2": "5.3"})
    assert [(b.key, b.min) for b in portal.bands] == [("excellent", 90), ("good", 80), ("fair", 70), ("average", 50),
                                                      ("weak", 0)]
    assert portal.working_days == {"announce_before_effect": 5, "announce_before_effect_ministry": 20,
                                   "publish_after_decision": 5, "publish_after_decision_ministry": 10}
    assert {"portal-2025", "decision-766-text"} <= set(rulesets.available())


def test_a_rule_set_that_breaks_the_points_is_refused(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('name = "bad"\nextends = "portal-2025"\n[indicators."3.1"]\nmax_points = 3\n', encoding="utf-8")
    with pytest.raises(ValueError, match="online"):
        rulesets.load(str(path))
    with pytest.raises(ValueError, match="unknown rule set"):
        rulesets.load("no-such-rule-set")


def test_a_user_rule_set_file_with_a_not_applicable_indicator_rescales_the_total(con, tmp_path):
    path = tmp_path / "my-rules.toml"
    path.write_text('name = "my-rules"\nextends = "portal-2025"\n'
                    '[indicators."4.1"]\nno_data = "not_applicable"\n'
                    '[[bands]]\nkey = "pass"\nname_vi = "Đạt"\nname_en = "Pass"\nmin = 50\n'
                    '[[bands]]\nkey = "fail"\nname_vi = "Không đạt"\nname_en = "Fail"\nmin = 0\n', encoding="utf-8")
    add_procedure(con, "P1")
    add_dossier(con, "D1", synced_to_portal=True, due_at="2024-03-11 17:00", finished_at="2024-03-08 10:00")
    v = score(con, ruleset=str(path))
    assert (v["4.1"]["no_data"], v["4.1"]["points"]) == (True, None)
    row = unit_score(con, "2024-03", "25747", "my-rules")
    # 1.3 2 + 1.4 6 + 2.1 20 + 4.7 2 + 5.1, 5.2 12 + 5.3 6 = 48 of the 94 points that apply
    assert row["excluded_points"] == 6
    assert row["total"] == pytest.approx(48 * 100 / 94)
    assert (row["band"], row["ruleset"]) == ("pass", "my-rules")
