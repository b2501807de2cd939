"""A PostgreSQL server for the sync tests: $KPI766_TEST_PG when set, else one started by .ci/start-postgres.

`postgres_server` (session) yields the server's SQLAlchemy URL; `source_url` (per test) a new
empty database on it. Without PostgreSQL binaries the tests that need it are skipped, saying so.
"""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
START = ROOT / ".ci" / "start-postgres"
# The national portal's two tables, as a province's PostgreSQL would hold them (etl/mappings/portal.toml reads them),
# with the indexes on the column a sync's watermark reads.
PORTAL_TABLES = """
create table "HoSo" (
    "MaHoSo" text primary key, "MaTTHC" text, "MaDonVi" text, "HoTenNguoiNop" text, "SoCCCD" text,
    "NgayNopHoSo" timestamp, "NgayTiepNhan" timestamp, "NgayHenTra" timestamp, "NgayKetThucXuLy" timestamp,
    "NgayTraKetQua" timestamp, "KenhThucHien" smallint, "TrangThaiHoSo" smallint, "DuocThanhToanTrucTuyen" smallint,
    "TongPhiLePhi" numeric(14, 2), "HoSoCoThanhPhanSoHoa" smallint, "CoKetQuaDienTu" smallint,
    "NgayCapNhat" timestamp not null);
create index on "HoSo" ("NgayCapNhat");
create table "QuaTrinhXuLy" (
    "MaHoSo" text, "ThuTu" integer, "MaThaoTac" smallint, "ThoiDiemXuLy" timestamp, "MaDonViXuLy" text,
    "NguoiXuLy" text, "NgayCapNhat" timestamp not null, primary key ("MaHoSo", "ThuTu"));
create index on "QuaTrinhXuLy" ("NgayCapNhat");
"""


def libpq(url: str) -> str:
    """Return the libpq connection string of a SQLAlchemy URL."""
    return sa.engine.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _stop(directory: Path) -> None:
    pg_ctl = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))[-1]
    command = [pg_ctl, "-D", str(directory / "data"), "stop", "-m", "immediate"]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, capture_output=True, check=False)


@pytest.fixture(scope="session")
def postgres_server():
    """Yield the SQLAlchemy URL of a running PostgreSQL server whose databases the tests may create."""
    if os.environ.get("KPI766_TEST_PG"):
        yield os.environ["KPI766_TEST_PG"]
        return
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        pytest.skip("PostgreSQL is absent: set KPI766_TEST_PG to a server's URL, or install PostgreSQL "
                    "(/usr/lib/postgresql/*/bin) so that .ci/start-postgres can start one")
    # Not under pytest's own temporary folder: that one is private to us, and the server runs as postgres.
    directory = Path(tempfile.mkdtemp(prefix="kpi766-pg."))
    started = subprocess.run([str(START), str(directory)], capture_output=True, text=True, timeout=120)
    if started.returncode != 0:
        pytest.fail(f".ci/start-postgres failed: {started.stderr}")
    try:
        yield started.stdout.strip()
    finally:
        _stop(directory)
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def source_url(postgres_server):
    """Yield the URL of a new empty database on the server, dropped after the test."""
    name = f"kpi766_source_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(libpq(postgres_server), autocommit=True) as admin:
        admin.execute(f'create database "{name}"')
    url = sa.engine.make_url(postgres_server).set(database=name).render_as_string(hide_password=False)
    yield url
    with psycopg.connect(libpq(postgres_server), autocommit=True) as admin:
        admin.execute(f'drop database if exists "{name}" with (force)')


def execute(url: str, sql: str, params=None) -> None:
    """Run `sql` (one or more statements) on the database at `url`, committed."""
    with psycopg.connect(libpq(url), autocommit=True) as con:
        con.execute(sql, params)
