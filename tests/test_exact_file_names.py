"""File names are read exactly, never as DuckDB glob patterns, and printed as they are named."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb

from conftest import ROOT


def _units(path: Path, code: str, name: str) -> Path:
    path.write_text(json.dumps({"unit_code": code, "name": name, "kind": "department", "parent_code": "74"},
                               ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _load(db_path: Path, *paths: Path) -> subprocess.CompletedProcess:
    # run in the files' folder, so that the summary shows their bare names (unfolded)
    return subprocess.run([sys.executable, "-m", "etl", "load", "--db", str(db_path), *(p.name for p in paths)],
                          cwd=paths[0].parent, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
                          text=True, timeout=300)


def test_a_file_whose_name_is_a_glob_pattern_loads_its_own_rows(db_path, tmp_path):
    # As a pattern, units_[ab].jsonl names units_a.jsonl; read as a pattern it loaded that file's rows under its own
    # SHA-256, and its own rows were skipped for ever after.
    a = _units(tmp_path / "units_a.jsonl", "74-SA", "Sở A")
    pattern = _units(tmp_path / "units_[ab].jsonl", "74-SAB", "Sở trong tệp [ab]")
    star = _units(tmp_path / "units_*.jsonl", "74-SSTAR", "Sở trong tệp sao")
    result = _load(db_path, a, pattern, star)
    assert result.returncode == 0, result.stderr
    with duckdb.connect(str(db_path), read_only=True) as con:
        names = dict(con.execute("select unit_code, name from units where unit_code like '74-S%'").fetchall())
        counts = con.execute("select path, n_read, n_loaded from load_files order by path").fetchall()
    # each file read once, its one row loaded (as patterns: [ab] read units_a.jsonl again, * read all three)
    assert [(Path(p).name, r, n) for p, r, n in counts] == [
        ("units_*.jsonl", 1, 1), ("units_[ab].jsonl", 1, 1), ("units_a.jsonl", 1, 1)]
    assert names == {"74-SA": "Sở A", "74-SAB": "Sở trong tệp [ab]", "74-SSTAR": "Sở trong tệp sao"}
    # the summary names the files as they are named (rich would read [ab] as markup and drop it)
    assert "units_[ab].jsonl" in result.stdout
    assert "units_*.jsonl" in result.stdout
