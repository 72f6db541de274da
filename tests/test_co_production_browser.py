"""Co-production in Debian's Chromium, against the real app and a real SMTP server: a
provider from the claim e-mail to a changed session (the listing then checked today), and
a public report of a change through the review queue to an answer in the reporter's
language. Screenshots go to ASSETMAP_SCREENSHOT_DIR."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from assetmap import accounts, clock
from assetmap.config import Config
from assetmap.graph.store import GraphStore
from tests.conftest import MailCatcher, free_port, serving

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(os.environ.get("ASSETMAP_SCREENSHOT_DIR", tempfile.gettempdir()))
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}
PASSWORD = "heather moor kettle lantern"


@pytest.fixture
def site(config: Config, sample_store: GraphStore, smtp: MailCatcher) -> Iterator[str]:
    """The app on a port of its own, its e-mails' links pointing at it."""
    from assetmap.web import create_app
    from assetmap.web.db import close_store

    port = free_port()
    app = create_app(config.with_changes(mail=smtp.settings,
                                         base_url=f"http://127.0.0.1:{port}"))
    with serving(app, port) as url:
        yield url
    close_store(app)


def _tab(browser: Browser, site: str, **options: object) -> Page:
    context = browser.new_context(reduced_motion="reduce", **options)
    tab = context.new_page()
    tab.route("**/*", lambda route: route.continue_()
              if route.request.url.startswith(site) else route.abort())
    return tab


def _group(store: GraphStore) -> dict:
    group = store.run_read(
        "MATCH (a:Activity)-[:RUN_BY]->(g:Group) MATCH (a)-[:HELD_AT]->(p:Place) "
        "RETURN g.id AS id, g.name AS name, a.id AS activity, a.name AS activity_name "
        "ORDER BY g.id LIMIT 1")[0]
    store.run_write("MATCH (g:Group {id: $id}), (o:Organisation {id: 'org-cvc'}) "
                    "SET g.email = 'club@example.org' MERGE (g)-[:RECORDED_BY]->(o)",
                    id=group["id"])
    store.run_write("MATCH (a:Activity)-[:RUN_BY]->(:Group {id: $id}) "
                    "SET a.checked_at = '2025-02-01', a.checked_by = 'import'", id=group["id"])
    return group


def _link(smtp: MailCatcher, address: str, site: str) -> str:
    [message] = smtp.to(address)
    text = message.get_body(("plain",)).get_content()
    return re.search(re.escape(site) + r"/claim/accept/\S+", text).group(0)


def _today() -> str:
    today = clock.today()
    return f"{today.day} {today.strftime('%B')} {today.year}"


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_provider_from_the_claim_e_mail_to_a_changed_session(
        browser: Browser, site: str, sample_store: GraphStore, smtp: MailCatcher,
        device: str) -> None:
    group = _group(sample_store)
    tab = _tab(browser, site, **(PHONE if device == "phone" else {}))
    tab.goto(f"{site}/assets/{group['activity']}")
    expect(tab.get_by_text("Checked 1 February 2025: from a list imported then").first
           ).to_be_visible()
    tab.get_by_role("link", name=f"Do you run {group['name']}? Keep its listing up to date"
                    ).first.click()
    expect(tab.get_by_label(re.compile("Send a link to the listing's e-mail address"))
           ).to_be_checked()
    tab.get_by_role("button", name="Send").click()
    expect(tab.get_by_role("heading", name="Check the listing's e-mail")).to_be_visible()
    tab.screenshot(path=str(SCREENSHOTS / f"claim-sent-{device}.png"), full_page=True)

    tab.goto(_link(smtp, "club@example.org", site))
    tab.get_by_label("Your name").fill("Ann Organiser")
    tab.get_by_label("New password", exact=True).fill(PASSWORD)
    tab.get_by_label("New password again").fill(PASSWORD)
    tab.get_by_role("button", name="Look after this listing").click()
    expect(tab.get_by_role("heading", name="Your listings")).to_be_visible()
    tab.screenshot(path=str(SCREENSHOTS / f"provider-listings-{device}.png"), full_page=True)

    tab.locator(f"#session-{group['activity']}").get_by_role(
        "link", name=re.compile("Change this session")).click()
    tab.get_by_label("Day").select_option("wed")
    tab.get_by_label("Starts").fill("12:00")
    tab.get_by_label("Ends").fill("13:30")
    tab.get_by_role("button", name="Save").click()
    expect(tab.get_by_text("Changes saved: the listing shows it was checked today.")
           ).to_be_visible()

    tab.goto(f"{site}/assets/{group['activity']}")
    card = tab.locator(f".app-activity:has(#activity-{group['activity']})")
    expect(card.get_by_text(f"Checked {_today()} by its organisers")).to_be_visible()
    expect(card.get_by_text("Wednesday 12:00–13:30")).to_be_visible()
    tab.screenshot(path=str(SCREENSHOTS / f"listing-checked-{device}.png"), full_page=True)
    tab.context.close()


def test_a_public_report_through_the_review_queue(browser: Browser, site: str,
                                                  sample_store: GraphStore,
                                                  smtp: MailCatcher) -> None:
    group = _group(sample_store)
    # a Welsh reader on a phone reports it
    phone = _tab(browser, site, **PHONE)
    phone.goto(f"{site}/assets/{group['activity']}?lang=cy")
    phone.locator(f".app-activity:has(#activity-{group['activity']})").get_by_role(
        "link", name=re.compile("^Rhoi gwybod am newid i")).click()
    phone.get_by_label("Beth sy'n anghywir?").fill("Mae wedi symud i ddydd Iau")
    phone.get_by_label(re.compile("Eich cyfeiriad e-bost")).fill("nia@example.cymru")
    phone.get_by_role("button", name="Anfon yr adroddiad").click()
    expect(phone.get_by_role("heading", name="Diolch")).to_be_visible()
    phone.screenshot(path=str(SCREENSHOTS / "report-sent-phone-cy.png"), full_page=True)
    phone.context.close()

    # the recording organisation's connector reviews it on a desktop
    user = accounts.create_user(sample_store, "rev2@example.cymru", "connector", "org-cvc")
    staff = _tab(browser, site)
    staff.goto(f"{site}/login")
    staff.get_by_label("E-mail").fill("rev2@example.cymru")
    staff.get_by_label("Password").fill(user[1])
    staff.get_by_role("button", name="Sign in").click()
    staff.goto(f"{site}/reviews/")
    staff.get_by_role("link", name=group["activity_name"]).click()
    expect(staff.get_by_text("Mae wedi symud i ddydd Iau")).to_be_visible()
    staff.get_by_label("Day").select_option("thu")
    staff.get_by_label(re.compile("Your answer to them")).fill("Diolch: wedi newid")
    staff.screenshot(path=str(SCREENSHOTS / "report-review-desktop.png"), full_page=True)
    staff.get_by_role("button", name="Save the listing and accept").click()
    expect(staff.get_by_text("Accepted: the listing is changed")).to_be_visible()
    staff.goto(f"{site}/assets/{group['activity']}")
    card = staff.locator(f".app-activity:has(#activity-{group['activity']})")
    expect(card.get_by_text(f"Checked {_today()} by staff")).to_be_visible()
    expect(card.get_by_text(re.compile("^Thursday"))).to_be_visible()
    staff.context.close()

    [answer] = smtp.to("nia@example.cymru")
    assert answer["Content-Language"] == "cy"
    text = answer.get_body(("plain",)).get_content()
    assert "Diolch: wedi newid" in text and "Mae'r rhestriad bellach wedi'i newid." in text
