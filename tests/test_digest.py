"""The morning digest (`python -m indicators digest`) over the hand-made commune of test_todo.py: the files it
writes, the recipients files it reads, and the mails it sends to a real SMTP server (aiosmtpd) started here."""
from __future__ import annotations

import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from test_todo import build

from dashboard import digest
from indicators.__main__ import main


class Inbox:
    """An aiosmtpd handler keeping every message it receives, with its envelope."""

    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos),
                              email.message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def commune(con, db_path, monkeypatch):
    build(con)
    con.close()
    monkeypatch.setenv("KPI766_DB", str(db_path))
    return db_path


@pytest.fixture
def inbox(monkeypatch):
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("KPI766_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("KPI766_SMTP_PORT", str(port))
    monkeypatch.setenv("KPI766_SMTP_SENDER", "kpi766@example.gov.vn")
    yield handler
    controller.stop()


def test_each_unit_of_the_recipients_file_gets_its_own_digest(commune, inbox, tmp_path, capsys):
    recipients = tmp_path / "recipients.toml"
    recipients.write_text('[units]\n"99101" = ["xa@example.gov.vn", "vanthu@example.gov.vn"]\n'
                          '"99" = "tinh@example.gov.vn"\n', encoding="utf-8")
    out = tmp_path / "digest"
    assert main(["digest", "--db", str(commune), "--recipients", str(recipients), "--out", str(out)]) == 0
    assert "sent 2 digest(s) through 127.0.0.1" in capsys.readouterr().out
    assert sorted(p.name for p in out.iterdir()) == ["viec-can-lam-99-2024-03.html", "viec-can-lam-99101-2024-03.html"]
    by_to = {tuple(to): (sender, mail) for sender, to, mail in inbox.received}
    assert set(by_to) == {("xa@example.gov.vn", "vanthu@example.gov.vn"), ("tinh@example.gov.vn",)}
    sender, mail = by_to[("xa@example.gov.vn", "vanthu@example.gov.vn")]
    assert sender == "kpi766@example.gov.vn"
    assert mail["Subject"] == "Việc cần làm — Xã Một Một — 13/03/2024"
    page = mail.get_body(("html",)).get_content()
    # the dossier due tomorrow and its 2 points of 2.1 at stake, the feedback item and its 12 points
    assert "open1" in page and "<td class=n>2,00</td>" in page and "f1" in page and "<td class=n>12,00</td>" in page
    text = mail.get_body(("plain",)).get_content()
    assert "Hồ sơ sắp đến hạn: 1" in text
    # the month-end forecast: 13 March is inside the month
    assert "Dự báo cuối tháng" in text and "Tất cả đúng hạn: " in text and "Tất cả trễ hạn: " in text
    assert "Dự báo cuối tháng" in page
    assert "Tỉnh Thử nghiệm" in by_to[("tinh@example.gov.vn",)][1]["Subject"]


def test_csv_files_per_table_from_a_csv_recipients_file_in_english(commune, inbox, tmp_path):
    recipients = tmp_path / "recipients.csv"
    recipients.write_text("unit_code,email\n99101,xa@example.gov.vn\n", encoding="utf-8")
    out = tmp_path / "digest"
    assert main(["digest", "--db", str(commune), "--recipients", str(recipients), "--out", str(out),
                 "--format", "csv", "--lang", "en"]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == [f"to-do-list-99101-2024-03-{k}.csv" for k in ("decisions", "dossiers", "feedback", "forecast")]
    forecast = (out / "to-do-list-99101-2024-03-forecast.csv").read_text(encoding="utf-8-sig").splitlines()
    assert forecast[0] == "Case,Total,Band" and [f.split(",")[0] for f in forecast[1:]] == [
        "All on time", "Expected", "All late"]
    # the open dossier going late takes 2 points of 2.1 off the total
    on_time, late = float(forecast[1].split(",")[1]), float(forecast[3].split(",")[1])
    assert on_time - late == pytest.approx(2.0, abs=0.011)
    lines = (out / "to-do-list-99101-2024-03-dossiers.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("Dossier,State,Procedure,Unit,Received,Due,Working days left,2.1 points at stake")
    assert lines[1].startswith("open1,Due soon,Đăng ký khai sinh,Xã Một Một,07/03/2024 08:00,14/03/2024 16:00,1.25,2.0,")
    [(_, to, mail)] = inbox.received
    assert to == ["xa@example.gov.vn"] and mail["Subject"] == "To-do list — Xã Một Một — 13/03/2024"
    assert sorted(p.get_filename() for p in mail.iter_attachments()) == [f"{n}" for n in names]


def test_one_unit_without_a_mail_server_is_only_written(commune, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("KPI766_SMTP_HOST", raising=False)
    assert main(["digest", "--db", str(commune), "--unit", "99101", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "viec-can-lam-99101-2024-03.html").is_file()
    assert "sent" not in capsys.readouterr().out


@pytest.mark.parametrize("name, text, error", [
    ("r.toml", '[units]\n"99101" = ["not-an-address"]\n', "unit 99101: 'not-an-address' is not an e-mail address"),
    ("r.toml", '"99101" = "a@b.vn"\n', "needs a [units] table"),
    ("r.csv", "unit,address\n99101,a@b.vn\n", "needs the header unit_code,email"),
    ("r.txt", "99101 a@b.vn\n", "a recipients file is .toml or .csv"),
])
def test_a_bad_recipients_file_is_refused_naming_the_problem(tmp_path, name, text, error):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=error.replace("[", r"\[").replace("]", r"\]")):
        digest.read_recipients(path)


def test_an_unknown_unit_stops_the_digest(commune, tmp_path, capsys):
    assert main(["digest", "--db", str(commune), "--unit", "12345", "--out", str(tmp_path)]) == 2
    assert "not scored in the last month: 12345" in capsys.readouterr().err
