"""Audit entries for web requests: the signed-in user (or API caller) and their address."""

from __future__ import annotations

from flask import Response, after_this_request, current_app, g, request
from flask_login import current_user

from assetmap import erasures
from assetmap.audit import Acting, AuditLog, Broken, address_hash
from assetmap.erasures import ErasureRegister
from assetmap.services import audit as audit_service
from assetmap.web.db import get_store

#: what reading or changing a record through each HTTP method counts as
METHOD_ACTIONS = {"GET": "view", "HEAD": "view", "POST": "update", "PATCH": "update",
                  "PUT": "update", "DELETE": "delete"}


def audit_log() -> AuditLog:
    return audit_service.trail(current_app.config["ASSETMAP"].instance_path, get_store())


def verify(log: AuditLog) -> tuple[int, Broken | None]:
    """The trail checked against the head the graph holds."""
    return audit_service.verify(log, get_store())


def acting(actor: str | None = None) -> Acting:
    """Whoever is making this request (or ``actor``, a failed sign-in's typed address),
    from where, for the services that audit and for :func:`log`."""
    return Acting(audit_log(), actor or _actor(), request.remote_addr)


def erasure_register() -> ErasureRegister:
    return erasures.for_instance(current_app.config["ASSETMAP"])


def typed_address(email: str) -> str:
    """What the trail keeps of an address typed at a failed sign-in (never the address)."""
    return address_hash(email, current_app.config["ASSETMAP"].instance_secret("audit_key"))


def _actor() -> str | None:
    api_user = g.get("api_user")
    if api_user:
        return api_user["id"]
    return current_user.id if current_user.is_authenticated else None


def log(action: str, record_id: str | None = None, record_type: str | None = "Person",
        actor: str | None = None, detail: str | None = None) -> None:
    """Record ``action`` on a record by whoever is making this request."""
    acting(actor).record(action, record_id, record_type=record_type, detail=detail)


def log_access(person_id: str) -> None:
    """A person record read or changed by this request, named by its HTTP method; a change
    the app refused (bad input, say: a 4xx response) counts as a view, the record having
    been read to show the form again. A change's entry is written as its response is."""
    action = METHOD_ACTIONS.get(request.method, "view")
    if action in ("view", "delete"):  # a deletion is refused before it is asked (404, 403)
        log(action, person_id, detail=_route())
        return

    @after_this_request
    def logged(response: Response) -> Response:
        log(action if response.status_code < 400 else "view", person_id, detail=_route())
        return response


def refused(person_id: str) -> None:
    """A change (or export) of the person's record refused to this request's caller."""
    log("refused", person_id, detail=_route())


def _route() -> str:
    """The request as the trail names it: method and route, never the values in it."""
    return f"{request.method} {request.url_rule.rule if request.url_rule else request.path}"


def log_consent(person_id: str, consent: dict, withdrawn: bool = False) -> None:
    """A consent recorded or withdrawn, and the sharing that started or ended with it."""
    log("withdraw_consent" if withdrawn else "consent", person_id,
        detail=f"consent {consent['id']}")
    if consent["purpose"] == "share_with_organisation":
        log("unshare" if withdrawn else "share", person_id,
            detail=f"with {consent['organisation_id']}")


def searched_actor(actor: str | None) -> str | None:
    """An actor to search for: an e-mail address is searched as the trail keeps it."""
    return typed_address(actor) if actor and "@" in actor else actor
