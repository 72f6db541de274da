"""Connectors' pages: people, their "what matters" conversations, circles, suggestions,
invitations and referrals. Every route that names a person fetches it through
:func:`fetch_person`, which checks the object, not just the role."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import current_user

from assetmap import names, reports
from assetmap.analysis.lsns6 import ITEMS as LSNS6_ITEMS
from assetmap.i18n import N_, Problem
from assetmap.interop.person_package import NOT_NAMED
from assetmap.model import (
    ACCESS_NEEDS,
    CONSENT_PURPOSES,
    DAY_PARTS,
    WEEKDAYS,
    InvalidRecord,
    WhatMatters,
)
from assetmap.names import LANGUAGE_NAMES
from assetmap.services import GraphStore, analysis, organisations, people, subject_access
from assetmap.web import auditing, ecomap, jobs, maps
from assetmap.web.auditing import log_access
from assetmap.web.auth import role_required
from assetmap.web.db import get_store, instance_path
from assetmap.web.filters import day, free_time, local, translated
from assetmap.web.forms import as_form, field_errors, said, values
from assetmap.web.i18n import language
from assetmap.web.security import nonce

bp = Blueprint("people", __name__, url_prefix="/people")
PER_PAGE = 50
PERSON_TEXT = ("name", "birth_year", "postcode", "radius_km", "capacity")
PERSON_LISTS = ("interests", "gifts", "needs", "skills")
PERSON_CHOICES = ("languages", "availability", "access_needs")
#: (being suggested to others is not a tick: only a consent recorded on the page sets it)
PERSON_TICKS = ("volunteer", "carer")
#: questions answered yes, no or not known (never "no" because the box was not ticked)
PERSON_ANSWERS = ("lives_alone",)
TIE_TEXT = ("relation", "contact", "since", "last_contact")
TIE_NUMBERS = ("circle", "strength")


@bp.before_request
@role_required("connector")
def connectors_only() -> None:
    """Every page here is for connectors (DESIGN.md §6); a change to a person's record, or
    its export, is for the organisation that recorded them (404 first for anyone who may
    not see it at all, then 403 for an organisation it is only shared with)."""
    person_id = (request.view_args or {}).get("person_id")
    if person_id and (request.method == "POST" or request.endpoint in RECORDER_PAGES):
        store = get_store()
        _visible_or_404(store, person_id)
        try:
            people.check_may_change(store, current_user.viewer, person_id)
        except people.NotAllowed:
            auditing.refused(person_id)  # the refused try is in the trail too
            raise


#: pages that read but only for the recording organisation
RECORDER_PAGES = ("people.export", "people.erase", "people.consent", "people.edit",
                  "people.add_tie", "people.edit_tie", "people.end_tie", "people.end_care",
                  "people.add_carer",
                  "people.what_matters", "people.correct_what_matters",
                  "people.delete_what_matters", "people.lsns6_form")


def fetch_person(person_id: str) -> dict:
    """The person, if the signed-in connector may see them; else 404, the same whether
    there is no such person or their organisation may not see them (an id tells nothing)."""
    store = get_store()
    _visible_or_404(store, person_id)
    log_access(person_id)
    return people.get(store, person_id)


def _visible_or_404(store: GraphStore, person_id: str) -> None:
    """404, the same whether there is no such person or the viewer may not see them."""
    try:
        allowed = people.can_see(store, current_user.viewer, person_id)
    except people.NotFound:
        allowed = False
    if not allowed:
        abort(404, gettext("There is no such person."))


def _person_values() -> dict[str, Any]:
    """The person form as model input (the form has no coordinates: the home point comes
    from the postcode)."""
    return values(request.form, text=PERSON_TEXT, lists=PERSON_LISTS,
                  choices=PERSON_CHOICES, ticks=PERSON_TICKS, answers=PERSON_ANSWERS)



@bp.get("/review")
def review() -> ResponseReturnValue:
    """Retention: the organisation's records nobody has changed for a long time."""
    days = current_app.config["ASSETMAP"].retention_days
    due, total = subject_access.due_for_review(get_store(), current_user.organisation_id,
                                               days)
    return render_template("people/review.html", due=due, total=total, days=days)


@bp.get("/follow-ups")
def follow_ups() -> ResponseReturnValue:
    """The referrals this connector made whose follow-up is due (the daily e-mail's link)."""
    due = people.follow_ups_due(get_store(), current_user.viewer)
    return render_template("people/follow_ups.html", due=due)


