"""Fixtures: one real embedded FalkorDB server per session, a fresh graph per test.

Store and repository tests are parametrised over backends: FalkorDB always, and Neo4j as
well whenever ``ASSETMAP_TEST_NEO4J_URL`` is set (with ``ASSETMAP_TEST_NEO4J_USER`` /
``ASSETMAP_TEST_NEO4J_PASSWORD``).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from assetmap import accounts, erasures
from assetmap.audit import Acting, AuditLog
from assetmap.config import Config, MailSettings, PasswordHashing
from assetmap.erasures import ErasureRegister
from assetmap.graph import store as graph_store
from assetmap.graph.embedded import EmbeddedServer
from assetmap.graph.store import GraphStore
from tests import neo4j_lint

NEO4J_URL = os.environ.get("ASSETMAP_TEST_NEO4J_URL")
BACKENDS = ["falkordb"] + (["neo4j"] if NEO4J_URL else [])

#: argon2id at its cheapest: a test signs in hundreds of times (production's cost is
#: OWASP's minimum or more, checked by Config; tests/test_security.py measures nothing)
TEST_HASHING = PasswordHashing(memory_kib=8, time_cost=1, parallelism=1)


def pytest_configure(config: pytest.Config) -> None:
    graph_store.statement_listeners.append(neo4j_lint.record_project_statement)
    accounts.use_password_hashing(TEST_HASHING)


def pytest_sessionfinish(session: pytest.Session) -> None:
    if hasattr(session.config, "workerinput"):  # a pytest-xdist worker
        neo4j_lint.worker_done(session.config, session.items)
    else:
        neo4j_lint.session_done(session)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:  # noqa: ANN001 - pytest-xdist's controller
    neo4j_lint.node_down(getattr(node, "workeroutput", {}))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    neo4j_lint.summary(terminalreporter)


def short_tempdir(prefix: str) -> Path:
    """A temp folder with a short path: a unix socket path must fit in 107 bytes."""
    return Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))


@pytest.fixture(scope="session")
def instance_dir() -> Iterator[Path]:
    """The session's instance folder, with its embedded FalkorDB server running."""
    directory = short_tempdir("am-test-")
    server = EmbeddedServer(directory / "graph")
    server.ensure_running()
    try:
        yield directory
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def config(instance_dir: Path, tmp_path: Path) -> Config:
    """Settings for a fresh, uniquely named graph on the session's server, and an
    instance folder of the test's own (audit trail, erasure register, keys)."""
    return Config(
        instance_path=tmp_path / "instance",
        graph_url=f"falkordb+embedded://{instance_dir / 'graph'}",
        graph_name=f"test_{uuid.uuid4().hex[:12]}",
        secret_key="test-secret-key",
        testing=True,
        password_hashing=TEST_HASHING,
    )


def _neo4j_config() -> Config:
    return Config(
        graph_url=NEO4J_URL or "",
        neo4j_user=os.environ.get("ASSETMAP_TEST_NEO4J_USER", "neo4j"),
        neo4j_password=os.environ.get("ASSETMAP_TEST_NEO4J_PASSWORD", ""),
        secret_key="test-secret-key",
        testing=True,
    )


@contextmanager
def _empty_graph(config: Config) -> Iterator[GraphStore]:
    graph = GraphStore.open(config)
    graph.clear()
    graph.init_schema()
    try:
        yield graph
    finally:
        graph.clear()
        graph.close()


@pytest.fixture
def acting(config: Config) -> Acting:
    """A test acting on the test's own audit trail."""
    return Acting(AuditLog(config.instance_path), "test:acting")


@pytest.fixture
def register(config: Config) -> ErasureRegister:
    """The test instance's erasure register."""
    return erasures.for_instance(config)


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, config: Config) -> Iterator[GraphStore]:
    """A GraphStore on an empty graph with the schema in place, on each backend."""
    with _empty_graph(config if request.param == "falkordb" else _neo4j_config()) as graph:
        yield graph


