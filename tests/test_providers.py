"""Providers: claiming a listing (a link to its own address, a request staff decide, an
invitation), the link's rules (signed, once, expiring), what a provider may change and
what they may not reach. Mail goes through a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from assetmap import accounts, clock
from assetmap.config import Config
from assetmap.graph.store import GraphStore
from tests.conftest import AuthActions, MailCatcher, csrf_token, form_errors

SITE = "http://assetmap.test"
PASSWORD = "heather moor kettle lantern"


@pytest.fixture
def app(config: Config, sample_store: GraphStore, smtp: MailCatcher):  # noqa: ANN201
    """The app, sending mail to the test's SMTP server, its links on :data:`SITE`."""
    from assetmap.web import create_app
    from assetmap.web.db import close_store

    application = create_app(config.with_changes(mail=smtp.settings, base_url=SITE))
    yield application
    close_store(application)


def _link(message, path: str) -> str:  # noqa: ANN001
    """The path of the link to ``path`` in a received message's plain text."""
    text = message.get_body(("plain",)).get_content()
    found = re.search(re.escape(SITE) + re.escape(path) + r"\S+", text)
    assert found, text
    return found.group(0).removeprefix(SITE)


def _a_group(store: GraphStore, email: str | None = "lunch@example.org",
             recorder: str | None = "org-cvc") -> dict:
    """A group with a session at a place, recorded by ``recorder``."""
    group = store.run_read(
        "MATCH (a:Activity)-[:RUN_BY]->(g:Group) RETURN g.id AS id, a.id AS activity "
        "ORDER BY g.id LIMIT 1")[0]
    store.run_write("MATCH (g:Group {id: $id}) SET g.email = $email", id=group["id"],
                    email=email)
    if recorder:
        store.run_write("MATCH (g:Group {id: $id}), (o:Organisation {id: $org}) "
                        "MERGE (g)-[:RECORDED_BY]->(o)", id=group["id"], org=recorder)
    return group


def _post(client, path: str, data: dict, page: str | None = None):  # noqa: ANN001, ANN202
    form = client.get(page or path)
    assert form.status_code == 200, (page or path, form.status_code)
    return client.post(path, data={**data, "csrf_token": csrf_token(form.get_data(as_text=True))})


def _take_up(client, message, name: str = "Ann Organiser"):  # noqa: ANN001, ANN202
    accept = _link(message, "/claim/accept/")
    return _post(client, accept, {"name": name, "new_password": PASSWORD,
                                  "repeat_password": PASSWORD})


def test_a_link_to_the_listings_address_makes_a_provider(client, sample_store: GraphStore,  # noqa: ANN001
                                                         smtp: MailCatcher) -> None:
    group = _a_group(sample_store)
    page = client.get(f"/assets/{group['activity']}").get_data(as_text=True)
    assert f"/claim/groups/{group['id']}" in page
    sent = _post(client, f"/claim/groups/{group['id']}", {"how": "link"})
    assert sent.status_code == 302
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "l•••@example.org" in page and "an address beginning l at example.org" in page
    [message] = smtp.to("lunch@example.org")
    assert "Keep the listing for" in message["Subject"]
    taken = _take_up(client, message)
    assert taken.status_code == 302 and taken.headers["Location"].endswith("/provider/")
    mine = client.get("/provider/").get_data(as_text=True)
    assert "Your listings" in mine and f"/provider/groups/{group['id']}/edit" in mine
    account = sample_store.run_read("MATCH (u:User {email: 'lunch@example.org'})-[m:MANAGES]->"
                                    "(g:Group) RETURN u.role AS role, g.id AS g, m.how AS how")
    assert account == [{"role": "provider", "g": group["id"], "how": "link"}]
    # the link worked once
    again = client.get(_link(message, "/claim/accept/"))
    assert again.status_code == 404


