"""Each kind of user's journey, walked in Debian's Chromium on a phone (390 x 844, touch)
and a desktop (1366 x 900), in English and in Welsh, with no map tiles reachable (only our
own server answers): the public finding something near them, a connector reading a
person's page and ending a tie (confirmed, then undone), a coordinator's area map, an
admin's users. Screenshots go to ASSETMAP_SCREENSHOT_DIR (README's come from here)."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Browser, Page, expect

from assetmap.graph.store import GraphStore
from tests.test_browser import SCREENSHOTS, _local_tab, _sign_in, _staff

pytestmark = pytest.mark.browser

DEVICES = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1366, "height": 900}},
}
EVERY_WAY = [pytest.param(device, language, id=f"{device}-{language}")
             for device in DEVICES for language in ("en", "cy")]


def _tab(browser: Browser, live_server: str, device: str) -> tuple:
    context, tab = _local_tab(browser, live_server, **DEVICES[device])
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    return context, tab, errors


def _fits(tab: Page, device: str) -> None:
    width = DEVICES[device]["viewport"]["width"]
    assert tab.evaluate("document.documentElement.scrollWidth") <= width, tab.url


def _on_screen(tab: Page, selector: str, device: str) -> None:
    box = tab.locator(selector).bounding_box()
    assert box is not None and 0 <= box["y"] < DEVICES[device]["viewport"]["height"], (
        selector, box)


@pytest.mark.parametrize(("device", "language"), EVERY_WAY)
def test_the_public_finds_something_near_them(browser: Browser, live_server: str,
                                              sample_store: GraphStore, device: str,
                                              language: str) -> None:
    context, tab, errors = _tab(browser, live_server, device)
    started = time.monotonic()
    tab.goto(f"{live_server}/?lang={language}")
    assert tab.locator("html").get_attribute("lang") == language
    _on_screen(tab, "#home-near", device)  # the search box comes first
    tab.locator("#home-near").fill("Llanidloes")
    tab.locator("#home-search button[type=submit]").click()
    expect(tab.locator("#results-heading")).to_be_focused()
    _on_screen(tab, "#results-heading", device)
    expect(tab.locator("li.result").first).to_be_visible()
    tab.wait_for_load_state("networkidle")
    expect(tab.locator(".numbered-pin, .marker-cluster").first).to_be_visible()
    expect(tab.locator(".town-label").first).to_be_attached()  # the basemap, no tiles
    _fits(tab, device)
    # nothing matches: what would find something is one tap away
    tab.goto(f"{live_server}/find?near=Llanidloes&welsh=1&day=sun&time_of_day=eve")
    offer = tab.locator("#relaxations a").first
    expect(offer).to_be_visible()
    offer.click()
    expect(tab.locator("li.result").first).to_be_visible()
    tab.locator("a[href^='/find/print']").click()
    expect(tab.locator("#print")).to_be_visible()
    _fits(tab, device)
    print(f"\n{device} {language}: the public journey took {time.monotonic() - started:.1f} s"
          " of page time")
    assert errors == []
    context.close()


@pytest.mark.parametrize(("device", "language"), EVERY_WAY)
def test_a_connector_reads_a_person_and_ends_a_tie_safely(
        browser: Browser, live_server: str, sample_store: GraphStore, device: str,
        language: str) -> None:
    row = sample_store.run_read(
        "MATCH (p:Person)-[:RECORDED_BY]->(:Organisation {id: 'org-carers'}) "
        "MATCH (p)-[:KNOWS]->(o:Person)-[:RECORDED_BY]->(:Organisation {id: 'org-carers'}) "
        "RETURN p.id AS p, o.id AS o, o.name AS name ORDER BY p.id LIMIT 1")[0]
    person, other, other_name = row["p"], row["o"], row["name"]
    context, tab, errors = _tab(browser, live_server, device)
    tab.goto(f"{live_server}/login?lang={language}")
    _sign_in(tab, live_server, *_staff(sample_store, "connector", "org-carers"))
    assert tab.url.endswith("/people/"), "a connector lands on People"
    tab.goto(f"{live_server}/people/{person}")
    expect(tab.locator("#summary")).to_be_visible()
    _on_screen(tab, "#summary", device)  # the verdict at a glance, at the top
    _fits(tab, device)
    tab.screenshot(path=str(SCREENSHOTS / f"person-summary-{device}-{language}.png"))
    tab.locator(f"a[href$='/ties/{other}/end']").click()
    expect(tab.locator("h1")).to_contain_text(other_name)  # the question names them
    tab.screenshot(path=str(SCREENSHOTS / f"end-tie-confirm-{device}-{language}.png"))
    tab.locator("form.actions button.govuk-button--warning").click()
    ended = tab.locator("#ended")
    expect(ended).to_contain_text(other_name)
    assert not sample_store.run_read(
        "MATCH (:Person {id: $p})-[r:KNOWS]->(:Person {id: $o}) RETURN r", p=person, o=other)
    ended.locator("button").click()  # Undo
    expect(tab.locator("#circle-table")).to_contain_text(other_name)
    assert sample_store.run_read(
        "MATCH (:Person {id: $p})-[r:KNOWS]->(:Person {id: $o}) RETURN r", p=person, o=other)
    assert errors == []
    context.close()


@pytest.mark.parametrize(("device", "language"), EVERY_WAY)
def test_a_coordinator_lands_on_the_area_map(browser: Browser, live_server: str,
                                             sample_store: GraphStore, device: str,
                                             language: str) -> None:
    from assetmap.services import analysis

    analysis.run_analysis(sample_store)
    context, tab, errors = _tab(browser, live_server, device)
    tab.goto(f"{live_server}/login?lang={language}")
    _sign_in(tab, live_server, *_staff(sample_store, "coordinator", "org-council"))
    assert "/areas/" in tab.url, "a coordinator lands on Areas"
    tab.goto(f"{live_server}/areas/?level=small_area")
    tab.wait_for_load_state("networkidle")
    expect(tab.locator(".leaflet-overlay-pane path").first).to_be_attached()
    if tab.locator("#legend-title ~ ul li svg pattern").count():  # something withheld
        assert tab.locator(".leaflet-overlay-pane path[fill='url(#withheld-hatch)']").count()
    tab.locator(".map").screenshot(path=str(SCREENSHOTS / f"areas-map-{device}-{language}.png"))
    assert tab.locator("html").get_attribute("lang") == language
    assert errors == []
    context.close()


@pytest.mark.parametrize(("device", "language"), EVERY_WAY)
def test_an_admin_lands_on_users(browser: Browser, live_server: str, sample_store: GraphStore,
                                 device: str, language: str) -> None:
    context, tab, errors = _tab(browser, live_server, device)
    tab.goto(f"{live_server}/login?lang={language}")
    _sign_in(tab, live_server, *_staff(sample_store, "admin", "org-council"))
    assert tab.url.endswith("/admin/users"), "an admin lands on Users"
    _fits(tab, device)
    assert errors == []
    context.close()