@pytest.fixture
def falkor_store(config: Config) -> Iterator[GraphStore]:
    """The FalkorDB store alone, for tests of the embedded server and of whole workloads."""
    with _empty_graph(config) as graph:
        yield graph


@pytest.fixture(scope="session")
def sample_template(instance_dir: Path) -> Iterator[GraphStore]:
    """The sample community, loaded once per session into a graph no test writes to."""
    from seed import sample

    template = Config(instance_path=instance_dir, graph_name=f"sample_{uuid.uuid4().hex[:8]}",
                      testing=True)
    with _empty_graph(template) as graph:
        sample.load(graph)
        yield graph


@pytest.fixture
def sample_store(config: Config, sample_template: GraphStore) -> Iterator[GraphStore]:
    """A fresh copy of the sample community (FalkorDB's GRAPH.COPY, indexes and
    constraints included) for this test alone."""
    sample_template.backend.copy_to(config.graph_name)
    graph = GraphStore.open(config)
    try:
        yield graph
    finally:
        graph.clear()
        graph.close()


@pytest.fixture
def app(config: Config, sample_store: GraphStore):  # noqa: ANN201
    from assetmap.web import create_app

    application = create_app(config)
    yield application
    from assetmap.web.db import close_store

    close_store(application)


@pytest.fixture
def client(app):  # noqa: ANN001, ANN201
    return app.test_client()


@pytest.fixture
def cli_env(config: Config) -> dict[str, str]:
    return {
        "ASSETMAP_INSTANCE": str(config.instance_path),
        "ASSETMAP_GRAPH_NAME": config.graph_name,
        "ASSETMAP_GRAPH_URL": config.graph_url,
        "ASSETMAP_LANGUAGE": "en",  # whatever LANG the machine has
    }


@pytest.fixture
def runner(cli_env: dict[str, str]) -> Iterator[CliRunner]:
    umask = os.umask(0o022)  # the command sets its own (0077), in this process
    os.umask(umask)
    yield CliRunner(env=cli_env)
    os.umask(umask)
    store = GraphStore.open(Config.from_env(cli_env))
    store.clear()
    store.close()
    accounts.use_password_hashing(TEST_HASHING)  # the command set the production cost


_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                   r'type="hidden" name="csrf_token" value="([^"]+)"|'
                   r'name="csrf_token" value="([^"]+)"')


