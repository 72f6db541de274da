"""Security headers, the script nonce, cookie flags and session lifetimes."""

from __future__ import annotations

import re
import time

import pytest

from assetmap.graph import users
from assetmap.graph.store import GraphStore
from tests.conftest import AuthActions, csrf_token


def _nonce(response) -> str:  # noqa: ANN001
    policy = response.headers["Content-Security-Policy"]
    match = re.search(r"script-src 'self' 'nonce-([^']+)'", policy)
    assert match, policy
    return match.group(1)


@pytest.mark.parametrize("path", ["/", "/find?near=SY18", "/login", "/api/v1/swagger"])
def test_every_inline_script_and_style_carries_the_nonce(client, path: str) -> None:  # noqa: ANN001
    response = client.get(path)
    nonce = _nonce(response)
    html = response.get_data(as_text=True)
    # a map's description is data (type application/json), never run: it needs no nonce
    inline = re.findall(r"<(?:script(?![^>]*\b(?:src=|type=\"application/json\"))|style)"
                        r"([^>]*)>", html)
    assert all(f'nonce="{nonce}"' in attributes for attributes in inline), inline
    assert not re.search(r"<[a-z]+[^>]*\sstyle=", html), "no style attributes"
    policy = response.headers["Content-Security-Policy"]
    assert f"script-src 'self' 'nonce-{nonce}';" in policy
    if "swagger" not in path:  # Swagger UI styles its icons inline: there alone
        assert "'unsafe-inline'" not in policy
        assert f"style-src 'self' 'nonce-{nonce}'" in policy
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
    for path in ("/account", "/account/two-step"):  # a two-step secret is shown there
        assert client.get(path).headers["Cache-Control"] == "no-store", path
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
    client.password = password
    return client


@pytest.mark.slow
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


def test_signing_out_ends_the_session_on_the_server(app, sample_store: GraphStore) -> None:  # noqa: ANN001
    """A copy of the session cookie taken before signing out opens nothing afterwards;
    the user's other sessions go on."""
    laptop = _signed_in_client(app, sample_store, "copied@example.cymru")
    phone = _signed_in_client(app, sample_store, "copied@example.cymru")
    name = app.config["SESSION_COOKIE_NAME"]
    copy = app.test_client()
    copy.set_cookie(name, laptop.get_cookie(name).value)
    assert copy.get("/account").status_code == 200, "the copy works while the session lives"
    page = laptop.get("/account").get_data(as_text=True)
    laptop.post("/logout", data={"csrf_token": csrf_token(page)})
    assert copy.get("/account").status_code == 302, "ended on the server"
    assert laptop.get("/account").status_code == 302
    assert phone.get("/account").status_code == 200, "other sessions go on"
    user = users.by_email(sample_store, "copied@example.cymru")
    assert len(user["live_sessions"]) == 1, "the phone's"
    assert "live_sessions" not in str(users.everyone(sample_store)), "never listed"


def _from(app, address: str, **headers: str):  # noqa: ANN001, ANN202
    """A test client whose requests come from ``address`` (with these WSGI headers)."""
    client = app.test_client()
    client.environ_base.update(REMOTE_ADDR=address, **headers)
    return client


def test_an_account_locks_after_repeated_failures(config, sample_store: GraphStore) -> None:  # noqa: ANN001
    from assetmap import accounts
    from assetmap.audit import AuditLog, address_hash
    from assetmap.web import create_app
    _, password = accounts.create_user(sample_store, "lock@example.cymru", "connector",
                                       "org-cvc")
    _, other = accounts.create_user(sample_store, "fine@example.cymru", "connector", "org-cvc")
    # two apps on the same instance stand for two worker processes: counts are shared
    first, second = create_app(config).test_client(), create_app(config).test_client()
    for attempt in range(5):
        response = AuthActions(first if attempt % 2 else second).login(
            "lock@example.cymru", "wrong password")
        assert response.status_code == 200, attempt
    locked = AuthActions(first).login("lock@example.cymru", password)
    assert locked.status_code == 429
    assert "locked after too many failed sign-ins" in locked.get_data(as_text=True)
    assert AuthActions(second).login("fine@example.cymru", other).status_code == 302
    typed = address_hash("lock@example.cymru", config.instance_secret("audit_key"))
    assert any(e["action"] == "lockout" and e["actor"] == typed
               for e in AuditLog(config.instance_path).entries())
    # the lock is per account and address: the owner elsewhere still signs in
    elsewhere = _from(create_app(config), "10.0.0.2")
    assert AuthActions(elsewhere).login("lock@example.cymru", password).status_code == 302


