"""Flask app factory: settings, the graph store, login, CSRF, blueprints, API, headers."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_openapi3 import Info, OpenAPI
from flask_wtf.csrf import CSRFProtect
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from assetmap import __version__, accounts
from assetmap.config import Config
from assetmap.graph.store import counter_storage_uri

login_manager = LoginManager()
csrf = CSRFProtect()


#: requests larger than this are refused (413) before they are read
MAX_REQUEST_BYTES = 1024 * 1024


def create_app(config: Config | Mapping[str, Any] | None = None) -> Flask:
    """Build the app. ``config`` is a :class:`Config`, a mapping of changes to the
    environment's settings (tests), or None for the environment alone."""
    if config is None:
        config = Config.from_env()
    elif not isinstance(config, Config):
        config = Config.from_env().with_changes(**dict(config))

    from assetmap.web.api import errors as api_errors

    # OpenAPI is a Flask app that also writes the API's OpenAPI document from its schemas
    app = OpenAPI(
        __name__,
        info=Info(title="assetmap API", version=__version__,
                  description="Community assets and circles of support (Wales)."),
        security_schemes={"bearer": {"type": "http", "scheme": "bearer"}},
        doc_prefix="/api/v1",
        doc_url="/openapi.json",
        validation_error_status=422,
        validation_error_model=api_errors.ErrorList,
        validation_error_callback=api_errors.from_validation_error,
    )
    app.config.update(
        SECRET_KEY=config.load_secret_key(),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        TESTING=config.testing,
        ASSETMAP=config,
        # the largest thing anyone sends is a record with its Open Referral original
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        # the API documentation page, ours: its inline script carries the page's nonce
        SWAGGER_HTML_STRING=(Path(__file__).parent / "templates" / "swagger.html").read_text(
            encoding="utf-8"),
    )

    # our templates, then the GOV.UK Design System's macros ("govuk_frontend_jinja/...")
    app.jinja_loader = ChoiceLoader([  # type: ignore[assignment]
        app.jinja_loader,
        PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
    ])

    from assetmap.web import db, filters, i18n, jobs, security

    accounts.use_password_hashing(config.password_hashing)
    if config.trusted_proxies:  # the client's own address, as the proxies in front saw it
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.trusted_proxies,  # type: ignore[method-assign]
                                x_proto=config.trusted_proxies)

    db.init_app(app)
    # background jobs' state, in files any worker process can read
    app.extensions["assetmap_jobs"] = jobs.Jobs(config.instance_path / "jobs")
    i18n.init_app(app)
    filters.init_app(app)
    security.init_app(app)
    # one limiter per app; its counters live in the graph's own server, shared by workers
    limiter = Limiter(get_remote_address, app=app, strategy="fixed-window",
                      storage_uri=counter_storage_uri(config),
                      key_prefix=f"assetmap:{config.graph_name}")
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"

    from assetmap.web import (
        admin,
        areas,
        auth,
        directory,
        errors,
        finder,
        people,
        providers,
        public,
    )
    from assetmap.web.api import register as register_api

    app.register_blueprint(public.bp)
    app.register_blueprint(finder.bp)
    app.register_blueprint(auth.bp)
    auth.limit_sign_in(app, limiter)
    app.register_blueprint(people.bp)
    app.register_blueprint(areas.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(directory.bp)
    app.register_blueprint(providers.claims)
    app.register_blueprint(providers.bp)
    app.register_blueprint(providers.reviews)
    providers.limit_public_forms(app, limiter)
    register_api(app, csrf)
    errors.init_app(app)

    return app
