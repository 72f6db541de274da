"""Load: locust, headless, against the app as `assetmap serve` runs it in production
(gunicorn workers, or waitress for one process) on 127.0.0.1, on a demo-sized community.
Users sign in once, then browse with a think time of 1-5 s: public finder searches, asset
pages, connectors reading people, circles and suggestions (pages and API), and
coordinators' area dashboards. Every kind of page is reported with its p50 and p95, against
the health check measured in the same run (the floor: a request that reads one count).

`python -m benchmarks load [--users 100] [--seconds 60] [--people 2000] [--workers N]
[--threads N]`
"""

# ruff: noqa: E402, I001 - gevent must patch the standard library before anything imports ssl
from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import gevent
import requests
from locust import HttpUser, between, events, task
from locust.env import Environment

from assetmap import accounts
from assetmap.config import Config
from assetmap.graph.store import GraphStore
from assetmap.services import analysis
from seed.generator import generate, write

TOWNS = ("Llanidloes", "Newtown", "Welshpool", "Brecon", "SY18", "LD1", "Machynlleth")
STATE: dict = {}


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


class Public(HttpUser):
    weight = 5
    wait_time = between(1, 5)

    @task(4)
    def find(self) -> None:
        self.client.get("/find", name="finder page", params={
            "near": random.choice(TOWNS), "radius_km": random.choice((5, 10, 20)),
            "day": random.choice(("mon", "tue", "wed", "thu", "fri", ""))})

    @task(2)
    def asset(self) -> None:
        self.client.get(f"/assets/{random.choice(STATE['places'])}", name="asset page")

    @task(2)
    def api_assets(self) -> None:
        self.client.get("/api/v1/assets", name="API assets",
                        params={"near": random.choice(TOWNS), "free": "true"})

    @task(1)
    def health(self) -> None:
        self.client.get("/healthz", name="health check (floor)")


class Connector(HttpUser):
    weight = 3
    wait_time = between(1, 5)

    def on_start(self) -> None:
        page = self.client.get("/login", name="sign in").text
        self.client.post("/login", name="sign in", data={
            "email": STATE["connector"][0], "password": STATE["connector"][1],
            "csrf_token": _csrf(page)})

    @task(3)
    def person(self) -> None:
        self.client.get(f"/people/{random.choice(STATE['people'])}", name="person page")

    @task(2)
    def suggestions(self) -> None:
        self.client.get(f"/people/{random.choice(STATE['people'])}/suggestions",
                        name="suggestions page")

    @task(1)
    def people(self) -> None:
        self.client.get("/people/", name="people list")

    @task(2)
    def api_person(self) -> None:
        self.client.get(f"/api/v1/people/{random.choice(STATE['people'])}/analysis",
                        name="API analysis", headers={"Authorization": f"Bearer {STATE['token']}"})


class Coordinator(HttpUser):
    weight = 1
    wait_time = between(1, 5)

    def on_start(self) -> None:
        page = self.client.get("/login", name="sign in").text
        self.client.post("/login", name="sign in", data={
            "email": STATE["coordinator"][0], "password": STATE["coordinator"][1],
            "csrf_token": _csrf(page)})

    @task
    def areas(self) -> None:
        self.client.get("/areas/", name="area dashboard", params={
            "level": random.choice(("small_area", "ward"))})


def _prepare(people: int) -> tuple[Path, dict[str, str]]:
    directory = Path(tempfile.mkdtemp(prefix="am-load-", dir="/tmp"))
    env = {"ASSETMAP_INSTANCE": str(directory), "ASSETMAP_GRAPH_URL": "",
           "ASSETMAP_SECRET_KEY": "load-test", "ASSETMAP_SIGNIN_PER_MINUTE": "100000"}
    store = GraphStore.open(Config.from_env(env))
    store.init_schema()
    write(store, generate(people, seed=7))
    analysis.run_analysis(store)
    STATE["connector"] = ("load.connector@example.cymru",
                          accounts.create_user(store, "load.connector@example.cymru",
                                               "connector", "org-cvc")[1])
    STATE["coordinator"] = ("load.coordinator@example.cymru",
                            accounts.create_user(store, "load.coordinator@example.cymru",
                                                 "coordinator", "org-council")[1])
    STATE["token"] = accounts.create_token(store, STATE["connector"][0])[1]
    STATE["people"] = [r["id"] for r in store.run_read(
        "MATCH (p:Person)-[:RECORDED_BY]->(:Organisation {id: 'org-cvc'}) RETURN p.id AS id "
        "LIMIT 300")]
    STATE["places"] = [r["id"] for r in store.run_read("MATCH (p:Place) RETURN p.id AS id")]
    store.close()
    return directory, env


def run(users: int = 100, seconds: int = 60, people: int = 2000, workers: int | None = None,
        threads: int | None = None) -> dict:
    directory, env = _prepare(people)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    chosen = [*(["--workers", str(workers)] if workers else []),
              *(["--threads", str(threads)] if threads else [])]
    server = subprocess.Popen(
        [sys.executable, "-m", "assetmap.cli", "serve", "--port", str(port), *chosen],
        env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    host = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if requests.get(host + "/healthz", timeout=1).ok:
                    break
            except requests.RequestException:  # not listening, or still starting
                time.sleep(0.1)
        # stats restart once all users are running: sign-ins (argon2, by design slow) and
        # the ramp-up are left out of the steady-state figures
        environment = Environment(user_classes=[Public, Connector, Coordinator], host=host,
                                  events=events, reset_stats=True)
        runner = environment.create_local_runner()
        runner.start(users, spawn_rate=10)
        gevent.spawn_later(seconds, runner.quit)
        runner.greenlet.join()
        stats = environment.stats
    finally:
        server.terminate()
        server.wait(30)
        subprocess.run([sys.executable, "-m", "assetmap.cli", "db", "stop"],
                       env={**os.environ, **env}, check=False, capture_output=True)
        shutil.rmtree(directory, ignore_errors=True)
    floor = stats.get("health check (floor)", "GET")
    floor_p95 = floor.get_response_time_percentile(0.95) or 1
    rows = {}
    print(f"\nload: {users} users for {seconds} s against `assetmap serve "
          f"{' '.join(chosen) or '(defaults)'}` on 127.0.0.1, {people:,} people "
          f"(locust {__import__('locust').__version__})")
    print(f"{'page':<24}{'requests':>10}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}"
          f"{'p95 / floor':>13}")
    for (name, method), entry in sorted(stats.entries.items()):
        p50 = entry.get_response_time_percentile(0.5)
        p95 = entry.get_response_time_percentile(0.95)
        rows[f"{method} {name}"] = {"requests": entry.num_requests, "errors": entry.num_failures,
                                    "p50": p50, "p95": p95}
        print(f"{name:<24}{entry.num_requests:>10}{entry.num_failures:>8}{p50:>9.0f}"
              f"{p95:>9.0f}{p95 / floor_p95:>12.1f}x")
    total = stats.total
    print(f"{'all':<24}{total.num_requests:>10}{total.num_failures:>8}"
          f"{total.get_response_time_percentile(0.5):>9.0f}"
          f"{total.get_response_time_percentile(0.95):>9.0f}   "
          f"{total.total_rps:.1f} requests/s")
    for error in stats.errors.values():
        print(f"error: {error.method} {error.name}: {error.error} ({error.occurrences}x)")
    return rows
