"""Report a change: anyone says a listing is wrong; the recording organisation's staff and
the listing's providers review it; accepting changes the listing (checked today); the
reporter, if they left an address, is answered once and the address wiped; all audited."""

from __future__ import annotations

import pytest

from assetmap import accounts, clock
from assetmap.audit import AuditLog
from assetmap.config import Config
from assetmap.graph.store import GraphStore
from tests.conftest import AuthActions, MailCatcher, csrf_token, form_errors, provider_account
from tests.test_providers import SITE, _a_group, _post


@pytest.fixture
def app(config: Config, sample_store: GraphStore, smtp: MailCatcher):  # noqa: ANN201
    from assetmap.web import create_app
    from assetmap.web.db import close_store

    application = create_app(config.with_changes(mail=smtp.settings, base_url=SITE))
    yield application
    close_store(application)


def _staff(app, store: GraphStore, org: str, role: str = "connector"):  # noqa: ANN001, ANN202
    client = app.test_client()
    email = f"{role}.{org}@example.cymru"
    _, password = accounts.create_user(store, email, role, org)
    AuthActions(client).login(email, password)
    return client


def _report(client, activity: str, what: str, reply_to: str = "",  # noqa: ANN001, ANN202
            lang: str | None = None):
    path = f"/report/activities/{activity}" + (f"?lang={lang}" if lang else "")
    return _post(client, path, {"what": what, "reply_to": reply_to})


def _stored(store: GraphStore, activity: str) -> dict:
    return store.run_read("MATCH (a:Activity {id: $id}) RETURN properties(a) AS a",
                          id=activity)[0]["a"]


def test_staff_review_change_and_answer(app, client, sample_store: GraphStore,  # noqa: ANN001
                                        smtp: MailCatcher, config: Config) -> None:
    group = _a_group(sample_store, recorder="org-cvc")
    sample_store.run_write("MATCH (a:Activity {id: $id}) SET a.checked_at = '2025-01-01'",
                           id=group["activity"])
    page = client.get(f"/assets/{group['activity']}").get_data(as_text=True)
    assert f"/report/activities/{group['activity']}" in page
    sent = _report(client, group["activity"], "It moved to Wednesdays", "Eve@Example.cymru",
                   lang="cy")
    assert sent.status_code == 302
    other = _staff(app, sample_store, "org-carers")
    assert "It moved to Wednesdays" not in other.get("/reviews/").get_data(as_text=True)
    report_id = sample_store.run_read("MATCH (c:ChangeReport) RETURN c.id AS id")[0]["id"]
    assert other.get(f"/reviews/{report_id}").status_code == 404
    staff = _staff(app, sample_store, "org-cvc")
    queue = staff.get("/reviews/").get_data(as_text=True)
    assert "It moved to Wednesdays" in queue
    form = staff.get(f"/reviews/{report_id}")
    assert form.status_code == 200 and "It moved to Wednesdays" in form.get_data(as_text=True)
    current = _stored(sample_store, group["activity"])
    place = sample_store.run_read("MATCH (:Activity {id: $id})-[:HELD_AT]->(p) RETURN p.id AS id",
                                  id=group["activity"])[0]["id"]
    accepted = staff.post(f"/reviews/{report_id}", data={
        "csrf_token": csrf_token(form.get_data(as_text=True)), "decision": "accept",
        "name": current["name"], "categories": current["categories"], "weekday": "wed",
        "start": current["start"], "end": current["end"], "place_id": place,
        "group_id": group["id"], "answer": "Diolch, wedi newid"})
    assert accepted.status_code == 302, form_errors(accepted.get_data(as_text=True))
    changed = _stored(sample_store, group["activity"])
    assert (changed["weekday"], changed["checked_at"], changed["checked_by"]) == (
        "wed", clock.today().isoformat(), "staff")
    [answer] = smtp.to("eve@example.cymru")
    assert answer["Content-Language"] == "cy"
    assert "Diolch, wedi newid" in answer.get_body(("plain",)).get_content()
    report = sample_store.run_read("MATCH (c:ChangeReport {id: $id}) RETURN properties(c) AS c",
                                   id=report_id)[0]["c"]
    assert report["status"] == "accepted" and "reply_to" not in report  # used once, wiped
    actions = [entry["action"] for entry in AuditLog(config.instance_path).entries()
               if entry.get("record_id") == report_id]
    assert actions == ["report", "review"]


