"""No name ever runs as script: hostile names entered through the API (a place, an
activity, people in a circle) and an area's name are shown as text on every page that
draws them, in a real browser, with every tooltip and popup opened."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from assetmap import accounts
from assetmap.graph.store import GraphStore
from tests.test_browser import _local_tab, _sign_in

pytestmark = pytest.mark.browser

#: ends a template literal, runs in one, ends a script, runs as markup, ends a string of
#: either quote, and breaks a line where JavaScript would
HOSTILE = ("Neuadd `+(window.__pwned='bt')+` ${window.__pwned='tl'} "
           "</script><script>window.__pwned='sc'</script>"
           "<img src=x onerror=\"window.__pwned='mk'\">'\");window.__pwned='q';('"
           "\u2028\u2029 diwedd")
SHOWN = "${window.__pwned='tl'}"

#: open every tooltip and popup Folium's layers carry (they live in global variables)
OPEN_LABELS = """() => {
  const map = document.querySelector("[data-map-spec]").assetmap;
  const layers = [];
  map.eachLayer(layer => layers.push(layer));
  let opened = 0;
  for (const layer of layers) {
    for (const open of ["openTooltip", "openPopup"]) {
      try { if (layer[open.replace("open", "get")]()) { layer[open](); opened++; } } catch (e) {}
    }
  }
  return opened;
}"""


@pytest.fixture
def hostile(client, sample_store: GraphStore) -> dict:  # noqa: ANN001
    """A place, an activity there, a person and their circle member, all named HOSTILE,
    entered through the API as a connector would; and one small area renamed so."""
    accounts.create_user(sample_store, "api@example.cymru", "connector", "org-carers")
    _, token = accounts.create_token(sample_store, "api@example.cymru")
    bearer = {"Authorization": f"Bearer {token}"}

    def made(path: str, body: dict) -> dict:
        response = client.post(f"/api/v1/{path}", headers=bearer, json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    place = made("places", {"name": HOSTILE, "town": "Llanidloes", "lat": 52.449,
                            "lon": -3.539})
    made("activities", {"name": HOSTILE, "weekday": "tue", "start": "10:00", "end": "12:00",
                        "categories": ["social"], "place_id": place["id"]})
    person = made("people", {"name": HOSTILE, "postcode": "SY18 6AB", "interests": ["social"]})
    member = made("people", {"name": HOSTILE, "postcode": "SY18 6HB"})
    made(f"people/{person['id']}/ties", {"other_id": member["id"], "relation": "friend",
                                         "circle": 2, "contact": "weekly"})
    area = sample_store.run_write(
        "MATCH (a:Area {level: 'small_area'}) WITH a LIMIT 1 SET a.name = $name "
        "RETURN a.id AS id", name=HOSTILE)[0]["id"]
    from assetmap.services import analysis
    analysis.run_analysis(sample_store)
    return {"place": place["id"], "person": person["id"], "area": area}


def test_hostile_names_never_run(browser: Browser, live_server: str,
                                 sample_store: GraphStore, hostile: dict) -> None:
    context, tab = _local_tab(browser, live_server)
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    pages = {  # page -> whether one of its opened labels shows the name
        "/": False, "/find?near=Llanidloes&radius_km=5": False,
        "/find?near=Llanidloes&radius_km=5&text=diwedd": True,
        f"/assets/{hostile['place']}": True}
    staff = {
        "connector": {f"/people/{hostile['person']}": True,
                      f"/people/{hostile['person']}/suggestions": True},
        "coordinator": {"/areas/?level=small_area": False},
    }
    visited = []
    for role, urls in [(None, pages), *staff.items()]:
        if role:
            email = f"xss-{role}@example.cymru"
            _, password = accounts.create_user(sample_store, email, role, "org-carers")
            _sign_in(tab, live_server, email, password)
        for url, labelled in urls.items():
            tab.goto(live_server + url)
            tab.wait_for_load_state("networkidle")  # the layers fetched as JSON are drawn
            assert tab.locator(".leaflet-container").count() == 1, url
            opened = tab.evaluate(OPEN_LABELS)
            shown = tab.locator(".leaflet-tooltip-pane, .leaflet-popup-pane").all_text_contents()
            assert tab.evaluate("window.__pwned") is None, (url, tab.evaluate("window.__pwned"))
            assert tab.title() != "pwned" and errors == [], (url, errors)
            if labelled:
                assert opened and any(SHOWN in text for text in shown), (url, shown)
            visited.append(url)
        if role:
            tab.locator("form[action$='/logout'] button").click()
    assert len(visited) == 7
    context.close()
