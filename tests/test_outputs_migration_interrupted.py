"""Folding an old indicator_values table into unit_indicators (rename it, copy its rows, drop it) is one transaction:
interrupted after the rename (a crash, a failing copy), it leaves the old table as it was, and the next open folds
it."""
from __future__ import annotations

import pytest
from test_outputs import OLD_ROWS, OLD_TABLE, read

from indicators import outputs


def test_values_survive_a_fold_interrupted_after_the_rename(con, monkeypatch):
    con.execute("drop view if exists indicator_values")
    con.execute(OLD_TABLE)
    con.executemany("""insert into indicator_values values ('portal-2025', '2024-03', 'month', date '2024-03-01',
                       date '2024-03-31', timestamp '2025-01-31', ?, null, 'commune', ?, ?, ?, ?, ?, ?, ?, ?, ?,
                       timestamp '2025-01-31 10:00')""", OLD_ROWS)

    def interrupted(con, source):
        raise KeyboardInterrupt("killed while folding")

    monkeypatch.setattr(outputs, "insert_long", interrupted)
    with pytest.raises(KeyboardInterrupt):
        outputs.ensure(con)
    monkeypatch.undo()
    outputs.ensure(con)  # the next open
    assert read(con) == sorted(OLD_ROWS)
