"""Sign-in and access over HTTP, against the real app (create_app().server) with real sessions: the guard in front
of every route and callback, the sign-in form (CSRF, throttling, a safe `next`), the session cookie (flags,
tampered, another key, replayed after sign-out, expired, revoked), and per role what is shown and what is refused,
forged callbacks, downloads and the PDF included, each refusal audited."""
from __future__ import annotations

import base64
import json
import os
import re
import sqlite3
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from flask.sessions import SecureCookieSessionInterface
from test_access_scope import reform  # noqa: F401  (fixture: the 2025 reform case, scored)

from access import audit, store, web
from app import create_app
from appserver import PASSWORD, csrf_token
from signin import dashboard

APP = dashboard()
SERVER = APP.server
DOSSIER_PARAMS = {"unit_code": "25753", "period": "2024", "indicator": "2.1", "procedure": None}


@pytest.fixture
def accounts(reform):  # noqa: F811
    store.add_user("officer", "officer", "25747", PASSWORD)
    store.add_user("leader", "leader", "79", PASSWORD)
    store.add_user("analyst", "analyst", "79", PASSWORD)
    store.add_user("admin", "admin", None, PASSWORD)
    return reform


def client():
    return SERVER.test_client()


def sign_in(name: str, password: str = PASSWORD, browser=None, next_path: str = "/"):
    browser = browser or client()
    token = csrf_token(browser.get("/dang-nhap").get_data(as_text=True))
    response = browser.post("/dang-nhap", data={"username": name, "password": password, "csrf_token": token,
                                                "next": next_path})
    return browser, response


def signed_in(name: str):
    browser, response = sign_in(name)
    assert response.status_code == 302 and response.headers["Location"] == "/", response.get_data(as_text=True)
    return browser


def callback(browser, output: str, outputs, inputs: list, state: list, changed: list[str]):
    body = {"output": output, "outputs": outputs, "inputs": inputs, "state": state, "changedPropIds": changed}
    return browser.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")


def rows(browser, params: dict, end_row: int = 100):
    return callback(browser, "unit-rows.getRowsResponse", {"id": "unit-rows", "property": "getRowsResponse"},
                    [{"id": "unit-rows", "property": "getRowsRequest", "value": {"startRow": 0, "endRow": end_row}}],
                    [{"id": "unit-drill", "property": "data", "value": params}], ["unit-rows.getRowsRequest"])


def download(browser, name: str, params: dict, fmt: str = "csv"):
    button = {"format": fmt, "name": name, "type": "download-button"}
    return callback(browser, '{"name":["MATCH"],"type":"download-file"}.data',
                    {"id": {"name": name, "type": "download-file"}, "property": "data"},
                    [[{"id": button, "property": "n_clicks", "value": 1}]],
                    [{"id": {"name": name, "type": "download-params"}, "property": "data", "value": params}],
                    [json.dumps(button, separators=(",", ":")) + ".n_clicks"])


def sent_text(response) -> str:
    """Return the text of the file a download callback sent."""
    sent = next(iter(response.get_json()["response"].values()))["data"]
    return base64.b64decode(sent["content"]).decode("utf-8-sig") if sent["base64"] else sent["content"]


def report(browser, unit: str, period: str = "2024"):
    button = {"name": "unit", "type": "download-report-button"}
    return callback(browser, '{"name":["MATCH"],"type":"download-report-file"}.data',
                    {"id": {"name": "unit", "type": "download-report-file"}, "property": "data"},
                    [{"id": button, "property": "n_clicks", "value": 1}],
                    [{"id": {"name": "unit", "type": "download-report-params"}, "property": "data",
                      "value": {"unit_code": unit, "period": period}}],
                    [json.dumps(button, separators=(",", ":")) + ".n_clicks"])


