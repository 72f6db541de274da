"""Analysis through the real store and the CLI: fragile circles, suggestions, the batch run,
suppression in every output, and suggestion reads that stay local as the graph grows."""

from __future__ import annotations

import json
import re

import pytest

from assetmap.cli import main
from assetmap.config import Config
from assetmap.graph import areas, people, ties
from assetmap.graph.store import GraphStore
from assetmap.services import analysis
from tests.community import Community, at


@pytest.fixture
def town(falkor_store: GraphStore) -> Community:
    return Community(falkor_store)


def _well_connected(town: Community, prefix: str, **fields) -> list[str]:  # noqa: ANN003
    """Five people who each know two family (circle 1, daily) and two friends (circle 2,
    weekly, strength 4): each scores 2+2+2 family and 2+2+2 friends = LSNS-6 12."""
    ids = [town.person(f"{prefix}-{i}", 100 * i, 0, **fields) for i in range(5)]
    for i, pid in enumerate(ids):
        town.knows(pid, ids[(i + 1) % 5], "family", 1, "daily", 5, both=False)
        town.knows(pid, ids[(i + 2) % 5], "family", 1, "daily", 5, both=False)
        town.knows(pid, ids[(i + 3) % 5], "friend", 2, "weekly", 4, both=False)
        town.knows(pid, ids[(i + 4) % 5], "friend", 2, "weekly", 4, both=False)
    return ids


# ---------------------------------------------------------------------------
# one person


def test_fragile_circle_through_one_daughter_then_a_friend(town: Community) -> None:
    store = town.store
    town.person("nain", lives_alone=True, birth_year=1938)
    town.person("daughter", 2000)
    town.person("grandson", 2000, 100)
    town.knows("nain", "daughter", "family", 1, "daily", 5)
    town.knows("nain", "grandson", "family", 3, "yearly", 2)
    town.knows("daughter", "grandson", "family", 1, "daily", 5)

    report = analysis.assess_person(store, "nain")
    assert report["fragile_circle"] is True
    assert report["key_person"] == {"id": "daughter", "name": "Daughter"}
    fragile = next(r for r in report["reasons"] if r["code"] == "fragile_circle")
    assert "Daughter" in fragile["text"]
    stored = people.repo.get(store, "nain")
    assert stored["fragile_circle"] is True and stored["key_person_id"] == "daughter"

    town.person("ffrind", 300)
    town.knows("nain", "ffrind", "friend", 2, "weekly", 4)
    report = analysis.assess_person(store, "nain")
    assert report["fragile_circle"] is False and report["key_person"] is None
    assert people.repo.get(store, "nain")["fragile_circle"] is False


def test_what_was_not_recorded_never_makes_someone_at_risk(town: Community) -> None:
    """Five neighbours recorded with no word of how often or how close: the floor is at
    risk, the ceiling is not, so the person is not assessed and told what to record; once
    recorded as seen yearly and distant, they are at risk."""
    store = town.store
    town.person("mair", lives_alone=True)
    neighbours = ("ann", "bob", "cai", "dai", "eli")
    for n, name in enumerate(neighbours):
        town.person(name, 100 * (n + 1))
        town.knows("mair", name, "neighbour", 2, None, None, both=False)
    report = analysis.assess_person(store, "mair")
    assert report["not_assessed"] == "not_assessed_not_recorded"
    assert report["isolation_risk"] is None and report["lsns6"] is None
    assert report["fragile_circle"] is False  # unrecorded contact counts as close
    reason = next(r for r in report["reasons"] if r["code"] == "not_assessed_not_recorded")
    assert "could reach 12" in reason["text"]
    for name in neighbours:
        ties.update(store, "KNOWS", ("Person", "mair"), ("Person", name),
                    {"contact": "yearly", "strength": 2})
    report = analysis.assess_person(store, "mair")
    assert report["not_assessed"] is None and report["isolation_risk"] is True


