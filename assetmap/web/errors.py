"""Error pages: JSON for the API and health check, HTML otherwise; never a traceback."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from werkzeug.exceptions import HTTPException

from assetmap.i18n import N_, say
from assetmap.model import InvalidRecord
from assetmap.names import LABEL_NAMES
from assetmap.services import NotFound, StoreUnavailable
from assetmap.services.people import NotAllowed
from assetmap.web.api.errors import error_response, invalid
from assetmap.web.i18n import language

#: each status's page title, and what it says when the code that raised it said nothing
TITLES = {
    400: N_("Bad request"), 401: N_("Sign in needed"), 403: N_("Not allowed"),
    404: N_("Not found"), 405: N_("Not allowed this way"), 413: N_("Too large"),
    422: N_("Not accepted"), 429: N_("Too many requests"), 500: N_("Something went wrong"),
    503: N_("Service unavailable"),
}
MESSAGES = {
    400: N_("The request could not be understood."),
    401: N_("Sign in to see this page."),
    403: N_("Your role does not give access to this page."),
    404: N_("There is nothing at this address."),
    405: N_("This page cannot be used that way."),
    413: N_("What was sent is too large."),
    429: N_("Too many requests: wait a minute and try again."),
    500: N_("Something went wrong on our side."),
    503: N_("The database is not reachable just now."),
}


def _title(status: int) -> str:
    return gettext(TITLES.get(status, N_("Something went wrong")))


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _wants_json() -> bool:
    return request.path.startswith("/healthz") or (
        request.accept_mimetypes.best == "application/json"
    )


def _respond(status: int, title: str, message: str) -> ResponseReturnValue:
    if _is_api():
        response = error_response(status, message or title)
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="assetmap"'
        return response
    if _wants_json():
        return jsonify(error=title, message=message), status
    return render_template("error.html", status=status, title=_title(status),
                           message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        status = error.code or 500
        said = error.description or ""
        if said == type(error).description and status in MESSAGES:  # werkzeug's own words
            said = gettext(MESSAGES[status])
        return _respond(status, error.name, said)

    @app.errorhandler(InvalidRecord)
    def invalid_record(error: InvalidRecord) -> ResponseReturnValue:
        """Bad input a view did not catch itself: 422 for the API, 400 for a page."""
        if _is_api():
            return invalid(error)
        return _respond(400, "Bad Request", str(error))

    @app.errorhandler(NotAllowed)
    def not_allowed(error: NotAllowed) -> ResponseReturnValue:
        return _respond(403, "Forbidden", say(error.args[0], language()))

    @app.errorhandler(NotFound)
    def not_found(error: NotFound) -> ResponseReturnValue:
        """No such record, in the page's (or the API caller's) language."""
        label = LABEL_NAMES.get(error.label) or (N_("tie") if error.label.isupper() else None)
        kind = gettext(label).lower() if label else error.label
        return _respond(404, "Not Found", gettext("no %(kind)s with id %(id)s", kind=kind,
                                                  id=repr(error.node_id)))

    @app.errorhandler(StoreUnavailable)
    def store_unavailable(error: StoreUnavailable) -> ResponseReturnValue:
        app.logger.error("graph store unavailable: %s", error)
        return _respond(503, "Service Unavailable", gettext(MESSAGES[503]))

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> ResponseReturnValue:
        app.logger.exception("unhandled error")
        return _respond(500, "Internal Server Error", gettext(MESSAGES[500]))
