"""People, their circles, assessments, suggestions and referrals as JSON (connectors)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import g, request, url_for
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field

from assetmap.model import Consent, Id, Knows, Name, Person, ReferralStatus, Text
from assetmap.services import analysis, people, subject_access
from assetmap.web import auditing, jobs
from assetmap.web.api.auth import BEARER, api_user, caller, person_for
from assetmap.web.api.collections import collection
from assetmap.web.api.errors import ErrorList
from assetmap.web.api.schemas import Collection, LanguageQuery, PageQuery, only, partial
from assetmap.web.db import get_store, instance_path

api = APIBlueprint("api_people", __name__, url_prefix="/api/v1",
                   abp_tags=[Tag(name="people", description="People and circles (connectors)")],
                   abp_security=BEARER,
                   abp_responses={401: ErrorList, 403: ErrorList})

# the id is always made here: a chosen one would tell whether another organisation's
# person has it
PersonCreate = only(Person, "PersonCreate", exclude=(*Person.set_by_consent, "id"))
PersonChanges = partial(Person, "PersonChanges", exclude=Person.set_by_consent)
TieChanges = partial(Knows, "TieChanges")


class PersonPath(BaseModel):
    person_id: Id


class TiePath(BaseModel):
    tie_id: str = Field(max_length=170, description="'<person id>~<other person id>'")


class TieCreate(Knows):
    """A tie to someone already recorded (``other_id``) or someone new (``name``)."""

    other_id: Id | None = None
    name: Name | None = None


class ReferralCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    target_id: Id = Field(description="an activity or group")
    follow_up: date | None = None
    status: ReferralStatus = "suggested"
    note: Text | None = None


class SuggestionQuery(LanguageQuery):
    limit: int = Field(10, ge=1, le=100)
    max_cost_pence: int | None = Field(None, ge=0, le=100_000)


#: reads only the recording organisation makes (the access history names its staff);
#: every change is the recording organisation's too (people.check_may_change)
RECORDER_READS = ("api_people.export_person",)


@api.before_request
def connectors_only() -> None:
    """Checked before the body is read: without a token the answer is 401, and a person
    the caller may not see is 403 whatever the body holds (never 422 first)."""
    viewer = api_user("connector")
    arguments = request.view_args or {}
    person_id = arguments.get("person_id")
    if "tie_id" in arguments:
        person_id = people.split_tie_id(arguments["tie_id"])[0]
    if person_id:
        changes = request.method not in ("GET", "HEAD") or request.endpoint in RECORDER_READS
        g.person = person_for(viewer, person_id, log=not changes)
        if changes:
            try:  # 403, never 422 first
                people.check_may_change(get_store(), viewer, person_id)
            except people.NotAllowed:
                auditing.refused(person_id)
                raise
            auditing.log_access(person_id)


def _viewer() -> people.Viewer:
    return caller()



@api.get("/people", responses={200: Collection})
def list_people(query: PageQuery) -> Any:
    """People recorded by the caller's organisation or shared with it, by name."""
    viewer = _viewer()
    found, total = people.for_organisation(
        get_store(), viewer.organisation_id or "", query.q,
        (query.page - 1) * query.per_page, query.per_page)
    return collection(found, total, query.page, query.per_page)


@api.post("/people", responses={201: Person, 422: ErrorList})
def create_person(body: PersonCreate) -> Any:  # type: ignore[valid-type]
    """Record a person (recorded by the caller's organisation). Without lat/lon, the home
    point comes from the postcode."""
    viewer = _viewer()
    created = people.create(get_store(), body.model_dump(exclude_none=True),  # type: ignore[attr-defined]
                            viewer.organisation_id or "", auditing.acting(), instance_path())
    return created, 201, {"Location": url_for(".get_person", person_id=created["id"])}


@api.get("/people/<person_id>", responses={200: Person, 404: ErrorList})
def get_person(path: PersonPath) -> Any:
    return g.person


@api.patch("/people/<person_id>", responses={200: Person, 404: ErrorList, 422: ErrorList})
def update_person(path: PersonPath, body: PersonChanges) -> Any:  # type: ignore[valid-type]
    """Change some fields; ``null`` removes one. A new postcode moves the home point."""
    return people.update(get_store(), path.person_id,
                         body.model_dump(exclude_unset=True),  # type: ignore[attr-defined]
                         instance_path())


@api.delete("/people/<person_id>", responses={204: None, 404: ErrorList})
def delete_person(path: PersonPath) -> Any:
    """Erase the person: every tie to them and every record about them go; others'
    assessments and the area figures are recomputed. Only the recording organisation
    (checked with every change, in ``connectors_only``)."""
    subject_access.erase(get_store(), path.person_id, auditing.acting(),
                         auditing.erasure_register(), recompute=False)
    store = get_store()
    jobs.analyse_in_background(store)
    return "", 204


