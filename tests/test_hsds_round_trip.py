"""A round trip, field by field: Open Referral records imported, then exported again,
compared at every path. What changes is listed here, and README's "what does not survive"
must name each of them: the list is this test's, not a hope."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from assetmap.graph.store import GraphStore
from assetmap.interop import hsds
from assetmap.services import hsds_import, open_referral

#: the official HSDS 3.0 example, copied into the repository (tests/data/hsds/SOURCE)
EXAMPLES = Path(__file__).parent / "data" / "hsds" / "hsds"
README = Path(__file__).parents[1] / "README.md"

U = "7b2c3d4e-0000-4000-8000-{:012d}".format
#: a feed shaped like a council's: a group with a website and a named contact, a service
#: in English and Urdu on two days, attended in person or by video, at a postal address
#: with a second line, a region and someone to write to
FEED_ORG = {
    "id": U(1), "name": "Newtown Friendship Circle", "description": "Friends for older people",
    "website": "https://friendship.example.org",
    "contacts": [{"id": U(2), "organization_id": U(1), "name": "Nasreen Akhtar",
                  "title": "Coordinator",
                  "phones": [{"id": U(3), "contact_id": U(2), "number": "01686 000000"}]}],
}
FEED_SERVICE = {
    "id": U(10), "organization_id": U(1), "name": "Friendship lunch", "status": "active",
    "description": "A lunch and a chat",
    "languages": [{"id": U(11), "service_id": U(10), "name": "English", "code": "en"},
                  {"id": U(12), "service_id": U(10), "name": "Urdu", "code": "ur"}],
    "schedules": [{"id": U(13), "service_id": U(10), "freq": "WEEKLY", "byday": "TH,FR",
                   "opens_at": "12:00:00", "closes_at": "14:00:00",
                   "attending_type": "in-person or remotely via video conferencing"}],
    "cost_options": [{"id": U(14), "service_id": U(10), "amount": 3.5, "currency": "GBP",
                      "option": "Lunch"},
                     {"id": U(15), "service_id": U(10), "amount": 2, "currency": "GBP",
                      "option": "Concession"}],
    "service_at_locations": [{"id": U(20), "service_id": U(10), "location_id": U(21)}],
}
FEED_LOCATION = {
    "id": U(21), "location_type": "physical", "name": "Plas Dinam Hall",
    "latitude": 52.513, "longitude": -3.313,
    "addresses": [{"id": U(22), "location_id": U(21), "address_type": "postal",
                   "attention": "The warden", "address_1": "Plas Dinam Hall",
                   "address_2": "Station Road", "city": "Newtown", "region": "Powys",
                   "state_province": "Wales", "postal_code": "SY16 1AA", "country": "GB"}],
}

#: what a round trip changes, by path (indices as "[]"), and the words README uses for it
KNOWN_CHANGES = {
    "attributes": "categories become assetmap's taxonomy terms",
    "last_modified": "`last_modified` is when assetmap last changed the record",
    "accessibility": "a location's `accessibility` becomes assetmap's four access features",
    "organization.contacts": "a service's nested `organization` comes without its contacts",
    "service_at_locations[]": "a `service_at_location`'s own description, contacts, phones "
                              "and schedules are not kept, and its id is assetmap's",
}


def _differences(sent: Any, back: Any, path: str = "") -> set[str]:
    """The paths where ``back`` does not say what ``sent`` said (a field it adds is not
    a loss; trimmed spaces are not a change)."""
    if isinstance(sent, dict) and isinstance(back, dict):
        return {found for key in sent for found in _differences(
            sent[key], back.get(key), f"{path}.{key}" if path else key)}
    if isinstance(sent, list) and isinstance(back, list):
        if len(sent) != len(back):
            return {path}
        return {found for a, b in zip(sent, back, strict=True)
                for found in _differences(a, b, f"{path}[]")}
    if isinstance(sent, str) and isinstance(back, str):
        return set() if sent.strip() == back.strip() else {path}
    return set() if sent == back else {path}


def _imported(store: GraphStore, folder: Path, instance: Path, **files: Any) -> None:
    folder.mkdir()
    for name, records in files.items():
        (folder / f"{name}.json").write_text(json.dumps(records), encoding="utf-8")
    report = hsds_import.import_paths(store, sorted(folder.glob("*.json")), instance)
    assert report.rejected == [], report.rejected


def _exported(store: GraphStore) -> tuple[dict, dict, dict]:
    rows, _ = open_referral.services(store, 0, 100_000)
    services = {r["activity"]["id"]: hsds.service(r) for r in rows}
    runners, _ = open_referral.runners(store, 0, 100_000)
    organizations = {hsds.organization(r["node"], r["label"], r["parent"])["id"]:
                     hsds.organization(r["node"], r["label"], r["parent"]) for r in runners}
    locations = {sal["location"]["id"]: sal["location"] for service in services.values()
                 for sal in service.get("service_at_locations", [])}
    return services, organizations, locations


def test_a_feed_comes_back_as_it_went(sample_store: GraphStore, config,  # noqa: ANN001
                                      tmp_path: Path) -> None:
    _imported(sample_store, tmp_path / "feed", config.instance_path,
              organizations=[FEED_ORG], services=[FEED_SERVICE], locations=[FEED_LOCATION])
    services, organizations, locations = _exported(sample_store)
    back = services[FEED_SERVICE["id"]]
    assert hsds.problems(back, "service") == []
    changes = {
        "service": _differences(FEED_SERVICE, back),
        "organization": _differences(FEED_ORG, organizations[FEED_ORG["id"]]),
        "location": _differences(FEED_LOCATION, locations[FEED_LOCATION["id"]]),
    }
    print(f"\nfeed round trip changes: {changes}")
    # Urdu, both days, the attending type, both costs, the website, the named contact and
    # the postal address with its second line, region and attention all come back
    assert changes == {"service": {"service_at_locations[].id"}, "organization": set(),
                       "location": set()}
    assert all(path.startswith(tuple(KNOWN_CHANGES)) for path in changes["service"])


def test_the_official_examples_and_readme_agree(sample_store: GraphStore, config,  # noqa: ANN001
                                                tmp_path: Path) -> None:
    service = json.loads((EXAMPLES / "service_full.json").read_text(encoding="utf-8"))
    location = service["service_at_locations"][0]["location"]
    # the example's own point (100, 101) and US address are not in the UK: moved to Wales
    location.update(latitude=52.449, longitude=-3.541)
    location["addresses"][0].update(postal_code="SY18 6EZ", country="GB", city="Llanidloes")
    _imported(sample_store, tmp_path / "official", config.instance_path, services=[service])
    services, organizations, locations = _exported(sample_store)
    back = services[service["id"]]
    changed = _differences(service, back)
    organization = service.get("organization") or {}
    if organization.get("id") in organizations:
        changed |= {f"organization.{path}" for path in _differences(
            organization, organizations[organization["id"]])}
    for sal in service.get("service_at_locations") or []:
        location = sal.get("location") or {}
        if location.get("id") in locations:
            changed |= {path for path in _differences(location, locations[location["id"]])}
    general = {re.sub(r"\.(id|.*_id)$", "", path) for path in changed}
    print(f"\nofficial example round trip changes: {sorted(general)}")
    unexplained = {path for path in general
                   if not any(path == known or path.startswith(known + ".")
                              or path.startswith(known + "[]") for known in KNOWN_CHANGES)}
    assert unexplained == set(), "a change the README does not name"
    readme = " ".join(README.read_text(encoding="utf-8").split())
    for path in general:
        words = next(KNOWN_CHANGES[known] for known in KNOWN_CHANGES
                     if path == known or path.startswith(known))
        assert words in readme, f"README does not say: {words}"


@pytest.mark.parametrize("words", sorted(set(KNOWN_CHANGES.values())))
def test_readme_names_each_known_change(words: str) -> None:
    assert words in " ".join(README.read_text(encoding="utf-8").split())
