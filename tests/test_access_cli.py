"""Accounts from the command line (`python -m access`), and the demo's accounts that `make run` creates."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from access import store
from conftest import ROOT


def run(db_path, *args, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "KPI766_DB": str(db_path)}
    return subprocess.run([sys.executable, "-m", "access", *args], cwd=ROOT, env=env, input=stdin, text=True,
                          capture_output=True)


def test_add_list_disable_and_change_a_password(db_path):
    added = run(db_path, "user", "add", "lan", "--role", "officer", "--unit", "25747", "--password-stdin",
                stdin="mat-khau-1\n")
    assert added.returncode == 0, added.stderr
    assert "officer of 25747 (Phường Thủ Dầu Một)" in added.stdout
    assert store.verify("lan", "mat-khau-1").unit_code == "25747"
    assert run(db_path, "user", "add", "admin", "--role", "admin", "--password-stdin",
               stdin="mat-khau-2\n").returncode == 0
    listed = run(db_path, "user", "list").stdout.splitlines()
    assert listed[1].split() == ["admin", "admin", "*", "active"]
    assert listed[2].split() == ["lan", "officer", "25747", "active"]
    session = store.open_session("lan")
    assert run(db_path, "user", "password", "lan", "--password-stdin", stdin="mat-khau-3\n").returncode == 0
    assert store.session_user("lan", session) is None
    assert store.verify("lan", "mat-khau-1") is None and store.verify("lan", "mat-khau-3") is not None
    assert run(db_path, "user", "disable", "lan").returncode == 0
    assert store.verify("lan", "mat-khau-3") is None
    assert run(db_path, "user", "list").stdout.splitlines()[2].split() == ["lan", "officer", "25747", "disabled"]


@pytest.mark.parametrize("args, message", [
    (("--role", "officer"), "a officer answers for a unit"),
    (("--role", "officer", "--unit", "718"), "'718' is not a unit of today's tree"),
    (("--role", "admin", "--unit", "79"), "an admin sees every unit"),
])
def test_bad_accounts_are_refused_with_a_clear_error(db_path, args, message):
    refused = run(db_path, "user", "add", "x", *args, "--password-stdin", stdin="mat-khau-1\n")
    assert refused.returncode == 2 and message in refused.stderr
    assert store.users() == []


def test_a_short_password_and_a_second_account_of_the_same_name_are_refused(db_path):
    assert "at least 8 characters" in run(db_path, "user", "add", "x", "--role", "leader", "--unit", "79",
                                           "--password-stdin", stdin="short\n").stderr
    run(db_path, "user", "add", "x", "--role", "leader", "--unit", "79", "--password-stdin", stdin="mat-khau-1\n")
    assert "exists already" in run(db_path, "user", "add", "x", "--role", "leader", "--unit", "79",
                                   "--password-stdin", stdin="mat-khau-1\n").stderr


def test_the_demo_accounts_one_per_role_owner_only_and_made_once(db_path):
    made = run(db_path, "demo-accounts")
    assert made.returncode == 0, made.stderr
    written = db_path.parent / "demo-accounts.txt"
    assert written.stat().st_mode & 0o777 == 0o600
    rows = [line.split("\t") for line in written.read_text().splitlines() if not line.startswith("#")]
    assert [r[:3] for r in rows] == [["demo-lanh-dao", "leader", "79"], ["demo-can-bo", "officer", "25747"],
                                     ["demo-phan-tich", "analyst", "79"], ["demo-quan-tri", "admin", "*"]]
    for name, _, _, password in rows:
        assert password in made.stdout and store.verify(name, password) is not None
    before = written.read_text()
    again = run(db_path, "demo-accounts")
    assert "accounts exist already" in again.stdout and rows[0][3] not in again.stdout
    assert written.read_text() == before
