"""``assetmap reminders send``: a listing that may be out of date asks its provider (or its
own address) to confirm it, once a month; a connector hears how many follow-ups are due.
Mail through a real SMTP server; the confirm link works in the real app."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from assetmap import accounts, clock
from assetmap.cli import main
from assetmap.config import Config
from assetmap.graph import providers as graph
from assetmap.graph.store import GraphStore
from assetmap.services import people
from tests.conftest import MailCatcher, csrf_token

SITE = "http://assetmap.test"


@pytest.fixture
def env(smtp: MailCatcher) -> dict[str, str]:
    return {**smtp.env, "ASSETMAP_BASE_URL": SITE, "ASSETMAP_SECRET_KEY": "test-secret-key"}


def _provider_of_a_group(store: GraphStore, email: str = "ann@example.cymru") -> dict:
    group = store.run_read("MATCH (a:Activity)-[:RUN_BY]->(g:Group) RETURN g.id AS id, "
                           "g.name AS name, a.id AS activity ORDER BY g.id LIMIT 1")[0]
    user = accounts.new_provider(store, email, "Ann", "heather moor kettle lantern", "en")
    graph.add_manager(store, user["id"], "Group", group["id"], "2026-01-01", "link")
    return group


def _months_on(config: Config, days: int) -> datetime:
    return datetime.now(UTC) + timedelta(days=days)


def test_a_stale_listing_asks_its_provider_who_confirms_with_one_click(
        runner, env, smtp: MailCatcher, sample_store: GraphStore, client,  # noqa: ANN001
        config: Config) -> None:
    group = _provider_of_a_group(sample_store)
    later = _months_on(config, config.stale_after_days + 3)
    with clock.frozen_at(later):
        result = runner.invoke(main, ["reminders", "send"], env=env)
        assert result.exit_code == 0, result.stderr
        assert "sent" in result.stdout
        mine = smtp.to("ann@example.cymru")
        assert [m["Subject"] for m in mine] == [
            f"Is the listing for {group['name']} still right?"]
        text = mine[0].get_body(("plain",)).get_content()
        assert f"/provider/groups/{group['id']}/edit" in text
        # the same day again: nothing more
        runner.invoke(main, ["reminders", "send"], env=env)
        assert len(smtp.to("ann@example.cymru")) == 1
        confirm = re.search(re.escape(SITE) + r"(/listings/confirm/\S+)", text).group(1)
        page = client.get(confirm)
        assert page.status_code == 200 and "still right" in page.get_data(as_text=True)
        client.post(confirm, data={"csrf_token": csrf_token(page.get_data(as_text=True))})
        checked = sample_store.run_read(
            "MATCH (g:Group {id: $id}) OPTIONAL MATCH (a:Activity)-[:RUN_BY]->(g) "
            "RETURN g.checked_at AS g, g.checked_by AS by, collect(a.checked_at) AS sessions",
            id=group["id"])[0]
        assert checked["g"] == later.date().isoformat() and checked["by"] == "provider"
        assert set(checked["sessions"]) == {later.date().isoformat()}
    # a month later it is fresh: nobody is asked again
    with clock.frozen_at(later + timedelta(days=40)):
        runner.invoke(main, ["reminders", "send"], env=env)
    assert len(smtp.to("ann@example.cymru")) == 1


def test_unconfirmed_it_is_asked_monthly_then_leaves_the_finder(
        runner, env, smtp: MailCatcher, sample_store: GraphStore, client,  # noqa: ANN001
        config: Config) -> None:
    group = _provider_of_a_group(sample_store)
    for days in (config.stale_after_days + 1, config.stale_after_days + 10,
                 config.stale_after_days + 35):
        with clock.frozen_at(_months_on(config, days)):
            runner.invoke(main, ["reminders", "send"], env=env)
    assert len(smtp.to("ann@example.cymru")) == 2  # not again within a month
    with clock.frozen_at(_months_on(config, config.hidden_after_days + 1)):
        found = client.get("/api/v1/assets", query_string={
            "text": group["name"], "per_page": 100}).get_json()["items"]
        assert group["activity"] not in {s["id"] for row in found for s in row["sessions"]}


def test_a_listing_with_no_provider_asks_its_own_address_in_both_languages(
        runner, env, smtp: MailCatcher, sample_store: GraphStore,  # noqa: ANN001
        config: Config) -> None:
    place = sample_store.run_read("MATCH (p:Place) RETURN p.id AS id, p.name AS name "
                                  "ORDER BY p.id LIMIT 1")[0]
    sample_store.run_write("MATCH (p:Place {id: $id}) SET p.email = 'hall@example.org'",
                           id=place["id"])
    with clock.frozen_at(_months_on(config, config.stale_after_days + 3)):
        runner.invoke(main, ["reminders", "send"], env=env)
    [message] = smtp.to("hall@example.org")
    assert message["Content-Language"] == "cy, en"
    assert " | " in message["Subject"]  # Welsh, then English
    assert "/provider/" not in message.get_body(("plain",)).get_content()


def test_a_connector_hears_how_many_follow_ups_are_due_never_who(
        runner, env, smtp: MailCatcher, sample_store: GraphStore, app) -> None:  # noqa: ANN001
    from tests.conftest import AuthActions

    user, password = accounts.create_user(sample_store, "cai@example.cymru", "connector",
                                          "org-carers")
    accounts.update_user(sample_store, user["id"], {"language": "en"})  # chosen on /account
    person = sample_store.run_read(
        "MATCH (p:Person)-[:RECORDED_BY]->(:Organisation {id: 'org-carers'}) "
        "RETURN p.id AS id, p.name AS name ORDER BY p.id LIMIT 1")[0]
    activity = sample_store.run_read("MATCH (a:Activity) RETURN a.id AS id LIMIT 1")[0]["id"]
    people.refer(sample_store, person["id"], activity, user["id"],
                 follow_up=clock.today().isoformat())
    result = runner.invoke(main, ["reminders", "send"], env=env)
    assert "1 follow-up" in result.stdout or "queued 0 listing checks and 1" in result.stdout
    [message] = smtp.to("cai@example.cymru")
    assert message["Subject"] == "1 referral follow-up is due today"
    text = message.get_body(("plain",)).get_content()
    assert person["name"] not in text and f"{SITE}/people/follow-ups" in text
    client = app.test_client()
    AuthActions(client).login("cai@example.cymru", password)
    assert person["name"] in client.get("/people/follow-ups").get_data(as_text=True)


def test_without_the_sites_address_nothing_is_queued(runner, smtp: MailCatcher,  # noqa: ANN001
                                                    sample_store: GraphStore,
                                                    config: Config) -> None:
    _provider_of_a_group(sample_store)
    with clock.frozen_at(_months_on(config, config.stale_after_days + 3)):
        result = runner.invoke(main, ["reminders", "send"], env=smtp.env)
    assert result.exit_code == 1 and "ASSETMAP_BASE_URL" in result.stderr
    assert sample_store.run_read("MATCH (m:Mail) RETURN count(m) AS n")[0]["n"] == 0
