"""The morning digest: each unit's to-do list and month-end forecast, written as HTML or CSV files and, with a
mail server set, e-mailed to the unit's addresses.

    python -m indicators digest [--unit CODE] [--format html|csv] [--out DIR] [--within N] [--lang vi|en]
                                [--recipients FILE]

Which units: `--unit`, else those of the recipients file, else every province scored in the last month. The
recipients file (setting `digest_recipients`, or `--recipients`) maps a unit to its addresses, as TOML

    [units]
    "79" = ["vanphong@example.gov.vn", "tthc@example.gov.vn"]
    "25747" = "ubnd@example.gov.vn"

or as CSV with the header `unit_code,email`, one address a row. With `smtp_host` set the digest of each unit of
the file is sent to its addresses (`smtp_port`, `smtp_user`, `smtp_password`, `smtp_starttls`, `smtp_sender`).
"""
from __future__ import annotations

import argparse
import csv
import html
import os
import smtplib
import sys
import tomllib
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pandas as pd

import settings
from access.scope import Scope
from dashboard import exports, i18n, theme
from dashboard.components import forecast as forecast_parts
from dashboard.components import todo as parts
from dashboard.components.grid import Column
from dashboard.queries import forecast as forecasts
from dashboard.queries import todo as queries

FORMATS = ("html", "csv")
FORECAST_COLUMNS = [Column("case_name", ("Trường hợp", "Case")), Column("total", "total", "score"),
                    Column("band_name", "band")]
STYLE = """body{font-family:'DejaVu Sans',Arial,sans-serif;color:#1f2937;margin:1.5rem}
h1{font-size:1.4rem;margin:0}h2{font-size:1.1rem;margin:1.4rem 0 .4rem}.muted{color:#6b7280}
table{border-collapse:collapse;font-size:.85rem}th,td{border:1px solid #e5e7eb;padding:.3rem .5rem;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}.cards{display:flex;gap:1rem;flex-wrap:wrap}
.card{border:1px solid #e5e7eb;border-radius:6px;padding:.5rem .8rem}.card b{display:block;font-size:1.3rem}"""


@dataclass(frozen=True)
class Digest:
    """One unit's digest: its to-do list and the files it was written to."""

    listed: queries.TodoList
    files: list[Path]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--unit", help="only this unit (default: the units of the recipients file, else every province)")
    parser.add_argument("--format", choices=FORMATS, default="html", help="html (one page per unit) or csv (a file "
                                                                          "per table and unit)")
    parser.add_argument("--out", default="digest", help="folder the files are written to (default ./digest)")
    parser.add_argument("--within", type=int, default=queries.DEFAULT_WITHIN,
                        help=f"items due within this many working days (default {queries.DEFAULT_WITHIN})")
    parser.add_argument("--lang", choices=i18n.LANGS, default="vi", help="language of the digest (default vi)")
    parser.add_argument("--recipients", help="file mapping units to addresses (default: setting digest_recipients)")
    parser.add_argument("--db", help="database file (default: $KPI766_DB or data/kpi766.duckdb)")


