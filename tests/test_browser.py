"""The real app served by waitress, driven by Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from assetmap import accounts
from assetmap.graph.store import GraphStore

pytestmark = pytest.mark.browser

def _local_tab(browser: Browser, live_server: str, **options: object):  # noqa: ANN202
    """A new browser context and tab that reach only our own server (map tiles and CDN
    scripts are not reachable from here)."""
    # no animations (Leaflet's fades and zooms honour it): tests see the page as it settles
    context = browser.new_context(**{"reduced_motion": "reduce", **options})
    tab = context.new_page()
    tab.route("**/*", lambda route: route.continue_()
              if route.request.url.startswith(live_server) else route.abort())
    return context, tab


@pytest.fixture
def page(browser: Browser, live_server: str) -> Iterator[Page]:
    context, tab = _local_tab(browser, live_server)
    blocked: list[str] = []
    tab.on("console", lambda message: blocked.append(message.text)
           if "Content Security Policy" in message.text else None)
    yield tab
    context.close()
    assert blocked == [], "the Content-Security-Policy blocked something the page needs"


def _places_on_map(page: Page, timeout_s: float = 5.0) -> int:
    """Places shown: markers plus the counts on clusters, once the zoom animation settles."""
    deadline = time.monotonic() + timeout_s
    shown = -1
    while time.monotonic() < deadline:
        page.wait_for_timeout(200)
        clustered = sum(int(n) for n in page.locator(".marker-cluster").all_inner_texts())
        single = page.locator(
            ".leaflet-marker-icon:not(.marker-cluster):not(.town-label)").count()
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
    assert page.locator("#count-people").count() == 0  # a public page counts no one
    page.get_by_text("Places by town (the map as a list)").click()
    rows = page.locator("details table tbody tr")
    expect(rows.first).to_be_visible()
    assert sum(int(n) for n in rows.locator("td:nth-child(2)").all_inner_texts()) == \
        counts["nodes"]["Place"]


def test_the_api_documentation_works_under_the_strict_policy(page: Page,
                                                              live_server: str) -> None:
    """Swagger UI draws the API from its OpenAPI document with no inline script or style
    but what carries the nonce (the page fixture fails on anything the policy blocked)."""
    page.goto(live_server + "/api/v1/swagger")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    expect(page.locator("#swagger-ui")).to_contain_text("/api/v1/people")


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


# -- the journeys of issue 5, one per kind of user ------------------------------------------

SCREENSHOTS = Path(os.environ.get("ASSETMAP_SCREENSHOT_DIR", tempfile.gettempdir()))


def _staff(store: GraphStore, role: str, organisation: str) -> tuple[str, str]:
    email = f"{role}.journey@example.cymru"
    _, password = accounts.create_user(store, email, role, organisation, f"Journey {role}")
    return email, password


def _sign_in(page: Page, live_server: str, email: str, password: str) -> None:
    page.goto(live_server + "/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("main button[type=submit]").click()
    expect(page.locator("form[action$='/logout'] button")).to_be_visible()


def test_public_finds_a_welsh_step_free_activity_on_a_day(page: Page, live_server: str,
                                                          sample_store: GraphStore) -> None:
    from collections import Counter

    from assetmap.services import finder
    asked = {"near": "Llanidloes", "radius_km": "10", "welsh": "true", "step_free": "true"}
    days = Counter(session["weekday"] for row in finder.find(
        sample_store, finder.parse({**asked, "per_page": "100"})).results
        for session in row["sessions"])
    assert days, "the sample has Welsh activities at step-free places near Llanidloes"
    day = days.most_common(1)[0][0]
    expected = finder.find(sample_store, finder.parse({**asked, "day": day}))
    page.goto(live_server + "/find")
    page.get_by_label("Near (town, village or postcode)").fill("Llanidloes")
    page.get_by_label("Within", exact=True).select_option("10")
    page.get_by_label("Day", exact=True).select_option(day)
    page.get_by_label("In Welsh (Cymraeg)").check()
    page.get_by_label("Step-free access").check()
    page.get_by_role("button", name="Search").click()
    results = page.locator("li.result")
    expect(results).to_have_count(expected.total)
    first = expected.results[0]["activity"]
    expect(page.locator(f"#result-{first['id']}")).to_contain_text(first["name"])
    places = {row["place"]["id"] for row in expected.results}
    assert _places_on_map(page) == len(places)
    page.screenshot(path=str(SCREENSHOTS / "finder.png"), full_page=True)
    page.locator(f"#result-{first['id']} h3 a").click()
    chosen = page.locator(f".app-activity--chosen:has(#activity-{first['id']})")
    expect(chosen).to_have_count(1)
    expect(chosen.locator("h3")).to_be_in_viewport()  # it lands on the activity's title


@pytest.mark.parametrize(("language", "town"), [("en", "Newtown"), ("cy", "Y Drenewydd")])
def test_a_map_without_tiles_still_shows_where_things_are(
        browser: Browser, live_server: str, language: str, town: str) -> None:
    """Tiles never load in these tests (only our own server is reachable): the basemap
    drawn from our own data gives the authorities' outlines and the towns' names, in the
    page's language, and Leaflet's buttons speak it too."""
    context, tab = _local_tab(browser, live_server, viewport={"width": 390, "height": 844})
    tab.goto(f"{live_server}/find?near=Llanidloes&radius_km=10&lang={language}")
    outlines = tab.locator(".leaflet-basemap-pane path")
    expect(outlines.first).to_be_attached()
    assert outlines.count() >= 1
    expect(tab.locator(".town-label", has_text="Llanidloes").first).to_be_visible()
    assert tab.locator(".town-label", has_text=town).count() == 1
    zoom_in = tab.locator(".leaflet-control-zoom-in").get_attribute("title")
    assert (zoom_in == "Zoom in") == (language == "en")
    # one finger scrolls the page over the map; the hint is in the page's language
    container = tab.locator(".leaflet-container[data-gesture-handling-touch-content]")
    expect(container).to_have_count(1)
    hint = container.get_attribute("data-gesture-handling-touch-content")
    assert hint and (hint == "Use two fingers to move the map") == (language == "en")
    assert "mi" not in tab.locator(".leaflet-control-scale").inner_text().split()
    tab.locator("#map-heading, .map").first.scroll_into_view_if_needed()
    tab.screenshot(path=str(SCREENSHOTS / f"map-tiles-blocked-{language}.png"), full_page=False)
    context.close()


def test_on_a_phone_the_results_come_first(browser: Browser, live_server: str) -> None:
    """A phone search lands on the results: the form folds behind "Change search", the
    results heading has the focus and is on screen; with nothing found, what would find
    something is one tap away, and taking it finds that many."""
    context, tab = _local_tab(browser, live_server, viewport={"width": 390, "height": 844},
                              is_mobile=True, has_touch=True)
    started = time.monotonic()
    tab.goto(live_server + "/find")
    tab.get_by_label("Near (town, village or postcode)").fill("Llanidloes")
    tab.get_by_label("In Welsh (Cymraeg)").check()
    tab.get_by_label("Day", exact=True).select_option("sun")
    tab.get_by_label("Time of day").select_option("eve")
    tab.get_by_role("button", name="Search").click()
    heading = tab.locator("#results-heading")
    expect(heading).to_be_focused()
    assert tab.locator("#search-details").get_attribute("open") is None, "the form folds"
    box = heading.bounding_box()
    assert box is not None and 0 <= box["y"] < 844, "the results heading is on screen"
    offer = tab.locator("#relaxations a").first
    expect(offer).to_be_visible()
    tab.screenshot(path=str(SCREENSHOTS / "finder-no-results.png"), full_page=False)
    promised = int(offer.inner_text().split()[0])
    offer.click()
    expect(tab.locator("li.result")).to_have_count(min(promised, 25))
    expect(tab.locator("#results-heading")).to_be_focused()
    print(f"\nphone journey, from the empty finder to results: "
          f"{time.monotonic() - started:.1f} s of page time")
    tab.goto(live_server + "/find/print?near=Llanidloes&radius_km=10")
    expect(tab.get_by_role("button", name="Print this list")).to_be_visible()
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390, "fits the phone"
    context.close()


def test_connector_records_a_circle_and_refers(page: Page, live_server: str,
                                               sample_store: GraphStore) -> None:
    _sign_in(page, live_server, *_staff(sample_store, "connector", "org-carers"))
    page.get_by_role("link", name="People", exact=True).click()
    page.get_by_role("link", name="Record a new person").click()
    page.get_by_label("Name").fill("Megan Jones")
    page.get_by_label("Year of birth").fill("1941")
    page.get_by_label("Home postcode").fill("SY18 6AB")
    page.get_by_label("Welsh (Cymraeg)").check()
    page.get_by_label("Lives alone").select_option("yes")
    page.get_by_label("Interests").fill("singing, reading")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Megan Jones")

    page.get_by_role("link", name="Record a “what matters” conversation").click()
    page.get_by_label("What I can do for myself").fill("Cook, read, garden a little")
    page.get_by_label("What I need a little help with").fill("Getting to chapel")
    page.get_by_label("What others (family, friends, community) might provide").fill("Lifts")
    page.get_by_role("button", name="Record the conversation").click()
    expect(page.locator("#what-matters-section")).to_contain_text("Getting to chapel")

    for name, relation, circle, contact in (
            ("Siân Jones", "family", "1", "daily"), ("Dr Evans", "professional", "4", "monthly"),
            ("Bryn Price", "neighbour", "3", "monthly")):
        page.get_by_role("link", name="Add someone to the circle").click()
        page.get_by_label("Name of someone new").fill(name)
        page.get_by_label("Relationship").select_option(relation)
        page.get_by_label("Circle").select_option(circle)
        page.get_by_label("How often in touch").select_option(contact)
        page.get_by_label("How close (1-5)").select_option("3")
        page.get_by_role("button", name="Add to the circle").click()
        expect(page.locator("#circle-table")).to_contain_text(name)
    expect(page.locator("#fragile-warning")).to_contain_text("Siân Jones")
    expect(page.locator("svg g.member")).to_have_count(3)

    # the nearest volunteer's record is shared with the carers' organisation (with their
    # consent), so the connector may see and invite them
    from assetmap.graph import consents
    from assetmap.services import analysis
    megan = page.url.split("/people/")[1].split("#")[0].split("/")[0]
    candidate = next(s for s in analysis.suggest(sample_store, megan, 15)
                     if s["kind"] in ("volunteer", "person"))
    consents.record(sample_store, {
        "person_id": candidate["id"], "organisation_id": "org-carers", "given_by": "person",
        "purpose": "share_with_organisation", "given_at": "2026-01-01"})
    page.get_by_role("link", name="Suggestions", exact=True).click()
    invite = page.get_by_role("button", name=re.compile(r"^Invite ")).first
    invited = invite.inner_text().removeprefix("Invite ").removesuffix(" into the circle")
    invite.click()
    expect(page.locator("#circle-table")).to_contain_text(invited)
    page.get_by_role("link", name="Suggestions", exact=True).click()
    refer = page.get_by_role("button", name=re.compile(r"^Refer Megan Jones to ")).first
    activity = refer.inner_text().removeprefix("Refer Megan Jones to ")
    refer.click()
    referral = page.locator("section:has(#referrals) .app-referral").filter(has_text=activity)
    expect(referral).to_have_count(1)
    referral.get_by_label("Note").fill("Went with her daughter")
    referral.get_by_role("button", name="Update").click()
    expect(page.locator("section:has(#referrals) .app-referral").filter(
        has_text=activity).get_by_label("Note")).to_have_value("Went with her daughter")
    page.screenshot(path=str(SCREENSHOTS / "person.png"), full_page=True)


def test_coordinator_opens_the_hotspot_map_and_downloads_csv(page: Page, live_server: str,
                                                             sample_store: GraphStore) -> None:
    from assetmap.services import analysis
    from seed.generator import generate, write
    sample_store.clear()  # a demo-sized community: several areas at each level
    sample_store.init_schema()
    write(sample_store, generate(2000, seed=7))
    analysis.run_analysis(sample_store)
    _sign_in(page, live_server, *_staff(sample_store, "coordinator", "org-council"))
    page.get_by_role("link", name="Areas").click()
    page.get_by_label("Level").select_option("small_area")
    page.get_by_role("button", name="Show").click()
    shapes = page.locator("path.leaflet-interactive")
    expect(shapes.first).to_be_visible()
    assert shapes.count() == len(analysis.hotspots(sample_store, "small_area"))
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this table as CSV").click()
    text = Path(download.value.path()).read_text()
    assert text.splitlines()[0].startswith("id,name,level")
    page.screenshot(path=str(SCREENSHOTS / "areas.png"), full_page=True)


def test_admin_creates_a_user(page: Page, live_server: str, sample_store: GraphStore) -> None:
    _sign_in(page, live_server, *_staff(sample_store, "admin", "org-council"))
    page.get_by_role("link", name="Users").click()
    page.get_by_label("E-mail").fill("eleri@example.cymru")
    page.get_by_label("Name", exact=True).fill("Eleri")
    page.get_by_label("Role", exact=True).select_option("connector")
    page.get_by_label("Organisation").select_option("org-carers")
    page.get_by_role("button", name="Add the user").click()
    link = page.locator("#invitation-link code").inner_text()
    expect(page.locator("#users-table")).to_contain_text("eleri@example.cymru")
    page.screenshot(path=str(SCREENSHOTS / "admin.png"), full_page=True)
    page.locator("form[action$='/logout'] button").click()
    page.goto(link)  # Eleri, with the link she was given
    chosen = "mae'r llanw'n uchel yn Aberdyfi heno"
    page.get_by_label("New password", exact=True).fill(chosen)
    page.get_by_label("New password again").fill(chosen)
    page.get_by_role("button", name="Set my password").click()
    expect(page.get_by_role("status")).to_contain_text("Your password is set")
    assert accounts.authenticate(sample_store, "eleri@example.cymru", chosen)


def test_carers_organisation_maps_a_carer(page: Page, live_server: str,
                                          sample_store: GraphStore) -> None:
    cared_for = sample_store.run_read(
        "MATCH (p:Person)-[:RECORDED_BY]->(:Organisation {id: 'org-carers'}) "
        "MATCH (p)-[:KNOWS]->() WHERE p.id STARTS WITH 'person-' AND NOT ()-[:CARES_FOR]->(p) "
        "RETURN p.id AS id, p.name AS name ORDER BY p.id LIMIT 1")[0]
    _sign_in(page, live_server, *_staff(sample_store, "connector", "org-carers"))
    page.goto(f"{live_server}/people/{cared_for['id']}")
    page.get_by_role("link", name="Record a carer").click()
    page.get_by_label("Name of the carer").fill("Gwenllian Morgan")
    page.get_by_label("Hours of care a week").fill("55")
    page.get_by_role("button", name="Record the carer").click()
    expect(page.locator("#circle-table")).to_contain_text("unpaid carer (55 h a week)")
    expect(page.locator("svg g.member.relation-carer")).to_have_count(1)
    page.get_by_role("link", name="Gwenllian Morgan", exact=True).click()
    expect(page.locator("#carer-risk")).to_contain_text("Breakdown risk")
    expect(page.get_by_role("link", name=cared_for["name"])).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "carer.png"), full_page=True)


@pytest.mark.parametrize("language", ["en", "cy"])
@pytest.mark.parametrize("role", ["connector", "coordinator", "admin"])
def test_pages_reflow_at_320_px(app, browser: Browser, live_server: str,  # noqa: ANN001
                                sample_store: GraphStore, role: str, language: str) -> None:
    """WCAG 1.4.10: every page fits 320 CSS px (a phone, or 1280 px at 400 % zoom, so
    200 % too) without scrolling sideways, in both languages (Welsh words run longer).
    The public pages are among each role's."""
    from tests import site
    context, phone = _local_tab(browser, live_server, viewport={"width": 320, "height": 640})
    context.add_cookies([{"name": "assetmap_lang", "value": language, "url": live_server}])
    try:
        _sign_in(phone, live_server, *_staff(sample_store, role, "org-carers"))
        paths = ["/find?near=Llanidloes&radius_km=20", *site.html_pages(app, sample_store, role)]
        wide = []
        for path in paths:
            phone.goto(live_server + path)
            width = phone.evaluate("document.documentElement.scrollWidth")
            if width > 320:
                wide.append((path, width))
        assert wide == [], f"wider than 320 px: {wide}"
    finally:
        context.close()


def test_use_my_location(browser: Browser, live_server: str, sample_store: GraphStore) -> None:
    from assetmap.services import finder
    here = {"latitude": 52.4490, "longitude": -3.5400}
    context, tab = _local_tab(browser, live_server, geolocation=here,
                              permissions=["geolocation"])
    try:
        tab.goto(live_server + "/find")
        tab.get_by_role("button", name="Use my location").click()
        expect(tab.get_by_role("heading", level=2)).to_contain_text("your location")
        expected = finder.find(sample_store, finder.parse(
            {"lat": "52.449", "lon": "-3.54", "radius_km": "10"}))
        expect(tab.locator("li.result")).to_have_count(min(expected.total, 25))
        assert "lat=52.4490" in tab.url and "lon=-3.5400" in tab.url
    finally:
        context.close()
