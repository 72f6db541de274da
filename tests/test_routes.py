"""Every GET route of the app for anonymous visitors and each role: the status expected.

Built from the app's URL map, so a new route fails here until its area says who may see
it. Person routes are asked for a person of the signed-in connector's own organisation.
"""

from __future__ import annotations

import pytest

from assetmap.graph.store import GraphStore

ANONYMOUS = None
ROLES = (ANONYMOUS, "connector", "coordinator", "admin")
# blueprint -> status for anonymous, connector, coordinator, admin
EXPECTED: dict[str, tuple[int, int, int, int]] = {
    "public": (200, 200, 200, 200),
    "finder": (200, 200, 200, 200),
    "static": (200, 200, 200, 200),
    "openapi": (200, 200, 200, 200),
    "swagger": (200, 200, 200, 200),
    "api_assets": (200, 200, 200, 200),
    "api_directory": (200, 200, 200, 200),
    "api_hsds": (200, 200, 200, 200),
    "auth": (302, 200, 200, 200),
    "people": (302, 200, 403, 403),
    "directory": (302, 200, 200, 403),
    "areas": (302, 403, 200, 403),
    "admin": (302, 403, 403, 200),
    "api_people": (401, 200, 403, 403),
    "api_areas": (401, 200, 200, 200),
}
#: routes whose answer differs from their area's
EXCEPTIONS = {
    "auth.login": (200, 200, 200, 200),
    "areas.run_status": (302, 403, 404, 403),  # no such job in this process
    "finder.print_list": (400, 400, 400, 400),  # nothing searched for
    "auth.second_step": (302, 302, 302, 302),  # no password step waiting
}


def _arguments(store: GraphStore) -> dict[str, str]:
    person = store.run_read(
        "MATCH (p:Person)-[:RECORDED_BY]->(:Organisation {id: 'org-carers'}) "
        "MATCH (p)-[:KNOWS]->(o:Person) RETURN p.id AS p, o.id AS o ORDER BY p.id LIMIT 1")[0]
    first = {label: store.run_read(f"MATCH (n:{label}) RETURN n.id AS id LIMIT 1")[0]["id"]
             for label in ("Place", "Group", "Activity")}
    return {"person_id": person["p"], "other_id": person["o"], "asset_id": first["Place"],
            "slug": "places", "job_id": "no-such-job", "filename": "site.css",
            "/groups/<node_id>": f"/groups/{first['Group']}",
            "/activities/<node_id>": f"/activities/{first['Activity']}",
            "node_id": first["Place"], "template_kind": "people",
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


def _cases(app) -> list[tuple[str, str]]:  # noqa: ANN001
    cases = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        cases.append((rule.endpoint, rule.rule))
    return sorted(cases)


def test_every_get_route_has_an_expectation(app) -> None:  # noqa: ANN001
    missing = [endpoint for endpoint, _ in _cases(app)
               if endpoint not in EXCEPTIONS and endpoint.split(".")[0] not in EXPECTED]
    assert missing == [], "say who may see these routes in tests/test_routes.py"


@pytest.mark.parametrize("role", ROLES)
def test_get_routes_by_role(app, client, sign_in, sample_store: GraphStore,  # noqa: ANN001
                            role: str | None) -> None:
    from assetmap import accounts
    headers = {}
    if role:
        sign_in(role, "org-carers")
        email = f"api-{role}@example.cymru"
        accounts.create_user(sample_store, email, role, "org-carers")
        headers = {"Authorization": f"Bearer {accounts.create_token(sample_store, email)[1]}"}
    arguments = _arguments(sample_store)
    column = ROLES.index(role)
    wrong = []
    for endpoint, rule in _cases(app):
        if endpoint.startswith("static") or "filename" in rule and endpoint != "static":
            url = rule.replace("<path:filename>", "index.html" if "swagger" in endpoint
                               else "site.css")
        else:
            url = rule
        for name, value in arguments.items():
            part = name if name.startswith("/") else f"<{name}>"
            url = url.replace(part, value)
        if "<" in url:
            wrong.append((endpoint, "no value for a part of", url))
            continue
        expected = EXCEPTIONS.get(endpoint, EXPECTED[endpoint.split(".")[0]])[column]
        is_api = url.startswith("/api/v1/") and not endpoint.startswith(("openapi", "swagger"))
        response = client.get(url, headers=headers if is_api else {})
        if endpoint in ("openapi.static", "swagger.static") and response.status_code == 404:
            continue  # the docs packages' static folders hold other file names
        if response.status_code != expected:
            wrong.append((endpoint, url, response.status_code, expected))
    assert wrong == [], "\n".join(map(str, wrong))


def test_every_change_needs_a_signed_in_user(app, client, sample_store: GraphStore) -> None:  # noqa: ANN001
    """Anonymous POSTs (with a valid CSRF token) are sent to sign in; API changes are 401."""
    from tests.conftest import csrf_token
    token = csrf_token(client.get("/login").get_data(as_text=True))
    arguments = _arguments(sample_store)
    before = sample_store.counts()
    wrong = []
    for rule in app.url_map.iter_rules():
        methods = rule.methods & {"POST", "PATCH", "DELETE"}
        blueprint = rule.endpoint.split(".")[0]
        if not methods or rule.endpoint == "auth.login":
            continue
        url = rule.rule
        for name, value in arguments.items():
            url = url.replace(name if name.startswith("/") else f"<{name}>", value)
        url = url.replace("<carer_id>", arguments["other_id"]).replace(
            "<target_id>", arguments["node_id"]).replace("<user_id>", "u").replace(
            "<tie_id>", f"{arguments['person_id']}~{arguments['other_id']}")
        for method in methods:
            if url.startswith("/api/"):
                response = client.open(url, method=method, json={})
                expected = 401
            else:
                response = client.open(url, method=method, data={"csrf_token": token})
                expected = 302
            if response.status_code != expected or (
                    expected == 302 and "/login" not in response.headers["Location"]):
                wrong.append((blueprint, method, url, response.status_code))
    assert wrong == [], "\n".join(map(str, wrong))
    assert sample_store.counts() == before