@bp.get("/")
def index() -> ResponseReturnValue:
    text = request.args.get("q", "").strip() or None
    carers = request.args.get("carers") == "1"
    page = max(1, request.args.get("page", 1, type=int))
    order = request.args.get("sort", "name")
    if order not in people.ORDERS:
        abort(400, gettext("sort: must be one of %(choices)s", choices=", ".join(people.ORDERS)))
    found, total = people.for_organisation(
        get_store(), current_user.organisation_id, text, (page - 1) * PER_PAGE, PER_PAGE,
        carers_only=carers, order=order)
    return render_template("people/index.html", people=found, total=total, page=page,
                           pages=max(1, -(-total // PER_PAGE)), q=text or "", carers=carers,
                           order=order)


@bp.route("/new", methods=["GET", "POST"])
def create() -> ResponseReturnValue:
    errors: dict[str, str] = {}
    shown: dict[str, Any] = {}  # nothing ticked for them: not asked is not known
    if request.method == "POST":
        shown = dict(request.form.lists())
        shown = {k: v if k in PERSON_CHOICES else v[0] for k, v in shown.items()}
        try:
            person = people.create(get_store(), _person_values(),
                                   current_user.organisation_id, auditing.acting(), instance_path())
        except InvalidRecord as exc:
            errors = field_errors(exc)
        else:
            flash(gettext("%(name)s is recorded.", name=person["name"]), "info")
            return redirect(url_for("people.show", person_id=person["id"]))
    return render_template("people/form.html", person=None, values=shown, errors=errors,
                           **_choices()), 400 if errors else 200


@bp.route("/<person_id>/edit", methods=["GET", "POST"])
def edit(person_id: str) -> ResponseReturnValue:
    person = fetch_person(person_id)
    errors: dict[str, str] = {}
    shown = as_form(person, PERSON_LISTS, PERSON_ANSWERS)
    if request.method == "POST":
        shown = {k: v if k in PERSON_CHOICES else v[0] for k, v in request.form.lists()}
        try:
            people.update(get_store(), person_id, _person_values(), instance_path())
        except InvalidRecord as exc:
            errors = field_errors(exc)
        else:
            flash(gettext("Changes saved."), "info")
            return redirect(url_for("people.show", person_id=person_id))
    return render_template("people/form.html", person=person, values=shown, errors=errors,
                           **_choices()), 400 if errors else 200


def _choices() -> dict[str, Any]:
    return {"LANGUAGES": list(translated(LANGUAGE_NAMES).items()),
            "AVAILABILITY": [(code, free_time(code)) for code in (
                f"{day}_{part}" for day in WEEKDAYS for part in DAY_PARTS)],
            "ACCESS_NEEDS": ACCESS_NEEDS}


def _shown(name: str | None) -> str | None:
    """A name as the page shows it: a placeholder from a moved record (stored under the
    catalogue's English) in the page's language."""
    return gettext(NOT_NAMED) if name == NOT_NAMED else name


@bp.get("/<person_id>")
def show(person_id: str) -> ResponseReturnValue:
    person = fetch_person(person_id)
    store = get_store()
    report = analysis.assess_person(store, person_id, write=False)
    circle = [{**tie, "name": _shown(tie["name"])} for tie in people.circle(store, person_id)]
    care = people.carers_of(store, person_id)
    care["carers"] = [{**carer, "name": _shown(carer["name"])} for carer in care["carers"]]
    if report["key_person"]:
        report["key_person"]["name"] = _shown(report["key_person"]["name"])
    members = [{"person_id": t["person_id"], "name": t["name"], "circle": t["circle"],
                "relation": t["relation"]} for t in circle]
    in_circle = {m["person_id"] for m in members}
    members += [{"person_id": c["id"], "name": c["name"], "circle": 1, "relation": "carer"}
                for c in care["carers"] if c["id"] and c["id"] not in in_circle]
    key = report["key_person"]["id"] if report["key_person"] else None
    return render_template(
        "people/show.html", person=person, report=report, circle=circle, care=care,
        placed=ecomap.layout(members, key, centre_name=person["name"]), ecomap=ecomap,
        conversations=people.conversations(store, person_id),
        consents=people.consents_about(store, person_id), today=people.today().isoformat(),
        recorder=people.is_recorder(store, current_user.viewer, person_id),
        referrals=people.referrals(store, person_id),
        map=maps.circle_map(person, members, people.homes_for_map(
            store, current_user.viewer, [person_id, *[m["person_id"] for m in members]])),
        ended=_ending_to_offer(person_id),
    )


# -- ties ----------------------------------------------------------------------------


def _people_matching() -> tuple[str, list[dict]]:
    """For the "who" chooser: the name searched for and the organisation's people matching."""
    query = request.args.get("q", "").strip()
    if not query:
        return "", []
    return query, people.for_organisation(
        get_store(), current_user.organisation_id, query, 0, 20)[0]


def _chosen() -> str | None:
    """The person picked in the "who" chooser (None: someone new), if they may be seen."""
    other_id = request.form.get("other_id") or None
    if other_id in (None, "new"):
        return None
    fetch_person(other_id)
    return other_id


@bp.route("/<person_id>/ties/new", methods=["GET", "POST"])
def add_tie(person_id: str) -> ResponseReturnValue:
    person = fetch_person(person_id)
    errors: dict[str, str] = {}
    shown: dict[str, Any] = dict(request.values.items())  # nothing chosen for anyone
    query, matches = _people_matching()
    if request.method == "POST":
        try:
            chosen = _chosen()
            _answered(TIE_CHOSEN, also=[] if chosen or request.form.get("name", "").strip()
                      else [("name", Problem(people.NAME_OR_CHOOSE))])
            people.add_tie(get_store(), person_id, _tie_values(), other_id=chosen,
                           new_person={"name": request.form.get("name", "").strip()},
                           organisation_id=current_user.organisation_id,
                           acting=auditing.acting())
        except InvalidRecord as exc:
            errors = field_errors(exc)
        else:
            return _back_to_circle(person_id, gettext("Added to the circle."))
    return render_template("people/tie_form.html", person=person, tie=None, values=shown,
                           errors=errors, matches=matches, q=query), 400 if errors else 200


@bp.route("/<person_id>/ties/<other_id>/edit", methods=["GET", "POST"])
def edit_tie(person_id: str, other_id: str) -> ResponseReturnValue:
    person = fetch_person(person_id)
    store = get_store()
    tie = _member(person_id, other_id)
    errors: dict[str, str] = {}
    shown: dict[str, Any] = {**tie, **{name: NOT_KNOWN for name in TIE_MAY_BE_NOT_KNOWN
                                       if tie.get(name) is None}}
    if request.method == "POST":
        shown = dict(request.form.items())
        try:
            people.update_tie(store, person_id, other_id, _tie_values())
        except InvalidRecord as exc:
            errors = field_errors(exc)
        else:
            return _back_to_circle(person_id, gettext("Tie updated."))
    return render_template("people/tie_form.html", person=person, tie=tie, values=shown,
                           errors=errors, matches=[], q=""), 400 if errors else 200


@bp.route("/<person_id>/ties/<other_id>/end", methods=["GET", "POST"])
def end_tie(person_id: str, other_id: str) -> ResponseReturnValue:
    """Asks first, naming both; ends the tie; the person's page then offers to undo it."""
    person = fetch_person(person_id)
    if request.method == "GET":
        return _confirm_ending("tie", person, other_id, _name_in_circle(person_id, other_id))
    try:
        had = people.end_tie(get_store(), person_id, other_id)
    except people.NotFound:
        abort(404, gettext("That person is not in this circle."))
    return _ended("tie", person_id, other_id, had)


@bp.post("/<person_id>/ties/<other_id>/restore")
def restore_tie(person_id: str, other_id: str) -> ResponseReturnValue:
    had = _undo_of("tie", fetch_person(person_id)["id"], other_id)
    people.add_tie(get_store(), person_id, had, other_id=other_id, acting=auditing.acting())
    return _back_to_circle(person_id, gettext("The tie with %(name)s is back as it was.",
                                              name=_name_in_circle(person_id, other_id)))


#: the last ending, kept in the session (ids and codes, never a name) so that the page
#: after it can offer to undo it: {"kind": "tie"|"care", "person", "other", "had", "shown"}
UNDO = "undo_ending"


def _member(person_id: str, other_id: str, carers: bool = False) -> dict[str, Any]:
    """Someone in the person's circle (their tie), or among their carers: 404 when they
    are not there."""
    store = get_store()
    found = next((m for m in people.carers_of(store, person_id)["carers"]
                  if m["id"] == other_id) if carers else
                 (t for t in people.circle(store, person_id) if t["person_id"] == other_id),
                 None)
    if found is None:
        abort(404, gettext("That person is not in this circle."))
    return found


def _name_in_circle(person_id: str, other_id: str, carers: bool = False) -> str:
    """How the page names someone in the person's circle (or among their carers)."""
    return _shown(_member(person_id, other_id, carers)["name"])


def _confirm_ending(kind: str, person: dict, other_id: str, name: str) -> ResponseReturnValue:
    return render_template("people/confirm_end.html", kind=kind, person=person,
                           other={"id": other_id, "name": name})


def _ended(kind: str, person_id: str, other_id: str, had: dict) -> ResponseReturnValue:
    session[UNDO] = {"kind": kind, "person": person_id, "other": other_id, "had": had,
                     "shown": False}
    return redirect(url_for("people.show", person_id=person_id) + "#ended")


def _undo_of(kind: str, person_id: str, other_id: str) -> dict[str, Any]:
    """What the last ending removed, if it is the one asked to be undone (else 400)."""
    undo = session.pop(UNDO, None)
    if not undo or (undo["kind"], undo["person"], undo["other"]) != (kind, person_id, other_id):
        abort(400, gettext("There is nothing to undo here: only the last ending can be "
                           "undone, straight after it."))
    return undo["had"]


def _ending_to_offer(person_id: str) -> dict[str, Any] | None:
    """The ending just made on this person's page, once (the undo stays possible)."""
    undo = session.get(UNDO)
    if not undo or undo["person"] != person_id or undo["shown"]:
        return None
    session[UNDO] = {**undo, "shown": True}
    try:
        name = people.get(get_store(), undo["other"])["name"]
    except people.NotFound:
        return None
    return {"kind": undo["kind"], "other_id": undo["other"], "name": _shown(name)}


#: what the connector must choose about a tie, nothing chosen beforehand ("not known" is an
#: answer for how often and how close; it is stored as nothing)
TIE_CHOSEN = {"relation": N_("choose the relationship"), "circle": N_("choose the circle"),
              "contact": N_("choose how often they are in touch, or 'not known'"),
              "strength": N_("choose how close they are, or 'not known'")}
TIE_MAY_BE_NOT_KNOWN = ("contact", "strength")
NOT_KNOWN = "not_known"


def _answered(questions: dict[str, str],
              also: list[tuple[str, Problem]] | None = None) -> None:
    """Every one of ``questions`` was answered, or :class:`InvalidRecord` naming each not
    (with the ``also`` problems found before it, so every one is named at once)."""
    missing = [*(also or []), *((name, Problem(problem)) for name, problem in questions.items()
                        if not request.form.get(name, "").strip())]
    if missing:
        raise InvalidRecord(missing)


def _tie_values() -> dict[str, Any]:
    answered = values(request.form, text=TIE_TEXT, integers=TIE_NUMBERS)
    return {name: None if name in TIE_MAY_BE_NOT_KNOWN and value == NOT_KNOWN else value
            for name, value in answered.items()}


def _back_to_circle(person_id: str, message: str) -> ResponseReturnValue:
    """After a change to a circle (the service has assessed again whoever it touched): say
    so, and show the circle."""
    flash(message, "info")
    return redirect(url_for("people.show", person_id=person_id) + "#circle")


# -- carers ---------------------------------------------------------------------------


@bp.route("/<person_id>/carers/new", methods=["GET", "POST"])
def add_carer(person_id: str) -> ResponseReturnValue:
    person = fetch_person(person_id)
    errors: dict[str, str] = {}
    shown: dict[str, Any] = dict(request.values.items())
    query, matches = _people_matching()
    if request.method == "POST":
        try:
            people.add_carer(
                get_store(), person_id, values(request.form, text=("hours_per_week", "since")),
                carer_id=_chosen(), new_carer={"name": request.form.get("name", "").strip()},
                organisation_id=current_user.organisation_id, acting=auditing.acting())
        except InvalidRecord as exc:
            errors = field_errors(exc)
            if "carer_id" in errors:  # the form's chooser is "other_id"
                errors["other_id"] = errors.pop("carer_id")
        else:
            return _back_to_circle(person_id, gettext("The carer is recorded."))
    return render_template("people/carer_form.html", person=person, values=shown,
                           errors=errors, matches=matches, q=query), 400 if errors else 200


@bp.route("/<person_id>/carers/<carer_id>/end", methods=["GET", "POST"])
def end_care(person_id: str, carer_id: str) -> ResponseReturnValue:
    """Asks first, naming both; ends the caring; the page then offers to undo it."""
    person = fetch_person(person_id)
    if request.method == "GET":
        return _confirm_ending("care", person, carer_id,
                               _name_in_circle(person_id, carer_id, carers=True))
    try:
        had = people.end_care(get_store(), carer_id, person_id)
    except people.NotFound:
        abort(404, gettext("That person is not recorded as a carer here."))
    return _ended("care", person_id, carer_id, had)


@bp.post("/<person_id>/carers/<carer_id>/restore")
def restore_care(person_id: str, carer_id: str) -> ResponseReturnValue:
    had = _undo_of("care", fetch_person(person_id)["id"], carer_id)
    people.add_carer(get_store(), person_id, had, carer_id=carer_id,
                     organisation_id=current_user.organisation_id, acting=auditing.acting())
    return _back_to_circle(person_id, gettext(
        "%(name)s is recorded as caring again, as before.",
        name=_name_in_circle(person_id, carer_id, carers=True)))


# -- subject access and erasure ----------------------------------------------------------


@bp.get("/<person_id>/export")
def export(person_id: str) -> ResponseReturnValue:
    """Everything held about the person: a readable document, or JSON with ?format=json."""
    fetch_person(person_id)
    held = subject_access.export(get_store(), person_id, auditing.audit_log())
    auditing.log("export", person_id)
    if request.args.get("format") == "json":
        return Response(json.dumps(held, indent=2, sort_keys=True, ensure_ascii=False),
                        mimetype="application/json", headers={
                            "Content-Disposition": f"attachment; filename={person_id}.json"})
    return reports.subject_access_html(held, language(), style_nonce=nonce())


@bp.route("/<person_id>/erase", methods=["GET", "POST"])
def erase(person_id: str) -> ResponseReturnValue:
    """Erase the person after the connector types their name to confirm."""
    person = fetch_person(person_id)  # the recording organisation's page (connectors_only)
    store = get_store()
    error = None
    if request.method == "POST":
        if request.form.get("confirm_name", "").strip() != person["name"]:
            error = "type the person's name exactly as shown to confirm"
        else:
            summary = subject_access.erase(store, person_id, auditing.acting(),
                                           auditing.erasure_register(), recompute=False)
            jobs.analyse_in_background(store)
            flash(gettext("The record is erased, with %(removed)s; the area figures are "
                          "being recomputed.",
                          removed=subject_access.erasure_words(summary, language())), "info")
            return redirect(url_for("people.index"))
    return render_template("people/erase.html", person=person,
                           errors={"confirm_name": error} if error else {},
                           ), 400 if error else 200


# -- consent and sharing ----------------------------------------------------------------


@bp.route("/<person_id>/consents/new", methods=["GET", "POST"])
def consent(person_id: str) -> ResponseReturnValue:
    person = fetch_person(person_id)  # the recording organisation's page (connectors_only)
    store = get_store()
    errors: dict[str, str] = {}
    shown: dict[str, Any] = {"given_at": people.today().isoformat()}
    if request.method == "POST":
        shown = dict(request.form.items())
        data = values(request.form, text=("given_by", "representative_name", "organisation_id",
                                          "purpose", "given_at", "until"))
        try:
            recorded = people.record_consent(
                store, current_user.viewer, person_id,
                {k: v for k, v in data.items() if v is not None})
        except InvalidRecord as exc:
            errors = field_errors(exc)
        else:
            auditing.log_consent(person_id, recorded)
            flash(gettext("The consent is recorded."), "info")
            return redirect(url_for("people.show", person_id=person_id) + "#consent")
    return render_template("people/consent_form.html", person=person, values=shown,
                           errors=errors, organisations=organisations.by_name(store),
                           PURPOSES=CONSENT_PURPOSES,
                           ), 400 if errors else 200


@bp.post("/<person_id>/consents/<consent_id>/withdraw")
def withdraw_consent(person_id: str, consent_id: str) -> ResponseReturnValue:
    fetch_person(person_id)
    try:
        withdrawn = people.withdraw_consent(get_store(), current_user.viewer, person_id,
                                            consent_id)
    except people.NotFound:
        abort(404, gettext("There is no such consent for this person."))
    except InvalidRecord as exc:
        flash(gettext("Not withdrawn: %(problem)s.", problem=exc.problem), "error")
    else:
        auditing.log_consent(person_id, withdrawn, withdrawn=True)
        flash(gettext("The consent is withdrawn; what rested on it has ended."), "info")
    if not people.can_see(get_store(), current_user.viewer, person_id):
        return redirect(url_for("people.index"))
    return redirect(url_for("people.show", person_id=person_id) + "#consent")


# -- what matters ----------------------------------------------------------------------


@bp.route("/<person_id>/what-matters/new", methods=["GET", "POST"])
def what_matters(person_id: str) -> ResponseReturnValue:
    person = fetch_person(person_id)
    return _conversation_form(person, None, lambda: people.record_what_matters(
        get_store(), person_id, _conversation_values(), current_user.id),
        gettext("The conversation is recorded."))


@bp.route("/<person_id>/what-matters/<conversation_id>/edit", methods=["GET", "POST"])
def correct_what_matters(person_id: str, conversation_id: str) -> ResponseReturnValue:
    person = fetch_person(person_id)

    def correct() -> None:
        people.correct_what_matters(get_store(), person_id, conversation_id,
                                    _conversation_values(emptied_removed=True))
        auditing.log("update", conversation_id, record_type="WhatMatters")

    return _conversation_form(person, _conversation(person_id, conversation_id), correct,
                              gettext("The conversation is corrected."))


def _conversation_form(person: dict, conversation: dict | None, save: Callable[[], Any],
                       saved: str) -> ResponseReturnValue:
    """The "what matters" form, new (``conversation`` None) or correcting one: ``save``
    on a POST, the form again with every problem named if it is refused."""
    errors: dict[str, str] = {}
    shown: dict[str, Any] = conversation or {"date": people.today().isoformat()}
    if request.method == "POST":
        shown = dict(request.form.items())
        try:
            save()
        except InvalidRecord as exc:
            errors = _with_empty_answers(field_errors(exc))
        else:
            flash(saved, "info")
            return redirect(url_for("people.show", person_id=person["id"]) + "#what-matters")
    return render_template("people/what_matters.html", person=person, values=shown,
                           conversation=conversation, errors=errors), 400 if errors else 200


@bp.route("/<person_id>/what-matters/<conversation_id>/delete", methods=["GET", "POST"])
def delete_what_matters(person_id: str, conversation_id: str) -> ResponseReturnValue:
    """Asks first (the conversation shown); deleting is audited."""
    person = fetch_person(person_id)
    conversation = _conversation(person_id, conversation_id)
    if request.method == "GET":
        return render_template("people/confirm_delete_conversation.html", person=person,
                               conversation=conversation)
    people.delete_what_matters(get_store(), person_id, conversation_id)
    auditing.log("delete", conversation_id, record_type="WhatMatters")
    flash(gettext("The conversation of %(date)s is deleted.", date=day(conversation["date"])),
          "info")
    return redirect(url_for("people.show", person_id=person_id) + "#what-matters")


def _conversation(person_id: str, conversation_id: str) -> dict[str, Any]:
    try:
        return people.conversation(get_store(), person_id, conversation_id)
    except people.NotFound:
        abort(404, gettext("No such conversation is recorded about this person."))


def _with_empty_answers(errors: dict[str, str]) -> dict[str, str]:
    """The form's errors, with "no answer" among them even when the model stopped at
    another field first: every problem is named at once."""
    if WhatMatters.says_nothing(request.form):
        return {**field_errors(InvalidRecord([(WhatMatters.ANSWERS[0],
                                               WhatMatters.SAYS_NOTHING)])), **errors}
    return errors


def _conversation_values(emptied_removed: bool = False) -> dict[str, Any]:
    """The form's date and answers (an answer emptied while correcting is removed)."""
    data = values(request.form, text=("date", "can_do_myself", "need_a_little_help",
                                      "others_might_provide"))
    return data if emptied_removed else {k: v for k, v in data.items() if v is not None}


@bp.route("/<person_id>/lsns6/new", methods=["GET", "POST"])
def lsns6_form(person_id: str) -> ResponseReturnValue:
    person = fetch_person(person_id)
    errors: dict[str, str] = {}
    shown: dict[str, Any] = {"date": people.today().isoformat()}
    if request.method == "POST":
        shown = dict(request.form.items())
        data = values(request.form, text=("date",), integers=LSNS6_ITEMS)
        try:
            analysis.record_questionnaire(get_store(), {**data, "person_id": person_id,
                                                        "recorded_by": current_user.id},
                                          auditing.acting())
        except InvalidRecord as exc:
            errors = field_errors(exc)
        else:
            flash(gettext("The questionnaire is recorded."), "info")
            return redirect(url_for("people.show", person_id=person_id) + "#isolation")
    answers = [(score, gettext(text)) for score, text in enumerate(names.LSNS6_ANSWER_NAMES)]
    return render_template("people/lsns6.html", person=person, values=shown, errors=errors,
                           ANSWERS=answers, this_year=people.today().year), 400 if errors else 200


# -- suggestions, invitations, referrals -------------------------------------------------


@bp.get("/<person_id>/suggestions")
def suggestions(person_id: str) -> ResponseReturnValue:
    person = fetch_person(person_id)
    store = get_store()
    found = people.suggestions_for(store, current_user.viewer, person_id, limit=15)
    referred = {r["target_id"]: r for r in people.referrals(store, person_id)}
    ids = [s["id"] for s in found if s["id"]]
    suggestion_map = maps.suggestions_map(
        person, found, people.where_held(store, ids),
        people.homes_for_map(store, current_user.viewer, [person_id, *ids]))
    return render_template("people/suggestions.html", person=person, suggestions=found,
                           recorder=people.is_recorder(store, current_user.viewer, person_id),
                           follow_up=people.default_follow_up(), map=suggestion_map,
                           referred=referred)


@bp.post("/<person_id>/invite")
def invite(person_id: str) -> ResponseReturnValue:
    person = fetch_person(person_id)
    candidate = request.form.get("candidate_id", "")
    fetch_person(candidate)  # only someone the organisation may see can be invited
    try:
        people.invite(get_store(), person_id, candidate, request.form.get("kind", ""),
                      auditing.acting())
    except InvalidRecord as exc:
        flash(gettext("Could not invite: %(problem)s", problem=said(exc)), "error")
        return redirect(url_for("people.suggestions", person_id=person_id))
    return _back_to_circle(person_id, gettext(
        "%(name)s joined %(person)s's circle (circle 3: adjust the tie if it is closer).",
        name=request.form.get("name") or gettext("They"), person=person["name"]))


@bp.post("/<person_id>/referrals")
def refer(person_id: str) -> ResponseReturnValue:
    fetch_person(person_id)
    target_id = request.form.get("target_id", "")
    already = next((r for r in people.referrals(get_store(), person_id)
                    if r["target_id"] == target_id), None)
    if already:  # say what it is, not that a tie exists
        flash(gettext("Already referred to %(name)s on %(date)s (%(status)s): change it "
                      "under Referrals.",
                      name=local(already["target_name"], already["target_name_cy"]),
                      date=day(already["date"]),
                      status=gettext(names.STATUS_NAMES[already["status"]])), "info")
        return redirect(url_for("people.show", person_id=person_id) + "#referrals")
    note = values(request.form, text=("note",))["note"]
    try:
        people.refer(get_store(), person_id, target_id, current_user.id,
                     request.form.get("follow_up") or None, note=note)
    except InvalidRecord as exc:
        flash(gettext("Could not refer: %(problem)s", problem=said(exc)), "error")
        return redirect(url_for("people.suggestions", person_id=person_id))
    made = next((r for r in people.referrals(get_store(), person_id)
                 if r["target_id"] == target_id), {})
    flash(gettext("Referred to %(name)s.", name=local(
        made.get("target_name"), made.get("target_name_cy")) or gettext("the activity")), "info")
    # the message at the top of the page says what was done (a phone would not see it
    # from the foot of the page)
    return redirect(url_for("people.show", person_id=person_id))


@bp.post("/<person_id>/referrals/<target_id>")
def update_referral(person_id: str, target_id: str) -> ResponseReturnValue:
    fetch_person(person_id)
    changes = values(request.form, text=("status", "follow_up", "note"))
    try:
        people.update_referral(get_store(), person_id, target_id,
                               {k: v for k, v in changes.items()  # an emptied note goes
                                if v is not None or (k == "note" and k in request.form)})
    except people.NotFound:
        abort(404, gettext("There is no such referral."))
    except InvalidRecord as exc:
        flash(gettext("Could not update the referral: %(problem)s", problem=said(exc)),
              "error")
    else:
        flash(gettext("Referral updated."), "info")
    return redirect(url_for("people.show", person_id=person_id) + "#referrals")
