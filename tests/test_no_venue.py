"""Services delivered without a venue (telephone befriending, online groups, home visits):
entered by every path (the directory service, its form, the API, a CSV), refused when they
say neither where nor how, found by anyone inside their service area and nobody outside it,
marked and filterable in the finder, and never given a day, cost or language nobody gave."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from assetmap.graph.store import GraphStore
from assetmap.model import InvalidRecord
from assetmap.services import csv_import, directory, finder
from tests.conftest import csrf_token, form_errors

POWYS = "W06000023"
LLANIDLOES = {"lat": 52.449, "lon": -3.54}
CARDIFF = {"lat": 51.481, "lon": -3.179}
ACTIVITIES = directory.REPOSITORIES["activities"]


def _create(store: GraphStore, instance: Path, **fields: object) -> str:
    data = {"categories": ["support"], **fields}
    return directory.create(store, ACTIVITIES, data, instance, "staff")["id"]


@pytest.fixture
def services(sample_store: GraphStore, config) -> dict[str, str]:  # noqa: ANN001
    """A phone befriending service for Powys, an online group for anyone, and home visits
    within 10 km of a base in Llanidloes, made through the directory service (the one the
    form, the API and the importers call)."""
    instance = config.instance_path
    return {
        "phone": _create(sample_store, instance, name="Galwad Gyfeillgar Befriending",
                         delivery=["phone"], service_areas=[POWYS], weekday="tue",
                         start="10:00", end="12:00"),
        "online": _create(sample_store, instance, name="Online Knit and Natter",
                          delivery=["online"]),
        "home": _create(sample_store, instance, name="Home Library Visits",
                        delivery=["home"], reach_km=10, base_lat=LLANIDLOES["lat"],
                        base_lon=LLANIDLOES["lon"]),
    }


def _found(store: GraphStore, **asked: object) -> dict[str, dict]:
    found = finder.find(store, finder.parse({"radius_km": "10", **asked, "per_page": "100"}))
    return {row["activity"]["id"]: row for row in found.results}


def test_neither_a_venue_nor_a_way_of_delivery_is_refused(sample_store: GraphStore,
                                                          config) -> None:  # noqa: ANN001
    with pytest.raises(InvalidRecord) as refused:
        _create(sample_store, config.instance_path, name="Somewhere, somehow")
    assert [field for field, _ in refused.value.errors] == ["place_id"]
    with pytest.raises(InvalidRecord):  # "in person" alone needs the venue it is in
        _create(sample_store, config.instance_path, name="In person", delivery=["in_person"])
    assert not sample_store.run_read(
        "MATCH (a:Activity) WHERE a.name IN ['Somewhere, somehow', 'In person'] RETURN a")


def test_found_inside_their_area_and_not_outside(sample_store: GraphStore,
                                                 services: dict[str, str]) -> None:
    near = _found(sample_store, **LLANIDLOES)
    assert set(services.values()) <= set(near), "all three reach Llanidloes"
    for service_id in services.values():
        assert near[service_id]["place"] is None and near[service_id]["distance_m"] is None
    assert near[services["phone"]]["activity"]["offered_in"] == [
        {"name": "Powys", "name_cy": "Powys"}]
    first = list(near)[:3]
    assert set(first) == set(services.values()), "what reaches them wherever they are, first"
    far = _found(sample_store, **CARDIFF)
    assert services["online"] in far, "online and for anyone: Cardiff too"
    assert services["phone"] not in far and services["home"] not in far


def test_unknown_is_not_free_nor_english_nor_a_day(sample_store: GraphStore,
                                                   services: dict[str, str]) -> None:
    stored = sample_store.run_read("MATCH (a:Activity {id: $id}) RETURN properties(a) AS a",
                                   id=services["online"])[0]["a"]
    for field in ("weekday", "start", "cost_pence", "welsh_language", "frequency"):
        assert stored.get(field) is None, field
    assert services["online"] not in _found(sample_store, **LLANIDLOES, free="true")
    assert services["online"] not in _found(sample_store, **LLANIDLOES, welsh="true")
    assert services["online"] not in _found(sample_store, **LLANIDLOES, day="tue")
    assert services["phone"] in _found(sample_store, **LLANIDLOES, day="tue")


def test_the_delivery_filter_and_its_counts(sample_store: GraphStore,
                                            services: dict[str, str]) -> None:
    phone = _found(sample_store, **LLANIDLOES, delivery="phone")
    assert set(phone) == {services["phone"]}
    in_person = _found(sample_store, **LLANIDLOES, delivery="in_person")
    assert in_person and not set(services.values()) & set(in_person)
    assert all(row["place"] for row in in_person.values())
    found = finder.find(sample_store, finder.parse({**LLANIDLOES, "radius_km": "10"}))
    counts = finder.choice_counts(sample_store, found)["delivery"]
    for mode, count in counts.items():
        total = finder.find(sample_store, finder.parse(
            {**LLANIDLOES, "radius_km": "10", "delivery": mode})).total
        assert total == count, mode
    assert counts["home"] == 1 and counts["online"] == 1


def test_pages_and_api_show_how_and_where(client, sample_store: GraphStore,  # noqa: ANN001
                                          services: dict[str, str]) -> None:
    query = "lat=52.449&lon=-3.54&radius_km=10"
    page = client.get(f"/find?{query}").get_data(as_text=True)
    assert "By phone" in page and "for people in Powys" in page and "Online" in page
    assert "within 10 km of its base" in page
    welsh = client.get(f"/find?{query}&lang=cy").get_data(as_text=True)
    assert "Dros y ffôn" in welsh and "i bobl ym Mhowys" in welsh
    detail = client.get(f"/assets/{services['phone']}?lang=en")
    assert detail.status_code == 200
    html = detail.get_data(as_text=True)
    assert "How it reaches people" in html and "Tuesday 10:00–12:00" in html
    assert "map-spec" not in html, "no venue, no map"
    online = client.get(f"/assets/{services['online']}").get_data(as_text=True)
    assert "Times not given" in online and "Cost not given" in online
    assert client.get(f"/find/print?{query}").status_code == 200
    items = client.get(f"/api/v1/assets?{query}&per_page=100").get_json()["items"]
    by_id = {item["activity"]["id"]: item for item in items}
    assert by_id[services["phone"]]["place"] is None
    assert by_id[services["phone"]]["activity"]["delivery"] == ["phone"]


def test_the_form_the_api_and_a_csv_keep_the_same_rule(client, sign_in, token_for,  # noqa: ANN001
                                                       sample_store: GraphStore, config,
                                                       tmp_path: Path) -> None:
    sign_in("connector")
    form = client.get("/directory/activities/new")
    token = csrf_token(form.get_data(as_text=True))
    made = client.post("/directory/activities/new", data={
        "name": "Ffonio Ffrind", "categories": ["support"], "delivery": ["phone"],
        "service_areas": [POWYS], "csrf_token": token})
    assert made.status_code == 302
    stored = sample_store.run_read("MATCH (a:Activity {name: 'Ffonio Ffrind'}) "
                                   "RETURN properties(a) AS a")[0]["a"]
    assert stored["delivery"] == ["phone"] and stored["service_areas"] == [POWYS]
    assert stored.get("weekday") is None and stored.get("cost_pence") is None
    refused = client.post("/directory/activities/new", data={
        "name": "Nowhere", "categories": ["support"], "csrf_token": token})
    assert refused.status_code == 400
    assert "give the place it is held at" in form_errors(
        refused.get_data(as_text=True))["place_id"].lower()

    headers = token_for("connector")
    created = client.post("/api/v1/activities", headers=headers, json={
        "name": "Zoom Coffee Morning", "categories": ["social"], "delivery": ["online"]})
    assert created.status_code == 201, created.get_json()
    bad = client.post("/api/v1/activities", headers=headers, json={
        "name": "Nowhere", "categories": ["social"]})
    assert bad.status_code == 422
    assert [e["field"] for e in bad.get_json()["errors"]] == ["place_id"]

    sheet = tmp_path / "activities.csv"
    with sheet.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([
            ["id", "name", "categories", "delivery", "service_areas", "reach_km", "base_lat",
             "base_lon"],
            ["a-phone", "Phone Friends", "support", "phone", POWYS, "", "", ""],
            ["a-nowhere", "Nowhere at all", "support", "", "", "", "", ""],
            ["a-visits", "Home visits", "support", "home", "", "15", "52.449", "-3.54"]])
    result = csv_import.import_file(sample_store, "activities", sheet, config.instance_path)
    assert result.written == ["a-phone", "a-visits"]
    assert [(r.row, r.column) for r in result.rejected] == [(3, "place_id")]
    visits = sample_store.run_read("MATCH (a:Activity {id: 'a-visits'}) "
                                   "RETURN a.reach_km AS km, a.base_lat AS lat")[0]
    assert (visits["km"], visits["lat"]) == (15, 52.449)
    assert not sample_store.run_read("MATCH (a:Activity {id: 'a-nowhere'}) RETURN a")


def test_a_persons_suggestions_include_what_reaches_their_home(sample_store: GraphStore,
                                                               services: dict[str, str],
                                                               config) -> None:  # noqa: ANN001
    """Someone at home in Llanidloes is offered the phone befriending for Powys and the
    home visits, with no distance to travel and nothing scored that was not given."""
    from assetmap.services import analysis
    from tests.community import Community
    town = Community(sample_store)
    town.person("homebound", name="Eirlys Homebound", interests=["support"],
                **{"lat": LLANIDLOES["lat"], "lon": LLANIDLOES["lon"]})
    found = {s["id"]: s for s in analysis.suggest(sample_store, "homebound", 50)}
    for service_id in (services["phone"], services["home"]):
        suggestion = found[service_id]
        assert suggestion["distance_km"] is None
        codes = {reason["code"] for reason in suggestion["reasons"]}
        assert not codes & {"distance", "free_of_charge", "cost"}, codes


def test_exported_as_open_referral_with_where_and_how(sample_store: GraphStore,
                                                      services: dict[str, str]) -> None:
    """Made in assetmap, exported: no location, attending_type from how it is delivered,
    its areas by name with the code as extent, a reach as a GeoJSON point."""
    from assetmap.interop import hsds
    from assetmap.services import open_referral
    rows, _ = open_referral.services(sample_store, 0, 100_000)
    exported = {row["activity"]["id"]: hsds.service(row) for row in rows}
    phone = exported[services["phone"]]
    assert hsds.problems(phone, "service") == []
    assert "service_at_locations" not in phone
    assert phone["schedules"][0]["attending_type"] == "by phone"
    assert [(a["name"], a["extent"]) for a in phone["service_areas"]] == [
        ("Powys", POWYS)]
    home = exported[services["home"]]
    assert hsds.problems(home, "service") == [] and "schedules" not in home
    assert home["service_areas"][0]["extent_type"] == "geojson"


def test_the_directory_lists_them_with_what_is_not_given(client, sign_in,  # noqa: ANN001
                                                         services: dict[str, str]) -> None:
    sign_in("connector")
    page = client.get("/directory/activities/?q=Knit").get_data(as_text=True)
    row = page.split("Online Knit and Natter")[1].split("</tr>")[0]
    assert "Times not given" in row and "Cost not given" in row and "online" in row
    edit = client.get(f"/directory/activities/{services['phone']}/edit").get_data(as_text=True)
    assert 'value="phone" checked' in edit and f'value="{POWYS}" checked' in edit


def test_two_services_of_one_name_stay_two(sample_store: GraphStore, config,  # noqa: ANN001
                                           services: dict[str, str], client) -> None:  # noqa: ANN001
    """Telephone befriending in Powys and an online one of the same name for all of Wales
    are two results, each reachable, each with its own page."""
    online = _create(sample_store, config.instance_path,
                     name="Galwad Gyfeillgar Befriending", delivery=["online"],
                     service_areas=["W92000004"])
    near = _found(sample_store, **LLANIDLOES)
    assert services["phone"] in near and online in near
    page = client.get(f"/assets/{online}").get_data(as_text=True)
    assert "Online" in page and "By phone" not in page


def test_access_needs_read_as_words() -> None:
    from assetmap.analysis.reasons import in_language
    said = in_language({"code": "accessible", "params": {"needs": "step_free"}}, "en")
    assert said == "meets access needs: step-free access"
    assert "step_free" not in in_language(
        {"code": "accessible", "params": {"needs": "step_free"}}, "cy")


def test_a_backup_restores_them_findable_as_before(sample_store: GraphStore,
                                                  services: dict[str, str], config,  # noqa: ANN001
                                                  tmp_path: Path) -> None:
    """A restore path: the backup written and read back, then the same searches."""
    from assetmap.interop import backup
    before = {where: _found(sample_store, **place)
              for where, place in (("llanidloes", LLANIDLOES), ("cardiff", CARDIFF))}
    path = tmp_path / "directory.amb"
    backup.write(sample_store, path, passphrase="cyfrinach")
    sample_store.clear()
    backup.restore(sample_store, path, passphrase="cyfrinach")
    for where, place in (("llanidloes", LLANIDLOES), ("cardiff", CARDIFF)):
        after = _found(sample_store, **place)
        assert list(after) == list(before[where]), where
        for service_id in set(services.values()) & set(after):
            assert after[service_id]["activity"] == before[where][service_id]["activity"]


def test_the_form_takes_a_reach_from_a_base_postcode(client, sign_in, token_for,  # noqa: ANN001
                                                     sample_store: GraphStore) -> None:
    """Home visits within 8 km of a base given by postcode, as a connector types it: found
    in Llanidloes, not in Cardiff; a base that is not a postcode, or a reach with no base,
    re-shows the form naming the field; the base changed on the edit form moves the point."""
    sign_in("connector")
    page = client.get("/directory/activities/new").get_data(as_text=True)
    assert 'name="reach_km"' in page and 'name="base_postcode"' in page
    token = csrf_token(page)
    visit = {"name": "Ymweliadau Cartref", "categories": ["support"], "delivery": ["home"],
             "reach_km": "8", "csrf_token": token}
    no_base = client.post("/directory/activities/new", data=visit)
    assert no_base.status_code == 400
    assert "base point" in form_errors(no_base.get_data(as_text=True))["reach_km"]
    not_one = client.post("/directory/activities/new", data={**visit,
                                                             "base_postcode": "ZZ99 9ZZ"})
    assert not_one.status_code == 400
    assert "base_postcode" in form_errors(not_one.get_data(as_text=True))
    assert not sample_store.run_read(
        "MATCH (a:Activity {name: 'Ymweliadau Cartref'}) RETURN a"), "nothing half-written"
    made = client.post("/directory/activities/new", data={**visit, "base_postcode": "SY18 6EZ"})
    assert made.status_code == 302, form_errors(made.get_data(as_text=True))
    stored = sample_store.run_read("MATCH (a:Activity {name: 'Ymweliadau Cartref'}) "
                                   "RETURN properties(a) AS a")[0]["a"]
    assert stored["base_postcode"] == "SY18 6EZ" and stored["reach_km"] == 8
    assert abs(stored["base_lat"] - LLANIDLOES["lat"]) < 0.1
    assert stored["id"] in _found(sample_store, **LLANIDLOES)
    assert stored["id"] not in _found(sample_store, **CARDIFF)
    edit = client.get(f"/directory/activities/{stored['id']}/edit").get_data(as_text=True)
    assert 'value="SY18 6EZ"' in edit
    moved = client.post(f"/directory/activities/{stored['id']}/edit", data={
        **visit, "base_postcode": "CF10 1EP", "csrf_token": csrf_token(edit)})
    assert moved.status_code == 302, form_errors(moved.get_data(as_text=True))
    assert stored["id"] in _found(sample_store, **CARDIFF)
    assert stored["id"] not in _found(sample_store, **LLANIDLOES)
    api = client.post("/api/v1/activities", headers=token_for("connector"), json={
        "name": "Visits by API", "categories": ["support"], "delivery": ["home"],
        "reach_km": 5, "base_postcode": "SY18 6EZ"})
    assert api.status_code == 201 and api.get_json()["base_lat"] == stored["base_lat"], (
        "the API finds the base the same way")