def read_recipients(path: str | Path) -> dict[str, list[str]]:
    """Return the unit → addresses mapping of a TOML or CSV file; a malformed file or address is refused, naming
    the file and the entry."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"recipients file {path} does not exist")
    mapping: dict[str, list[str]] = {}
    if path.suffix.lower() == ".toml":
        try:
            units = tomllib.loads(path.read_text(encoding="utf-8")).get("units")
        except tomllib.TOMLDecodeError as error:
            raise ValueError(f"{path}: not valid TOML: {error}") from None
        if not isinstance(units, dict):
            raise ValueError(f"{path}: needs a [units] table mapping each unit code to its addresses")
        for code, addresses in units.items():
            listed = [addresses] if isinstance(addresses, str) else addresses
            if not isinstance(listed, list) or not all(isinstance(a, str) for a in listed):
                raise ValueError(f"{path}: unit {code}: give an address or a list of addresses")
            mapping[str(code)] = listed
    elif path.suffix.lower() == ".csv":
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            if not reader.fieldnames or not {"unit_code", "email"} <= set(reader.fieldnames):
                raise ValueError(f"{path}: needs the header unit_code,email")
            for line, row in enumerate(reader, start=2):
                if not row["unit_code"] or not row["email"]:
                    raise ValueError(f"{path}, line {line}: unit_code and email are both needed")
                mapping.setdefault(row["unit_code"].strip(), []).append(row["email"].strip())
    else:
        raise ValueError(f"{path}: a recipients file is .toml or .csv")
    for code, addresses in mapping.items():
        for address in addresses:
            if address.count("@") != 1 or any(c.isspace() for c in address) or address.startswith("@") \
                    or address.endswith("@"):
                raise ValueError(f"{path}: unit {code}: {address!r} is not an e-mail address")
    return mapping


def _cell(value, column: Column, language: str) -> tuple[str, bool]:
    """Return a value as the page shows it, and whether it is a number (right-aligned)."""
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return "–", column.kind in ("count", "score")
    if column.kind == "moment":
        return i18n.moment(pd.Timestamp(value)), False
    if column.kind == "date":
        return i18n.day(pd.Timestamp(value)), False
    if column.kind in ("count", "score"):
        return i18n.number(float(value), 0 if column.kind == "count" else 2, language), True
    return str(value), False


def _table(frame: pd.DataFrame, columns: list[Column], language: str) -> str:
    if frame.empty:
        return f"<p class='muted'>{html.escape(i18n.t('no_data', language))}</p>"
    head = "".join(f"<th>{html.escape(c.title(language))}</th>" for c in columns)
    rows = []
    for record in frame.to_dict("records"):
        cells = []
        for column in columns:
            text, numeric = _cell(record.get(column.field), column, language)
            cells.append(f"<td{' class=n' if numeric else ''}>{html.escape(text)}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def forecast_of(listed: queries.TodoList) -> forecasts.Forecast | None:
    """Return the month-end forecast of the list's unit and month (None when the month is over at as_of)."""
    return forecasts.forecast(listed.unit_code, listed.period, listed.as_of)


def forecast_rows(made: forecasts.Forecast | None, language: str) -> pd.DataFrame:
    """Return the forecast's cases as rows: the case named in `language`, the total rounded, the band's name."""
    if made is None:
        return pd.DataFrame(columns=[c.field for c in FORECAST_COLUMNS])
    bands = {b.key: (b.name_vi, b.name_en) for b in theme.bands()}
    cases = made.cases
    return pd.DataFrame({"case_name": [forecast_parts.label(c, language) for c in cases["case"]],
                         "total": cases["total"].astype(float).round(2),
                         "band_name": [i18n.pick(*bands[b], language) if b in bands else "–" for b in cases["band"]]})


def to_html(listed: queries.TodoList, language: str) -> str:
    """Return the unit's digest as one self-contained HTML page."""
    title = f"{parts.label('title', language)} — {listed.unit_name}"
    d = listed.dossiers
    overdue = int((d["state"] == "overdue").sum()) if not d.empty else 0
    facts = [("overdue_n", i18n.number(overdue, 0, language)), ("due_n", i18n.number(len(d) - overdue, 0, language)),
             ("feedback_n", i18n.number(len(listed.feedback), 0, language)),
             ("decisions_n", i18n.number(len(listed.decisions), 0, language))]
    cards = "".join(f"<div class='card'>{html.escape(parts.label(k, language))}<b>{html.escape(v)}</b></div>"
                    for k, v in facts)
    sections = []
    for key, columns, heading in parts.TABLES:
        frame = parts.shown(getattr(listed, key), columns, language)
        sections.append(f"<h2>{html.escape(i18n.pick(*heading, language))}</h2>{_table(frame, columns, language)}")
    made = forecast_of(listed)
    if made is not None:
        hint = forecast_parts.label("hint", language).format(period=made.period, n=i18n.number(made.n_due, 0, language))
        sections.insert(0, f"<h2>{html.escape(forecast_parts.label('title', language))}</h2>"
                           f"<p class='muted'>{html.escape(hint)}</p>"
                           f"{_table(forecast_rows(made, language), FORECAST_COLUMNS, language)}")
    subtitle = i18n.pick(*parts.subtitle(listed), language)
    return (f"<!doctype html><html lang='{language}'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{STYLE}</style></head><body><h1>{html.escape(title)}</h1>"
            f"<p class='muted'>{html.escape(subtitle)}</p><div class='cards'>{cards}</div>{''.join(sections)}"
            f"</body></html>")


def to_text(listed: queries.TodoList, language: str) -> str:
    """Return a plain-text summary of the digest, for mail readers without HTML."""
    d = listed.dossiers
    overdue = int((d["state"] == "overdue").sum()) if not d.empty else 0
    lines = [f"{parts.label('title', language)} — {listed.unit_name}", i18n.pick(*parts.subtitle(listed), language), "",
             f"{parts.label('overdue_n', language)}: {overdue}", f"{parts.label('due_n', language)}: {len(d) - overdue}",
             f"{parts.label('feedback_n', language)}: {len(listed.feedback)}",
             f"{parts.label('decisions_n', language)}: {len(listed.decisions)}"]
    made = forecast_of(listed)
    if made is not None:
        lines += ["", forecast_parts.label("title", language)]
        lines += [f"{r.case_name}: {i18n.number(r.total, 2, language)} ({r.band_name})"
                  for r in forecast_rows(made, language).itertuples()]
    return "\n".join(lines) + "\n"


