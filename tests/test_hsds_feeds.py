"""Open Referral feeds as councils publish them: services with no location (telephone
befriending for a county, an online group), with no schedule, no cost, no languages, and
ages of -1. Fixtures are shaped like such feeds (written here, not the seed's own)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assetmap.graph.store import GraphStore
from assetmap.interop import hsds
from assetmap.services import hsds_import, open_referral

ORG = {"id": "6a1b2c3d-0000-4000-8000-000000000001", "name": "Powys Befriending Network",
       "description": "Volunteers who phone or visit older people"}


def _service(service_id: str, name: str, **fields: object) -> dict:
    return {"id": f"6a1b2c3d-0000-4000-8000-{service_id:0>12}", "name": name,
            "status": "active", "organization_id": ORG["id"], **fields}


FEED = [
    # telephone befriending for the county: no location, no schedule times, no cost given,
    # no languages, ages of -1 ("no limit")
    _service("11", "Telephone befriending", minimum_age=-1, maximum_age=-1,
             service_areas=[{"id": "6a1b2c3d-0000-4000-8000-0000000000a1", "name": "Powys",
                             "extent_type": "text"}],
             schedules=[{"id": "6a1b2c3d-0000-4000-8000-0000000000b1",
                         "attending_type": "By telephone, weekly"}]),
    # an online group at a "virtual" location, for all of Wales
    _service("12", "Online carers' café",
             service_areas=[{"id": "6a1b2c3d-0000-4000-8000-0000000000a2", "name": "Cymru"}],
             service_at_locations=[{
                 "id": "6a1b2c3d-0000-4000-8000-0000000000c2",
                 "location": {"id": "6a1b2c3d-0000-4000-8000-0000000000d2",
                              "location_type": "virtual", "name": "Zoom",
                              "url": "https://example.org/zoom"}}]),
    # held at a place, with no schedule at all: kept, times not given
    _service("13", "Counselling", service_at_locations=[{
        "id": "6a1b2c3d-0000-4000-8000-0000000000c3",
        "location": {"id": "6a1b2c3d-0000-4000-8000-0000000000d3", "location_type": "physical",
                     "name": "Llanidloes Library", "latitude": 52.449, "longitude": -3.54}}]),
    # says neither where nor how: refused, naming the source's own field
    _service("14", "Somewhere"),
    # a service area assetmap cannot place
    _service("15", "Manchester helpline", service_areas=[{
        "id": "6a1b2c3d-0000-4000-8000-0000000000a5", "name": "Manchester"}],
        schedules=[{"id": "6a1b2c3d-0000-4000-8000-0000000000b5", "attending_type": "phone"}]),
]


@pytest.fixture
def imported(sample_store: GraphStore, config, tmp_path: Path):  # noqa: ANN001, ANN201
    (tmp_path / "organizations.json").write_text(json.dumps([ORG]), encoding="utf-8")
    (tmp_path / "services.json").write_text(json.dumps(FEED), encoding="utf-8")
    report = hsds_import.import_paths(sample_store, [tmp_path / "organizations.json",
                                                     tmp_path / "services.json"],
                                      config.instance_path)
    by_name = {row["a"]["name"]: row["a"] for row in sample_store.run_read(
        "MATCH (a:Activity) WHERE a.name IN $names RETURN properties(a) AS a",
        names=[service["name"] for service in FEED])}
    return report, by_name


def test_services_without_a_location_are_kept_with_how_and_where(imported) -> None:  # noqa: ANN001
    report, stored = imported
    phone = stored["Telephone befriending"]
    assert phone["delivery"] == ["phone"] and phone["service_areas"] == ["W06000023"]
    for field in ("weekday", "start", "cost_pence", "welsh_language"):
        assert phone.get(field) is None, field
    assert phone["age_min"] == 0 and phone["age_max"] == 120, "-1: no limit"
    assert {(note.path, note.problem) for note in report.notes} == {
        ("$.minimum_age", "-1 is read as no age limit"),
        ("$.maximum_age", "-1 is read as no age limit")}
    online = stored["Online carers' café"]
    assert online["delivery"] == ["online"] and online["service_areas"] == ["W92000004"]
    assert report.not_imported["virtual location"] == 1
    counselling = stored["Counselling"]
    assert counselling.get("weekday") is None, "no schedule: kept, times not given"


def test_a_service_saying_neither_where_nor_how_is_refused_at_its_own_field(imported) -> None:  # noqa: ANN001
    report, stored = imported
    assert "Somewhere" not in stored and "Manchester helpline" not in stored
    refused = {(r.record_id[-2:], r.path) for r in report.rejected}
    assert refused == {("14", "$.service_at_locations"), ("15", "$.service_areas[0].name")}
    assert all(not r.path.startswith("$.schedules[0].byday") for r in report.rejected)


def test_they_are_exported_again_as_the_standard_says(imported, sample_store: GraphStore) -> None:  # noqa: ANN001
    rows, _ = open_referral.services(sample_store, 0, 100_000)
    exported = {record["name"]: record for record in (hsds.service(row) for row in rows)}
    phone = exported["Telephone befriending"]
    assert hsds.problems(phone, "service") == []
    assert "service_at_locations" not in phone and "cost_options" not in phone
    assert "languages" not in phone, "not known is not English"
    assert phone["service_areas"] == FEED[0]["service_areas"], "as the source sent them"
    online = exported["Online carers' café"]
    assert hsds.problems(online, "service") == []
    assert online["service_areas"] == FEED[1]["service_areas"]
    assert "schedules" not in exported["Counselling"]
