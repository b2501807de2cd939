"""What is loaded: rows per input table, the dossiers' extent, the load history, the rejected rows, and the provinces
of both unit trees.

The load history and the rejected rows (file paths, rejected values) are for the roles that see the data page
(leaders, analysts, admins: access/scope.py); the functions reading them take the reader's scope first. A leader
or an analyst reads the rejected rows whose unit (rejected_rows.unit_code, any version of the code) is one the
scope of their province covers (its old provinces' units too), and the loads that rejected such rows with the counts of those rows; an admin reads every row,
those naming no known unit too, and every load with its full counts."""
from __future__ import annotations

import functools

import pandas as pd

import settings
from access.scope import UNITS_SQL, Refused, Scope
from model.entities import ENTITIES, valid_on

from .base import as_of, frame as _frame, value as _value


def overview() -> pd.DataFrame:
    """Return one row per input entity: entity, n_rows, and on every row the same figures of the whole database:
    first_received_at, last_received_at (the dossiers' range), as_of (the last successful load's finish), n_loads,
    n_rejected (rows rejected by every load). One statement, so one connection for all of them."""
    union = " union all ".join(f"select {i} as n, '{e.name}' as entity, count(*) as n_rows from {e.name}"
                               for i, e in enumerate(ENTITIES))
    return _frame(f"""
        with counts as ({union}),
        extent as (select min(received_at) as first_received_at, max(received_at) as last_received_at from dossiers),
        loads as (
            select max(finished_at) filter (where status = 'ok') as as_of, count(*) as n_loads,
                   coalesce(sum(n_rejected), 0) as n_rejected
            from load_runs
        )
        select c.entity, c.n_rows, e.first_received_at, e.last_received_at, l.as_of, l.n_loads, l.n_rejected
        from counts c, extent e, loads l order by c.n""")


def provinces(loaded_at: pd.Timestamp | None = None) -> pd.DataFrame:
    """Return one row per province and validity period: province_code, name, is_new_tree, n_districts, n_communes,
    n_departments, n_dossiers, first_received_at, last_received_at. `loaded_at` is the data's as_of when the
    caller has it (default: read it)."""
    return _provinces(settings.get("db"), loaded_at if loaded_at is not None else as_of()).copy()


# The figures change only when a load or a demo build writes, and each records its finish in load_runs: keyed
# by the database and that moment, the count over every dossier runs once per load, not once per page view.
@functools.lru_cache(maxsize=4)
def _provinces(database: str, loaded_at) -> pd.DataFrame:
    return _frame(f"""
        with dossier_counts as (
            select u.unit_code, u.valid_from, count(*) as n_dossiers,
                   min(d.received_at) as first_received_at, max(d.received_at) as last_received_at
            from dossiers d
            join units u on u.unit_code = d.unit_code
             and {valid_on("u", "coalesce(d.received_at, d.submitted_at)::date")}
            group by all
        ),
        tree as materialized (select * from unit_tree),
        by_province as (
            select t.province_code, t.valid_to is null as is_new_tree,
                   count(*) filter (where t.kind = 'district') as n_districts,
                   count(*) filter (where t.kind = 'commune') as n_communes,
                   count(*) filter (where t.kind = 'department') as n_departments,
                   coalesce(sum(c.n_dossiers), 0) as n_dossiers,
                   min(c.first_received_at) as first_received_at, max(c.last_received_at) as last_received_at
            from tree t
            left join dossier_counts c on c.unit_code = t.unit_code and c.valid_from is not distinct from t.valid_from
            group by all
        ),
        final as (
            select p.unit_code as province_code, p.name, p.valid_to is null as is_new_tree,
                   b.n_districts, b.n_communes, b.n_departments, b.n_dossiers, b.first_received_at,
                   b.last_received_at
            from tree p
            join by_province b on b.province_code = p.unit_code and b.is_new_tree = (p.valid_to is null)
            where p.kind = 'province'
        )
        select * from final order by is_new_tree, n_dossiers desc, province_code""")


