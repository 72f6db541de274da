"""Data-protection rights all the way down (issue 18): a subject access export complete by
construction whichever way the person entered, erasure that leaves nothing in the
database's files or in a restore, no package received again after an erasure, every
creation and departure of personal data audited, a trail whose tail cannot be cut
unnoticed, and retention that counts days."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from assetmap import erasures
from assetmap.audit import Acting, AuditLog
from assetmap.cli import main
from assetmap.config import Config
from assetmap.graph import audit_head, consents, people, ties
from assetmap.graph.audit_head import anchored_log
from assetmap.graph.snapshot import record_questionnaire
from assetmap.graph.store import GraphStore
from assetmap.interop import person_package
from assetmap.model import RELATIONSHIPS, InvalidRecord
from assetmap.names import RELATIONSHIP_NAMES
from assetmap.reports import subject_access_html
from assetmap.services import csv_import, subject_access
from assetmap.services import people as people_service
from tests.conftest import TEST_HASHING, csrf_token

TODAY = "2026-11-20"


# -- 1. subject access, complete by construction ------------------------------------------


def _every_kind_around(store: GraphStore, person_id: str, acting: Acting) -> dict[str, str]:
    """One of every relationship the model allows to touch a person, both ways, around
    ``person_id`` (in the sample community); returns the names it gave people."""
    other = store.run_read("MATCH (p:Person) WHERE p.id STARTS WITH 'person-' "
                           "RETURN p.id AS id ORDER BY p.id LIMIT 1")[0]["id"]
    activity = store.run_read("MATCH (a:Activity) RETURN a.id AS id LIMIT 1")[0]["id"]
    group = store.run_read("MATCH (g:Group) RETURN g.id AS id LIMIT 1")[0]["id"]
    area = store.run_read("MATCH (a:Area) RETURN a.id AS id LIMIT 1")[0]["id"]
    people_service.add_tie(store, person_id, {"relation": "family", "circle": 1,
                                              "contact": "daily"},
                           new_person={"name": "Ffion By-Name"}, organisation_id="org-carers",
                           acting=acting)
    ties.create(store, "KNOWS", ("Person", other), ("Person", person_id),
                {"relation": "neighbour", "circle": 2})
    people_service.add_carer(store, person_id, {"hours_per_week": 35},
                             new_carer={"name": "Carys Carer"}, organisation_id="org-carers",
                             acting=acting)
    people_service.add_carer(store, other, {"hours_per_week": 5}, carer_id=person_id,
                             acting=acting)
    ties.create(store, "MEMBER_OF", ("Person", person_id), ("Group", group), {})
    ties.create(store, "ATTENDS", ("Person", person_id), ("Activity", activity),
                {"frequency": "weekly"})
    ties.create(store, "VOLUNTEERS_WITH", ("Person", person_id), ("Group", group),
                {"role": "driver"})
    ties.create(store, "IN_AREA", ("Person", person_id), ("Area", area), {})
    people_service.refer(store, person_id, activity, "user-1")
    consents.record(store, {"person_id": person_id, "organisation_id": "org-cvc",
                            "given_by": "person", "purpose": "share_with_organisation",
                            "given_at": TODAY})
    people_service.record_what_matters(store, person_id, {"date": TODAY,
                                                          "can_do_myself": "Bake bara brith"},
                                       "user-1")
    record_questionnaire(store, {"person_id": person_id, "date": TODAY,
                                 "recorded_by": "user-1", "family_monthly": 2,
                                 "family_private": 1, "family_help": 1, "friends_monthly": 0,
                                 "friends_private": 0, "friends_help": 0})
    return {"named": "Ffion By-Name", "carer": "Carys Carer"}


def _enter_by(path: str, store: GraphStore, client, sign_in, acting: Acting,  # noqa: ANN001
              config: Config, tmp_path: Path) -> str:
    """A person entered the way real organisations enter them; returns their id."""
    if path == "form":
        sign_in("connector", "org-carers")
        page = client.get("/people/new").get_data(as_text=True)
        made = client.post("/people/new", data={"csrf_token": csrf_token(page),
                                                "name": "Gwen Subject", "birth_year": "1944",
                                                "postcode": "SY18 6AB", "languages": "cy"})
        assert made.status_code == 302
        return made.headers["Location"].rstrip("/").split("/")[-1]
    if path == "api":
        from assetmap import accounts
        accounts.create_user(store, "api@example.cymru", "connector", "org-carers")
        _, token = accounts.create_token(store, "api@example.cymru")
        made = client.post("/api/v1/people", json={"name": "Gwen Subject", "birth_year": 1944},
                           headers={"Authorization": f"Bearer {token}"})
        assert made.status_code == 201, made.get_json()
        return made.get_json()["id"]
    if path == "csv":
        sheet = tmp_path / "people.csv"
        sheet.write_text("id,name,birth_year,postcode\np-9,Gwen Subject,1944,SY18 6AB\n",
                         encoding="utf-8")
        result = csv_import.import_file(store, "people", sheet, config.instance_path,
                                        organisation_id="org-carers")
        assert not result.rejected, result.rejected
        return result.written[0]
    # a package from a colleague organisation on the same instance
    sent = people.repo.create(store, {"name": "Gwen Subject", "birth_year": 1944},
                              organisation_id="org-cvc")
    consents.record(store, {"person_id": sent["id"], "organisation_id": "org-cvc",
                            "given_by": "person", "purpose": "move_record", "given_at": TODAY})
    key = person_package.signing_key(config)
    package = person_package.sign(person_package.build(store, sent["id"], "org-cvc", acting),
                                  key)
    verified = person_package.verify(package, person_package.public_key_text(key))
    return person_package.receive(store, verified, "org-carers", acting,
                                  erasures.for_instance(config))["person_id"]


@pytest.mark.parametrize("path", ["form", "api", "csv", "package"])
def test_export_holds_every_relationship_and_record(
        path: str, sample_store: GraphStore, client, sign_in, acting: Acting,  # noqa: ANN001
        config: Config, tmp_path: Path) -> None:
    person_id = _enter_by(path, sample_store, client, sign_in, acting, config, tmp_path)
    names = _every_kind_around(sample_store, person_id, acting)
    touching = sample_store.run_read(
        "MATCH (p:Person {id: $id})-[r]-(o) RETURN type(r) AS type, startNode(r) = p AS out",
        id=person_id)
    allowed = ({(name, True) for name, spec in RELATIONSHIPS.items() if "Person" in spec.sources}
               | {(name, False) for name, spec in RELATIONSHIPS.items()
                  if "Person" in spec.targets})
    assert {(r["type"], r["out"]) for r in touching} == allowed, \
        "the fixture makes every kind the model allows: extend it with the model"

    held = subject_access.export(sample_store, person_id, AuditLog(tmp_path))
    exported = (sum(len(items) for items in held["relationships"].values())
                + len(held["carers"]) + len(held["named_in_others_records"])
                + len(held["what_matters"]) + len(held["lsns6_questionnaires"])
                + len(held["consents"])
                + sum(len(items) for items in held["other_records"].values()))
    # and each other person whose stored analysis names them as key person (not a tie)
    named_as_key = sum(r["type"] == "KEY_PERSON" for r in held["named_in_others_records"])
    assert exported == len(touching) + named_as_key, \
        "every relationship touching them, once"
    html = subject_access_html(held)
    for type_name in {r["type"] for r in touching if r["out"]}:
        assert RELATIONSHIP_NAMES[type_name] in html, type_name
    for name in names.values():
        assert name in html and name in json.dumps(held, ensure_ascii=False)
    area = sample_store.run_read("MATCH (:Person {id: $id})-[:IN_AREA]->(a:Area) "
                                 "RETURN a.name AS name LIMIT 1", id=person_id)[0]["name"]
    assert area in html, "their area by its name, not only its code"
    assert "Bake bara brith" in html and "Gwen Subject" in html


def test_report_shows_values_and_the_whole_access_history(sample_store: GraphStore,
                                                          tmp_path: Path) -> None:
    person = people.repo.create(sample_store, {"name": "Gwen", "lat": 52.449, "lon": -3.54,
                                               "lives_alone": False},
                                organisation_id="org-carers")
    log = AuditLog(tmp_path)
    log.record("view", "user-1", record_id=person["id"], detail="GET /people/<person_id>")
    html = subject_access_html(subject_access.export(sample_store, person["id"], log))
    assert "<td>52.449</td>" in html and "latitude, longitude" not in html
    assert "<td>No</td>" in html and "False" not in html
    assert "GET /people/&lt;person_id&gt;" in html, "the detail column"
    assert 'name="viewport"' in html
    assert "+00:00" not in html, "times as a reader writes them, in Wales's time"


# -- 2. erasure down to the disk ---------------------------------------------------------


def _traces(directory: Path, *needles: str) -> list[str]:
    found = subprocess.run(["grep", "-rlaF", *[f"-e{n}" for n in needles], str(directory)],
                           capture_output=True, text=True, check=False).stdout
    return found.split()


def test_erasure_leaves_nothing_in_the_database_files(tmp_path: Path) -> None:
    """Its own instance and server: every file under graph/ is read after the erasure,
    and again after a restart."""
    from assetmap.graph.embedded import EmbeddedServer
    from assetmap.graph.organisations import repo as organisations

    env = {"ASSETMAP_INSTANCE": str(tmp_path / "instance"), "ASSETMAP_LANGUAGE": "en",
           "ASSETMAP_GRAPH_NAME": "assetmap", "ASSETMAP_GRAPH_URL": ""}
    config = Config.from_env(env)
    store = GraphStore.open(config)
    try:
        store.init_schema()
        organisations.create(store, {"id": "org-1", "name": "Gofalwyr"})
        person = people.repo.create(store, {"name": "Zebedee Quuxworthy", "postcode": "SY18 6AB",
                                             "lat": 52.44, "lon": -3.54},
                                    organisation_id="org-1")
        people_service.record_what_matters(store, person["id"], {
            "date": TODAY, "can_do_myself": "Fly kites over Pumlumon"}, "user-1")
        consents.record(store, {"person_id": person["id"], "organisation_id": "org-1",
                                "given_by": "representative",
                                "representative_name": "Rhodri Representative",
                                "purpose": "move_record", "given_at": TODAY})
        from assetmap.web import create_app
        from tests.conftest import AuthActions
        app = create_app(config.with_changes(password_hashing=TEST_HASHING, testing=True))
        AuthActions(app.test_client()).login("zebedee.quux@example.org", "hunter2-secret")
        needles = (person["id"], "Zebedee Quuxworthy", "Pumlumon", "Rhodri Representative")
        graph = config.instance_path / "graph"
        assert _traces(graph, *needles), "written to the append-only file first"
        assert not _traces(graph, "zebedee.quux", "hunter2"), "a typed address is hashed"
        erased = CliRunner(env=env).invoke(main, ["person", "erase", person["id"], "--yes",
                                                  "--no-recompute"])
        assert erased.exit_code == 0, erased.output
        assert _traces(graph, *needles) == []
        keys = EmbeddedServer(graph).client().keys("*")
        assert not [key for key in keys if key.startswith(b"telemetry")], keys
    finally:
        store.close()
        EmbeddedServer(config.instance_path / "graph").stop()
    store = GraphStore.open(config)  # restarted from its files
    try:
        assert store.run_read("MATCH (o:Organisation) RETURN o.id AS id") == [{"id": "org-1"}]
        assert _traces(graph, *needles) == []
    finally:
        store.close()
        EmbeddedServer(config.instance_path / "graph").stop()


# -- 3. erasures survive restores; no package received again ------------------------------


def test_restore_erases_again_whoever_was_erased_since_the_backup(
        runner: CliRunner, cli_env: dict, config: Config, tmp_path: Path) -> None:
    from seed import sample
    store = GraphStore.open(Config.from_env(cli_env))
    store.init_schema()
    sample.load(store)
    person = store.run_read("MATCH (p:Person)-[:KNOWS]->() RETURN p.id AS id, p.name AS name "
                            "ORDER BY id LIMIT 1")[0]
    path = tmp_path / "before.amb"
    assert runner.invoke(main, ["backup", str(path)]).exit_code == 0
    assert runner.invoke(main, ["person", "erase", person["id"], "--yes",
                                "--no-recompute"]).exit_code == 0
    register = erasures.for_instance(config)
    assert register.holds(person["id"])
    text = register.path.read_text()
    assert person["id"] not in text and person["name"] not in text, "no personal data"
    assert oct(register.path.stat().st_mode & 0o777) == "0o600"
    store.clear()
    restored = runner.invoke(main, ["restore", str(path)])
    assert restored.exit_code == 0, restored.output
    assert "1 person erased since this backup was made was erased again" in restored.output
    assert not store.run_read("MATCH (p:Person {id: $id}) RETURN p.id AS id", id=person["id"])
    assert not store.run_read("MATCH (d)-[:ABOUT]->() WHERE d.person_id = $id "
                              "RETURN d.id AS id", id=person["id"])
    store.close()


def test_a_package_is_not_received_again_after_erasure_and_restore(
        sample_store: GraphStore, acting: Acting, config: Config, tmp_path: Path) -> None:
    """The organisation's list of packages it took rolls back with a restore; the erasure
    register does not."""
    from assetmap.interop import backup
    from assetmap.services import backups
    register = erasures.for_instance(config)
    sent = people.repo.create(sample_store, {"name": "Gwen Moving"}, organisation_id="org-cvc")
    consents.record(sample_store, {"person_id": sent["id"], "organisation_id": "org-cvc",
                                   "given_by": "person", "purpose": "move_record",
                                   "given_at": TODAY})
    key = person_package.signing_key(config)
    verified = person_package.verify(person_package.sign(
        person_package.build(sample_store, sent["id"], "org-cvc", acting), key),
        person_package.public_key_text(key))
    before = tmp_path / "before.amb"
    backup.write(sample_store, before)
    arrived = person_package.receive(sample_store, verified, "org-carers", acting, register)
    subject_access.erase(sample_store, arrived["person_id"], acting, register, recompute=False)
    sample_store.clear()
    backups.restore(sample_store, before, None, acting, config)
    with pytest.raises(InvalidRecord, match="since erased here"):
        person_package.receive(sample_store, verified, "org-carers", acting, register)


# -- 4. every creation, departure and arrival audited --------------------------------------


def test_every_person_created_or_sent_is_audited(
        sample_store: GraphStore, client, sign_in, config: Config,  # noqa: ANN001
        acting: Acting, tmp_path: Path) -> None:
    from assetmap import accounts
    log = AuditLog(config.instance_path)
    before = {row["id"] for row in sample_store.run_read("MATCH (p:Person) RETURN p.id AS id")}
    accounts.create_user(sample_store, "api@example.cymru", "connector", "org-carers")
    _, token = accounts.create_token(sample_store, "api@example.cymru")
    bearer = {"Authorization": f"Bearer {token}"}
    made = client.post("/api/v1/people", json={"name": "Gwen"}, headers=bearer).get_json()
    assert client.post(f"/api/v1/people/{made['id']}/ties", headers=bearer, json={
        "name": "Tomos By-Name", "relation": "friend", "circle": 2}).status_code == 201
    sign_in("connector", "org-carers")
    page = client.get(f"/people/{made['id']}/carers/new").get_data(as_text=True)
    assert client.post(f"/people/{made['id']}/carers/new", data={
        "csrf_token": csrf_token(page), "name": "Carys Carer",
        "hours_per_week": "35"}).status_code == 302
    sheet = tmp_path / "people.csv"
    sheet.write_text("id,name\np-1,Nia Spreadsheet\np-2,Owain Spreadsheet\n", encoding="utf-8")
    runner = CliRunner(env={"ASSETMAP_INSTANCE": str(config.instance_path),
                            "ASSETMAP_GRAPH_URL": config.graph_url,
                            "ASSETMAP_GRAPH_NAME": config.graph_name, "ASSETMAP_LANGUAGE": "en"})
    imported = runner.invoke(main, ["import", "csv", "people", str(sheet), "--org", "org-carers"])
    assert imported.exit_code == 0, imported.output
    # a package out (the person and one named member) and in (three people arrive)
    for pid in (made["id"], _person_named(sample_store, "Tomos By-Name")):
        consents.record(sample_store, {"person_id": pid, "organisation_id": "org-carers",
                                       "given_by": "person", "purpose": "move_record",
                                       "given_at": TODAY})
    sending = Acting(anchored_log(config.instance_path, sample_store), "test:sender")
    key = person_package.signing_key(config)
    package = person_package.build(sample_store, made["id"], "org-carers", sending)
    person_package.receive(sample_store, person_package.verify(
        person_package.sign(package, key), person_package.public_key_text(key)), "org-cvc",
        sending, erasures.for_instance(config))

    after = {row["id"] for row in sample_store.run_read("MATCH (p:Person) RETURN p.id AS id")}
    entries = list(log.entries())
    arrived = [e["record_id"] for e in entries if e["action"] in ("create", "receive")]
    assert sorted(arrived) == sorted(after - before), "one entry per person created"
    sent = {e["record_id"] for e in entries if e["action"] == "package"}
    assert sent == {made["id"], _person_named(sample_store, "Tomos By-Name")}, \
        "one entry per person whose data left"
    assert all("Gwen" not in line and "Tomos" not in line
               for line in log.path.read_text().splitlines())


def _person_named(store: GraphStore, name: str) -> str:
    return store.run_read("MATCH (p:Person {name: $name}) RETURN p.id AS id ORDER BY "
                          "p.created_at LIMIT 1", name=name)[0]["id"]


def test_failed_sign_ins_are_searchable_by_address_without_keeping_it(
        client, runner: CliRunner, sign_in, config: Config) -> None:  # noqa: ANN001
    from tests.conftest import AuthActions
    AuthActions(client).login("Typed.Address@Example.cymru", "not the password")
    assert "typed.address" not in AuditLog(config.instance_path).path.read_text().lower()
    shown = runner.invoke(main, ["audit", "show", "--actor", "typed.address@example.cymru"])
    assert [json.loads(line)["action"] for line in shown.output.splitlines()] == ["login_failed"]
    sign_in("admin")
    html = client.get("/admin/audit?actor=typed.address@example.cymru").get_data(as_text=True)
    assert "login_failed" in html


# -- 5. the trail's tail -----------------------------------------------------------------


def test_cutting_the_end_of_the_trail_is_found(runner: CliRunner, config: Config,
                                               falkor_store: GraphStore) -> None:
    log = anchored_log(config.instance_path, falkor_store)
    for n in range(8):
        log.record("view", "u1", record_type="Person", record_id=f"p{n}")
    log.record("erase", "u1", record_type="Person", record_id="p3")
    assert runner.invoke(main, ["audit", "verify"]).exit_code == 0
    lines = log.path.read_text().splitlines(keepends=True)
    log.path.write_text("".join(lines[:-5]))  # the newest erasure among them
    cut = runner.invoke(main, ["audit", "verify"])
    assert cut.exit_code == 1
    assert "line 5 is missing" in cut.output and "cut from the end" in cut.output
    assert AuditLog(config.instance_path).verify()[1] is None, "the chain alone holds"
    # a whole new trail, as long as the old one, is not the one the database recorded
    log.path.unlink()
    fresh = AuditLog(config.instance_path)
    for n in range(9):
        fresh.record("view", "u1", record_type="Person", record_id=f"q{n}")
    replaced = runner.invoke(main, ["audit", "verify"])
    assert replaced.exit_code == 1 and "line 9 is not the entry recorded" in replaced.output
    assert audit_head.read(falkor_store).seq == 9
    # the app goes on writing after whatever the file now ends with: the head stays where
    # it was, so the trail still does not verify
    for n in range(4):
        log.record("view", "u1", record_type="Person", record_id=f"r{n}")
    assert audit_head.read(falkor_store).seq == 9
    later = runner.invoke(main, ["audit", "verify"])
    assert later.exit_code == 1 and "line 10 was written when the trail no longer held" in (
        later.output)


def test_a_cut_trail_is_not_re_anchored_by_later_entries(runner: CliRunner, config: Config,
                                                         falkor_store: GraphStore) -> None:
    log = anchored_log(config.instance_path, falkor_store)
    for n in range(8):
        log.record("view", "u1", record_type="Person", record_id=f"p{n}")
    lines = log.path.read_text().splitlines(keepends=True)
    log.path.write_text("".join(lines[:-3]))
    for n in range(5):  # past the old head's number
        log.record("view", "u1", record_type="Person", record_id=f"q{n}")
    assert audit_head.read(falkor_store).seq == 8
    result = runner.invoke(main, ["audit", "verify"])
    assert result.exit_code == 1 and "line 6 was written when the trail no longer held" in (
        result.output)


def test_putting_the_old_file_back_after_a_cut_is_found(runner: CliRunner, config: Config,
                                                        falkor_store: GraphStore) -> None:
    """Copy the trail, cut it, act, put the copy back: the entries written meanwhile are
    gone from the file, but the graph remembers that the trail was not whole then."""
    log = anchored_log(config.instance_path, falkor_store)
    for n in range(6):
        log.record("view", "u1", record_type="Person", record_id=f"p{n}")
    saved = log.path.read_text()
    log.path.write_text("".join(saved.splitlines(keepends=True)[:-1]))
    log.record("export", "u1", record_type="Person", record_id="p9")
    log.path.write_text(saved)
    result = runner.invoke(main, ["audit", "verify"])
    assert result.exit_code == 1 and "line 6 was written when the trail no longer held" in (
        result.output)


def test_restore_from_an_instance_whose_trail_is_not_here_is_refused(
        config: Config, falkor_store: GraphStore, tmp_path: Path) -> None:
    """Another machine's backup, without its audit trail and erasure register: its
    erasures would be unknown here. Refused (nothing kept) unless --new-instance."""
    from assetmap.graph.organisations import repo as organisations
    from assetmap.interop import backup
    organisations.create(falkor_store, {"id": "org-1", "name": "Gofalwyr-Elsewhere"})
    old = anchored_log(tmp_path / "old-instance", falkor_store)
    for n in range(3):
        old.record("view", "u1", record_type="Person", record_id=f"p{n}")
    path = tmp_path / "elsewhere.amb"
    backup.write(falkor_store, path)
    falkor_store.clear()
    env = {"ASSETMAP_INSTANCE": str(config.instance_path), "ASSETMAP_GRAPH_URL": config.graph_url,
           "ASSETMAP_GRAPH_NAME": config.graph_name, "ASSETMAP_LANGUAGE": "en"}
    refused = CliRunner(env=env).invoke(main, ["restore", str(path)])
    assert refused.exit_code == 1 and "backup: holds no audit trail, keys or erasure " \
        "register (it is not encrypted), so this new instance cannot carry on" in refused.output
    assert falkor_store.is_empty(), "nothing kept"
    # a trail here longer than theirs, but not theirs, is no better
    ours = anchored_log(config.instance_path, falkor_store)
    for n in range(5):
        ours.record("view", "u2", record_type="Person", record_id=f"q{n}")
    falkor_store.clear()
    again = CliRunner(env=env).invoke(main, ["restore", str(path)])
    assert again.exit_code == 1 and "comes from an instance whose audit trail" in again.output
    assert falkor_store.is_empty(), "refused before anything was written"
    forced = CliRunner(env=env).invoke(main, ["restore", str(path), "--new-instance"])
    assert forced.exit_code == 0, forced.output
    assert CliRunner(env=env).invoke(main, ["audit", "verify"]).exit_code == 0


def test_a_register_without_its_key_is_refused(config: Config) -> None:
    register = erasures.for_instance(config)
    register.add(["p-1"])
    key = config.instance_path / "erasure_key"
    key.unlink()
    with pytest.raises(InvalidRecord, match="erasure_key: is missing"):
        erasures.for_instance(config)
    key.write_text("0" * 64)  # another key: it would match none of the register
    with pytest.raises(InvalidRecord, match="erasure_key: is not the key"):
        erasures.for_instance(config).holds("p-1")


def test_an_erasure_removes_a_backup_snapshot_left_behind(sample_store: GraphStore,
                                                           acting: Acting, config: Config,
                                                           tmp_path: Path) -> None:
    """A backup killed while it read its snapshot leaves a whole copy of the graph; an
    erasure removes it (a backup running meanwhile then fails and keeps nothing)."""
    from assetmap.graph.falkor import SNAPSHOT
    from assetmap.interop import backup
    person = people.repo.create(sample_store, {"name": "Fotheringay"},
                                organisation_id="org-carers")
    left = f"{sample_store.backend.graph_name}{SNAPSHOT}killed00"
    sample_store.backend.copy_to(left)
    subject_access.erase(sample_store, person["id"], acting, erasures.for_instance(config),
                         recompute=False)
    graphs = [g.decode() if isinstance(g, bytes) else g
              for g in sample_store.backend._db.connection.execute_command("GRAPH.LIST")]
    assert left not in graphs
    path = tmp_path / "b.amb"
    with pytest.raises(Exception, match="snapshot was removed"), \
            sample_store.snapshot() as snapshot:  # erased in the middle of a backup
        snapshot.backend._db.connection.execute_command(
            "GRAPH.DELETE", snapshot.backend.graph_name)
    backup.write(sample_store, path)
    assert path.exists()


def test_a_carer_recorded_by_another_organisation_cannot_be_chosen(
        sample_store: GraphStore, acting: Acting) -> None:
    from assetmap.services.people import NotAllowed
    mine = people.repo.create(sample_store, {"name": "Mine"}, organisation_id="org-cvc")
    theirs = people.repo.create(sample_store, {"name": "Theirs"}, organisation_id="org-carers")
    with pytest.raises(NotAllowed):
        people_service.add_carer(sample_store, mine["id"], {"hours_per_week": 60},
                                 carer_id=theirs["id"], organisation_id="org-cvc",
                                 acting=acting)
    assert not sample_store.run_read("MATCH (p:Person {id: $id}) WHERE p.carer = true "
                                     "RETURN p.id AS id", id=theirs["id"])


def test_a_package_repeating_a_tie_is_refused(sample_store: GraphStore, acting: Acting,
                                              config: Config) -> None:
    sent = people.repo.create(sample_store, {"name": "Gwen"}, organisation_id="org-cvc")
    friend = people.repo.create(sample_store, {"name": "Friend"}, organisation_id="org-cvc")
    ties.create(sample_store, "KNOWS", ("Person", sent["id"]), ("Person", friend["id"]),
                {"relation": "friend", "circle": 2, "contact": "weekly"})
    consents.record(sample_store, {"person_id": sent["id"], "organisation_id": "org-cvc",
                                   "given_by": "person", "purpose": "move_record",
                                   "given_at": TODAY})
    package = person_package.build(sample_store, sent["id"], "org-cvc", acting)
    package["circle"].append(json.loads(json.dumps(package["circle"][0])))
    with pytest.raises(InvalidRecord) as refused:
        person_package.receive(sample_store, _signed(config, package), "org-carers", acting,
                               erasures.for_instance(config))
    assert "circle/1" in dict(refused.value.errors)


# -- 6. retention counts days --------------------------------------------------------------


def test_review_with_zero_days_lists_everything_changed_before_now(
        runner: CliRunner, cli_env: dict, client, sign_in, app) -> None:  # noqa: ANN001
    store = GraphStore.open(Config.from_env(cli_env))
    mine = store.run_read("MATCH (p:Person)-[:RECORDED_BY]->(:Organisation {id: 'org-carers'}) "
                          "RETURN p.name AS name ORDER BY p.updated_at, p.name")
    store.close()
    assert mine, "the sample community has people recorded by org-carers"
    listed = runner.invoke(main, ["person", "review", "--org", "org-carers", "--days", "0"])
    assert listed.exit_code == 0, listed.output
    assert f"{min(len(mine), 500)} records not changed for 0 days" in listed.output
    none = runner.invoke(main, ["person", "review", "--org", "org-carers", "--days", "36500"])
    assert "0 records not changed" in none.output
    app.config["ASSETMAP"] = app.config["ASSETMAP"].with_changes(retention_days=0)
    sign_in("connector", "org-carers")
    assert mine[0]["name"] in client.get("/people/review").get_data(as_text=True)


def test_review_counts_every_record_and_what_changed_about_them(sample_store: GraphStore,
                                                                acting: Acting) -> None:
    from assetmap.graph import subject
    old = "2020-01-01T00:00:00+00:00"
    sample_store.run_write("MATCH (p:Person) SET p.updated_at = $old", old=old)
    sample_store.run_write("MATCH (d) WHERE d:WhatMatters OR d:Consent OR d:Lsns6Response "
                           "SET d.created_at = $old, d.updated_at = $old", old=old)
    sample_store.run_write("MATCH ()-[r:REFERRED_TO]->() SET r.date = '2020-01-01'")
    due, total = subject.untouched_since(sample_store, "org-carers", "2021-01-01", limit=2)
    assert len(due) == 2 and total > 2, "the whole count, not the page"
    touched = due[0]["id"]
    people_service.record_what_matters(sample_store, touched, {"date": TODAY,
                                                               "can_do_myself": "Garden"},
                                       "user-1")
    _, after = subject.untouched_since(sample_store, "org-carers", "2021-01-01", limit=2)
    assert after == total - 1, "a conversation about them is a change to their record"
    people_service.add_tie(sample_store, due[1]["id"], {"relation": "friend", "circle": 2},
                           new_person={"name": "Newly Met"}, organisation_id="org-cvc",
                           acting=acting)  # a tie carries no time of its own
    _, later = subject.untouched_since(sample_store, "org-carers", "2021-01-01", limit=2)
    assert later == total - 2, "so is a change to their circle"


# -- 8. smaller --------------------------------------------------------------------------


def _signed(config: Config, package: dict) -> person_package.Verified:
    key = person_package.signing_key(config)
    return person_package.verify(person_package.sign(package, key),
                                 person_package.public_key_text(key))


def test_receiver_refuses_addresses_and_placeholder_detail(
        sample_store: GraphStore, acting: Acting, config: Config) -> None:
    register = erasures.for_instance(config)
    sent = people.repo.create(sample_store, {"name": "Gwen"}, organisation_id="org-cvc")
    friend = people.repo.create(sample_store, {"name": "Not Consenting"},
                                organisation_id="org-cvc")
    ties.create(sample_store, "KNOWS", ("Person", sent["id"]), ("Person", friend["id"]),
                {"relation": "friend", "circle": 2, "strength": 5, "contact": "weekly",
                 "since": "2001-01-01", "last_contact": "2026-11-01"})
    consents.record(sample_store, {"person_id": sent["id"], "organisation_id": "org-cvc",
                                   "given_by": "person", "purpose": "move_record",
                                   "given_at": TODAY})
    package = person_package.build(sample_store, sent["id"], "org-cvc", acting)
    assert package["circle"][0]["properties"] == {"relation": "friend", "circle": 2,
                                                  "contact": "weekly"}
    for change, field in ((lambda p: p["person"].update(postcode="SY18 6AB"), "person/postcode"),
                          (lambda p: p["person"].update(lat=52.4, lon=-3.5), "person/lat"),
                          (lambda p: p["person"].update(open_to_connect=True),
                           "person/open_to_connect"),
                          (lambda p: p["circle"][0].update(person={
                              "name": "Not named", "placeholder": True,
                              "needs": ["lives at 4 Mill Lane"]}), "circle/0/person/placeholder"),
                          (lambda p: p["circle"][0]["properties"].update(strength=5),
                           "circle/0/properties/strength")):
        changed = json.loads(json.dumps(package))
        change(changed)
        with pytest.raises(InvalidRecord) as refused:
            person_package.receive(sample_store, _signed(config, changed), "org-carers",
                                   acting, register)
        assert field in dict(refused.value.errors), field
    arrived = person_package.receive(sample_store, _signed(config, package), "org-carers",
                                     acting, register)
    stored = sample_store.run_read(
        "MATCH (:Person {id: $id})-[r:KNOWS]->(h:Person) RETURN properties(r) AS r, h.id AS h",
        id=arrived["person_id"])
    assert stored[0]["r"] == {"relation": "friend", "circle": 2, "contact": "weekly"}
    subject_access.erase(sample_store, arrived["person_id"], acting, register, recompute=False)
    assert not sample_store.run_read("MATCH (h:Person {id: $id}) RETURN h.id AS id",
                                     id=stored[0]["h"]), "their placeholder went with them"
    assert register.holds(stored[0]["h"])
