"""JSON errors for the API: ``{"errors": [{"field": ..., "message": ...}]}`` and a status."""

from __future__ import annotations

from flask import Response, jsonify, make_response
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError
from werkzeug.http import HTTP_STATUS_CODES

from assetmap.i18n import say
from assetmap.model import InvalidRecord, from_pydantic
from assetmap.web.i18n import language


class ErrorItem(BaseModel):
    field: str | None = None
    message: str


class ErrorList(BaseModel):
    """Every API error: what went wrong, by field where a field is to blame."""

    errors: list[ErrorItem]


def error_response(status: int, message: str | None = None, field: str | None = None) -> Response:
    response = jsonify(errors=[{"field": field,
                                "message": message or HTTP_STATUS_CODES.get(status, "Error")}])
    response.status_code = status
    return response


def invalid(exc: InvalidRecord, status: int = 422) -> Response:
    """422 naming each field, in the language the client asked for (Accept-Language)."""
    response = jsonify(errors=[{"field": name, "message": say(problem, language())}
                               for name, problem in exc.errors])
    response.status_code = status
    return response


def from_validation_error(exc: PydanticValidationError) -> Response:
    """Request parameters or body that break a model rule: 422 naming each field."""
    return make_response(invalid(from_pydantic(exc)))
