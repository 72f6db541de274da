"""People records for connectors: who may see whom, the circle, "what matters", referrals.

:func:`can_see` is the one access rule for a person record; every page and API route that
shows or changes a person asks it first (through ``fetch_person`` in the web layer).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from assetmap import clock
from assetmap.analysis.reasons import Reason, describe
from assetmap.audit import Acting
from assetmap.graph import assets, consents, people, ties
from assetmap.graph.nodes import NotFound
from assetmap.graph.store import GraphStore
from assetmap.i18n import N_, Problem, translate
from assetmap.model import InvalidRecord, Person
from assetmap.services import analysis, areas

#: what adding someone to a circle without naming or choosing them is told
NAME_OR_CHOOSE = N_("give the name of the person, or choose someone recorded")
#: days from a referral to its follow-up, unless the connector says otherwise
FOLLOW_UP_DAYS = 14
#: how a suggested person joins the circle when invited (how often they will be in touch
#: and how close they become are recorded later, when known)
INVITED_TIES = {
    "volunteer": {"relation": "volunteer", "circle": 3},
    "person": {"relation": "friend", "circle": 3},
}


__all__ = ["NotAllowed", "NotFound", "Viewer"]  # NotFound: what a missing record raises


class NotAllowed(Exception):
    """The caller's organisation may not do this to the record (a 403 on pages and the
    API); ``args[0]`` is a :class:`Problem` saying why."""


@dataclass(frozen=True)
class Viewer:
    """Who is asking: a signed-in user's id, role and organisation."""

    user_id: str
    role: str
    organisation_id: str | None


def can_see(store: GraphStore, viewer: Viewer, person_id: str) -> bool:
    """A connector sees the people their organisation recorded or that are shared with it.

    Coordinators see areas, not people; admins manage accounts, not people. Raises
    :class:`NotFound` when there is no such person.
    """
    held_by = people.organisations(store, person_id, today().isoformat())
    if viewer.role != "connector" or not viewer.organisation_id:
        return False
    return viewer.organisation_id in held_by["recorded_by"] + held_by["shared_with"]


def is_recorder(store: GraphStore, viewer: Viewer, person_id: str) -> bool:
    """The viewer's organisation recorded the person: only it may erase the record."""
    return viewer.role == "connector" and viewer.organisation_id in people.organisations(
        store, person_id, today().isoformat())["recorded_by"]


def homes_for_map(store: GraphStore, viewer: Viewer, ids: list[str]) -> dict[str, tuple]:
    """The homes (to be rounded on a map) of those of ``ids`` whose record the viewer's
    organisation may see: nobody else's home is ever drawn, not even roughly."""
    visible = people.visible_to(store, viewer.organisation_id or "", ids,
                                today().isoformat())
    return people.homes(store, [i for i in ids if i in visible])


# -- reads for the pages and the API (the caller has checked the viewer may see them) ------


def get(store: GraphStore, person_id: str) -> dict[str, Any]:
    """The person's record; :class:`NotFound` when there is none."""
    return people.repo.get(store, person_id)


#: the orders a list of people can be read in
ORDERS = tuple(people.ORDERS)


def for_organisation(store: GraphStore, organisation_id: str, text: str | None, skip: int,
                     limit: int, carers_only: bool = False,
                     order: str = "name") -> tuple[list[dict], int]:
    """A page of the people the organisation may see, in ``order`` (one of
    :data:`ORDERS`: by name, at risk first, most hours of care first), and how many."""
    return people.for_organisation(store, organisation_id, text, skip, limit,
                                   carers_only=carers_only, order=order)


def carers_of(store: GraphStore, person_id: str) -> dict[str, Any]:
    return people.carers_of(store, person_id)


def conversations(store: GraphStore, person_id: str) -> list[dict]:
    return people.conversations(store, person_id)


def conversation(store: GraphStore, person_id: str, conversation_id: str) -> dict:
    """One "what matters" conversation about the person; NotFound if not theirs."""
    return _conversation_of(store, person_id, conversation_id)


def consents_about(store: GraphStore, person_id: str) -> list[dict]:
    return consents.about(store, person_id)


def referrals(store: GraphStore, person_id: str) -> list[dict]:
    return people.referrals(store, person_id)


def network_of(store: GraphStore, organisation_id: str, day: str
               ) -> tuple[list[dict], list[dict]]:
    """The people the organisation may see on ``day`` and the ties among them (for the
    pseudonymised GraphML export)."""
    return people.network_of(store, organisation_id, day)


def where_held(store: GraphStore, ids: list[str]) -> dict[str, dict]:
    """Where each activity or group of ``ids`` meets (for the suggestions map)."""
    return assets.where_held(store, ids)


def today() -> date:
    return clock.today()