def write(listed: queries.TodoList, fmt: str, out: Path, language: str) -> list[Path]:
    """Write the unit's digest into `out` and return the files: one HTML page, or a CSV per table (and one of the
    forecast, for a month in progress)."""
    out.mkdir(parents=True, exist_ok=True)
    stem = f"{exports.slug(parts.label('title', language))}-{listed.unit_code}-{listed.period}"
    if fmt == "html":
        path = out / f"{stem}.html"
        path.write_text(to_html(listed, language), encoding="utf-8")
        return [path]
    files = []
    made = forecast_of(listed)
    if made is not None:
        table = exports.Table(forecast_parts.LABELS["title"], FORECAST_COLUMNS, forecast_rows(made, language))
        path = out / f"{stem}-forecast.csv"
        path.write_bytes(exports.to_csv(table, language))
        files.append(path)
    for key, columns, heading in parts.TABLES:
        table = exports.Table(heading, columns, parts.shown(getattr(listed, key), columns, language))
        path = out / f"{stem}-{key}.csv"
        path.write_bytes(exports.to_csv(table, language))
        files.append(path)
    return files


def message(listed: queries.TodoList, addresses: list[str], language: str, attachments: list[Path]) -> EmailMessage:
    """Return the e-mail of a unit's digest: plain text and HTML, with the CSV files attached when written."""
    mail = EmailMessage()
    mail["From"] = settings.get("smtp_sender")
    mail["To"] = ", ".join(addresses)
    mail["Subject"] = f"{parts.label('title', language)} — {listed.unit_name} — {i18n.day(listed.as_of)}"
    mail.set_content(to_text(listed, language))
    mail.add_alternative(to_html(listed, language), subtype="html")
    for path in attachments:
        if path.suffix == ".csv":
            mail.add_attachment(path.read_bytes(), maintype="text", subtype="csv", filename=path.name)
    return mail


def send(mails: list[EmailMessage]) -> None:
    """Send the mails through the configured server, on one connection."""
    host, port = settings.get("smtp_host"), int(settings.get("smtp_port"))
    with smtplib.SMTP(host, port, timeout=60) as server:
        if settings.get("smtp_starttls").lower() == "true":
            server.starttls()
        if settings.get("smtp_user"):
            server.login(settings.get("smtp_user"), settings.get("smtp_password"))
        for mail in mails:
            server.send_message(mail)


def run(args: argparse.Namespace) -> int:
    """Write (and send) the digests; print what was done; return the exit status."""
    if args.db:
        os.environ["KPI766_DB"] = args.db
    if not 0 <= args.within <= queries.MAX_WITHIN:
        print(f"--within must be 0 to {queries.MAX_WITHIN}", file=sys.stderr)
        return 2
    source = args.recipients or settings.get("digest_recipients")
    try:
        recipients = read_recipients(source) if source else {}
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    scored = queries.units()
    known = set(scored["unit_code"])
    if args.unit:
        codes = [args.unit]
    elif recipients:
        codes = list(recipients)
    else:
        codes = scored.loc[scored["kind"] == "province", "unit_code"].tolist()
    unknown = [c for c in codes if c not in known]
    if unknown:
        print(f"not scored in the last month: {', '.join(unknown)}", file=sys.stderr)
        return 2
    mails = []
    # a command on the server: the whole country's scope, as every command has; each unit's list goes to the
    # addresses the recipients file gives that unit
    scope = Scope.country()
    for code in codes:
        listed = queries.todo(scope, code, args.within)
        files = write(listed, args.format, Path(args.out), args.lang)
        print(f"{code:<10} {len(listed.dossiers):>6} dossiers {len(listed.feedback):>5} feedback "
              f"{len(listed.decisions):>5} decisions → {', '.join(str(f) for f in files)}")
        if recipients.get(code):
            mails.append(message(listed, recipients[code], args.lang, files))
    if mails and settings.get("smtp_host"):
        send(mails)
        print(f"sent {len(mails)} digest(s) through {settings.get('smtp_host')}:{settings.get('smtp_port')}")
    elif mails:
        print("smtp_host is not set: nothing sent")
    return 0
