"""Single sign-on against a real OpenID Connect provider: `oidc-provider-mock` (Authlib's server classes behind
Flask) running in the test process on loopback. The whole flow: our redirect carries PKCE (S256) and a nonce, the
provider signs the reader in, our callback exchanges the code and checks the ID token, and the account is found on
(issuer, subject). The mock does not enforce PKCE, so the test checks the verifier against the challenge here."""
from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from oidc_provider_mock import User, run_server_in_thread

from access import store

CLIENT_ID, CLIENT_SECRET = "kpi766", "client-secret"


@pytest.fixture(scope="module")
def provider():
    users = [User(sub="lan-01", claims={"email": "lan@example.invalid", "preferred_username": "lan"}),
             User(sub="minh-02", claims={"preferred_username": "minh", "kpi766_role": "officer",
                                         "kpi766_unit": "25747"})]
    with run_server_in_thread(require_nonce=True, user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def app_with_sso(provider, monkeypatch, db_path):
    monkeypatch.setenv("KPI766_DB", str(db_path))
    monkeypatch.setenv("KPI766_OIDC_ISSUER", provider)
    monkeypatch.setenv("KPI766_OIDC_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("KPI766_OIDC_CLIENT_SECRET", CLIENT_SECRET)
    from signin import dashboard

    return dashboard().server


def _start(browser, next_path: str = "/du-lieu") -> dict:
    response = browser.get(f"/dang-nhap/sso?next={next_path}")
    assert response.status_code == 302
    return {k: v[0] for k, v in parse_qs(urlsplit(response.headers["Location"]).query).items()} | {
        "_url": response.headers["Location"]}


def _provider_signs_in(query: dict, subject: str) -> str:
    answer = requests.post(query["_url"], data={"sub": subject}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def test_the_whole_flow_with_pkce_and_a_nonce(app_with_sso, provider):
    store.add_user("lan", "officer", "25747", None, oidc_issuer=provider, oidc_subject="lan-01")
    browser = app_with_sso.test_client()
    query = _start(browser)
    assert query["response_type"] == "code" and query["client_id"] == CLIENT_ID
    assert query["code_challenge_method"] == "S256" and query["nonce"] and query["state"]
    with browser.session_transaction() as session:
        kept = session[f"_state_province_{query['state']}"]["data"]
    digest = hashlib.sha256(kept["code_verifier"].encode()).digest()
    assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == query["code_challenge"]
    back = urlsplit(_provider_signs_in(query, "lan-01"))
    assert back.path == "/dang-nhap/sso/ve"
    landed = browser.get(f"{back.path}?{back.query}")
    assert landed.status_code == 302 and landed.headers["Location"] == "/du-lieu"
    assert browser.get("/_dash-layout").status_code == 200
    assert [(r["event"], r["user_name"]) for r in store.audit_rows()][0] == ("sign_in", "lan")


def test_a_state_from_another_browser_is_a_400(app_with_sso, provider):
    store.add_user("lan", "officer", "25747", None, oidc_issuer=provider, oidc_subject="lan-01")
    query = _start(app_with_sso.test_client())
    back = urlsplit(_provider_signs_in(query, "lan-01"))
    other = app_with_sso.test_client()
    answer = other.get(f"{back.path}?{back.query}")
    assert answer.status_code == 400
    assert other.get("/_dash-layout").status_code == 401


def test_an_identity_without_an_account_is_refused_and_e_mail_does_not_match(app_with_sso, provider):
    # an account with the same e-mail but no link to the subject is not signed in
    store.add_user("lan", "officer", "25747", "mat-khau-1", email="lan@example.invalid")
    browser = app_with_sso.test_client()
    back = urlsplit(_provider_signs_in(_start(browser), "lan-01"))
    assert browser.get(f"{back.path}?{back.query}").status_code == 403
    assert browser.get("/_dash-layout").status_code == 401
    assert store.audit_rows()[0]["event"] == "sign_in_failed"


def test_role_and_unit_from_claims_only_when_the_operator_allows_it(app_with_sso, provider, monkeypatch):
    browser = app_with_sso.test_client()
    back = urlsplit(_provider_signs_in(_start(browser), "minh-02"))
    assert browser.get(f"{back.path}?{back.query}").status_code == 403
    monkeypatch.setenv("KPI766_OIDC_CLAIMS", "kpi766_role,kpi766_unit")
    back = urlsplit(_provider_signs_in(_start(browser), "minh-02"))
    assert browser.get(f"{back.path}?{back.query}").status_code == 302
    kept = store.user_by_subject(provider, "minh-02")
    assert (kept.name, kept.role, kept.unit_code) == ("minh", "officer", "25747")
