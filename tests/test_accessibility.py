"""WCAG 2.2 AA: axe-core (axe-playwright-python) in Debian's Chromium on every page each
kind of user can open, error pages too, in English and in Welsh: 0 violations."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, expect

from assetmap import accounts
from assetmap.graph.store import GraphStore
from tests import site
from tests.conftest import provider_account
from tests.test_browser import _local_tab

pytestmark = pytest.mark.browser

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
OPTIONS = {"runOnly": {"type": "tag", "values": TAGS}}
#: pages in other states each kind of user meets: results, errors, refusals
STATES = {None: ["/find?near=Llanidloes&radius_km=20", "/find/print?near=Llanidloes",
                 "/no-such-page", "/find?near=Nowhere-at-all&radius_km=999"],
          "connector": ["/admin/users", "/people/no-such-person", "/people/?q=a"],
          "coordinator": ["/people/", "/areas/?level=small_area&measure=asset_desert"],
          "admin": ["/areas/"], "provider": ["/people/", "/reviews/"]}
#: forms sent empty, to check the error summary and the fields' messages
FORMS = {None: ["/login"], "connector": ["/people/new", "/directory/places/new"],
         "coordinator": ["/directory/activities/new"], "admin": ["/admin/users"],
         "provider": []}


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


def _summary(violation: dict) -> str:
    nodes = "; ".join(node["target"][0] if isinstance(node["target"][0], str)
                      else str(node["target"][0]) for node in violation["nodes"][:3])
    return f"{violation['id']} ({violation['impact']}): {violation['help']} at {nodes}"


@pytest.mark.parametrize("language", ["en", "cy"])
@pytest.mark.parametrize("role", site.ROLES)
def test_every_page_has_no_axe_violations(app, browser: Browser, live_server: str,  # noqa: ANN001
                                          sample_store: GraphStore, axe: Axe,
                                          role: str | None, language: str) -> None:
    context, tab = _local_tab(browser, live_server)
    context.add_cookies([{"name": "assetmap_lang", "value": language, "url": live_server}])
    if role:
        email = f"axe-{role}-{language}@example.cymru"
        _, password = provider_account(sample_store, email) if role == "provider" else \
            accounts.create_user(sample_store, email, role, "org-carers", "Axe")
        tab.goto(live_server + "/login")
        tab.fill("#email", email)
        tab.fill("#password", password)
        tab.press("#password", "Enter")
        tab.wait_for_url(lambda url: "/login" not in url)
    urls = [*site.html_pages(app, sample_store, role), *STATES[role]]
    forms = list(FORMS[role])
    if role is None:  # an invitation's page, where a new user chooses their password
        _, token = accounts.invite_user(sample_store, f"axe-new-{language}@example.cymru",
                                        "connector", "org-carers")
        urls.append(f"/welcome/{token}")
        forms.append(f"/welcome/{token}")
    problems, rules = [], set()
    for url in [*urls, *(f"{form}#send" for form in forms)]:
        tab.goto(live_server + url)
        if url.endswith("#send"):
            tab.locator("main form[method=post] button[type=submit]").first.click()
            tab.wait_for_load_state()
        result = axe.run(tab, options=OPTIONS).response
        rules |= {rule["id"] for kind in ("violations", "passes", "incomplete")
                  for rule in result.get(kind, [])}
        problems += [f"{url}: {_summary(v)}" for v in result["violations"]]
    context.close()
    print(f"\naxe {role or 'anonymous'}/{language}: {len(urls) + len(forms)} pages, "
          f"{len(rules)} rules "
          f"applied ({', '.join(TAGS)}), {len(problems)} violations")
    assert problems == [], "\n".join(problems)


_FOCUS = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  // the design system's checkboxes and radios draw their ring round the box their label
  // draws (label::before), the input itself being transparent over it
  const drawn = (el.type === 'checkbox' || el.type === 'radio') && el.labels.length
    ? getComputedStyle(el.labels[0], '::before') : null;
  return {tag: el.tagName, id: el.id, text: (el.innerText || el.value || '').slice(0, 60),
          href: el.getAttribute('href') || '',
          ring: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2)
                || style.boxShadow !== 'none' || (drawn !== null && drawn.boxShadow !== 'none'),
          shown: box.width > 0 && box.height > 0};
}"""


def _tab_to(tab, matches, key: str = "Tab", limit: int = 80) -> list[dict]:  # noqa: ANN001
    """Press ``key`` until the focused element ``matches``; every stop on the way."""
    stops = []
    for _ in range(limit):
        tab.keyboard.press(key)
        focus = tab.evaluate(_FOCUS)
        stops.append(focus)
        if matches(focus):
            return stops
    raise AssertionError(f"never reached it with {key}: {stops[-5:]}")


@pytest.mark.parametrize("language", ["en", "cy"])
def test_keyboard_only_find_an_activity_and_open_it(browser: Browser, live_server: str,
                                                    sample_store: GraphStore,
                                                    language: str) -> None:
    context, tab = _local_tab(browser, live_server)
    context.add_cookies([{"name": "assetmap_lang", "value": language, "url": live_server}])
    tab.goto(live_server + "/")
    stops = _tab_to(tab, lambda f: f["href"].startswith("/find"))
    tab.keyboard.press("Enter")
    tab.wait_for_url("**/find")
    stops += _tab_to(tab, lambda f: f["id"] == "f-near")
    tab.keyboard.type("Llanidloes")
    stops += _tab_to(tab, lambda f: f["id"] == "f-radius_km")
    stops += _tab_to(tab, lambda f: f["id"] == "f-near", key="Shift+Tab")  # and back
    stops += _tab_to(tab, lambda f: f["tag"] == "BUTTON" and f["text"] in ("Search", "Chwilio"))
    tab.keyboard.press("Enter")
    tab.wait_for_url("**/find?*near=Llanidloes*")
    stops += _tab_to(tab, lambda f: "/assets/" in f["href"] and "#activity-" in f["href"])
    chosen = stops[-1]
    tab.keyboard.press("Enter")
    tab.wait_for_url("**/assets/**")
    activity = chosen["href"].split("#")[1]
    chosen = tab.locator(f".app-activity--chosen:has(#{activity})")
    assert chosen.count() == 1, "the activity is shown"
    expect(chosen.locator("h3")).to_be_in_viewport()
    hidden = [stop for stop in stops if not (stop["ring"] and stop["shown"])]
    context.close()
    print(f"\nkeyboard ({language}): {len(stops)} key presses, focus visible at every stop")
    assert hidden == [], hidden
