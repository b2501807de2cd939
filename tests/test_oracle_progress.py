"""An independent oracle for groups 1 and 2 (1.1–1.4, 2.1, 2.2), the ratio→points conversion (§2) and the period,
scope and as_of rules (§3), written from the methodology (shared/methodology/766-index.md) and the engine's
documented readings (indicators/README.md), not from the engine's SQL. Hypothesis draws small sets of dossiers,
processing records and publication decisions that sit on the boundaries (exactly at a due time, a microsecond or a
minute either side, a month start, as_of, Tết), and the engine's stored numerator, denominator and points must
equal the oracle's for every month, quarter and year a refresh stores, and for a date range scored alone.

The places: Bình Dương (74), its district Thủ Dầu Một (718) with wards Phú Cường (25747) and Hiệp Thành (25741),
ward 25816 of district Bàu Bàng (719), and a department 74-STP.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import holidays
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from test_engine_helpers import (
    COMMUNE,
    COMMUNE_2,
    DEPARTMENT,
    DISTRICT,
    PROVINCE,
    add_decision,
    add_department,
    add_dossier,
    add_event,
    add_procedure,
)

from indicators import engine, outputs, periods

OTHER_DISTRICT, OTHER_COMMUNE = "719", "25816"
PARENT = {COMMUNE: DISTRICT, COMMUNE_2: DISTRICT, OTHER_COMMUNE: OTHER_DISTRICT, DISTRICT: PROVINCE,
          OTHER_DISTRICT: PROVINCE, DEPARTMENT: PROVINCE, PROVINCE: None}
LEAVES = [COMMUNE, COMMUNE_2, OTHER_COMMUNE, DISTRICT, DEPARTMENT]
SCORED = [PROVINCE, DISTRICT, OTHER_DISTRICT, COMMUNE, COMMUNE_2, OTHER_COMMUNE, DEPARTMENT]
# max_processing_days of the procedures (P0 has none)
LIMITS = {"P1": 10, "P5": 5, "P0": None}
MAX_POINTS = {"1.1": 6, "1.2": 4, "1.3": 2, "1.4": 6, "2.1": 20, "2.2": 0}
ANNOUNCE_DAYS, PUBLISH_DAYS = 5, 5


# ---------------------------------------------------------------------------------------------------------------
# Working time (§3: Monday–Friday minus the Vietnamese public holidays of a maintained library, plus the Saturdays
# worked to make up a swapped day, which the library lists as its weekend working days; README: a working day is
# 24 hours long and a non-working day has no length).

_VN = holidays.country_holidays("VN", years=range(2023, 2026))
HOLIDAYS, MAKE_UP = set(_VN), set(_VN.weekend_workdays)
ORIGIN = date(2023, 1, 1)
US = timedelta(microseconds=1)
DAY_US = 86_400_000_000


def is_working(day: date) -> bool:
    return (day.weekday() < 5 and day not in HOLIDAYS) or day in MAKE_UP


_before: dict[date, int] = {}
_n, _d = 0, ORIGIN
while _d < date(2026, 1, 1):
    _before[_d] = _n
    _n += is_working(_d)
    _d += timedelta(days=1)


def wt(moment: datetime) -> int:
    """Working time of a moment in microseconds since ORIGIN."""
    day = moment.date()
    into = (moment - datetime.combine(day, time())) // US if is_working(day) else 0
    return _before[day] * DAY_US + into


def add_wd(moment: datetime, n: int) -> datetime:
    """The moment n working days later, keeping the time of day (from 00:00 of the next working day if not one)."""
    day, tod = moment.date(), moment - datetime.combine(moment.date(), time())
    if not is_working(day):
        tod = timedelta(0)
        while not is_working(day):
            day += timedelta(days=1)
    while n:
        day += timedelta(days=1)
        n -= is_working(day)
    return datetime.combine(day, time()) + tod


def back_wd(moment: datetime, n: int) -> datetime:
    """The moment whose working time is n working days before `moment`'s."""
    target = wt(moment) - n * DAY_US
    day = next(d for d, k in _before.items() if k == target // DAY_US and is_working(d))
    return datetime.combine(day, time()) + (target % DAY_US) * US


def nth_working_day_after(day: date, n: int) -> date:
    while n:
        day += timedelta(days=1)
        n -= is_working(day)
    return day


def working_days_in(after: date, upto: date) -> int:
    """Working days d with after < d ≤ upto."""
    return sum(is_working(after + timedelta(days=k)) for k in range(1, (upto - after).days + 1))


# ---------------------------------------------------------------------------------------------------------------
# The data an example holds.

@dataclass
class Dossier:
    code: str
    unit: str
    procedure: str
    received: datetime | None
    due: datetime | None = None
    events: list[tuple[str, datetime]] = field(default_factory=list)  # in seq order (chronological)
    status: str | None = None
    finished_at: datetime | None = None
    returned_at: datetime | None = None
    updated_at: datetime | None = None
    submitted_at: datetime | None = None
    synced: bool | None = None


@dataclass
class Decision:
    procedure: str
    number: str
    decided: date
    effective: date | None
    published: datetime | None


@dataclass
class Catalogue:
    procedure: str
    status: str
    complete: bool | None


# ---------------------------------------------------------------------------------------------------------------
# The oracle: one dossier's end of processing and its judgement (§4 group 2).

@dataclass
class Facts:
    received: datetime
    end: datetime | None
    end_kind: str | None
    requests: list[datetime]
    completed: datetime | None  # the citizen's reply to the first request


def facts(d: Dossier) -> Facts | None:
    """Return the dossier's facts, or None when it is never processed (not received, or withdrawn before receipt)."""
    received = d.received
    if received is None:
        received = min((at for ev, at in d.events if ev == "received"), default=None)
    if received is None:
        return None
    if d.events:
        first = {}
        for ev, at in d.events:
            first[ev] = min(first.get(ev, at), at)
        requests = sorted(at for ev, at in d.events if ev == "supplement_requested")
        replies = sorted(at for ev, at in d.events if ev == "supplement_completed")
        completed = next((c for c in replies if requests and c >= requests[0]), None)
        withdrawn = first.get("withdrawn")
        if withdrawn is not None and withdrawn < received:
            # §4: a withdrawal counts only if the dossier had been received. README: a dossier withdrawn before it
            # was received is never processed; one that was received after all and then ended is processed.
            withdrawn = None
            if not any(e in first for e in ("finished", "returned", "stopped", "rejected")):
                return None
        stopped = min([first[e] for e in ("stopped", "rejected") if e in first], default=None)
        if "finished" in first:
            kind, end = "finished", first["finished"]
        elif "returned" in first:
            kind, end = "returned", first["returned"]
        elif stopped is not None:
            kind, end = "stopped", stopped
        elif withdrawn is not None:
            kind, end = "withdrawn", withdrawn
        elif len(requests) == 1 and completed is None:
            kind, end = "supplement", requests[0]  # one open request: the request time is the end
        else:
            kind, end = None, None
    else:
        requests, completed = [], None
        if d.status == "withdrawn" and d.received is None:
            return None
        if d.finished_at is not None:
            kind, end = "finished", d.finished_at
        elif d.returned_at is not None:
            kind, end = "returned", d.returned_at
        elif d.status in ("finished", "stopped", "rejected", "withdrawn", "supplement_requested"):
            kind = {"rejected": "stopped", "supplement_requested": "supplement"}.get(d.status, d.status)
            end = d.updated_at
        else:
            kind, end = None, None
    if end is not None and end < received:
        end = received  # a dossier cannot end before it began
    return Facts(received, end, kind, requests, completed)


def on_time(d: Dossier, f: Facts, at: datetime, ended: bool, deduct: bool = False) -> bool | None:
    """Is the dossier on time, judged at `at` (its end when `ended`, else the effective period end)? None when it
    cannot be known (§3): neither a due time nor a statutory limit. `deduct`: the rule-set option that takes the
    supplement time off a recorded due time too."""
    requests = [r for r in f.requests if r <= at]
    if len(requests) > 1:
        return False  # more than one supplement request: late
    request = requests[0] if requests else None
    reply = f.completed if f.completed is not None and f.completed <= at else None
    moment = at
    if not ended and request is not None and reply is None:
        moment = request  # still waiting for the citizen at the period end: judged at the request
    limit = LIMITS[d.procedure]
    if d.due is not None:
        # §4: end ≤ due_at as recorded (the system re-issues it after a supplement)
        held = (reply - request) if reply is not None and deduct else timedelta(0)
        return moment - held <= d.due
    if limit is not None:
        held = wt(reply) - wt(request) if reply is not None else 0
        return wt(moment) - wt(f.received) - held <= limit * DAY_US
    return None


def scope(unit: str) -> set[str]:
    """The leaf units whose dossiers count for `unit`: itself and every unit below it (§3)."""
    out = set()
    for leaf in PARENT:
        u = leaf
        while u is not None:
            if u == unit:
                out.add(leaf)
            u = PARENT[u]
    return out


def next_month(moment: datetime) -> datetime:
    return datetime(moment.year + moment.month // 12, moment.month % 12 + 1, 1)


def national_total(reports: dict, unit: str, start: datetime, end: datetime, eff: datetime) -> int | None:
    """1.4's national-report total for a unit and the period [start, end) (methodology §4, 1.4; README): the unit's
    report of exactly the period; else the sum of its reports of whole months inside the period that began by the
    effective end; else, when it has none of those, the sum of its units' totals read the same way (recursively);
    None when there is nothing."""
    if (unit, start, end) in reports:
        return reports[(unit, start, end)]
    months = [n for (u, first, after), n in reports.items()
              if u == unit and first.day == 1 and after == next_month(first) and start <= first and after <= end
              and first < eff]
    if months:
        return sum(months)
    below = [national_total(reports, child, start, end, eff) for child, parent in PARENT.items() if parent == unit]
    below = [n for n in below if n is not None]
    return sum(below) if below else None


def points(ind: str, n: float, d: float) -> float:
    """§2: max × min(1, r / target), target 100 %; no data (d = 0) → 0."""
    return 0.0 if d == 0 else MAX_POINTS[ind] * min(1.0, (n / d) / 1.0)


def oracle(data: dict, start: datetime, end: datetime, as_of: datetime, unit: str,
           excluded: dict | None = None) -> dict[str, tuple]:
    """Return {indicator: (numerator, denominator, points)} for one period [start, end) and unit; `excluded`, when
    given, receives the rows each indicator left out for an unknown value (§3)."""
    eff = min(end, as_of)
    leaves = scope(unit)
    out = {}
    left_out = {i: 0 for i in MAX_POINTS}
    # 2.1 and 2.2
    n21 = d21 = 0
    n22, d22 = 0.0, 0

    def judge(verdict: bool | None) -> None:
        nonlocal n21, d21
        if verdict is None:
            left_out["2.1"] += 1
        else:
            d21 += 1
            n21 += verdict

    for d in data["dossiers"]:
        if d.unit not in leaves:
            continue
        f = facts(d)
        if f is None or not (f.received <= eff and f.received < end):
            continue
        ended_here = f.end is not None and start <= f.end < end and f.end <= as_of
        if ended_here:
            judge(on_time(d, f, f.end, ended=True))
            # §4: ended with a result, finished or returned
            if f.end_kind in ("finished", "returned"):
                d22 += 1
                n22 += (wt(f.end) - wt(f.received)) / DAY_US
        elif f.end is None or f.end >= eff:
            judge(on_time(d, f, eff, ended=False))
    out["2.1"] = (n21, d21, points("2.1", n21, d21))
    out["2.2"] = (n22, d22, 0.0)
    # 1.4: dossiers received in the period in scope
    received = [d for d in data["dossiers"] if d.unit in leaves and d.received is not None
                and start <= d.received < end and d.received <= eff]
    n14 = sum(1 for d in received if d.synced)
    d14 = max(len(received), national_total(data["national"], unit, start, end, eff) or 0)
    out["1.4"] = (n14, d14, points("1.4", n14, d14))
    # 1.1–1.3: the province's catalogue, the same for every unit
    def in_period(day: date) -> bool:  # a day (its first moment) in the period, up to its effective end
        return start <= datetime.combine(day, time()) < end and datetime.combine(day, time()) <= eff

    announced: dict[str, list] = {}
    published: dict[str, bool] = {}
    for dec in data["decisions"]:
        if in_period(dec.decided):
            # no effective date: unknown (§3)
            ok = None if dec.effective is None else working_days_in(dec.decided, dec.effective) >= ANNOUNCE_DAYS
            announced.setdefault(dec.procedure, []).append(ok)
        deadline = nth_working_day_after(dec.decided, PUBLISH_DAYS)
        if in_period(dec.decided) or in_period(deadline):
            # judged at the effective period end, like a dossier in progress: published by then → within the
            # deadline or not; not published by then → late only once the deadline has passed
            due_end = datetime.combine(deadline + timedelta(days=1), time())
            ok = dec.published < due_end if dec.published is not None and dec.published <= eff else eff < due_end
            published[dec.procedure] = published.get(dec.procedure, True) and ok
    # one late decision makes the procedure late; else one without an effective date makes it unknown
    verdicts = [False if False in oks else None if None in oks else True for oks in announced.values()]
    n11, d11 = sum(v is True for v in verdicts), sum(v is not None for v in verdicts)
    left_out["1.1"] = sum(v is None for v in verdicts)
    out["1.1"] = (n11, d11, points("1.1", n11, d11))
    out["1.2"] = (sum(published.values()), len(published), points("1.2", sum(published.values()), len(published)))
    public = [c for c in data["catalogue"] if c.status != "abolished"]
    n13 = sum(1 for c in public if c.complete)
    out["1.3"] = (n13, len(public), points("1.3", n13, len(public)))
    if excluded is not None:
        excluded.update(left_out)
    return out


# ---------------------------------------------------------------------------------------------------------------
# Writing an example into the database.

def reset(con) -> None:
    outputs.ensure(con)
    for table in ("dossiers", "dossier_events", "procedures", "procedure_decisions", "national_report", "feedback",
                  "unit_indicators", "unit_scores"):
        con.execute(f"delete from {table}")
    if not con.execute("select count(*) from units where unit_code = ?", [DEPARTMENT]).fetchone()[0]:
        add_department(con)


def insert_dossier(con, d: Dossier) -> None:
    add_dossier(con, d.code, unit=d.unit, received=d.received, procedure=d.procedure, due_at=d.due,
                status=d.status, finished_at=d.finished_at, returned_at=d.returned_at,
                updated_at=d.updated_at or d.received or d.submitted_at, submitted_at=d.submitted_at,
                synced_to_portal=d.synced)
    for seq, (ev, at) in enumerate(d.events, 1):
        add_event(con, d.code, seq, ev, at)


def write(con, data: dict) -> None:
    reset(con)
    complete = {c.procedure: c for c in data["catalogue"]}
    for code, limit in LIMITS.items():
        c = complete.get(code)
        add_procedure(con, code, max_processing_days=limit, status=c.status if c else "public",
                      content_complete=c.complete if c else True)
    for c in data["catalogue"]:
        if c.procedure not in LIMITS:
            add_procedure(con, c.procedure, status=c.status, content_complete=c.complete)
    for d in data["dossiers"]:
        insert_dossier(con, d)
    for dec in data["decisions"]:
        add_decision(con, dec.procedure, dec.number, dec.decided, effective=dec.effective, published=dec.published)
    for (unit, start, end), n in data["national"].items():
        con.execute("insert into national_report values (?, ?, ?, ?, 0)",
                    [unit, start.date(), (end - timedelta(days=1)).date(), n])


def stored(con, period: str, kind: str, unit: str) -> dict[str, tuple]:
    rows = con.execute("""select indicator_id, numerator, denominator, points, no_data from indicator_values
                          where period = ? and period_kind = ? and unit_code = ? and ruleset = 'portal-2025'
                            and indicator_id in ('1.1', '1.2', '1.3', '1.4', '2.1', '2.2')""",
                       [period, kind, unit]).fetchall()
    return {r[0]: (r[1], r[2], r[3], r[4]) for r in rows}


def stored_excluded(con, period: str, kind: str, unit: str) -> dict[str, int]:
    return dict(con.execute("""select indicator_id, excluded_rows from indicator_values
                               where period = ? and period_kind = ? and unit_code = ? and ruleset = 'portal-2025'
                                 and indicator_id in ('1.1', '1.2', '1.3', '1.4', '2.1', '2.2')""",
                            [period, kind, unit]).fetchall())


def compare(con, data: dict, label: str, kind: str, start: datetime, end: datetime, as_of: datetime) -> None:
    for unit in SCORED:
        got = stored(con, label, kind, unit)
        left_out: dict[str, int] = {}
        want = oracle(data, start, end, as_of, unit, left_out)
        assert stored_excluded(con, label, kind, unit) == left_out, (label, unit, "rows left out")
        assert set(got) == set(want), (label, unit)
        for ind, (n, d, p) in want.items():
            gn, gd, gp, no_data = got[ind]
            assert gd == d and gn == pytest.approx(n, abs=1e-9) and gp == pytest.approx(p, abs=1e-9), \
                (label, unit, ind, "engine", (gn, gd, gp), "oracle", (n, d, p))
            assert no_data == (d == 0), (label, unit, ind)


# ---------------------------------------------------------------------------------------------------------------
# Drawing examples on the boundaries.

MONTH_STARTS = [datetime(2024, m, 1) for m in range(1, 6)]
AS_OFS = [datetime(2024, 4, 1), datetime(2024, 3, 15, 12, 0), datetime(2024, 2, 29, 23, 59, 59, 999999),
          datetime(2024, 5, 10, 9, 30), datetime(2024, 2, 12, 10, 0), datetime(2024, 3, 1)]
ANCHORS = MONTH_STARTS + AS_OFS + [datetime(2024, 2, 7, 8, 0), datetime(2024, 2, 8), datetime(2024, 2, 15),
                                   datetime(2024, 1, 31, 16, 0), datetime(2024, 3, 29, 17, 0),
                                   datetime(2024, 4, 26, 15, 0), datetime(2024, 5, 3, 10, 0)]  # around Sat 4 May (worked)
# receipts whose working-day limit (5 or 10 days) runs out exactly at a month start or an as_of
ANCHORS += [back_wd(m, n) for m in MONTH_STARTS + AS_OFS for n in (5, 10)]
TINY = [timedelta(0), US, -US, timedelta(minutes=1), -timedelta(minutes=1)]


@st.composite
def moments(draw) -> datetime:
    if draw(st.booleans()):
        return draw(st.sampled_from(ANCHORS)) + draw(st.sampled_from(TINY))
    return datetime(2024, 1, 2) + timedelta(minutes=draw(st.integers(0, 120 * 24 * 60)))


@st.composite
def later(draw, t: datetime) -> datetime:
    """A moment at or after t: none, a tiny or longer gap, some working days, or the next month start (± a microsecond)."""
    how = draw(st.sampled_from(["tiny", "gap", "wd", "month"]))
    if how == "tiny":
        return t + draw(st.sampled_from([timedelta(0), US, timedelta(minutes=1)]))
    if how == "gap":
        return t + draw(st.sampled_from([timedelta(hours=2), timedelta(days=1), timedelta(days=3),
                                         timedelta(days=9), timedelta(days=30)]))
    if how == "wd":
        return add_wd(t, draw(st.sampled_from([1, 2, 5, 10])))
    nxt = next((m for m in MONTH_STARTS if m > t), t + timedelta(days=31))
    return max(t + US, nxt + draw(st.sampled_from([timedelta(0), -US, US])))


@st.composite
def dossiers(draw, i: int) -> Dossier:
    d = Dossier(f"D{i}", draw(st.sampled_from(LEAVES)), draw(st.sampled_from(list(LIMITS))), draw(moments()),
                synced=draw(st.sampled_from([True, False, None])))
    mode = draw(st.sampled_from(["events", "events", "columns", "withdrawn_before"]))
    t = d.received
    if mode == "withdrawn_before":
        if draw(st.booleans()):
            d.events = [("withdrawn", d.received - draw(st.sampled_from([US, timedelta(hours=5)])))]
            if draw(st.booleans()):  # received after all, then ended
                d.events += [("received", d.received),
                             (draw(st.sampled_from(["finished", "returned", "stopped"])), draw(later(d.received)))]
        else:
            d.submitted_at, d.received, d.status = d.received, None, "withdrawn"
    elif mode == "events":
        if draw(st.booleans()):
            d.events.append(("received", t))
        if draw(st.integers(0, 4)) == 0:
            d.events.append(("transferred", draw(later(t))))  # not a terminal event
        for _ in range(draw(st.sampled_from([0, 1, 1, 2]))):
            t = draw(later(t))
            d.events.append(("supplement_requested", t))
            if draw(st.booleans()):
                t = draw(later(t))
                d.events.append(("supplement_completed", t))
        terminal = draw(st.sampled_from([None, "finished", "finished", "returned", "stopped", "rejected",
                                         "withdrawn"]))
        if terminal:
            t = draw(later(t))
            d.events.append((terminal, t))
    else:
        d.status = draw(st.sampled_from(["processing", "finished", "finished", "returned", "stopped", "rejected",
                                         "withdrawn", "supplement_requested"]))
        if d.status != "processing":
            t = draw(later(t))
            if d.status == "finished" and draw(st.booleans()):
                d.finished_at = t
            elif d.status == "returned":
                d.returned_at = t
            else:
                d.updated_at = t
    if mode != "withdrawn_before" and draw(st.integers(0, 9)) < 7:
        f = facts(d)
        requests = [at for ev, at in d.events if ev == "supplement_requested"]
        base = draw(st.sampled_from([x for x in (f.end if f else None, d.received, t, *requests) if x is not None]
                                    + [add_wd(d.received, 3), draw(st.sampled_from(MONTH_STARTS))]))
        d.due = base + draw(st.sampled_from(TINY + [timedelta(days=2), -timedelta(days=2)]))
    return d


REPORTS = [(u, m, next_month(m)) for u in SCORED for m in MONTH_STARTS[:4]] + \
          [(u, datetime(2024, 1, 1), datetime(2024, 4, 1)) for u in (PROVINCE, DISTRICT, COMMUNE)]


@st.composite
def decisions(draw, i: int) -> Decision:
    decided = date(2024, 1, 1) + timedelta(days=draw(st.integers(0, 130)))
    if draw(st.booleans()):
        decided = draw(st.sampled_from([date(2024, 2, 1), date(2024, 3, 1), date(2024, 4, 1), date(2024, 2, 7),
                                        date(2024, 3, 30), date(2024, 3, 23), date(2024, 4, 26), date(2024, 5, 3)]))
    effective = None if draw(st.integers(0, 4)) == 0 else decided + timedelta(days=draw(st.integers(0, 12)))
    deadline = nth_working_day_after(decided, PUBLISH_DAYS)
    published = draw(st.sampled_from([None, datetime.combine(deadline, time(23, 59, 59, 999999)),
                                      datetime.combine(deadline + timedelta(days=1), time()),
                                      datetime.combine(decided, time(9))]))
    return Decision(draw(st.sampled_from(["P1", "P5", "P0", "P2"])), f"Q{i}", decided, effective, published)


@st.composite
def examples(draw) -> tuple[dict, datetime]:
    n = draw(st.integers(0, int(os.environ.get("ORACLE_DOSSIERS", "9"))))
    data = {"dossiers": [draw(dossiers(i)) for i in range(n)],
            "decisions": [draw(decisions(i)) for i in range(draw(st.integers(0, 4)))],
            "catalogue": [Catalogue(p, draw(st.sampled_from(["public", "public", "amended", "abolished"])),
                                    draw(st.sampled_from([True, False, None]))) for p in ("P1", "P5", "P0", "P2")],
            "national": {}}
    # national reports: per month or per quarter, of any unit (the sums over months and over units, §4 1.4)
    for key in draw(st.lists(st.sampled_from(REPORTS), max_size=4, unique=True)):
        data["national"][key] = draw(st.integers(0, 9))
    return data, draw(st.sampled_from(AS_OFS))



RANGES = st.one_of(
    st.sampled_from(["2024-02-01..2024-02-29", "2024-02-07..2024-03-15", "2024-01-15..2024-04-30",
                     "2024-03-01..2024-03-31", "2024-03-01..2024-03-15"]),
    st.builds(lambda first, days: f"{first}..{first + timedelta(days=days)}",
              st.dates(date(2024, 1, 1), date(2024, 4, 30)), st.integers(0, 80)))


# ORACLE_EXAMPLES=200 for a longer search. No shrinking (a shrink of this test takes minutes): a failure prints the
# example as drawn.
@settings(max_examples=int(os.environ.get("ORACLE_EXAMPLES", "20")), deadline=None,
          phases=[Phase.explicit, Phase.generate], report_multiple_bugs=False,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(example=examples(), range_text=RANGES)
def test_engine_agrees_with_the_oracle(con, example, range_text):
    data, as_of = example
    write(con, data)
    engine.refresh(con, as_of=as_of)
    stored_periods = con.execute("select distinct period, period_kind, period_start from unit_scores "
                                 "order by all").fetchall()
    # README: the periods holding a dossier received (at a known unit) up to as_of
    # (a month counts from its first moment: as_of's month holds data received after as_of too)
    months = {datetime(d.received.year, d.received.month, 1) for d in data["dossiers"] if d.received is not None}
    months = {m for m in months if m < as_of}
    assert {(p, k) for p, k, _ in stored_periods if k == "month"} == {(m.strftime("%Y-%m"), "month") for m in months}
    for label, kind, first in stored_periods:
        p = periods.parse(label)
        compare(con, data, label, kind, periods.as_datetime(p.start), periods.as_datetime(p.end), as_of)
    p = periods.parse(range_text)
    engine.score_range(con, p, as_of=as_of)
    if as_of <= periods.as_datetime(p.start):  # a range that has not begun by as_of is not scored
        assert not stored(con, range_text, "range", PROVINCE)
        return
    compare(con, data, range_text, "range", periods.as_datetime(p.start), periods.as_datetime(p.end), as_of)


@settings(max_examples=int(os.environ.get("ORACLE_EXAMPLES", "20")) // 2, deadline=None,
          phases=[Phase.explicit, Phase.generate], report_multiple_bugs=False,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(example=examples(), first_as_of=st.sampled_from(AS_OFS),
       since=st.sampled_from([date(2024, 2, 1), date(2024, 2, 15), date(2024, 3, 1), date(2024, 4, 1)]))
def test_a_refresh_since_a_day_after_a_later_load_agrees_with_the_oracle(con, example, first_as_of, since):
    """README: a refresh since a day, after a load that added dossiers received from that day on, stores what a full
    refresh would: here, what the oracle gives at the new as_of for every period stored."""
    data, as_of = example
    first_as_of = min(first_as_of, as_of)
    new = [d for d in data["dossiers"] if (d.received or d.submitted_at) >= datetime.combine(since, time())]
    write(con, {**data, "dossiers": [d for d in data["dossiers"] if d not in new]})
    engine.refresh(con, as_of=first_as_of)
    for d in new:
        insert_dossier(con, d)
    engine.refresh(con, as_of=as_of, since=since)
    for label, kind in con.execute("select distinct period, period_kind from unit_scores order by all").fetchall():
        p = periods.parse(label)
        compare(con, data, label, kind, periods.as_datetime(p.start), periods.as_datetime(p.end), as_of)


# ---------------------------------------------------------------------------------------------------------------
# Hand-worked cases: the oracle's readings at the boundaries, and the engine's confirmed discrepancies.

def hand(con, dossiers=(), decisions=(), as_of=datetime(2024, 5, 1)) -> None:
    write(con, {"dossiers": list(dossiers), "decisions": list(decisions), "national": {},
                "catalogue": [Catalogue(p, "public", True) for p in LIMITS]})
    engine.refresh(con, as_of=as_of)


def test_a_decision_dated_on_the_next_period_s_first_day_is_not_in_the_period(con):
    # §4 1.2: the denominator is the procedures "whose decision_date falls in the period or that are due for
    # publication by the period end". Decided Thu 1 Feb 2024, published the same day; its deadline (5 working days,
    # across Tết 8–14 Feb) is Thu 15 Feb. Nothing about it falls in January. A January dossier makes January a period.
    hand(con, [Dossier("D", COMMUNE, "P1", datetime(2024, 1, 10, 8, 0))],
         [Decision("P1", "1", date(2024, 2, 1), None, datetime(2024, 2, 1, 9, 0))])
    data = {"dossiers": [], "decisions": [Decision("P1", "1", date(2024, 2, 1), None, datetime(2024, 2, 1, 9, 0))],
            "catalogue": [], "national": {}}
    assert oracle(data, datetime(2024, 1, 1), datetime(2024, 2, 1), datetime(2024, 5, 1), PROVINCE)["1.2"] == (0, 0, 0)
    # (the engine once counted it in January: 1 / 1, 4 points)
    assert stored(con, "2024-01", "month", PROVINCE)["1.2"] == (0, 0, 0, True)


@pytest.mark.parametrize("terminal", ["returned", "stopped"])
def test_a_withdrawal_before_receipt_does_not_drop_a_dossier_that_was_received_and_ended(con, terminal):
    # §4 group 2: "End of processing is the first terminal event, by priority finished > returned >
    # stopped/rejected; a citizen's withdrawal counts only if the dossier had been received." The withdrawal on
    # 4 March (before the receipt on 5 March) does not count; the dossier was received and ended on 6 March, before
    # its due time: processed in March and on time, as it is with a `finished` event instead (engine: 1 / 1).
    d = Dossier("W", COMMUNE, "P1", datetime(2024, 3, 5, 8, 0), due=datetime(2024, 3, 20, 17, 0),
                events=[("withdrawn", datetime(2024, 3, 4, 10, 0)), ("received", datetime(2024, 3, 5, 8, 0)),
                        (terminal, datetime(2024, 3, 6, 8, 0))])
    hand(con, [d])
    want = oracle({"dossiers": [d], "decisions": [], "catalogue": [], "national": {}}, datetime(2024, 3, 1),
                  datetime(2024, 4, 1), datetime(2024, 5, 1), COMMUNE)["2.1"]
    assert want == (1, 1, 20.0)
    # (the engine once dropped it: 0 / 0, no data)
    assert stored(con, "2024-03", "month", COMMUNE)["2.1"] == (1, 1, 20.0, False)


def test_the_default_as_of_is_the_latest_moment_in_the_data_including_the_processing_records(con):
    # README (as_of): "the finished_at of the last load (load_runs), else the latest moment in the data"; §3: as_of
    # is the moment the data describes. A dossier received Mon 4 Mar 08:00, due Fri 8 Mar 17:00, whose processing
    # record says it finished on 20 March: late. The engine once took as_of = 4 Mar 08:00 (the dossier's received_at
    # and updated_at), judged it open then, and scored March 1 / 1, 20 points.
    d = Dossier("E", COMMUNE, "P1", datetime(2024, 3, 4, 8, 0), due=datetime(2024, 3, 8, 17, 0),
                events=[("received", datetime(2024, 3, 4, 8, 0)), ("finished", datetime(2024, 3, 20, 8, 0))])
    write(con, {"dossiers": [d], "decisions": [], "national": {}, "catalogue": []})
    engine.refresh(con)
    assert stored(con, "2024-03", "month", COMMUNE)["2.1"] == (0, 1, 0.0, False)


def _d(code="H", unit=COMMUNE, procedure="P1", received=datetime(2024, 3, 4, 8, 0), **kw) -> Dossier:
    return Dossier(code, unit, procedure, received, **kw)


R, C, F = "supplement_requested", "supplement_completed", "finished"
# (dossier, as_of, period, unit, expected 2.1 (numerator, denominator)), each worked out by hand
HAND = {
    "finished exactly at the due time": (_d(due=datetime(2024, 3, 11, 17), events=[(F, datetime(2024, 3, 11, 17))]),
                                         datetime(2024, 5, 1), "2024-03", COMMUNE, (1, 1)),
    "finished a microsecond late": (_d(due=datetime(2024, 3, 11, 17), events=[(F, datetime(2024, 3, 11, 17) + US)]),
                                    datetime(2024, 5, 1), "2024-03", COMMUNE, (0, 1)),
    "open, as_of exactly at the due time": (_d(due=datetime(2024, 3, 15, 12)), datetime(2024, 3, 15, 12), "2024-03",
                                            COMMUNE, (1, 1)),
    "open, as_of a microsecond after it": (_d(due=datetime(2024, 3, 15, 12)), datetime(2024, 3, 15, 12) + US,
                                           "2024-Q1", COMMUNE, (0, 1)),
    # waiting for the citizen at March's end: judged at the request (7 Mar), on time
    "a request open at the month end": (_d(due=datetime(2024, 3, 8, 17), events=[
        (R, datetime(2024, 3, 7, 9)), (C, datetime(2024, 4, 10, 9)), (F, datetime(2024, 4, 11, 8))]),
        datetime(2024, 5, 1), "2024-03", COMMUNE, (1, 1)),
    # §4: on time is end ≤ due_at as recorded: 11 Apr 08:00 is after 8 Mar 17:00, late (the engine once took the
    # 34 days the citizen held it off: 8 Mar 08:00, on time)
    "its supplement time not taken off a recorded due time": (_d(due=datetime(2024, 3, 8, 17), events=[
        (R, datetime(2024, 3, 7, 9)), (C, datetime(2024, 4, 10, 9)), (F, datetime(2024, 4, 11, 8))]),
        datetime(2024, 5, 1), "2024-04", COMMUNE, (0, 1)),
    # without a due time it is: P1's 10 working days, received Mon 4 Mar 08:00, held 5 Mar 08:00 → 12 Mar 08:00
    # (5 working days), finished Tue 19 Mar 10:00: 11 days 2 h − 5 days ≤ 10, on time
    "without a due time the supplement time is taken off": (_d(events=[
        (R, datetime(2024, 3, 5, 8)), (C, datetime(2024, 3, 12, 8)), (F, datetime(2024, 3, 19, 10))]),
        datetime(2024, 5, 1), "2024-03", COMMUNE, (1, 1)),
    # neither a due time nor a time limit (P0): unknown, out of numerator and denominator
    "neither a due time nor a time limit": (_d(procedure="P0", events=[(F, datetime(2024, 3, 19, 10))]),
                                            datetime(2024, 5, 1), "2024-03", COMMUNE, (0, 0)),
    "and not enough when it ends at 18:00": (_d(due=datetime(2024, 3, 8, 17), events=[
        (R, datetime(2024, 3, 7, 9)), (C, datetime(2024, 4, 10, 9)), (F, datetime(2024, 4, 11, 18))]),
        datetime(2024, 5, 1), "2024-Q2", COMMUNE, (0, 1)),
    "a second request exactly at the month end": (_d(due=datetime(2024, 4, 30), events=[
        (R, datetime(2024, 3, 5)), (C, datetime(2024, 3, 6)), (R, datetime(2024, 4, 1))]),
        datetime(2024, 5, 1), "2024-03", COMMUNE, (0, 1)),
    "a second request a microsecond after it": (_d(due=datetime(2024, 4, 30), events=[
        (R, datetime(2024, 3, 5)), (C, datetime(2024, 3, 6)), (R, datetime(2024, 4, 1) + US)]),
        datetime(2024, 5, 1), "2024-03", COMMUNE, (1, 1)),
    # P5: 7 Feb 08:00 → 21 Feb 08:00 across Tết (8–14 Feb) is 2/3 + 4 + 1/3 = 5 working days exactly
    "five working days across Tết, exactly": (_d(procedure="P5", received=datetime(2024, 2, 7, 8)),
                                              datetime(2024, 2, 21, 8), "2024-02", COMMUNE, (1, 1)),
    "five working days and a microsecond": (_d(procedure="P5", received=datetime(2024, 2, 7, 8)),
                                            datetime(2024, 2, 21, 8) + US, "2024-Q1", COMMUNE, (0, 1)),
    "withdrawn after receipt, after the due time": (_d(due=datetime(2024, 3, 11, 17), events=[
        ("withdrawn", datetime(2024, 3, 12, 8))]), datetime(2024, 5, 1), "2024-03", COMMUNE, (0, 1)),
    "withdrawn before receipt": (_d(due=datetime(2024, 3, 11, 17), events=[("withdrawn", datetime(2024, 3, 4, 7))]),
                                 datetime(2024, 5, 1), "2024-03", COMMUNE, (0, 0)),
    "a ward of another district counts for the province": (_d(unit=OTHER_COMMUNE), datetime(2024, 3, 8), "2024",
                                                           PROVINCE, (1, 1)),
    "and not for Thủ Dầu Một": (_d(unit=OTHER_COMMUNE), datetime(2024, 3, 8), "2024", DISTRICT, (0, 0)),
    "a department's dossier counts for the province": (_d(unit=DEPARTMENT), datetime(2024, 3, 20),
                                                       "2024-03-01..2024-03-10", PROVINCE, (1, 1)),
}


@pytest.mark.parametrize("case", list(HAND))
def test_hand_worked_boundaries(con, case):
    d, as_of, label, unit, expected = HAND[case]
    p = periods.parse(label)
    start, end = periods.as_datetime(p.start), periods.as_datetime(p.end)
    data = {"dossiers": [d], "decisions": [], "catalogue": [], "national": {}}
    assert oracle(data, start, end, as_of, unit)["2.1"][:2] == expected
    hand(con, [d], as_of=as_of)
    if not stored(con, label, p.kind, unit):  # a range, or a period without receipts (README: not stored)
        engine.score_range(con, p, as_of=as_of)
    assert stored(con, label, p.kind, unit)["2.1"][:2] == expected


def test_configured_target_and_no_data_rules(con, tmp_path):
    # §2: points = max × min(1, r / target); each indicator's no-data rule is configurable (0, full, or not
    # applicable: excluded, with the unit's total rescaled to 100). 1.4 at 80 %: 2 of 3 synchronised is
    # 6 × (2/3) / 0.8 = 5 points. Hiệp Thành has no dossier: 1.1 (no decision) full, 2.1 not applicable.
    (tmp_path / "rs.toml").write_text('name = "oracle-test"\nextends = "portal-2025"\n'
                                      '[indicators."2.1"]\nno_data = "not_applicable"\n'
                                      '[indicators."1.4"]\ntarget = 0.8\n[indicators."1.1"]\nno_data = "full"\n')
    dossiers = [_d(f"D{i}", synced=i < 2, events=[(F, datetime(2024, 3, 5, 8))]) for i in range(3)]
    write(con, {"dossiers": dossiers, "decisions": [], "national": {}, "catalogue": []})
    engine.refresh(con, ruleset=str(tmp_path / "rs.toml"), as_of=datetime(2024, 5, 1))

    def values(unit):
        return {r[0]: r[1:] for r in con.execute(
            """select indicator_id, numerator, denominator, points, no_data, not_applicable from indicator_values
               where ruleset = 'oracle-test' and period = '2024-03' and unit_code = ?""", [unit]).fetchall()}

    mine, empty = values(COMMUNE), values(COMMUNE_2)
    assert mine["1.4"] == (2, 3, pytest.approx(5.0), False, False)
    assert mine["1.1"][2:] == (6, True, False) and empty["1.1"][2:] == (6, True, False)
    assert empty["2.1"] == (0, 0, None, True, True)
    earned, total, excluded = con.execute(
        """select (select sum(points) from indicator_values where ruleset = 'oracle-test' and period = '2024-03'
                   and unit_code = s.unit_code), total, excluded_points
           from unit_scores s where ruleset = 'oracle-test' and period = '2024-03' and unit_code = ?""",
        [COMMUNE_2]).fetchone()
    assert excluded == 20 and total == pytest.approx(earned * 100 / 80)


def test_data_received_only_after_an_as_of_at_a_month_start_makes_no_period(con):
    # README "Which periods": those holding data received up to as_of. With as_of at 1 March 00:00 and the one
    # dossier received on 5 March, no month, quarter or year holds data up to as_of: not even 2024, whose
    # effective part (January and February) holds none (the engine once scored the year).
    d = Dossier("A", COMMUNE, "P1", datetime(2024, 3, 5, 8, 0), due=datetime(2024, 3, 20, 17, 0))
    write(con, {"dossiers": [d], "decisions": [], "national": {}, "catalogue": []})
    engine.refresh(con, as_of=datetime(2024, 3, 1))
    assert con.execute("select count(*) from unit_scores").fetchone()[0] == 0
    engine.refresh(con, as_of=datetime(2024, 3, 5, 9, 0))
    assert sorted(r[0] for r in con.execute("select distinct period from unit_scores").fetchall()) == [
        "2024", "2024-03", "2024-Q1"]


def test_the_option_for_sources_that_keep_the_first_due_date(con, tmp_path):
    # Rule-set option deduct_supplement_from_due: the supplement time comes off a recorded due time too. Due 8 Mar
    # 17:00, the citizen held it 7 Mar 09:00 → 10 Apr 09:00 (34 days), finished 11 Apr 08:00: 8 Mar 08:00 ≤ due.
    d, as_of, label, unit, _ = HAND["its supplement time not taken off a recorded due time"]
    f = facts(d)
    assert on_time(d, f, f.end, ended=True, deduct=True) is True
    assert on_time(d, f, f.end, ended=True) is False
    (tmp_path / "first-due.toml").write_text('name = "first-due"\nextends = "portal-2025"\n'
                                             '[options]\ndeduct_supplement_from_due = true\n')
    write(con, {"dossiers": [d], "decisions": [], "catalogue": [], "national": {}})
    # April holds no receipt: scored on request
    engine.score_range(con, periods.parse(label), str(tmp_path / "first-due.toml"), as_of=as_of)
    got = con.execute("""select numerator, denominator from indicator_values where ruleset = 'first-due'
                         and period = ? and unit_code = ? and indicator_id = '2.1'""", [label, unit]).fetchone()
    assert got == (1, 1)