def active_consent(store: GraphStore, person_id: str, organisation_id: str,
                   purpose: str) -> dict | None:
    """The person's consent for ``purpose`` to the organisation in force today, if any."""
    return consents.active(store, person_id, organisation_id, purpose, today().isoformat())


def default_follow_up() -> str:
    return (today() + timedelta(days=FOLLOW_UP_DAYS)).isoformat()


def tie_id(person_id: str, other_id: str) -> str:
    """A tie's id in URLs and the API: ``person~other`` ('~' is never in a node id)."""
    return f"{person_id}~{other_id}"


def split_tie_id(value: str) -> tuple[str, str]:
    person_id, sep, other_id = value.partition("~")
    if not sep or not person_id or not other_id:
        raise NotFound("KNOWS", value)
    return person_id, other_id


def circle(store: GraphStore, person_id: str) -> list[dict[str, Any]]:
    """The person's ties, each with the other person's name and the tie's id, by circle."""
    rows = people.circle(store, person_id)
    return sorted(
        ({"id": tie_id(person_id, row["target"]["id"]), "person_id": row["target"]["id"],
          "name": row["target"]["name"], **row["tie"]} for row in rows),
        key=lambda tie: (tie["circle"], tie["name"]),
    )


def create(store: GraphStore, values: dict[str, Any], organisation_id: str,
           acting: Acting, instance_path: Path) -> dict[str, Any]:
    """Record a person for the organisation (the form and the API): their home point and
    areas by the one rule (:func:`assetmap.services.areas.locate`), audited."""
    values = areas.locate(store, Person, values, instance_path)
    person = people.repo.create(store, values, organisation_id=organisation_id)  # and areas
    acting.record("create", person["id"])
    return person


def update(store: GraphStore, person_id: str, changes: dict[str, Any],
           instance_path: Path) -> dict[str, Any]:
    """Change a person's fields (``None`` removes one); a new postcode or typed point
    moves their home and areas. The caller has checked they may."""
    changes = areas.locate(store, Person, changes, instance_path,
                           current=people.repo.get(store, person_id))
    updated = people.repo.update(store, person_id, changes)
    if "area" in changes:
        areas.link(store, "Person", updated)
    return updated


def add_tie(
    store: GraphStore, person_id: str, tie: dict[str, Any], *, acting: Acting,
    other_id: str | None = None, new_person: dict[str, Any] | None = None,
    organisation_id: str | None = None,
) -> dict[str, Any]:
    """Add someone to the circle: a person already recorded (``other_id``) or someone new
    (``new_person``, recorded by ``organisation_id``; ``acting`` audits the creation) -
    each one statement."""
    if other_id:
        ties.create(store, "KNOWS", ("Person", person_id), ("Person", other_id), tie)
        circle_changed(store, person_id)
        return {"person_id": other_id, "id": tie_id(person_id, other_id)}
    if not new_person or not new_person.get("name"):
        raise InvalidRecord([("name", Problem(NAME_OR_CHOOSE))])
    created = _created(acting, people.create_in_circle(
        store, person_id, new_person, tie, organisation_id or ""), f"in the circle of {person_id}")
    circle_changed(store, person_id)
    return {"person_id": created["id"], "id": tie_id(person_id, created["id"])}


def _created(acting: Acting, person: dict[str, Any], where: str) -> dict[str, Any]:
    acting.record("create", person["id"], detail=where)
    return person


def add_carer(
    store: GraphStore, person_id: str, care: dict[str, Any], *, acting: Acting,
    carer_id: str | None = None, new_carer: dict[str, Any] | None = None,
    organisation_id: str | None = None,
) -> str:
    """Record who cares for the person: someone already recorded (``carer_id``) or someone
    new (``new_carer``, recorded by ``organisation_id``); returns the carer's id. Caring
    marks the carer's own record, so a carer recorded by another organisation cannot be
    chosen (they record the care on their side)."""
    if carer_id:
        if organisation_id and organisation_id not in people.organisations(
                store, carer_id, today().isoformat())["recorded_by"]:
            raise NotAllowed(Problem(N_(
                "the carer's record belongs to another organisation: only it can record "
                "that they care for someone")))
        people.add_carer(store, carer_id, person_id, care)
        circle_changed(store, person_id, carer_id)
        return carer_id
    if not new_carer or not new_carer.get("name"):
        raise InvalidRecord([("name", Problem(N_(
            "give the name of the carer, or choose someone recorded")))])
    carer = _created(acting, people.create_in_circle(
        store, person_id, new_carer, care, organisation_id or "", "CARES_FOR"),
        f"carer of {person_id}")["id"]
    circle_changed(store, person_id, carer)
    return carer


