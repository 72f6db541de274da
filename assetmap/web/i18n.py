"""Language: every page in Welsh or English (Welsh Language Standards).

A page's language is, in order: ``?lang=`` on the request (the switch on every page), the
``assetmap_lang`` cookie, the signed-in user's profile, the browser's Accept-Language,
English. The API's messages follow ``lang`` or Accept-Language. Choosing with the switch
sets the cookie and, when signed in, the profile.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, current_app, request
from flask_babel import Babel, Domain, get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_context
from jinja2.runtime import Context

from assetmap import accounts
from assetmap.i18n import LANGUAGES, TRANSLATIONS, filled, for_template
from assetmap.web.db import get_store

#: the query parameter that chooses a page's language (the switch), taken on every page
#: and API route beside the route's own parameters
LANGUAGE_PARAMETER = "lang"
COOKIE = "assetmap_lang"
COOKIE_DAYS = 365


def _filled(text: str, variables: dict[str, Any]) -> str:
    """``text % variables`` in the page's language (:func:`assetmap.i18n.filled`)."""
    return filled(text, variables, language())


class _Domain(Domain):
    """Flask-Babel's messages, filled through :func:`_filled` (Python code's gettext)."""

    def gettext(self, string: str, **variables: Any) -> str:
        text = self.get_translations().ugettext(string)
        return _filled(text, variables) if variables else text

    def ngettext(self, singular: str, plural: str, num: int, **variables: Any) -> str:
        variables.setdefault("num", num)
        return _filled(self.get_translations().ungettext(singular, plural, num), variables)


class _Babel(Babel):
    @cached_property
    def domain_instance(self) -> Domain:
        return _Domain(domain=self.domain)


@pass_context
def _page_gettext(context: Context, string: str, **variables: Any) -> str:
    """A template's ``_()`` and ``{% trans %}``: as Jinja's own (escaped on an escaping
    page), filled through :func:`_filled`."""
    return _filled(for_template(context, get_translations().ugettext(string)), variables)


@pass_context
def _page_ngettext(__context: Context, __singular: str, __plural: str, __num: int,
                   **variables: Any) -> str:
    # (Jinja's own names: a template may pass ``num=`` itself, formatted)
    variables.setdefault("num", __num)
    return _filled(for_template(__context, get_translations().ungettext(
        __singular, __plural, __num)), variables)


babel = _Babel()


def _asked() -> str | None:
    asked = request.args.get(LANGUAGE_PARAMETER)
    return asked if asked in LANGUAGES else None


def select_locale() -> str:
    """The language of this request's page, or of an API answer's messages (the API
    follows the request alone: ``lang`` or Accept-Language, never a cookie)."""
    if request.path.startswith("/api/"):
        return _asked() or request.accept_languages.best_match(LANGUAGES, default="en")
    chosen = _asked() or request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    profile = getattr(current_user, "language", None) if current_user else None
    if profile in LANGUAGES:
        return profile
    return request.accept_languages.best_match(LANGUAGES, default="en")


def language() -> str:
    """The current request's language code."""
    return str(get_locale() or "en")


def switch_url(code: str) -> str:
    """This page in another language: the same address with ``lang`` set."""
    kept = [(key, value) for key, value in request.args.items(multi=True)
            if key != LANGUAGE_PARAMETER]
    query = urlencode([*kept, (LANGUAGE_PARAMETER, code)])
    return f"{request.path}?{query}"


def _remember(response: Response) -> Response:
    """A language chosen with the switch is kept: in a cookie, and in the profile."""
    asked = _asked()
    if asked is None or request.path.startswith("/api/"):
        return response
    if request.cookies.get(COOKIE) != asked:
        config = current_app.config["ASSETMAP"]
        response.set_cookie(COOKIE, asked, max_age=COOKIE_DAYS * 86400, samesite="Lax",
                            secure=config.https, httponly=True)
    if current_user.is_authenticated and current_user.language != asked:
        accounts.update_user(get_store(), current_user.id, {"language": asked})
    return response


def init_app(app: Flask) -> None:
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals.update(gettext=_page_gettext, ngettext=_page_ngettext)
    app.after_request(_remember)

    @app.context_processor
    def languages() -> dict:
        return {"languages": LANGUAGES, "language": language(), "switch_url": switch_url}
