"""Build the demo: draw everything, then replace the demo-filled tables in one transaction and record the run."""
from __future__ import annotations

import time
from datetime import date, datetime

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

import db
import settings

from model import entities
from etl.demo import catalogue, dossiers, feedback, profiles, scope, tables
from model.units import LAST_OLD_DAY, REFORM_DAY

# The tables the demo fills, in write order; `units` only for its department rows.
FILLED = ("units", "procedures", "procedure_decisions", "dossiers", "dossier_events", "feedback", "national_report")
DEFAULT_SEED = 766
# Random streams: each part of the demo draws from its own, so changing one part leaves the others as they were.
STREAM_SCOPE, STREAM_NATIONAL, STREAM_CATALOGUE, STREAM_DOSSIERS, STREAM_FEEDBACK = range(5)


def _rng(seed: int, *stream: int) -> np.random.Generator:
    return np.random.default_rng([seed, *stream])


def demo_as_of(last_day: date, now: datetime | None = None) -> datetime:
    """Return the moment a demo ending on `last_day` describes: the end of that day, or now when that is earlier.

    A demo that reaches today describes this moment, so today's dossiers, feedback and decisions are still open.
    """
    end = datetime.combine(last_day, datetime.max.time()).replace(microsecond=0)
    return min(end, now or settings.local_now())


def draw(con: duckdb.DuckDBPyConnection, province: str | None, first_day: date, last_day: date,
         scale: float, seed: int, as_of: datetime | None = None) -> dict[str, list[pa.Table]]:
    """Return every table of the demo as Arrow tables (a list per table), nothing written yet: what the data shows
    at `as_of` (default: the end of `last_day`)."""
    as_of = np.datetime64(as_of or demo_as_of(last_day, datetime.max), "s")
    halves = scope.halves(con, _rng(seed, STREAM_SCOPE), province, first_day, last_day)
    continuing = {r[0] for r in con.execute("select unit_code from units where kind = 'province' and valid_from is not null").fetchall()}
    # the last day of each province that the reform closed (no unit of its code after it)
    closed = dict(con.execute("select unit_code, max(valid_to) from units where kind = 'province' "
                              "group by unit_code having count(valid_to) = count(*)").fetchall())
    national = catalogue.national_list(_rng(seed, STREAM_NATIONAL))
    codes = sorted({c for h in halves for c in h.units["province_code"]})
    catalogues, decisions = {}, []
    for code in codes:
        # Seeded per province, so a province's catalogue is the same whatever else is built.
        rng = _rng(seed, STREAM_CATALOGUE, int(code))
        profile = profiles.PROVINCE_BY_CODE[code]
        catalogues[code] = catalogue.province_catalogue(rng, national, code, profile, code in continuing)
        drawn_decisions = catalogue.decisions(rng, catalogues[code], profile, np.datetime64(last_day), as_of)
        if code in closed:
            # a closed province decides nothing after its last day: the province it went into does
            drawn_decisions = drawn_decisions[drawn_decisions["decision_date"] <= np.datetime64(closed[code])]
        decisions.append(drawn_decisions)
    out = {name: [] for name in FILLED}
    units = []
    n_feedback = 0
    for i, h in enumerate(halves):
        units.append(h.units[h.units["kind"] == "department"])
        drawn, procs = dossiers.draw(_rng(seed, STREAM_DOSSIERS, i), h, catalogues, scale)
        d, e = tables.build(_rng(seed, STREAM_DOSSIERS, i, 1), h, drawn, procs, as_of)
        out["dossiers"].append(d)
        out["dossier_events"].append(e)
        fb = feedback.build(_rng(seed, STREAM_FEEDBACK, i), h, scale, as_of, n_feedback + 1)
        n_feedback += fb.num_rows
        out["feedback"].append(fb)
    out["units"] = [_department_rows(pd.concat(units, ignore_index=True))]
    columns = list(entities.PROCEDURES.column_names)
    out["procedures"] = [pa.Table.from_pandas(pd.concat(catalogues.values(), ignore_index=True)[columns], preserve_index=False)]
    out["procedure_decisions"] = [pa.Table.from_pandas(pd.concat(decisions, ignore_index=True), preserve_index=False)]
    return out