@api.get("/people/<person_id>/export")
def export_person(path: PersonPath) -> Any:
    """Subject access: everything held about the person, with their access history."""
    held = subject_access.export(get_store(), path.person_id, auditing.audit_log())
    auditing.log("export", path.person_id)
    return held


@api.get("/people/<person_id>/ties")
def list_ties(path: PersonPath) -> Any:
    """The person's ties, by circle; each tie's ``id`` is what ``DELETE /ties/{id}`` takes."""
    return {"items": people.circle(get_store(), path.person_id)}


@api.post("/people/<person_id>/ties", responses={201: None, 422: ErrorList})
def create_tie(path: PersonPath, body: TieCreate) -> Any:
    viewer = _viewer()
    tie = body.model_dump(exclude={"other_id", "name"}, exclude_none=True)
    if body.other_id:
        person_for(viewer, body.other_id)
    created = people.add_tie(get_store(), path.person_id, tie, other_id=body.other_id,
                             new_person={"name": body.name} if body.name else None,
                             organisation_id=viewer.organisation_id,
                             acting=auditing.acting())
    return created, 201



@api.patch("/ties/<tie_id>", responses={404: ErrorList, 422: ErrorList})
def update_tie(path: TiePath, body: TieChanges) -> Any:  # type: ignore[valid-type]
    person_id, other_id = people.split_tie_id(path.tie_id)  # access checked before
    changed = people.update_tie(get_store(), person_id, other_id,
                                body.model_dump(exclude_unset=True))  # type: ignore[attr-defined]
    return {"id": path.tie_id, **changed}


@api.delete("/ties/<tie_id>", responses={204: None, 404: ErrorList})
def delete_tie(path: TiePath) -> Any:
    """End a tie."""
    person_id, other_id = people.split_tie_id(path.tie_id)  # access checked before
    people.end_tie(get_store(), person_id, other_id)
    return "", 204


@api.get("/people/<person_id>/circle")
def circle(path: PersonPath) -> Any:
    """The circle by level (1 intimacy ... 4 exchange), with carers and the key person."""
    report = analysis.assess_person(get_store(), path.person_id, write=False)
    return {key: report[key] for key in ("id", "name", "circles", "carers", "fragile_circle",
                                         "key_person", "support_lost_percent")}


@api.get("/people/<person_id>/analysis")
def assessment(path: PersonPath) -> Any:
    """Isolation now: LSNS-6 with sub-scores, risk, reasons, fragile circle, carer risk."""
    return analysis.assess_person(get_store(), path.person_id, write=False)


@api.get("/people/<person_id>/suggestions")
def suggestions(path: PersonPath, query: SuggestionQuery) -> Any:
    """Who or what could join the circle, ranked, with reasons."""
    viewer = _viewer()
    return {"items": people.suggestions_for(get_store(), viewer, path.person_id, query.limit,
                                            query.max_cost_pence)}


@api.post("/people/<person_id>/referrals", responses={201: None, 422: ErrorList})
def refer(path: PersonPath, body: ReferralCreate) -> Any:
    """Refer the person to an activity or group (follow-up two weeks on unless given)."""
    viewer = _viewer()
    referral = people.refer(get_store(), path.person_id, body.target_id, viewer.user_id,
                            body.follow_up.isoformat() if body.follow_up else None,
                            body.status, body.note)
    return {"target_id": body.target_id, **referral}, 201


@api.get("/people/<person_id>/referrals")
def referrals(path: PersonPath) -> Any:
    return {"items": people.referrals(get_store(), path.person_id)}


#: a consent as a caller gives it: the person is the path's, the rest is set by the app
ConsentCreate = only(Consent, "ConsentCreate", exclude=(
    "id", "person_id", "recorded_by", "withdrawn_at"))


class ConsentPath(BaseModel):
    person_id: Id
    consent_id: Id


@api.get("/people/<person_id>/consents")
def list_consents(path: PersonPath) -> Any:
    """Every consent about the person, newest first."""
    return {"items": people.consents_about(get_store(), path.person_id)}


@api.post("/people/<person_id>/consents",
          responses={201: None, 403: ErrorList, 422: ErrorList})
def record_consent(path: PersonPath, body: ConsentCreate) -> Any:  # type: ignore[valid-type]
    """Record a consent; one to share with an organisation gives it access from then."""
    given = body.model_dump(mode="json", exclude_none=True)  # type: ignore[attr-defined]
    recorded = people.record_consent(get_store(), _viewer(), path.person_id, given)
    auditing.log_consent(path.person_id, recorded)
    return recorded, 201


@api.post("/people/<person_id>/consents/<consent_id>/withdraw",
          responses={200: None, 403: ErrorList, 404: ErrorList, 422: ErrorList})
def withdraw_consent(path: ConsentPath) -> Any:
    """Withdraw today: what rested on the consent (sharing, being suggested) ends at once."""
    withdrawn = people.withdraw_consent(get_store(), _viewer(), path.person_id,
                                        path.consent_id)
    auditing.log_consent(path.person_id, withdrawn, withdrawn=True)
    return withdrawn