def test_person_with_only_paid_carers(town: Community) -> None:
    town.person("alone", lives_alone=True)
    for worker in ("care-1", "care-2"):
        town.person(worker, 3000, profession="care worker")
        town.knows("alone", worker, "professional", 4, "daily", 2, both=False)
    report = analysis.assess_person(town.store, "alone")
    codes = [r["code"] for r in report["reasons"]]
    # two paid carers recorded and nothing else: too little to estimate, never "at risk"
    assert report["isolation_risk"] is None and report["lsns6"] is None
    assert report["not_assessed"] == codes[0] == "not_assessed_too_little"
    assert "only_paid_support" in codes and "lives_alone" in codes
    assert [m["id"] for m in report["circles"]["4"]] == ["care-1", "care-2"]
    assert people.repo.get(town.store, "alone").get("lsns6") is None
    # a "what matters" conversation says their circle is what was recorded: now it scores
    people.what_matters.create(town.store, {"person_id": "alone", "date": "2026-11-20",
                                            "recorded_by": "user-1",
                                            "need_a_little_help": "Company"}, about="alone")
    report = analysis.assess_person(town.store, "alone")
    assert report["isolation_risk"] is True and report["lsns6"]["total"] == 0


def test_recorded_questionnaire_wins_and_is_shown(runner, cli_env) -> None:  # noqa: ANN001
    store = GraphStore.open(Config.from_env(cli_env))
    Community(store).person("gwen")
    result = runner.invoke(main, ["person", "lsns6", "gwen", "--answers", "3,3,3,2,2,1",
                                  "--date", "2026-11-20", "--by", "user-1"])
    assert result.exit_code == 0, result.output
    report = json.loads(runner.invoke(main, ["person", "gwen", "--json"]).output)
    assert report["lsns6"]["source"] == "questionnaire"
    assert (report["lsns6"]["total"], report["lsns6"]["family"]) == (14, 9)
    assert report["isolation_risk"] is False
    bad = runner.invoke(main, ["person", "lsns6", "gwen", "--answers", "3,3,3,2,2,7",
                               "--date", "2026-11-20", "--by", "user-1"])
    assert bad.exit_code == 1 and "friends_help" in bad.output
    assert store.run_read("MATCH (q:Lsns6Response) RETURN count(q) AS n")[0]["n"] == 1
    store.close()


def test_carer_at_risk_through_the_store(town: Community) -> None:
    town.person("mam", birth_year=1940)
    town.person("carer", 50)
    town.knows("carer", "mam", "family", 1, "daily", 5)
    town.cares("carer", "mam", 60)
    report = analysis.assess_person(town.store, "carer")
    # only the hours are known: raised on them, never high on what was not recorded
    assert report["carer"]["risk"] == "raised"
    codes = [r["code"] for r in report["carer"]["reasons"]]
    assert codes == ["carer_hours_50_plus", "carer_circle_not_recorded",
                     "carer_isolation_not_assessed"]
    town.person("neighbour", 80)
    town.knows("carer", "neighbour", "neighbour", 3, "monthly", 2)
    report = analysis.assess_person(town.store, "carer")
    assert report["carer"]["risk"] == "high"
    codes = [r["code"] for r in report["carer"]["reasons"]]
    assert "carer_hours_50_plus" in codes and "carer_circle_thin" in codes


# ---------------------------------------------------------------------------
# suggestions


def test_suggestions_through_the_store(town: Community) -> None:
    store = town.store
    town.person("me", languages=["cy", "en"], interests=["singing"], needs=["transport"],
                gifts=["baking"], availability=["tue_am"], birth_year=1946)
    town.person("friend", 200, open_to_connect=True)
    town.knows("me", "friend", "friend", 2)
    town.person("fof-open", 400, open_to_connect=True, languages=["cy", "en"])
    town.person("fof-closed", 400, open_to_connect=False)
    town.knows("friend", "fof-open", "friend", 2)
    town.knows("friend", "fof-closed", "friend", 2)
    town.person("in-circle-volunteer", 300, open_to_connect=True, volunteer=True,
                radius_km=10, skills=["driving"])
    town.knows("me", "in-circle-volunteer", "volunteer", 3)
    town.person("driver", 3000, open_to_connect=True, volunteer=True, radius_km=5,
                skills=["driving"], languages=["cy", "en"], capacity=1)
    town.person("driver-too-far", 7000, open_to_connect=True, volunteer=True, radius_km=5,
                skills=["driving"])
    town.person("needs-cake", 0, 900, open_to_connect=True, needs=["baking"])
    town.activity("cor", 500, weekday="tue", start="10:30", categories=["music"],
                  welsh_language=True)
    town.activity("quiz", 500, weekday="thu", start="19:30", end="21:00",
                  categories=["social"])

    found = analysis.suggest(store, "me", limit=20)
    ids = [s["id"] for s in found]
    assert "driver" in ids and "fof-open" in ids and "needs-cake" in ids
    for never in ("friend", "fof-closed", "in-circle-volunteer", "driver-too-far", "me"):
        assert never not in ids
    assert ids.index("cor") < ids.index("quiz")
    cake = next(s for s in found if s["id"] == "needs-cake")
    assert any(r["code"] == "gift_meets_need" and "Me" in r["text"] for r in cake["reasons"])