def test_the_provider_changes_a_session_and_it_is_checked_today(
        client, sample_store: GraphStore, smtp: MailCatcher) -> None:  # noqa: ANN001
    group = _a_group(sample_store)
    sample_store.run_write("MATCH (a:Activity)-[:RUN_BY]->(:Group {id: $id}) "
                           "SET a.checked_at = '2025-01-01', a.checked_by = 'import'",
                           id=group["id"])
    _post(client, f"/claim/groups/{group['id']}", {"how": "link"})
    _take_up(client, smtp.to("lunch@example.org")[0])
    edit = f"/provider/activities/{group['activity']}/edit"
    form = client.get(edit).get_data(as_text=True)
    assert "Run by (group)" not in form  # a session stays their group's
    response = _post(client, edit, {"name": "Lunch Club", "weekday": "wed", "start": "12:00",
                                    "end": "13:30", "categories": "food",
                                    "place_id": _place_of(sample_store, group["activity"])})
    assert response.status_code == 302, form_errors(response.get_data(as_text=True))
    stored = sample_store.run_read("MATCH (a:Activity {id: $id}) RETURN properties(a) AS a",
                                   id=group["activity"])[0]["a"]
    assert (stored["weekday"], stored["checked_at"], stored["checked_by"]) == (
        "wed", clock.today().isoformat(), "provider")
    page = client.get(f"/assets/{group['activity']}").get_data(as_text=True)
    today = clock.today()
    assert f"Checked {today.day} {today.strftime('%B')} {today.year} by its organisers" in page


def _place_of(store: GraphStore, activity: str) -> str:
    return store.run_read("MATCH (:Activity {id: $id})-[:HELD_AT]->(p:Place) RETURN p.id AS id",
                          id=activity)[0]["id"]


def test_a_request_goes_to_the_recording_organisations_staff(
        app, client, sample_store: GraphStore, smtp: MailCatcher) -> None:  # noqa: ANN001
    group = _a_group(sample_store, email=None, recorder="org-cvc")
    page = client.get(f"/claim/groups/{group['id']}").get_data(as_text=True)
    assert 'value="link"' not in page  # no address to send a link to
    asked = _post(client, f"/claim/groups/{group['id']}", {
        "how": "request", "email": "Bryn@Example.cymru", "name": "Bryn",
        "message": "I run it on Tuesdays"})
    assert asked.status_code == 302
    assert smtp.received == []  # nothing is sent until staff decide
    other, cvc = app.test_client(), app.test_client()
    for who, org in ((other, "org-carers"), (cvc, "org-cvc")):
        email = f"staff.{org}@example.cymru"
        _, password = accounts.create_user(sample_store, email, "connector", org)
        AuthActions(who).login(email, password)
    assert "Bryn" not in other.get("/directory/claims").get_data(as_text=True)
    queue = cvc.get("/directory/claims").get_data(as_text=True)
    assert "I run it on Tuesdays" in queue
    claim_id = sample_store.run_read("MATCH (c:Claim) RETURN c.id AS id")[0]["id"]
    # staff of another organisation cannot decide it either
    refused = _post(other, f"/directory/claims/{claim_id}", {"decision": "approve"},
                    page="/directory/claims")
    assert refused.status_code == 404
    approved = _post(cvc, f"/directory/claims/{claim_id}", {"decision": "approve"},
                     page="/directory/claims")
    assert approved.status_code == 302
    [message] = smtp.to("bryn@example.cymru")
    assert "You can now look after" in message["Subject"]
    assert _take_up(client, message, "Bryn").status_code == 302
    assert "Your listings" in client.get("/provider/").get_data(as_text=True)


def test_a_declined_request_is_told(app, client, sample_store: GraphStore,  # noqa: ANN001
                                    smtp: MailCatcher, sign_in) -> None:  # noqa: ANN001
    group = _a_group(sample_store, email=None, recorder=None)  # any staff decide
    _post(client, f"/claim/groups/{group['id']}", {"how": "request", "email": "cai@example.cymru"})
    staff = app.test_client()
    _, password = accounts.create_user(sample_store, "s@example.cymru", "coordinator", "org-carers")
    AuthActions(staff).login("s@example.cymru", password)
    claim_id = sample_store.run_read("MATCH (c:Claim) RETURN c.id AS id")[0]["id"]
    _post(staff, f"/directory/claims/{claim_id}", {"decision": "decline"}, page="/directory/claims")
    [message] = smtp.to("cai@example.cymru")
    assert "could not confirm" in message.get_body(("plain",)).get_content()
    assert "/claim/accept/" not in message.get_body(("plain",)).get_content()


