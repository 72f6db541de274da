"""Admins: organisations and users (create with a generated password shown once, change
role, deactivate). Admins do not read people's records."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import current_user

from assetmap import accounts
from assetmap.audit import ACTIONS
from assetmap.graph import organisations as organisation_graph
from assetmap.graph import users as user_graph
from assetmap.graph.nodes import NotFound
from assetmap.i18n import N_, Problem
from assetmap.model import InvalidRecord, Role
from assetmap.web import auditing
from assetmap.web.auth import role_required
from assetmap.web.db import get_store
from assetmap.web.forms import field_errors, values

bp = Blueprint("admin", __name__, url_prefix="/admin")
ROLES: tuple[str, ...] = Role.__args__  # type: ignore[attr-defined]
ORGANISATION_KINDS = ("cvc", "carers", "council", "health", "charity", "other")


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
            created = organisation_graph.repo.create(
                store, {key: value for key, value in data.items() if value is not None})
        except InvalidRecord as exc:
            errors = field_errors(exc)
        else:
            flash(gettext("%(name)s is added.", name=created["name"]), "info")
            return redirect(url_for("admin.organisations"))
    return render_template("admin/organisations.html", errors=errors, values=shown,
                           organisations=organisation_graph.repo.list(store, order_by="name"),
                           KINDS=ORGANISATION_KINDS), 400 if errors else 200


@bp.route("/users", methods=["GET", "POST"])
def users() -> ResponseReturnValue:
    store = get_store()
    errors: dict[str, str] = {}
    shown = dict(request.form.items())
    password = None
    if request.method == "POST":
        data = values(request.form, text=("email", "name", "role", "organisation_id"))
        try:
            if not data["organisation_id"]:
                raise InvalidRecord([("organisation_id", Problem(N_("is required")))])
            created, password = accounts.create_user(
                store, data["email"] or "", data["role"] or "", data["organisation_id"],
                data["name"])
        except InvalidRecord as exc:
            errors = field_errors(exc)
        else:
            shown = {}
            flash(gettext("%(email)s can now sign in with the password below. It is shown "
                          "this once: give it to them safely.", email=created["email"]), "info")
    return render_template("admin/users.html", errors=errors, values=shown, password=password,
                           users=user_graph.everyone(store), ROLES=ROLES,
                           organisations=organisation_graph.repo.list(store, order_by="name"),
                           ), 400 if errors else 200


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
        user_graph.repo.update(store, user_id, changes)
    except NotFound:
        abort(404, gettext("There is no such user."))
    except InvalidRecord as exc:
        flash(gettext("Not changed: %(problem)s", problem=exc), "error")
    else:
        flash(gettext("User updated."), "info")
    return redirect(url_for("admin.users"))



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
    found = log.search(**filters)
    count, broken = log.verify()
    return render_template(
        "admin/audit.html", entries=found[(page - 1) * AUDIT_PAGE: page * AUDIT_PAGE],
        total=len(found), page=page, pages=max(1, -(-len(found) // AUDIT_PAGE)),
        filters=filters, ACTIONS=ACTIONS, intact=broken is None, broken=broken, count=count,
        pager_args={key: value for key, value in filters.items() if value})