def circle_changed(store: GraphStore, person_id: str, *others: str) -> None:
    """After a change to a circle or to care: the record is marked changed, and the person
    (and ``others`` it touched: a carer) are assessed again and stored."""
    people.touch(store, person_id)
    for changed in (person_id, *others):
        analysis.assess_person(store, changed, write=True)


def end_care(store: GraphStore, carer_id: str, person_id: str) -> dict[str, Any]:
    """End the caring; returns what it was (hours, since), for an undo."""
    had = ties.delete(store, "CARES_FOR", ("Person", carer_id), ("Person", person_id))
    circle_changed(store, person_id, carer_id)
    return had


def update_tie(store: GraphStore, person_id: str, other_id: str,
               changes: dict[str, Any]) -> dict[str, Any]:
    updated = ties.update(store, "KNOWS", ("Person", person_id), ("Person", other_id), changes)
    circle_changed(store, person_id)
    return updated


def end_tie(store: GraphStore, person_id: str, other_id: str) -> dict[str, Any]:
    """End the tie; returns what it was (relation, circle...), for an undo."""
    had = ties.delete(store, "KNOWS", ("Person", person_id), ("Person", other_id))
    circle_changed(store, person_id)
    return had


def record_what_matters(store: GraphStore, person_id: str, data: dict[str, Any],
                        recorded_by: str) -> dict:
    """A dated "what matters" conversation, recorded by the signed-in user (with it,
    their circle as recorded can be assessed: they are assessed again)."""
    recorded = people.what_matters.create(
        store, {**data, "person_id": person_id, "recorded_by": recorded_by}, about=person_id)
    analysis.assess_person(store, person_id, write=True)
    return recorded


def _conversation_of(store: GraphStore, person_id: str, conversation_id: str) -> dict:
    """The "what matters" conversation, if it is about this person (else NotFound)."""
    found = people.what_matters.get(store, conversation_id)
    if found.get("person_id") != person_id:
        raise NotFound("WhatMatters", conversation_id)
    return found


def correct_what_matters(store: GraphStore, person_id: str, conversation_id: str,
                         changes: dict[str, Any]) -> dict:
    """Correct a conversation's date or answers (who recorded it stays)."""
    _conversation_of(store, person_id, conversation_id)
    corrected = people.what_matters.update(store, conversation_id, changes)
    analysis.assess_person(store, person_id, write=True)
    return corrected


def delete_what_matters(store: GraphStore, person_id: str, conversation_id: str) -> None:
    """Delete a conversation recorded in error; the person is assessed again without it."""
    _conversation_of(store, person_id, conversation_id)
    people.what_matters.delete(store, conversation_id)
    analysis.assess_person(store, person_id, write=True)


def invite(store: GraphStore, person_id: str, candidate_id: str, kind: str,
           acting: Acting) -> dict[str, Any]:
    """Bring a suggested volunteer or person into the circle (circle 3, to adjust later)."""
    if kind not in INVITED_TIES:
        raise InvalidRecord([("kind", Problem(N_("must be one of %(choices)s"),
                                              choices=", ".join(INVITED_TIES)))])
    tie = {**INVITED_TIES[kind], "since": today().isoformat()}
    return add_tie(store, person_id, tie, other_id=candidate_id, acting=acting)


def refer(store: GraphStore, person_id: str, target_id: str, by: str,
          follow_up: str | None = None, status: str = "suggested",
          note: str | None = None) -> dict:
    """Refer the person to an activity or group (a referral with date, who, status,
    follow-up date - two weeks on unless given - and a note)."""
    label = people.referral_target(store, target_id)
    made = ties.create(store, "REFERRED_TO", ("Person", person_id), (label, target_id), {
        "date": today().isoformat(), "by": by, "status": status,
        "follow_up": follow_up or default_follow_up(), "note": note,
    })
    people.touch(store, person_id)
    return made


def follow_ups_due(store: GraphStore, viewer: Viewer) -> list[dict]:
    """The viewer's open referrals whose follow-up is today or past, of people they may
    still see (a share that ended takes its people out)."""
    rows = people.open_referrals_by(store, viewer.user_id, today().isoformat())
    return [row for row in rows if can_see(store, viewer, row["person_id"])]


def update_referral(store: GraphStore, person_id: str, target_id: str,
                    changes: dict[str, Any]) -> dict:
    label = people.referral_target(store, target_id)
    updated = ties.update(store, "REFERRED_TO", ("Person", person_id), (label, target_id),
                          changes)
    people.touch(store, person_id)
    return updated


