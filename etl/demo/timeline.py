"""Each dossier's life in time: channel, submission and receipt, due time, the processing records, the outcome.

A dossier's records sit in fixed slots (`SLOTS`), each present or not, with times that never
go backwards. The dossier's own columns (status, finished_at, …) are read from the slots
present by `as_of`, so dossiers and their records always agree.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import workdays

SLOTS = ("received", "transferred", "supplement_requested", "supplement_completed",
         "supplement_requested", "supplement_completed", "transferred", "terminal")
RECEIVED, TRANSFER_1, REQUEST_1, COMPLETE_1, REQUEST_2, COMPLETE_2, TRANSFER_2, TERMINAL = range(len(SLOTS))
# Status of an unfinished dossier by its last record (the terminal slot has its own outcome).
OPEN_STATUS = ("received", "processing", "supplement_requested", "processing", "supplement_requested", "processing", "processing")
OUTCOMES = ("finished", "returned", "rejected", "stopped", "withdrawn")
OUTCOME_P = (0.935, 0.02, 0.02, 0.005, 0.02)
WITHDRAWN_BEFORE_RECEIPT = 0.006  # of online dossiers
NO_DUE_AT = 0.03
OPEN_SUPPLEMENT = 0.08  # requests the citizen never answers
SECOND_REQUEST = 0.25  # of late dossiers with a request
TRANSFERS_P = (0.35, 0.45, 0.20)  # 0, 1, 2 transfers
RESULT_HANDED = 0.8  # finished dossiers whose result hand-over (returned_at) is recorded
OFFICE_START, OFFICE_SECONDS = 7 * 3600 + 1800, 7 * 3600 + 1800  # 07:30, 7.5 working hours with a lunch break
LUNCH_AFTER, LUNCH = 4 * 3600, 2 * 3600
_NAT = np.iinfo(np.int64).min


def _office_time(rng: np.random.Generator, n: int) -> np.ndarray:
    """Return random seconds since midnight inside office hours (07:30–11:30, 13:30–17:00)."""
    x = rng.integers(0, OFFICE_SECONDS, n)
    return OFFICE_START + x + (x >= LUNCH_AFTER) * LUNCH


def _at(day: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    """Return datetime64[s] moments from dates and seconds since midnight."""
    return day.astype("datetime64[D]").astype("datetime64[s]") + seconds.astype("timedelta64[s]")


def _workday(day: np.ndarray, offset: np.ndarray) -> np.ndarray:
    """Return the working day `offset` working days after `day` (a non-working day rolls forward first)."""
    return workdays.working_day_offset(day, offset)


@dataclass
class Timeline:
    """Per dossier: channel, submitted, received, due; slot times (n × 8, datetime64[s], NaT absent); outcome index."""

    channel: np.ndarray
    submitted: np.ndarray
    received: np.ndarray
    due: np.ndarray
    slots: np.ndarray
    outcome: np.ndarray  # index into OUTCOMES
    late: np.ndarray


def build(rng: np.random.Generator, day: np.ndarray, online_service: np.ndarray, days: np.ndarray,
          p: dict[str, np.ndarray], tet_shift: np.ndarray) -> Timeline:
    """Return the timeline of dossiers submitted on `day` for procedures with `online_service` and `days` working days."""
    n = len(day)
    u = lambda: rng.random(n)  # noqa: E731
    offered = online_service != "none"
    p_online = np.clip(p["online"] * np.where(online_service == "full", 1.15, 0.85), 0, 0.98)
    online = offered & (u() < p_online)
    postal = ~online & (u() < p["postal"])
    channel = np.select([online, postal], ["online", "postal"], "direct")

    # Direct and postal dossiers are handed in on a working day; online ones any time, received next office hour.
    work_day = _workday(day, np.zeros(n, dtype=np.int64))
    office = _office_time(rng, n)
    online_seconds = rng.integers(6 * 3600, 23 * 3600, n)
    submitted = np.where(online, _at(day, online_seconds), _at(work_day, office))
    submitted = np.where(postal, submitted - rng.integers(86400, 4 * 86400, n).astype("timedelta64[s]"), submitted)
    same_day = online & workdays.is_working_day(day) & (online_seconds < 16 * 3600)
    next_day = _workday(day, workdays.is_working_day(day).astype(np.int64))
    received = np.where(online, np.where(same_day, submitted + rng.integers(300, 7200, n).astype("timedelta64[s]"),
                                         _at(next_day, OFFICE_START + rng.integers(0, 3 * 3600, n))),
                        _at(work_day, office))
    before_receipt = online & (u() < WITHDRAWN_BEFORE_RECEIPT)

    # Outcome, lateness and supplements; processing length in working days k (day index of the end).
    outcome = rng.choice(len(OUTCOMES), n, p=OUTCOME_P)
    outcome[before_receipt] = OUTCOMES.index("withdrawn")
    on_time_p = 1.0 / (1.0 + np.exp(-(np.log(p["on_time"] / (1 - p["on_time"])) + tet_shift)))
    late = (u() > on_time_p) & (outcome == 0)
    supplement = ~before_receipt & (u() < p["supplement"])
    unanswered = supplement & (u() < OPEN_SUPPLEMENT)
    second = supplement & ~unanswered & late & (u() < SECOND_REQUEST)
    citizen = np.where(supplement & ~unanswered, rng.integers(1, 8, n), 0)
    m = days.astype(np.int64)
    k = np.where(late, m + rng.geometric(0.35, n), np.floor(u() ** 1.6 * m).astype(np.int64))
    k = np.where(outcome > 0, np.minimum(k, rng.integers(0, 3, n)), k)  # refusals and withdrawals come early
    end_day = k + citizen
    due = np.where(u() < NO_DUE_AT, np.datetime64("NaT"), workdays.add_working_days(received, m + citizen))

    # Slot times: the record's working day after receipt and an office time; then made non-decreasing.
    recv_day = received.astype("datetime64[D]")
    slot_day = np.zeros((n, len(SLOTS)), dtype=np.int64)
    present = np.zeros((n, len(SLOTS)), dtype=bool)
    transfers = rng.choice(3, n, p=TRANSFERS_P)
    request_day = np.floor(u() * (k + 1)).astype(np.int64)
    slot_day[:, TRANSFER_1] = np.floor(u() * 0.3 * (end_day + 1)).astype(np.int64)
    slot_day[:, REQUEST_1] = request_day
    slot_day[:, COMPLETE_1] = request_day + np.where(second, np.maximum(citizen // 2, 1), citizen)
    slot_day[:, REQUEST_2] = slot_day[:, COMPLETE_1] + rng.integers(0, 2, n)
    slot_day[:, COMPLETE_2] = request_day + citizen + 1
    slot_day[:, TRANSFER_2] = end_day
    slot_day[:, TERMINAL] = end_day + second
    present[:, RECEIVED] = ~before_receipt
    present[:, TRANSFER_1] = ~before_receipt & (transfers >= 1)
    present[:, REQUEST_1] = supplement
    present[:, COMPLETE_1] = supplement & ~unanswered
    present[:, REQUEST_2] = second
    present[:, COMPLETE_2] = second
    present[:, TRANSFER_2] = ~before_receipt & (transfers == 2) & (outcome == 0)
    present[:, TERMINAL] = ~unanswered
    times = _at(_workday(np.repeat(recv_day, len(SLOTS)).reshape(n, -1), slot_day),
                _office_time(rng, n * len(SLOTS)).reshape(n, -1)).astype(np.int64)
    times[:, RECEIVED] = received.astype(np.int64)
    withdraw_at = submitted + rng.integers(3600, 3 * 86400, n).astype("timedelta64[s]")
    times[:, TERMINAL] = np.where(before_receipt, withdraw_at.astype(np.int64), times[:, TERMINAL])
    times = np.where(present, times, _NAT)
    times = np.maximum.accumulate(times, axis=1) + np.arange(len(SLOTS)) * 60  # a minute apart at least
    slots = np.where(present, times, _NAT).view("datetime64[s]")
    return Timeline(channel, submitted, np.where(before_receipt, np.datetime64("NaT"), received),
                    np.where(before_receipt, np.datetime64("NaT"), due), slots, outcome, late)
