"""The database file's surroundings: a symlinked path is resolved, not replaced; a command run as root leaves the lock
and the database usable by the service user; personal data is recognised by more of its names and inside mapping
expressions."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import db
from etl import mappings
from etl.mappings import MappingError
from etl.sources.files import is_personal

from conftest import ROOT

SERVICE_UID = 65534  # nobody


def test_a_database_path_through_a_symlink_keeps_the_link_and_changes_the_file(db_path, tmp_path):
    link = tmp_path / "current.duckdb"
    link.symlink_to(db_path)
    with db.writing(link) as con:
        con.execute("delete from units where kind = 'district'")
    assert link.is_symlink() and link.resolve() == db_path.resolve()
    with db.writing(link) as con:
        assert con.execute("select count(*) from units where kind = 'district'").fetchone()[0] == 0


@pytest.fixture
def service_folder():
    """Return a folder of the service user that it can reach (pytest's own temporary folders are root's only)."""
    folder = Path(tempfile.mkdtemp(prefix="kpi766-srv-"))
    folder.chmod(0o755)
    shutil.chown(folder, SERVICE_UID, SERVICE_UID)
    yield folder
    shutil.rmtree(folder)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run a command as another user")
def test_after_a_load_run_as_root_the_service_user_owns_the_database_and_can_take_the_lock(service_folder):
    folder = service_folder
    path = folder / "kpi766.duckdb"
    db.connect(path).close()
    shutil.chown(path, SERVICE_UID, SERVICE_UID)
    with db.writing(path) as con:  # as root
        con.execute("delete from units where kind = 'district'")
    assert (path.stat().st_uid, db.lock_path(path).stat().st_uid) == (SERVICE_UID, SERVICE_UID)
    # The service user takes the writers' lock as the next command would.
    script = (f"import os, sys; sys.path.insert(0, {str(ROOT)!r}); import db, pathlib; "
              f"os.setgid({SERVICE_UID}); os.setuid({SERVICE_UID}); "
              f"cm = db._writer_lock(pathlib.Path({str(path)!r})); cm.__enter__(); cm.__exit__(None, None, None); "
              "print('locked')")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "locked", result.stderr


@pytest.mark.parametrize("header", ["SDT", "SĐT", "Họ và tên", "TenNguoiNop", "HoTenNguoiNop", "SoDienThoai",
                                    "sdt_lien_he", "DiaChiThuongTru"])
def test_personal_columns_are_recognised_by_more_of_their_names(header):
    assert is_personal(header)


@pytest.mark.parametrize("header", ["TenTTHC", "MaDonVi", "NgayNopHoSo", "TrangThaiHoSo", "ThoiDiemXuLy",
                                    "SoLuotKhongThich", "dossier_code", "received_at"])
def test_the_portal_columns_are_not_personal(header):
    assert not is_personal(header)


def test_a_mapping_expression_reading_personal_data_is_refused(tmp_path):
    text = mappings.DEFAULT.read_text(encoding="utf-8").replace(
        'fee_total = "TongPhiLePhi"', """fee_total = { sql = 'length(upper("HoTenNguoiNop")) + 0 * "TongPhiLePhi"' }""")
    path = tmp_path / "personal.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MappingError, match="HoTenNguoiNop"):
        mappings.read(path)
    mappings.read(mappings.DEFAULT)  # the shipped mapping reads no personal data
