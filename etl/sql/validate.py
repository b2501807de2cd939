"""Validation of one staged file, generated from the entity's declarations.

`parse_sql` types every column and lists each row's parse problems (unparseable value,
unknown enum value, missing required value); `checks_sql` finds the rows that parse cleanly
but fail one of the entity's checks; `duplicates_sql` finds keys used on more than one line.
Checks run in their own query over the few columns they read: DuckDB evaluates a correlated
check by joining every column of its input, which made one wide query several times slower.
"""
from __future__ import annotations

from etl import parse
from etl.parse import literal
from model.entities import Entity
from etl.sources.files import Staged


def quote(name: str) -> str:
    """Return `name` as a quoted SQL identifier (names come from trusted declarations or file headers)."""
    return '"' + name.replace('"', '""') + '"'


def raw(name: str) -> str:
    """Return the quoted name of the column holding `name` as the file wrote it."""
    return quote(name + ":raw")


def _problem(column: str, value: str, reason: str) -> str:
    return f"{{'column': {literal(column)}, 'value': ({value})::varchar, 'reason': {reason}}}"


def parse_sql(entity: Entity, staged: Staged, result_table: str) -> str:
    """Return the statement creating temp table `result_table` (grain: one row per staged row).

    Columns: `line`, every canonical column typed (absent ones null), the text of each column a
    check names (`<column>:raw`), and `problems`: null for a row that parsed, else a list of
    {column, value, reason}. The list is built only for bad
    rows, which keeps the query fast.
    """
    typed, bad, listed = [], [], []
    for column in entity.columns:
        name, text = quote(column.name), raw(column.name)
        source_type = staged.types.get(column.name)
        missing = _problem(column.name, "null", literal("missing required value"))
        if source_type is None:
            typed += [f"null::{column.sql_type} as {name}", f"null::varchar as {text}"]
            if column.required:
                bad.append("true")
                listed.append(missing)
            continue
        typed += [f"{parse.parse_expr(column, name, source_type)} as {name}", f"{name} as {text}"]
        present = parse.source_present(text, source_type)
        can_fail = not parse.is_typed(column, source_type) or column.type == "date"
        if can_fail and column.type != "text":
            bad.append(f"case when {name} is null then {'true' if column.required else present} else false end")
            failed = _problem(column.name, text, parse.failure_reason(column, text))
            listed.append(f"case when {name} is null and {present} then {failed} end")
        elif column.required:
            bad.append(f"{name} is null")
        if column.required:
            listed.append(f"case when {parse.source_missing(text, source_type)} then {missing} end")
    columns = ", ".join(quote(c) for c in entity.column_names)
    # The text of a column a check names is kept, to report the value as the file wrote it.
    kept = "".join(f", {raw(c)}" for c in dict.fromkeys(check.column for check in entity.checks))
    return f"""create or replace temp table {result_table} as
with parsed as (
    select line, {", ".join(typed)} from {staged.relation}
),
flagged as (
    select *, {" or ".join(bad) or "false"} as bad from parsed
),
final as (
    select line, {columns}{kept},
           case when bad then list_filter([{", ".join(listed)}], p -> p is not null) end as problems
    from flagged
)
select * from final"""


def checks_sql(entity: Entity, rows_table: str, result_table: str) -> str:
    """Return the statement creating `result_table`: (line, check_no) for each parsed row failing check number check_no.

    One pass over the file: the entity's lookups are joined once, every check is a condition on the result.
    """
    if not entity.checks:
        return f"create or replace temp table {result_table} as select null::bigint as line, null::integer as check_no where false"
    fails = [f"({check.fails})" for check in entity.checks]
    numbered = ", ".join(f"case when {f} then {i} end" for i, f in enumerate(fails))
    return f"""create or replace temp table {result_table} as
with failing as (
    select r.line, [{numbered}] as check_nos
    from {rows_table} r {entity.lookups}
    where r.problems is null and ({" or ".join(fails)})
),
final as (
    select line, unnest(list_filter(check_nos, n -> n is not null)) as check_no from failing
)
select * from final"""


def key_match(entity: Entity, left: str, right: str) -> str:
    """Return the condition that rows `left` and `right` have the same key (null equals null: keys hold nullable dates)."""
    return " and ".join(f"{left}.{quote(k)} is not distinct from {right}.{quote(k)}" for k in entity.key)


def duplicates_sql(entity: Entity, rows_table: str, result_table: str) -> str:
    """Return the statement creating `result_table`: each key found on more than one line."""
    keys = ", ".join(quote(k) for k in entity.key)
    return f"""create or replace temp table {result_table} as
select {keys} from {rows_table} group by all having count(*) > 1"""