def test_tries_refused_for_speed_never_lock_the_account(config, sample_store: GraphStore) -> None:  # noqa: ANN001
    """The probe's case: sign-ins with the right password, refused because the address
    tried too often, locked the account. Only wrong passwords count towards a lock."""
    from assetmap import accounts
    from assetmap.web import create_app
    _, password = accounts.create_user(sample_store, "busy@example.cymru", "connector",
                                       "org-cvc")
    slow = create_app(config.with_changes(signin_per_minute=1)).test_client()
    assert AuthActions(slow).login("busy@example.cymru", "wrong password").status_code == 200
    for _ in range(6):
        refused = AuthActions(slow).login("busy@example.cymru", password)
        assert refused.status_code == 429
        assert "Too many sign-in attempts from here" in refused.get_data(as_text=True)
    usual = create_app(config).test_client()  # the address's minute is over
    assert AuthActions(usual).login("busy@example.cymru", password).status_code == 302


@pytest.mark.parametrize("trusted", [0, 1])
def test_behind_a_trusted_proxy_each_client_has_its_own_address(
        config, sample_store: GraphStore, trusted: int) -> None:  # noqa: ANN001
    """Behind the TLS proxy README recommends, every request comes from the proxy's
    address: with ASSETMAP_TRUSTED_PROXIES=1 the limits see each client's own."""
    from assetmap.audit import AuditLog, address_hash
    from assetmap.web import create_app
    app = create_app(config.with_changes(signin_per_minute=2, trusted_proxies=trusted))
    email = f"nobody-{trusted}@example.cymru"

    def tries(client_address: str) -> list[int]:
        client = _from(app, "10.9.9.9", HTTP_X_FORWARDED_FOR=client_address)
        return [AuthActions(client).login(email, "x").status_code for _ in range(3)]

    assert tries("203.0.113.5") == [200, 200, 429]
    assert tries("198.51.100.7") == ([200, 200, 429] if trusted else [429, 429, 429])
    addresses = {e["address"] for e in AuditLog(config.instance_path).entries()
                 if e["action"] == "login_failed"
                 and e["actor"] == address_hash(email, config.instance_secret("audit_key"))}
    assert addresses == ({"203.0.113.5", "198.51.100.7"} if trusted else {"10.9.9.9"})


def test_one_address_cannot_hammer_the_sign_in(client, sample_store: GraphStore) -> None:  # noqa: ANN001
    page = client.get("/login").get_data(as_text=True)
    token = csrf_token(page)
    codes = [client.post("/login", data={"email": f"nobody{n}@example.cymru",
                                         "password": "x", "csrf_token": token}).status_code
             for n in range(31)]
    assert codes[:30] == [200] * 30 and codes[30] == 429


@pytest.mark.parametrize("new,field,message", [
    ("short1!", "new_password", "must be 12 to 200 characters"),
    ("password123456", "new_password", "too easy to guess"),
    ("pw.change@example.cymru", "new_password", "too easy to guess"),
])
def test_weak_passwords_are_refused(app, sample_store: GraphStore, new: str, field: str,  # noqa: ANN001
                                    message: str) -> None:
    from tests.conftest import form_errors
    client = _signed_in_client(app, sample_store, "pw.change@example.cymru")
    page = client.get("/account").get_data(as_text=True)
    response = client.post("/account", data={
        "current_password": client.password, "new_password": new, "repeat_password": new,
        "csrf_token": csrf_token(page)})
    errors = form_errors(response.get_data(as_text=True))
    assert response.status_code == 400
    assert message in errors[field].lower()


def test_change_password_ends_other_sessions(app, sample_store: GraphStore) -> None:  # noqa: ANN001
    from assetmap import accounts
    from tests.conftest import form_errors
    email = "changer@example.cymru"
    client = _signed_in_client(app, sample_store, email)
    password = client.password
    other = app.test_client()
    assert AuthActions(other).login(email, password).status_code == 302
    page = client.get("/account").get_data(as_text=True)
    wrong = client.post("/account", data={
        "current_password": "not it", "new_password": "tawel fel y bedd ar fore Sul",
        "repeat_password": "tawel fel y bedd ar fore Sul", "csrf_token": csrf_token(page)})
    assert "current_password" in form_errors(wrong.get_data(as_text=True))
    mismatch = client.post("/account", data={
        "current_password": password, "new_password": "tawel fel y bedd ar fore Sul",
        "repeat_password": "something else", "csrf_token": csrf_token(page)})
    assert "repeat_password" in form_errors(mismatch.get_data(as_text=True))
    done = client.post("/account", data={
        "current_password": password, "new_password": "tawel fel y bedd ar fore Sul",
        "repeat_password": "tawel fel y bedd ar fore Sul", "csrf_token": csrf_token(page)})
    assert done.status_code == 302
    assert client.get("/account").status_code == 200, "this session goes on"
    assert other.get("/account").status_code == 302, "the other one ended"
    assert accounts.authenticate(sample_store, email, "tawel fel y bedd ar fore Sul")


