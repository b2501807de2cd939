"""A long sync publishes every --publish-every batches with their watermark, so a `kill -9` keeps what it published
and the next sync goes on from there, rescoring the killed run's rows with its own."""
from __future__ import annotations

import subprocess
import sys
import time
from datetime import datetime

from postgres_server import execute, postgres_server, source_url  # noqa: F401 - fixtures
from test_sync import ROOT, catalogue, cli, failing_mapping, query, source  # noqa: F401 - fixtures

# kpi_fee(), which the mapping reads the fee through, stalls on the dossiers in stall_on.
STALLING_FEE = """
create table stall_on ("MaHoSo" text);
create function kpi_fee(fee numeric, code text) returns numeric language plpgsql as $$
begin
    if exists (select 1 from stall_on f where f."MaHoSo" = code) then
        perform pg_sleep(600);
    end if;
    return fee;
end $$;
"""


def test_a_killed_sync_keeps_the_batches_it_published_and_the_next_goes_on(source_url, catalogue, tmp_path):
    source(source_url, 3000)
    execute(source_url, STALLING_FEE)
    execute(source_url, "insert into stall_on values ('HS-0002700')")
    mapping = failing_mapping(tmp_path)
    process = subprocess.Popen([sys.executable, "-m", "etl", "sync", "--db", str(catalogue), "--source", source_url,
                                "--mapping", str(mapping), "--batch-size", "500", "--publish-every", "2"],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        # Batches 1–2 and 3–4 are published; the sync then stalls on dossier 2,700 until it is killed.
        deadline = time.monotonic() + 180
        while query(catalogue, "select count(*) from dossiers")[0][0] < 1500:
            assert process.poll() is None, process.stderr.read()
            assert time.monotonic() < deadline, "nothing was published"
            time.sleep(0.2)
    finally:
        process.kill()
        process.wait()
    (kept,), = query(catalogue, "select count(*) from dossiers")
    (mark,), = query(catalogue, "select watermark from sync_state where entity = 'dossiers'")
    # Dossier i was last changed i minutes after 2024-01-01: the published rows are exactly those up to the mark.
    assert kept >= 1500
    assert kept == (datetime.fromisoformat(mark) - datetime(2024, 1, 1)).total_seconds() / 60
    assert query(catalogue, "select status from load_runs where load_id = 2") == [("running",)]
    execute(source_url, "delete from stall_on")
    resumed = cli(catalogue, "--source", source_url, "--mapping", str(mapping), "--publish-every", "2")
    assert resumed.returncode == 0, resumed.stderr
    assert query(catalogue, "select count(*), count(distinct dossier_code) from dossiers") == [(3000, 3000)]
    assert query(catalogue, "select count(*), count(distinct (dossier_code, seq)) from dossier_events") \
        == [(6000, 6000)]
    assert query(catalogue, "select load_id, status from load_runs where load_id > 1 order by 1") \
        == [(2, "interrupted"), (3, "ok")]
    assert "scores recomputed" in resumed.stdout
