"""Providers: the people who run a group or look after a place keep its listing current.

Someone becomes a listing's provider in one of three ways, each ending in a signed link
that works once and expires (:func:`open_claim`, :func:`accept`):

- **a link to the listing's own address** (``link``): whoever reads that mailbox runs it;
- **a request** (``request``) that staff of the organisation that recorded the listing
  approve or decline (:func:`decide`); a listing no organisation recorded is for any
  connector or coordinator to decide;
- **an invitation** (``invitation``) from one of its providers (a co-organiser).

A provider changes only the listings they manage (and the sessions of their groups and
places): never a person's record, never area figures. Whatever they save counts as checked
by its provider (:mod:`assetmap.services.freshness`).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from assetmap import accounts, clock
from assetmap.audit import Acting
from assetmap.graph import providers as graph
from assetmap.graph import users
from assetmap.graph.nodes import NotFound
from assetmap.graph.store import GraphStore
from assetmap.i18n import N_, Problem
from assetmap.model import WEEKDAYS, InvalidRecord
from assetmap.names import WEEKDAY_NAMES
from assetmap.services import directory, mail
from assetmap.services.mail import Links

#: how long each kind of link works, in days
LINK_DAYS = {"link": 7, "request": 14, "invitation": 14}
#: a listing's label as pages and links name it, and back
SLUGS = directory.SLUGS
LABELS = {slug: label for label, slug in SLUGS.items()}
#: how long a "still right?" link in a reminder works
CONFIRM_DAYS = 60

NO_ADDRESS = Problem(N_("this listing has no e-mail address to send a link to: ask the staff "
                        "who keep the directory instead"))
STAFF_ADDRESS = Problem(N_("is a staff account's: staff change listings in the directory"))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def listing(store: GraphStore, label: str, node_id: str) -> dict:
    """A listing by its label and id; :class:`NotFound` if there is none."""
    found = graph.listing(store, label, node_id) if label in SLUGS else None
    if found is None:
        raise NotFound(label, node_id)
    return found


def _new_claim(store: GraphStore, links: Links | None, found: dict, how: str, email: str,
               **fields: Any) -> tuple[dict, str]:
    """A claim of ``how`` for ``found``, and its signed link (none for a request, which
    waits for staff)."""
    if links is not None:
        links.url("/")  # no site address, no link: refused before anything is written
    made = graph.claims.create(store, {"listing_label": found["label"],
                                       "listing_id": found["id"], "email": email, "how": how,
                                       **fields})
    return (made, "") if links is None else _with_link(store, links, made)


def _with_link(store: GraphStore, links: Links, claim: dict) -> tuple[dict, str]:
    """Give ``claim`` a fresh signed link (the old one, if any, stops working)."""
    token = links.signer("claim").dumps({"claim": claim["id"],
                                         "nonce": secrets.token_urlsafe(16)})
    expires = clock.now() + timedelta(days=LINK_DAYS[claim["how"]])
    changed = graph.claims.update(store, claim["id"], {
        "token_hash": _hash(token), "expires_at": expires.isoformat(timespec="seconds")})
    return changed, links.url(f"/claim/accept/{token}")


def ask_by_link(store: GraphStore, label: str, node_id: str, language: str | None,
                links: Links, acting: Acting) -> dict:
    """Send a claim link to the listing's own address; returns the queued message."""
    found = listing(store, label, node_id)
    if not found.get("email"):
        raise InvalidRecord([("how", NO_ADDRESS)])
    claim, url = _new_claim(store, links, found, "link", found["email"], language=language)
    acting.record("claim", claim["id"], record_type="Claim",
                  detail=f"a link sent to the listing's address, for {label} {node_id}")
    return mail.queue(store, "claim_link", found["email"], mail.language_of(language),
                      {"listing": found, "url": url, "days": LINK_DAYS["link"]},
                      about=claim["id"])


def ask_staff(store: GraphStore, label: str, node_id: str, email: str, name: str | None,
              message: str | None, language: str | None, acting: Acting) -> dict:
    """Ask the staff who keep the listing to make ``email`` its provider."""
    found = listing(store, label, node_id)
    claim, _ = _new_claim(store, None, found, "request", email, name=name,
                          message=message, language=language)
    acting.record("claim", claim["id"], record_type="Claim",
                  detail=f"a request to staff, for {label} {node_id}")
    return claim


def waiting(store: GraphStore, organisation_id: str | None) -> list[dict]:
    """The requests staff of ``organisation_id`` may decide, oldest first."""
    return graph.waiting_claims(store, organisation_id)


