"""A provider's API: their own listings, with a provider's token, and nothing else."""

from __future__ import annotations

from datetime import timedelta

import pytest

from assetmap import accounts, clock
from assetmap.graph.store import GraphStore
from tests.conftest import provider_account


@pytest.fixture
def provider(sample_store: GraphStore) -> dict:
    """A provider's token, the group they look after and one of its sessions."""
    user, _ = provider_account(sample_store, "api.provider@example.cymru")
    group = sample_store.run_read(
        "MATCH (:User {id: $id})-[:MANAGES]->(g:Group) OPTIONAL MATCH (a:Activity)-[:RUN_BY]->(g) "
        "RETURN g.id AS id, collect(a.id)[0] AS session", id=user["id"])[0]
    if group["session"] is None:  # give the group a session to change
        session = sample_store.run_read("MATCH (a:Activity) RETURN a.id AS id LIMIT 1")[0]["id"]
        sample_store.run_write("MATCH (a:Activity {id: $a}), (g:Group {id: $g}) "
                               "MERGE (a)-[:RUN_BY]->(g)", a=session, g=group["id"])
        group["session"] = session
    token = accounts.create_token(sample_store, "api.provider@example.cymru")[1]
    return {"headers": {"Authorization": f"Bearer {token}"}, **group}


def test_their_listings_and_every_change(client, provider: dict,  # noqa: ANN001
                                         sample_store: GraphStore) -> None:
    headers = provider["headers"]
    mine = client.get("/api/v1/provider/listings", headers=headers).get_json()["items"]
    assert {item["label"] for item in mine} == {"Group", "Place"}
    changed = client.patch(f"/api/v1/provider/activities/{provider['session']}",
                           headers=headers, json={"weekday": "fri"})
    assert changed.status_code == 200, changed.get_json()
    body = changed.get_json()
    assert (body["weekday"], body["checked_by"], body["checked_at"]) == (
        "fri", "provider", clock.today().isoformat())
    from assetmap.model import WEEKDAYS

    ahead = (WEEKDAYS.index("fri") - clock.today().weekday()) % 7 + 7
    soon = (clock.today() + timedelta(days=ahead)).isoformat()
    off = client.post(f"/api/v1/provider/activities/{provider['session']}/cancelled-dates",
                      headers=headers, json={"day": soon})
    assert off.status_code == 200 and off.get_json()["cancelled_dates"] == [soon]
    paused = client.post(f"/api/v1/provider/groups/{provider['id']}/pause", headers=headers,
                         json={"paused": True})
    assert paused.get_json()["paused_since"] == clock.today().isoformat()
    made = client.post(f"/api/v1/provider/groups/{provider['id']}/sessions", headers=headers,
                       json={"name": "Extra session", "categories": ["social"],
                             "delivery": ["online"]})
    assert made.status_code == 201, made.get_json()
    assert client.post(f"/api/v1/provider/groups/{provider['id']}/confirm",
                       headers=headers).status_code == 204
    ended = client.post(f"/api/v1/provider/activities/{made.get_json()['id']}/end",
                        headers=headers, json={"ended_on": clock.today().isoformat()})
    assert ended.status_code == 200 and ended.get_json()["ended_on"]


def test_nothing_else(client, provider: dict, sample_store: GraphStore, token_for) -> None:  # noqa: ANN001
    headers = provider["headers"]
    other = sample_store.run_read("MATCH (g:Group) WHERE g.id <> $id RETURN g.id AS id LIMIT 1",
                                  id=provider["id"])[0]["id"]
    assert client.patch(f"/api/v1/provider/groups/{other}", headers=headers,
                        json={"name": "Mine now"}).status_code == 404
    assert client.get("/api/v1/people", headers=headers).status_code == 403
    assert client.post("/api/v1/groups", headers=headers, json={"name": "x"}).status_code == 403
    assert client.get("/api/v1/provider/listings",
                      headers=token_for("connector")).status_code == 403
    assert client.get("/api/v1/provider/listings").status_code == 401


@pytest.mark.parametrize(("body", "field"), [
    ({"weekday": "someday"}, "weekday"), ({"checked_at": "2020-01-01"}, "checked_at"),
    ({"colour": "red"}, "colour"), ({"start": "23:59"}, "end")])
def test_bad_changes_name_the_field(client, provider: dict, body: dict, field: str) -> None:  # noqa: ANN001
    response = client.patch(f"/api/v1/provider/activities/{provider['session']}",
                            headers=provider["headers"], json=body)
    assert response.status_code == 422, response.get_json()
    assert field in {error["field"].split(".")[0] for error in response.get_json()["errors"]}
