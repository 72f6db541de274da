"""Consent and sharing: a consented share gives another organisation access, withdrawal
or expiry ends it at once, opting in to be suggested follows its consent."""

from __future__ import annotations

import pytest

from assetmap.audit import AuditLog
from assetmap.graph import consents
from assetmap.graph.store import GraphStore
from tests.conftest import AuthActions, csrf_token, form_errors


def _person_of(store: GraphStore, org: str) -> str:
    return store.run_read(
        "MATCH (p:Person)-[:RECORDED_BY]->(:Organisation {id: $org}) "
        "RETURN p.id AS id ORDER BY p.id LIMIT 1", org=org)[0]["id"]


def _post(client, path: str, data: dict, page: str):  # noqa: ANN001, ANN202
    token = csrf_token(client.get(page).get_data(as_text=True))
    return client.post(path, data={**data, "csrf_token": token})


@pytest.fixture
def two_connectors(app, sample_store: GraphStore):  # noqa: ANN001, ANN201
    """A council connector and a carers' organisation connector, each with a client."""
    from assetmap import accounts
    clients = {}
    for org in ("org-cvc", "org-carers"):
        email = f"{org}@example.cymru"
        _, password = accounts.create_user(sample_store, email, "connector", org)
        client = app.test_client()
        assert AuthActions(client).login(email, password).status_code == 302
        clients[org] = client
    return clients


def test_share_then_withdraw(two_connectors, sample_store: GraphStore, app) -> None:  # noqa: ANN001
    council, carers = two_connectors["org-cvc"], two_connectors["org-carers"]
    person = _person_of(sample_store, "org-cvc")
    assert carers.get(f"/people/{person}").status_code == 404
    log = AuditLog(app.config["ASSETMAP"].instance_path)
    seen = sum(1 for _ in log.entries())

    form = f"/people/{person}/consents/new"
    response = _post(council, form, {
        "purpose": "share_with_organisation", "organisation_id": "org-carers",
        "given_by": "representative", "representative_name": "Rhys (son, LPA)",
        "given_at": "2026-01-05"}, form)
    assert response.status_code == 302
    assert carers.get(f"/people/{person}").status_code == 200
    assert person in carers.get("/people/?q=").get_data(as_text=True)
    page = council.get(f"/people/{person}").get_data(as_text=True)
    assert "representative: Rhys (son, LPA)" in page and "Active" in page
    assert "5 January 2026" in page, "dates as written in Britain, not 'January 5, 2026'"
    shared = carers.get(f"/people/{person}").get_data(as_text=True)
    assert "/erase" not in shared, "erasing is for the recording organisation: not offered"

    consent = consents.about(sample_store, person)[0]
    # the organisation it is shared with reads it, and can neither withdraw nor share on
    refused = _post(carers, f"/people/{person}/consents/{consent['id']}/withdraw", {},
                    f"/people/{person}")
    assert refused.status_code == 403
    assert "Record consent" not in carers.get(f"/people/{person}").get_data(as_text=True)
    assert carers.get(form).status_code == 403
    response = _post(council, f"/people/{person}/consents/{consent['id']}/withdraw", {},
                     f"/people/{person}")
    assert response.status_code == 302 and response.headers["Location"].startswith(
        f"/people/{person}")
    assert carers.get(f"/people/{person}").status_code == 404, "access ends at once"
    assert sample_store.run_read("MATCH (:Person {id: $id})-[s:SHARED_WITH]->() "
                                 "RETURN count(s) AS n", id=person)[0]["n"] == 0
    actions = [e["action"] for e in list(log.entries())[seen:]
               if e["record_id"] == person and e["action"] != "view"]
    # the carers' refused tries (withdraw, and the consent form) are in the trail too
    # what the consent did, then the request's own entry, written with its outcome
    assert actions[:3] == ["consent", "share", "update"]
    assert actions.count("refused") == 2 and actions[-3:] == [
        "withdraw_consent", "unshare", "update"], actions


