"""Pages for the people who run a group or look after a place: claiming its listing
(public), taking up a claim's link, confirming a listing from a reminder, and, signed in as
its provider, keeping it current. The rules are :mod:`assetmap.services.providers`'."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_limiter import Limiter
from flask_login import current_user
from markupsafe import Markup

from assetmap import accounts, clock
from assetmap.i18n import N_, Problem
from assetmap.model import InvalidRecord
from assetmap.services import NotFound, change_reports, providers
from assetmap.web import auditing, mailing
from assetmap.web.auth import role_required, signed_in
from assetmap.web.db import get_store, instance_path
from assetmap.web.directory import (
    KINDS,
    Kind,
    form_options,
    form_page,
    shown_record,
    submitted_shown,
)
from assetmap.web.filters import field_label, local_name, when
from assetmap.web.forms import field_errors, values
from assetmap.web.i18n import language

claims = Blueprint("claims", __name__)
bp = Blueprint("provider", __name__, url_prefix="/provider")

#: what a provider's form leaves out: who runs a session is their group, not another
NOT_THEIRS_TO_CHANGE = {"group_id"}
PROVIDER_KINDS = {slug: dataclasses.replace(
    kind, fields=tuple(f for f in kind.fields if f.name not in NOT_THEIRS_TO_CHANGE),
    links={k: v for k, v in kind.links.items() if k not in NOT_THEIRS_TO_CHANGE})
    for slug, kind in KINDS.items()}
#: the field a honeypot hides from people (a form filling it in is a robot's)
HONEYPOT = "website"
ROBOT = Problem(N_("could not be sent"))


def _label(slug: str) -> str:
    if slug not in providers.LABELS:
        abort(404, gettext("There is no such part of the directory."))
    return providers.LABELS[slug]


def _listing(slug: str, node_id: str) -> dict:
    try:
        return providers.listing(get_store(), _label(slug), node_id)
    except NotFound:
        abort(404, gettext("There is no such listing."))


def limit_public_forms(app: Flask, limiter: Limiter) -> None:
    """Put the public forms' limit (``ASSETMAP_PUBLIC_FORMS_PER_HOUR``, each address) on
    the views that send something from someone not signed in."""
    limit = f"{app.config['ASSETMAP'].public_forms_per_hour} per hour"
    for endpoint in ("claims.claim", "claims.accept", "claims.confirm",
                     "claims.report_change"):
        app.view_functions[endpoint] = limiter.limit(
            limit, methods=["POST"], scope="public-forms",
            error_message=lambda: gettext("Too many forms sent from here: try again in an "
                                          "hour."))(app.view_functions[endpoint])


def refuse_robots() -> None:
    """A form whose hidden field was filled in is a robot's: nothing is kept."""
    if request.form.get(HONEYPOT):
        raise InvalidRecord([("form", ROBOT)])


# -- public: claim a listing, take up a link, confirm from a reminder -----------------------

@claims.route("/claim/<slug>/<node_id>", methods=["GET", "POST"])
def claim(slug: str, node_id: str) -> ResponseReturnValue:
    """Someone who runs a group (or looks after a place) asks to keep its listing."""
    found = _listing(slug, node_id)
    errors: dict[str, str] = {}
    shown: dict[str, Any] = {"how": "link" if found.get("email") else "request"}
    if request.method == "POST":
        shown = dict(request.form.items())
        store = get_store()
        try:
            refuse_robots()
            if request.form.get("how") == "link":
                message = providers.ask_by_link(store, found["label"], node_id, language(),
                                                mailing.links(), auditing.acting())
                mailing.send(message)
                return redirect(url_for("claims.claim_sent", slug=slug, node_id=node_id,
                                        how="link"))
            data = values(request.form, text=("email", "name", "message"))
            providers.ask_staff(store, found["label"], node_id, data["email"] or "",
                                data["name"], data["message"], language(), auditing.acting())
            return redirect(url_for("claims.claim_sent", slug=slug, node_id=node_id,
                                    how="request"))
        except InvalidRecord as exc:
            errors = field_errors(exc)
    return render_template("claims/claim.html", listing=found, slug=slug, values=shown,
                           errors=errors, address=_masked(found.get("email")),
                           honeypot=HONEYPOT), 400 if errors else 200


