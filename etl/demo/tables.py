"""The Arrow tables of one half's dossiers and their records: timeline, flags, fees, ratings and the dossier codes."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

import workdays
from etl.demo import events, timeline
from etl.demo.dossiers import Drawn
from etl.demo.scope import Half

FEE_EXEMPT = 0.04  # fee-bearing dossiers that pay nothing (exempt groups)
SMALL_FEE_PAGES = (1, 6)  # per-page fees (chứng thực) are multiplied by 1–5 pages


def _timestamps(values: np.ndarray) -> pa.Array:
    values = values.astype("datetime64[s]")
    return pa.array(values.astype(np.int64), type=pa.int64(), mask=np.isnat(values)).cast(pa.timestamp("s"))


def _strings(codes: np.ndarray, index: np.ndarray) -> pa.Array:
    """Return the strings codes[index] as an Arrow string array (built by `take`, without Python objects per row)."""
    return pc.take(pa.array(codes, type=pa.string()), pa.array(index, type=pa.int64()))


def build(rng: np.random.Generator, half: Half, drawn: Drawn, procs: pd.DataFrame,
          as_of: np.datetime64) -> tuple[pa.Table, pa.Table]:
    """Return the dossiers and dossier_events tables of one half."""
    proc = drawn.proc
    days = procs["max_processing_days"].to_numpy()[proc]
    online_service = procs["online_service"].to_numpy(dtype=object)[proc]
    tl = timeline.build(rng, drawn.day, online_service, days, drawn.p, drawn.tet_shift)
    st = events.state(tl, as_of)
    last_day = np.datetime64(half.last_day)
    receipt_day = np.where(np.isnat(tl.received), tl.submitted, tl.received).astype("datetime64[D]")
    keep = st.visible.any(axis=1) & (receipt_day <= last_day)
    n = len(proc)
    u = lambda: rng.random(n)  # noqa: E731
    p = drawn.p
    finished = st.status == "finished"
    processed = np.isin(st.status, ["finished", "returned"])
    requires_result = procs["requires_result_document"].to_numpy()[proc]
    fee_bearing = procs["fee_bearing"].to_numpy()[proc]
    fee = procs["fee"].to_numpy()[proc] * np.where(procs["fee"].to_numpy()[proc] < 20000, rng.integers(*SMALL_FEE_PAGES, n), 1)
    fee = np.where(fee_bearing & (u() >= FEE_EXEMPT), fee, 0).astype(np.float64)
    paid_online = (fee > 0) & procs["payment_integrated"].to_numpy()[proc] & (u() < np.clip(
        p["paid_online"] * np.where(tl.channel == "online", 1.1, 0.8), 0, 1))
    citizens = procs["targets_citizens"].to_numpy()[proc]
    rated = processed & (u() < p["rated"])
    unsatisfied = rated & (u() < p["unsatisfied"] * np.where(tl.late, 4.0, 1.0))
    rating = np.where(rated, np.where(unsatisfied, "unsatisfied", "satisfied"), None)
    handed = np.where(finished & (u() < timeline.RESULT_HANDED),
                      workdays.add_working_days(st.finished_at, rng.uniform(0.05, 3.0, n)), np.datetime64("NaT"))
    handed = np.where(st.status == "returned", st.finished_at, handed)
    handed = np.where(handed <= as_of, handed, np.datetime64("NaT"))
    updated = np.fmax(st.last_at, handed)
    received_any = ~np.isnat(tl.received)

    unit = drawn.unit
    unit_codes = half.units["unit_code"].to_numpy(dtype=object)
    # Dossier code: unit, submission date, and a counter within unit and date.
    order = np.lexsort((np.arange(n), drawn.day, unit))
    key_change = np.ones(n, dtype=bool)
    key_change[1:] = (unit[order][1:] != unit[order][:-1]) | (drawn.day[order][1:] != drawn.day[order][:-1])
    start = np.maximum.accumulate(np.where(key_change, np.arange(n), 0))
    counter = np.empty(n, dtype=np.int64)
    counter[order] = np.arange(n) - start + 1
    day_strings = pc.strftime(pa.array(drawn.day.astype("datetime64[s]")), format="%y%m%d")
    code = pc.binary_join_element_wise(_strings(unit_codes, unit), day_strings,
                                       pc.utf8_lpad(pc.cast(pa.array(counter), pa.string()), 5, "0"), "-")
    dossiers = pa.table({
        "dossier_code": code,
        "procedure_code": _strings(procs["procedure_code"].to_numpy(dtype=object), proc),
        "unit_code": _strings(unit_codes, unit),
        "channel": pa.array(tl.channel.astype(str)),
        "submitted_at": _timestamps(tl.submitted),
        "received_at": _timestamps(tl.received),
        "due_at": _timestamps(tl.due),
        "finished_at": _timestamps(st.finished_at),
        "returned_at": _timestamps(handed),
        "status": pa.array(st.status.astype(str)),
        "synced_to_portal": pa.array(u() < p["synced"]),
        "fee_total": pa.array(fee),
        "paid_online": pa.array(paid_online),
        "components_digitized": pa.array(received_any & (u() < p["digitized"])),
        # a result handed back (returned) is a result too
        "result_file_attached": pa.array(processed & requires_result & (u() < p["result_file"])),
        "reused_digitized_data": pa.array(received_any & (u() < p["reused"])),
        "from_personal_store": pa.array(received_any & (u() < p["personal_store"])),
        "population_data_used": pa.array(received_any & (u() < p["population_data"] * np.where(citizens, 1.0, 0.3))),
        "rating": pa.array(rating, type=pa.string()),
        "has_complaint": pa.array(processed & (u() < p["complaint"] * np.where(tl.late, 5.0, 1.0))),
        "updated_at": _timestamps(updated),
    }).filter(pa.array(keep))
    rec = events.records(tl, st)
    kept = keep[rec["row"]]
    row = rec["row"][kept]
    dossier_events = pa.table({
        "dossier_code": pc.take(code, pa.array(row)),
        "seq": pa.array(rec["seq"][kept]),
        "event": pa.array(rec["event"][kept].astype(str)),
        "at": _timestamps(rec["at"][kept]),
        "unit_code": _strings(unit_codes, unit[row]),
    })
    return dossiers, dossier_events
