"""The JSON API under /api/v1: bearer tokens, errors' shape, every resource, OpenAPI."""

from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate

from assetmap import accounts
from assetmap.graph.store import GraphStore
from assetmap.services import analysis


def _errors_shape(response) -> list[dict]:  # noqa: ANN001
    body = response.get_json()
    assert set(body) == {"errors"} and body["errors"], body
    for error in body["errors"]:
        assert set(error) == {"field", "message"} and error["message"]
    return body["errors"]


def _own_person(store: GraphStore) -> str:
    return store.run_read(
        "MATCH (p:Person)-[:RECORDED_BY]->(:Organisation {id: 'org-carers'}) "
        "MATCH (p)-[:KNOWS]->() WHERE p.id STARTS WITH 'person-' "
        "RETURN p.id AS id ORDER BY p.id LIMIT 1")[0]["id"]


def _other_person(store: GraphStore) -> str:
    return store.run_read(
        "MATCH (p:Person)-[:RECORDED_BY]->(o:Organisation) WHERE o.id <> 'org-carers' "
        "RETURN p.id AS id ORDER BY p.id LIMIT 1")[0]["id"]


class TestTokens:
    def test_no_bad_or_revoked_token_is_401(self, client, sample_store: GraphStore) -> None:  # noqa: ANN001
        accounts.create_user(sample_store, "t@example.cymru", "connector", "org-carers")
        record, token = accounts.create_token(sample_store, "t@example.cymru")
        for headers in ({}, {"Authorization": "Bearer am_nonsense"},
                        {"Authorization": f"Basic {token}"}):
            response = client.get("/api/v1/people", headers=headers)
            assert response.status_code == 401
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
            _errors_shape(response)
        good = {"Authorization": f"Bearer {token}"}
        assert client.get("/api/v1/people", headers=good).status_code == 200
        stored = sample_store.run_read("MATCH (t:ApiToken {id: $id}) RETURN properties(t) AS t",
                                       id=record["id"])[0]["t"]
        assert token not in str(stored), "only the hash is kept"
        accounts.revoke_token(sample_store, record["id"])
        assert client.get("/api/v1/people", headers=good).status_code == 401

    def test_cli_creates_lists_and_revokes(self, runner, cli_env) -> None:  # noqa: ANN001
        from assetmap.cli import main
        from assetmap.config import Config
        from assetmap.graph.store import GraphStore as Store
        from seed import sample
        store = Store.open(Config.from_env(cli_env))
        store.init_schema()
        sample.load(store)
        accounts.create_user(store, "cli@example.cymru", "connector", "org-cvc")
        result = runner.invoke(main, ["tokens", "create", "--email", "cli@example.cymru"])
        assert result.exit_code == 0, result.output
        token_id, token = re.search(r"token (\S+) for \S+: (am_\S+)", result.output).groups()
        assert accounts.user_for_token(store, token)["email"] == "cli@example.cymru"
        listed = runner.invoke(main, ["tokens", "list", "--email", "cli@example.cymru"])
        assert token_id in listed.output and "live" in listed.output
        assert runner.invoke(main, ["tokens", "revoke", token_id]).exit_code == 0
        assert accounts.user_for_token(store, token) is None
        again = runner.invoke(main, ["tokens", "revoke", token_id])
        assert again.exit_code == 1 and "already revoked" in again.output
        nobody = runner.invoke(main, ["tokens", "create", "--email", "nobody@example.cymru"])
        assert nobody.exit_code == 1 and "email: no active user" in nobody.output
        store.close()


