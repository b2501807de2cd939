"""The to-do list (/viec-can-lam) under access by unit, over HTTP with real sessions against the real app: on
the hand-made commune of test_todo.py in today's tree (Tỉnh Thử nghiệm 99 > Huyện Một 991 > Xã Một Một 99101,
one open dossier `open1` due tomorrow). The officer of the commune opens their own list by default and is refused the
province's, on the page (the unit page's message, audited) and in its downloads (403); nobody signed in gets
nothing. The plan stays public like the scores."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from test_access_web import client, download, events, page, sent_text, signed_in
from test_todo import today  # noqa: F401  (fixture: the commune in today's tree, scored)

from access import store
from appserver import PASSWORD

OUTSIDE = ("Danh sách hồ sơ của đơn vị này chỉ dành cho cán bộ được giao đơn vị; "
           "điểm số vẫn công khai.")  # the unit page's message


@pytest.fixture
def accounts(today):  # noqa: F811
    store.add_user("officer", "officer", "99101", PASSWORD)
    store.add_user("leader", "leader", "99", PASSWORD)
    store.add_user("admin", "admin", None, PASSWORD)
    return today


def test_nobody_signed_in_gets_the_page_its_content_or_its_downloads(accounts):
    browser = client()
    response = browser.get("/viec-can-lam?unit=99101")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert (location.path, location.query) == ("/dang-nhap", "next=%2Fviec-can-lam%3Funit%3D99101")
    assert download(browser, "todo-dossiers", {"unit_code": "99101", "within": 2}).status_code == 401
    assert client().post("/_dash-update-component", json={}).status_code == 401


def test_the_officer_s_list_is_their_commune_s_by_default(accounts):
    officer = signed_in("officer")
    shown = page(officer, "/viec-can-lam")
    assert "open1" in shown and "Xã Một Một" in shown and OUTSIDE not in shown
    # the selector offers the units of their scope only
    assert '"value": "99101"' in shown and '"value": "99"' not in shown
    assert ("view", "officer", "99101") in events()
    # the province's leader: the province's list, the same dossier in it
    leader = page(signed_in("leader"), "/viec-can-lam")
    assert "Tỉnh Thử nghiệm" in leader and "open1" in leader


def test_another_unit_s_list_is_refused_on_the_page_and_in_its_downloads(accounts):
    officer = signed_in("officer")
    for unit in ("99", "991"):
        shown = page(officer, f"/viec-can-lam?unit={unit}")
        assert OUTSIDE in shown and "todo-outside" in shown and "open1" not in shown
    for name in ("todo-dossiers", "todo-feedback", "todo-decisions"):
        forged = download(officer, name, {"unit_code": "99", "within": 2})
        assert forged.status_code == 403, name
        assert "The dossiers of unit 99 are outside this account's scope" in forged.get_data(as_text=True)
    # a download naming no unit is refused too, not served for some default unit
    assert download(officer, "todo-dossiers", {"unit": "99101", "within": 2}).status_code == 403
    mine = download(officer, "todo-dossiers", {"unit_code": "99101", "within": 2})
    assert mine.status_code == 200 and "open1" in sent_text(mine)
    refused = [e for e in events() if e[0] == "refused"]
    # the two pages and the four forged downloads
    assert len(refused) == 6 and ("refused", "officer", "99") in refused and ("refused", "officer", "991") in refused
    assert ("download", "officer", "99101") in events()
    # the admin opens any unit's list; without a unit, the first province
    admin = signed_in("admin")
    assert "open1" in page(admin, "/viec-can-lam?unit=991") and "Tỉnh Thử nghiệm" in page(admin, "/viec-can-lam")
    assert download(admin, "todo-dossiers", {"unit_code": "99", "within": 2}).status_code == 200


def test_the_plan_stays_public_like_the_scores(accounts):
    officer = signed_in("officer")
    shown = page(officer, "/ke-hoach?unit=99")
    assert "Tỉnh Thử nghiệm" in shown and OUTSIDE not in shown
    assert download(officer, "plan-steps", {"unit": "99"}).status_code == 200
    assert "Xã Một Một" in page(officer, "/ke-hoach")  # the reader's own unit by default
