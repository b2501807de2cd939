"""A straightforward pandas implementation of the on-time (2.1) and digitisation (4.2–4.5) indicators for one
period, every unit with its subtree: the baseline of the engine benchmark, written from the methodology without
the engine's SQL, and checked against the engine's stored values (tests/test_calibration.py, and by the benchmark).

It reads the input tables whole and judges each dossier in pandas and numpy, at the end of the last load (as_of).
It does not hand a closed unit's dossiers to its successor, so it covers the periods before the 2025 reform.
"""
from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pandas as pd

import workdays

# The indicators the pandas implementation computes, as unit_indicators' numerator and denominator columns.
COLUMNS = ["n_2_1", "d_2_1", "n_4_2", "d_4_2", "n_4_3", "n_4_4", "n_4_5"]


def on_time_and_digitisation(con: duckdb.DuckDBPyConnection, first_day: date, end_day: date) -> pd.DataFrame:
    """Return, per unit holding dossiers and per unit above it, the numerators and denominators (`COLUMNS`) of 2.1
    and 4.2–4.5 for the period [first_day, end_day), by the methodology: each dossier's receipt and end of processing
    from its processing records, its unit as valid on the day it was received, on time at its end or, still open,
    at the period end: by due_at as recorded, else by the working days less the supplement time against the
    statutory limit, neither left out; then every unit with its subtree."""
    start, end = pd.Timestamp(first_day), pd.Timestamp(end_day)
    as_of = pd.Timestamp(con.execute("select max(finished_at) from load_runs").fetchone()[0])
    eff_end = min(end, as_of)
    dossiers = con.execute("""select dossier_code, procedure_code, unit_code, status, received_at, submitted_at, due_at,
                                     finished_at, returned_at, updated_at, components_digitized, result_file_attached,
                                     reused_digitized_data, from_personal_store, population_data_used
                              from dossiers""").df()
    events = con.execute('select dossier_code, event, "at" from dossier_events').df()
    tree = con.execute("select unit_code, valid_from, valid_to, province_code, district_code from unit_tree").df()
    procedures = con.execute("""select province_code, procedure_code, requires_result_document, max_processing_days
                                from procedures""").df()

    # the processing records: the first moment of each event, the supplement requests in order
    events["event"] = events.event.replace({"rejected": "stopped"})
    first = events.groupby(["dossier_code", "event"])["at"].min().unstack()
    requests = events[events.event == "supplement_requested"].sort_values("at").groupby("dossier_code")
    first["n_requests"] = requests.size()
    first["second_request_at"] = requests.nth(1).set_index("dossier_code")["at"]
    for column in ("received", "finished", "returned", "stopped", "withdrawn", "supplement_requested",
                   "supplement_completed"):
        if column not in first:
            first[column] = pd.NaT
    d = dossiers.merge(first, left_on="dossier_code", right_index=True, how="left")
    d["has_events"] = d.dossier_code.isin(first.index)
    d["n_requests"] = d.n_requests.fillna(0)
    d["received"] = d.received_at.fillna(d["received"])
    d.loc[d.supplement_completed < d.supplement_requested, "supplement_completed"] = pd.NaT

    # the unit: the one with the dossier's code valid on the day it was received (else submitted)
    d = d.merge(tree, on="unit_code")
    day = d.received_at.fillna(d.submitted_at).dt.normalize()
    d = d[(d.valid_from.isna() | (d.valid_from <= day)) & (d.valid_to.isna() | (d.valid_to >= day))]
    d = d.merge(procedures, on=["province_code", "procedure_code"], how="left")

    # end of processing: finished > returned > stopped > withdrawn after receipt > one open supplement request
    with_events, columns = d.has_events, ~d.has_events
    d["end_kind"] = np.select(
        [with_events & d.finished.notna(), with_events & d.returned.notna(), with_events & d.stopped.notna(),
         with_events & (d.withdrawn >= d.received),
         with_events & (d.n_requests == 1) & d.supplement_completed.isna(),
         columns & d.finished_at.notna(), columns & d.returned_at.notna(), columns & (d.status == "finished"),
         columns & d.status.isin(["stopped", "rejected"]), columns & (d.status == "withdrawn") & d.received.notna(),
         columns & (d.status == "supplement_requested")],
        ["finished", "returned", "stopped", "withdrawn", "supplement", "finished", "returned", "finished", "stopped",
         "withdrawn", "supplement"], default="")
    recorded = pd.Series(pd.NaT, index=d.index, dtype="datetime64[us]")
    for kind, moment in (("finished", d.finished.fillna(d.finished_at).fillna(d.updated_at)),
                         ("returned", d.returned.fillna(d.returned_at)),
                         ("stopped", d.stopped.fillna(d.updated_at)),
                         ("withdrawn", d.withdrawn.fillna(d.updated_at)),
                         ("supplement", d.supplement_requested.fillna(d.updated_at))):
        recorded = recorded.where(d.end_kind != kind, moment)
    d["end_at"] = recorded.where(~(recorded < d.received), d.received)
    # withdrawn before it was ever received and never ended otherwise: never processed
    ended_otherwise = d.finished.notna() | d.returned.notna() | d.stopped.notna()
    unreceived = np.where(with_events,
                          d.withdrawn.notna() & ~ended_otherwise & (d.received.isna() | (d.withdrawn < d.received)),
                          (d.status == "withdrawn") & d.received.isna())

    # 2.1: processed in the period, on time at its end or, open, at the period end
    p = d[~unreceived & (d.received <= eff_end) & (d.end_at.isna() | (d.end_at >= start))].copy()
    ended = p.end_at.notna() & (p.end_at < end) & (p.end_at <= eff_end)
    completed = p.supplement_completed.notna()
    interval = (p.supplement_completed - p.supplement_requested).where((p.end_kind != "supplement") & completed,
                                                                       pd.Timedelta(0))
    days_used = workdays.working_days_between(p.received, p.end_at)
    supplement_days = np.where(interval > pd.Timedelta(0),
                               workdays.working_days_between(p.supplement_requested, p.supplement_completed), 0)
    # with due_at: its end by due_at as recorded; without: the working days less the supplement time, against the
    # statutory limit; neither: unknown (NaN), out of the numerator and the denominator
    on_time_at_end = np.select(
        [p.n_requests > 1, p.due_at.notna(), p.max_processing_days.notna()],
        [False, p.end_at <= p.due_at, days_used - supplement_days <= p.max_processing_days], default=np.nan)
    waiting = (p.supplement_requested <= eff_end) & ~(p.supplement_completed <= eff_end)
    deducted_days = np.where(p.supplement_completed <= eff_end,
                             workdays.working_days_between(p.supplement_requested, p.supplement_completed), 0)
    judged_at = p.supplement_requested.where(waiting, eff_end)
    on_time_open = np.select(
        [p.second_request_at <= eff_end, p.due_at.notna(), p.max_processing_days.notna()],
        [False, judged_at <= p.due_at,
         workdays.working_days_between(p.received, judged_at) - deducted_days <= p.max_processing_days],
        default=np.nan)
    judged = np.where(ended, on_time_at_end, on_time_open)
    p["n_2_1"] = (judged == 1).astype(int)
    p["d_2_1"] = (~np.isnan(judged)).astype(int)

    # 4.2–4.5: dossiers received in the period
    r = d[(d.received >= start) & (d.received < end) & (d.received <= eff_end)].copy()
    needs_result = r.requires_result_document.fillna(False).astype(bool)
    r["n_4_2"] = (r.components_digitized.fillna(False).astype(bool)
                  & (~needs_result | r.result_file_attached.fillna(False).astype(bool))).astype(int)
    for column, flag in (("n_4_3", "reused_digitized_data"), ("n_4_4", "from_personal_store"),
                         ("n_4_5", "population_data_used")):
        r[column] = r[flag].fillna(False).astype(bool).astype(int)
    r["d_4_2"] = 1

    # every unit with its subtree: its own dossiers, its district's, its province's
    # (a district's and a province's own dossiers once: their codes are their district's and province's)
    parts = []
    for scope in ("unit_code", "district_code", "province_code"):
        mine = (lambda f: f) if scope == "unit_code" else (lambda f: f[f[scope] != f.unit_code])
        processed = mine(p).groupby(scope)[["n_2_1", "d_2_1"]].sum()
        received = mine(r).groupby(scope)[["n_4_2", "d_4_2", "n_4_3", "n_4_4", "n_4_5"]].sum()
        parts.append(processed.join(received, how="outer").rename_axis("unit_code"))
    return pd.concat(parts).groupby(level=0).sum()[COLUMNS].reset_index()
