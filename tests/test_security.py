"""Security headers, the script nonce, cookie flags and session lifetimes."""

from __future__ import annotations

import re
import time

import pytest

from assetmap.graph.store import GraphStore
from tests.conftest import AuthActions, csrf_token


def _nonce(response) -> str:  # noqa: ANN001
    policy = response.headers["Content-Security-Policy"]
    match = re.search(r"script-src 'self' 'nonce-([^']+)'", policy)
    assert match, policy
    return match.group(1)


@pytest.mark.parametrize("path", ["/", "/find?near=SY18", "/login"])
def test_every_inline_script_carries_the_nonce(client, path: str) -> None:  # noqa: ANN001
    response = client.get(path)
    nonce = _nonce(response)
    html = response.get_data(as_text=True)
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert all(f'nonce="{nonce}"' in attributes for attributes in inline), inline
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"].split(
        "script-src")[1].split(";")[0]
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert client.get(path).headers["Content-Security-Policy"] != policy, "a new nonce each time"


def test_no_hsts_or_secure_cookie_over_plain_http(client, sign_in) -> None:  # noqa: ANN001
    response = client.get("/")
    assert "Strict-Transport-Security" not in response.headers


def test_https_deployment_flags(config, sample_store: GraphStore) -> None:  # noqa: ANN001
    from assetmap import accounts
    from assetmap.web import create_app
    app = create_app(config.with_changes(https=True))
    client = app.test_client()
    assert client.get("/", base_url="https://localhost").headers[
        "Strict-Transport-Security"].startswith("max-age=")
    _, password = accounts.create_user(sample_store, "s@example.cymru", "connector", "org-cvc")
    page = client.get("/login", base_url="https://localhost").get_data(as_text=True)
    response = client.post("/login", base_url="https://localhost", data={
        "email": "s@example.cymru", "password": password, "csrf_token": csrf_token(page)},
        headers={"Referer": "https://localhost/login"})  # CSRF checks it over HTTPS
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=")
    for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert flag in cookie


def test_people_pages_are_not_cached(client, sign_in, sample_store: GraphStore) -> None:  # noqa: ANN001
    sign_in("connector")
    assert client.get("/people/").headers["Cache-Control"] == "no-store"
    assert "Cache-Control" not in client.get("/find").headers


def _signed_in_client(app, store: GraphStore, email: str):  # noqa: ANN001, ANN202
    from assetmap import accounts
    client = app.test_client()
    user = accounts.users.by_email(store, email)
    if user is None:
        _, password = accounts.create_user(store, email, "connector", "org-carers")
    else:
        password = accounts.generate_password()
        accounts.users.repo.update(store, user["id"],
                                   {"password_hash": accounts.hash_password(password)})
    assert AuthActions(client).login(email, password).status_code == 302
    assert client.get("/account").status_code == 200
    return client


def test_idle_and_absolute_timeouts(config, sample_store: GraphStore) -> None:  # noqa: ANN001
    from assetmap.web import create_app
    idle = create_app(config.with_changes(idle_minutes=0.5 / 60))
    client = _signed_in_client(idle, sample_store, "idle@example.cymru")
    time.sleep(0.7)
    assert client.get("/account").status_code == 302, "idle too long"
    capped = create_app(config.with_changes(session_hours=1.0 / 3600))
    client = _signed_in_client(capped, sample_store, "capped@example.cymru")
    for _ in range(3):  # activity does not extend the absolute limit
        time.sleep(0.4)
        client.get("/find")
    assert client.get("/account").status_code == 302


def test_sign_out_everywhere(app, sample_store: GraphStore) -> None:  # noqa: ANN001
    laptop = _signed_in_client(app, sample_store, "two@example.cymru")
    phone = _signed_in_client(app, sample_store, "two@example.cymru")
    page = laptop.get("/account").get_data(as_text=True)
    laptop.post("/account/sign-out-everywhere", data={"csrf_token": csrf_token(page)})
    assert phone.get("/account").status_code == 302
    assert laptop.get("/account").status_code == 302
    again = _signed_in_client(app, sample_store, "two@example.cymru")
    assert again.get("/account").status_code == 200, "a new sign-in works"
