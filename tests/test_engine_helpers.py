"""Helpers for the scoring-engine tests: insert tiny hand-made rows with SQL, score a period, read the results.

The places used: Bình Dương (74) before the reform, its district Thủ Dầu Một (718) and that
district's wards Phú Cường (25747) and Hiệp Thành (25741), and a department 74-STP.
"""
from __future__ import annotations

from datetime import datetime

from indicators import engine, periods, rulesets

PROVINCE, DISTRICT, COMMUNE, COMMUNE_2, DEPARTMENT = "74", "718", "25747", "25741", "74-STP"
AS_OF = datetime(2025, 1, 31)


def add_department(con, code: str = DEPARTMENT, province: str = PROVINCE, name: str = "Sở Tư pháp") -> None:
    con.execute("insert into units (unit_code, name, kind, parent_code, valid_to) values (?, ?, 'department', ?, '2025-06-30')",
                [code, name, province])


def add_procedure(con, code: str = "P1", province: str = PROVINCE, **columns) -> None:
    """Insert a catalogue row; unspecified columns: public, complete, levels all three, 10 working days."""
    row = {"province_code": province, "procedure_code": code, "name": f"Thủ tục {code}", "status": "public",
           "levels": ["province", "district", "commune"], "content_complete": True, "online_service": "none",
           "fee_bearing": False, "requires_result_document": False, "max_processing_days": 10, **columns}
    _insert(con, "procedures", row)


def add_dossier(con, code: str, unit: str = COMMUNE, received: str = "2024-03-04 08:00", procedure: str = "P1",
                **columns) -> None:
    """Insert a dossier; unspecified columns stay null (unknown) except channel direct and updated_at."""
    row = {"dossier_code": code, "procedure_code": procedure, "unit_code": unit, "channel": "direct",
           "received_at": received, "updated_at": columns.pop("updated_at", received), **columns}
    _insert(con, "dossiers", row)


def add_event(con, dossier: str, seq: int, event: str, at: str) -> None:
    con.execute('insert into dossier_events (dossier_code, seq, event, "at") values (?, ?, ?, ?)', [dossier, seq, event, at])


def add_feedback(con, code: str, unit: str = COMMUNE, received: str = "2024-03-04 08:00", **columns) -> None:
    _insert(con, "feedback", {"feedback_id": code, "unit_code": unit, "received_at": received, **columns})


def add_decision(con, procedure: str, number: str, decided: str, effective: str | None = None,
                 published: str | None = None, province: str = PROVINCE) -> None:
    _insert(con, "procedure_decisions", {"province_code": province, "procedure_code": procedure, "decision_no": number,
                                         "decision_date": decided, "legal_effective_date": effective,
                                         "published_at": published})


def _insert(con, table: str, row: dict) -> None:
    names = ", ".join(f'"{k}"' for k in row)
    con.execute(f"insert into {table} ({names}) values ({', '.join('?' for _ in row)})", list(row.values()))


def score(con, period: str = "2024-03", unit: str = COMMUNE, ruleset: str | None = None,
          as_of: datetime = AS_OF) -> dict[str, dict]:
    """Return the unit's indicator values for the period, by indicator id, after scoring that period alone."""
    engine.score_range(con, periods.parse(period), ruleset, as_of)
    return indicator_values(con, period, unit, rulesets.load(ruleset).name)


def indicator_values(con, period: str, unit: str, ruleset: str | None = None) -> dict[str, dict]:
    """Return the stored indicator values of a unit and period, by indicator id."""
    rows = con.execute("""select indicator_id, numerator, denominator, ratio, points, max_points, no_data
                          from indicator_values where period = ? and unit_code = ? and ruleset = ?""",
                       [period, unit, ruleset or "portal-2025"]).fetchall()
    keys = ("numerator", "denominator", "ratio", "points", "max_points", "no_data")
    return {r[0]: dict(zip(keys, r[1:])) for r in rows}


def unit_score(con, period: str, unit: str, ruleset: str | None = None) -> dict:
    """Return the stored unit_scores row of a unit and period as a dict."""
    cur = con.execute("select * from unit_scores where period = ? and unit_code = ? and ruleset = ?",
                      [period, unit, ruleset or "portal-2025"])
    names = [d[0] for d in cur.description]
    return dict(zip(names, cur.fetchone()))
