"""Who may reach a person's record: every person-level route of the pages (URL map) and of
the API (its OpenAPI document) x eight kinds of caller. Zero leaks.

Routes that change a record are asked only by callers who must be refused (so nothing
changes); routes that read are asked by everyone. A person-level route added without a
row below fails ``test_every_person_route_is_in_the_matrix``.
"""

from __future__ import annotations

import re

import pytest

from assetmap import accounts
from assetmap.graph import consents
from assetmap.graph.people import what_matters
from assetmap.graph.store import GraphStore
from tests.conftest import AuthActions, csrf_token, provider_account

SUBJECTS = ("anonymous", "same_org", "other_org", "other_org_with_consent",
            "consent_withdrawn", "coordinator", "admin", "provider")
#: who may read a person's record; only the organisation that recorded them changes or
#: exports it (an organisation it is shared with reads it)
ALLOWED = {"same_org", "other_org_with_consent"}
#: (method, route) of every person-level route; "erase" marks the recorder-only ones
READS = {
    ("GET", "/people/<person_id>"), ("GET", "/people/<person_id>/suggestions"),
    ("GET", "/api/v1/people/<person_id>"), ("GET", "/api/v1/people/<person_id>/analysis"),
    ("GET", "/api/v1/people/<person_id>/circle"),
    ("GET", "/api/v1/people/<person_id>/referrals"),
    ("GET", "/api/v1/people/<person_id>/suggestions"),
    ("GET", "/api/v1/people/<person_id>/ties"),
    ("GET", "/api/v1/people/<person_id>/consents"),
}
#: the record's forms and its export: only the organisation that recorded the person
RECORDER_ONLY = {
    ("GET", "/people/<person_id>/erase"), ("GET", "/people/<person_id>/consents/new"),
    ("GET", "/people/<person_id>/edit"), ("GET", "/people/<person_id>/export"),
    ("GET", "/people/<person_id>/ties/new"), ("GET", "/people/<person_id>/carers/new"),
    ("GET", "/people/<person_id>/what-matters/new"), ("GET", "/people/<person_id>/lsns6/new"),
    ("GET", "/people/<person_id>/what-matters/<conversation_id>/edit"),
    ("GET", "/people/<person_id>/what-matters/<conversation_id>/delete"),
    ("GET", "/people/<person_id>/ties/<other_id>/edit"),
    ("GET", "/people/<person_id>/ties/<other_id>/end"),
    ("GET", "/people/<person_id>/carers/<carer_id>/end"),
    ("GET", "/api/v1/people/<person_id>/export"),
}
CHANGES = {
    ("POST", "/people/<person_id>/edit"), ("POST", "/people/<person_id>/erase"),
    ("POST", "/people/<person_id>/invite"), ("POST", "/people/<person_id>/referrals"),
    ("POST", "/people/<person_id>/referrals/<target_id>"),
    ("POST", "/people/<person_id>/ties/new"),
    ("POST", "/people/<person_id>/ties/<other_id>/edit"),
    ("POST", "/people/<person_id>/ties/<other_id>/end"),
    ("POST", "/people/<person_id>/ties/<other_id>/restore"),
    ("POST", "/people/<person_id>/carers/new"),
    ("POST", "/people/<person_id>/carers/<carer_id>/end"),
    ("POST", "/people/<person_id>/carers/<carer_id>/restore"),
    ("POST", "/people/<person_id>/consents/new"),
    ("POST", "/people/<person_id>/consents/<consent_id>/withdraw"),
    ("POST", "/people/<person_id>/what-matters/new"), ("POST", "/people/<person_id>/lsns6/new"),
    ("POST", "/people/<person_id>/what-matters/<conversation_id>/edit"),
    ("POST", "/people/<person_id>/what-matters/<conversation_id>/delete"),
    ("PATCH", "/api/v1/people/<person_id>"), ("DELETE", "/api/v1/people/<person_id>"),
    ("POST", "/api/v1/people/<person_id>/referrals"),
    ("POST", "/api/v1/people/<person_id>/ties"),
    ("PATCH", "/api/v1/ties/<tie_id>"), ("DELETE", "/api/v1/ties/<tie_id>"),
    ("POST", "/api/v1/people/<person_id>/consents"),
    ("POST", "/api/v1/people/<person_id>/consents/<consent_id>/withdraw"),
}


