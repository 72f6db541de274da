"""Reports of a change: anyone says a listing is wrong ("it moved to Wednesdays"); the staff
of the organisation that recorded it (any staff, for a listing no one recorded) and its
providers review it. Accepting applies the change to the listing, which counts as checked
today by whoever reviewed it; rejecting changes nothing. A reporter who left an address
is told which, and the address is then wiped. Each step is audited.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assetmap import clock
from assetmap.audit import Acting
from assetmap.graph import providers as graph
from assetmap.graph.nodes import NotFound
from assetmap.graph.store import GraphStore
from assetmap.i18n import N_, Problem
from assetmap.model import InvalidRecord
from assetmap.services import directory, mail, providers


def report(store: GraphStore, label: str, node_id: str, what: str, reply_to: str | None,
           language: str | None, acting: Acting) -> dict:
    """Someone says the listing is wrong; returns the report."""
    found = providers.listing(store, label, node_id)
    made = graph.reports.create(store, {
        "listing_label": found["label"], "listing_id": found["id"], "what": what,
        "reply_to": reply_to or None, "language": language})
    acting.record("report", made["id"], record_type="ChangeReport",
                  detail=f"about {label} {node_id}")
    return made


def waiting(store: GraphStore, reviewer: Any) -> list[dict]:
    """The reports ``reviewer`` (a :class:`~assetmap.services.people.Viewer`) may review."""
    if reviewer.role == "provider":
        return graph.waiting_reports(store, provider_id=reviewer.user_id)
    return graph.waiting_reports(store, organisation_id=reviewer.organisation_id)


def for_review(store: GraphStore, reviewer: Any, report_id: str) -> dict:
    """A waiting report and its listing, if ``reviewer`` may review it (else
    :class:`NotFound`, as if there were none)."""
    for row in waiting(store, reviewer):
        if row["report"]["id"] == report_id:
            return row
    raise NotFound("ChangeReport", report_id)


def review(store: GraphStore, reviewer: Any, report_id: str, accept: bool,
           changes: dict[str, Any], links: dict[str, str | None], answer: str | None,
           instance_path: Path, acting: Acting) -> dict | None:
    """Accept (``changes`` and ``links`` applied to the listing, which is checked today by
    the reviewer) or reject the report. Returns the queued answer to the reporter, if they
    left an address."""
    row = for_review(store, reviewer, report_id)
    found = row["listing"]
    label = row["report"]["listing_label"]
    if accept and reviewer.role == "provider":
        providers.update(store, reviewer.user_id, label, found["id"], changes, instance_path,
                         acting, **links)
    elif accept:
        directory.update(store, directory.repository(label), found["id"],
                         changes, instance_path, "staff", **links)
    elif not (answer or "").strip() and row["report"].get("reply_to"):
        raise InvalidRecord([("answer", Problem(N_(
            "say why, for the person who reported it: they left an address for a reply")))])
    report = row["report"]
    graph.reports.update(store, report_id, {
        "status": "accepted" if accept else "rejected", "reviewed_by": reviewer.user_id,
        "reviewed_at": clock.now_iso(), "answer": answer or None})
    acting.record("review", report_id, record_type="ChangeReport",
                  detail="accepted: the listing changed" if accept else "rejected")
    if not report.get("reply_to"):
        return None
    message = mail.queue(store, "change_report_answer", report["reply_to"],
                         mail.language_of(report.get("language")),
                         {"listing": found, "accepted": accept, "answer": answer,
                          "what": report["what"]}, about=report_id)
    graph.reports.update(store, report_id, {"reply_to": None})  # used once, then wiped
    return message
