"""The day's reminders (``assetmap reminders send``, from a daily timer):

- each listing that may be out of date asks its providers (or, with none, its own
  address) to confirm it, once a month until someone does;
- each connector with referral follow-ups due today is told how many (never who: names
  stay in assetmap, behind its sign-in).

Messages go into the outbox (:mod:`assetmap.services.mail`); the command then sends them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from assetmap import clock
from assetmap.graph import people
from assetmap.graph import providers as listings
from assetmap.graph.store import GraphStore
from assetmap.services import freshness, mail, providers
from assetmap.services.mail import Links

#: a listing that stays unconfirmed is asked again after this many days
ASK_AGAIN_DAYS = 30


@dataclass
class Queued:
    """What one run queued: messages, by kind, and their ids (to send them)."""

    freshness_checks: int = 0
    referral_followups: int = 0
    ids: list[str] | None = None


def queue_due(store: GraphStore, limits: freshness.Limits, links: Links,
              today: date | None = None) -> Queued:
    """Queue today's reminders; running it twice in a day queues nothing more."""
    today = today or clock.today()
    links.url("/")  # no site address, no links: refused before anything is queued
    done = Queued(ids=[])
    asked_since = (today - timedelta(days=ASK_AGAIN_DAYS)).isoformat()
    stale = freshness.stale_listings(store, limits, today=today)
    asked = {listing["id"] for listing in stale}
    for listing in stale:
        if mail.already_sent(store, "freshness_check", listing["id"], asked_since):
            continue
        for message in _ask_to_confirm(store, listing, limits, links, asked):
            done.ids.append(message["id"])
            done.freshness_checks += 1
    for user in people.referrals_due(store, today.isoformat()):
        if mail.already_sent(store, "referral_followups", user["id"], today.isoformat()):
            continue
        message = mail.queue(store, "referral_followups", user["email"],
                             mail.language_of(user.get("language")),
                             {"due": user["due"], "url": links.url("/people/follow-ups")},
                             about=user["id"])
        done.ids.append(message["id"])
        done.referral_followups += 1
    return done


def _ask_to_confirm(store: GraphStore, listing: dict, limits: freshness.Limits,
                    links: Links, asked: set[str]) -> list[dict]:
    """A "still right?" message to each of the listing's providers, or its own address.
    A session's providers through its group or place are not asked about it when they are
    asked about that group or place (``asked``): confirming a group confirms its sessions."""
    slug = providers.SLUGS[listing["label"]]
    context = {"listing": listing, "checked": listing["last_checked"].isoformat(),
               "confirm_url": providers.confirm_link(links, listing["label"], listing["id"]),
               "months": round(limits.hidden_after_days / 30.4),
               "listing_url": links.url(_public_page(store, listing))}
    everyone = listings.managers(store, listing["label"], listing["id"])
    managers = [who for who in everyone if who["via"] not in asked]
    if everyone:
        edit = links.url(f"/provider/{slug}/{listing['id']}/edit")
        return [mail.queue(store, "freshness_check", who["email"],
                           mail.language_of(who.get("language")),
                           {**context, "edit_url": edit}, about=listing["id"])
                for who in managers]
    if listing.get("email"):
        return [mail.queue(store, "freshness_check", listing["email"], "cy+en",
                           {**context, "edit_url": None}, about=listing["id"])]
    return []


def _public_page(store: GraphStore, listing: dict) -> str:
    """The public page that shows a listing (a group's: that of its first session)."""
    if listing["label"] != "Group":
        return f"/assets/{listing['id']}"
    sessions = listings.sessions_of(store, "Group", [listing["id"]])
    return f"/assets/{sessions[0]['id']}" if sessions else "/find"
