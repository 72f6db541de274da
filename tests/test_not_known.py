"""Unknown is not "no": what nobody recorded reads "not known" on every page, in the API
and the exports, never matches a filter, and old graphs are brought up to it by
`assetmap init`."""

from __future__ import annotations

import json

from click.testing import CliRunner

from assetmap.cli import main
from assetmap.config import Config
from assetmap.graph.store import GraphStore
from assetmap.services import finder
from tests.conftest import csrf_token
from tests.site import summary_value


def _post(client, path: str, data: dict):  # noqa: ANN001, ANN202
    page = client.get(path)
    return client.post(path, data={**data, "csrf_token": csrf_token(page.get_data(as_text=True))})


def test_a_place_with_nothing_recorded_about_access(client, sign_in,  # noqa: ANN001
                                                    sample_store: GraphStore) -> None:
    sign_in("connector", "org-cvc")
    form = client.get("/directory/places/new").get_data(as_text=True)
    assert '<option value="">Not known</option>' in form  # no answer chosen for anyone
    assert _post(client, "/directory/places/new", {
        "name": "Neuadd Newydd", "kind": "hall", "lat": "52.4495", "lon": "-3.5405",
        "step_free": "yes", "hearing_loop": "", "accessible_toilet": "no",
        "parking": ""}).status_code == 302
    place = sample_store.run_read(
        "MATCH (p:Place {name: 'Neuadd Newydd'}) RETURN properties(p) AS p")[0]["p"]
    assert (place["step_free"], place.get("hearing_loop"), place["accessible_toilet"],
            place.get("parking")) == (True, None, False, None)
    page = client.get(f"/assets/{place['id']}").get_data(as_text=True)
    assert "Hearing loop: <strong>Not known</strong>" in page
    assert "Accessible toilet: <strong>No</strong>" in page
    edit = client.get(f"/directory/places/{place['id']}/edit").get_data(as_text=True)
    assert '<option value="yes" selected>' in edit and '<option value="no" selected>' in edit
    # a filter for a hearing loop never matches a place where it is not known
    # a filter for a hearing loop never matches a venue where it is not known
    unknown = sample_store.run_read(
        "MATCH (a:Activity)-[:HELD_AT]->(p:Place) WHERE p.hearing_loop IS NULL "
        "RETURN a.id AS a, p.lat AS lat, p.lon AS lon LIMIT 1")[0]
    near = {"lat": str(unknown["lat"]), "lon": str(unknown["lon"]), "radius_km": "1",
            "per_page": "100"}
    listed = json.dumps(finder.find(sample_store, finder.parse(near)).results, default=str)
    assert unknown["a"] in listed
    filtered = finder.find(sample_store, finder.parse({**near, "hearing_loop": "true"}))
    assert unknown["a"] not in json.dumps(filtered.results, default=str)
    results = client.get("/find", query_string=near).get_data(as_text=True)
    assert "Access not known: ask the venue" in results
    from assetmap.interop import exports, hsds

    features = {f["properties"]["id"]: f["properties"]
                for f in exports.places_geojson(sample_store)["features"]}
    assert "hearing_loop" not in features[place["id"]] or (
        features[place["id"]]["hearing_loop"] is None), "GeoJSON: null, not false"
    listed = hsds.location(place, "en")["accessibility"]  # HSDS lists what is there
    assert [item["description"] for item in listed] == ["Step-free access"]


def test_a_person_with_nothing_recorded(client, sign_in, sample_store: GraphStore) -> None:  # noqa: ANN001
    sign_in("connector", "org-carers")
    form = client.get("/people/new").get_data(as_text=True)
    assert 'name="lives_alone"' in form and '<option value="">Not known</option>' in form
    response = _post(client, "/people/new", {"name": "Gwyn Unknown"})
    assert response.status_code == 302
    person = sample_store.run_read(
        "MATCH (p:Person {name: 'Gwyn Unknown'}) RETURN properties(p) AS p")[0]["p"]
    assert person.get("lives_alone") is None and not person.get("languages")
    page = client.get(f"/people/{person['id']}").get_data(as_text=True)
    assert summary_value(page, "Lives alone") == "Not known"
    assert summary_value(page, "Languages") == "Not known"
    assert "Not assessed" in page and "At risk" not in page