@claims.get("/claim/<slug>/<node_id>/sent")
def claim_sent(slug: str, node_id: str) -> ResponseReturnValue:
    """What happens next, after a claim (a page of its own: reloading it sends nothing)."""
    found = _listing(slug, node_id)
    how = "link" if request.args.get("how") == "link" and found.get("email") else "request"
    return render_template("claims/sent.html", listing=found, how=how,
                           address=_masked(found.get("email")))


def _masked(address: str | None) -> Markup | None:
    """An address shown to whoever opens a public page, without giving it away:
    ``g•••@example.org`` (read aloud as "an address beginning g at example.org")."""
    if not address:
        return None
    name, _, domain = address.partition("@")
    spoken = gettext("an address beginning %(letter)s at %(domain)s", letter=name[:1],
                     domain=domain)
    return Markup('<span aria-hidden="true">{}</span><span class="govuk-visually-hidden">'
                  '{}</span>').format(f"{name[:1]}•••@{domain}", spoken)


@claims.route("/claim/accept/<token>", methods=["GET", "POST"])
def accept(token: str) -> ResponseReturnValue:
    """Take up a claim's link: choose a password (or, already a provider, add it)."""
    store = get_store()
    links = mailing.links()
    opened = providers.open_claim(store, token, links)
    if opened is None:
        abort(404, gettext("This link has been used or has expired: ask for a new one on "
                           "the listing's page."))
    errors: dict[str, str] = {}
    if request.method == "POST":
        password = request.form.get("new_password", "")
        try:
            if opened["account"] is None and password != request.form.get("repeat_password"):
                raise InvalidRecord([("repeat_password", Problem(N_(
                    "does not match the new password")))])
            account = providers.accept(store, token, links, password or None,
                                       request.form.get("name", "").strip() or None,
                                       auditing.acting())
        except NotFound:
            abort(404, gettext("This link has been used or has expired: ask for a new one "
                               "on the listing's page."))
        except InvalidRecord as exc:
            errors = field_errors(exc)
            errors["new_password"] = errors.pop("password", errors.get("new_password", ""))
            errors = {k: v for k, v in errors.items() if v}
        else:
            if opened["account"] is None or (current_user.is_authenticated
                                             and current_user.id == account["id"]):
                signed_in(account, "through a claim's link")
                flash(gettext("You now look after %(listing)s.", listing=local_name(
                    opened["listing"])), "info")
                return redirect(url_for("provider.index"))
            flash(gettext("%(listing)s is added to your listings: sign in to see it.",
                          listing=local_name(opened["listing"])), "info")
            return redirect(url_for("auth.login"))
    return render_template("claims/accept.html", claim=opened, errors=errors,
                           min_length=accounts.MIN_PASSWORD_LENGTH), \
        400 if errors else 200


