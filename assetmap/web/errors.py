"""Error pages: JSON for the API and health check, HTML otherwise; never a traceback."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException, InternalServerError

from assetmap.graph.errors import StoreUnavailable
from assetmap.graph.nodes import NotFound
from assetmap.model import InvalidRecord
from assetmap.web.api.errors import error_response, invalid


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
    return render_template("error.html", status=status, title=title, message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        return _respond(error.code or 500, error.name, error.description or "")

    @app.errorhandler(InvalidRecord)
    def invalid_record(error: InvalidRecord) -> ResponseReturnValue:
        """Bad input a view did not catch itself: 422 for the API, 400 for a page."""
        if _is_api():
            return invalid(error)
        return _respond(400, "Bad Request", str(error))

    @app.errorhandler(NotFound)
    def not_found(error: NotFound) -> ResponseReturnValue:
        return _respond(404, "Not Found", str(error))

    @app.errorhandler(StoreUnavailable)
    def store_unavailable(error: StoreUnavailable) -> ResponseReturnValue:
        app.logger.error("graph store unavailable: %s", error)
        return _respond(503, "Service Unavailable", "The database is not reachable just now.")

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> ResponseReturnValue:
        app.logger.exception("unhandled error")
        return _respond(500, InternalServerError.name, "Something went wrong on our side.")
