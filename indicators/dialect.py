"""The engine's SQL for Spark: DuckDB SQL parsed with SQLGlot, rewritten where Spark differs, printed as Spark SQL.

The engine's SQL is written once, in DuckDB's dialect. `spark(sql)` parses it (`read="duckdb"`), applies the
rewrites below on the syntax tree and prints Spark SQL with `unsupported_level=RAISE`, so that a construct SQLGlot
cannot carry over stops the run instead of changing a number. Each rewrite keeps DuckDB's meaning:

- the calendar's macros (`calendar.install`: wt, wdays, month_no, month_start) are expanded in place, the time of
  day measured with `date_diff('microsecond', day, moment)` (no epoch or time-zone arithmetic);
- `round(x, n)` becomes `floor(x * 10^n + 0.5) / 10^n`, DuckDB's rounding of the non-negative totals it bands and
  ranks (Spark's `round` rounds the decimal text of a double, 0.285 → 0.29 where DuckDB gives 0.28);
- 1-based list indexes `l[i]` become `try_element_at(l, i)` (1-based, NULL out of range as in DuckDB);
  `list(x order by x)` becomes `array_sort(collect_list(x))` (SQLGlot drops the ORDER BY); `min(x, n)` becomes the
  first n of `array_sort(collect_list(x))`; `list_sum([a, b, ...])` a sum of the terms that is NULL when all are;
  `list_has_any` becomes `arrays_overlap`;
- several `unnest([...])` in one select (zipped by DuckDB; Spark allows one generator) become one
  `inline(arrays_zip(...))`;
- `ubigint` becomes `bigint` (the same 64 bits for `bit_or` and `bit_count`), the shift amount an `int`;
- `date_trunc` is cast back to a timestamp without time zone (Spark returns one with); `'1 month'::interval` becomes
  an interval literal; `as not materialized` is dropped.
"""
from __future__ import annotations

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel

from .calendar import DAY

# The calendar's macros, in DuckDB SQL over their arguments a0, a1, a2 (calendar.install defines the same).
MACROS = {
    "wt": f"(a0 * {DAY} + case when a1 then date_diff('microsecond', cast(cast(a2 as date) as timestamp), a2) "
          f"else 0 end)",
    "wdays": f"cast(round(a0 * {DAY}) as bigint)",
    "month_no": "(year(a0) * 12 + month(a0) - 1)",
    "month_start": "make_timestamp_ntz(cast(a0 // 12 as int), cast(a0 % 12 + 1 as int), 1, 0, 0, 0)",
}
_MACRO_TREES = {name: sqlglot.parse_one(text, read="duckdb") for name, text in MACROS.items()}


def _call(name: str, *args: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this=name, expressions=list(args))


def _expand_macro(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Anonymous) and str(node.this).lower() in _MACRO_TREES:
        args = node.expressions
        body = _MACRO_TREES[str(node.this).lower()].copy()

        def put(n: exp.Expression) -> exp.Expression:
            if isinstance(n, exp.Column) and not n.table and n.name in ("a0", "a1", "a2"):
                return exp.paren(args[int(n.name[1])].copy(), copy=False)
            return n
        return body.transform(put)
    return node


def _lists(node: exp.Expression) -> exp.Expression:
    # min(x, n): the n smallest, as a sorted list; a filter on the aggregate goes inside collect_list
    if isinstance(node, exp.Filter) and isinstance(node.this, exp.Min) and node.this.args.get("count"):
        gathered = exp.Filter(this=_call("collect_list", node.this.this.copy()), expression=node.expression.copy())
        return _call("slice", _call("array_sort", gathered), exp.Literal.number(1), node.this.args["count"].copy())
    if isinstance(node, exp.Min) and node.args.get("count"):
        return _call("slice", _call("array_sort", _call("collect_list", node.this.copy())), exp.Literal.number(1),
                     node.args["count"].copy())
    if isinstance(node, exp.ArrayAgg) and isinstance(node.this, exp.Order):
        order = node.this
        if len(order.expressions) != 1 or order.expressions[0].args.get("desc") \
                or order.expressions[0].this != order.this:
            raise ValueError(f"only list(x order by x) carries over to Spark: {node.sql('duckdb')}")
        return _call("array_sort", _call("collect_list", order.this.copy()))
    if isinstance(node, exp.Anonymous) and str(node.this).lower() == "list_sum":
        (terms,) = node.expressions
        if not isinstance(terms, exp.Array):
            raise ValueError(f"list_sum carries over to Spark only over a list of terms: {node.sql('duckdb')}")
        items = [t.copy() for t in terms.expressions]
        total = exp.paren(exp.Coalesce(this=items[0], expressions=[exp.Literal.number(0)]), copy=False)
        for item in items[1:]:
            total = exp.Add(this=total, expression=exp.Coalesce(this=item.copy(), expressions=[exp.Literal.number(0)]))
        everything_null = exp.Is(this=exp.Coalesce(this=items[0].copy(), expressions=[i.copy() for i in items[1:]]),
                                 expression=exp.Null())
        return exp.paren(exp.Case(ifs=[exp.If(this=everything_null, true=exp.Null())], default=total), copy=False)
    if isinstance(node, exp.ArrayOverlaps):
        return _call("arrays_overlap", node.this.copy(), node.expression.copy())
    return node


