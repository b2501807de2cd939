"""`python -m etl COMMAND`: the ETL command line. Each command is a module with `add_arguments` and `run`."""
from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS = {
    "demo": ("etl.demo", "build a realistic demo database"),
    "load": ("etl.load", "load input files or folders"),
    "sync": ("etl.sync", "pull the changed rows from a source database, once or at an interval"),
    "export": ("etl.export", "write the model tables as a Parquet lake partitioned by province and month"),
    "import-scores": ("etl.import_scores", "bring scores computed on Spark into the database"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    modules = {}
    for name, (module_name, help_text) in COMMANDS.items():
        module = modules[name] = importlib.import_module(module_name)
        command = sub.add_parser(name, help=help_text, description=module.__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
        command.add_argument("--db", help="database file (default: $KPI766_DB or data/kpi766.duckdb)")
        module.add_arguments(command)
    args = parser.parse_args(argv)
    return modules[args.command].run(args) or 0


if __name__ == "__main__":
    sys.exit(main())
