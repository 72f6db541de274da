"""Staff pages for groups, places and activities: add, change, move, remove, validation."""

from __future__ import annotations

import pytest

from assetmap.graph.store import GraphStore
from tests.conftest import csrf_token, form_errors


def _post(client, path: str, data: dict, form_page: str | None = None):  # noqa: ANN001, ANN202
    page = client.get(form_page or path)
    assert page.status_code == 200
    return client.post(path, data={**data, "csrf_token": csrf_token(page.get_data(as_text=True))})


@pytest.mark.parametrize("role,status", [("admin", 403), ("connector", 200), ("coordinator", 200)])
def test_who_may_edit(client, sign_in, role: str, status: int) -> None:  # noqa: ANN001
    sign_in(role)
    assert client.get("/directory/").status_code == status
    assert client.get("/directory/places/new").status_code == status


def test_anonymous_is_sent_to_sign_in(client) -> None:  # noqa: ANN001
    assert client.get("/directory/groups/").status_code == 302


def test_place_from_postcode_then_activity_then_move(client, sign_in,  # noqa: ANN001
                                                      sample_store: GraphStore) -> None:
    sign_in("coordinator")
    response = _post(client, "/directory/places/new", {
        "name": "Neuadd y Dref", "kind": "hall", "postcode": "SY18 6EF", "town": "Llanidloes",
        "step_free": "true", "opening_hours": "tue 09:00-17:00, sat 10:00-12:00"})
    assert response.status_code == 302
    place = sample_store.run_read("MATCH (p:Place {name: 'Neuadd y Dref'}) "
                                  "RETURN properties(p) AS p")[0]["p"]
    assert place["step_free"] is True and place["lat"] == pytest.approx(52.449)
    assert place["opening_hours"] == ["tue 09:00-17:00", "sat 10:00-12:00"]

    group = sample_store.run_read("MATCH (g:Group) RETURN g.id AS id LIMIT 1")[0]["id"]
    response = _post(client, "/directory/activities/new", {
        "name": "Te a Sgwrs", "weekday": "tue", "start": "10:00", "end": "12:00",
        "frequency": "weekly", "cost_pence": "0", "welsh_language": "true",
        "categories": ["social", "food"], "place_id": place["id"], "group_id": group})
    assert response.status_code == 302
    activity = sample_store.run_read(
        "MATCH (a:Activity {name: 'Te a Sgwrs'})-[:HELD_AT]->(p) "
        "OPTIONAL MATCH (a)-[:RUN_BY]->(g) RETURN a.id AS id, p.id AS place, g.id AS group")[0]
    assert (activity["place"], activity["group"]) == (place["id"], group)

    other = sample_store.run_read("MATCH (p:Place) WHERE p.id <> $id RETURN p.id AS id LIMIT 1",
                                  id=place["id"])[0]["id"]
    edit = f"/directory/activities/{activity['id']}/edit"
    response = _post(client, edit, {
        "name": "Te a Sgwrs", "weekday": "wed", "start": "10:00", "end": "12:00",
        "frequency": "weekly", "cost_pence": "150", "categories": ["social"],
        "place_id": other, "group_id": ""})
    assert response.status_code == 302
    moved = sample_store.run_read(
        "MATCH (a:Activity {id: $id})-[:HELD_AT]->(p) OPTIONAL MATCH (a)-[:RUN_BY]->(g) "
        "RETURN collect(DISTINCT p.id) AS places, count(g) AS groups, a.weekday AS day",
        id=activity["id"])[0]
    assert moved == {"places": [other], "groups": 0, "day": "wed"}

    blocked = _post(client, f"/directory/places/{other}/delete", {},
                    f"/directory/places/{other}/edit")
    assert blocked.status_code == 302
    assert sample_store.run_read("MATCH (p:Place {id: $id}) RETURN count(p) AS n",
                                 id=other)[0]["n"] == 1, "a place with activities stays"
    _post(client, f"/directory/activities/{activity['id']}/delete", {}, edit)
    assert sample_store.run_read("MATCH (a:Activity {id: $id}) RETURN count(a) AS n",
                                 id=activity["id"])[0]["n"] == 0


@pytest.mark.parametrize("data,fields", [
    ({"name": "", "weekday": "tue", "start": "10:00", "end": "09:00", "categories": ["social"],
      "place_id": "no-such-place"}, {"name"}),
    ({"name": "Late", "weekday": "tue", "start": "10:00", "end": "09:00",
      "categories": ["social"], "place_id": "PLACE"}, {"end"}),
    ({"name": "Nowhere", "weekday": "tue", "start": "10:00", "end": "11:00",
      "categories": ["social"], "place_id": "no-such-place"}, {"place_id"}),
    ({"name": "No kind", "weekday": "tue", "start": "10:00", "end": "11:00",
      "place_id": "PLACE"}, {"categories"}),
    ({"name": "Dear", "weekday": "tue", "start": "10:00", "end": "11:00", "cost_pence": "lots",
      "categories": ["social"], "place_id": "PLACE"}, {"cost_pence"}),
])
def test_bad_activity_is_reshown_and_nothing_written(client, sign_in, data: dict,  # noqa: ANN001
                                                     fields: set,
                                                     sample_store: GraphStore) -> None:
    sign_in("connector")
    place = sample_store.run_read("MATCH (p:Place) RETURN p.id AS id LIMIT 1")[0]["id"]
    data = {k: (place if v == "PLACE" else v) for k, v in data.items()}
    before = sample_store.counts()
    response = _post(client, "/directory/activities/new", data)
    assert response.status_code == 400
    assert fields <= set(form_errors(response.get_data(as_text=True)))
    assert sample_store.counts() == before


def test_place_needs_a_point_or_a_welsh_postcode(client, sign_in) -> None:  # noqa: ANN001
    sign_in("connector")
    response = _post(client, "/directory/places/new", {"name": "Far", "postcode": "EH1 1AA"})
    assert response.status_code == 400
    assert "not one we know in Wales" in form_errors(response.get_data(as_text=True))["postcode"]
    response = _post(client, "/directory/places/new", {"name": "Nowhere"})
    assert set(form_errors(response.get_data(as_text=True))) >= {"lat", "lon"}