def test_a_shared_record_cannot_be_passed_on_or_kept(app, two_connectors,  # noqa: ANN001
                                                     sample_store: GraphStore) -> None:
    """The outside probe's case: while a carers' organisation's person is shared with the
    CVC, the CVC tries to share it with the council and to withdraw the carers' own
    consents, by page and API; once the carers withdraw, nobody else reads it."""
    from assetmap import accounts
    cvc = two_connectors["org-cvc"]
    person = _person_of(sample_store, "org-carers")
    share = consents.record(sample_store, {
        "person_id": person, "organisation_id": "org-cvc", "given_by": "person",
        "purpose": "share_with_organisation", "given_at": "2026-01-01"})
    keeping = consents.record(sample_store, {
        "person_id": person, "organisation_id": "org-carers", "given_by": "person",
        "purpose": "record_keeping", "given_at": "2026-01-01"})
    assert cvc.get(f"/people/{person}").status_code == 200
    accounts.create_user(sample_store, "cvc-api@example.cymru", "connector", "org-cvc")
    _, token = accounts.create_token(sample_store, "cvc-api@example.cymru")
    bearer = {"Authorization": f"Bearer {token}"}
    on_to_council = {"purpose": "share_with_organisation", "organisation_id": "org-council",
                     "given_by": "person", "given_at": "2026-02-01"}
    before = consents.about(sample_store, person)

    page = f"/people/{person}"
    assert _post(cvc, f"{page}/consents/new", on_to_council, page).status_code == 403
    api = cvc.post(f"/api/v1{page}/consents", headers=bearer, json=on_to_council)
    assert api.status_code == 403 and api.get_json()["errors"][0]["message"].startswith(
        "this record is shared with your organisation to read: only the organisation that "
        "recorded this person")
    for consent in (share, keeping):
        assert _post(cvc, f"{page}/consents/{consent['id']}/withdraw", {}, page
                     ).status_code == 403
        assert cvc.post(f"/api/v1{page}/consents/{consent['id']}/withdraw",
                        headers=bearer).status_code == 403
    assert consents.about(sample_store, person) == before, "nothing changed"

    consents.withdraw(sample_store, share["id"], "2026-03-01")
    assert cvc.get(page).status_code == 404
    assert cvc.get(f"/api/v1{page}", headers=bearer).status_code == 404
    council = app.test_client()
    _, password = accounts.create_user(sample_store, "council@example.cymru", "connector",
                                       "org-council")
    assert AuthActions(council).login("council@example.cymru", password).status_code == 302
    assert council.get(page).status_code == 404


def test_the_consent_form_chooses_nothing_for_the_person(two_connectors,  # noqa: ANN001
                                                         sample_store: GraphStore) -> None:
    """Sent as it opens, the form records nothing: what was agreed, to whom and by whom
    are the person's answers, never defaults."""
    council = two_connectors["org-cvc"]
    person = _person_of(sample_store, "org-cvc")
    form = f"/people/{person}/consents/new"
    html = council.get(form).get_data(as_text=True)
    assert " selected" not in html
    sent = _post(council, form, {"given_at": "2026-01-05"}, form)
    assert sent.status_code == 400
    assert {"purpose", "organisation_id", "given_by"} <= set(form_errors(
        sent.get_data(as_text=True)))
    assert consents.about(sample_store, person) == []


def test_an_expired_or_future_consent_grants_nothing(two_connectors,  # noqa: ANN001
                                                     sample_store: GraphStore) -> None:
    person = _person_of(sample_store, "org-cvc")
    consents.record(sample_store, {
        "person_id": person, "organisation_id": "org-carers", "given_by": "person",
        "purpose": "share_with_organisation", "given_at": "2024-01-01", "until": "2025-01-01"})
    consents.record(sample_store, {
        "person_id": person, "organisation_id": "org-carers", "given_by": "person",
        "purpose": "share_with_organisation", "given_at": "2099-01-01"})
    carers = two_connectors["org-carers"]
    assert carers.get(f"/people/{person}").status_code == 404
    assert person not in carers.get("/people/").get_data(as_text=True)


def test_opting_in_and_out_of_suggestions(two_connectors, sample_store: GraphStore) -> None:  # noqa: ANN001
    council = two_connectors["org-cvc"]
    person = _person_of(sample_store, "org-cvc")
    sample_store.run_write("MATCH (p:Person {id: $id}) SET p.open_to_connect = false", id=person)
    form = f"/people/{person}/consents/new"
    _post(council, form, {"purpose": "open_to_connect", "organisation_id": "org-cvc",
                          "given_by": "person", "given_at": "2026-01-05"}, form)

    def flag() -> bool:
        return sample_store.run_read("MATCH (p:Person {id: $id}) RETURN p.open_to_connect AS f",
                                     id=person)[0]["f"]

    assert flag() is True
    consent = consents.about(sample_store, person)[0]
    _post(council, f"/people/{person}/consents/{consent['id']}/withdraw", {}, f"/people/{person}")
    assert flag() is False
    again = _post(council, f"/people/{person}/consents/{consent['id']}/withdraw", {},
                  f"/people/{person}")
    assert "already withdrawn" in council.get(again.headers["Location"]).get_data(as_text=True)


def test_open_to_connect_is_set_by_a_consent_and_nothing_else(app, two_connectors,  # noqa: ANN001
                                                                sample_store: GraphStore) -> None:
    """No tick on the form and no field in the API sets it: only a consent record does."""
    from assetmap import accounts
    council = two_connectors["org-cvc"]
    person = _person_of(sample_store, "org-cvc")
    sample_store.run_write("MATCH (p:Person {id: $id}) SET p.open_to_connect = false", id=person)

    def flag() -> bool:
        return sample_store.run_read("MATCH (p:Person {id: $id}) RETURN p.open_to_connect AS f",
                                     id=person)[0]["f"]

    page = f"/people/{person}/edit"
    assert "open_to_connect" not in council.get(page).get_data(as_text=True)
    _post(council, page, {"name": "Open Ticked", "open_to_connect": "on"}, page)
    assert flag() is False
    accounts.create_user(sample_store, "otc@example.cymru", "connector", "org-cvc")
    token = accounts.create_token(sample_store, "otc@example.cymru")[1]
    bearer = {"Authorization": f"Bearer {token}"}
    changed = council.patch(f"/api/v1/people/{person}", headers=bearer,
                            json={"open_to_connect": True})
    made = council.post("/api/v1/people", headers=bearer,
                        json={"name": "New and open", "open_to_connect": True})
    for response in (changed, made):
        assert response.status_code == 422
        assert response.get_json()["errors"][0]["field"] == "open_to_connect"
    assert flag() is False
    assert not sample_store.run_read("MATCH (p:Person {name: 'New and open'}) RETURN p")


