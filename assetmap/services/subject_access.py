"""Subject access (everything held about a person, with who accessed it) and erasure."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from assetmap.audit import AuditLog
from assetmap.graph import subject
from assetmap.graph.store import GraphStore
from assetmap.i18n import N_, translate, translate_plural
from assetmap.model import ANALYSIS_FIELDS, now_iso
from assetmap.services import analysis
from assetmap.services.people import today

#: access history entries shown in an export: what was done, never other people's data
HISTORY_FIELDS = ("at", "action", "actor", "address", "detail")


def export(store: GraphStore, person_id: str, audit: AuditLog) -> dict[str, Any]:
    """Everything held about the person, grouped for a reader, with their access history."""
    held = subject.everything(store, person_id)
    person = held["person"]
    analysed = {key: person.pop(key) for key in ANALYSIS_FIELDS["Person"] if key in person}
    records: dict[str, list[dict]] = {}
    for row in held["records"]:
        records.setdefault(row["label"], []).append(row["record"])
    relationships: dict[str, list[dict]] = {}
    for row in held["outgoing"]:
        relationships.setdefault(row["type"], []).append(
            {"to": {"type": row["label"], "id": row["id"], "name": row["name"]},
             **row["properties"]})
    return {
        "exported_at": now_iso(),
        "person": person,
        "kinds": [label for label in held["labels"] if label != "Person"],
        "relationships": relationships,
        "carers": [{"id": row["id"], "name": row["name"], **row["properties"]}
                   for row in held["carers"]],
        "named_in_others_records": [
            {"type": row["type"], "from": row["label"], **_without_ids(row["properties"])}
            for row in held["incoming"]
        ],
        "what_matters": records.get("WhatMatters", []),
        "lsns6_questionnaires": records.get("Lsns6Response", []),
        "consents": records.get("Consent", []),
        "analysis": analysed,
        "access_history": [{key: entry[key] for key in HISTORY_FIELDS}
                           for entry in audit.search(record_id=person_id)],
    }


def _without_ids(properties: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in properties.items() if k not in ("consent_id", "by")}


def erase(store: GraphStore, person_id: str, recompute: bool = True) -> dict[str, Any]:
    """Erase the person; then reassess the people who were tied to them and (unless told
    not to) rerun the community analysis, so no stored figure still counts them."""
    former = subject.neighbours(store, person_id)
    gone = subject.erase(store, person_id)
    for other in former:
        analysis.assess_person(store, other, write=True)
    summary: dict[str, Any] = {**gone, "reassessed": len(former)}
    if recompute:
        summary["analysis_run"] = analysis.run_analysis(store)["run_id"]
    return summary


def erasure_words(summary: dict[str, Any], language: str) -> str:
    """What an erasure removed, in words: "3 ties to other people and 1 record about
    them" (the person's link to their organisation is no tie)."""
    return translate(
        N_("%(ties)s and %(records)s"), language,
        ties=translate_plural("%(num)s tie to another person",
                              "%(num)s ties to other people", summary["ties"], language),
        records=translate_plural("%(num)s record about them",
                                 "%(num)s records about them", summary["records"],
                                 language))


def due_for_review(store: GraphStore, organisation_id: str, days: int) -> list[dict]:
    """The organisation's people whose record has not changed for ``days`` days."""
    before = (today() - timedelta(days=days)).isoformat()
    return subject.untouched_since(store, organisation_id, before)