def decide(store: GraphStore, claim_id: str, approve: bool, decider: Any, links: Links,
           acting: Acting) -> dict:
    """Approve (a link goes to the asker) or decline (they are told) a request; only staff
    of the organisation that recorded the listing, or any staff for a listing no one
    recorded. Returns the queued message."""
    claim = graph.claims.get(store, claim_id)
    if claim.get("how") != "request" or claim.get("status") != "pending":
        raise InvalidRecord([("claim", Problem(N_("has already been decided")))])
    found = listing(store, claim["listing_label"], claim["listing_id"])
    if found["recorded_by"] not in (None, decider.organisation_id):
        raise NotFound("Claim", claim_id)  # as if there were no such request
    now = clock.now_iso()
    decided = {"decided_by": decider.user_id, "decided_at": now}
    language = mail.language_of(claim.get("language"))
    context = {"listing": found, "name": claim.get("name")}
    if approve:
        claim = graph.claims.update(store, claim_id, {**decided, "status": "approved"})
        _, url = _with_link(store, links, claim)
        kind, context = "claim_approved", {**context, "url": url,
                                           "days": LINK_DAYS["request"]}
    else:
        graph.claims.update(store, claim_id, {**decided, "status": "declined"})
        kind = "claim_declined"
    acting.record("review", claim_id, record_type="Claim",
                  detail="approved" if approve else "declined")
    return mail.queue(store, kind, claim["email"], language, context, about=claim_id)


def invite(store: GraphStore, inviter: str, label: str, node_id: str, email: str,
           language: str | None, links: Links, acting: Acting) -> dict:
    """A provider invites a co-organiser; returns the queued message."""
    check(store, inviter, label, node_id)
    found = listing(store, label, node_id)
    claim, url = _new_claim(store, links, found, "invitation", email, invited_by=inviter,
                            language=language)
    acting.record("claim", claim["id"], record_type="Claim",
                  detail=f"an invitation to co-organise {label} {node_id}")
    return mail.queue(store, "co_organiser_invite", claim["email"],
                      mail.language_of(language),
                      {"listing": found, "url": url, "days": LINK_DAYS["invitation"]},
                      about=claim["id"])


def open_claim(store: GraphStore, token: str, links: Links) -> dict | None:
    """The claim a link is for, with its listing, while the link works; else None."""
    if links.unsigned("claim", token, max(LINK_DAYS.values())) is None:
        return None
    claim = graph.claim_by_token(store, _hash(token))
    if claim is None or claim["status"] not in ("pending", "approved") or (
            claim.get("expires_at") or "") < clock.now_iso():
        return None
    found = graph.listing(store, claim["listing_label"], claim["listing_id"])
    if found is None:
        return None
    account = users.by_email(store, claim["email"])
    return {**claim, "listing": found, "account": account}


def accept(store: GraphStore, token: str, links: Links, password: str | None,
           name: str | None, acting: Acting) -> dict:
    """Take up a claim: a new provider account with ``password`` (or the provider's own
    account, who already has one), managing the listing from today. The link is spent.
    Returns the account."""
    claim = open_claim(store, token, links)
    if claim is None:
        raise NotFound("Claim", "this link")
    account = claim["account"]
    if account is not None and account["role"] != "provider":
        raise InvalidRecord([("email", STAFF_ADDRESS)])
    if account is None:
        accounts.check_new_password(password or "", claim["email"], name or "")
    if not graph.spend_claim(store, claim["id"], _hash(token), clock.now_iso()):
        raise NotFound("Claim", "this link")  # used a moment ago, or just expired
    if account is None:
        account = accounts.new_provider(store, claim["email"], name or claim.get("name"),
                                        password or "", claim.get("language"))
    graph.add_manager(store, account["id"], claim["listing_label"], claim["listing_id"],
                      clock.today().isoformat(), claim["how"])
    acting.record("claim", claim["listing_id"], record_type=claim["listing_label"],
                  detail=f"{account['id']} manages it from today ({claim['how']})")
    return account


def managed(store: GraphStore, user_id: str) -> list[dict]:
    """A provider's listings, each with its sessions (a group's activities, a place's)."""
    mine = graph.managed(store, user_id)
    for label in ("Group", "Place"):
        owned = [item for item in mine if item["label"] == label]
        sessions = graph.sessions_of(store, label, [item["id"] for item in owned])
        for item in owned:
            item["sessions"] = sorted(
                (s for s in sessions if s["owner"] == item["id"]),
                key=lambda s: (WEEKDAYS.index(s["weekday"]) if s.get("weekday") else 7,
                               s.get("start") or "", s["name"]))
    return mine


