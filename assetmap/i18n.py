"""Translation for what is not a web page (exports, the CLI, analysis reasons): the same
catalogue the web app uses, in ``assetmap/translations``.

Strings are written in English and marked: ``N_("...")`` marks a string defined in one
place and translated where it is shown; pybabel finds both ``_()`` and ``N_()``.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.support import NullTranslations, Translations
from markupsafe import Markup

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
#: the interface's languages, each named in itself (as the switch shows them)
LANGUAGES = {"cy": "Cymraeg", "en": "English"}


def fold(text: str) -> str:
    """Lower case without accents or extra spaces, so Welsh and English text match
    however it is typed ("ŵyl" finds "wyl", "Cwmbran" finds "Cwmbrân").

    >>> fold("  Cwmbrân "), fold("ŵyl"), fold("Y  Drenewydd")
    ('cwmbran', 'wyl', 'y drenewydd')
    """
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.lower().split())


def N_(message: str) -> str:  # noqa: N802 (gettext's own name for the marker)
    """Mark ``message`` for the catalogue; it is translated where it is shown."""
    return message


@cache
def catalogue(language: str) -> NullTranslations:
    """The compiled catalogue for ``language`` (English: none, the messages are English)."""
    if language not in LANGUAGES or language == "en":
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS), [language])


#: how each interface language writes dates and numbers: English as in Britain
#: ("5 December 2026"), not Babel's American default ("December 5, 2026")
LOCALES = {"en": "en_GB", "cy": "cy"}
#: the time people in Wales read, whatever the server's clock says
WALES_TIME = ZoneInfo("Europe/London")


def moment_in(value: str | datetime | None, language: str) -> str:
    """A timestamp (stored in UTC) as ``language`` writes it, in Wales's own time.

    >>> moment_in("2026-12-02T14:05:09+00:00", "cy")
    '2 Rhagfyr 2026, 14:05:09'
    """
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return format_datetime(value, "d MMMM y, HH:mm:ss", tzinfo=WALES_TIME,
                           locale=LOCALES.get(language, "en_GB"))


def day_in(value: str | date | None, language: str) -> str:
    """A date (or an ISO timestamp's date) as ``language`` writes it.

    >>> day_in("2026-03-03", "cy"), day_in("2026-03-03", "en")
    ('3 Mawrth 2026', '3 March 2026')
    """
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value).date()
        except ValueError:
            return value
    return format_date(value, format="long", locale=LOCALES.get(language, "en_GB"))


def filled(text: str, params: dict[str, object], language: str) -> str:
    """``text % params``, in Welsh with the mutations names need (:mod:`assetmap.welsh`)."""
    if language == "cy":
        from assetmap import welsh

        return welsh.fill(text, params)
    return text % params


def for_template(context: Any, text: str) -> str:
    """A catalogue message as Jinja's own gettext gives it to a template (``context``):
    markup where the template escapes (the catalogue is ours; the values filled in are
    escaped)."""
    return Markup(text) if context.eval_ctx.autoescape else text  # noqa: S704


def translate(message: str, language: str, **params: object) -> str:
    """``message`` in ``language``, with ``%(name)s`` fields filled from ``params``."""
    text = catalogue(language).gettext(message)
    return filled(text, params, language) if params else text


def translate_plural(singular: str, plural: str, num: int, language: str,
                     **params: object) -> str:
    """The form of a message for ``num`` in ``language`` (Welsh has five), with
    ``%(num)s`` and the other fields filled.

    >>> translate_plural("%(num)s tie", "%(num)s ties", 1, "en")
    '1 tie'
    """
    return filled(catalogue(language).ngettext(singular, plural, num), {"num": num, **params},
                   language)


class Problem(str):
    """A message in English that keeps its catalogue template and values, so a page or an
    API answer can give it in Welsh. It is a ``str``: everything else reads it as text.

    >>> problem = Problem(N_("must be at most %(limit)s characters"), limit=200)
    >>> str(problem), say(problem, "en")
    ('must be at most 200 characters', 'must be at most 200 characters')
    """

    template: str
    params: dict[str, object]

    def __new__(cls, template: str, **params: object) -> Problem:
        made = super().__new__(cls, template % params if params else template)
        made.template, made.params = template, params
        return made


def say(message: str, language: str) -> str:
    """``message`` in ``language``: a :class:`Problem` through the catalogue (and so the
    problems it holds as values), any other text as it is."""
    if isinstance(message, Problem):
        return translate(message.template, language, **{
            name: say(value, language) if isinstance(value, Problem) else value
            for name, value in message.params.items()})
    return message