class TestPeople:
    def test_list_create_get_patch_delete(self, client, token_for,  # noqa: ANN001
                                          sample_store: GraphStore) -> None:
        headers = token_for("connector")
        listed = client.get("/api/v1/people?per_page=5", headers=headers).get_json()
        expected = sample_store.run_read(
            "MATCH (p:Person)-[:RECORDED_BY|SHARED_WITH]->(:Organisation {id: 'org-carers'}) "
            "RETURN count(DISTINCT p) AS n")[0]["n"]
        assert listed["total"] == expected and len(listed["items"]) == 5
        assert "page=2" in listed["_links"]["next"]

        created = client.post("/api/v1/people", headers=headers, json={
            "name": "Megan Jones", "birth_year": 1941, "postcode": "SY18 6AB",
            "languages": ["cy", "en"]})
        assert created.status_code == 201
        person = created.get_json()
        assert created.headers["Location"].endswith(f"/api/v1/people/{person['id']}")
        assert person["lat"] is not None
        assert client.get(f"/api/v1/people/{person['id']}",
                          headers=headers).get_json()["name"] == "Megan Jones"
        patched = client.patch(f"/api/v1/people/{person['id']}", headers=headers,
                               json={"birth_year": 1942, "languages": None})
        assert patched.status_code == 200
        assert patched.get_json()["birth_year"] == 1942
        assert client.delete(f"/api/v1/people/{person['id']}", headers=headers).status_code == 204
        assert client.get(f"/api/v1/people/{person['id']}", headers=headers).status_code == 404

    @pytest.mark.parametrize("body,field", [
        ({"name": "", "birth_year": 1941}, "name"),
        ({"name": "A", "birth_year": 1800}, "birth_year"),
        ({"name": "A", "colour": "red"}, "colour"),
        ({"name": "A", "postcode": "EH1 1AA"}, "postcode"),
        ({"name": "A", "lat": 52.4}, "lon"),
    ])
    def test_bad_person_is_422_naming_the_field(self, client, token_for, body: dict,  # noqa: ANN001
                                                field: str, sample_store: GraphStore) -> None:
        headers = token_for("connector")
        before = sample_store.counts()
        response = client.post("/api/v1/people", headers=headers, json=body)
        assert response.status_code == 422
        assert field in [e["field"] for e in _errors_shape(response)]
        assert sample_store.counts() == before

    def test_malformed_json_is_a_json_error(self, client, token_for) -> None:  # noqa: ANN001
        response = client.post("/api/v1/people", headers={**token_for("connector"),
                                                           "Content-Type": "application/json"},
                               data="{not json")
        assert response.status_code in (400, 422)
        _errors_shape(response)

    @pytest.mark.parametrize("role,status", [("coordinator", 403), ("admin", 403)])
    def test_other_roles_see_no_people(self, client, token_for, role: str, status: int,  # noqa: ANN001
                                       sample_store: GraphStore) -> None:
        headers = token_for(role)
        assert client.get("/api/v1/people", headers=headers).status_code == status
        person = _own_person(sample_store)
        assert client.get(f"/api/v1/people/{person}", headers=headers).status_code == status

    def test_other_organisations_people_are_404_everywhere(self, client, token_for,  # noqa: ANN001
                                                           sample_store: GraphStore) -> None:
        """The same answer as for an id that does not exist: an id tells nothing."""
        headers = token_for("connector")
        other = _other_person(sample_store)
        for method, path in (("get", ""), ("patch", ""), ("delete", ""), ("get", "/ties"),
                             ("get", "/circle"), ("get", "/analysis"),
                             ("get", "/suggestions"), ("get", "/referrals")):
            kwargs = {"json": {}} if method == "patch" else {}
            response = getattr(client, method)(f"/api/v1/people/{other}{path}",
                                               headers=headers, **kwargs)
            assert response.status_code == 404, (method, path)
            _errors_shape(response)
        assert client.delete(f"/api/v1/ties/{other}~x", headers=headers).status_code == 404
        missing = client.get("/api/v1/people/nobody", headers=headers)
        hidden = client.get(f"/api/v1/people/{other}", headers=headers)
        assert missing.status_code == hidden.status_code == 404
        assert missing.get_json()["errors"][0]["message"].replace("nobody", "?") == \
            hidden.get_json()["errors"][0]["message"].replace(other, "?")


class TestCircle:
    def test_ties_circle_analysis_suggestions_referrals(self, client, token_for,  # noqa: ANN001
                                                        sample_store: GraphStore) -> None:
        headers = token_for("connector")
        person = client.post("/api/v1/people", headers=headers, json={
            "name": "Megan Jones", "postcode": "SY18 6AB", "lives_alone": True}).get_json()
        base = f"/api/v1/people/{person['id']}"
        unknown = client.get(f"{base}/analysis", headers=headers).get_json()
        assert (unknown["isolation_risk"], unknown["lsns6"], unknown["not_assessed"]) == (
            None, None, "not_assessed_age_unknown"), "no age recorded: not assessed"
        client.patch(base, headers=headers, json={"birth_year": 1948})
        tie = client.post(f"{base}/ties", headers=headers, json={
            "name": "Siân Jones", "relation": "family", "circle": 1, "contact": "daily"})
        assert tie.status_code == 201
        tie_id = tie.get_json()["id"]
        bad = client.post(f"{base}/ties", headers=headers, json={
            "name": "Nurse", "relation": "professional", "circle": 1})
        assert bad.status_code == 422 and _errors_shape(bad)[0]["field"] == "circle"
        known = _own_person(sample_store)
        assert client.post(f"{base}/ties", headers=headers, json={
            "other_id": known, "relation": "friend", "circle": 2}).status_code == 201
        ties = client.get(f"{base}/ties", headers=headers).get_json()["items"]
        assert {t["id"] for t in ties} == {tie_id, f"{person['id']}~{known}"}

        circle = client.get(f"{base}/circle", headers=headers).get_json()
        assert [m["name"] for m in circle["circles"]["1"]] == ["Siân Jones"]
        report = client.get(f"{base}/analysis", headers=headers).get_json()
        expected = analysis.assess_person(sample_store, person["id"], write=False)
        assert (report["lsns6"], report["not_assessed"], report["isolation_risk"]) == (
            expected["lsns6"], expected["not_assessed"], expected["isolation_risk"])
        assert client.patch(f"/api/v1/ties/{tie_id}", headers=headers,
                            json={"contact": "weekly"}).get_json()["contact"] == "weekly"

        found = client.get(f"{base}/suggestions?limit=5", headers=headers).get_json()["items"]
        assert 0 < len(found) <= 5 and all(s["reasons"] for s in found)
        activity = next(s for s in found + analysis.suggest(sample_store, person["id"], 50)
                        if s["kind"] == "activity")
        referred = client.post(f"{base}/referrals", headers=headers,
                               json={"target_id": activity["id"], "follow_up": "2026-12-10"})
        assert referred.status_code == 201 and referred.get_json()["status"] == "suggested"
        listed = client.get(f"{base}/referrals", headers=headers).get_json()["items"]
        assert [r["target_id"] for r in listed] == [activity["id"]]
        again = client.post(f"{base}/referrals", headers=headers,
                            json={"target_id": activity["id"]})
        assert again.status_code == 422
        assert client.get(f"{base}/suggestions?limit=0", headers=headers).status_code == 422

        assert client.delete(f"/api/v1/ties/{tie_id}", headers=headers).status_code == 204
        assert client.delete(f"/api/v1/ties/{tie_id}", headers=headers).status_code == 404
        assert client.delete("/api/v1/ties/no-tilde", headers=headers).status_code == 404