def check(store: GraphStore, user_id: str, label: str, node_id: str) -> None:
    """:class:`NotFound` unless ``user_id`` manages the listing (as if it were not there:
    a provider learns nothing of listings that are not theirs)."""
    if label not in SLUGS or not graph.manages(store, user_id, label, node_id):
        raise NotFound(label, node_id)


def update(store: GraphStore, user_id: str, label: str, node_id: str,
           changes: dict[str, Any], instance_path: Path, acting: Acting,
           **link_ids: str | None) -> dict:
    """A provider changes their listing: checked today, by its provider."""
    check(store, user_id, label, node_id)
    changed = directory.update(store, directory.repository(label), node_id, changes,
                               instance_path, "provider", **link_ids)
    acting.record("update", node_id, record_type=label, detail="by its provider")
    return changed


def add_session(store: GraphStore, user_id: str, group_id: str, data: dict[str, Any],
                instance_path: Path, acting: Acting, place_id: str | None = None) -> dict:
    """Another session of a provider's group (held at ``place_id``, or without a venue)."""
    check(store, user_id, "Group", group_id)
    group = listing(store, "Group", group_id)
    made = directory.create(store, directory.REPOSITORIES["activities"], data, instance_path,
                            "provider", group_id=group_id, place_id=place_id,
                            recorded_by_id=group["recorded_by"])
    acting.record("create", made["id"], record_type="Activity", detail="by its provider")
    return made


def end_session(store: GraphStore, user_id: str, activity_id: str, on: date,
                instance_path: Path, acting: Acting) -> dict:
    """The session stops for good on ``on`` (today or later; it leaves the finder then)."""
    if on < clock.today():
        raise InvalidRecord([("ended_on", Problem(N_("must be today or later")))])
    return update(store, user_id, "Activity", activity_id, {"ended_on": on.isoformat()},
                  instance_path, acting)


def cancel_date(store: GraphStore, user_id: str, activity_id: str, day: date,
                instance_path: Path, acting: Acting, cancelled: bool = True) -> dict:
    """The session does not happen on ``day`` ("not on 24 December"), or does after all."""
    check(store, user_id, "Activity", activity_id)
    current = directory.repository("Activity").get(store, activity_id)
    if cancelled and day < clock.today():
        raise InvalidRecord([("day", Problem(N_("must be today or later")))])
    weekday = current.get("weekday")
    if cancelled and weekday and WEEKDAYS[day.weekday()] != weekday:
        raise InvalidRecord([("day", Problem(N_("is not a day it meets: it meets on %(day)s"),
                                             day=Problem(WEEKDAY_NAMES[weekday])))])
    days = set(current.get("cancelled_dates") or [])
    days = days | {day.isoformat()} if cancelled else days - {day.isoformat()}
    today = clock.today().isoformat()
    kept = sorted(d for d in days if d >= today)  # past dates need not be kept
    return update(store, user_id, "Activity", activity_id, {"cancelled_dates": kept},
                  instance_path, acting)


def pause(store: GraphStore, user_id: str, group_id: str, paused: bool,
          instance_path: Path, acting: Acting) -> dict:
    """The group stops meeting for now (or starts again)."""
    return update(store, user_id, "Group", group_id,
                  {"paused_since": clock.today().isoformat() if paused else None},
                  instance_path, acting)


def confirm(store: GraphStore, user_id: str, label: str, node_id: str,
            acting: Acting) -> None:
    """A provider says their listing is still right: checked today (a group: its sessions
    too)."""
    check(store, user_id, label, node_id)
    directory.confirm(store, label, node_id, "provider")
    acting.record("confirm", node_id, record_type=label, detail="by its provider")


def confirm_link(links: Links, label: str, node_id: str) -> str:
    """A link that confirms a listing with one click (from a "still right?" reminder)."""
    token = links.signer("confirm").dumps({"label": label, "id": node_id})
    return links.url(f"/listings/confirm/{token}")


def confirmed_by_link(store: GraphStore, token: str, links: Links) -> dict | None:
    """The listing a confirm link is for, while it works; else None."""
    said = links.unsigned("confirm", token, CONFIRM_DAYS)
    if not isinstance(said, dict) or said.get("label") not in SLUGS:
        return None
    return graph.listing(store, said["label"], str(said.get("id")))


def confirm_by_link(store: GraphStore, token: str, links: Links, acting: Acting) -> dict:
    """Confirm the listing a reminder's link names (checked today, by its provider)."""
    found = confirmed_by_link(store, token, links)
    if found is None:
        raise NotFound("Listing", "this link")
    directory.confirm(store, found["label"], found["id"], "provider")
    acting.record("confirm", found["id"], record_type=found["label"],
                  detail="by its provider, through the reminder's link")
    return found