@pytest.mark.parametrize("data,field", [
    ({"given_by": "representative"}, "representative_name"),
    ({"until": "2020-01-01"}, "until"),
    ({"purpose": "selling"}, "purpose"),
    ({"organisation_id": "org-nowhere"}, "organisation_id"),
    ({"given_at": ""}, "given_at"),
])
def test_bad_consent_is_reshown_and_nothing_written(two_connectors, data: dict,  # noqa: ANN001
                                                    field: str,
                                                    sample_store: GraphStore) -> None:
    council = two_connectors["org-cvc"]
    person = _person_of(sample_store, "org-cvc")
    form = f"/people/{person}/consents/new"
    before = sample_store.counts()
    response = _post(council, form, {"purpose": "share_with_organisation",
                                     "organisation_id": "org-carers", "given_by": "person",
                                     "given_at": "2026-01-05", **data}, form)
    assert response.status_code == 400
    assert field in form_errors(response.get_data(as_text=True))
    assert sample_store.counts() == before


def test_suggestions_never_name_people_the_organisation_may_not_see(
        two_connectors, sample_store: GraphStore) -> None:  # noqa: ANN001
    from assetmap import accounts
    from assetmap.graph import people as people_graph
    from assetmap.services import analysis
    carers = two_connectors["org-carers"]
    hidden_found = shown_found = 0
    for row in sample_store.run_read(
            "MATCH (p:Person)-[:RECORDED_BY]->(:Organisation {id: 'org-carers'}) "
            "WHERE p.lat IS NOT NULL RETURN p.id AS id ORDER BY p.id LIMIT 12"):
        raw = [s for s in analysis.suggest(sample_store, row["id"], 15)
               if s["kind"] in ("person", "volunteer")]
        visible = people_graph.visible_to(sample_store, "org-carers", [s["id"] for s in raw],
                                          "2026-11-25")
        html = carers.get(f"/people/{row['id']}/suggestions").get_data(as_text=True)
        for s in raw:
            if s["id"] in visible:
                shown_found += 1
                assert s["name"] in html
            else:
                hidden_found += 1
                assert s["name"] not in html and s["id"] not in html
    assert hidden_found and shown_found, (hidden_found, shown_found)
    accounts.create_user(sample_store, "sugg@example.cymru", "connector", "org-carers")
    _, token = accounts.create_token(sample_store, "sugg@example.cymru")
    items = carers.get(f"/api/v1/people/{row['id']}/suggestions?limit=15",
                       headers={"Authorization": f"Bearer {token}"}).get_json()["items"]
    for s in items:
        if s["kind"] in ("person", "volunteer") and s["id"] is None:
            assert s["name"][0].isupper() and "introduced_by" in s


def test_consent_through_the_api(client, sample_store: GraphStore) -> None:  # noqa: ANN001
    from assetmap import accounts
    headers = {}
    for org in ("org-cvc", "org-carers"):
        accounts.create_user(sample_store, f"api-{org}@example.cymru", "connector", org)
        headers[org] = {"Authorization": "Bearer " + accounts.create_token(
            sample_store, f"api-{org}@example.cymru")[1]}
    person = _person_of(sample_store, "org-cvc")
    base = f"/api/v1/people/{person}"
    assert client.get(base, headers=headers["org-carers"]).status_code == 404
    bad = client.post(f"{base}/consents", headers=headers["org-cvc"], json={
        "organisation_id": "org-carers", "given_by": "representative",
        "purpose": "share_with_organisation", "given_at": "2026-01-05"})
    assert bad.status_code == 422
    assert bad.get_json()["errors"][0]["field"] == "representative_name"
    made = client.post(f"{base}/consents", headers=headers["org-cvc"], json={
        "organisation_id": "org-carers", "given_by": "person",
        "purpose": "share_with_organisation", "given_at": "2026-01-05"})
    assert made.status_code == 201
    assert client.get(base, headers=headers["org-carers"]).status_code == 200
    listed = client.get(f"{base}/consents", headers=headers["org-carers"]).get_json()["items"]
    assert [c["id"] for c in listed] == [made.get_json()["id"]]
    gone = client.post(f"{base}/consents/{made.get_json()['id']}/withdraw",
                       headers=headers["org-cvc"])
    assert gone.status_code == 200 and gone.get_json()["withdrawn_at"]
    assert client.get(base, headers=headers["org-carers"]).status_code == 404
