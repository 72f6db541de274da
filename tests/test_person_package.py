"""The portable person record: a person's circle and records follow them to another
organisation with their consent, signed; others travel by name only with their own
consent; a receiver checks schema, signature and model rules and writes all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from assetmap.audit import Acting, AuditLog
from assetmap.cli import main
from assetmap.config import Config
from assetmap.erasures import ErasureRegister
from assetmap.graph import consents, organisations, people, ties
from assetmap.graph.snapshot import record_questionnaire
from assetmap.graph.store import GraphStore
from assetmap.interop import person_package
from assetmap.model import InvalidRecord
from assetmap.services import people as people_service

TODAY = "2026-01-10"


def _consent(store: GraphStore, person_id: str, **extra: str) -> dict:
    return consents.record(store, {"person_id": person_id, "organisation_id": "org-powys",
                                   "given_by": "person", "purpose": "move_record",
                                   "given_at": TODAY, **extra})


@pytest.fixture
def moving(falkor_store: GraphStore, acting: Acting) -> GraphStore:
    """Megan moves from Powys to Gwynedd. Her daughter Siân (who cares for her) consented
    to come along in her record; her neighbour Dai and her husband Huw (whom she cares
    for) did not. Dai also counts Megan in his own circle."""
    store = falkor_store
    organisations.repo.create(store, {"id": "org-powys", "name": "Powys Carers"})
    for person in ({"id": "megan", "name": "Megan Pryce", "birth_year": 1941, "lat": 52.45,
                    "lon": -3.54, "postcode": "SY18 6AB", "languages": ["cy", "en"],
                    "interests": ["choirs"], "lives_alone": False},
                   {"id": "sian", "name": "Siân Pryce", "lat": 51.48, "lon": -3.18},
                   {"id": "dai", "name": "Dai Lewis", "lat": 52.45, "lon": -3.53},
                   {"id": "huw", "name": "Huw Pryce", "lat": 52.45, "lon": -3.54}):
        people.repo.create(store, person, organisation_id="org-powys")
    people_service.add_carer(store, "megan", {"hours_per_week": 10}, carer_id="sian",
                            acting=acting)
    ties.create(store, "KNOWS", ("Person", "megan"), ("Person", "sian"),
                {"relation": "family", "circle": 1, "contact": "weekly"})
    ties.create(store, "KNOWS", ("Person", "megan"), ("Person", "dai"),
                {"relation": "neighbour", "circle": 3, "contact": "daily"})
    ties.create(store, "KNOWS", ("Person", "dai"), ("Person", "megan"),
                {"relation": "neighbour", "circle": 2, "contact": "daily"})
    people_service.add_carer(store, "huw", {"hours_per_week": 35}, carer_id="megan",
                            acting=acting)
    people_service.record_what_matters(store, "megan", {
        "date": TODAY, "can_do_myself": "Cook, garden", "need_a_little_help": "Shopping",
        "others_might_provide": "A lift to chapel"}, recorded_by="user-1")
    record_questionnaire(store, {"person_id": "megan", "date": TODAY, "recorded_by": "user-1",
                                 "family_monthly": 2, "family_private": 1, "family_help": 2,
                                 "friends_monthly": 1, "friends_private": 0,
                                 "friends_help": 1})
    _consent(store, "megan")
    _consent(store, "sian")
    return store


@pytest.fixture
def receiving(config: Config) -> tuple[GraphStore, dict[str, str]]:
    """Another graph, as the receiving county, and the CLI environment that reaches it."""
    other = config.with_changes(graph_name=config.graph_name + "_gwynedd")
    store = GraphStore.open(other)
    store.clear()
    store.init_schema()
    organisations.repo.create(store, {"id": "org-gwynedd", "name": "Gofalwyr Gwynedd"})
    yield store, {"ASSETMAP_INSTANCE": str(other.instance_path),
                  "ASSETMAP_GRAPH_NAME": other.graph_name, "ASSETMAP_GRAPH_URL": other.graph_url}
    store.clear()
    store.close()


def _package(runner: CliRunner, path: Path, person: str = "megan",
             org: str = "org-powys") -> object:
    return runner.invoke(main, ["person", "package", person, "--org", org, "-o", str(path)])


def _key(runner: CliRunner) -> str:
    result = runner.invoke(main, ["person", "key"])
    assert result.exit_code == 0, result.output
    return result.output.split("fingerprint:")[1].strip()


def test_package_and_receive_keeps_the_circle(moving: GraphStore, runner: CliRunner,
                                              receiving, config: Config,
                                              tmp_path: Path) -> None:  # noqa: ANN001
    target, target_env = receiving
    path = tmp_path / "megan.json"
    made = _package(runner, path)
    assert made.exit_code == 0, made.output
    assert "4 ties (1 people named, 2 placeholders)" in made.output
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    text = path.read_text(encoding="utf-8")
    for absent in ("Dai Lewis", "Huw Pryce", "SY18", "52.45"):
        assert absent not in text, f"{absent} must not travel"
    fingerprint = _key(runner)

    arguments = ["person", "receive", str(path), "--org", "org-gwynedd",
                 "--sender-key", fingerprint]
    dry = CliRunner(env=target_env).invoke(main, [*arguments, "--dry-run"])
    received = CliRunner(env=target_env).invoke(main, arguments)
    assert received.exit_code == 0, received.output
    assert dry.output.split(" as ")[1].split(":")[0] == \
        received.output.split(" as ")[1].split(":")[0], "the dry run names the real id"
    person = target.run_read(
        "MATCH (p:Person {name: 'Megan Pryce'})-[:RECORDED_BY]->(:Organisation "
        "{id: 'org-gwynedd'}) RETURN properties(p) AS p")[0]["p"]
    assert person["birth_year"] == 1941 and person["languages"] == ["cy", "en"]
    assert "lat" not in person and "postcode" not in person
    assert person["arrived_with"] == json.loads(text)["package"]["id"]
    assert "isolation_risk" in person, "assessed on arrival"

    def around(store: GraphStore, pid: str) -> list[tuple]:
        return sorted(tuple(row.values()) for row in store.run_read(
            "MATCH (p:Person {id: $id})-[r:KNOWS|CARES_FOR]-(o:Person) "
            "RETURN type(r) AS t, startNode(r) = p AS out, r.circle AS c, r.relation AS rel, "
            "r.hours_per_week AS h, coalesce(o.placeholder, false) AS ph, "
            "CASE WHEN o.placeholder THEN '' ELSE o.name END AS n", id=pid))

    sent = [row for row in around(moving, "megan") if row[:2] != ("KNOWS", False)]
    assert around(target, person["id"]) == [
        (*row[:5], row[6] in ("Dai Lewis", "Huw Pryce"),
         "" if row[6] in ("Dai Lewis", "Huw Pryce") else row[6]) for row in sent]
    carers = target.run_read("MATCH (c:Carer)-[:CARES_FOR]->(:Person {id: $id}) "
                             "RETURN c.name AS n", id=person["id"])
    assert carers == [{"n": "Siân Pryce"}]
    records = target.run_read(
        "MATCH (d)-[:ABOUT]->(:Person {id: $id}) RETURN labels(d)[0] AS l, "
        "d.need_a_little_help AS help, d.friends_monthly AS fm, d.recorded_by AS by",
        id=person["id"])
    assert sorted((r["l"], r["help"], r["fm"]) for r in records) == [
        ("Lsns6Response", None, 1), ("WhatMatters", "Shopping", None)]
    assert all(r["by"].startswith("package:") for r in records)
    others = target.run_read("MATCH (o:Person) WHERE o.id <> $id "
                             "RETURN o.lat AS lat, o.name AS name", id=person["id"])
    assert len(others) == 3 and all(o["lat"] is None for o in others)

    actions = [(e["action"], e["record_id"]) for e in AuditLog(config.instance_path).search()]
    assert ("package", "megan") in actions and ("receive", person["id"]) in actions

    again = CliRunner(env=target_env).invoke(main, arguments)
    assert again.exit_code == 1 and "package: was already received" in again.output
    # erased, the person cannot be brought back by the same package (no replay)
    erased = CliRunner(env=target_env).invoke(main, ["person", "erase", person["id"], "--yes",
                                                     "--no-recompute"])
    assert erased.exit_code == 0, erased.output
    replay = CliRunner(env=target_env).invoke(main, arguments)
    assert replay.exit_code == 1 and "package: was already received" in replay.output
    assert not target.run_read("MATCH (p:Person {name: 'Megan Pryce'}) RETURN p")


def _counts(store: GraphStore) -> int:
    return store.run_read("MATCH (n) RETURN count(n) AS n")[0]["n"]


@pytest.mark.parametrize("change,message", [
    (lambda doc: doc["package"]["person"].update(name="Someone Else"),
     "signature: does not match"),
    (lambda doc: doc["package"].pop("circle"), "package: circle is required"),
    (lambda doc: doc["package"]["circle"][0].update(tie="married_to"),
     "package/circle/0/tie: must be one of 'knows', 'cares_for', 'cared_for_by', "
     "not 'married_to'"),
    (lambda doc: doc.update(signature={**doc["signature"], "value": "A" * 86 + "=="}),
     "signature: does not match"),
])
def test_changed_or_malformed_packages_are_refused(
        moving: GraphStore, runner: CliRunner, receiving, tmp_path: Path,  # noqa: ANN001
        change, message: str) -> None:
    target, target_env = receiving
    path = tmp_path / "megan.json"
    assert _package(runner, path).exit_code == 0
    fingerprint = _key(runner)
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document), encoding="utf-8")
    before = _counts(target)
    result = CliRunner(env=target_env).invoke(
        main, ["person", "receive", str(path), "--org", "org-gwynedd",
               "--sender-key", fingerprint])
    assert result.exit_code == 1 and message in result.output, result.output
    assert _counts(target) == before


def test_receiver_must_name_the_sender_key(moving: GraphStore, runner: CliRunner, receiving,
                                           tmp_path: Path) -> None:  # noqa: ANN001
    _, target_env = receiving
    path, junk = tmp_path / "megan.json", tmp_path / "junk.json"
    assert _package(runner, path).exit_code == 0
    receive = CliRunner(env=target_env)
    wrong = receive.invoke(main, ["person", "receive", str(path), "--org", "org-gwynedd",
                                  "--sender-key", "SHA256:0000 1111"])
    assert wrong.exit_code == 1 and "signature: the package was signed by key SHA256:" in (
        wrong.output)
    junk.write_text("{not json", encoding="utf-8")
    bad = receive.invoke(main, ["person", "receive", str(junk), "--org", "org-gwynedd",
                                "--sender-key", _key(runner)])
    assert bad.exit_code == 1 and "file: is not JSON" in bad.output


def test_signed_package_still_meets_the_model_rules(
        moving: GraphStore, receiving, config: Config, acting: Acting,  # noqa: ANN001
        register: ErasureRegister) -> None:
    target, _ = receiving
    package = person_package.build(moving, "megan", "org-powys", acting)
    package["circle"][0]["properties"]["circle"] = 9
    package["person"]["birth_year"] = 1066
    key = person_package.signing_key(config)
    verified = person_package.verify(person_package.sign(package, key),
                                     person_package.public_key_text(key))
    before = _counts(target)
    with pytest.raises(InvalidRecord) as problem:
        person_package.receive(target, verified, "org-gwynedd", acting, register)
    fields = dict(problem.value.errors)
    assert "person/birth_year" in fields and "circle/0/properties/circle" in fields
    assert _counts(target) == before, "nothing half-written"
    assert person_package.receive(target, person_package.verify(
        person_package.sign(person_package.build(moving, "megan", "org-powys", acting), key),
        person_package.public_key_text(key)), "org-gwynedd", acting, register,
        dry_run=True)["ties"] == 4
    assert _counts(target) == before, "a dry run writes nothing"


def test_no_consent_no_package(moving: GraphStore, runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    other_org = _package(runner, path, org="org-nowhere")
    assert other_org.exit_code == 1 and "did not record this person" in other_org.output
    dai = _package(runner, path, person="dai")
    assert dai.exit_code == 1 and "consent: the person has no active 'move_record'" in (
        dai.output)
    consent = consents.about(moving, "megan")[0]
    consents.withdraw(moving, consent["id"], TODAY)
    withdrawn = _package(runner, path)
    assert withdrawn.exit_code == 1 and "consent:" in withdrawn.output
    assert not path.exists()