def test_a_provider_reviews_reports_on_their_sessions(app, sample_store: GraphStore,  # noqa: ANN001
                                                      smtp: MailCatcher) -> None:
    group = _a_group(sample_store, recorder="org-cvc")
    public = app.test_client()
    _report(public, group["activity"], "No longer on in August")
    provider = app.test_client()
    user, password = provider_account(sample_store, "prov@example.cymru")
    from assetmap.graph import providers as graph

    graph.add_manager(sample_store, user["id"], "Group", group["id"], "2026-01-01", "link")
    AuthActions(provider).login("prov@example.cymru", password)
    report_id = sample_store.run_read("MATCH (c:ChangeReport) RETURN c.id AS id")[0]["id"]
    assert "No longer on in August" in provider.get("/reviews/").get_data(as_text=True)
    form = provider.get(f"/reviews/{report_id}").get_data(as_text=True)
    assert "Run by (group)" not in form
    current = _stored(sample_store, group["activity"])
    place = sample_store.run_read("MATCH (:Activity {id: $id})-[:HELD_AT]->(p) RETURN p.id AS id",
                                  id=group["activity"])[0]["id"]
    done = provider.post(f"/reviews/{report_id}", data={
        "csrf_token": csrf_token(form), "decision": "accept", "name": current["name"],
        "categories": current["categories"], "weekday": current["weekday"],
        "start": current["start"], "end": current["end"], "place_id": place,
        "cancelled_dates": f"{clock.today().year + 1}-08-04"})
    assert done.status_code == 302, form_errors(done.get_data(as_text=True))
    changed = _stored(sample_store, group["activity"])
    assert changed["checked_by"] == "provider" and changed["cancelled_dates"]
    assert smtp.received == []  # no address left: nobody to answer


def test_rejecting_a_report_with_an_address_needs_an_answer(app, client,  # noqa: ANN001
                                                            sample_store: GraphStore,
                                                            smtp: MailCatcher) -> None:
    group = _a_group(sample_store, recorder=None)
    _report(client, group["activity"], "This is rubbish", "fay@example.cymru")
    staff = _staff(app, sample_store, "org-carers", "coordinator")
    report_id = sample_store.run_read("MATCH (c:ChangeReport) RETURN c.id AS id")[0]["id"]
    before = _stored(sample_store, group["activity"])
    refused = _post(staff, f"/reviews/{report_id}", {"decision": "reject"})
    assert refused.status_code == 400 and "answer" in form_errors(refused.get_data(as_text=True))
    rejected = _post(staff, f"/reviews/{report_id}", {"decision": "reject",
                                                      "answer": "It is right as it is"})
    assert rejected.status_code == 302
    assert _stored(sample_store, group["activity"]) == before  # nothing changed
    [answer] = smtp.to("fay@example.cymru")
    assert "left as it was" in answer.get_body(("plain",)).get_content()


@pytest.mark.parametrize(("data", "field"), [
    ({"what": ""}, "what"), ({"what": "x" * 2001}, "what"),
    ({"what": "Moved", "reply_to": "not an address"}, "reply_to")])
def test_bad_reports_are_named_and_nothing_is_kept(client, sample_store: GraphStore,  # noqa: ANN001
                                                   data: dict, field: str) -> None:
    group = _a_group(sample_store)
    response = _post(client, f"/report/activities/{group['activity']}", data)
    assert response.status_code == 400 and field in form_errors(response.get_data(as_text=True))
    assert sample_store.run_read("MATCH (c:ChangeReport) RETURN count(c) AS n")[0]["n"] == 0


def test_a_robot_reports_nothing(client, sample_store: GraphStore) -> None:  # noqa: ANN001
    group = _a_group(sample_store)
    response = _post(client, f"/report/activities/{group['activity']}",
                     {"what": "Buy cheap watches", "website": "http://spam.example"})
    assert response.status_code == 400
    assert sample_store.run_read("MATCH (c:ChangeReport) RETURN count(c) AS n")[0]["n"] == 0
