"""The engine's statements run on Spark: a stand-in for the DuckDB connection the engine writes to.

`SparkRunner.execute(sql, params)` takes what the engine sends DuckDB and does the same on a Spark session:
the parameters (`?` and `$name`) become literals, the statement is printed as Spark SQL (`dialect.spark`), and
what Spark has no statement for is done on its catalogue of temporary views:

- `create or replace temp table t as q`: q is computed once (`localCheckpoint`) and named t, so that a table read
  several times is not recomputed at every read (a Spark view is);
- `drop table`, `alter table … rename to`: the names of those views;
- `delete from t where c`: t is built again without those rows (`where not coalesce(c, false)`);
- `insert into t by name q`: t is built again as t and q by column name;
- `update t set c = e, … where w`: t is built again with its rows where w holds, each c set, and the others;
- a table built again is computed when a later statement reads it (or when every statement is settled), not at
  once: a run of deletes and inserts on the same table (the outputs, a kind after another) is one computation;
- `create table if not exists t (columns)`: an empty t of those columns;
- `begin`, `commit`, `rollback`, `set`, `checkpoint`: nothing (a run writes its outputs once, at its end).

Statements that do not depend on each other run at the same time (`concurrency`): a `create … as q` is planned at
once, when every table q reads is there, and computed by one of `concurrency` threads, Spark running their jobs
side by side; any other statement (a read, a rename, a drop, a delete, an insert, an update) first waits for the
statements computing the tables it names. A statement is planned on the tables as they are when it is sent (a
view built again later is a new view), so the engine's order of statements holds: the same results, with the
many small stages of independent statements (a kind's bases, for one) overlapping instead of queueing.

Several threads may send statements at once, each in a `namespace` of its own: the tables a thread creates
there are its own (named with a suffix, and read by its later statements under their names), so that passes
over the same table names (one per period kind) run side by side; a rename to a name it has not created gives
a table out of it.
"""
from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

import sqlglot
from sqlglot import exp

from . import dialect

NOTHING = re.compile(r"^\s*(begin|commit|rollback|set|checkpoint)\b", re.IGNORECASE)


