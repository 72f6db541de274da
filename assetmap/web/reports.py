"""Documents made for a person to read: the subject access report."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from assetmap.i18n import catalogue
from assetmap.interop.person_package import NOT_NAMED
from assetmap.names import FIELD_LABELS, LABEL_NAMES, RELATIONSHIP_NAMES


@cache
def _environment(language: str) -> Environment:
    """A template environment of its own (no app needed, so the CLI can write the report
    too), speaking ``language``."""
    env = Environment(loader=PackageLoader("assetmap.web", "templates"),
                      autoescape=select_autoescape(default=True),
                      extensions=["jinja2.ext.i18n"])
    translations = catalogue(language)
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    def named(table: dict[str, str]) -> object:
        return lambda code: translations.gettext(table[code]) if code in table else code

    env.filters.update(field_label=named(FIELD_LABELS), label_name=named(LABEL_NAMES),
                       relationship_name=named(RELATIONSHIP_NAMES),
                       shown=lambda value: shown_value(value, translations.gettext))
    return env


def shown_value(value: Any, gettext: Any = lambda text: text) -> str:
    """A stored value as a reader reads it: yes/no, a point as its coordinates, a list
    joined, a placeholder's name in the reader's language.

    >>> shown_value({"latitude": 52.45, "longitude": -3.54})
    '52.45, -3.54'
    >>> shown_value([True, "choirs"])
    'Yes, choirs'
    """
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, dict):
        if {"latitude", "longitude"} <= value.keys():
            return f"{value['latitude']}, {value['longitude']}"
        return "; ".join(f"{key}: {shown_value(item, gettext)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(shown_value(item, gettext) for item in value)
    if value is None:
        return ""
    if value == NOT_NAMED:
        return gettext(NOT_NAMED)
    return str(value)


def subject_access_html(held: dict[str, Any], language: str = "en",
                        style_nonce: str | None = None) -> str:
    """A standalone, printable HTML document of a subject access export; served as a
    page, its style block carries the response's nonce (``style_nonce``)."""
    return _environment(language).get_template("reports/subject_access.html").render(
        held=held, language=language, style_nonce=style_nonce)