def test_init_turns_the_old_defaults_into_not_known_once(config: Config,
                                                         falkor_store: GraphStore) -> None:
    """Before this version an unticked box was stored as no and languages defaulted to
    English: `assetmap init` cannot tell which were asked, so they become not known - once
    (a graph it has brought up to date is never changed again)."""
    falkor_store.run_write(
        "CREATE (:Place {id: 'old-hall', name: 'Old Hall', lat: 52.4, lon: -3.5, "
        "step_free: false, hearing_loop: false, accessible_toilet: false, parking: false}), "
        "(:Place {id: 'chapel', name: 'Chapel', lat: 52.4, lon: -3.5, step_free: true, "
        "hearing_loop: false, accessible_toilet: false, parking: false}), "
        "(:Person {id: 'nain', name: 'Nain', lives_alone: false, languages: ['en']}), "
        "(:Person {id: 'taid', name: 'Taid', lives_alone: true, languages: ['cy', 'en']})")
    env = {"ASSETMAP_INSTANCE": str(config.instance_path), "ASSETMAP_GRAPH_URL": config.graph_url,
           "ASSETMAP_GRAPH_NAME": config.graph_name, "ASSETMAP_LANGUAGE": "en"}
    first = CliRunner(env=env).invoke(main, ["init"])
    assert first.exit_code == 0 and "migrated unknown-not-no-1: 3 records changed" in first.output
    rows = {r["id"]: r["p"] for r in falkor_store.run_read(
        "MATCH (n) WHERE n:Place OR n:Person RETURN n.id AS id, properties(n) AS p")}
    assert rows["old-hall"].get("step_free") is None
    assert rows["chapel"]["step_free"] is True and rows["chapel"]["parking"] is False
    assert rows["nain"].get("lives_alone") is None and not rows["nain"].get("languages")
    assert rows["taid"]["lives_alone"] is True and rows["taid"]["languages"] == ["cy", "en"]
    falkor_store.run_write("MATCH (p:Person {id: 'taid'}) SET p.lives_alone = false")
    again = CliRunner(env=env).invoke(main, ["init"])
    assert again.exit_code == 0 and "nothing to migrate" in again.output
    assert falkor_store.run_read("MATCH (p:Person {id: 'taid'}) RETURN p.lives_alone AS a"
                                 )[0]["a"] is False, "recorded after the migration: kept"
    assert json.loads(json.dumps(rows))  # plain values


