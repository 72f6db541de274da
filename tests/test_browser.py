"""The real app served by waitress, driven by Debian's Chromium through Playwright."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from waitress.server import create_server

from assetmap import accounts
from assetmap.graph.store import GraphStore

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture
def live_server(app) -> Iterator[str]:  # noqa: ANN001
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = create_server(app, host="127.0.0.1", port=port, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.close()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "Debian's chromium is needed: apt-get install -y chromium"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--headless", *CHROMIUM_FLAGS])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, live_server: str) -> Iterator[Page]:
    context = browser.new_context()
    tab = context.new_page()
    # only our own server: map tiles and CDN scripts are not reachable from here
    tab.route("**/*", lambda route: route.continue_()
              if route.request.url.startswith(live_server) else route.abort())
    yield tab
    context.close()


def _places_on_map(page: Page, timeout_s: float = 5.0) -> int:
    """Places shown: markers plus the counts on clusters, once the zoom animation settles."""
    deadline = time.monotonic() + timeout_s
    shown = -1
    while time.monotonic() < deadline:
        page.wait_for_timeout(200)
        clustered = sum(int(n) for n in page.locator(".marker-cluster").all_inner_texts())
        single = page.locator(".leaflet-marker-icon:not(.marker-cluster)").count()
        if clustered + single == shown:
            return shown
        shown = clustered + single
    return shown


def test_home_page_in_a_real_browser(page: Page, live_server: str,
                                     sample_store: GraphStore) -> None:
    counts = sample_store.counts()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live_server + "/")
    # Leaflet and the cluster plugin come from our own server, so the map draws offline
    markers = page.locator(".leaflet-marker-icon")
    expect(markers.first).to_be_visible()
    assert _places_on_map(page) == counts["nodes"]["Place"]
    assert errors == []
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Community assets and circles of support")
    expect(page.locator("#count-places")).to_have_text(f"{counts['nodes']['Place']:,}")
    expect(page.locator("#count-people")).to_have_text(f"{counts['nodes']['Person']:,}")
    page.get_by_text("Places by town (the map as a list)").click()
    rows = page.locator("details table tbody tr")
    expect(rows.first).to_be_visible()
    assert sum(int(n) for n in rows.locator("td:nth-child(2)").all_inner_texts()) == \
        counts["nodes"]["Place"]


def test_skip_link_is_the_first_stop_and_visible(page: Page, live_server: str) -> None:
    page.goto(live_server + "/")
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_text("Skip to content")
    box = focused.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0


def test_sign_in_through_the_form(page: Page, live_server: str,
                                  sample_store: GraphStore) -> None:
    _, password = accounts.create_user(sample_store, "gwen@example.cymru", "coordinator",
                                       "org-council", "Gwen")
    page.goto(live_server + "/login")
    page.get_by_label("E-mail").fill("gwen@example.cymru")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("E-mail or password is not right.")
    page.get_by_label("E-mail").fill("gwen@example.cymru")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="Gwen (coordinator)")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_have_text("You are signed out.")
