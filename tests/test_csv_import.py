"""CSV import: templates, English and Welsh headers, the reject report, all-or-nothing,
dry runs, encodings, organisation boundaries for ties, and undo when a write fails."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from assetmap.audit import AuditLog
from assetmap.cli import main
from assetmap.config import Config
from assetmap.graph.store import GraphStore
from assetmap.services import csv_import

TEMPLATES = Path(__file__).parent.parent / "seed" / "templates"


def _store(cli_env: dict[str, str]) -> GraphStore:
    from assetmap.graph import organisations

    store = GraphStore.open(Config.from_env(cli_env))
    store.init_schema()
    for org in ("org-cvc", "org-carers"):
        organisations.repo.create(store, {"id": org, "name": org})
    return store


def _count(store: GraphStore, label: str) -> int:
    return store.run_read(f"MATCH (n:{label}) RETURN count(n) AS n")[0]["n"]


def _write(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as out:
        csv.writer(out).writerows(rows)
    return path


def _import(runner, *args: str):  # noqa: ANN001, ANN202
    return runner.invoke(main, ["import", "csv", *args])


def _rejects(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.open(encoding="utf-8")))


def test_templates_are_current_and_import_as_they_are(runner, cli_env) -> None:  # noqa: ANN001
    store = _store(cli_env)
    for kind in csv_import.KINDS:
        for lang, suffix in (("en", ""), ("cy", ".cy")):
            assert (TEMPLATES / f"{kind}{suffix}.csv").read_text(encoding="utf-8") == \
                csv_import.template(kind, lang), f"regenerate seed/templates/{kind}{suffix}.csv"
    for kind in ("places", "groups", "activities"):
        result = _import(runner, kind, str(TEMPLATES / f"{kind}.csv"))
        assert result.exit_code == 0, result.output
    result = _import(runner, "people", str(TEMPLATES / "people.cy.csv"), "--org", "org-cvc")
    assert result.exit_code == 0, result.output
    result = _import(runner, "ties", str(TEMPLATES / "ties.csv"), "--org", "org-cvc")
    assert result.exit_code == 0, result.output  # between the people template's two people
    assert store.run_read("MATCH (:Person {id: 'p-0001'})-[k:KNOWS]->(:Person {id: 'p-0002'}) "
                          "RETURN k.circle AS circle") == [{"circle": 2}]
    activity = store.run_read(
        "MATCH (a:Activity {id: 'a-choir'})-[:HELD_AT]->(p:Place {id: 'pl-hall'}) "
        "MATCH (a)-[:RUN_BY]->(g:Group {id: 'g-choir'}) RETURN a.welsh_language AS welsh")
    assert activity == [{"welsh": True}]
    person = store.run_read(
        "MATCH (p:Person {id: 'p-0001'})-[:RECORDED_BY]->(:Organisation {id: 'org-cvc'}) "
        "RETURN p.languages AS languages, p.lives_alone AS alone, p.lat AS lat, "
        "p.access_needs AS needs")[0]
    assert person["languages"] == ["cy", "en"] and person["alone"] is True
    assert person["lat"] is not None and person["needs"] == ["step_free"]  # from SY18


def test_rejects_are_reported_and_good_rows_written(runner, cli_env, tmp_path) -> None:  # noqa: ANN001
    store = _store(cli_env)
    _import(runner, "people", str(_write(tmp_path / "first.csv", [
        ["id", "name"], ["p-old", "Already Here"]])), "--org", "org-cvc")
    people = _write(tmp_path / "people.csv", [
        ["ID", "Enw", "birth_year", "cod_post", "lives_alone"],
        ["p-1", "Ann", "1950", "SY16 1AA", "ie"],
        ["p-2", "Bob", "1850", "", "no"],
        ["p-3", "Cerys", "", "NOT A POSTCODE", ""],
        ["p-1", "Ann again", "", "", ""],
        ["p-old", "Clash", "", "", ""],
        ["p-4", "Dai", "", "", "maybe"],
        ["p-5", "Extra", "", "", "", "one too many"],
        ["p-6", "", "", "", ""],
        ["p-7", "Eira", "1960", "", "na"],
    ])
    rejects = tmp_path / "rejects.csv"
    result = _import(runner, "people", str(people), "--org", "org-cvc", "--rejects",
                     str(rejects))
    assert result.exit_code == 1
    found = {(int(r["row"]), r["column"]): r["message"] for r in _rejects(rejects)}
    assert "between 1900" in found[(3, "birth_year")]
    assert "not a UK postcode" in found[(4, "cod_post")]
    assert "also the id on row 2" in found[(5, "ID")]
    assert "already used" in found[(6, "ID")]
    assert (7, "lives_alone") in found
    assert "more cells" in found[(8, "record")]
    assert found[(9, "Enw")] == "is required"
    assert len(found) == 7
    assert "9 rows: 2 people written" in result.output
    written = {row["id"] for row in store.run_read("MATCH (p:Person) RETURN p.id AS id")}
    assert written == {"p-old", "p-1", "p-7"}
    entries = AuditLog(Path(cli_env["ASSETMAP_INSTANCE"])).search(action="create")
    assert {"p-1", "p-7"} <= {entry["record_id"] for entry in entries}


def test_all_or_nothing_and_dry_run_write_nothing(runner, cli_env, tmp_path) -> None:  # noqa: ANN001
    store = _store(cli_env)
    people = _write(tmp_path / "people.csv", [
        ["id", "name", "birth_year"], ["p-1", "Ann", "1950"], ["p-2", "Bob", "1850"]])
    result = _import(runner, "people", str(people), "--org", "org-cvc", "--all-or-nothing")
    assert result.exit_code == 1 and "none written" in result.output
    assert _count(store, "Person") == 0
    good = _write(tmp_path / "good.csv", [["id", "name"], ["p-1", "Ann"]])
    dry = _import(runner, "people", str(good), "--org", "org-cvc", "--dry-run")
    assert dry.exit_code == 0 and "dry run" in dry.output
    assert _count(store, "Person") == 0


def test_encodings_and_headers(runner, cli_env, tmp_path) -> None:  # noqa: ANN001
    store = _store(cli_env)
    latin = _write(tmp_path / "latin.csv", [["name"], ["Caffi Glyndŵr".replace("ŵ", "é")]],
                   encoding="cp1252")
    result = _import(runner, "groups", str(latin))
    assert result.exit_code == 1
    assert "latin.csv: not UTF-8 (byte 0xe9" in result.output
    bom = _write(tmp_path / "bom.csv", [["enw", "categoriau", "cymraeg"],
                                        ["Côr Glyndŵr", "music;social", "ie"]],
                 encoding="utf-8-sig")
    assert _import(runner, "groups", str(bom)).exit_code == 0
    group = store.run_read("MATCH (g:Group) RETURN properties(g) AS g")[0]["g"]
    assert group["name"] == "Côr Glyndŵr" and group["categories"] == ["music", "social"]
    assert group["welsh_language"] is True
    unknown = _write(tmp_path / "unknown.csv", [["name", "colour"], ["x", "red"]])
    result = _import(runner, "groups", str(unknown))
    assert result.exit_code == 1 and "column 'colour' is not a groups column" in result.output
    missing = _write(tmp_path / "missing.csv", [["name", "weekday"], ["x", "mon"]])
    result = _import(runner, "activities", str(missing))
    assert result.exit_code == 1 and "no categories column" in result.output
    assert _import(runner, "people", str(bom)).exit_code != 0  # people need --org


def test_ties_stay_inside_the_organisation(runner, cli_env, tmp_path) -> None:  # noqa: ANN001
    store = _store(cli_env)
    _import(runner, "people", str(_write(tmp_path / "cvc.csv", [
        ["id", "name"], ["a", "Ann"], ["b", "Bob"], ["c", "Cai"]])), "--org", "org-cvc")
    _import(runner, "people", str(_write(tmp_path / "carers.csv", [
        ["id", "name"], ["x", "Xena"]])), "--org", "org-carers")
    ties = _write(tmp_path / "ties.csv", [
        ["source_id", "target_id", "type", "relation", "circle", "hours_per_week"],
        ["a", "b", "KNOWS", "friend", "2", ""],
        ["a", "x", "KNOWS", "friend", "2", ""],
        ["a", "b", "KNOWS", "friend", "3", ""],
        ["c", "a", "CARES_FOR", "", "", "20"],
        ["a", "a", "KNOWS", "friend", "1", ""],
        ["b", "c", "KNOWS", "cousin", "2", ""],
        ["b", "c", "KNOWS", "family", "2", "5"],
    ])
    rejects = tmp_path / "r.csv"
    result = _import(runner, "ties", str(ties), "--org", "org-cvc", "--rejects", str(rejects))
    assert result.exit_code == 1
    found = {(int(r["row"]), r["column"]): r["message"] for r in _rejects(rejects)}
    assert "recorded by org-cvc" in found[(3, "target_id")]
    assert "already exists" in found[(4, "target_id")]
    assert "same person" in found[(6, "target_id")]
    assert (7, "relation") in found
    assert "not a field of a KNOWS tie" in found[(8, "hours_per_week")]
    assert store.run_read("MATCH (:Person {id: 'a'})-[k:KNOWS]->(:Person {id: 'b'}) "
                          "RETURN k.circle AS circle") == [{"circle": 2}]
    assert store.run_read("MATCH (:Person {id: 'c'})-[r:CARES_FOR]->(:Person {id: 'a'}) "
                          "RETURN r.hours_per_week AS h") == [{"h": 20.0}]
    assert _count(store, "Person") == 4


def test_an_import_stopped_part_way_is_undone(cli_env, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    """Ctrl+C (or any failure) after some batches are written: they are removed again."""
    store = _store(cli_env)
    rows = [["id", "name"]] + [[f"p-{i}", f"Person {i}"] for i in range(12)]
    path = _write(tmp_path / "people.csv", rows)
    monkeypatch.setattr(csv_import, "BATCH", 5)
    seen = []

    def progress(stage: str, done: int, total: int) -> None:
        seen.append((stage, done))
        if stage == "writing" and done >= 10:
            assert _count(store, "Person") == 10  # two batches really were written
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        csv_import.import_file(store, "people", path, Path(cli_env["ASSETMAP_INSTANCE"]),
                               organisation_id="org-cvc", progress=progress)
    assert ("writing", 10) in seen
    assert _count(store, "Person") == 0


def test_missing_links_are_rejected(runner, cli_env, tmp_path) -> None:  # noqa: ANN001
    store = _store(cli_env)
    activities = _write(tmp_path / "a.csv", [
        ["name", "weekday", "start", "end", "categories", "place_id"],
        ["Walk", "mon", "10:00", "11:00", "outdoors", "nowhere"],
        ["Talk", "mon", "12:00", "11:00", "learning", "nowhere"],
    ])
    rejects = tmp_path / "r.csv"
    result = _import(runner, "activities", str(activities), "--rejects", str(rejects))
    assert result.exit_code == 1
    found = {(int(r["row"]), r["column"]): r["message"] for r in _rejects(rejects)}
    assert found[(2, "place_id")] == "no Place with id 'nowhere'"
    assert found[(3, "end")] == "must be after start"
    assert _count(store, "Activity") == 0


def test_templates_download_from_the_directory(client, sign_in) -> None:  # noqa: ANN001
    sign_in("connector", "org-cvc")
    page = client.get("/directory/").get_data(as_text=True)
    assert "/directory/templates/people.csv" in page
    for kind in csv_import.KINDS:
        for lang in ("en", "cy"):
            response = client.get(f"/directory/templates/{kind}.csv?columns={lang}")
            assert response.status_code == 200 and response.mimetype == "text/csv"
            assert response.get_data(as_text=True) == csv_import.template(kind, lang)
    assert client.get("/directory/templates/secrets.csv").status_code == 404