def permit(scope: Scope) -> None:
    """Refuse (access.scope.Refused) a reader whose role does not see the data page."""
    if not isinstance(scope, Scope):
        raise TypeError("the load history needs the reader's Scope first (Scope.country() for a command)")
    if not scope.sees_loads():
        raise Refused("Trang dữ liệu dành cho lãnh đạo, chuyên viên phân tích và quản trị viên.",
                      "The data page is for leaders, analysts and admins.")


def _seen(scope: Scope) -> tuple[str, dict]:
    """Return the common table expressions ending in `seen`, the rejected rows `scope` reads, and their parameters.

    A database written before rejected_rows recorded units has no unit_code column until a load or a command opens
    it for writing; read-only, its rows name no unit, so only an admin sees them."""
    recorded = _value("""select count(*) from duckdb_columns()
                         where table_name = 'rejected_rows' and column_name = 'unit_code'""")
    source = "rejected_rows" if recorded else "(select *, null::varchar as unit_code from rejected_rows)"
    params = scope.params()
    if not scope.everything:
        # the data page is by province: a reader of a district, a commune or a department reads their province's
        params["scope_unit"] = _value("""select province_code from unit_tree
                                         where unit_code = $unit and valid_to is null""",
                                      {"unit": scope.unit_code}) or scope.unit_code
    return f"""scope_units as ({UNITS_SQL}),
        seen as (
            select r.* from {source} r
            where $scope_all or r.unit_code in (select s.unit_code from scope_units s)
        )""", params


def load_runs(scope: Scope) -> pd.DataFrame:
    """Return one row per load, the latest first: load_id, started_at, finished_at, source, n_read, n_loaded,
    n_replaced, n_unchanged, n_rejected, status, n_files.

    For a leader or an analyst: the loads that rejected rows of their province, with n_rejected the lines of the
    province rejected and n_files the files holding them; what a load read and wrote is stored per file, not per
    province, so n_read, n_loaded, n_replaced and n_unchanged are empty."""
    permit(scope)
    if not scope.everything:
        seen, params = _seen(scope)
        return _frame(f"""
            with {seen},
            by_load as (
                select load_id, count(distinct (entity, file, line)) as n_rejected, count(distinct file) as n_files
                from seen group by load_id
            )
            select r.load_id, r.started_at, r.finished_at, r.source, null::bigint as n_read, null::bigint as n_loaded,
                   null::bigint as n_replaced, null::bigint as n_unchanged, b.n_rejected, r.status, b.n_files
            from load_runs r join by_load b using (load_id)
            order by r.load_id desc""", params)
    return _frame("""
        select r.load_id, r.started_at, r.finished_at, r.source, r.n_read, r.n_loaded, r.n_replaced, r.n_unchanged,
               r.n_rejected, r.status, count(f.path) as n_files
        from load_runs r left join load_files f using (load_id)
        group by all order by r.load_id desc""")


def rejection_reasons(scope: Scope, load_id: int | None = None) -> pd.DataFrame:
    """Return the rejected rows the reader sees grouped by load, entity, file and reason (of load `load_id`, or of
    every load),
    the most frequent first: load_id, entity, file, reason, n_rows, first_line, columns (the columns named, joined
    by ', ')."""
    permit(scope)
    seen, params = _seen(scope)
    return _frame(f"""
        with {seen}
        select load_id, entity, file, reason, count(*) as n_rows, min(line) as first_line,
               string_agg(distinct "column", ', ' order by "column") as columns
        from seen where $load is null or load_id = $load
        group by all order by n_rows desc, load_id desc, entity, file, reason""", {**params, "load": load_id})


def rejected_rows(scope: Scope, load_id: int | None = None) -> pd.DataFrame:
    """Return the rejected rows themselves (of load `load_id`, or of every load) the reader sees, by load, file and
    line: load_id, entity, file, line, column, value, reason, unit_code."""
    permit(scope)
    seen, params = _seen(scope)
    return _frame(f"""
        with {seen}
        select load_id, entity, file, line, "column", value, reason, unit_code
        from seen where $load is null or load_id = $load
        order by load_id desc, entity, file, line, "column" """, {**params, "load": load_id})