def test_a_link_expires_and_a_forged_one_is_refused(client, sample_store: GraphStore,  # noqa: ANN001
                                                     smtp: MailCatcher) -> None:
    group = _a_group(sample_store)
    _post(client, f"/claim/groups/{group['id']}", {"how": "link"})
    accept = _link(smtp.received[0], "/claim/accept/")
    with clock.frozen_at(datetime.now(UTC) + timedelta(days=8)):
        assert client.get(accept).status_code == 404
    assert client.get(accept[:-3] + "abc").status_code == 404
    assert client.get("/claim/accept/" + "x" * 600).status_code == 404
    assert client.get(accept).status_code == 200


def test_a_staff_address_cannot_become_a_provider(client, sample_store: GraphStore,  # noqa: ANN001
                                                  smtp: MailCatcher) -> None:
    accounts.create_user(sample_store, "lunch@example.org", "connector", "org-cvc")
    group = _a_group(sample_store)
    _post(client, f"/claim/groups/{group['id']}", {"how": "link"})
    accept = _link(smtp.received[0], "/claim/accept/")
    assert "is a staff account" in client.get(accept).get_data(as_text=True)
    response = _post(client, accept, {})
    assert response.status_code == 400
    assert "is a staff account" in response.get_data(as_text=True)
    assert sample_store.run_read("MATCH (:User)-[m:MANAGES]->() RETURN count(m) AS n")[0]["n"] == 0


def test_a_robot_filling_the_hidden_field_sends_nothing(client, sample_store: GraphStore,  # noqa: ANN001
                                                        smtp: MailCatcher) -> None:
    group = _a_group(sample_store)
    response = _post(client, f"/claim/groups/{group['id']}", {"how": "link",
                                                              "website": "http://spam"})
    assert response.status_code == 400 and smtp.received == []
    assert sample_store.run_read("MATCH (c:Claim) RETURN count(c) AS n")[0]["n"] == 0


def test_public_forms_are_rate_limited(app, client, sample_store: GraphStore,  # noqa: ANN001
                                       smtp: MailCatcher) -> None:
    group = _a_group(sample_store)
    limit = app.config["ASSETMAP"].public_forms_per_hour
    codes = [_post(client, f"/claim/groups/{group['id']}", {"how": "link"}).status_code
             for _ in range(limit + 1)]
    assert codes[:limit] == [302] * limit and codes[-1] == 429
    assert len(smtp.received) == limit


def test_a_co_organiser_is_invited(app, client, sample_store: GraphStore,  # noqa: ANN001
                                   smtp: MailCatcher) -> None:
    group = _a_group(sample_store)
    _post(client, f"/claim/groups/{group['id']}", {"how": "link"})
    _take_up(client, smtp.received[0])
    invited = _post(client, f"/provider/groups/{group['id']}/invite",
                    {"email": "dewi@example.cymru", "language": "cy"})
    assert invited.status_code == 302
    [message] = smtp.to("dewi@example.cymru")
    assert message["Content-Language"] == "cy"
    other = app.test_client()
    assert _take_up(other, message, "Dewi").status_code == 302
    assert sample_store.run_read(
        "MATCH (u:User)-[:MANAGES]->(:Group {id: $id}) RETURN count(u) AS n",
        id=group["id"])[0]["n"] == 2


def test_a_provider_reaches_only_their_listings(client, sample_store: GraphStore,  # noqa: ANN001
                                                smtp: MailCatcher) -> None:
    group = _a_group(sample_store)
    _post(client, f"/claim/groups/{group['id']}", {"how": "link"})
    _take_up(client, smtp.received[0])
    someone_else = sample_store.run_read(
        "MATCH (g:Group) WHERE g.id <> $id RETURN g.id AS id LIMIT 1", id=group["id"])[0]["id"]
    assert client.get(f"/provider/groups/{someone_else}/edit").status_code == 404
    other_session = sample_store.run_read(
        "MATCH (a:Activity) WHERE NOT (a)-[:RUN_BY]->(:Group {id: $id}) RETURN a.id AS id "
        "LIMIT 1", id=group["id"])[0]["id"]
    assert client.get(f"/provider/activities/{other_session}/edit").status_code == 404
    for staff_page in ("/people/", "/areas/", "/directory/", "/admin/users"):
        assert client.get(staff_page).status_code == 403, staff_page


