"""The outbox: every message assetmap sends is written here first, in its reader's
language, and handed to the mail server by :mod:`assetmap.mailer` (at once, and again by
``assetmap mail send-pending`` while the server is down). Nothing is lost when the server
is away, and nothing is kept once the message has gone: its address and words are wiped.

Each kind of message is one template, ``web/templates/email/<kind>.html``, with three
blocks: ``subject``, ``text`` (the plain-text body) and ``body`` (the HTML body, which
``email/_layout.html`` wraps). Its words go through the catalogue like any page's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from markupsafe import Markup

from assetmap import clock
from assetmap.graph import mail as outbox
from assetmap.graph.store import GraphStore
from assetmap.i18n import N_, Problem
from assetmap.model import InvalidRecord
from assetmap.reports import environment

#: every kind of message, and what it is (for ``assetmap mail status``)
KINDS = {
    "test": N_("a test message (assetmap mail test)"),
    "claim_link": N_("a link to claim a listing, sent to the listing's own address"),
    "claim_approved": N_("a request to look after a listing, approved: the link to take it up"),
    "claim_declined": N_("a request to look after a listing, declined"),
    "co_organiser_invite": N_("an invitation from a listing's provider to help keep it"),
    "freshness_check": N_("a reminder to a listing's provider: is it still right?"),
    "change_report_answer": N_("the answer to someone who reported a change to a listing "
                               "and left an address"),
    "shortlist": N_("a printable list of activities, sent to the person a connector is "
                    "helping (their address used once)"),
    "referral_followups": N_("a connector's referral follow-ups due today (how many, no names)"),
}
#: a message the server cannot take is tried again after 1, 2, 4... minutes (at most
#: every 6 hours), and given up after 3 days: long enough for a weekend's outage
MAX_DELAY_MINUTES = 360
GIVE_UP_AFTER = timedelta(days=3)
#: how long a sender may hold a message it is sending before another may take it
CLAIM = timedelta(minutes=5)
#: how long what is kept of sent messages stays, for ``assetmap mail status``
KEEP_SENT = timedelta(days=30)


@dataclass(frozen=True)
class Letter:
    """A message rendered for sending."""

    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class Links:
    """What a link in an e-mail needs: the site's address and the key links are signed
    with."""

    base_url: str
    secret: str

    def url(self, path: str) -> str:
        """The address of ``path`` on the site, for an e-mail."""
        if not self.base_url:
            raise InvalidRecord([("ASSETMAP_BASE_URL", Problem(N_(
                "is not set: an e-mail's links need the site's address, never one taken "
                "from a request")))])
        return self.base_url + path

    def signer(self, purpose: str) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self.secret, salt=f"assetmap-{purpose}")

    def unsigned(self, purpose: str, token: str, days: int) -> Any:
        """What a link's token for ``purpose`` says, while its signature holds and it is
        younger than ``days``; None for any other token (a long one is not even read)."""
        if len(token) > 500:
            return None
        try:
            return self.signer(purpose).loads(token, max_age=days * 86400)
        except BadSignature:
            return None


def language_of(preferred: str | None) -> str:
    """The language to write to someone in: theirs when known, else Welsh and English
    together, Welsh first (as the Welsh Language Standards ask of a bilingual message)."""
    return preferred if preferred in ("cy", "en") else "cy+en"


def render(kind: str, language: str, context: dict[str, Any]) -> Letter:
    """The message ``kind`` in ``language`` ("cy", "en" or "cy+en") with ``context``."""
    if kind not in KINDS:
        raise ValueError(f"no such kind of message: {kind!r}")
    parts = []
    for each in language.split("+"):
        env = environment(each)
        template = env.get_template(f"email/{kind}.html")
        scope = template.new_context({**context, "language": each,
                                      "named": lambda record, lang=each: _named(record, lang)})
        parts.append({name: "".join(template.blocks[name](scope)).strip()
                      for name in ("subject", "text", "body")} | {"language": each})
    html = environment(parts[0]["language"]).get_template("email/_layout.html").render(
        parts=[{**part, "body": Markup(part["body"])} for part in parts],  # noqa: S704 - our template's own output
        subject=" | ".join(part["subject"] for part in parts))
    return Letter(subject=" | ".join(part["subject"] for part in parts),
                  text="\n\n- - -\n\n".join(part["text"] for part in parts) + "\n",
                  html=html)


def _named(record: dict[str, Any], language: str) -> str:
    """A listing's name in ``language`` (its Welsh name in Welsh, when it has one)."""
    return (record.get("name_cy") if language == "cy" else None) or record.get("name") or ""


def queue(store: GraphStore, kind: str, to: str, language: str, context: dict[str, Any],
          about: str | None = None) -> dict:
    """Write the message ``kind`` to ``to`` into the outbox; returns it (send it with
    :func:`assetmap.mailer.deliver`)."""
    letter = render(kind, language, context)
    return outbox.repo.create(store, {
        "kind": kind, "to": to, "language": language, "subject": letter.subject,
        "text": letter.text, "html": letter.html, "next_attempt_at": clock.now_iso(),
        "about": about})


def claim_due(store: GraphStore, limit: int, only: str | None = None) -> list[dict]:
    """Waiting messages due now (or just ``only``), each claimed for one sender."""
    now = clock.now()
    until = _iso(now + CLAIM)
    if only:
        one = outbox.claim_one(store, only, _iso(now), until)
        return [one] if one else []
    return outbox.claim_due(store, _iso(now), until, limit)


def _iso(moment: datetime) -> str:
    """As every stored timestamp is written (to the second), so they compare as text."""
    return moment.isoformat(timespec="seconds")


def sent(store: GraphStore, message: dict) -> None:
    outbox.mark_sent(store, message["id"], clock.now_iso())


def not_sent(store: GraphStore, message: dict, error: str, permanent: bool = False) -> bool:
    """A try that failed: the message waits for the next (sooner at first, then less
    often), or is given up when ``permanent`` (an address the server refuses) or too old.
    Returns whether it will be tried again."""
    now = clock.now()
    delay = timedelta(minutes=min(2 ** message.get("attempts", 0), MAX_DELAY_MINUTES))
    too_old = now + delay - datetime.fromisoformat(message["created_at"]) > GIVE_UP_AFTER
    again = None if permanent or too_old else _iso(now + delay)
    outbox.mark_attempt(store, message["id"], error, again, _iso(now))
    return again is not None


def status(store: GraphStore) -> list[dict]:
    """Messages waiting, and those sent or given up on in the last 30 days, by kind."""
    since = clock.now() - KEEP_SENT
    outbox.forget_before(store, _iso(since))
    return outbox.tally(store, _iso(since))


def waiting(store: GraphStore) -> int:
    """How many messages wait to be sent."""
    return outbox.waiting(store)


def already_sent(store: GraphStore, kind: str, about: str, since: str) -> bool:
    """Whether a message of ``kind`` about ``about`` has been queued since ``since``."""
    return outbox.sent_about(store, kind, about, since)
