"""Subject access (everything held about a person, with who accessed it) and erasure."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from assetmap import clock
from assetmap.audit import Acting, AuditLog
from assetmap.erasures import ErasureRegister
from assetmap.graph import subject
from assetmap.graph.store import GraphStore
from assetmap.i18n import N_, translate, translate_plural
from assetmap.model import ANALYSIS_FIELDS, now_iso
from assetmap.services import analysis

#: access history entries shown in an export: what was done, never other people's data
HISTORY_FIELDS = ("at", "action", "actor", "address", "detail")


def export(store: GraphStore, person_id: str, audit: AuditLog) -> dict[str, Any]:
    """Everything held about the person, grouped for a reader, with their access history.

    Every relationship that touches the person lands in exactly one group, by
    :func:`kind_of`; nothing is chosen by name, so a kind added to the model later is
    exported too."""
    held = subject.everything(store, person_id)
    person = held["person"]
    person.pop("location", None)  # the point made from lat/lon, which are shown
    analysed = {key: person.pop(key) for key in ANALYSIS_FIELDS["Person"] if key in person}
    grouped: dict[str, Any] = {"relationships": {}, "carers": [], "records": {},
                               "named_in_others_records": []}
    for row in held["touching"]:
        kind = kind_of(row)
        if kind == "records":
            grouped["records"].setdefault(row["labels"][0], []).append(row["record"])
        elif kind == "carers":
            grouped["carers"].append({"id": row["id"], "name": row["name"],
                                      **row["properties"]})
        elif kind == "named_in_others_records":
            grouped[kind].append({"type": row["type"], "from": row["labels"][0],
                                  **_without_ids(row["properties"])})
        else:
            grouped["relationships"].setdefault(row["type"], []).append(
                {"to": {"type": row["labels"][0], "id": row["id"], "name": row["name"]},
                 **row["properties"]})
    grouped["named_in_others_records"] += [{"type": "KEY_PERSON", "from": "Person"}] * held[
        "key_person_of"]
    # ids the record holds, named for a reader: their areas, and their key person (who is
    # in their circle, so named in it already)
    named = {row["id"]: row["name"] for row in held["touching"]
             if row["out"] and row["type"] in ("KNOWS", "IN_AREA") and row["name"]}
    records = grouped.pop("records")
    return {
        "exported_at": now_iso(),
        "person": person,
        "kinds": [label for label in held["labels"] if label != "Person"],
        **grouped,
        "what_matters": records.pop("WhatMatters", []),
        "lsns6_questionnaires": records.pop("Lsns6Response", []),
        "consents": records.pop("Consent", []),
        "other_records": records,
        "analysis": analysed,
        "named": {key: named[key] for key in (person.get("area"), person.get("ward"),
                                              analysed.get("key_person_id")) if key in named},
        "access_history": [{key: entry[key] for key in HISTORY_FIELDS}
                           for entry in audit.search(record_id=person_id)],
    }


def kind_of(relationship: dict[str, Any]) -> str:
    """Which part of a subject access export a relationship touching the person belongs to
    (the one rule):

    - ``relationships``: it goes out from the person (their circle, groups, activities,
      areas, organisations): their own record, with whom it names;
    - ``records``: a record about them (``ABOUT``): what matters, LSNS-6, consents;
    - ``carers``: someone caring for them, recorded on their page: named;
    - ``named_in_others_records``: anything else pointing at them is someone else's record
      (a person who counts them in their circle): only what it says, not whose it is.

    >>> kind_of({"type": "KNOWS", "out": False})
    'named_in_others_records'
    """
    if relationship["out"]:
        return "relationships"
    if relationship["type"] == "ABOUT":
        return "records"
    if relationship["type"] == "CARES_FOR":
        return "carers"
    return "named_in_others_records"


def _without_ids(properties: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in properties.items() if k not in ("consent_id", "by")}


def erase(store: GraphStore, person_id: str, acting: Acting, register: ErasureRegister,
          recompute: bool = True, detail: str | None = None) -> dict[str, Any]:
    """Erase the person (and placeholders a package brought that nobody else has), down to
    the database's files; register the erasure so no restore or package brings them
    back, and audit it. Then reassess the people who were tied to them and (unless told
    not to) rerun the community analysis, so no stored figure still counts them."""
    placeholders = subject.placeholders_only_of(store, person_id)
    former = [other for other in subject.neighbours(store, person_id)
              if other not in placeholders]
    register.add([person_id, *placeholders])  # first: a failed erasure is retried, not lost
    gone = subject.erase(store, person_id, placeholders)
    acting.record("erase", person_id, detail=detail)
    acting.record("erase", placeholders, detail=f"placeholder only in the circle of {person_id}")
    store.forget_deleted()
    for other in former:
        analysis.assess_person(store, other, write=True)
    summary: dict[str, Any] = {**gone, "reassessed": len(former)}
    if recompute:
        summary["analysis_run"] = analysis.run_analysis(store)["run_id"]
    return summary


def replay_erasures(store: GraphStore, acting: Acting, register: ErasureRegister) -> list[str]:
    """Erase again everyone the register names who is in the graph (after a restore from
    a backup made before their erasure); returns their ids. The caller reruns analysis."""
    again = register.erased_among(subject.person_ids(store))
    for person_id in again:
        if store.run_read("MATCH (p:Person {id: $id}) RETURN p.id AS id", id=person_id):
            erase(store, person_id, acting, register, recompute=False,
                  detail="erased again: restored from a backup made before the erasure")
    return again


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


def due_for_review(store: GraphStore, organisation_id: str, days: int
                   ) -> tuple[list[dict], int]:
    """The organisation's people whose record has not changed for ``days`` days: changed
    before this moment ``days`` days ago (0: everyone); the oldest 500, and how many in
    all. An organisation that does not exist is :class:`NotFound`, never "none due"."""
    from assetmap.services import organisations

    organisations.get(store, organisation_id)
    before = (clock.now() - timedelta(days=days)).isoformat()
    return subject.untouched_since(store, organisation_id, before)
