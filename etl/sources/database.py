"""A source database read through SQLAlchemy: its mapping checked against its schema, its changed rows pulled in batches.

Every mapped value is selected as text (`cast(... as varchar)`), so it is parsed and checked
exactly like a file's cell; only mapped columns are selected, so a citizen's personal data
never leaves the source. Through COPY, a column whose source type already is the canonical
type (a timestamp, an integer, a boolean) comes typed instead: Arrow parses it, and DuckDB
only casts it. Rows come ordered by the watermark, in batches of a fixed number of
rows, each with the last watermark it holds, so that a batch and its watermark can be
committed together.

PostgreSQL through psycopg 3 is read with `COPY (select ...) TO STDOUT` in CSV, handed to
Arrow's CSV reader batch by batch; any other database through a server-side cursor
(`stream_results`), a batch at a time.
"""
from __future__ import annotations

import io
import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.csv as pa_csv
import sqlalchemy as sa
from sqlalchemy.types import NullType

from etl.mappings import Mapping, Source, TableMapping
from etl.sources import credentials
from etl.sources.files import is_personal

# The label of the selected watermark value, beside the canonical columns.
WATERMARK = "__watermark"


class SourceError(Exception):
    """A source the sync cannot use (unreachable, or its schema does not fit the mapping); nothing was written."""


@dataclass
class Batch:
    """Rows pulled from one source table: `line` (1-based position in this pull) and the canonical columns.

    `types`: each column's DuckDB type (VARCHAR but for typed columns); `watermark`: the last
    watermark value in the batch as the source writes it, or None (no watermark).
    """

    table: pa.Table
    types: dict[str, str]
    watermark: str | None


@dataclass
class CheckedTable:
    """A mapping's section that the source can serve, and the personal columns its table holds (never selected).

    `typed`: the canonical columns read from a source column of their own type, with that type in DuckDB.
    """

    mapping: TableMapping
    personal: list[str] = field(default_factory=list)
    typed: dict[str, str] = field(default_factory=dict)


# Canonical type -> the source column types that hold it as they are, with the DuckDB type they arrive as.
# A timestamp with a time zone is not among them: it goes through text, which converts its offset.
_SAME_TYPE = {
    "timestamp": ((sa.DateTime, "TIMESTAMP"),),
    "date": ((sa.Date, "DATE"),),
    "integer": ((sa.Integer, "BIGINT"),),
    "number": ((sa.Integer, "BIGINT"), (sa.Float, "DOUBLE"), (sa.Numeric, "DOUBLE")),
    "bool": ((sa.Boolean, "BOOLEAN"),),
}
_ARROW = {"TIMESTAMP": pa.timestamp("us"), "DATE": pa.date32(), "BIGINT": pa.int64(), "DOUBLE": pa.float64(),
          "BOOLEAN": pa.bool_(), "VARCHAR": pa.string()}


def _typed(table: TableMapping, columns: list[dict]) -> dict[str, str]:
    """Return the canonical columns mapped to a plain source column of their own type, with their DuckDB type."""
    source_types = {c["name"]: c["type"] for c in columns}
    typed = {}
    for name, source in table.columns.items():
        kind = source_types.get(source.column) if source.column is not None else None
        for sql_type, duckdb_type in _SAME_TYPE.get(table.entity.column(name).type, ()):
            if isinstance(kind, sql_type) and not getattr(kind, "timezone", False):
                typed[name] = duckdb_type
                break
    return typed


def _first_line(error: BaseException) -> str:
    return str(getattr(error, "orig", None) or error).strip().splitlines()[0]


def _expr(source: Source) -> sa.ColumnElement:
    return sa.column(source.column) if source.column is not None else sa.literal_column(f"({source.sql})")


def select(table: TableMapping, watermark: str | None, typed: dict[str, str] | None = None) -> tuple[sa.Select, dict[str, str]]:
    """Return the query pulling the table's rows at or after `watermark` (None: every row), ordered by it, and its parameters.

    Every column is cast to text but the `typed` ones. `>=` rather than `>`: rows sharing the
    stored watermark may not all have been written; those that were come again and count as unchanged.
    """
    typed = typed or {}
    columns = [(_expr(source) if name in typed else sa.cast(_expr(source), sa.String)).label(name)
               for name, source in table.columns.items()]
    query = sa.select(*columns).select_from(sa.table(table.table, schema=table.schema))
    params = {}
    if table.watermark is not None:
        mark = _expr(table.watermark)
        query = query.add_columns(sa.cast(mark, sa.String).label(WATERMARK)).order_by(mark)
        if watermark is not None:
            # Untyped, so the source reads the text as the watermark's own type (a time zone offset included).
            query = query.where(mark >= sa.bindparam("watermark", type_=NullType()))
            params["watermark"] = watermark
    return query, params