class TestAreasAndDirectory:
    def test_areas_and_hotspots(self, client, token_for, sample_store: GraphStore) -> None:  # noqa: ANN001
        analysis.run_analysis(sample_store)
        headers = token_for("coordinator", "org-council")
        areas = client.get("/api/v1/areas?level=small_area", headers=headers).get_json()["items"]
        assert len(areas) == sample_store.run_read(
            "MATCH (a:Area {level: 'small_area'}) RETURN count(a) AS n")[0]["n"]
        assert all(a["parent"] for a in areas)
        figures = client.get("/api/v1/hotspots?level=ward", headers=headers).get_json()["items"]
        assert figures == analysis.hotspots(sample_store, "ward")
        bad = client.get("/api/v1/hotspots?level=street", headers=headers)
        assert bad.status_code == 422 and _errors_shape(bad)[0]["field"] == "level"
        assert client.get("/api/v1/hotspots").status_code == 401

    def test_directory_crud(self, client, token_for, sample_store: GraphStore) -> None:  # noqa: ANN001
        public = client.get("/api/v1/places?per_page=3").get_json()
        assert public["total"] == sample_store.counts()["nodes"]["Place"]
        body = {"name": "Neuadd", "postcode": "SY18 6EF", "kind": "hall", "step_free": True}
        assert client.post("/api/v1/places", json=body).status_code == 401
        headers = token_for("coordinator")
        created = client.post("/api/v1/places", headers=headers, json=body)
        assert created.status_code == 201
        place = created.get_json()
        activity = client.post("/api/v1/activities", headers=headers, json={
            "name": "Te", "weekday": "tue", "start": "10:00", "end": "11:00",
            "categories": ["social"], "place_id": place["id"]})
        assert activity.status_code == 201
        missing = client.post("/api/v1/activities", headers=headers, json={
            "name": "Te", "weekday": "tue", "start": "10:00", "end": "11:00",
            "categories": ["social"], "place_id": "nowhere"})
        assert missing.status_code == 422 and _errors_shape(missing)[0]["field"] == "place_id"
        changed = client.patch(f"/api/v1/activities/{activity.get_json()['id']}",
                               headers=headers, json={"cost_pence": 200})
        assert changed.get_json()["cost_pence"] == 200
        assert client.get(f"/api/v1/assets/{place['id']}").get_json()["activities"][0][
            "activity"]["name"] == "Te"
        assert client.delete(f"/api/v1/activities/{activity.get_json()['id']}",
                             headers=token_for("admin")).status_code == 403
        held = client.delete(f"/api/v1/places/{place['id']}", headers=headers)
        assert held.status_code == 422 and "1 activities are held here" in held.get_data(
            as_text=True)
        assert client.delete(f"/api/v1/activities/{activity.get_json()['id']}",
                             headers=headers).status_code == 204
        assert client.delete(f"/api/v1/places/{place['id']}", headers=headers).status_code == 204
        assert client.get("/api/v1/groups/none").status_code == 404


class TestOpenApi:
    def test_document_is_valid_and_matches_the_routes(self, app, client) -> None:  # noqa: ANN001
        spec = client.get("/api/v1/openapi.json").get_json()
        validate(spec)
        documented = {(path, method.upper()) for path, item in spec["paths"].items()
                      for method in item if method in ("get", "post", "patch", "delete")}
        served = set()
        for rule in app.url_map.iter_rules():
            if not rule.rule.startswith("/api/v1/") or rule.endpoint.startswith(
                    ("openapi.", "swagger.")):
                continue
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            served |= {(path, method) for method in rule.methods - {"HEAD", "OPTIONS"}}
        assert served and documented == served
        for path, item in spec["paths"].items():
            for method, operation in item.items():
                if path.startswith("/api/v1/people") or path.startswith("/api/v1/ties"):
                    assert operation.get("security") == [{"bearer": []}], (path, method)

    def test_docs_page_is_served_from_our_own_server(self, client) -> None:  # noqa: ANN001
        page = client.get("/api/v1/swagger")
        assert page.status_code == 200
        assert not re.search(r"<script[^>]+src=\"https?://", page.get_data(as_text=True))
