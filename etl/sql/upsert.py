"""Writing one validated file: its rejected rows, then its good rows by delete + insert on the entity's key.

An incoming row is `new` (no stored row with its key), `unchanged` (the stored row is the
same, or for a versioned entity at least as new) or `replaced` (the stored row is deleted and
the incoming one inserted). Every written row carries the load's id.
"""
from __future__ import annotations

import duckdb

from model.entities import Entity, unit_column
from etl.sql.validate import key_match, literal, quote, raw


def reject(con: duckdb.DuckDBPyConnection, entity: Entity, rows: str, failed: str, dups: str,
           load_id: int, file: str) -> int:
    """Insert one rejected_rows row per problem, failed check and duplicated row; return the number of rejected lines.

    Each carries the unit its row names (model.entities.unit_column) as the file wrote it, null when the row names
    none: the data page shows a reader the rejected rows of their province."""
    unit = unit_column(entity)
    unit_text = f"nullif(trim(r.{quote(unit)}::varchar), '')" if unit else "null::varchar"
    key_names = ", ".join(entity.key)
    key_value = " || ', ' || ".join(f"coalesce(r.{quote(k)}::varchar, '')" for k in entity.key)
    by_check = {"column": [], "value": [], "reason": []}
    for i, check in enumerate(entity.checks):
        by_check["column"].append(f"when {i} then {literal(check.column)}")
        by_check["value"].append(f"when {i} then r.{raw(check.column)}::varchar")
        by_check["reason"].append(f"when {i} then {literal(check.reason)}")
    case = {k: f"case f.check_no {' '.join(v)} end" if v else "null" for k, v in by_check.items()}
    con.execute(f"""insert into rejected_rows (load_id, entity, file, line, "column", value, reason, unit_code)
        with problems as (
            select line, unnest(problems) as p from {rows} where problems is not null
        ),
        duplicated as (
            select r.line, {key_value} as value,
                   list(r.line) over (partition by {", ".join(f"r.{quote(k)}" for k in entity.key)} order by r.line
                                      rows between unbounded preceding and unbounded following) as lines
            from {rows} r join {dups} d on {key_match(entity, 'r', 'd')}
        ),
        final as (
            select line, p.column as "column", p.value, p.reason from problems
            union all
            select f.line, {case["column"]}, {case["value"]}, {case["reason"]} from {failed} f join {rows} r using (line)
            union all
            select line, $key_names, value,
                   'duplicate ' || $key_names || ' ' || value || ' in this file (lines '
                   || array_to_string(lines, ', ') || ')'
            from duplicated
        )
        select $load_id, $entity, $file, f.line, f."column", f.value, f.reason, {unit_text}
        from final f join {rows} r using (line) order by f.line""",
                {"load_id": load_id, "entity": entity.name, "file": file, "key_names": key_names})
    return con.execute(f"""select count(*) from (
        select line from {rows} where problems is not null
        union select line from {failed}
        union select r.line from {rows} r join {dups} d on {key_match(entity, 'r', 'd')})""").fetchone()[0]


def changed(entity: Entity) -> str:
    """Return the condition that incoming row `g` replaces stored row `s` with the same key."""
    if entity.version:
        v = quote(entity.version)
        return f"s.{v} is null or g.{v} > s.{v}"
    same = " and ".join(f"g.{quote(c)} is not distinct from s.{quote(c)}" for c in entity.column_names)
    return f"not ({same})"


def write(con: duckdb.DuckDBPyConnection, entity: Entity, rows: str, failed: str, dups: str,
          load_id: int, n_good: int) -> dict[str, int]:
    """Upsert the file's `n_good` good rows (parsed, no failed check, key not duplicated); return counts of new, replaced, unchanged."""
    table = entity.name
    keys = ", ".join(f"g.{quote(k)}" for k in entity.key)
    con.execute(f"""create or replace temp table skipped as
        select line from {failed}
        union select r.line from {rows} r join {dups} d on {key_match(entity, 'r', 'd')}""")
    # Only rows whose key is already stored need a decision; the rest are new.
    con.execute(f"""create or replace temp table matched as
        select g.line, {keys}, case when {changed(entity)} then 'replaced' else 'unchanged' end as outcome
        from {rows} g join {table} s on {key_match(entity, 'g', 's')}
        anti join skipped k on k.line = g.line
        where g.problems is null""")
    con.execute(f"delete from {table} s using matched g where g.outcome = 'replaced' and {key_match(entity, 'g', 's')}")
    con.execute("insert into skipped select line from matched where outcome = 'unchanged'")
    order = con.execute("select current_setting('preserve_insertion_order')").fetchone()[0]
    # Row order in a stored table means nothing; not preserving it lets DuckDB insert in parallel.
    con.execute("set preserve_insertion_order = false")
    try:
        con.execute(f"""insert into {table} by name
            select {", ".join(f"g.{quote(c)}" for c in entity.column_names)}, $load_id as load_id
            from {rows} g anti join skipped k on k.line = g.line
            where g.problems is null""", {"load_id": load_id})
    finally:
        con.execute(f"set preserve_insertion_order = {'true' if order else 'false'}")
    counts = dict(con.execute("select outcome, count(*) from matched group by outcome").fetchall())
    con.execute("drop table matched")
    con.execute("drop table skipped")
    return {"new": n_good - sum(counts.values()), "replaced": counts.get("replaced", 0),
            "unchanged": counts.get("unchanged", 0)}