def test_two_step_sign_in(app, sample_store: GraphStore) -> None:  # noqa: ANN001
    import pyotp

    from assetmap import accounts
    from assetmap.audit import AuditLog
    email = "twostep@example.cymru"
    client = _signed_in_client(app, sample_store, email)
    setup = client.get("/account/two-step").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', setup).group(1)
    assert "<svg" in setup, "a QR code to scan"
    wrong = client.post("/account/two-step", data={
        "code": "000000", "password": client.password, "csrf_token": csrf_token(setup)})
    assert "is not the code your app shows now" in wrong.get_data(as_text=True)
    for password in ("", "not the password"):  # an open session alone cannot turn it on
        refused = client.post("/account/two-step", data={
            "code": pyotp.TOTP(secret).now(), "password": password,
            "csrf_token": csrf_token(setup)})
        assert 'id="password-error"' in refused.get_data(as_text=True)
        assert not accounts.users.by_email(sample_store, email).get("totp_secret")
    done = client.post("/account/two-step", data={
        "code": pyotp.TOTP(secret).now(), "password": client.password,
        "csrf_token": csrf_token(setup)})
    codes = re.findall(r"<li><code>([0-9a-f]{10})</code></li>", done.get_data(as_text=True))
    assert len(codes) == 10
    stored = accounts.users.by_email(sample_store, email)
    assert stored["totp_secret"] == secret and codes[0] not in str(stored)

    fresh = app.test_client()
    step = AuthActions(fresh).login(email, client.password)
    assert step.status_code == 302 and "/login/code" in step.headers["Location"]
    assert fresh.get("/account").status_code == 302, "not signed in before the code"
    page = fresh.get("/login/code").get_data(as_text=True)
    bad = fresh.post("/login/code", data={"code": "123456", "csrf_token": csrf_token(page)})
    assert "That code is not right." in bad.get_data(as_text=True)
    used = fresh.post("/login/code", data={"code": codes[0], "csrf_token": csrf_token(page)})
    assert used.status_code == 302 and fresh.get("/account").status_code == 200

    again = app.test_client()
    AuthActions(again).login(email, client.password)
    page = again.get("/login/code").get_data(as_text=True)
    spent = again.post("/login/code", data={"code": codes[0], "csrf_token": csrf_token(page)})
    assert "That code is not right." in spent.get_data(as_text=True), "recovery codes work once"
    log = [e for e in AuditLog(app.config["ASSETMAP"].instance_path).entries()
           if e["record_id"] == stored["id"] or e["actor"] == stored["id"]]
    assert {"login_failed", "login"} <= {e["action"] for e in log}

    # turning it off asks for the password again too
    page = fresh.get("/account").get_data(as_text=True)
    fresh.post("/account/two-step/off", data={"code": codes[1], "password": "wrong",
                                              "csrf_token": csrf_token(page)})
    assert accounts.users.by_email(sample_store, email)["totp_secret"] == secret
    fresh.post("/account/two-step/off", data={"code": codes[1], "password": client.password,
                                              "csrf_token": csrf_token(page)})
    assert accounts.users.by_email(sample_store, email).get("totp_secret") is None


@pytest.mark.parametrize(("setting", "allowed"), [
    ("m=19456,t=2,p=1", True), ("m=47104,t=1,p=1", True), ("m=65536,t=3,p=4", True),
    ("m=7168,t=5,p=1", True), ("m=19455,t=2,p=1", False), ("m=47103,t=1,p=1", False),
    ("m=1024,t=1,p=1", False),
])
def test_password_hashing_below_owasp_minimum_is_refused(setting: str, allowed: bool) -> None:
    from assetmap.config import Config, ConfigError, PasswordHashing
    if allowed:
        assert str(Config.from_env({"ASSETMAP_ARGON2": setting}).password_hashing) == setting
    else:
        with pytest.raises(ConfigError, match="weaker than OWASP's minimum"):
            Config.from_env({"ASSETMAP_ARGON2": setting})
        assert Config(testing=True, password_hashing=PasswordHashing.parse(setting))
    assert str(Config.from_env({}).password_hashing) == "m=19456,t=2,p=1"


def test_passwords_are_hashed_at_the_set_cost_and_made_again_when_it_changes(
        sample_store: GraphStore) -> None:
    from assetmap import accounts
    from assetmap.config import PasswordHashing
    from assetmap.graph import users
    from tests.conftest import TEST_HASHING

    cost = PasswordHashing(memory_kib=64, time_cost=2, parallelism=1)
    accounts.use_password_hashing(cost)
    try:
        user, password = accounts.create_user(sample_store, "cost@example.cymru", "admin",
                                              "org-council")
        stored = users.by_id(sample_store, user["id"])["password_hash"]
        assert stored.startswith("$argon2id$v=19$m=64,t=2,p=1$")
        accounts.use_password_hashing(PasswordHashing(memory_kib=128, time_cost=3,
                                                      parallelism=1))
        assert accounts.authenticate(sample_store, "cost@example.cymru", password)
        again = users.by_id(sample_store, user["id"])["password_hash"]
        assert again.startswith("$argon2id$v=19$m=128,t=3,p=1$"), "made again at sign-in"
        assert accounts.authenticate(sample_store, "cost@example.cymru", password)
        assert not accounts.authenticate(sample_store, "cost@example.cymru", "wrong" * 4)
    finally:
        accounts.use_password_hashing(TEST_HASHING)