def page(browser, address: str) -> str:
    path, _, query = address.partition("?")
    response = callback(browser, ".._pages_content.children..._pages_store.data..",
                        [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
                        [{"id": "_pages_location", "property": "pathname", "value": path},
                         {"id": "_pages_location", "property": "search", "value": f"?{query}" if query else ""}], [],
                        ["_pages_location.pathname"])
    assert response.status_code == 200, response.get_data(as_text=True)
    return json.dumps(response.get_json(), ensure_ascii=False)


def drill_body(browser, params: dict) -> str:
    output = "..unit-drill-body.children...unit-indicator-explain.children...unit-procedure.options...unit-wait.disabled.."
    response = callback(browser, output, [{"id": i, "property": p} for i, p in (
        ("unit-drill-body", "children"), ("unit-indicator-explain", "children"), ("unit-procedure", "options"),
        ("unit-wait", "disabled"))],
        [{"id": "unit-drill", "property": "data", "value": params},
         {"id": "unit-wait", "property": "n_intervals", "value": 0}], [], ["unit-drill.data"])
    assert response.status_code == 200, response.get_data(as_text=True)
    return json.dumps(response.get_json(), ensure_ascii=False)


def events() -> list[tuple]:
    return [(r["event"], r["user_name"], r["unit_code"]) for r in store.audit_rows()]


# --- the guard ---

def test_every_endpoint_is_reviewed():
    endpoints = {rule.endpoint for rule in SERVER.url_map.iter_rules()}
    reviewed = web.PUBLIC_ENDPOINTS | web.PAGE_ENDPOINTS | web.PRIVATE_ENDPOINTS
    assert endpoints == reviewed, ("decide whether each new endpoint is public and list it in access/web.py: "
                                   f"{sorted(endpoints ^ reviewed)}")


def test_anonymous_requests_to_every_route_are_refused_or_sent_to_sign_in(accounts):
    browser = client()
    for rule in SERVER.url_map.iter_rules():
        if rule.endpoint in web.PUBLIC_ENDPOINTS:
            continue
        path = re.sub(r"<[^>]+>", "x", rule.rule)
        method = "POST" if "POST" in rule.methods else "GET"
        response = browser.open(path, method=method)
        if rule.endpoint in web.PAGE_ENDPOINTS:
            assert response.status_code == 302, rule.rule
            location = urlsplit(response.headers["Location"])
            assert (location.path, location.query) == ("/dang-nhap", f"next=%2F{'x' if path != '/' else ''}")
        else:
            assert response.status_code == 401, rule.rule
    for path in ("/don-vi/25753", "/du-lieu?load=1", "/_dash-layout", "/_dash-dependencies", "/_reload-hash"):
        assert browser.get(path).status_code in (302, 401)
    assert browser.get("/du-lieu?load=1").headers["Location"] == "/dang-nhap?next=%2Fdu-lieu%3Fload%3D1"


def test_every_callback_answers_401_without_a_session(accounts):
    with SERVER.test_request_context():
        APP._setup_server()  # registers the callbacks, as the first request does
    assert len(APP.callback_map) >= 15
    for output, spec in APP.callback_map.items():
        response = callback(client(), output, [], [], [], [])
        assert response.status_code == 401, output


def test_the_sign_in_page_is_public_bilingual_and_the_assets_are_served():
    browser = client()
    vietnamese = browser.get("/dang-nhap").get_data(as_text=True)
    assert 'name="username"' in vietnamese and 'name="password"' in vietnamese and 'name="csrf_token"' in vietnamese
    assert "Đăng nhập" in vietnamese and "Mật khẩu" in vietnamese
    english = browser.get("/dang-nhap?lang=en").get_data(as_text=True)
    assert "Sign in" in english and "Password" in english
    assert browser.get("/assets/style.css").status_code == 200
    assert browser.get("/assets/session.js").status_code == 200


# --- the form ---

def test_signing_in_and_out(accounts):
    browser, response = sign_in("officer", next_path="/don-vi/25753?period=2024")
    assert response.status_code == 302 and response.headers["Location"] == "/don-vi/25753?period=2024"
    assert browser.get("/don-vi/25753").status_code == 200
    token = csrf_token(browser.get("/dang-nhap").get_data(as_text=True))
    assert browser.post("/dang-xuat", data={"csrf_token": token}).headers["Location"] == "/dang-nhap?out=1"
    assert browser.get("/_dash-layout").status_code == 401
    assert [e[0] for e in events()][:2] == ["sign_out", "sign_in"]


def test_a_wrong_password_and_an_unknown_name_fail_alike_and_are_audited(accounts):
    _, wrong = sign_in("officer", "not-the-password")
    _, unknown = sign_in("nobody", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    assert "không đúng" in wrong.get_data(as_text=True)
    assert events()[:2] == [("sign_in_failed", "nobody", None), ("sign_in_failed", "officer", None)]


def test_the_form_needs_its_csrf_token(accounts):
    response = client().post("/dang-nhap", data={"username": "officer", "password": PASSWORD})
    assert response.status_code == 400
    browser = signed_in("officer")
    assert browser.post("/dang-xuat").status_code == 400  # sign-out is a form with its token too
    assert browser.get("/_dash-layout").status_code == 200


def test_sign_in_is_throttled_after_five_failures_per_account(accounts):
    for _ in range(5):
        assert sign_in("leader", "wrong-password")[1].status_code == 401
    _, refused = sign_in("leader")  # the right password, too late
    assert refused.status_code == 429
    assert "15 phút" in refused.get_data(as_text=True)
    assert sign_in("analyst")[1].status_code == 302  # another account from the same address still may
    assert events()[1][0] == "sign_in_throttled"


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:x"])
def test_next_stays_on_this_server(accounts, target):
    _, response = sign_in("officer", next_path=target)
    assert response.headers["Location"] == "/"


# --- the cookie ---

def test_the_cookie_is_http_only_lax_and_secure_over_https(accounts):
    _, plain = sign_in("officer")
    cookie = plain.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    secure = SERVER.test_client()
    token = csrf_token(secure.get("/dang-nhap", base_url="https://localhost").get_data(as_text=True))
    response = secure.post("/dang-nhap", base_url="https://localhost", headers={"Referer": "https://localhost/"},
                           data={"username": "officer", "password": PASSWORD, "csrf_token": token})
    assert "Secure" in response.headers["Set-Cookie"]


def _cookie(browser) -> str:
    return browser.get_cookie("kpi766-session").value


def test_a_tampered_cookie_or_one_signed_with_another_key_is_refused(accounts):
    value = _cookie(signed_in("officer"))
    tampered = client()
    tampered.set_cookie("kpi766-session", value[:-2] + ("AA" if not value.endswith("AA") else "BB"))
    assert tampered.get("/_dash-layout").status_code == 401
    # a cookie naming the admin's session signed with a key that is not the server's
    payload = {"_user_id": "admin:forged", "_fresh": True}

    class Other:
        secret_key = "another key"
        config = SERVER.config
    forged = SecureCookieSessionInterface().get_signing_serializer(Other).dumps(payload)
    other = client()
    other.set_cookie("kpi766-session", forged)
    assert other.get("/_dash-layout").status_code == 401


def test_a_cookie_replayed_after_sign_out_is_refused(accounts):
    browser = signed_in("leader")
    copied = _cookie(browser)
    token = csrf_token(browser.get("/dang-nhap").get_data(as_text=True))
    browser.post("/dang-xuat", data={"csrf_token": token})
    replay = client()
    replay.set_cookie("kpi766-session", copied)
    assert replay.get("/_dash-layout").status_code == 401


def test_an_expired_session_is_refused(accounts, monkeypatch):
    browser = signed_in("leader")
    assert browser.get("/_dash-layout").status_code == 200
    # a cookie older than the session's lifetime: its signed time is checked before anything else
    copied, lifetime = _cookie(browser), SERVER.permanent_session_lifetime
    monkeypatch.setattr(SERVER, "permanent_session_lifetime", timedelta(seconds=-1))
    assert browser.get("/_dash-layout").status_code == 401
    monkeypatch.setattr(SERVER, "permanent_session_lifetime", lifetime)
    browser.set_cookie("kpi766-session", copied)
    assert browser.get("/_dash-layout").status_code == 200
    # the session itself past its end on the server
    with sqlite3.connect(os.environ["KPI766_ACCESS_DB"]) as con:
        con.execute("update sessions set expires_at = '2020-01-01T00:00:00Z'")
    assert browser.get("/_dash-layout").status_code == 401
    assert browser.get("/du-lieu").status_code == 302


def test_disabling_an_account_or_changing_its_password_ends_its_sessions(accounts):
    officer, leader = signed_in("officer"), signed_in("leader")
    store.disable("officer")
    assert officer.get("/_dash-layout").status_code == 401
    assert sign_in("officer")[1].status_code == 401
    store.set_password("leader", "a-new-password")
    assert leader.get("/_dash-layout").status_code == 401
    assert sign_in("leader", "a-new-password")[1].status_code == 302


# --- per role ---

def test_the_officer_sees_the_dossiers_of_their_unit_only(accounts):
    officer = signed_in("officer")
    mine = rows(officer, DOSSIER_PARAMS)
    assert mine.status_code == 200
    answer = mine.get_json()["response"]["unit-rows"]["getRowsResponse"]
    assert ([r["dossier_code"] for r in answer["rowData"]], answer["rowCount"]) == (["phu-tho"], 1)
    # a forged request for a divided commune's dossiers, and for the whole old province
    for unit in ("25774", "74"):
        forged = rows(officer, {**DOSSIER_PARAMS, "unit_code": unit})
        assert forged.status_code == 403
        assert f"The dossiers of unit {unit} are outside this account's scope" in forged.get_data(as_text=True)
        # asking for a billion rows of it is refused before anything is read (dashboard/limits.py)
        assert rows(officer, {**DOSSIER_PARAMS, "unit_code": unit}, end_row=10**9).status_code == 400
    assert download(officer, "unit-dossiers", {**DOSSIER_PARAMS, "unit_code": "25774"}).status_code == 403
    assert download(officer, "unit-procedures", {**DOSSIER_PARAMS, "unit_code": "74"}).status_code == 403
    assert report(officer, "74").status_code == 403
    assert download(officer, "rejected-rows", {}).status_code == 403
    assert download(officer, "audit", {}).status_code == 403
    mine_csv = download(officer, "unit-dossiers", DOSSIER_PARAMS)
    assert mine_csv.status_code == 200 and "phu-tho" in sent_text(mine_csv)
    assert report(officer, "25753").status_code == 200
    # the scores stay public: another unit's page opens, its drill says the dossiers are not theirs
    assert "Phường Chánh Mỹ" in page(officer, "/don-vi/25774?period=2024")
    assert "download-report-button" not in page(officer, "/don-vi/25774?period=2024")  # no PDF offered
    assert "download-report-button" in page(officer, "/don-vi/25753?period=2024")
    assert "chỉ dành cho cán bộ được giao đơn vị" in drill_body(officer, {**DOSSIER_PARAMS, "unit_code": "25774"})
    assert "phu-tho" not in drill_body(officer, DOSSIER_PARAMS)  # the dossiers come a block at a time
    assert "Trang dữ liệu dành cho lãnh đạo, chuyên viên phân tích và quản trị viên." in page(officer, "/du-lieu")
    refused = [e for e in events() if e[0] == "refused"]
    # the seven forged requests, the drill of another unit, the data page
    assert len(refused) == 9 and ("refused", "officer", "25774") in refused
    assert ("view", "officer", "25753") in events() and ("download", "officer", "25753") in events()


def test_the_leader_sees_their_province_and_the_data_page_without_downloads(accounts):
    leader = signed_in("leader")
    answer = rows(leader, {**DOSSIER_PARAMS, "unit_code": "74"}).get_json()["response"]["unit-rows"]
    assert sorted(r["dossier_code"] for r in answer["getRowsResponse"]["rowData"]) == [
        "chanh-my", "chanh-nghia", "hiep-thanh", "phu-cuong", "phu-tho"]
    assert rows(leader, {**DOSSIER_PARAMS, "unit_code": "01"}).status_code == 403
    assert report(leader, "01").status_code == 403
    data = page(leader, "/du-lieu")
    assert "Lịch sử nạp dữ liệu" in data and "Nhật ký truy cập" not in data
    assert download(leader, "rejected-rows", {}).status_code == 403


def test_the_analyst_downloads_the_rejected_rows_and_the_admin_reads_the_audit(accounts):
    analyst = signed_in("analyst")
    assert download(analyst, "rejected-rows", {}).status_code == 200
    assert download(analyst, "audit", {}).status_code == 403
    admin = signed_in("admin")
    data = page(admin, "/du-lieu")
    assert "Nhật ký truy cập" in data and "sign_in" in data
    content = sent_text(download(admin, "audit", {}))
    assert "sign_in" in content and "analyst" in content
    assert rows(admin, {**DOSSIER_PARAMS, "unit_code": "01"}).status_code == 200


def test_over_http_the_analyst_downloads_the_rejected_rows_of_their_province_only(accounts):
    import db

    con = db.connect(accounts)
    con.execute("insert into load_runs values (9, now(), now(), 'july', 3, 0, 0, 0, 3, 'ok')")
    for line, unit in ((2, "74"), (3, "01"), (4, None)):
        con.execute("""insert into rejected_rows values (9, 'procedures', 'procedures.csv', $line, 'name', null,
                       'missing required value', $unit)""", {"line": line, "unit": unit})
    con.close()
    lines = sent_text(download(signed_in("analyst"), "rejected-rows", {})).splitlines()
    # the analyst of 79 gets the row of old Bình Dương 74, not Hà Nội's nor the one naming no unit
    assert len(lines) == 1 + 1 and lines[1].endswith(",74")
    assert len(sent_text(download(signed_in("admin"), "rejected-rows", {})).splitlines()) == 1 + 3


def test_the_secret_key_is_created_owner_only_on_first_run(tmp_path, monkeypatch):
    key = tmp_path / "key"
    monkeypatch.setenv("KPI766_SECRET_KEY_FILE", str(key))
    assert not key.exists()
    first = web.secret_key()
    assert key.stat().st_mode & 0o777 == 0o600 and len(first) == 64
    assert web.secret_key() == first
    key.chmod(0o644)
    with pytest.raises(PermissionError):
        web.secret_key()


def test_audit_events_are_declared(accounts):
    with pytest.raises(ValueError):
        audit.record("anything")


def test_after_a_key_rotation_cookies_signed_with_the_previous_key_still_work(accounts, tmp_path, monkeypatch):
    browser = signed_in("leader")
    key = tmp_path / "key"
    monkeypatch.setenv("KPI766_SECRET_KEY_FILE", str(key))
    previous = tmp_path / "key.previous"
    previous.write_text(SERVER.secret_key.decode() + "\n")
    previous.chmod(0o600)
    rotated = create_app().server  # a restart with a new key and the old one as a fallback
    replay = rotated.test_client()
    replay.set_cookie("kpi766-session", _cookie(browser))
    assert replay.get("/_dash-layout").status_code == 200  # the keys are read on a process's first request
    assert rotated.secret_key != SERVER.secret_key
    previous.chmod(0o644)
    with pytest.raises(PermissionError):
        create_app().server.test_client().get("/dang-nhap")