def _department_rows(depts: pd.DataFrame) -> pa.Table:
    """Return the department rows of `units`: parent = the province, validity of their tree."""
    old = depts["valid_from"].isna()
    return pa.table({
        "unit_code": pa.array(depts["unit_code"].astype(str)),
        "name": pa.array(depts["name"].astype(str)),
        "kind": pa.array(["department"] * len(depts)),
        "parent_code": pa.array(depts["province_code"].astype(str)),
        "valid_from": pa.array([None if o else REFORM_DAY for o in old], type=pa.date32()),
        "valid_to": pa.array([LAST_OLD_DAY if o else None for o in old], type=pa.date32()),
    })


def write(con: duckdb.DuckDBPyConnection, drawn: dict[str, list[pa.Table]], seed: int, source: str,
          started_at: datetime, as_of: datetime) -> dict[str, int]:
    """Replace the demo-filled tables with `drawn` in one transaction, record the run, and return rows per table.

    The run is recorded as a sync that ended at `as_of`, the moment the demo describes (not when it was built), so
    the engine judges open dossiers then and the dashboard's "data as of" shows it.
    """
    counts = {}
    with db.transaction(con):
        load_id = con.execute("select coalesce(max(load_id), 0) + 1 from load_runs").fetchone()[0]
        replaced = 0
        for name in FILLED:
            where = " where kind = 'department'" if name == "units" else ""
            replaced += con.execute(f"select count(*) from {name}{where}").fetchone()[0]
            con.execute(f"delete from {name}{where}")
        for name in FILLED:
            counts[name] = 0
            for j, table in enumerate(drawn.get(name, [])):
                view = f"demo_{name}_{j}"
                con.register(view, table)
                con.execute(f"insert into {name} by name select *, ?::bigint as load_id from {view}", [load_id])
                con.unregister(view)
                counts[name] += table.num_rows
        codes = [p.code for p in profiles.PROVINCES]
        rates = [profiles.province_rate(p, "e_certified_copy") for p in profiles.PROVINCES]
        con.execute(feedback.E_CERTIFIED_COPY, {"seed": seed, "codes": codes, "rates": rates})
        con.execute(feedback.NATIONAL_REPORT, {"seed": seed, "load_id": load_id,
                                               "provinces": list(profiles.NATIONAL_REPORT_PROVINCES)})
        counts["national_report"] = con.execute("select count(*) from national_report").fetchone()[0]
        total = sum(counts.values())
        con.execute("insert into load_runs values (?, ?, ?, ?, ?, ?, ?, 0, 0, 'ok')",
                    [load_id, min(started_at, as_of), as_of, source, total, total, replaced])
    return counts


def run_demo(con: duckdb.DuckDBPyConnection, province: str | None = None, first_day: date = date(2024, 1, 1),
             last_day: date | None = None, scale: float = 1.0, seed: int = DEFAULT_SEED) -> dict[str, int]:
    """Build the demo into the open database and return the rows written per table (and `seconds`).

    `last_day` defaults to today: the demo then describes this moment, with the current month in progress.
    """
    started = time.perf_counter()
    started_at = settings.local_now()
    last_day = last_day or started_at.date()
    as_of = demo_as_of(last_day, started_at)
    drawn = draw(con, province, first_day, last_day, scale, seed, as_of)
    source = (f"demo seed={seed} scale={scale:g} province={province or 'all'} "
              f"from={first_day.isoformat()} to={last_day.isoformat()}")
    counts = write(con, drawn, seed, source, started_at, as_of)
    return {**counts, "seconds": round(time.perf_counter() - started, 2)}