def literal(value: Any) -> str:
    """Return a Python value as a DuckDB SQL literal."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, datetime):
        return f"timestamp '{value.isoformat(sep=' ')}'"
    if isinstance(value, date):
        return f"date '{value.isoformat()}'"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    raise TypeError(f"no SQL literal for {value!r}")


def bind(sql: str, params: Any = None) -> str:
    """Return `sql` with its parameters (a list for `?`, a dict for `$name`) written in as literals."""
    if params is None:
        return sql
    if isinstance(params, dict):
        def named(m: re.Match) -> str:
            if m[1] not in params:
                raise KeyError(f"no value for ${m[1]}")
            return literal(params[m[1]])
        return re.sub(r"\$([A-Za-z_]\w*)", named, sql)
    values = iter(params)
    bound = re.sub(r"\?", lambda _: literal(next(values)), sql)
    if next(values, StopIteration) is not StopIteration:
        raise ValueError("more parameters than ? in the statement")
    return bound


class SparkRunner:
    """Run the engine's DuckDB statements on a Spark session (see the module's text)."""

    def __init__(self, spark, concurrency: int = 1) -> None:
        self.spark = spark
        self.statements = 0
        # (seconds, what): every statement run, for the benchmark's heaviest stages
        self.timings: list[tuple[float, str]] = []
        self._pool = ThreadPoolExecutor(concurrency, "kpi766-statement") if concurrency > 1 else None
        # table name → the statement computing it, while it runs
        self._pending: dict[str, Future] = {}
        # table name → its rows as built again (`view`), computed when first read
        self._built: dict[str, Any] = {}
        self._lock = threading.Lock()
        # per sending thread: the rows of its last read, its namespace (suffix, the names it created there)
        self._thread = threading.local()

    @contextmanager
    def namespace(self, suffix: str) -> Iterator[None]:
        """Within it, the tables this thread creates are its own (see the module's text); on leaving, they are
        dropped once computed."""
        own: set[str] = set()
        self._thread.namespace = (suffix, own)
        try:
            yield
        finally:
            self._thread.namespace = None
            names = {f"{name}__{suffix}" for name in own}
            self.settle(names)
            for name in names:
                self._drop_view(name)

    def _scoped(self, statement: exp.Expression) -> exp.Expression:
        """Return `statement` with the names of the tables this thread's namespace holds given its suffix: tables
        read, created, changed, and the CTEs and aliases of those names (the engine's `periods as (select * from
        periods)`), so that every name is renamed alike."""
        namespace = getattr(self._thread, "namespace", None)
        if namespace is None:
            return statement
        suffix, own = namespace
        if isinstance(statement, exp.Create):
            created = statement.this.this if isinstance(statement.this, exp.Schema) else statement.this
            if statement.expression is not None:
                # the query reads the tables as they were before it (a create may read the name it replaces)
                _rename(statement.expression, own, suffix)
            own.add(created.name)
            _rename(created, own, suffix)
            return statement
        renamed_from = statement.this.name if isinstance(statement, exp.Alter) and statement.this.name in own else None
        _rename(statement, own, suffix)
        if isinstance(statement, exp.Alter):
            if renamed_from is not None:
                own.discard(renamed_from)
        elif isinstance(statement, exp.Drop):
            for name in _dropped(statement):
                own.discard(name.removesuffix(f"__{suffix}"))
        return statement

    # the connection's interface the engine uses
    def execute(self, sql: str, params: Any = None) -> "SparkRunner":
        sql = bind(sql, params)
        self._thread.rows = []
        if NOTHING.match(sql):
            return self
        for statement in sqlglot.parse(sql, read="duckdb"):
            if statement is not None:
                statement = self._scoped(statement)
                what = statement.this.sql("duckdb") if isinstance(statement, (exp.Create, exp.Insert, exp.Delete)) \
                    else statement.sql("duckdb")[:60]
                if not isinstance(statement, exp.Create):
                    named = {table.name for table in statement.find_all(exp.Table)}
                    self.settle(named)
                    # what it reads is computed first; a table it builds again is built on as it is
                    if isinstance(statement, (exp.Delete, exp.Insert, exp.Update)):
                        named.discard(statement.this.name)
                    elif isinstance(statement, exp.Drop):
                        named -= _dropped(statement)
                    self._compute(named)
                self._run(statement, f"{statement.key} {what}")
        return self

    def settle(self, names: set[str] | None = None) -> None:
        """Wait for the statements running that compute `names` (all of them when None, and then compute every
        table built again); raise the first failure."""
        if names is None:
            self._compute(None)
        with self._lock:
            waited = [(name, future) for name, future in self._pending.items() if names is None or name in names]
        for name, future in waited:
            future.result()
            with self._lock:
                if self._pending.get(name) is future:
                    del self._pending[name]

    def close(self) -> None:
        """Wait for every statement, then let the threads go."""
        try:
            self.settle()
        finally:
            if self._pool is not None:
                self._pool.shutdown()

    def fetchone(self) -> tuple | None:
        rows = getattr(self._thread, "rows", [])
        return rows[0] if rows else None

    def fetchall(self) -> list[tuple]:
        return list(getattr(self._thread, "rows", []))

    # views
    def exists(self, name: str) -> bool:
        self.settle({name})
        return self.spark.catalog.tableExists(name)

    def keep(self, name: str, frame) -> None:
        """Compute `frame` once and name it: the Spark form of a temporary table."""
        with self._lock:
            self._built.pop(name, None)
        frame.localCheckpoint().createOrReplaceTempView(name)

    def view(self, name: str, frame) -> None:
        """Name `frame` now and compute it once, when a statement first reads it (`keep` then)."""
        frame.createOrReplaceTempView(name)
        with self._lock:
            self._built[name] = frame

    def _drop_view(self, name: str) -> None:
        with self._lock:
            self._built.pop(name, None)
        self.spark.catalog.dropTempView(name)

    def _compute(self, names: set[str] | None) -> None:
        """Compute the tables built again (`view`) among `names` (all when None)."""
        with self._lock:
            due = [(n, f) for n, f in self._built.items() if names is None or n in names]
        for name, frame in due:
            self._timed(f"compute {name}", self.keep, name, frame)

    def _timed(self, what: str, work, *args) -> None:
        start = time.perf_counter()
        # Spark's jobs carry the statement's name (the event log's stages, benchmarks/bench_spark.py)
        self.spark.sparkContext.setJobDescription(what)
        work(*args)
        self.timings.append((time.perf_counter() - start, what))

    def sql(self, duckdb_sql: str):
        """Return the Spark DataFrame of one DuckDB query."""
        with self._lock:
            self.statements += 1
        return self.spark.sql(dialect.spark(duckdb_sql))

    def _run(self, statement: exp.Expression, what: str) -> None:
        if isinstance(statement, exp.Create):
            name = statement.this.this.name if isinstance(statement.this, exp.Schema) else statement.this.name
            query = statement.expression
            if query is None:
                if statement.args.get("exists") and self.exists(name):
                    return
                columns = statement.this.expressions
                empty = "select " + ", ".join(f"cast(null as {c.args['kind'].sql('duckdb')}) as {c.name}"
                                              for c in columns) + " where false"
                self._timed(what, self.keep, name, self.sql(empty))
                return
            # planned now, on the tables it reads (and after the statement before it naming the same table)
            read = {table.name for table in query.find_all(exp.Table)}
            self.settle(read | {name})
            self._compute(read)
            with self._lock:
                self._built.pop(name, None)
            frame = self.sql(query.sql("duckdb"))
            if self._pool is None:
                self._timed(what, self.keep, name, frame)
            else:
                with self._lock:
                    self._pending[name] = self._pool.submit(self._timed, what, self.keep, name, frame)
            return
        self._timed(what, self._act, statement)

    def _act(self, statement: exp.Expression) -> None:
        """Do a statement other than `create … as` (the statements computing the tables it names done)."""
        if isinstance(statement, exp.Drop):
            for name in _dropped(statement):
                if not self.exists(name) and not statement.args.get("exists"):
                    raise ValueError(f"no table {name}")
                self._drop_view(name)
        elif isinstance(statement, exp.Alter):
            (action,) = statement.actions
            if not isinstance(action, exp.AlterRename):
                raise ValueError(f"only a rename carries over to Spark: {statement.sql('duckdb')}")
            old, new = statement.this.name, action.this.name
            self.spark.table(old).createOrReplaceTempView(new)
            self.spark.catalog.dropTempView(old)
        elif isinstance(statement, exp.Delete):
            name = statement.this.name
            if not self.exists(name):
                return
            where = statement.args["where"].this.sql("duckdb")
            self.view(name, self.sql(f"select * from {name} where not coalesce({where}, false)"))
        elif isinstance(statement, exp.Insert):
            target = statement.this
            name = target.name
            if not statement.args.get("by_name"):
                raise ValueError(f"only insert … by name carries over to Spark: {statement.sql('duckdb')}")
            added = self.sql(statement.expression.sql("duckdb"))
            kept = self.spark.table(name)
            self.view(name, kept.unionByName(added.select(*kept.columns)))
        elif isinstance(statement, exp.Update):
            self._update(statement)
        elif isinstance(statement, (exp.Select, exp.Union, exp.With)) or statement.find(exp.Select):
            self._thread.rows = [tuple(r) for r in self.sql(statement.sql("duckdb")).collect()]
        else:
            raise ValueError(f"no Spark form of: {statement.sql('duckdb')}")

    def _update(self, statement: exp.Update) -> None:
        """`update t set c = e, … [where w]`: t built again from its rows where w holds, each c set (in c's type),
        and the others as they are. No alias, `from`, `with`, `returning`, `order` or `limit`."""
        sql = statement.sql("duckdb")
        if statement.this.alias or any(statement.args.get(k) is not None
                                       for k in ("from_", "with_", "returning", "order", "limit")):
            raise ValueError(f"only a plain update carries over to Spark: {sql}")
        name = statement.this.name
        where = statement.args.get("where")
        condition = f"coalesce({where.this.sql('duckdb')}, false)" if where is not None else "true"
        values = {e.this.name: e.expression.sql("duckdb") for e in statement.expressions}
        table = self.spark.table(name)
        unknown = set(values) - set(table.columns)
        if unknown:
            raise ValueError(f"no column {', '.join(sorted(unknown))} in {name}")
        updated = self.sql("select " + ", ".join(f"{values[c]} as {c}" if c in values else c for c in table.columns)
                           + f" from {name} where {condition}")
        updated = updated.select(*[updated[c].cast(table.schema[c].dataType) for c in table.columns])
        kept = self.sql(f"select * from {name} where not {condition}")
        self.view(name, kept.unionByName(updated))


def _rename(node: exp.Expression, names: set[str], suffix: str) -> None:
    """Give the tables of `names` in `node` (read or written, CTEs, aliases and column qualifiers of those names)
    the suffix."""
    for found in list(node.find_all(exp.Table, exp.TableAlias, exp.Column)):
        key = "table" if isinstance(found, exp.Column) else "this"
        identifier = found.args.get(key)
        if isinstance(identifier, exp.Identifier) and identifier.name in names:
            found.set(key, exp.to_identifier(f"{identifier.name}__{suffix}"))


def _dropped(statement: exp.Drop) -> set[str]:
    """Return the names of the tables a `drop` names."""
    return {table.name for table in statement.args.get("tables") or [statement.this]}