def _batch(table: pa.Table, names: list[str], first_line: int, types: dict[str, str] | None = None) -> Batch:
    """Return the Batch of an Arrow table holding `names` (text, but the `types` given) and perhaps the watermark column."""
    lines = pa.array(range(first_line, first_line + table.num_rows), pa.int64())
    watermark = None
    if WATERMARK in table.column_names:
        marks = table[WATERMARK].drop_null()
        watermark = marks[-1].as_py() if len(marks) else None
    types = types or {}
    return Batch(pa.table({"line": lines, **{n: table[n] for n in names}}),
                 {n: types.get(n, "VARCHAR") for n in names}, watermark)


def _read_ahead(batches: Iterator[Batch], cancel: Callable[[], None] | None = None) -> Iterator[Batch]:
    """Yield the batches of `batches`, reading each next one in a thread while the caller handles the last.

    The source's work and the caller's writes then overlap; at most three batches are held (one
    being read, one waiting, one being written). An error while reading is raised in the caller.
    A caller that stops early (a sync publishing its part) closes the generator: `cancel` then stops the
    source's query, which would otherwise send the rest of the table first.
    """
    ready: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()
    done = object()

    def put(item) -> None:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def read() -> None:
        try:
            for batch in batches:
                put(batch)
                if stop.is_set():
                    return
            put(done)
        except BaseException as e:  # noqa: BLE001 - handed to the caller, which raises it
            put(e)
        finally:
            batches.close()

    reader = threading.Thread(target=read, name="source-reader", daemon=True)
    reader.start()
    try:
        while (item := ready.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        if cancel is not None and reader.is_alive():
            cancel()
        reader.join()


def _read_csv(data: bytes, columns: list[str], names: list[str], types: dict[str, str], line: int) -> Batch:
    options = (pa_csv.ReadOptions(column_names=columns),
               pa_csv.ParseOptions(newlines_in_values=True),
               # COPY writes null unquoted and an empty text as "": only the first is null. Booleans are t and f.
               pa_csv.ConvertOptions(column_types={c: _ARROW[types.get(c, "VARCHAR")] for c in columns},
                                     strings_can_be_null=True, quoted_strings_can_be_null=False,
                                     true_values=["t"], false_values=["f"]))
    return _batch(pa_csv.read_csv(io.BytesIO(data), *options), names, line, types)


def _csv_batch(data: bytes, columns: list[str], names: list[str], typed: dict[str, str], line: int) -> Batch:
    """Return the Batch of COPY's CSV rows: typed columns parsed by Arrow, the rest as text.

    A value Arrow cannot parse as its column's type (PostgreSQL's `infinity`) makes the whole
    batch come as text instead, so the row is rejected like a file's, with its value.
    """
    try:
        return _read_csv(data, columns, names, typed, line)
    except pa.ArrowInvalid:
        return _read_csv(data, columns, names, {}, line)


class Database:
    """A source database at a SQLAlchemy URL. `fast`: read PostgreSQL through COPY (False: the generic cursor)."""

    def __init__(self, url: str, fast: bool = True):
        try:
            self.url = credentials.with_password(sa.engine.make_url(url))
            self.engine = sa.create_engine(self.url)
        except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError, OSError) as e:
            raise SourceError(credentials.mask(f"cannot use source URL {url!r}: {_first_line(e)} "
                                               "(for PostgreSQL: postgresql+psycopg://user@host:port/database)")) from None
        # Shown and recorded (load_runs.source) without any secret; the sync state is keyed without credentials.
        self.label = credentials.mask(self.url.render_as_string(hide_password=True))
        self.key = credentials.state_key(self.url)
        # Before the key left the credentials out, the sync state was kept under the URL without its password.
        self.former_key = self.url.render_as_string(hide_password=True)
        self.copy = fast and self.engine.dialect.name == "postgresql" and self.engine.dialect.driver == "psycopg"

    def check(self, mapping: Mapping) -> list[CheckedTable]:
        """Return the mapping's sections the source can serve; raise SourceError naming every missing table or column.

        Reads only the source's schema and runs each query for zero rows, so an SQL expression that
        the source cannot evaluate is found too. A missing optional table is left out.
        """
        try:
            inspector = sa.inspect(self.engine)
            checked, problems = [], []
            for table in mapping.tables:
                where = f"{mapping.path.name} [{table.entity.name}]"
                if not inspector.has_table(table.table, schema=table.schema):
                    if not table.optional:
                        problems.append(f"{where}: the source has no table {table.table}")
                    continue
                present = [c["name"] for c in inspector.get_columns(table.table, schema=table.schema)]
                missing = [f"{column} ({entry})" for column, entry in table.named_columns.items() if column not in present]
                if missing:
                    problems.append(f"{where}: table {table.table} has no column {', '.join(missing)}; "
                                    f"its columns: {', '.join(present)}")
                    continue
                columns = inspector.get_columns(table.table, schema=table.schema)
                checked.append(CheckedTable(table, [c for c in present if is_personal(c)], _typed(table, columns)))
            if problems:
                raise SourceError("\n".join(problems))
            with self.engine.connect() as con:
                for item in checked:
                    query, params = select(item.mapping, None)
                    try:
                        con.execute(query.limit(0), params).fetchall()
                    except sa.exc.DBAPIError as e:
                        con.rollback()
                        problems.append(f"{mapping.path.name} [{item.mapping.entity.name}]: the source cannot run its "
                                        f"query: {_first_line(e)}")
        except sa.exc.OperationalError as e:
            raise SourceError(credentials.mask(f"cannot connect to {self.label}: {_first_line(e)}")) from None
        if problems:
            raise SourceError("\n".join(problems))
        return checked

    @contextmanager
    def snapshot(self) -> Iterator[Reader]:
        """Yield a Reader over one consistent view of the source: one connection, one read transaction.

        Events pulled after their dossiers then never name a dossier that arrived in between.
        """
        try:
            con = self.engine.connect()
        except sa.exc.OperationalError as e:
            raise SourceError(credentials.mask(f"cannot connect to {self.label}: {_first_line(e)}")) from None
        try:
            if self.engine.dialect.name == "postgresql":
                con = con.execution_options(isolation_level="REPEATABLE READ")
            yield Reader(self, con)
        except BaseException:
            con.invalidate()
            raise
        finally:
            con.close()


