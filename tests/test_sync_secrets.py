"""A sync source's secrets: masked in every form wherever the URL is shown or recorded (also in the error for a bad
driver name), the sync state's key unchanged when only the credentials change, the password from the environment
or a file."""
from __future__ import annotations

import subprocess
import sys

import pytest

from etl.sources import credentials
from etl.sources.database import Database, SourceError

from conftest import ROOT

SECRETS = ("s3cr3t", "p4ss", "t0ken", "k3y", "sslp4ss")
URL = ("postgresql+psycopg://kpi:s3cr3t@10.0.0.5:5432/motcua?password=p4ss&application_name=kpi766"
       "&token=t0ken&api_key=k3y&sslpassword=sslp4ss")


def _clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret} shown in {text!r}"


def test_every_form_of_credential_is_masked_and_the_rest_kept():
    masked = credentials.mask(URL)
    _clean(masked)
    assert masked == ("postgresql+psycopg://kpi:***@10.0.0.5:5432/motcua?password=***&application_name=kpi766"
                      "&token=***&api_key=***&sslpassword=***")


def test_the_label_recorded_for_a_source_holds_no_secret():
    database = Database(URL)
    _clean(database.label)
    assert "application_name=kpi766" in database.label and "10.0.0.5:5432/motcua" in database.label


def test_a_bad_driver_name_is_reported_without_the_secrets():
    with pytest.raises(SourceError) as error:
        Database(URL.replace("+psycopg", "+nosuchdriver"))
    _clean(str(error.value))
    assert "cannot use source URL" in str(error.value)
    result = subprocess.run([sys.executable, "-m", "etl", "sync", "--db", str(ROOT / "no-such-dir" / "x.duckdb"),
                             "--source", URL.replace("+psycopg", "+nosuchdriver")], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 2
    _clean(result.stdout + result.stderr)


def test_the_sync_state_key_does_not_change_with_the_credentials_only():
    first = Database("postgresql+psycopg://kpi:one@10.0.0.5:5432/motcua?password=a&sslmode=require")
    second = Database("postgresql+psycopg://other:two@10.0.0.5:5432/motcua?password=b&sslmode=require")
    assert first.key == second.key == "postgresql+psycopg://10.0.0.5:5432/motcua?sslmode=require"
    assert Database("postgresql+psycopg://kpi@10.0.0.6:5432/motcua").key != first.key


def test_the_password_comes_from_the_environment_or_a_file(monkeypatch, tmp_path):
    monkeypatch.setenv("KPI766_SOURCE_PASSWORD", "from-env")
    database = Database("postgresql+psycopg://kpi@10.0.0.5:5432/motcua")
    assert database.url.password == "from-env"
    assert "from-env" not in database.label
    monkeypatch.delenv("KPI766_SOURCE_PASSWORD")
    secret = tmp_path / "pw"
    secret.write_text("from-file\n", encoding="utf-8")
    monkeypatch.setenv("KPI766_SOURCE_PASSWORD_FILE", str(secret))
    assert Database("postgresql+psycopg://kpi@10.0.0.5:5432/motcua").url.password == "from-file"
    # a password in the URL wins
    assert Database("postgresql+psycopg://kpi:inline@10.0.0.5:5432/motcua").url.password == "inline"