def check_may_change(store: GraphStore, viewer: Viewer, person_id: str) -> None:
    """The record belongs to the organisation that recorded the person: only its
    connectors change it (details, circle, care, referrals, "what matters", consents,
    erasure) or export it. An organisation it is shared with reads it while the share
    lasts, and can neither change it, share it on nor touch any consent."""
    if not is_recorder(store, viewer, person_id):
        raise NotAllowed(Problem(N_("this record is shared with your organisation to read: "
                                    "only the organisation that recorded this person can "
                                    "change or export it")))


def record_consent(store: GraphStore, viewer: Viewer, person_id: str,
                   data: dict[str, Any]) -> dict:
    """Record a consent about the person (by the recording organisation, see
    :func:`check_may_change`); a consent to share with an organisation gives that
    organisation access from then on."""
    check_may_change(store, viewer, person_id)
    return consents.record(store, {**data, "person_id": person_id,
                                   "recorded_by": viewer.user_id})


def withdraw_consent(store: GraphStore, viewer: Viewer, person_id: str,
                     consent_id: str) -> dict:
    """Withdraw today (the recording organisation only): sharing that rested on the
    consent ends at once."""
    check_may_change(store, viewer, person_id)
    if consents.get(store, consent_id).get("person_id") != person_id:
        raise NotFound("Consent", consent_id)
    return consents.withdraw(store, consent_id, today().isoformat())


#: what a suggestion of someone the viewer may not see says about them: each reason
#: becomes one that names nothing (no interests, skills, times, groups, distances)
UNNAMED_REASONS = {
    "shares_interests": "shares_an_interest", "skills_meet_needs": "could_help",
    "gift_meets_need": "could_help", "available_when_free": "free_at_the_same_times",
    "within_radius": "within_travel_radius", "has_capacity": "has_room",
    "mutual_friends": "knows_people_they_know", "shared_groups": "in_a_shared_group",
    "exchange_both_ways": "exchange_both_ways",
}
UNNAMED_VOLUNTEER = N_("A volunteer")
UNNAMED_PERSON = N_("Someone nearby who is open to connect")


def distance_band(distance_km: float | None) -> str | None:
    """How far, in a band (``assetmap.names.DISTANCE_BAND_NAMES``), not to the metre.

    >>> distance_band(1.2), distance_band(4.9), distance_band(7), distance_band(30)
    ('under_2', '2_to_5', '5_to_10', '10_plus')
    """
    if distance_km is None:
        return None
    for top, band in ((2, "under_2"), (5, "2_to_5"), (10, "5_to_10")):
        if distance_km < top:
            return band
    return "10_plus"


def _name_the_people_in_reasons(store: GraphStore, person_id: str,
                                found: list[dict[str, Any]]) -> None:
    """A reason that names someone by id ("{giver} can offer...") names them in words:
    the person themselves, or the one suggested."""
    own_name = people.repo.get(store, person_id)["name"]
    for suggestion in found:
        names = {person_id: own_name, suggestion["id"]: suggestion["name"]}
        for reason in suggestion["reasons"]:
            params = reason["params"]
            if any(isinstance(v, str) and v in names for v in params.values()):
                reason["params"] = {k: names.get(v, v) if isinstance(v, str) else v
                                    for k, v in params.items()}
                reason["text"] = describe(Reason(reason["code"], reason["params"]))


def suggestions_for(
    store: GraphStore, viewer: Viewer, person_id: str, limit: int = 10,
    max_cost_pence: int | None = None,
) -> list[dict[str, Any]]:
    """Suggestions as the viewer may see them. A person whose record the viewer's
    organisation may not see is not named ("A volunteer"), carries no id to invite by,
    says how far away only in a band and why only in words that name nothing about them,
    and says which organisation could introduce them."""
    found = analysis.suggest(store, person_id, limit, max_cost_pence)
    _name_the_people_in_reasons(store, person_id, found)
    people_ids = [s["id"] for s in found if s["kind"] in ("person", "volunteer")]
    if not people_ids:
        return found
    visible = people.visible_to(store, viewer.organisation_id or "", people_ids,
                                today().isoformat())
    hidden = [pid for pid in people_ids if pid not in visible]
    who = people.introducers(store, hidden) if hidden else {}
    for suggestion in found:
        if suggestion["id"] not in hidden:
            continue
        name = UNNAMED_VOLUNTEER if suggestion["kind"] == "volunteer" else UNNAMED_PERSON
        codes = dict.fromkeys(UNNAMED_REASONS[r["code"]] for r in suggestion["reasons"]
                              if r["code"] in UNNAMED_REASONS)
        suggestion.update(
            name=name, name_cy=translate(name, "cy"), id=None,
            introduced_by=who.get(suggestion["id"], {}).get("organisation"),
            distance_band=distance_band(suggestion.pop("distance_km", None)),
            distance_km=None,
            reasons=[{"code": code, "params": {}, "text": describe(Reason(code))}
                     for code in codes],
        )
    return found