def test_every_surface_of_a_person_and_a_tie_says_not_known(  # noqa: PLR0915
        client, sign_in, token_for, sample_store: GraphStore, tmp_path) -> None:  # noqa: ANN001
    """One person entered by the API with a name alone, a tie with no word of how often or
    how close, and a carer with hours alone: every page, API route and export that shows
    these fields says not known (or leaves them out), never no, a default or at risk."""
    api = token_for("connector", "org-carers")
    gwyn = client.post("/api/v1/people", json={"name": "Gwyn Heb Wybod", "birth_year": 1940},
                       headers=api).get_json()
    assert gwyn.get("lives_alone") is None and not gwyn.get("languages")
    assert not gwyn.get("availability")
    added = client.post(f"/api/v1/people/{gwyn['id']}/ties", headers=api, json={
        "name": "Siôn Heb Wybod", "relation": "neighbour", "circle": 2})
    assert added.status_code == 201, added.get_json()
    tie = added.get_json()
    assert tie.get("contact") is None and tie.get("strength") is None
    circle = client.get(f"/api/v1/people/{gwyn['id']}/circle", headers=api).get_json()
    shown = json.dumps(circle)
    assert '"contact": null' in shown or '"contact"' not in shown
    assert '"monthly"' not in shown and '"strength": 3' not in shown

    sign_in("connector", "org-carers")
    carer = sample_store.run_read("MATCH (p:Person {name: 'Siôn Heb Wybod'}) RETURN p.id AS id"
                                  )[0]["id"]
    assert _post(client, f"/people/{gwyn['id']}/carers/new", {
        "other_id": carer, "hours_per_week": "55"}).status_code == 302
    page = client.get(f"/people/{gwyn['id']}").get_data(as_text=True)
    for fact in ("Lives alone", "Languages", "Free at"):
        assert summary_value(page, fact) == "Not known", fact
    row = page[page.index("Siôn Heb Wybod", page.index('id="circle-table"')):]
    assert "<td>Not known</td>" in row[:row.index("</tr>")]
    assert "At risk" not in page and "Not assessed" in page
    carer_page = client.get(f"/people/{carer}").get_data(as_text=True)
    # high on what was recorded (55 hours; the only support of someone whose circle is
    # fragile), and what was not is listed as not known, never as a strain
    assert "Breakdown risk: <strong>high</strong>" in carer_page
    assert "cares for 55 hours a week" in carer_page
    assert ("not known: nobody is recorded in the carer&#39;s own circle besides those they "
            "care for") in carer_page
    assert "not known: the carer&#39;s own isolation is not assessed" in carer_page
    assert "0 of 30" not in carer_page and "thin: 0 people" not in carer_page

    analysis = client.get(f"/api/v1/people/{carer}/analysis", headers=api).get_json()
    assert analysis["isolation_risk"] is None and analysis["not_assessed"]
    assert analysis["carer"]["risk"] == "high"
    assert {"carer_circle_not_recorded", "carer_isolation_not_assessed"} <= {
        r["code"] for r in analysis["carer"]["reasons"]}
    record = client.get(f"/api/v1/people/{gwyn['id']}", headers=api).get_json()
    assert record.get("lives_alone") is None and not record.get("availability")

    # exports: the GraphML network and the person's own subject-access export
    from assetmap.interop import exports

    network = exports.organisation_network(sample_store, "org-carers", "s3cret", "2026-12-02")
    contacts = {data["contact"] for a, b, data in network.edges(data=True)
                if exports.pseudonym("s3cret", gwyn["id"]) in (a, b)}
    assert contacts == {"not known"}
    held = client.get(f"/api/v1/people/{gwyn['id']}/export", headers=api).get_json()
    assert '"strength": 3' not in json.dumps(held) and '"monthly"' not in json.dumps(held)


def test_every_surface_of_a_place_says_not_known(client, sample_store: GraphStore) -> None:  # noqa: ANN001
    """A venue where nothing is recorded about access: the public API, the printable list
    and the finder's filters say not known (the page, GeoJSON and HSDS are above)."""
    unknown = sample_store.run_read(
        "MATCH (a:Activity)-[:HELD_AT]->(p:Place) WHERE p.step_free IS NULL AND "
        "p.hearing_loop IS NULL AND p.accessible_toilet IS NULL AND p.parking IS NULL "
        "RETURN a.id AS a, p.id AS p, p.lat AS lat, p.lon AS lon LIMIT 1")[0]
    asset = client.get(f"/api/v1/assets/{unknown['p']}").get_json()
    assert asset["place"]["id"] == unknown["p"]
    for need in ("step_free", "hearing_loop", "accessible_toilet", "parking"):
        assert asset["place"].get(need) is None, need
    near = {"lat": str(unknown["lat"]), "lon": str(unknown["lon"]), "radius_km": "1",
            "per_page": "100"}
    printed = client.get("/find/print", query_string=near).get_data(as_text=True)
    assert "Access not known: ask the venue" in printed
    listed = client.get("/api/v1/assets", query_string={**near, "step_free": "true"}).get_json()
    assert unknown["a"] not in json.dumps(listed) and unknown["p"] not in json.dumps(listed)
