"""The JSON API under ``/api/v1``: the same services as the pages, described by OpenAPI.

Staff authenticate with a bearer token (``assetmap tokens create``); the asset directory
is public. CSRF does not apply: no cookie session is accepted here.
"""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask.json.provider import DefaultJSONProvider
from flask_openapi3 import OpenAPI
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import BadRequest

from assetmap.i18n import N_, Problem
from assetmap.model import InvalidRecord


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, but JSON nested past Python's recursion limit is malformed input (a
    400), not a crash."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("nested too deeply") from None


def _body_is_json() -> Response | None:
    """A body that is not JSON is refused before any route reads it: 400 naming it."""
    if request.method not in ("POST", "PATCH", "PUT") or not request.path.startswith("/api/"):
        return None
    if not request.get_data(cache=True):
        return None
    try:
        request.get_json(force=True)
    except BadRequest:
        from assetmap.web.api.errors import invalid
        return invalid(InvalidRecord([("body", Problem(N_("is not valid JSON")))]), 400)
    return None


def register(app: OpenAPI, csrf: CSRFProtect) -> None:
    from assetmap.web.api import areas, assets, directory, hsds, people, provider

    app.json = JSONProvider(app)
    app.before_request(_body_is_json)
    for blueprint in (assets.api, people.api, areas.api, directory.api, hsds.api,
                      provider.api):
        csrf.exempt(blueprint)
        app.register_api(blueprint)
