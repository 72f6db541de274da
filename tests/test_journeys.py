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
from tests.community import Community
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


def _ecomap_is_legible(tab: Page) -> None:
    """Every name on the ecomap (the centre's too) is at least 12 px on screen and none
    overlaps another, measured as the browser draws them."""
    drawn = tab.evaluate("""() => {
        const svg = document.querySelector('.ecomap svg');
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        return [...svg.querySelectorAll('g.member text, .centre-label')].map(t => {
            const r = t.getBoundingClientRect();
            return {text: t.textContent, left: r.left, top: r.top, right: r.right,
                    bottom: r.bottom,
                    px: parseFloat(getComputedStyle(t).fontSize) * scale};
        });
    }""")
    assert len(drawn) >= 13, drawn  # the centre and everyone in the circle
    for name in drawn:
        assert name["px"] >= 12, name
    for i, a in enumerate(drawn):
        for b in drawn[i + 1:]:
            # glyph boxes include the font's line gap: a couple of pixels is not an overlap
            across = min(a["right"], b["right"]) - max(a["left"], b["left"])
            down = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            assert across <= 2 or down <= 4, (a, b)


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
        "WITH p, collect(o) AS known ORDER BY size(known) DESC, p.id LIMIT 1 "
        "RETURN p.id AS p, known[0].id AS o, known[0].name AS name")[0]
    person, other, other_name = row["p"], row["o"], row["name"]
    crowd = Community(sample_store)  # a full circle, so the ecomap has names to keep apart
    for i, (name, circle) in enumerate([
            ("Gwenllian Prytherch", 1), ("Rhodri ap Hywel", 1), ("Sarah Lewis", 1),
            ("Sarah Lloyd", 2), ("Bartholomew Jones", 2), ("Iolo Morgan", 2), ("Mair Ellis", 2),
            ("Tomos Williams", 3), ("Eluned Morgan", 3), ("Dafydd Price", 3),
            ("Dr Angharad Evans", 4), ("Nurse Owen", 4)]):
        crowd.person(f"crowd-{i}", name=name)
        crowd.knows(person, f"crowd-{i}", "friend" if circle < 4 else "professional", circle,
                    both=False)
    context, tab, errors = _tab(browser, live_server, device)
    tab.goto(f"{live_server}/login?lang={language}")
    _sign_in(tab, live_server, *_staff(sample_store, "connector", "org-carers"))
    assert tab.url.endswith("/people/"), "a connector lands on People"
    tab.goto(f"{live_server}/people/{person}")
    expect(tab.locator("#summary")).to_be_visible()
    _on_screen(tab, "#summary", device)  # the verdict at a glance, at the top
    _fits(tab, device)
    _ecomap_is_legible(tab)
    tab.locator(".ecomap").screenshot(path=str(SCREENSHOTS / f"ecomap-{device}-{language}.png"))
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
