"""kill -9 the embedded database while the web app serves writes: requests during the
outage get a clear 503 (JSON, no traceback), the store restarts the server, and every
write acknowledged before or after the kill is there."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import threading
import time
import uuid

import pytest
import requests
from waitress.server import create_server

from assetmap import accounts
from assetmap.config import Config
from assetmap.graph.embedded import EmbeddedServer
from assetmap.graph.store import GraphStore
from tests.conftest import short_tempdir

pytestmark = pytest.mark.slow

WRITERS = 4
SECONDS = 6.0


def test_kill_9_while_serving_writes() -> None:
    from assetmap.web import create_app
    from assetmap.web.db import close_store

    directory = short_tempdir("am-crash-")
    config = Config(instance_path=directory, secret_key="crash-test", testing=True)
    server = EmbeddedServer(directory / "graph")
    store = GraphStore.open(config)
    store.init_schema()
    store.run_write("CREATE (:Organisation {id: 'org-1', name: 'Org'})")
    accounts.create_user(store, "crash@example.cymru", "connector", "org-1")
    _, token = accounts.create_token(store, "crash@example.cymru")
    app = create_app(config)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    web = create_server(app, host="127.0.0.1", port=port, threads=WRITERS)
    threading.Thread(target=web.run, daemon=True).start()
    url = f"http://127.0.0.1:{port}/api/v1/people"
    acknowledged: list[str] = []
    answers: list[tuple[int, dict]] = []
    stop = time.monotonic() + SECONDS

    def write() -> None:
        session = requests.Session()
        while time.monotonic() < stop:
            name = f"Person {uuid.uuid4().hex[:8]}"
            response = session.post(url, json={"name": name},
                                    headers={"Authorization": f"Bearer {token}"}, timeout=30)
            answers.append((response.status_code, response.json()))
            if response.status_code == 201:
                acknowledged.append(response.json()["id"])

    try:
        writers = [threading.Thread(target=write) for _ in range(WRITERS)]
        for thread in writers:
            thread.start()
        kills = 0
        for delay in (1.5, 2.0):  # twice, while the writes go on
            time.sleep(delay)
            os.kill(server.pid(), signal.SIGKILL)
            kills += 1
        for thread in writers:
            thread.join()
        statuses = {status for status, _ in answers}
        assert statuses <= {201, 503}, statuses
        for status, body in answers:
            if status == 503:
                assert body["errors"][0]["message"] and "Traceback" not in str(body)
        unavailable = sum(status == 503 for status, _ in answers)
        print(f"\ncrash: {len(answers)} writes, {kills} kills, {unavailable} answered 503, "
              f"{len(acknowledged)} acknowledged")
        assert len(acknowledged) > 50
        found = {row["id"] for row in store.run_read(
            "MATCH (p:Person) WHERE p.id IN $ids RETURN p.id AS id", ids=acknowledged)}
        assert found == set(acknowledged), "an acknowledged write was lost"
    finally:
        web.close()
        close_store(app)
        store.close()
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)