def _person_routes(app, client) -> set[tuple[str, str]]:  # noqa: ANN001
    routes = {(method, rule.rule) for rule in app.url_map.iter_rules()
              if "<person_id>" in rule.rule or "<tie_id>" in rule.rule
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    spec = client.get("/api/v1/openapi.json").get_json()
    for path, item in spec["paths"].items():
        if "{person_id}" in path or "{tie_id}" in path:
            rule = re.sub(r"\{(\w+)\}", r"<\1>", path)
            routes |= {(method.upper(), rule) for method in item
                       if method in ("get", "post", "patch", "delete")}
    return routes


def test_every_person_route_is_in_the_matrix(app, client) -> None:  # noqa: ANN001
    known = READS | RECORDER_ONLY | CHANGES
    assert _person_routes(app, client) == known, "add the new person route to the matrix"


@pytest.fixture
def callers(app, sample_store: GraphStore):  # noqa: ANN001, ANN201
    """A web client and an API token for each kind of caller, and the person asked about
    (recorded by org-cvc)."""
    store = sample_store
    person = store.run_read(
        "MATCH (p:Person)-[:RECORDED_BY]->(:Organisation {id: 'org-cvc'}) "
        "MATCH (p)-[:KNOWS]->(o:Person) RETURN p.id AS p, o.id AS o ORDER BY p.id LIMIT 1")[0]
    # someone in the circle who also cares for them: the carer routes have a real carer
    store.run_write("MATCH (o:Person {id: $o}), (p:Person {id: $p}) "
                    "MERGE (o)-[:CARES_FOR {hours_per_week: 10}]->(p)", **person)
    conversation = what_matters.create(store, {
        "person_id": person["p"], "date": "2026-11-01", "recorded_by": "someone",
        "can_do_myself": "Walk to the shop"}, about=person["p"])
    consent = consents.record(store, {
        "person_id": person["p"], "organisation_id": "org-carers", "given_by": "person",
        "purpose": "share_with_organisation", "given_at": "2026-01-01"})
    withdrawn = consents.record(store, {
        "person_id": person["p"], "organisation_id": "org-council", "given_by": "person",
        "purpose": "share_with_organisation", "given_at": "2026-01-01"})
    consents.withdraw(store, withdrawn["id"], "2026-02-01")
    who = {"same_org": ("connector", "org-cvc"), "other_org": ("connector", "org-health"),
           "other_org_with_consent": ("connector", "org-carers"),
           "consent_withdrawn": ("connector", "org-council"),
           "coordinator": ("coordinator", "org-cvc"), "admin": ("admin", "org-cvc")}
    store.run_write("CREATE (:Organisation {id: 'org-health', name: 'Health board'})")
    made = {"anonymous": (app.test_client(), {})}
    who["provider"] = ("provider", None)  # runs a group: no one's staff
    for subject, (role, org) in who.items():
        email = f"{subject}@matrix.cymru"
        if role == "provider":
            _, password = provider_account(store, email)
        else:
            _, password = accounts.create_user(store, email, role, org)
        _, token = accounts.create_token(store, email)
        client = app.test_client()
        assert AuthActions(client).login(email, password).status_code == 302
        made[subject] = (client, {"Authorization": f"Bearer {token}"})
    values = {"person_id": person["p"], "other_id": person["o"], "carer_id": person["o"],
              "target_id": "activity-x", "consent_id": consent["id"],
              "conversation_id": conversation["id"],
              "tie_id": f"{person['p']}~{person['o']}"}
    return made, values


def _url(route: str, values: dict[str, str]) -> str:
    return re.sub(r"<(\w+)>", lambda m: values[m.group(1)], route)


def _ask(client, headers: dict, method: str, url: str):  # noqa: ANN001, ANN202
    if url.startswith("/api/"):
        return client.open(url, method=method, headers=headers,
                           json={} if method in ("POST", "PATCH") else None)
    token = csrf_token(client.get("/login").get_data(as_text=True))
    data = {"csrf_token": token} if method == "POST" else None
    return client.open(url, method=method, data=data)


def _refused(response, url: str, subject: str) -> bool:  # noqa: ANN001
    if subject == "anonymous":
        if url.startswith("/api/"):
            return response.status_code == 401
        return response.status_code == 302 and "/login" in response.headers["Location"]
    if subject in ("other_org", "consent_withdrawn"):  # as if there were no such person
        return response.status_code == 404
    return response.status_code == 403


def test_the_matrix(callers, sample_store: GraphStore) -> None:  # noqa: ANN001
    made, values = callers
    before = sample_store.counts()
    leaks, checked = [], 0
    for method, route in sorted(READS | RECORDER_ONLY | CHANGES):
        url = _url(route, values)
        for subject in SUBJECTS:
            allowed = subject in ALLOWED and (method, route) in READS or (
                subject == "same_org" and (method, route) in RECORDER_ONLY)
            if (method, route) in CHANGES and subject == "same_org":
                continue  # would change the record: the refusals are what is tested here
            client, headers = made[subject]
            response = _ask(client, headers, method, url)
            checked += 1
            if allowed and response.status_code != 200:
                leaks.append((subject, method, url, response.status_code, "should be allowed"))
            elif not allowed and not _refused(response, url, subject):
                leaks.append((subject, method, url, response.status_code, "LEAK"))
    print(f"\naccess matrix: {checked} requests, "
          f"{len(READS | RECORDER_ONLY | CHANGES)} person routes x {len(SUBJECTS)} callers")
    assert leaks == [], "\n".join(map(str, leaks))
    assert sample_store.counts()["relationships"] == before["relationships"]
