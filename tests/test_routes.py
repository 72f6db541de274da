"""Every GET route of the app for anonymous visitors and each role: the status expected.

Built from the app's URL map, so a new route fails here until its area (in tests/site.py)
says who may see it. Person routes are asked for a person of the signed-in connector's own
organisation.
"""

from __future__ import annotations

import pytest

from assetmap.graph.store import GraphStore
from tests import site
from tests.conftest import provider_account as site_provider
from tests.site import EXCEPTIONS, EXPECTED, ROLES, get_rules, page_language


def test_every_get_route_has_an_expectation(app) -> None:  # noqa: ANN001
    missing = [endpoint for endpoint, _ in get_rules(app)
               if endpoint not in EXCEPTIONS and endpoint.split(".")[0] not in EXPECTED]
    assert missing == [], "say who may see these routes in tests/test_routes.py"


@pytest.mark.parametrize("language", [None, "cy"])
@pytest.mark.parametrize("role", ROLES)
def test_get_routes_by_role(app, client, sign_in, sample_store: GraphStore,  # noqa: ANN001
                            role: str | None, language: str | None) -> None:
    """Each route answers the same whether or not ``lang`` (the language switch) is in the
    query: it is never taken for one of the route's own parameters."""
    from assetmap import accounts
    headers = {}
    if role:
        sign_in(role, "org-carers")
        email = f"api-{role}@example.cymru"
        if role == "provider":
            site_provider(sample_store, email)
        else:
            accounts.create_user(sample_store, email, role, "org-carers")
        headers = {"Authorization": f"Bearer {accounts.create_token(sample_store, email)[1]}"}
    arguments = site.arguments(sample_store)
    column = ROLES.index(role)
    pages = {endpoint for endpoint, _ in get_rules(app) if not endpoint.startswith(
        site.NOT_PAGES)}
    wrong = []
    for endpoint, rule in get_rules(app):
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
        if language:
            url += ("&" if "?" in url else "?") + f"lang={language}"
        response = client.get(url, headers=headers if is_api else {})
        if endpoint in ("openapi.static", "swagger.static") and response.status_code == 404:
            continue  # the docs packages' static folders hold other file names
        if response.status_code != expected:
            wrong.append((endpoint, url, response.status_code, expected))
        elif (language and response.status_code == 200 and endpoint in pages
              and page_language(response.get_data(as_text=True)) != language):
            wrong.append((endpoint, url, "not in the language asked for"))
    assert wrong == [], "\n".join(map(str, wrong))


#: the forms anyone may send, and what an empty one is answered
PUBLIC_FORMS = {"claims.claim": 400, "claims.accept": 404, "claims.confirm": 404,
                "claims.report_change": 400}


def test_every_change_needs_a_signed_in_user(app, client, sample_store: GraphStore) -> None:  # noqa: ANN001
    """Anonymous POSTs (with a valid CSRF token) are sent to sign in; API changes are 401."""
    from tests.conftest import csrf_token
    token = csrf_token(client.get("/login").get_data(as_text=True))
    arguments = site.arguments(sample_store)
    before = sample_store.counts()
    wrong = []
    for rule in app.url_map.iter_rules():
        methods = rule.methods & {"POST", "PATCH", "DELETE"}
        blueprint = rule.endpoint.split(".")[0]
        if not methods or rule.endpoint in ("auth.login", "auth.welcome"):
            continue  # signing in, and choosing a password through an invitation's link
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
                # the public's own forms: asking to look after a listing (refused here:
                # no address given), and the links only a listing's mailbox holds
                expected = PUBLIC_FORMS.get(rule.endpoint, 302)
            if response.status_code != expected or (
                    expected == 302 and "/login" not in response.headers["Location"]):
                wrong.append((blueprint, method, url, response.status_code))
    assert wrong == [], "\n".join(map(str, wrong))
    assert sample_store.counts() == before