def csrf_token(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "no CSRF token in the form"
    return next(group for group in match.groups() if group)


class AuthActions:
    """Sign in and out through the real login form (CSRF on)."""

    def __init__(self, client):  # noqa: ANN001
        self._client = client

    def login(self, email: str, password: str):  # noqa: ANN201
        page = self._client.get("/login")
        return self._client.post(
            "/login",
            data={"email": email, "password": password,
                  "csrf_token": csrf_token(page.get_data(as_text=True))},
        )

    def logout(self):  # noqa: ANN201
        page = self._client.get("/account")
        return self._client.post(
            "/logout", data={"csrf_token": csrf_token(page.get_data(as_text=True))}
        )


@pytest.fixture
def auth(client) -> AuthActions:  # noqa: ANN001
    return AuthActions(client)


def provider_account(store: GraphStore, email: str) -> tuple[dict, str]:
    """A provider who looks after the first place and the first group (the ones
    ``tests.site.arguments`` names), and their password."""
    from assetmap import accounts
    from assetmap.graph import providers

    password = "heather moor kettle lantern"
    user = accounts.new_provider(store, email, "Test provider", password, None)
    for label in ("Place", "Group"):
        first = store.run_read(f"MATCH (n:{label}) RETURN n.id AS id LIMIT 1")[0]["id"]
        providers.add_manager(store, user["id"], label, first, "2026-12-01", "link")
    return user, password


class StaffLogin:
    """Create a user of a role and sign in as them through the real form."""

    def __init__(self, client, store: GraphStore):  # noqa: ANN001
        self._client = client
        self._store = store

    def __call__(self, role: str, organisation: str = "org-carers") -> dict:
        from assetmap import accounts

        email = f"{role}.{uuid.uuid4().hex[:6]}@example.cymru"
        if role == "provider":
            user, password = provider_account(self._store, email)
        else:
            user, password = accounts.create_user(self._store, email, role, organisation,
                                                  f"Test {role}")
        response = AuthActions(self._client).login(email, password)
        assert response.status_code == 302, "sign-in failed"
        return user


@pytest.fixture
def sign_in(client, sample_store: GraphStore) -> StaffLogin:  # noqa: ANN001
    return StaffLogin(client, sample_store)


@pytest.fixture
def token_for(sample_store: GraphStore):  # noqa: ANN201
    """A live bearer token for a new user of ``role`` in ``organisation``."""
    from assetmap import accounts

    made = iter(range(1000))

    def make(role: str, organisation: str = "org-carers") -> dict[str, str]:
        email = f"api.{role}.{next(made)}@example.cymru"
        accounts.create_user(sample_store, email, role, organisation)
        _, token = accounts.create_token(sample_store, email, "tests")
        return {"Authorization": f"Bearer {token}"}

    return make


def form_errors(html: str) -> dict[str, str]:
    """The field messages a form shows: ``{field: message}``."""
    from html import unescape

    return {name: unescape(message) for name, message in
            re.findall(r'id="f-(\w+)-error" class="govuk-error-message">\s*'
                       r'<span class="govuk-visually-hidden">[^<]*</span>\s*([^<]+?)\s*</p>', html)}


# -- the browser tests: Debian's Chromium against the real app ------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(app, port: int) -> Iterator[str]:  # noqa: ANN001
    """``app`` served by waitress on ``port`` of 127.0.0.1 while the block runs."""
    import threading

    from waitress import wasyncore
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=port, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        # closed in the loop's own thread: closing its sockets under its select() from
        # here raised EBADF in that thread now and then
        server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
        thread.join(timeout=5)
        server.task_dispatcher.shutdown()


@pytest.fixture
def live_server(app) -> Iterator[str]:  # noqa: ANN001
    """The app served by waitress on a free port of 127.0.0.1, for the browser tests."""
    with serving(app, free_port()) as url:
        yield url


class _KeepEverything:
    """aiosmtpd's handler: keeps each message received."""

    def __init__(self, received: list) -> None:
        self.received = received

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001, N802
        import email
        from email import policy

        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        self.received.append(message)
        return "250 Message accepted for delivery"


class MailCatcher:
    """A real SMTP server (aiosmtpd) on a free port of 127.0.0.1 that keeps what it
    receives; it can be stopped and started again on the same port (a server that is
    away for a while)."""

    def __init__(self) -> None:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.received: list = []
        self.handler = _KeepEverything(self.received)
        self._controller = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self._controller = Controller(self.handler, hostname="127.0.0.1",
                                      port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def settings(self) -> MailSettings:
        return MailSettings(backend="smtp", host="127.0.0.1", port=self.port,
                            security="none", sender="assetmap@example.cymru", timeout=5)

    @property
    def env(self) -> dict[str, str]:
        return {"ASSETMAP_SMTP_URL": f"smtp://127.0.0.1:{self.port}",
                "ASSETMAP_SMTP_TLS": "none", "ASSETMAP_MAIL_FROM": "assetmap@example.cymru"}

    def to(self, address: str) -> list:
        """The messages received for ``address``."""
        return [m for m in self.received if address in str(m["To"])]


@pytest.fixture
def smtp() -> Iterator[MailCatcher]:
    """A running mail server for the test (see :class:`MailCatcher`)."""
    catcher = MailCatcher()
    catcher.start()
    try:
        yield catcher
    finally:
        catcher.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """Debian's Chromium (never a downloaded one), headless, through Playwright."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium is needed: apt-get install -y chromium"
    home = tmp_path_factory.mktemp("chromium-home")  # its cache and config stay out of ~
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--headless", *CHROMIUM_FLAGS],
            env={**os.environ, "HOME": str(home), "XDG_CACHE_HOME": str(home / "cache"),
                 "XDG_CONFIG_HOME": str(home / "config")})
        yield chromium
        chromium.close()
