"""Who is calling the API: a bearer token (``assetmap tokens create``) names a user.

The API accepts no session cookie, so CSRF cannot reach it. Every route that names a
person asks :func:`person_for` first, which applies the same rule as the pages.
"""

from __future__ import annotations

from flask import abort, g, request
from flask_babel import gettext

from assetmap import accounts
from assetmap.services import people
from assetmap.web.auditing import log_access
from assetmap.web.db import get_store

BEARER = [{"bearer": []}]


def token_user() -> dict | None:
    """The active user whose live bearer token this request carries, or None."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return accounts.user_for_token(get_store(), token.strip()) if scheme == "Bearer" else None


def api_user(*roles: str) -> people.Viewer:
    """The caller, who must hold one of ``roles``: 401 without a live token, 403 otherwise."""
    user = token_user()
    if user is None:
        abort(401, gettext("a valid bearer token is needed: Authorization: Bearer <token>"))
    if user["role"] not in roles:
        abort(403, gettext("the %(role)s role cannot use this", role=user["role"]))
    g.api_user = user
    return people.Viewer(user["id"], user["role"], user.get("organisation_id"))


def caller() -> people.Viewer:
    """The caller a ``before_request`` check has already admitted."""
    user = g.api_user
    return people.Viewer(user["id"], user["role"], user.get("organisation_id"))


def person_for(viewer: people.Viewer, person_id: str, log: bool = True) -> dict:
    """The person, if the caller's organisation may see them; else 404, the same whether
    there is no such person or the caller may not see them. The access is audited unless
    ``log`` is False (the caller audits it once it is allowed)."""
    store = get_store()
    try:
        allowed = people.can_see(store, viewer, person_id)
    except people.NotFound:
        allowed = False
    if not allowed:
        abort(404, gettext("no person with id %(id)s", id=repr(person_id)))
    if log:
        log_access(person_id)
    return people.get(store, person_id)