@claims.route("/listings/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str) -> ResponseReturnValue:
    """A reminder's "still right" link: one button confirms the listing."""
    store = get_store()
    found = providers.confirmed_by_link(store, token, mailing.links())
    if found is None:
        abort(404, gettext("This link has expired: sign in to confirm the listing, or ask "
                           "the staff who keep the directory."))
    if request.method == "POST":
        providers.confirm_by_link(store, token, mailing.links(), auditing.acting())
        return render_template("claims/confirmed.html", listing=found)
    return render_template("claims/confirm.html", listing=found)


# -- signed in: a provider's own listings ------------------------------------------------------

@bp.before_request
@role_required("provider")
def providers_only() -> None:
    """These pages are a provider's own."""


@bp.get("/")
def index() -> ResponseReturnValue:
    mine = providers.managed(get_store(), current_user.id)
    return render_template("provider/index.html", listings=mine, SLUGS=providers.SLUGS,
                           today=clock.today().isoformat())


def _mine(slug: str, node_id: str) -> tuple[Kind, dict]:
    """The kind and the listing, if the provider manages it (else 404, as for a listing
    that is not there)."""
    label = _label(slug)
    try:
        providers.check(get_store(), current_user.id, label, node_id)
    except NotFound:
        abort(404, gettext("There is no such listing among yours."))
    kind = PROVIDER_KINDS[slug]
    return kind, kind.repo.get(get_store(), node_id)


@bp.route("/<slug>/<node_id>/edit", methods=["GET", "POST"])
def edit(slug: str, node_id: str) -> ResponseReturnValue:
    kind, record = _mine(slug, node_id)
    shown = shown_record(kind, record, node_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        shown = submitted_shown(kind)
        try:
            providers.update(get_store(), current_user.id, _label(slug), node_id,
                             kind.form_values(), instance_path(), auditing.acting(),
                             **kind.link_values())
        except InvalidRecord as exc:
            errors = field_errors(exc)
        else:
            flash(gettext("Changes saved: the listing shows it was checked today."), "info")
            return redirect(url_for("provider.index"))
    return form_page(kind, record, shown, errors, cancel_url=url_for("provider.index"),
                     removable=False, heading=_heading(slug, record))


def _heading(slug: str, record: dict) -> str:
    """A provider's form says which listing, and for a session which day and time."""
    name = local_name(record)
    if slug == "activities":
        return gettext("Change %(name)s: %(when)s", name=name, when=when(record))
    return gettext("Change %(name)s", name=name)


@bp.route("/groups/<node_id>/sessions/new", methods=["GET", "POST"])
def new_session(node_id: str) -> ResponseReturnValue:
    """Another session of the provider's group."""
    _mine("groups", node_id)
    kind = PROVIDER_KINDS["activities"]
    errors: dict[str, str] = {}
    shown: dict[str, Any] = {}
    if request.method == "POST":
        shown = submitted_shown(kind)
        data = {k: v for k, v in kind.form_values().items() if v is not None}
        try:
            providers.add_session(get_store(), current_user.id, node_id, data, instance_path(),
                                  auditing.acting(), place_id=kind.link_values().get("place_id"))
        except InvalidRecord as exc:
            errors = field_errors(exc)
        else:
            flash(gettext("The session is added."), "info")
            return redirect(url_for("provider.index"))
    return form_page(kind, None, shown, errors, cancel_url=url_for("provider.index"),
                     heading=gettext("Add a session"))


def _day(name: str) -> date:
    try:
        return date.fromisoformat(request.form.get(name, ""))
    except ValueError:
        raise InvalidRecord([(name, Problem(N_("give a date like 2026-12-24")))]) from None


def _done(message: str) -> ResponseReturnValue:
    flash(message, "info")
    return redirect(url_for("provider.index"))


def _refused(exc: InvalidRecord) -> ResponseReturnValue:
    flash(gettext("Not changed: %(problem)s", problem="; ".join(
        f"{field_label(k)}: {v}" for k, v in field_errors(exc).items())), "error")
    return redirect(url_for("provider.index"))


@bp.post("/activities/<node_id>/cancel")
def cancel_date(node_id: str) -> ResponseReturnValue:
    """A date the session does not happen (``undo``: it does after all)."""
    _mine("activities", node_id)
    undo = request.form.get("undo") == "1"
    try:
        day = _day("day")
        providers.cancel_date(get_store(), current_user.id, node_id, day, instance_path(),
                              auditing.acting(), cancelled=not undo)
    except InvalidRecord as exc:
        return _refused(exc)
    from assetmap.web.filters import day as written

    return _done(gettext("%(date)s is back on.", date=written(day)) if undo else
                 gettext("Marked as not on %(date)s.", date=written(day)))


@bp.post("/activities/<node_id>/end")
def end_session(node_id: str) -> ResponseReturnValue:
    _mine("activities", node_id)
    try:
        providers.end_session(get_store(), current_user.id, node_id, _day("ended_on"),
                              instance_path(), auditing.acting())
    except InvalidRecord as exc:
        return _refused(exc)
    return _done(gettext("The session is ended: it leaves the finder on that day."))


@bp.post("/groups/<node_id>/pause")
def pause(node_id: str) -> ResponseReturnValue:
    _mine("groups", node_id)
    paused = request.form.get("paused") == "1"
    providers.pause(get_store(), current_user.id, node_id, paused, instance_path(),
                    auditing.acting())
    return _done(gettext("The group shows as paused.") if paused
                 else gettext("The group shows as meeting again."))


@bp.post("/<slug>/<node_id>/confirm")
def confirm_mine(slug: str, node_id: str) -> ResponseReturnValue:
    _mine(slug, node_id)
    providers.confirm(get_store(), current_user.id, _label(slug), node_id,
                      auditing.acting())
    return _done(gettext("Thank you: the listing shows it was checked today."))


@bp.route("/<slug>/<node_id>/invite", methods=["GET", "POST"])
def invite(slug: str, node_id: str) -> ResponseReturnValue:
    """Invite a co-organiser to help keep the listing."""
    _, record = _mine(slug, node_id)
    errors: dict[str, str] = {}
    shown: dict[str, Any] = {}
    if request.method == "POST":
        shown = dict(request.form.items())
        try:
            message = providers.invite(get_store(), current_user.id, _label(slug),
                                       node_id, request.form.get("email", ""),
                                       request.form.get("language") or None, mailing.links(),
                                       auditing.acting())
        except InvalidRecord as exc:
            errors = field_errors(exc)
        else:
            mailing.send(message)
            return _done(gettext("An invitation is sent to %(email)s.",
                                 email=request.form.get("email", "").strip().lower()))
    return render_template("provider/invite.html", record=record, errors=errors,
                           values=shown), 400 if errors else 200



# -- reports of a change: anyone sends one; staff and providers review them --------------

@claims.route("/report/<slug>/<node_id>", methods=["GET", "POST"])
def report_change(slug: str, node_id: str) -> ResponseReturnValue:
    """Anyone tells the directory that a listing is wrong."""
    found = _listing(slug, node_id)
    errors: dict[str, str] = {}
    shown: dict[str, Any] = {}
    if request.method == "POST":
        shown = dict(request.form.items())
        try:
            refuse_robots()
            data = values(request.form, text=("what", "reply_to"))
            change_reports.report(get_store(), found["label"], node_id, data["what"] or "",
                                  data["reply_to"], language(), auditing.acting())
        except InvalidRecord as exc:
            errors = field_errors(exc)
        else:
            return redirect(url_for("claims.reported", slug=slug, node_id=node_id,
                                    replied=1 if data["reply_to"] else None))
    return render_template("claims/report.html", listing=found, values=shown, errors=errors,
                           honeypot=HONEYPOT), 400 if errors else 200


@claims.get("/report/<slug>/<node_id>/sent")
def reported(slug: str, node_id: str) -> ResponseReturnValue:
    """Thanks for a report (a page of its own: reloading it sends nothing)."""
    return render_template("claims/reported.html", listing=_listing(slug, node_id),
                           replied=request.args.get("replied") == "1")


reviews = Blueprint("reviews", __name__, url_prefix="/reviews")


@reviews.before_request
@role_required("connector", "coordinator", "provider")
def reviewers_only() -> None:
    """Staff review reports on their organisation's listings; providers on their own."""


@reviews.get("/")
def waiting_reports() -> ResponseReturnValue:
    rows = change_reports.waiting(get_store(), current_user.viewer)
    return render_template("reviews/index.html", rows=rows)


@reviews.route("/<report_id>", methods=["GET", "POST"])
def review(report_id: str) -> ResponseReturnValue:
    """A report beside its listing's form: change what it says and accept, or reject."""
    store = get_store()
    try:
        row = change_reports.for_review(store, current_user.viewer, report_id)
    except NotFound:
        abort(404, gettext("There is no such report among yours."))
    slug = providers.SLUGS[row["report"]["listing_label"]]
    kinds = PROVIDER_KINDS if current_user.role == "provider" else KINDS
    kind = kinds[slug]
    shown = shown_record(kind, kind.repo.get(store, row["listing"]["id"]), row["listing"]["id"])
    errors: dict[str, str] = {}
    if request.method == "POST":
        accept = request.form.get("decision") == "accept"
        shown = {**submitted_shown(kind), "answer": request.form.get("answer", "")}
        try:
            message = change_reports.review(
                store, current_user.viewer, report_id, accept,
                kind.form_values() if accept else {}, kind.link_values() if accept else {},
                request.form.get("answer", "").strip() or None, instance_path(),
                auditing.acting())
        except InvalidRecord as exc:
            errors = field_errors(exc)
        else:
            if message:
                mailing.send(message)
            flash(gettext("Accepted: the listing is changed and shows it was checked today.")
                  if accept else gettext("Rejected: the listing is left as it was."), "info")
            return redirect(url_for("reviews.waiting_reports"))
    return render_template("reviews/review.html", row=row, kind=kind, values=shown,
                           errors=errors, **form_options(kind)), 400 if errors else 200
