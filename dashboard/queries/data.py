"""What is loaded: rows per input table and the provinces of both unit trees."""
from __future__ import annotations

import pandas as pd

from etl.entities import ENTITIES, valid_on

from .base import frame as _frame


def table_counts() -> pd.DataFrame:
    """Return one row per input entity: entity, n_rows."""
    union = " union all ".join(f"select '{e.name}' as entity, count(*) as n_rows from {e.name}" for e in ENTITIES)
    return _frame(union)


def provinces() -> pd.DataFrame:
    """Return one row per province and validity period: code, name, tree, units below it, dossiers and their date range."""
    return _frame(f"""
        with dossier_units as (
            select t.province_code, t.valid_to is null as is_new_tree, d.received_at
            from dossiers d
            join unit_tree t on t.unit_code = d.unit_code
             and {valid_on("t", "coalesce(d.received_at, d.submitted_at)::date")}
        ),
        dossier_counts as (
            select province_code, is_new_tree, count(*) as n_dossiers,
                   min(received_at) as first_received_at, max(received_at) as last_received_at
            from dossier_units group by all
        ),
        unit_counts as (
            select province_code, valid_to is null as is_new_tree,
                   count(*) filter (where kind = 'district') as n_districts,
                   count(*) filter (where kind = 'commune') as n_communes,
                   count(*) filter (where kind = 'department') as n_departments
            from unit_tree group by all
        ),
        final as (
            select p.unit_code as province_code, p.name, p.valid_to is null as is_new_tree,
                   u.n_districts, u.n_communes, u.n_departments,
                   coalesce(d.n_dossiers, 0) as n_dossiers, d.first_received_at, d.last_received_at
            from unit_tree p
            join unit_counts u on u.province_code = p.unit_code and u.is_new_tree = (p.valid_to is null)
            left join dossier_counts d on d.province_code = p.unit_code and d.is_new_tree = (p.valid_to is null)
            where p.kind = 'province'
        )
        select * from final order by is_new_tree, n_dossiers desc, province_code""")


def dossier_range() -> dict:
    """Return the dossiers' extent as a dict: n_dossiers, first_received_at, last_received_at."""
    found = _frame("select count(*) as n_dossiers, min(received_at) as first_received_at, "
                   "max(received_at) as last_received_at from dossiers")
    return found.astype(object).where(found.notna(), None).iloc[0].to_dict()


def load_runs() -> pd.DataFrame:
    """Return one row per load, the latest first: load_id, started_at, finished_at, source, n_read, n_loaded,
    n_replaced, n_unchanged, n_rejected, status, n_files."""
    return _frame("""
        select r.load_id, r.started_at, r.finished_at, r.source, r.n_read, r.n_loaded, r.n_replaced, r.n_unchanged,
               r.n_rejected, r.status, count(f.path) as n_files
        from load_runs r left join load_files f using (load_id)
        group by all order by r.load_id desc""")


def rejection_reasons(load_id: int | None = None) -> pd.DataFrame:
    """Return the rejected rows grouped by load, entity, file and reason (of load `load_id`, or of every load),
    the most frequent first: load_id, entity, file, reason, n_rows, first_line, columns (the columns named, joined
    by ', ')."""
    return _frame("""
        select load_id, entity, file, reason, count(*) as n_rows, min(line) as first_line,
               string_agg(distinct "column", ', ' order by "column") as columns
        from rejected_rows where $load is null or load_id = $load
        group by all order by n_rows desc, load_id desc, entity, file, reason""", {"load": load_id})


def rejected_rows(load_id: int | None = None) -> pd.DataFrame:
    """Return the rejected rows themselves (of load `load_id`, or of every load), by load, file and line:
    load_id, entity, file, line, column, value, reason."""
    return _frame("""
        select load_id, entity, file, line, "column", value, reason
        from rejected_rows where $load is null or load_id = $load
        order by load_id desc, entity, file, line, "column" """, {"load": load_id})