class Reader:
    """Pulls mapped rows through one open source connection (see Database.snapshot)."""

    def __init__(self, database: Database, con: sa.Connection):
        self.database, self.con = database, con

    def count(self, table: TableMapping, watermark: str | None) -> int:
        """Return the number of rows a pull from `watermark` yields."""
        query, params = select(table, watermark)
        return self.con.execute(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()), params).scalar()

    def batches(self, table: CheckedTable, watermark: str | None, size: int) -> Iterator[Batch]:
        """Yield the rows at or after `watermark`, in watermark order, `size` rows a batch.

        The next batch is read while the caller writes the last one.
        """
        names = list(table.mapping.columns)
        if self.database.copy:
            query, params = select(table.mapping, watermark, table.typed)
            driver = self.con.connection.driver_connection
            return _read_ahead(self._copy_batches(query, params, names, table.typed, size),
                               getattr(driver, "cancel_safe", driver.cancel))
        query, params = select(table.mapping, watermark)
        return _read_ahead(self._cursor_batches(query, params, names, size))

    def _copy_batches(self, query: sa.Select, params: dict, names: list[str], typed: dict[str, str],
                      size: int) -> Iterator[Batch]:
        """Yield batches read with COPY ... TO STDOUT: the server sends one CSV row per message, read as it comes."""
        sql = str(query.compile(dialect=self.database.engine.dialect))
        columns = [c.name for c in query.selected_columns]
        driver = self.con.connection.driver_connection
        with driver.cursor() as cursor, cursor.copy(f"copy ({sql}) to stdout (format csv)", params) as copy:
            buffer, n, line = io.BytesIO(), 0, 1
            for row in copy:
                buffer.write(row)
                n += 1
                if n == size:
                    yield _csv_batch(buffer.getvalue(), columns, names, typed, line)
                    line += n
                    buffer, n = io.BytesIO(), 0
            if n:
                yield _csv_batch(buffer.getvalue(), columns, names, typed, line)

    def _cursor_batches(self, query: sa.Select, params: dict, names: list[str], size: int) -> Iterator[Batch]:
        """Yield batches fetched through a server-side cursor, `size` rows at a time."""
        result = self.con.execution_options(stream_results=True, yield_per=size).execute(query, params)
        columns = list(result.keys())
        line = 1
        for rows in result.partitions():
            values = list(zip(*rows))
            table = pa.table({c: pa.array(v, pa.string()) for c, v in zip(columns, values)})
            yield _batch(table, names, line)
            line += len(rows)
