"""Properties over random dossiers (hypothesis): points stay in [0, max], never fall when a row that meets the
numerator is added, and the columns add up to the total."""
from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_engine_helpers import COMMUNE, add_dossier, add_feedback, add_procedure, indicator_values, unit_score

from indicators import engine, periods

MARCH = periods.parse("2024-03")
AS_OF = datetime(2024, 3, 20, 12, 0)

flag = st.one_of(st.none(), st.booleans())
dossier = st.fixed_dictionaries({
    "procedure": st.sampled_from(["P1", "P2", "P3"]),
    "channel": st.sampled_from(["direct", "online", "postal"]),
    "day": st.integers(1, 19), "hours": st.integers(1, 24 * 12), "due_in": st.integers(1, 24 * 12),
    "finished": st.booleans(), "synced_to_portal": flag, "fee_total": st.sampled_from([0, 1000]),
    "paid_online": flag, "components_digitized": flag, "result_file_attached": flag, "reused_digitized_data": flag,
    "from_personal_store": flag, "population_data_used": flag,
    "rating": st.sampled_from([None, "satisfied", "unsatisfied"]), "has_complaint": flag,
})
feedback = st.fixed_dictionaries({"day": st.integers(1, 19), "due_in": st.integers(1, 300),
                                  "handled_in": st.one_of(st.none(), st.integers(1, 300)),
                                  "likes": st.integers(0, 3), "dislikes": st.integers(0, 3), "reraised": flag})
PERFECT = {"procedure": "P1", "channel": "online", "day": 5, "hours": 2, "due_in": 48, "finished": True,
           "synced_to_portal": True, "fee_total": 1000, "paid_online": True, "components_digitized": True,
           "result_file_attached": True, "reused_digitized_data": True, "from_personal_store": True,
           "population_data_used": True, "rating": "satisfied", "has_complaint": False}


def reset(con) -> None:
    """Empty the inputs of the previous example and install the three procedures."""
    for table in ("dossiers", "feedback", "procedures"):
        con.execute(f"delete from {table}")
    add_procedure(con, "P1", online_service="full", fee_bearing=True, payment_integrated=True,
                  requires_result_document=True)
    add_procedure(con, "P2", online_service="partial", fee_bearing=True)
    add_procedure(con, "P3")


def insert(con, i: int, d: dict) -> None:
    received = datetime(2024, 3, d["day"], 8, 0)
    columns = {k: d[k] for k in ("channel", "synced_to_portal", "fee_total", "paid_online", "components_digitized",
                                 "result_file_attached", "reused_digitized_data", "from_personal_store",
                                 "population_data_used", "rating", "has_complaint")}
    finished = received + timedelta(hours=d["hours"])
    add_dossier(con, f"D{i}", procedure=d["procedure"], received=str(received), due_at=str(received + timedelta(hours=d["due_in"])),
                finished_at=str(finished) if d["finished"] and finished <= AS_OF else None, **columns)


def insert_feedback(con, i: int, f: dict) -> None:
    received = datetime(2024, 3, f["day"], 8, 0)
    handled = received + timedelta(hours=f["handled_in"]) if f["handled_in"] else None
    add_feedback(con, f"F{i}", received=str(received), due_at=str(received + timedelta(hours=f["due_in"])),
                 handled_at=str(handled) if handled and handled <= AS_OF else None, likes=f["likes"],
                 dislikes=f["dislikes"], reraised=f["reraised"])


def run(con) -> tuple[dict, dict]:
    engine.score_range(con, MARCH, as_of=AS_OF)
    return indicator_values(con, "2024-03", COMMUNE), unit_score(con, "2024-03", COMMUNE)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(dossiers=st.lists(dossier, max_size=8), items=st.lists(feedback, max_size=4))
def test_points_bounded_monotone_and_summing_to_the_total(con, dossiers, items):
    reset(con)
    for i, d in enumerate(dossiers):
        insert(con, i, d)
    for i, f in enumerate(items):
        insert_feedback(con, i, f)
    before, scores = run(con)
    for ind_id, v in before.items():
        assert 0 <= v["points"] <= v["max_points"] + 1e-9, ind_id
    columns = ("transparency", "progress", "online", "payment", "digitisation", "satisfaction")
    assert abs(sum(scores[c] for c in columns) - scores["total"]) < 1e-9
    assert 0 <= scores["total"] <= 100 + 1e-9
    # one more dossier meeting every numerator, and one more feedback item handled well
    insert(con, len(dossiers), PERFECT)
    insert_feedback(con, len(items), {"day": 5, "due_in": 48, "handled_in": 2, "likes": 1, "dislikes": 0,
                                      "reraised": False})
    after, _ = run(con)
    for ind_id, v in after.items():
        assert v["points"] >= before[ind_id]["points"] - 1e-9, ind_id