def _index(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Bracket):
        if len(node.expressions) != 1:
            raise ValueError(f"a list index carries over to Spark only alone: {node.sql('duckdb')}")
        index = node.expressions[0].copy()
        # SQLGlot reads a literal index as 0-based and leaves any other as written (1-based in DuckDB)
        if isinstance(index, exp.Literal) and not index.is_string:
            index = exp.Literal.number(int(index.name) + 1)
        return _call("try_element_at", node.this.copy(), exp.Cast(this=index, to=exp.DataType.build("int", dialect="duckdb")))
    return node


def _numbers(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Round) and node.args.get("decimals") is not None:
        scale = exp.Literal.number(10 ** int(node.args["decimals"].name))
        shifted = exp.Add(this=exp.Mul(this=exp.paren(node.this.copy(), copy=False), expression=scale),
                          expression=exp.Literal.number(0.5))
        return exp.paren(exp.Div(this=exp.Floor(this=shifted), expression=scale.copy()), copy=False)
    if isinstance(node, exp.DataType) and node.this == exp.DataType.Type.UBIGINT:
        return exp.DataType.build("bigint", dialect="duckdb")
    if isinstance(node, exp.BitwiseLeftShift) and not (isinstance(node.expression, exp.Cast)
                                                       and node.expression.to.is_type("int")):
        return exp.BitwiseLeftShift(this=node.this.copy(),
                                    expression=exp.Cast(this=node.expression.copy(), to=exp.DataType.build("int", dialect="duckdb")))
    return node


def _times(node: exp.Expression) -> exp.Expression:
    if isinstance(node, (exp.DateTrunc, exp.TimestampTrunc)) and not isinstance(node.parent, exp.Cast):
        return exp.Cast(this=node.copy(), to=exp.DataType.build("timestamp", dialect="duckdb"))
    if isinstance(node, exp.Cast) and node.to.this == exp.DataType.Type.INTERVAL and node.this.is_string:
        number, unit = node.this.name.split()
        return exp.Interval(this=exp.Literal.string(number), unit=exp.var(unit.upper()))
    if isinstance(node, exp.CTE) and node.args.get("materialized") is not None:
        node.set("materialized", None)
    return node


def _generators(node: exp.Expression) -> exp.Expression:
    if not isinstance(node, exp.Select):
        return node
    exploded = [p for p in node.expressions
                if isinstance(p, exp.Alias) and isinstance(p.this, exp.Explode) and isinstance(p.this.this, exp.Array)]
    if len(exploded) < 2:
        return node
    zipped = exp.Aliases(this=_call("inline", _call("arrays_zip", *(p.this.this.copy() for p in exploded))),
                         expressions=[exp.to_identifier(p.alias) for p in exploded])
    first = node.expressions.index(exploded[0])
    kept = [p for p in node.expressions if p not in exploded]
    kept.insert(first, zipped)
    node.set("expressions", kept)
    return node


def spark_tree(sql: str) -> exp.Expression:
    """Return the syntax tree of one DuckDB statement, rewritten for Spark."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    for rewrite in (_expand_macro, _lists, _index, _numbers, _times, _generators):
        # a node a rewrite puts in is not visited again in the same pass: repeat until nothing changes
        for _ in range(8):
            before = tree.sql("duckdb")
            tree = tree.transform(rewrite)
            if tree.sql("duckdb") == before:
                break
        else:
            raise ValueError(f"the rewrite {rewrite.__name__} does not settle on: {sql}")
    return tree


def spark(sql: str) -> str:
    """Return one DuckDB statement as Spark SQL; raise when SQLGlot cannot carry a construct over."""
    return spark_tree(sql).sql("spark", unsupported_level=ErrorLevel.RAISE)


def statements(sql: str) -> list[str]:
    """Split DuckDB SQL text holding several statements (sql/scope.sql) into single statements."""
    return [s.sql("duckdb") for s in sqlglot.parse(sql, read="duckdb") if s is not None]
