"""Subject access exports hold everything created for a person; erasure leaves nothing of
them in the graph; retention lists records nobody has touched."""

from __future__ import annotations

import json
import stat

import pytest

from assetmap.audit import AuditLog
from assetmap.graph import consents, people, ties
from assetmap.graph.snapshot import record_questionnaire
from assetmap.graph.store import GraphStore
from assetmap.services import analysis, subject_access
from assetmap.services import people as people_service
from tests.conftest import csrf_token, form_errors


@pytest.fixture
def megan(sample_store: GraphStore, acting) -> dict:  # noqa: ANN001
    """A person with one of everything a record can hold, and its ids."""
    store = sample_store
    person = people.repo.create(store, {"name": "Megan Unique-Name", "postcode": "SY18 6AB",
                                        "lat": 52.449, "lon": -3.54, "birth_year": 1941},
                                organisation_id="org-carers")
    pid = person["id"]
    daughter = people_service.add_tie(store, pid, {"relation": "family", "circle": 1,
                                                   "contact": "daily"},
                                      new_person={"name": "Siân Daughter"},
                                      organisation_id="org-carers", acting=acting)["person_id"]
    ties.create(store, "KNOWS", ("Person", daughter), ("Person", pid),
                {"relation": "family", "circle": 1, "contact": "daily"})
    friend = store.run_read("MATCH (p:Person) WHERE p.id STARTS WITH 'person-' "
                            "RETURN p.id AS id ORDER BY p.id LIMIT 1")[0]["id"]
    ties.create(store, "KNOWS", ("Person", friend), ("Person", pid),
                {"relation": "friend", "circle": 2})
    carer = people_service.add_carer(store, pid, {"hours_per_week": 30},
                                     new_carer={"name": "Carer Cara"},
                                     organisation_id="org-carers", acting=acting)
    conversation = people_service.record_what_matters(
        store, pid, {"date": "2026-11-01", "can_do_myself": "Cook"}, "user-1")
    questionnaire = record_questionnaire(store, {
        "person_id": pid, "date": "2026-11-02", "recorded_by": "user-1",
        "family_monthly": 1, "family_private": 1, "family_help": 1,
        "friends_monthly": 0, "friends_private": 0, "friends_help": 0})
    consent = consents.record(store, {"person_id": pid, "organisation_id": "org-cvc",
                                      "given_by": "person", "purpose": "share_with_organisation",
                                      "given_at": "2026-11-01"})
    activity = store.run_read("MATCH (a:Activity) RETURN a.id AS id LIMIT 1")[0]["id"]
    people_service.refer(store, pid, activity, "user-1")
    analysis.assess_person(store, pid)
    analysis.assess_person(store, daughter)
    return {"id": pid, "name": "Megan Unique-Name", "daughter": daughter, "friend": friend,
            "carer": carer, "conversation": conversation["id"],
            "questionnaire": questionnaire["id"], "consent": consent["id"],
            "activity": activity}


def test_export_holds_every_item(megan: dict, sample_store: GraphStore, tmp_path) -> None:  # noqa: ANN001
    log = AuditLog(tmp_path)
    log.record("view", "user-1", record_type="Person", record_id=megan["id"], address="::1")
    held = subject_access.export(sample_store, megan["id"], log)
    assert held["person"]["name"] == megan["name"] and held["person"]["birth_year"] == 1941
    knows = {t["to"]["id"]: t for t in held["relationships"]["KNOWS"]}
    assert knows[megan["daughter"]]["to"]["name"] == "Siân Daughter"
    assert [t["to"]["id"] for t in held["relationships"]["REFERRED_TO"]] == [megan["activity"]]
    assert [t["to"]["id"] for t in held["relationships"]["RECORDED_BY"]] == ["org-carers"]
    assert [t["to"]["id"] for t in held["relationships"]["SHARED_WITH"]] == ["org-cvc"]
    incoming = {(i["type"], i.get("relation"), i.get("hours_per_week"))
                for i in held["named_in_others_records"]}
    assert ("KNOWS", "friend", None) in incoming, "others who name her: how, not who"
    assert ("KEY_PERSON", None, None) in incoming, "her daughter's analysis names her"
    # her carer, recorded on her page, is part of her record: named, with the hours
    assert [(c["id"], c["name"], c["hours_per_week"]) for c in held["carers"]] == [
        (megan["carer"], "Carer Cara", 30.0)]
    assert not any(i["type"] == "CARES_FOR" for i in held["named_in_others_records"])
    assert [w["id"] for w in held["what_matters"]] == [megan["conversation"]]
    assert [q["id"] for q in held["lsns6_questionnaires"]] == [megan["questionnaire"]]
    assert [c["id"] for c in held["consents"]] == [megan["consent"]]
    assert held["analysis"]["lsns6_source"] == "questionnaire"
    assert [e["action"] for e in held["access_history"]] == ["view"]


