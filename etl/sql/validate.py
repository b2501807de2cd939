"""Validation of one staged file: one query that parses every column and lists each row's problems.

The result table (grain: one row per staged row) holds `line`, every canonical column typed,
and `problems`, a list of {column, value, reason} structs: the parse failures and missing
required values of the row or, when it parsed cleanly, the entity's failed checks. Duplicate
keys are found afterwards over the whole file (`find_duplicates`).
"""
from __future__ import annotations

from etl import parse
from etl.entities import Entity


def quote(name: str) -> str:
    """Return `name` as a quoted SQL identifier (names come from trusted declarations or file headers)."""
    return '"' + name.replace('"', '""') + '"'


def _raw(name: str) -> str:
    return quote(name + ":raw")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _problem(column: str, value: str, reason: str) -> str:
    return f"{{'column': {_literal(column)}, 'value': ({value})::varchar, 'reason': {reason}}}"


def _problem_list(items: list[str]) -> str:
    if not items:
        return "[]::struct(\"column\" varchar, \"value\" varchar, reason varchar)[]"
    return f"list_filter([{', '.join(items)}], p -> p is not null)"


def validation_sql(entity: Entity, stage_table: str, line_expr: str, source_types: dict[str, str], result_table: str) -> str:
    """Return the statement creating temp table `result_table`: typed columns and problems of every staged row.

    `source_types` maps each canonical column present in the file to its staged type; absent
    columns are null.
    """
    typed, parse_problems = [], []
    for column in entity.columns:
        name = quote(column.name)
        source_type = source_types.get(column.name)
        if source_type is None:
            typed.append(f"null::{column.sql_type} as {name}")
            typed.append(f"null::varchar as {_raw(column.name)}")
            if column.required:
                parse_problems.append(f"{_problem(column.name, 'null', _literal('missing required value'))}")
            continue
        typed.append(f"{parse.parse_expr(column, name, source_type)} as {name}")
        typed.append(f"{name} as {_raw(column.name)}")
        present = parse.source_present(_raw(column.name), source_type)
        failed = _problem(column.name, _raw(column.name), parse.failure_reason(column, _raw(column.name)))
        parse_problems.append(f"case when {present} and {name} is null then {failed} end")
        if column.required:
            missing = _problem(column.name, "null", _literal("missing required value"))
            parse_problems.append(f"case when not {present} then {missing} end")
    checks = [f"case when {check.fails} then {_problem(check.column, 'r.' + _raw(check.column), _literal(check.reason))} end"
              for check in entity.checks]
    columns = ", ".join(f"r.{quote(c)}" for c in entity.column_names)
    return f"""create or replace temp table {result_table} as
with staged as (
    select {line_expr} as line{"".join(", " + quote(c) for c in source_types)} from {stage_table}
),
parsed as (
    select line, {", ".join(typed)} from staged
),
parse_checked as (
    select *, {_problem_list(parse_problems)} as parse_problems from parsed
),
final as (
    select r.line, {columns},
           case when len(r.parse_problems) > 0 then r.parse_problems else {_problem_list(checks)} end as problems
    from parse_checked r
)
select * from final"""


def key_match(entity: Entity, left: str, right: str) -> str:
    """Return the condition that rows `left` and `right` have the same key (null equals null: keys hold nullable dates)."""
    return " and ".join(f"{left}.{quote(k)} is not distinct from {right}.{quote(k)}" for k in entity.key)


def duplicates_sql(entity: Entity, rows_table: str, result_table: str) -> str:
    """Return the statement creating `result_table`: each key found on more than one line, with those lines."""
    keys = ", ".join(quote(k) for k in entity.key)
    return f"""create or replace temp table {result_table} as
select {keys}, list(line order by line) as lines
from {rows_table}
group by all
having count(*) > 1"""
