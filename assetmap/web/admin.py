"""Admins: organisations and users (invite with a one-time link through which the new user
sets their own password, change role, deactivate). Admins do not read people's records,
and never know anyone's password."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import current_user

from assetmap import accounts
from assetmap.audit import ACTIONS
from assetmap.i18n import N_, Problem
from assetmap.model import ORGANISATION_KINDS, STAFF_ROLES, InvalidRecord
from assetmap.services import NotFound
from assetmap.services import organisations as organisations_service
from assetmap.web import auditing
from assetmap.web.auth import role_required
from assetmap.web.db import get_store
from assetmap.web.forms import field_errors, said, values

bp = Blueprint("admin", __name__, url_prefix="/admin")
ROLES = STAFF_ROLES  # providers come in by claiming a listing, never by an admin


@bp.before_request
@role_required("admin")
def admins_only() -> None:
    """Account management is for admins."""


@bp.route("/organisations", methods=["GET", "POST"])
def organisations() -> ResponseReturnValue:
    store = get_store()
    errors: dict[str, str] = {}
    shown = dict(request.form.items())
    if request.method == "POST":
        try:
            data = values(request.form, text=("id", "name", "name_cy", "kind", "website"))
            created = organisations_service.create(store, data)
        except InvalidRecord as exc:
            errors = field_errors(exc)
        else:
            flash(gettext("%(name)s is added.", name=created["name"]), "info")
            return redirect(url_for("admin.organisations"))
    return render_template("admin/organisations.html", errors=errors, values=shown,
                           organisations=organisations_service.by_name(store),
                           KINDS=ORGANISATION_KINDS), 400 if errors else 200


@bp.route("/users", methods=["GET", "POST"])
def users() -> ResponseReturnValue:
    store = get_store()
    errors: dict[str, str] = {}
    shown = dict(request.form.items())
    link = None
    if request.method == "POST":
        data = values(request.form, text=("email", "name", "role", "organisation_id"))
        try:
            if not data["organisation_id"]:
                raise InvalidRecord([("organisation_id", Problem(N_("is required")))])
            created, token = accounts.invite_user(
                store, data["email"] or "", data["role"] or "", data["organisation_id"],
                data["name"])
        except InvalidRecord as exc:
            errors = field_errors(exc)
        else:
            shown, link = {}, _invitation_link(token)
            auditing.log("create", created["id"], record_type="User", detail="invited")
            flash(gettext("%(email)s is invited. Give them the link below: it works once, "
                          "for %(days)s days, and they choose their own password with it.",
                          email=created["email"], days=accounts.INVITATION_DAYS), "info")
    return _users_page(errors, shown, link), 400 if errors else 200


def _users_page(errors: dict[str, str], shown: dict[str, str], link: str | None) -> str:
    store = get_store()
    return render_template("admin/users.html", errors=errors, values=shown, link=link,
                           users=accounts.everyone(store), ROLES=ROLES,
                           organisations=organisations_service.by_name(store))


@bp.post("/users/<user_id>")
def change_user(user_id: str) -> ResponseReturnValue:
    store = get_store()
    changes: dict[str, object] = {}
    if "role" in request.form:
        changes["role"] = request.form["role"]
    if "active" in request.form:
        changes["active"] = request.form["active"] == "true"
    if user_id == current_user.id and (changes.get("active") is False or
                                       changes.get("role", "admin") != "admin"):
        flash(gettext("You cannot take away your own admin access."), "error")
        return redirect(url_for("admin.users"))
    try:
        accounts.update_user(store, user_id, changes)
    except NotFound:
        abort(404, gettext("There is no such user."))
    except InvalidRecord as exc:
        flash(gettext("Not changed: %(problem)s", problem=said(exc)), "error")
    else:
        flash(gettext("User updated."), "info")
    return redirect(url_for("admin.users"))



def _invitation_link(token: str) -> str:
    return (current_app.config["ASSETMAP"].base_url or request.host_url.rstrip("/")) + \
        url_for("auth.welcome", token=token)


@bp.post("/users/<user_id>/invitation")
def renew_invitation(user_id: str) -> ResponseReturnValue:
    """A new link for someone who has not used theirs (lost, or expired)."""
    try:
        token = accounts.renew_invitation(get_store(), user_id)
    except NotFound:
        abort(404, gettext("There is no such user."))
    except InvalidRecord as exc:
        flash(gettext("Not changed: %(problem)s", problem=said(exc)), "error")
        return redirect(url_for("admin.users"))
    auditing.log("update", user_id, record_type="User", detail="invitation renewed")
    flash(gettext("A new link: the old one no longer works."), "info")
    return _users_page({}, {}, _invitation_link(token))


AUDIT_PAGE = 100


@bp.get("/audit")
def audit() -> ResponseReturnValue:
    """The audit trail, newest first, filtered by who, what, which record and when."""
    filters = {key: request.args.get(key, "").strip() or None
               for key in ("actor", "action", "record_id", "since", "until")}
    if filters["action"] and filters["action"] not in ACTIONS:
        abort(400, gettext("action: must be one of %(choices)s", choices=", ".join(ACTIONS)))
    page = max(1, request.args.get("page", 1, type=int))
    log = auditing.audit_log()
    found = log.search(**{**filters, "actor": auditing.searched_actor(filters["actor"])})
    count, broken = auditing.verify(log)
    # who did it, by name: the trail itself keeps only user ids
    people = {user["id"]: user.get("name") or user["email"]
              for user in accounts.everyone(get_store())}
    return render_template(
        "admin/audit.html", entries=found[(page - 1) * AUDIT_PAGE: page * AUDIT_PAGE],
        people=people, total=len(found), page=page, pages=max(1, -(-len(found) // AUDIT_PAGE)),
        filters=filters, ACTIONS=ACTIONS, intact=broken is None, broken=broken, count=count,
        pager_args={key: value for key, value in filters.items() if value})