def test_erasure_leaves_nothing(megan: dict, sample_store: GraphStore, acting,  # noqa: ANN001
                                register) -> None:  # noqa: ANN001
    daughter_before = sample_store.run_read(
        "MATCH (p:Person {id: $id}) RETURN p.key_person_id AS k", id=megan["daughter"])
    summary = subject_access.erase(sample_store, megan["id"], acting, register)
    assert summary["records"] == 3 and summary["reassessed"] == 3 and summary["analysis_run"]
    nodes = sample_store.run_read("MATCH (n) RETURN labels(n) AS l, properties(n) AS p")
    edges = sample_store.run_read("MATCH ()-[r]->() RETURN type(r) AS t, properties(r) AS p")
    everything = json.dumps([nodes, edges], ensure_ascii=False)
    assert megan["id"] not in everything and megan["name"] not in everything
    for record in ("conversation", "questionnaire", "consent"):
        assert megan[record] not in everything
    assert daughter_before == [{"k": megan["id"]}]  # she was her daughter's key person...
    assert sample_store.run_read("MATCH (p:Person {id: $id}) RETURN p.key_person_id AS k",
                                 id=megan["daughter"]) == [{"k": None}]  # ...and is no more
    with pytest.raises(Exception, match="no Person"):
        subject_access.erase(sample_store, megan["id"], acting, register)


def _ties(store: GraphStore, person_id: str) -> int:
    """The person's ties to other people either way (not their link to an organisation)."""
    return store.run_read("MATCH (:Person {id: $id})-[t]-(:Person) RETURN count(t) AS n",
                          id=person_id)[0]["n"]


def test_web_export_and_erase(client, sign_in, megan: dict, sample_store: GraphStore,  # noqa: ANN001
                              app) -> None:  # noqa: ANN001
    sign_in("connector", "org-cvc")  # shared with, not recorded by
    assert client.get(f"/people/{megan['id']}").status_code == 200
    assert client.get(f"/people/{megan['id']}/erase").status_code == 403
    sign_in("connector", "org-carers")
    html = client.get(f"/people/{megan['id']}/export").get_data(as_text=True)
    assert "What we hold about Megan Unique-Name" in html and "Siân Daughter" in html
    assert "Carer Cara" in html, "her carer, with the hours, in the readable report too"
    as_json = client.get(f"/people/{megan['id']}/export?format=json").get_json()
    assert as_json["person"]["id"] == megan["id"]
    actions = [e["action"] for e in as_json["access_history"]]
    assert "export" in actions and "view" in actions
    page = client.get(f"/people/{megan['id']}/erase").get_data(as_text=True)
    wrong = client.post(f"/people/{megan['id']}/erase",
                        data={"confirm_name": "Megan", "csrf_token": csrf_token(page)})
    assert wrong.status_code == 400 and "confirm_name" in form_errors(wrong.get_data(
        as_text=True))
    ties = _ties(sample_store, megan["id"])
    done = client.post(f"/people/{megan['id']}/erase",
                       data={"confirm_name": megan["name"], "csrf_token": csrf_token(page)})
    assert done.status_code == 302
    assert (f"The record is erased, with {ties} ties to other people and 3 records about "
            "them;") in client.get(done.location).get_data(as_text=True)
    assert client.get(f"/people/{megan['id']}").status_code == 404
    erased = [e for e in AuditLog(app.config["ASSETMAP"].instance_path).entries()
              if e["action"] == "erase" and e["record_id"] == megan["id"]]
    assert len(erased) == 1 and megan["name"] not in json.dumps(erased)
    app.extensions["assetmap_jobs"].wait_all(30)


def test_api_export(client, megan: dict, sample_store: GraphStore) -> None:  # noqa: ANN001
    from assetmap import accounts
    accounts.create_user(sample_store, "sar@example.cymru", "connector", "org-carers")
    _, token = accounts.create_token(sample_store, "sar@example.cymru")
    held = client.get(f"/api/v1/people/{megan['id']}/export",
                      headers={"Authorization": f"Bearer {token}"}).get_json()
    assert [c["id"] for c in held["consents"]] == [megan["consent"]]


def test_cli_export_erase_and_review(runner, cli_env, tmp_path) -> None:  # noqa: ANN001
    from assetmap.cli import main
    from assetmap.config import Config
    from seed import sample
    store = GraphStore.open(Config.from_env(cli_env))
    store.init_schema()
    sample.load(store)
    person = store.run_read("MATCH (p:Person) RETURN p.id AS id, p.name AS name "
                            "ORDER BY p.id LIMIT 1")[0]
    html = tmp_path / "sar.html"
    result = runner.invoke(main, ["person", "export", person["id"], "--html", str(html)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["person"]["name"] == person["name"]
    assert stat.S_IMODE(html.stat().st_mode) == 0o600 and person["name"] in html.read_text()

    store.run_write("MATCH (p:Person {id: $id}) SET p.updated_at = '2020-01-01T00:00:00+00:00'",
                    id=person["id"])
    org = store.run_read("MATCH (:Person {id: $id})-[:RECORDED_BY]->(o) RETURN o.id AS o",
                         id=person["id"])[0]["o"]
    review = runner.invoke(main, ["person", "review", "--org", org, "--days", "365"])
    assert person["id"] in review.output and "1 record not changed for 365 days" in review.output

    ties = _ties(store, person["id"])
    result = runner.invoke(main, ["person", "erase", person["id"], "--yes", "--no-recompute"])
    assert result.exit_code == 0
    assert (f"erased {person['id']}, with {ties} ties to other people and 0 records about "
            "them;") in result.output
    assert store.run_read("MATCH (p:Person {id: $id}) RETURN p", id=person["id"]) == []
    missing = runner.invoke(main, ["person", "erase", person["id"], "--yes"])
    assert missing.exit_code == 1 and "no Person" in missing.output
    store.close()
