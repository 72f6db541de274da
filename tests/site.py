"""The site's routes as tests see them: who may open each, and a real URL for each rule
(filled with ids from the sample community). Shared by the route, language and
accessibility tests."""

from __future__ import annotations

import re

from assetmap.graph.store import GraphStore

ANONYMOUS = None
ROLES = (ANONYMOUS, "connector", "coordinator", "admin", "provider")
# blueprint -> status for anonymous, connector, coordinator, admin, provider (who manages
# the first place and group: see tests.conftest.StaffLogin)
EXPECTED: dict[str, tuple[int, int, int, int, int]] = {
    "public": (200, 200, 200, 200, 200),
    "finder": (200, 200, 200, 200, 200),
    "static": (200, 200, 200, 200, 200),
    "openapi": (200, 200, 200, 200, 200),
    "swagger": (200, 200, 200, 200, 200),
    "api_assets": (200, 200, 200, 200, 200),
    "api_directory": (200, 200, 200, 200, 200),
    "api_hsds": (200, 200, 200, 200, 200),
    "auth": (302, 200, 200, 200, 200),
    "people": (302, 200, 403, 403, 403),
    "directory": (302, 200, 200, 403, 403),
    "areas": (302, 403, 200, 403, 403),
    "admin": (302, 403, 403, 200, 403),
    "api_people": (401, 200, 403, 403, 403),
    "api_areas": (401, 200, 200, 200, 403),
    "claims": (200, 200, 200, 200, 200),
    "provider": (302, 403, 403, 403, 200),
    "reviews": (302, 200, 200, 403, 200),
    "api_provider": (401, 403, 403, 403, 200),
}
#: routes whose answer differs from their area's
EXCEPTIONS = {
    "auth.login": (200, 200, 200, 200, 200),
    "areas.run_status": (302, 403, 404, 403, 403),  # no such job in this process
    "finder.print_list": (400, 400, 400, 400, 400),  # nothing searched for
    "auth.second_step": (302, 302, 302, 302, 302),  # no password step waiting
    "auth.welcome": (404, 404, 404, 404, 404),  # no such invitation
    "claims.accept": (404, 404, 404, 404, 404),  # no such link
    "claims.confirm": (404, 404, 404, 404, 404),
    "reviews.review": (302, 404, 404, 403, 404),  # no such report
}


def arguments(store: GraphStore) -> dict[str, str]:
    """Ids for every part of a rule: a person of org-carers with someone in their circle
    who also cares for them, and a "what matters" conversation (made when missing)."""
    from assetmap.graph.people import what_matters

    person = store.run_read(
        "MATCH (p:Person)-[:RECORDED_BY]->(:Organisation {id: 'org-carers'}) "
        "MATCH (p)-[:KNOWS]->(o:Person) RETURN p.id AS p, o.id AS o ORDER BY p.id LIMIT 1")[0]
    store.run_write("MATCH (o:Person {id: $o}), (p:Person {id: $p}) "
                    "MERGE (o)-[:CARES_FOR {hours_per_week: 10}]->(p)", **person)
    conversation = store.run_read("MATCH (w:WhatMatters {person_id: $p}) RETURN w.id AS id "
                                  "LIMIT 1", p=person["p"]) or [what_matters.create(store, {
                                      "person_id": person["p"], "date": "2026-11-01",
                                      "recorded_by": "someone", "can_do_myself": "Bake"},
                                      about=person["p"])]
    first = {label: store.run_read(f"MATCH (n:{label}) RETURN n.id AS id LIMIT 1")[0]["id"]
             for label in ("Place", "Group", "Activity")}
    return {"person_id": person["p"], "other_id": person["o"], "carer_id": person["o"],
            "conversation_id": conversation[0]["id"], "asset_id": first["Place"],
            "slug": "places", "job_id": "no-such-job", "filename": "site.css",
            "/groups/<node_id>": f"/groups/{first['Group']}",
            "/activities/<node_id>": f"/activities/{first['Activity']}",
            "node_id": first["Place"], "level": "ward", "template_kind": "people",
            "token": "no-such-link", "report_id": "no-such-report",
            **_hsds_arguments(store, first)}


def _hsds_arguments(store: GraphStore, first: dict[str, str]) -> dict[str, str]:
    from assetmap.interop import hsds
    activity = hsds.hsds_id("Activity", first["Activity"])
    place = store.run_read("MATCH (:Activity {id: $id})-[:HELD_AT]->(p:Place) RETURN p.id AS id",
                           id=first["Activity"])[0]["id"]
    return {
        "/hsds/services/<id>": f"/hsds/services/{activity}",
        "/hsds/organizations/<id>": f"/hsds/organizations/{hsds.hsds_id('Group', first['Group'])}",
        "/hsds/service_at_locations/<id>": "/hsds/service_at_locations/" + hsds.part_id(
            activity, "service_at_location", hsds.hsds_id("Place", place)),
        "/hsds/taxonomies/<id>": f"/hsds/taxonomies/{hsds.TAXONOMY_ID}",
        "/hsds/taxonomy_terms/<id>": f"/hsds/taxonomy_terms/{hsds.term_id('music')}",
    }


def get_rules(app) -> list[tuple[str, str]]:  # noqa: ANN001
    cases = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        cases.append((rule.endpoint, rule.rule))
    return sorted(cases)




def fill(rule: str, values: dict[str, str]) -> str:
    """A rule's URL with its parts filled from ``values`` (from :func:`arguments`)."""
    url = rule
    for name, value in values.items():
        url = url.replace(name if name.startswith("/") else f"<{name}>", value)
    return url


def expected_status(endpoint: str, role: str | None) -> int:
    return EXCEPTIONS.get(endpoint, EXPECTED[endpoint.split(".")[0]])[ROLES.index(role)]


#: routes that answer with something other than an HTML page
NOT_PAGES = ("static", "openapi", "swagger", "api_", "directory.csv_template",
             "areas.download", "public.healthz", "public.places_geojson",
             "public.basemap", "areas.shapes")


def html_pages(app, store: GraphStore, role: str | None) -> list[str]:  # noqa: ANN001
    """The URL of every HTML page ``role`` may open (status 200)."""
    values = arguments(store)
    return [fill(rule, values) for endpoint, rule in get_rules(app)
            if not endpoint.startswith(NOT_PAGES) and "<path:" not in rule
            and expected_status(endpoint, role) == 200]


def page_language(html: str) -> str | None:
    """The language a page declares on its ``<html>`` element."""
    found = re.search(r'<html[^>]*\blang="([^"]+)"', html)
    return found.group(1) if found else None


def summary_value(html: str, key: str) -> str | None:
    """What a page's summary list says beside ``key`` (its ``dd``), or None."""
    found = re.search(rf'<dt class="govuk-summary-list__key">{re.escape(key)}</dt>\s*'
                      r'<dd class="govuk-summary-list__value">(.*?)</dd>', html, re.S)
    return found.group(1).strip() if found else None


def map_spec(html: str) -> dict:
    """The JSON a page gives its map (``static/maps.js`` draws it), parsed."""
    import json
    import re

    found = re.search(r'<script type="application/json" id="map-spec-1">(.*?)</script>', html,
                      re.S)
    assert found, "the page has no map"
    return json.loads(found.group(1))
