"""Accounts from the command line.

    python -m access user add NAME --role ROLE [--unit CODE] [--email ADDRESS] [--password-stdin]
    python -m access user list
    python -m access user disable NAME
    python -m access user password NAME [--password-stdin]
    python -m access demo-accounts     (what `make run` calls after building the demo)

A password comes from a prompt (typed twice), or from the first line of standard input with --password-stdin.
A unit is a unit of today's tree in the database (`--db`, default $KPI766_DB).
"""
from __future__ import annotations

import argparse
import getpass
import os
import secrets
import sys
from pathlib import Path

import db
import settings

from . import store
from .scope import ROLES


def check_unit(unit_code: str) -> str:
    """Return the name of `unit_code` in today's tree of the database; raise ValueError when it is not there."""
    con = db.connect(settings.get("db"), read_only=True)
    try:
        found = con.execute("select name from unit_tree where unit_code = ? and valid_to is null",
                            [unit_code]).fetchone()
    finally:
        con.close()
    if found is None:
        raise ValueError(f"{unit_code!r} is not a unit of today's tree (from 1 July 2025) in {settings.get('db')}")
    return found[0]


# One account per role for the demo: name, role, unit (Hồ Chí Minh City, and the new Phường Thủ Dầu Một in it).
DEMO_ACCOUNTS = (("demo-lanh-dao", "leader", "79"), ("demo-can-bo", "officer", "25747"),
                 ("demo-phan-tich", "analyst", "79"), ("demo-quan-tri", "admin", None))


def demo_file() -> Path:
    """Return the file the demo's accounts are written to: data/demo-accounts.txt beside the database."""
    return Path(settings.get("db")).parent / "demo-accounts.txt"


def demo_accounts() -> str:
    """Create one account per role with a random password when the store has no account yet, write them to
    `demo_file()` (owner-only) and return what to print; else say where they are."""
    target = demo_file()
    if store.users():
        return (f"accounts exist already (python -m access user list); the demo's are in {target}"
                if target.exists() else "accounts exist already (python -m access user list)")
    lines = ["# Demo accounts, created with the demo database. Keep this file to yourself.",
             "# name\trole\tunit\tpassword"]
    for name, role, unit in DEMO_ACCOUNTS:
        if unit:
            check_unit(unit)
        password = secrets.token_urlsafe(12)
        store.add_user(name, role, unit, password)
        lines.append(f"{name}\t{role}\t{unit or '*'}\t{password}")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    target.chmod(0o600)
    return "\n".join([f"Demo accounts (also in {target}, readable by you only):", *lines[2:],
                      "Sign in at /dang-nhap."])


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Mật khẩu / Password: ")
    if getpass.getpass("Nhập lại / Again: ") != first:
        raise ValueError("the two passwords differ")
    return first


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m access", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="database file (default: $KPI766_DB or data/kpi766.duckdb)")
    commands = parser.add_subparsers(dest="what", required=True)
    commands.add_parser("demo-accounts", help="one account per role for the demo, when there is none yet")
    user = commands.add_parser("user", help="accounts").add_subparsers(dest="action", required=True)
    add = user.add_parser("add", help="create an account")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--unit", help="unit code of today's tree (every role but admin)")
    add.add_argument("--email")
    add.add_argument("--password-stdin", action="store_true")
    user.add_parser("list", help="list the accounts")
    user.add_parser("disable", help="disable an account and end its sessions").add_argument("name")
    change = user.add_parser("password", help="set an account's password and end its sessions")
    change.add_argument("name")
    change.add_argument("--password-stdin", action="store_true")
    args = parser.parse_args(argv)
    if args.db:
        os.environ["KPI766_DB"] = args.db
    try:
        if args.what == "demo-accounts":
            print(demo_accounts())
        elif args.action == "add":
            store.check_account(args.role, args.unit)
            unit_name = check_unit(args.unit) if args.unit else "cả nước / whole country"
            created = store.add_user(args.name, args.role, args.unit, _password(args.password_stdin), args.email)
            print(f"added {created.name}: {created.role} of {args.unit or '*'} ({unit_name})")
        elif args.action == "list":
            print(f"{'name':<20} {'role':<8} {'unit':<10} {'state':<9} e-mail")
            for u in store.users():
                print(f"{u.name:<20} {u.role:<8} {u.unit_code or '*':<10} "
                      f"{'disabled' if u.disabled else 'active':<9} {u.email or ''}")
        elif args.action == "disable":
            store.disable(args.name)
            print(f"disabled {args.name}; its sessions are ended")
        elif args.action == "password":
            if store.get_user(args.name) is None:
                raise ValueError(f"no account named {args.name!r}")
            store.set_password(args.name, _password(args.password_stdin))
            print(f"password of {args.name} changed; its sessions are ended")
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