def test_cancel_a_date_end_a_session_pause_the_group(client, sample_store: GraphStore,  # noqa: ANN001
                                                     smtp: MailCatcher) -> None:
    group = _a_group(sample_store)
    _post(client, f"/claim/groups/{group['id']}", {"how": "link"})
    _take_up(client, smtp.received[0])
    from assetmap.model import WEEKDAYS

    weekday = sample_store.run_read("MATCH (a:Activity {id: $id}) RETURN a.weekday AS d",
                                    id=group["activity"])[0]["d"]
    ahead = (WEEKDAYS.index(weekday) - clock.today().weekday()) % 7 + 7
    soon = (clock.today() + timedelta(days=ahead)).isoformat()
    wrong_day = (clock.today() + timedelta(days=ahead + 1)).isoformat()
    refused = _post(client, f"/provider/activities/{group['activity']}/cancel",
                    {"day": wrong_day}, page="/provider/")
    assert refused.status_code == 302
    assert "is not a day it meets" in client.get("/provider/").get_data(as_text=True)
    _post(client, f"/provider/activities/{group['activity']}/cancel", {"day": soon},
          page="/provider/")
    past = _post(client, f"/provider/activities/{group['activity']}/cancel",
                 {"day": "2020-01-01"}, page="/provider/")
    assert past.status_code == 302  # refused, with the reason shown
    assert "must be today or later" in client.get("/provider/").get_data(as_text=True)
    _post(client, f"/provider/groups/{group['id']}/pause", {"paused": "1"}, page="/provider/")
    _post(client, f"/provider/activities/{group['activity']}/end",
          {"ended_on": clock.today().isoformat()}, page="/provider/")
    stored = sample_store.run_read(
        "MATCH (a:Activity {id: $a})-[:RUN_BY]->(g:Group) RETURN a.cancelled_dates AS off, "
        "a.ended_on AS ended, g.paused_since AS paused", a=group["activity"])[0]
    assert stored == {"off": [soon], "ended": clock.today().isoformat(),
                      "paused": clock.today().isoformat()}


def test_send_this_list_e_mails_the_printable_list_and_keeps_no_address(
        client, sign_in, sample_store: GraphStore, smtp: MailCatcher, config: Config) -> None:  # noqa: ANN001
    from assetmap.audit import AuditLog

    query = "near=Llanidloes&radius_km=5"
    assert "Send this list" not in client.get(f"/find/print?{query}").get_data(as_text=True)
    sign_in("connector")
    page = client.get(f"/find/print?{query}").get_data(as_text=True)
    assert "Send this list" in page
    sent = client.post(f"/find/print/send?{query}", data={
        "csrf_token": csrf_token(page), "email": "Gwen@Example.cymru", "language": "cy"})
    assert sent.status_code == 302 and "/find/print?" in sent.headers["Location"]
    assert "Gwen@Example.cymru" in client.get(sent.headers["Location"]).get_data(as_text=True)
    [message] = smtp.to("gwen@example.cymru")
    assert message["Content-Language"] == "cy"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert f"{SITE}/assets/" in text and f'href="{SITE}/assets/' in html
    assert "Gweithgareddau" in message["Subject"]  # the list's heading, in Welsh
    # the address is nowhere once the message has gone: not the outbox, not the trail
    assert sample_store.run_read("MATCH (m:Mail) WHERE m.to IS NOT NULL RETURN count(m) AS n"
                                 )[0]["n"] == 0
    trail = (config.instance_path / "audit" / "audit.log").read_text()
    assert "gwen@example.cymru" not in trail.lower()
    assert any(e["action"] == "export" for e in AuditLog(config.instance_path).entries())
    bad = client.post(f"/find/print/send?{query}", data={
        "csrf_token": csrf_token(page), "email": "not an address", "language": "en"})
    assert bad.status_code == 400 and "is not an e-mail address" in bad.get_data(as_text=True)
