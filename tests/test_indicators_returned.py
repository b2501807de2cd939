"""4.1 and 2.2 count the dossiers whose processing ended with a result (methodology §4, group 4 note): finished, or
returned (the result handed back, portal status 10 "Đã trả kết quả"). Stopped, rejected and withdrawn dossiers have
no result. Ward Phú Cường (25747), March 2024, by a full refresh and by the period scored alone.
"""
from __future__ import annotations

from datetime import datetime

import pytest
from test_engine_helpers import COMMUNE, add_dossier, add_event, add_procedure, indicator_values

from indicators import engine, periods

AS_OF = datetime(2024, 4, 30)


def both(con) -> dict[str, tuple]:
    engine.refresh(con, as_of=AS_OF)
    by_months = indicator_values(con, "2024-03", COMMUNE)
    engine.score_range(con, periods.parse("2024-03-01..2024-03-31"), as_of=AS_OF)
    alone = indicator_values(con, "2024-03-01..2024-03-31", COMMUNE)
    got = {i: (by_months[i]["numerator"], by_months[i]["denominator"], by_months[i]["points"]) for i in ("4.1", "2.2")}
    assert got == {i: (alone[i]["numerator"], alone[i]["denominator"], alone[i]["points"]) for i in ("4.1", "2.2")}
    return got


def ended(con, code: str, event: str, at: str, attached: bool) -> None:
    add_dossier(con, code, procedure="R", result_file_attached=attached)
    add_event(con, code, 1, "received", "2024-03-04 08:00")
    add_event(con, code, 2, event, at)


def test_a_source_that_records_only_returned_scores_on_4_1(con):
    # Procedure R's result is a document. Received Mon 4 Mar 08:00:
    #   R1 returned Wed 6 Mar 08:00 with the electronic result (2 working days)
    #   R2 returned Mon 11 Mar 08:00 without it (5 working days)
    #   R3 status returned, returned_at Tue 5 Mar 08:00, no processing records, with it (1 working day)
    #   S1 stopped, X1 rejected: no result, in neither
    # 4.1 = 2 / 3 → 6 × 2/3 = 4 points; 2.2 = 8 working days over 3 dossiers.
    # The engine once counted only `finished`: 4.1 0 / 0 (no data, 0 points) and 2.2 0 / 0.
    add_procedure(con, "R", requires_result_document=True)
    ended(con, "R1", "returned", "2024-03-06 08:00", True)
    ended(con, "R2", "returned", "2024-03-11 08:00", False)
    add_dossier(con, "R3", procedure="R", status="returned", returned_at="2024-03-05 08:00", result_file_attached=True)
    ended(con, "S1", "stopped", "2024-03-05 08:00", False)
    ended(con, "X1", "rejected", "2024-03-05 08:00", False)
    got = both(con)
    assert got["4.1"] == (2, 3, pytest.approx(4.0))
    assert got["2.2"][:2] == (pytest.approx(8.0), 3)


def test_finished_then_returned_counts_once_at_its_finish(con):
    # F1 finished Mon 4 Mar 16:00 (8 h = 1/3 working day) and its result was handed back on 5 Mar: one dossier,
    # ended at its finish. With R1 (returned, 2 days, attached): 4.1 = 2 / 2, 2.2 = 2⅓ days over 2.
    add_procedure(con, "R", requires_result_document=True)
    ended(con, "F1", "finished", "2024-03-04 16:00", True)
    add_event(con, "F1", 3, "returned", "2024-03-05 08:00")
    ended(con, "R1", "returned", "2024-03-06 08:00", True)
    got = both(con)
    assert got["4.1"] == (2, 2, pytest.approx(6.0))
    assert got["2.2"][:2] == (pytest.approx(2 + 1 / 3), 2)
