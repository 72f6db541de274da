"""How fresh a listing is: every way a listing is written says when it was checked and by
whom; an unconfirmed one "may be out of date", then leaves the public finder; ended
sessions leave it too, cancelled dates and paused groups are shown."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from assetmap import clock
from assetmap.config import Config
from assetmap.graph.store import GraphStore
from assetmap.services import csv_import, directory, finder, freshness, hsds_import
from tests.conftest import csrf_token
from tests.test_hsds_round_trip import FEED_LOCATION, FEED_ORG, FEED_SERVICE

TODAY = clock.today().isoformat()


def _listing(store: GraphStore, label: str, name: str) -> dict:
    return store.run_read(f"MATCH (n:{label} {{name: $name}}) RETURN properties(n) AS n",
                          name=name)[0]["n"]


def test_the_form_and_the_api_check_as_staff(client, sign_in, token_for,  # noqa: ANN001
                                             sample_store: GraphStore) -> None:
    sign_in("connector")
    page = client.get("/directory/groups/new").get_data(as_text=True)
    client.post("/directory/groups/new", data={
        "name": "Côr Meibion", "csrf_token": csrf_token(page),
        # a form cannot say when it was checked: the field is not the form's
        "checked_at": "2020-01-01", "checked_by": "provider"})
    made = _listing(sample_store, "Group", "Côr Meibion")
    assert (made["checked_at"], made["checked_by"]) == (TODAY, "staff")
    response = client.post("/api/v1/groups", headers=token_for("coordinator"), json={
        "name": "Clwb Cinio", "checked_at": "2020-01-01", "checked_by": "provider"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["checked_at"], body["checked_by"]) == (TODAY, "staff")  # what was sent is replaced
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["components"]["schemas"]["Group"]["properties"]["checked_at"]["readOnly"]


def test_imports_check_as_an_import(sample_store: GraphStore, config: Config,
                                    tmp_path: Path) -> None:
    path = tmp_path / "groups.csv"
    path.write_text("id,name\ng-new,Walking Netball\n")
    csv_import.import_file(sample_store, "groups", path, config.instance_path)
    made = _listing(sample_store, "Group", "Walking Netball")
    assert (made["checked_at"], made["checked_by"]) == (TODAY, "import")
    before = {row["id"] for row in sample_store.run_read("MATCH (a:Activity) RETURN a.id AS id")}
    feed = tmp_path / "feed"
    feed.mkdir()
    for name, record in (("organizations", FEED_ORG), ("services", FEED_SERVICE),
                         ("locations", FEED_LOCATION)):
        (feed / f"{name}.json").write_text(json.dumps([record]), encoding="utf-8")
    paths = sorted(feed.glob("*.json"))
    report = hsds_import.import_paths(sample_store, paths, config.instance_path)
    assert report.created["Activity"]
    imported = [row for row in sample_store.run_read(
        "MATCH (a:Activity) RETURN a.id AS id, a.checked_at AS at, a.checked_by AS by")
        if row["id"] not in before]
    assert len(imported) == report.created["Activity"]
    assert {(row["at"], row["by"]) for row in imported} == {(TODAY, "import")}
    # the same feed again changes nothing, so it checks nothing either
    with clock.frozen_at(datetime.now(UTC) + timedelta(days=40)):
        again = hsds_import.import_paths(sample_store, paths, config.instance_path)
    assert not sum(again.updated.values())
    assert {row["at"] for row in sample_store.run_read(
        "MATCH (a:Activity) WHERE a.id IN $ids RETURN a.checked_at AS at",
        ids=[row["id"] for row in imported])} == {TODAY}


def _a_session(store: GraphStore, config: Config, **fields: object) -> dict:
    place = store.run_read("MATCH (p:Place) RETURN p.id AS id ORDER BY p.id LIMIT 1")[0]["id"]
    return directory.create(store, directory.REPOSITORIES["activities"], {
        "name": "Paned a Sgwrs", "weekday": "tue", "start": "10:00", "end": "11:30",
        "categories": ["social"], **fields}, config.instance_path, "staff", place_id=place)


def _found(client, name: str) -> bool:  # noqa: ANN001
    rows = client.get("/api/v1/assets", query_string={"text": name, "per_page": 100}).get_json()
    return any(row["activity"]["name"] == name for row in rows["items"])


def test_an_unconfirmed_listing_may_be_out_of_date_then_leaves_the_finder(
        client, sample_store: GraphStore, config: Config) -> None:  # noqa: ANN001
    made = _a_session(sample_store, config)
    asset = f"/assets/{made['id']}"
    assert _found(client, "Paned a Sgwrs")
    assert "May be out of date" not in client.get(asset).get_data(as_text=True)
    with clock.frozen_at(datetime.now(UTC) + timedelta(days=config.stale_after_days + 2)):
        page = client.get(asset).get_data(as_text=True)
        assert "May be out of date" in page
        assert f"Checked {_long(date.fromisoformat(TODAY))} by staff" in page
        assert _found(client, "Paned a Sgwrs")
        finder_page = client.get("/find", query_string={"text": "Paned a Sgwrs"})
        assert "May be out of date" in finder_page.get_data(as_text=True)
    with clock.frozen_at(datetime.now(UTC) + timedelta(days=config.hidden_after_days + 2)):
        assert not _found(client, "Paned a Sgwrs")
        # its page is still there for whoever has the link, saying so
        assert "May be out of date" in client.get(asset).get_data(as_text=True)
        # confirmed (staff save it again): back in the finder
        directory.update(sample_store, directory.REPOSITORIES["activities"], made["id"], {},
                         config.instance_path, "staff")
        assert _found(client, "Paned a Sgwrs")


def _long(day: date) -> str:
    return f"{day.day} {day.strftime('%B')} {day.year}"


def test_the_limits_are_settings(client, app, sample_store: GraphStore,  # noqa: ANN001
                                 config: Config) -> None:
    _a_session(sample_store, config)
    app.config["ASSETMAP"] = config.with_changes(stale_after_days=5, hidden_after_days=10)
    with clock.frozen_at(datetime.now(UTC) + timedelta(days=11)):
        assert not _found(client, "Paned a Sgwrs")
    app.config["ASSETMAP"] = config
    with clock.frozen_at(datetime.now(UTC) + timedelta(days=11)):
        assert _found(client, "Paned a Sgwrs")


def test_an_ended_session_leaves_the_finder_and_a_cancelled_date_is_skipped(
        client, sample_store: GraphStore, config: Config) -> None:  # noqa: ANN001
    tuesday = datetime(2027, 3, 2, 8, 0, tzinfo=UTC)  # a Tuesday, before the session
    made = _a_session(sample_store, config, cancelled_dates=["2027-03-02"])
    with clock.frozen_at(tuesday):
        directory.update(sample_store, directory.REPOSITORIES["activities"], made["id"], {},
                         config.instance_path, "staff")
        found = finder.find(sample_store, finder.parse({"text": "Paned a Sgwrs"}),
                            limits=freshness.Limits())
        assert found.results[0]["next_session"] == "2027-03-09"
        page = client.get(f"/assets/{made['id']}").get_data(as_text=True)
        assert "Not on 2 March 2027" in page
        directory.update(sample_store, directory.REPOSITORIES["activities"], made["id"],
                         {"ended_on": "2027-03-05"}, config.instance_path, "staff")
        assert _found(client, "Paned a Sgwrs")
    with clock.frozen_at(tuesday + timedelta(days=4)):
        assert not _found(client, "Paned a Sgwrs")


def test_a_paused_group_is_shown_paused_with_no_next_session(
        client, sample_store: GraphStore, config: Config) -> None:  # noqa: ANN001
    group = directory.create(sample_store, directory.REPOSITORIES["groups"], {
        "name": "Clwb Garddio", "paused_since": TODAY}, config.instance_path, "staff")
    made = _a_session(sample_store, config)
    directory.update(sample_store, directory.REPOSITORIES["activities"], made["id"], {},
                     config.instance_path, "staff", group_id=group["id"])
    found = finder.find(sample_store, finder.parse({"text": "Paned a Sgwrs"}),
                        limits=freshness.Limits())
    assert found.results[0]["paused"] and found.results[0]["next_session"] is None
    assert "Paused" in client.get(f"/assets/{made['id']}").get_data(as_text=True)


@pytest.mark.parametrize(("checked", "state"), [(0, "fresh"), (200, "stale"), (400, "hidden")])
def test_state(checked: int, state: str) -> None:
    day = date(2026, 12, 3)
    listing = {"checked_at": (day - timedelta(days=checked)).isoformat()}
    assert freshness.state(listing, freshness.Limits(), day) == state


def test_coordinators_see_the_listings_to_check_by_area(client, sign_in,  # noqa: ANN001
                                                       sample_store: GraphStore,
                                                       config: Config) -> None:
    made = _a_session(sample_store, config)
    sample_store.run_write("MATCH (a:Activity {id: $id}) SET a.checked_at = '2020-01-01'",
                           id=made["id"])
    sign_in("coordinator")
    powys = client.get("/areas/listings", query_string={"within": "W06000023"})
    page = powys.get_data(as_text=True)
    assert powys.status_code == 200 and "Paned a Sgwrs" in page
    assert "No: it has left the finder" in page and "1 January 2020" in page
    # not in another authority's list; every fresh listing stays off it
    sample_store.run_write("CREATE (:Area {id: 'W06000015', name: 'Cardiff', "
                           "level: 'local_authority'})")
    cardiff = client.get("/areas/listings", query_string={"within": "W06000015"})
    assert cardiff.status_code == 200 and "Paned a Sgwrs" not in cardiff.get_data(as_text=True)
    rows = freshness.stale_listings(sample_store, freshness.Limits())
    assert made["id"] in {row["id"] for row in rows}
    assert all(row["state"] in ("stale", "hidden") for row in rows)