# ---------------------------------------------------------------------------
# batch run and hotspots


def _areas(store: GraphStore) -> None:
    for area_id, level, parent in (("hb", "health_board", None),
                                   ("la", "local_authority", "hb"), ("w1", "ward", "la"),
                                   ("sa1", "small_area", "w1"), ("sa2", "small_area", "w1")):
        areas.repo.create(store, {"id": area_id, "name": area_id.upper(), "level": level,
                                  "population": 20}, parent_id=parent)


def _resident(town: Community, pid: str, area: str, east: float) -> str:
    town.person(pid, east, 0, area=area)  # written with its IN_AREA link
    # a connector has spoken with them: nobody recorded is then known to be nobody
    people.what_matters.create(town.store, {"person_id": pid, "date": "2026-11-20",
                                            "recorded_by": "user-1",
                                            "need_a_little_help": "Company"}, about=pid)
    return pid


def test_analyse_writes_back_and_records_a_run(runner, cli_env) -> None:  # noqa: ANN001
    store = GraphStore.open(Config.from_env(cli_env))
    town = Community(store)
    _areas(store)
    members = _well_connected(town, "sa1-ok", area="sa1")
    members += _well_connected(town, "sa2-ok", area="sa2")
    isolated = [_resident(town, f"sa1-alone-{i}", "sa1", 50 * i) for i in range(3)]
    isolated += [_resident(town, f"sa2-alone-{i}", "sa2", 50 * i) for i in range(6)]
    linked = store.run_read("MATCH (p:Person)-[:IN_AREA]->(a:Area) RETURN p.id AS p, a.id AS a")
    assert {row["p"]: row["a"] for row in linked} == {
        pid: pid[:3] for pid in members + isolated}

    result = runner.invoke(main, ["analyse", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["people"] == 19 and summary["at_risk"] == len(isolated) == 9
    assert summary["not_assessed"] is None  # none: a zero count is withheld like any small one

    ok = people.repo.get(store, members[0])
    assert (ok["lsns6"], ok["lsns6_family"], ok["lsns6_friends"]) == (12, 6, 6)
    assert ok["isolation_risk"] is False and ok["analysis_run"] == summary["run_id"]
    alone = people.repo.get(store, isolated[0])
    assert alone["lsns6"] == 0 and alone["isolation_risk"] is True
    assert "no_natural_support" in alone["risk_reasons"]
    run = store.run_read("MATCH (r:AnalysisRun) RETURN properties(r) AS r")[0]["r"]
    assert run["id"] == summary["run_id"] and run["finished_at"]
    assert json.loads(run["counts"])["at_risk"] == 9
    assert set(json.loads(run["durations"])) >= {"read", "people", "areas", "write"}

    # sa1 has 3 at risk: withheld; sa2's 6 would give it away (w1's 9 minus 6): withheld
    for level in ("small_area", "ward"):
        rows = json.loads(runner.invoke(main, ["hotspots", "--level", level,
                                               "--json"]).output)
        stored = analysis.hotspots(store, level)
        assert rows == stored
    small = {row["id"]: row for row in analysis.hotspots(store, "small_area")}
    for area_id in ("sa1", "sa2"):
        assert small[area_id]["at_risk"] is None and small[area_id]["at_risk_rate"] is None
    assert {row["id"]: row["at_risk"] for row in analysis.hotspots(store, "ward")} == {"w1": 9}
    text = runner.invoke(main, ["hotspots", "--level", "small_area"]).output
    for line in text.splitlines()[1:3]:
        assert re.search(r"\b[1-4]\b", line.split(maxsplit=1)[1]) is None, line
        assert "withheld" in line
    for row in analysis.hotspots(store, "small_area"):  # stored figures: the only source
        assert all(v is None or not isinstance(v, int) or v >= 5 or k == "population"
                   for k, v in row.items() if k in ("people", "at_risk", "fragile", "carers",
                                                    "carers_at_risk"))
    store.close()


def test_hotspots_before_any_run_says_so(runner) -> None:  # noqa: ANN001
    result = runner.invoke(main, ["hotspots"])
    assert result.exit_code == 1 and "assetmap analyse" in result.output


def test_analysing_the_seeded_community(sample_store: GraphStore) -> None:
    summary = analysis.run_analysis(sample_store)
    total = sample_store.run_read("MATCH (p:Person) RETURN count(p) AS n")[0]["n"]
    stored = sample_store.run_read(
        "MATCH (p:Person) WHERE p.analysis_run = $run RETURN count(p) AS n, "
        "sum(CASE WHEN p.isolation_risk THEN 1 ELSE 0 END) AS at_risk, "
        "sum(CASE WHEN p.isolation_risk IS NULL THEN 0 ELSE 1 END) AS assessed",
        run=summary["run_id"])[0]
    assert summary["people"] == stored["n"] == total
    at_risk, assessed = int(stored["at_risk"]), int(stored["assessed"])
    # the summary is an output too: withheld when it, or the rest of those assessed, is
    # under 5
    assert summary["at_risk"] == (None if min(at_risk, assessed - at_risk) < 5 else at_risk)
    # an edit after the run keeps the results it does not touch
    someone = sample_store.run_read("MATCH (p:Person) RETURN p.id AS id LIMIT 1")[0]["id"]
    people.repo.update(sample_store, someone, {"interests": ["walking"]})
    assert people.repo.get(sample_store, someone)["analysis_run"] == summary["run_id"]


# ---------------------------------------------------------------------------
# locality: suggestion reads do not grow with the graph


def _records_read(store: GraphStore, action) -> int:  # noqa: ANN001
    """Run ``action`` and count the records every read query produced (GRAPH.PROFILE)."""
    backend = store.backend
    original = backend.read
    total = 0

    def profiled(query: str, params: dict) -> list:
        nonlocal total
        plan = backend._graph.profile(query, params)
        total += sum(int(n) for n in re.findall(r"Records produced: (\d+)", "\n".join(
            plan.plan)))
        return original(query, params)

    backend.read = profiled
    try:
        action()
    finally:
        backend.read = original
    return total


def _populate(town: Community, count: int, origin: tuple[float, float], prefix: str) -> None:
    """``count`` people around ``origin`` with ties, volunteers and activities."""
    from assetmap.graph import activities, places
    from assetmap.model import Activity, Person, Place

    store = town.store
    persons = [Person(id=f"{prefix}-{i}", name=f"P{i}", **at(37 * (i % 40), 41 * (i // 40),
                                                              origin),
                      open_to_connect=i % 3 == 0, volunteer=i % 10 == 0,
                      radius_km=20 if i % 10 == 0 else None, gifts=["driving"],
                      needs=["baking"], interests=["singing"]) for i in range(count)]
    people.repo.create_many(store, persons)
    rows = [(f"{prefix}-{i}", f"{prefix}-{(i + step) % count}",
             {"relation": "friend", "circle": 2, "contact": "weekly", "strength": 3})
            for i in range(count) for step in (1, 7)]
    ties.create_many(store, "KNOWS", "Person", "Person", rows)
    places.repo.create_many(store, [Place(id=f"{prefix}-place-{i}", name="Hall",
                                          **at(500 * i, 0, origin)) for i in range(count // 20)])
    activities.repo.create_many(store, [
        Activity(id=f"{prefix}-act-{i}", name="Choir", weekday="tue", start="10:00",
                 end="11:00", categories=["music"]) for i in range(count // 20)])
    ties.create_many(store, "HELD_AT", "Activity", "Place", [
        (f"{prefix}-act-{i}", f"{prefix}-place-{i}", {}) for i in range(count // 20)])


def test_suggestion_reads_do_not_grow_with_the_graph(town: Community) -> None:
    store = town.store
    town.person("me", needs=["transport"], gifts=["baking"], interests=["singing"])
    _populate(town, 200, (52.4487, -3.5388), "local")
    town.knows("me", "local-0", "friend", 2)
    town.knows("me", "local-1", "family", 1)

    def run() -> None:
        run.result = analysis.suggest(store, "me", limit=20)

    before = _records_read(store, run)
    first = run.result
    _populate(town, 2000, (53.22, -4.13), "far")  # ten times as many, in Gwynedd
    assert store.run_read("MATCH (p:Person) RETURN count(p) AS n")[0]["n"] == 2201
    after = _records_read(store, run)
    assert first and run.result == first
    assert after == before


@pytest.mark.slow
def test_batch_and_per_person_paths_agree_for_everyone(falkor_store: GraphStore) -> None:
    """The batch counts ties with numpy; the on-demand path reads one neighbourhood and
    uses the per-person functions. Every person must come out the same both ways."""
    from seed.generator import generate, write

    write(falkor_store, generate(400, seed=11))
    # real records are incomplete: how often or how close is not recorded for some ties
    falkor_store.run_write("MATCH ()-[k:KNOWS]->() WHERE id(k) % 4 = 0 REMOVE k.contact")
    falkor_store.run_write("MATCH ()-[k:KNOWS]->() WHERE id(k) % 3 = 0 REMOVE k.strength")
    summary = analysis.run_analysis(falkor_store)
    stored = {
        row["p"]["id"]: row["p"] for row in falkor_store.run_read(
            "MATCH (p:Person) RETURN properties(p) AS p")
    }
    assert len(stored) == summary["people"] == 400
    assert any(p["fragile_circle"] for p in stored.values())
    assert any("not_assessed_not_recorded" in p["risk_reasons"] for p in stored.values())
    for person_id, batch in stored.items():
        report = analysis.assess_person(falkor_store, person_id, write=False)
        assert report["not_assessed"] == next(
            (c for c in batch["risk_reasons"] if c.startswith("not_assessed")), None)
        assert report["isolation_risk"] == batch.get("isolation_risk"), person_id
        if report["lsns6"] is None:
            assert batch.get("lsns6") is None, person_id
        else:
            assert report["lsns6"]["total"] == batch["lsns6"], person_id
            assert list(report["lsns6"]["items"].values()) == batch["lsns6_items"], person_id
        assert report["fragile_circle"] == batch["fragile_circle"], person_id
        assert (report["key_person"] or {}).get("id") == batch.get("key_person_id"), person_id
        codes = [r["code"] for r in report["reasons"]]
        assert codes == batch["risk_reasons"], person_id
        if "carer" in report:
            assert report["carer"]["risk"] == batch["carer_risk"], person_id


def test_person_command_help_lists_its_subcommands(runner) -> None:  # noqa: ANN001
    result = runner.invoke(main, ["person", "--help"])
    assert result.exit_code == 0 and "lsns6" in result.output and "show" in result.output
    missing = runner.invoke(main, ["person", "nobody"])
    assert missing.exit_code == 1 and "no Person with id 'nobody'" in missing.output


def test_a_run_records_the_parameters_it_used_on_the_clock_it_read(
        falkor_store: GraphStore) -> None:
    """The stored run's parameters are the ones the rules read (a rule's threshold is the
    parameter, so changing one changes both), and ages are counted on the one clock."""
    from datetime import UTC, datetime

    from assetmap import clock
    from assetmap.analysis import lsns6
    from assetmap.analysis.parameters import PARAMETERS

    town = Community(falkor_store)
    town.person("old", 0, 0, birth_year=1950)
    with clock.frozen_at(datetime(2031, 6, 1, tzinfo=UTC)):
        summary = analysis.run_analysis(falkor_store)
        run = analysis.latest_run(falkor_store)
    assert json.loads(run["parameters"]) == PARAMETERS.as_record()
    assert run["started_at"].startswith("2031-06-01")
    assert PARAMETERS.lsns6_at_risk_below == lsns6.AT_RISK_BELOW
    assert summary["people"] is None  # one person: withheld, as every small count


def test_suggestions_name_each_activity_once_in_both_languages(sample_store: GraphStore) -> None:
    """An activity held on several days is suggested once (its best day), and carries its
    Welsh name for Welsh pages."""
    from assetmap.services import analysis

    person = sample_store.run_read(
        "MATCH (p:Person) WHERE p.lat IS NOT NULL RETURN p.id AS id ORDER BY p.id LIMIT 1")[0]
    activities = [s for s in analysis.suggest(sample_store, person["id"], 50)
                  if s["kind"] == "activity"]
    assert activities
    names = [s["name"] for s in activities]
    assert len(names) == len(set(names)), names
    assert any(s["name_cy"] and s["name_cy"] != s["name"] for s in activities)
