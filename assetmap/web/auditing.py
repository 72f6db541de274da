"""Audit entries for web requests: the signed-in user (or API caller) and their address."""

from __future__ import annotations

from flask import current_app, g, request
from flask_login import current_user

from assetmap.audit import AuditLog

#: what reading or changing a record through each HTTP method counts as
METHOD_ACTIONS = {"GET": "view", "HEAD": "view", "POST": "update", "PATCH": "update",
                  "PUT": "update", "DELETE": "delete"}


def audit_log() -> AuditLog:
    return AuditLog(current_app.config["ASSETMAP"].instance_path)


def _actor() -> str | None:
    api_user = g.get("api_user")
    if api_user:
        return api_user["id"]
    return current_user.id if current_user.is_authenticated else None


def log(action: str, record_id: str | None = None, record_type: str | None = "Person",
        actor: str | None = None, detail: str | None = None) -> None:
    """Record ``action`` on a record by whoever is making this request."""
    audit_log().record(action, actor or _actor(), record_type=record_type, record_id=record_id,
                       address=request.remote_addr, detail=detail)


def log_access(person_id: str) -> None:
    """A person record read or changed by this request, named by its HTTP method."""
    log(METHOD_ACTIONS.get(request.method, "view"), person_id,
        detail=f"{request.method} {request.url_rule.rule if request.url_rule else request.path}")


def log_consent(person_id: str, consent: dict, withdrawn: bool = False) -> None:
    """A consent recorded or withdrawn, and the sharing that started or ended with it."""
    log("withdraw_consent" if withdrawn else "consent", person_id,
        detail=f"consent {consent['id']}")
    if consent["purpose"] == "share_with_organisation":
        log("unshare" if withdrawn else "share", person_id,
            detail=f"with {consent['organisation_id']}")
