"""Every record in its real place (issue 19): official ONS boundaries, loaded and checked;
a person or place placed in its areas by one rule whichever path wrote it (form, API,
CSV, Open Referral import, a received package); records outside every area counted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from assetmap import boundaries
from assetmap.cli import main
from assetmap.config import Config
from assetmap.graph import consents
from assetmap.graph import people as people_graph
from assetmap.graph.snapshot import read_snapshot
from assetmap.graph.store import GraphStore
from assetmap.model import AREA_LEVELS, InvalidRecord
from assetmap.services import analysis, areas
from tests.conftest import csrf_token

#: Llanidloes town centre, and where its small area, middle area, ward and county are
LLANIDLOES = (52.4495, -3.5410)
#: a point in England (Ludlow), inside no Welsh area
LUDLOW = (52.3676, -2.7180)


@pytest.fixture
def wales(falkor_store: GraphStore) -> GraphStore:
    """An empty graph with the shipped boundaries and one organisation."""
    from assetmap.graph.organisations import repo as organisations

    areas.import_areas(falkor_store, boundaries.bundled())
    organisations.create(falkor_store, {"id": "org-1", "name": "Gofalwyr Llanidloes"})
    return falkor_store


def _expected(lat: float, lon: float) -> dict[str, str]:
    return boundaries.AreaIndex(boundaries.bundled()).place(lat, lon)


def test_shipped_boundaries_are_wales_and_powys() -> None:
    found = boundaries.bundled()
    assert [sum(a.level == level for a in found) for level in AREA_LEVELS] == [79, 19, 73, 22,
                                                                               7]
    where = _expected(*LLANIDLOES)
    assert set(where) == set(AREA_LEVELS)
    assert where["local_authority"] == "W06000023" and where["health_board"] == "W11000024"
    names = {a.code: (a.name, a.name_cy) for a in found}
    assert names["W06000001"] == ("Isle of Anglesey", "Ynys Môn")
    assert _expected(*LUDLOW) == {}


@pytest.mark.parametrize("feature,problem", [
    ({"properties": {"name": "No code"}}, "feature 2: has no code"),
    ({"properties": {"code": "W01000426", "name": "Again"}},
     "feature 2 (W01000426): repeats the code"),
    ({"properties": {"code": "X1", "name": "Bow tie"},
      "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}},
     "feature 2 (X1): has an invalid boundary: Self-intersection"),
    ({"properties": {"code": "X2", "name": "Point"},
      "geometry": {"type": "Point", "coordinates": [-3.5, 52.4]}}, "is a Point, not an area"),
    ({"properties": {"code": "X3", "name": "On top"}, "geometry": None},
     "overlaps W01000426"),
])
def test_a_bad_boundary_file_is_refused_naming_the_feature(
        runner: CliRunner, tmp_path: Path, feature: dict, problem: str) -> None:
    first = json.loads(boundaries.bundled(["small_area"])[0].geojson)
    if "geometry" in feature and feature["geometry"] is None:
        feature = {**feature, "geometry": first}  # the same shape as feature 1
    document = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "W01000426", "name": "Powys 021A"},
         "geometry": first},
        {"type": "Feature", "geometry": first, **feature}]}
    path = tmp_path / "areas.geojson"
    path.write_text(json.dumps(document))
    result = runner.invoke(main, ["areas", "import", str(path), "--level", "small_area"])
    assert result.exit_code == 1, result.output
    assert problem in result.output and len(result.output.strip().splitlines()) == 1


def _places_of(store: GraphStore, person_id: str) -> dict[str, str]:
    """The areas the person is counted in by the analysis: from their area and ward up."""
    snapshot = read_snapshot(store, 2026)
    parents = {a.id: (a.level, a.parent) for a in snapshot.areas}
    row = next(p for p in snapshot.people if p.id == person_id)
    found: dict[str, str] = {}
    for start in (row.area, row.ward):
        while start in parents:
            level, up = parents[start]
            found[level] = start
            start = up
    linked = {r["level"]: r["id"] for r in store.run_read(
        "MATCH (:Person {id: $id})-[:IN_AREA]->(a:Area) RETURN a.level AS level, a.id AS id",
        id=person_id)}
    assert linked == {level: found[level] for level in ("small_area", "ward") if level in found}
    return found


def test_every_path_places_the_person_in_all_five_levels(
        wales: GraphStore, config: Config, tmp_path: Path, acting) -> None:  # noqa: ANN001
    from assetmap import accounts, erasures
    from assetmap.interop import person_package
    from assetmap.model import Person
    from assetmap.services import csv_import
    from assetmap.services import people as people_service
    from assetmap.web import create_app

    expected = _expected(*LLANIDLOES)
    app = create_app(config)
    client = app.test_client()
    made: dict[str, str] = {}
    user, password = accounts.create_user(wales, "c@example.cymru", "connector", "org-1")
    page = client.get("/login").get_data(as_text=True)
    assert client.post("/login", data={"email": "c@example.cymru", "password": password,
                                       "csrf_token": csrf_token(page)}).status_code == 302
    page = client.get("/people/new").get_data(as_text=True)
    form = client.post("/people/new", data={"csrf_token": csrf_token(page), "name": "By Form",
                                            "postcode": "SY18 6AB"})
    made["form"] = form.headers["Location"].rstrip("/").split("/")[-1]
    _, token = accounts.create_token(wales, "c@example.cymru")
    made["api"] = client.post("/api/v1/people", headers={"Authorization": f"Bearer {token}"},
                              json={"name": "By API", "lat": LLANIDLOES[0],
                                    "lon": LLANIDLOES[1]}).get_json()["id"]
    sheet = tmp_path / "people.csv"
    sheet.write_text("id,name,lat,lon\n" + "".join(
        f"p-{n},By Sheet {n},{LLANIDLOES[0]},{LLANIDLOES[1]}\n" for n in range(3)),
        encoding="utf-8")
    made["csv"] = csv_import.import_file(wales, "people", sheet, config.instance_path,
                                         organisation_id="org-1").written[0]
    sent = people_graph.repo.create(wales, {"name": "By Package"}, organisation_id="org-1")
    consents.record(wales, {"person_id": sent["id"], "organisation_id": "org-1",
                            "given_by": "person", "purpose": "move_record",
                            "given_at": "2026-11-01"})
    key = person_package.signing_key(config)
    verified = person_package.verify(person_package.sign(
        person_package.build(wales, sent["id"], "org-1", acting), key),
        person_package.public_key_text(key))
    home = areas.locate(wales, Person, {"lat": LLANIDLOES[0], "lon": LLANIDLOES[1]},
                        config.instance_path)
    made["package"] = person_package.receive(wales, verified, "org-1", acting,
                                             erasures.for_instance(config),
                                             home=home)["person_id"]
    for path, person_id in made.items():
        where = _places_of(wales, person_id)
        if path == "form":  # the district's point: the same county, maybe another ward
            assert where["local_authority"] == expected["local_authority"], where
            continue
        assert where == expected, path
    # an edit that moves them moves their areas; one of other fields keeps them
    people_service.update(wales, made["api"], {"lat": LUDLOW[0], "lon": LUDLOW[1]},
                          config.instance_path)
    assert _places_of(wales, made["api"]) == {}
    people_service.update(wales, made["csv"], {"needs": ["lifts"]}, config.instance_path)
    assert _places_of(wales, made["csv"]) == expected
    summary = analysis.run_analysis(wales)
    figures = {row["id"]: json.loads(row["figures"]) for row in wales.run_read(
        "MATCH (a:Area) WHERE a.id IN $ids RETURN a.id AS id, a.figures AS figures",
        ids=[expected["local_authority"], expected["health_board"]])}
    # in Powys: the form's, three from the sheet and the package's; the API's moved to
    # Ludlow and the sender's own record has no home: outside, 2, withheld (under 5)
    for code in (expected["local_authority"], expected["health_board"]):
        assert figures[code]["people"] == 5, figures[code]
    assert summary["outside_areas"] is None


def test_open_referral_places_are_placed(wales: GraphStore, config: Config,
                                         tmp_path: Path) -> None:
    from assetmap.services import hsds_import
    from tests.test_hsds import _welsh_example

    source = tmp_path / "service.json"
    source.write_text(json.dumps(_welsh_example()))
    hsds_import.import_paths(wales, [source], config.instance_path)
    place = wales.run_read("MATCH (p:Place) RETURN p.area AS area, p.ward AS ward, "
                           "p.lat AS lat, p.lon AS lon")[0]
    where = _expected(place["lat"], place["lon"])
    assert (place["area"], place["ward"]) == (where["small_area"], where["ward"])
    assert wales.run_read("MATCH (:Place)-[:IN_AREA]->(a:Area) RETURN count(a) AS n")[0][
        "n"] == 2


@pytest.mark.parametrize("authorities", [("W06000023",), ("W06000008", "W06000009",
                                                           "W06000010")])
def test_importing_areas_later_places_everyone_as_the_seed_would(
        falkor_store: GraphStore, config: Config, authorities: tuple[str, ...]) -> None:
    """A community written with no areas, then ``areas import --wales`` and ``analyse``,
    has the figures of the same community seeded with its areas: in Powys, and across a
    health board's three authorities."""
    from seed.generator import Community, generate, write

    seeded = generate(400, seed=11, authorities=authorities)
    bare = Community()
    for label, records in seeded.records.items():
        if label != "Area":
            for record in records:
                bare.add(record.model_copy(update={"area": None, "ward": None})
                         if label in ("Person", "Place", "Activity") else record)
    for (type_name, source, target), rows in seeded.relationships.items():
        if "Area" not in (source, target):
            for a, b, props in rows:
                bare.relate(type_name, (source, a), (target, b), props)
    write(falkor_store, bare)
    env = {"ASSETMAP_INSTANCE": str(config.instance_path), "ASSETMAP_GRAPH_URL": config.graph_url,
           "ASSETMAP_GRAPH_NAME": config.graph_name, "ASSETMAP_LANGUAGE": "en"}
    loaded = CliRunner(env=env).invoke(main, ["areas", "import", "--wales"])
    assert loaded.exit_code == 0, loaded.output
    assert "400 people" in loaded.output and "outside the areas loaded: 0 people" in loaded.output
    assert CliRunner(env=env).invoke(main, ["analyse"]).exit_code == 0
    imported = _figures(falkor_store)

    other = config.with_changes(graph_name=config.graph_name + "_seeded")
    store = GraphStore.open(other)
    try:
        store.clear()
        store.init_schema()
        write(store, seeded)
        analysis.run_analysis(store)
        assert _figures(store) == imported
    finally:
        store.clear()
        store.close()


