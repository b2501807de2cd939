"""etl/parse.py: each expression evaluated in DuckDB on hand-written cells."""
from __future__ import annotations

from datetime import date, datetime

import pytest

import db
from etl import parse
from model.entities import DOSSIERS, PROCEDURES


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    """Return one connection for the module: these tests only evaluate expressions, in the project's time zone."""
    connection = db.connect(tmp_path_factory.mktemp("parse") / "parse.duckdb")
    yield connection
    connection.close()


def value(con, expr: str, cell):
    """Return `expr` evaluated on one cell bound as text column `c`."""
    return con.execute(f"select {expr} from (select ?::varchar as c)", [cell]).fetchone()[0]


@pytest.mark.parametrize("cell, expected", [
    ("2024-03-05", datetime(2024, 3, 5)),
    ("2024-03-05T08:15", datetime(2024, 3, 5, 8, 15)),
    ("2024-03-05 08:15:30", datetime(2024, 3, 5, 8, 15, 30)),
    ("2024-03-05 08:15:30.25", datetime(2024, 3, 5, 8, 15, 30, 250000)),
    ("2024-03-05T01:15:00Z", datetime(2024, 3, 5, 8, 15)),
    ("2024-03-05T08:15:00+07:00", datetime(2024, 3, 5, 8, 15)),
    ("2024-03-05T10:15:00+09:00", datetime(2024, 3, 5, 8, 15)),
    ("05/03/2024", datetime(2024, 3, 5)),
    ("5/3/2024", datetime(2024, 3, 5)),
    ("05/03/2024 08:15", datetime(2024, 3, 5, 8, 15)),
    ("05/03/2024 08:15:30", datetime(2024, 3, 5, 8, 15, 30)),
    (" 2024-03-05 ", datetime(2024, 3, 5)),
    ("", None),
    ("   ", None),
    ("31/02/2024", None),
    ("2024-13-01", None),
    ("hôm qua", None),
])
def test_timestamps(con, cell, expected):
    assert value(con, parse.timestamp_expr("c"), cell) == expected


@pytest.mark.parametrize("cell, expected", [
    ("2024-03-05", date(2024, 3, 5)),
    ("05/03/2024", date(2024, 3, 5)),
    ("5/3/2024", date(2024, 3, 5)),
    ("2024-03-05 00:00:00", date(2024, 3, 5)),
    ("2024-03-05 08:00", None),
    ("", None),
])
def test_dates(con, cell, expected):
    assert value(con, parse.date_expr("c"), cell) == expected


@pytest.mark.parametrize("cell, expected", [
    ("true", True), ("TRUE", True), ("1", True), ("yes", True), ("Y", True), ("có", True), ("Có", True),
    ("CÓ", True), ("co", True), ("x", True), ("X", True), (" có ", True),
    ("co\u0301", True),  # decomposed (NFD) có, as some Windows exports write it
    ("false", False), ("0", False), ("no", False), ("n", False), ("không", False), ("Không", False),
    ("khong", False),
    ("", None), ("  ", None), ("2", None), ("đúng", None),
])
def test_booleans(con, cell, expected):
    assert value(con, parse.bool_expr("c"), cell) == expected


@pytest.mark.parametrize("cell, expected", [
    ("1234.5", 1234.5), ("1234", 1234.0), ("-3", -3.0), ("0", 0.0),
    ("1.234,5", 1234.5), ("50.000", 50000.0), ("12.345.678", 12345678.0), ("1.234.000", 1234000.0),
    ("1234,5", 1234.5), (" 75000 ", 75000.0),
    ("", None), ("abc", None), ("1,234.5", None), ("12.34.5", None),
])
def test_numbers(con, cell, expected):
    assert value(con, parse.number_expr("c"), cell) == expected


@pytest.mark.parametrize("cell, expected", [("12", 12), ("1.000", 1000), ("12,0", 12), ("12.5", None), ("", None)])
def test_integers(con, cell, expected):
    assert value(con, parse.integer_expr("c"), cell) == expected


@pytest.mark.parametrize("cell, expected", [
    ("online", "online"), ("ONLINE", "online"), (" Trực tuyến ", "online"), ("trực tiếp", "direct"),
    ("Bưu chính", "postal"), ("2", "online"), ("fax", None), ("", None),
])
def test_enum(con, cell, expected):
    assert value(con, parse.enum_expr("c", DOSSIERS.column("channel")), cell) == expected


def test_enum_reason_names_the_value_and_the_allowed_ones(con):
    reason = value(con, parse.failure_reason(DOSSIERS.column("channel"), "c"), "fax")
    assert reason == "unknown value 'fax' for channel (expected direct, online, postal)"


@pytest.mark.parametrize("cell, expected", [
    ("commune", ["commune"]), ("district;commune", ["district", "commune"]),
    ("Tỉnh, huyện | xã", ["province", "district", "commune"]), ("province,,", ["province"]),
    ("province,mars", None), ("", None),
])
def test_enum_list(con, cell, expected):
    assert value(con, parse.enum_list_expr("c", PROCEDURES.column("levels")), cell) == expected


def test_enum_list_reason_names_the_unknown_items(con):
    reason = value(con, parse.failure_reason(PROCEDURES.column("levels"), "c"), "province; mars|venus")
    assert reason == "unknown value 'mars, venus' for levels (expected province, district, commune)"


def test_typed_columns_pass_through_without_text(con):
    column = DOSSIERS.column("received_at")
    assert parse.parse_expr(column, "c", "TIMESTAMP") == "c::timestamp"
    assert parse.parse_expr(DOSSIERS.column("paid_online"), "c", "BOOLEAN") == "c::boolean"
    assert parse.parse_expr(DOSSIERS.column("fee_total"), "c", "BIGINT") == "c::double"
