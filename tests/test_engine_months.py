"""A full refresh builds every quarter and year from the months (a dossier open for months is a step up and a step
down of a running count, not a row per month); scoring one period on its own judges each dossier in it directly.
On dossiers drawn to hit every boundary, both give the same processed counts (2.1, 5.3, 3.x4) for every month,
quarter and year, and the same finished counts (2.2, 4.1), with the rows each leaves out for an unknown value; under
the default rule set and under the option that takes supplement time off a recorded due time."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest
from test_engine_helpers import COMMUNE, COMMUNE_2, add_dossier, add_event, add_procedure

from indicators import REGISTRY, engine, periods

COMPARED = sorted(i.id for i in REGISTRY.values() if i.denominator.basis in ("processed", "finished"))
MONTH_STARTS = [datetime(2024, m, 1) for m in range(1, 8)]


def moment(rng: random.Random) -> datetime:
    """A moment from January to June 2024; one in five exactly at the start of a month (midnight)."""
    if rng.random() < 0.2:
        return rng.choice(MONTH_STARTS[:6])
    return datetime(2024, 1, 1) + timedelta(minutes=rng.randrange(0, 182 * 24 * 60))


def insert_dossiers(con, n: int, seed: int) -> None:
    """Dossiers with and without a due time (then P1's 10 working days, or P2 with no limit), open or ended by any
    processing record, with none, one or two supplement requests answered or not, some spanning months."""
    add_procedure(con, "P1")
    add_procedure(con, "P2", max_processing_days=None)
    rng = random.Random(seed)
    for i in range(n):
        received = moment(rng)
        code = f"D{i}"
        due = received + timedelta(hours=rng.choice([1, 30, 24 * 12, 24 * 40, 24 * 70])) if rng.random() < 0.6 else None
        if rng.random() < 0.1:
            # a due time exactly at a month start
            due = rng.choice(MONTH_STARTS)
        add_dossier(con, code, unit=rng.choice([COMMUNE, COMMUNE_2]), received=str(received),
                    procedure=rng.choice(["P1", "P1", "P2"]), due_at=str(due) if due else None,
                    channel=rng.choice(["direct", "online"]), rating=rng.choice([None, "satisfied", "unsatisfied"]),
                    has_complaint=rng.random() < 0.1)
        seq, at = 1, received
        add_event(con, code, seq, "received", str(received))
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            later = at + timedelta(hours=rng.choice([2, 50, 24 * 20, 24 * 45]))
            # one request in four exactly at the start of the next month
            at = min([s for s in MONTH_STARTS if s > at] or [later]) if rng.random() < 0.25 else later
            seq += 1
            add_event(con, code, seq, "supplement_requested", str(at))
            if rng.random() < 0.7:
                at += timedelta(hours=rng.choice([3, 70, 24 * 33]))
                seq += 1
                add_event(con, code, seq, "supplement_completed", str(at))
        if rng.random() < 0.7:
            end = rng.choice([at + timedelta(hours=rng.choice([1, 40, 24 * 25, 24 * 60])),
                              *[s for s in MONTH_STARTS if s > at][:1]])
            add_event(con, code, seq + 1, rng.choice(["finished", "finished", "returned", "stopped", "withdrawn"]),
                      str(end))


def values(con, period: str, kind: str) -> dict[tuple, tuple]:
    rows = con.execute(f"""select unit_code, indicator_id, numerator, denominator, excluded_rows from indicator_values
                           where period = ? and period_kind = ?
                             and indicator_id in ({", ".join("?" for _ in COMPARED)})""",
                       [period, kind, *COMPARED]).fetchall()
    return {(unit, ind): (num, den, left_out) for unit, ind, num, den, left_out in rows}


# the default rule set, and the option for sources that keep the first due date (supplement time off due_at too)
FIRST_DUE = 'name = "first-due"\nextends = "portal-2025"\n[options]\ndeduct_supplement_from_due = true\n'


@pytest.mark.parametrize("as_of, deduct", [(datetime(2024, 6, 17, 10, 30), False), (datetime(2024, 5, 1), False),
                                           (datetime(2024, 8, 2), False), (datetime(2024, 6, 17, 10, 30), True)])
def test_months_added_up_agree_with_each_period_scored_alone(con, as_of, deduct, tmp_path):
    ruleset = None
    if deduct:
        (tmp_path / "first-due.toml").write_text(FIRST_DUE)
        ruleset = str(tmp_path / "first-due.toml")
    insert_dossiers(con, 260, seed=int(as_of.timestamp()))
    engine.refresh(con, ruleset, as_of=as_of)
    stored = con.execute("select distinct period, period_kind from unit_scores order by all").fetchall()
    assert {kind for _, kind in stored} == {"month", "quarter", "year"}
    for period, kind in stored:
        by_months = values(con, period, kind)
        engine.score_range(con, periods.parse(period), ruleset, as_of=as_of)
        alone = values(con, period, kind)
        assert by_months == alone, period
        assert any(den for _, den, _ in alone.values()), period
    # P2 has no time limit and some dossiers no due time: 2.1 leaves some out, the same way both ways
    assert con.execute("select sum(u_2_1) from unit_indicators").fetchone()[0] > 0
