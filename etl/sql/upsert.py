"""Writing one validated file: its rejected rows, then its good rows by delete + insert on the entity's key.

An incoming row is `new` (no stored row with its key), `unchanged` (the stored row is the
same, or for a versioned entity at least as new) or `replaced` (the stored row is deleted and
the incoming one inserted). Every written row carries the load's id.
"""
from __future__ import annotations

import duckdb

from etl.entities import Entity
from etl.sql.validate import quote, key_match


def reject(con: duckdb.DuckDBPyConnection, entity: Entity, rows: str, dups: str, load_id: int, file: str) -> int:
    """Insert one rejected_rows row per problem and per duplicated row; return the number of rejected lines."""
    key_names = ", ".join(entity.key)
    key_value = " || ', ' || ".join(f"coalesce(r.{quote(k)}::varchar, '')" for k in entity.key)
    con.execute(f"""insert into rejected_rows
        with problems as (
            select line, unnest(problems) as p from {rows} where len(problems) > 0
        ),
        duplicated as (
            select r.line, {key_value} as value, d.lines from {rows} r join {dups} d on {key_match(entity, 'r', 'd')}
        ),
        final as (
            select line, p.column as "column", p.value, p.reason from problems
            union all
            select line, $key_names, value,
                   'duplicate ' || $key_names || ' ' || value || ' in this file (lines '
                   || array_to_string(lines, ', ') || ')'
            from duplicated
        )
        select $load_id, $entity, $file, line, "column", value, reason from final order by line""",
                {"load_id": load_id, "entity": entity.name, "file": file, "key_names": key_names})
    return con.execute(f"""select count(*) from {rows} r
        where len(r.problems) > 0 or exists (select 1 from {dups} d where {key_match(entity, 'r', 'd')})""").fetchone()[0]


def _changed(entity: Entity) -> str:
    if entity.version:
        v = quote(entity.version)
        return f"s.{v} is null or g.{v} > s.{v}"
    same = " and ".join(f"g.{quote(c)} is not distinct from s.{quote(c)}" for c in entity.column_names)
    return f"not ({same})"


def write(con: duckdb.DuckDBPyConnection, entity: Entity, rows: str, dups: str, load_id: int) -> dict[str, int]:
    """Upsert the file's good rows (no problems, key not duplicated); return counts of new, replaced and unchanged."""
    columns = ", ".join(f"g.{quote(c)}" for c in entity.column_names)
    table = entity.name
    con.execute(f"""create or replace temp table classified as
        with good as (
            select {columns} from {rows} g
            where len(g.problems) = 0 and not exists (select 1 from {dups} d where {key_match(entity, 'g', 'd')})
        ),
        stored as (
            select *, true as found from {table}
        ),
        final as (
            select g.*, case when s.found is null then 'new' when {_changed(entity)} then 'replaced'
                             else 'unchanged' end as outcome
            from good g left join stored s on {key_match(entity, 'g', 's')}
        )
        select * from final""")
    con.execute(f"""delete from {table} s using classified g
                    where g.outcome = 'replaced' and {key_match(entity, 'g', 's')}""")
    con.execute(f"""insert into {table} by name
                    select * exclude (outcome), $load_id as load_id from classified where outcome <> 'unchanged'""",
                {"load_id": load_id})
    counts = dict(con.execute("select outcome, count(*) from classified group by outcome").fetchall())
    con.execute("drop table classified")
    return {k: counts.get(k, 0) for k in ("new", "replaced", "unchanged")}