def _figures(store: GraphStore) -> dict[str, dict]:
    """Each area's figures, but for the population (the seed counts its residents in)."""
    return {row["id"]: {k: v for k, v in json.loads(row["f"]).items()
                        if k not in ("population", "access_per_1000", "reach_km", "access_missing",
                                     "activities_within_reach", "asset_desert")}
            for row in store.run_read("MATCH (a:Area) RETURN a.id AS id, a.figures AS f")}


def test_a_record_outside_every_area_is_counted_not_dropped(wales: GraphStore,
                                                            config: Config) -> None:
    from assetmap.graph.organisations import repo as organisations
    from assetmap.services import csv_import

    del organisations
    sheet = Path(config.instance_path) / "border.csv"
    sheet.parent.mkdir(parents=True, exist_ok=True)
    rows = "".join(f"p-{n},Over the border {n},{LUDLOW[0]},{LUDLOW[1] + n / 1000}\n"
                   for n in range(6))
    sheet.write_text("id,name,lat,lon\n" + rows, encoding="utf-8")
    csv_import.import_file(wales, "people", sheet, config.instance_path,
                           organisation_id="org-1")
    assert analysis.run_analysis(wales)["outside_areas"] == 6


def test_an_invalid_postcode_is_named_and_nothing_is_written(wales: GraphStore,
                                                              config: Config) -> None:
    from assetmap.model import Person

    with pytest.raises(InvalidRecord) as caught:
        areas.locate(wales, Person, {"name": "X", "postcode": "NOT A CODE"},
                     config.instance_path)
    assert caught.value.field == "postcode"


def test_access_is_not_assessed_where_no_small_areas_are_loaded(falkor_store: GraphStore) -> None:
    """Outside Powys only authorities and health boards are loaded: access to activities is
    measured from small areas, so there it is "not assessed", never 0 or a desert."""
    from seed.generator import generate, write

    write(falkor_store, generate(600, seed=3, authorities=("W06000023", "W06000008")))
    analysis.run_analysis(falkor_store)
    rows = {row["id"]: row for row in analysis.hotspots(falkor_store, "local_authority")}
    powys, ceredigion = rows["W06000023"], rows["W06000008"]
    assert powys["access_missing"] is None and powys["activities_within_reach"] > 0
    assert ceredigion["people"] > 0 and ceredigion["access_missing"] == "small_areas"
    assert (ceredigion["access_per_1000"], ceredigion["asset_desert"],
            ceredigion["activities_within_reach"]) == (None, None, None)
