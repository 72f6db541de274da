"""Security for every response and session: headers (a Content-Security-Policy with a
nonce for our own inline scripts, Folium's included), session timeouts and cookie flags.
"""

from __future__ import annotations

import secrets
import time

from flask import Flask, Response, g, request, session

from assetmap import accounts
from assetmap.services import GraphStore


def nonce() -> str:
    """This response's nonce, for its own inline scripts and style blocks."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


#: the API's documentation page: Swagger UI styles its icons inline (no script does)
DOCS_PREFIX = "/api/v1/swagger"


def content_security_policy(page_nonce: str, docs: bool = False, tiles: str = "") -> str:
    """No inline script but what carries this response's nonce, on every page (the maps'
    and the API documentation's included), and no inline style either, but on the API
    documentation (Swagger UI's icons); Leaflet positions things through the DOM's style
    properties, which a policy does not restrict. Map tiles (``tiles``, the setting's
    origin) are the one thing a page loads from elsewhere."""
    styles = "'self' 'unsafe-inline'" if docs else f"'self' 'nonce-{page_nonce}'"
    return "; ".join((
        "default-src 'self'",
        f"script-src 'self' 'nonce-{page_nonce}'",
        f"style-src {styles}",
        f"img-src 'self' data:{' ' + tiles if tiles else ''}",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ))


def start_session(store: GraphStore, user_id: str) -> None:
    """A fresh session for a user who has just signed in: a new random id in the (signed)
    cookie, and its hash among the user's live sessions in the database, so that signing
    out ends it on the server, whoever kept a copy of the cookie."""
    session.clear()
    session_id = secrets.token_urlsafe(32)
    accounts.add_session(store, user_id, session_id)
    now = time.time()
    session.update(started_at=now, seen_at=now, sid=session_id)
    session.permanent = False


def end_session(store: GraphStore, user_id: str) -> None:
    """Sign out: this session ends on the server too."""
    if session.get("sid"):
        accounts.end_session(store, user_id, session["sid"])
    session.clear()


def session_is_live(user: dict, idle_minutes: float, session_hours: float) -> bool:
    """One of the user's live sessions, within the idle and absolute limits."""
    now = time.time()
    started, seen = session.get("started_at", 0), session.get("seen_at", 0)
    if accounts.token_hash(session.get("sid") or "") not in (user.get("live_sessions") or []):
        return False
    if now - seen > idle_minutes * 60 or now - started > session_hours * 3600:
        return False
    session["seen_at"] = now
    return True


def init_app(app: Flask) -> None:
    config = app.config["ASSETMAP"]
    app.config.update(
        SESSION_COOKIE_SECURE=config.https,
        REMEMBER_COOKIE_SECURE=config.https,
        SESSION_COOKIE_NAME="__Host-session" if config.https else "session",
    )
    app.jinja_env.globals["csp_nonce"] = nonce

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", content_security_policy(
            nonce(), docs=request.path.startswith(DOCS_PREFIX), tiles=config.tiles_origin))
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy",
                                    "geolocation=(self), camera=(), microphone=()")
        if config.https:
            response.headers.setdefault("Strict-Transport-Security",
                                        "max-age=63072000; includeSubDomains")
        # personal data, and the account pages (a two-step secret, an invitation)
        if request.path.startswith(("/people", "/api/v1/people", "/admin", "/account",
                                    "/welcome", "/login")):
            response.headers.setdefault("Cache-Control", "no-store")
        return response
