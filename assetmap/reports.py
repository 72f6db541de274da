"""Documents made for a person to read: the subject access report."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context

from assetmap.analysis.reasons import REASON_TEXTS, in_language
from assetmap.i18n import catalogue, day_in, filled, for_template, moment_in, translate
from assetmap.interop.person_package import NOT_NAMED
from assetmap.names import (
    ACCESS_NAMES,
    ACTION_NAMES,
    CIRCLE_NAMES,
    CONTACT_NAMES,
    FIELD_LABELS,
    FREQUENCY_NAMES,
    GIVEN_BY_NAMES,
    LABEL_NAMES,
    LANGUAGE_NAMES,
    LSNS6_SOURCE_NAMES,
    PART_NAMES,
    PURPOSE_NAMES,
    RELATION_NAMES,
    RELATIONSHIP_NAMES,
    RISK_NAMES,
    STATUS_NAMES,
    WEEKDAY_NAMES,
)

TEMPLATES = Path(__file__).parent / "web" / "templates"


@cache
def environment(language: str) -> Environment:
    """A template environment of its own (no app needed, so the CLI can write the report
    too), speaking ``language``."""
    # the web app's templates, read as files: writing a report loads no Flask
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)),
                      autoescape=select_autoescape(default=True),
                      extensions=["jinja2.ext.i18n"])
    translations = catalogue(language)
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]

    # as the pages' own: filled through i18n.filled, so Welsh names mutate ("am Glwb")
    @pass_context
    def gettext(context: Context, string: str, **variables: Any) -> str:
        text = for_template(context, translations.gettext(string))
        return filled(text, variables, language) if variables else text

    @pass_context
    def ngettext(context: Context, singular: str, plural: str, num: int,
                 **variables: Any) -> str:
        variables.setdefault("num", num)
        return filled(for_template(context, translations.ngettext(singular, plural, num)),
                      variables, language)

    env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext)
    def named(table: dict[str, str]) -> object:
        return lambda code: translations.gettext(table[code]) if code in table else code

    env.filters.update(field_label=named(FIELD_LABELS), label_name=named(LABEL_NAMES),
                       action_name=named(ACTION_NAMES),
                       relationship_name=named(RELATIONSHIP_NAMES),
                       shown=lambda value, field=None, named=None: shown_value(
                           value, translations.gettext, field, language, named),
                       moment=lambda value: moment_in(value, language),
                       day=lambda value: day_in(value, language))
    return env


#: stored codes of these fields, in words
VALUE_NAMES: dict[str, dict] = {
    "access_needs": ACCESS_NAMES, "languages": LANGUAGE_NAMES, "purpose": PURPOSE_NAMES,
    "relation": RELATION_NAMES, "contact": CONTACT_NAMES, "status": STATUS_NAMES,
    "carer_risk": RISK_NAMES, "frequency": FREQUENCY_NAMES, "circle": CIRCLE_NAMES,
    "given_by": GIVEN_BY_NAMES, "lsns6_source": LSNS6_SOURCE_NAMES,
}
#: fields holding analysis reasons by their codes
REASON_FIELDS = ("risk_reasons", "carer_reasons")


class _Unknown(dict):
    def __missing__(self, key: str) -> str:
        return "…"  # the stored reason keeps its code, not its figures: they are shown apart


def _reason(code: str, language: str) -> str:
    """A reason stored by its code alone, in words (figures it names shown as "…")."""
    if code not in REASON_TEXTS:
        return code
    text = in_language({"code": code, "params": {}, "text": ""}, language)
    return text or translate(REASON_TEXTS[code], language).format_map(_Unknown())


def shown_value(value: Any, gettext: Any = lambda text: text, field: str | None = None,
                language: str = "en", named: dict[str, str] | None = None) -> str:
    """A stored value as a reader reads it: yes/no, a point as its coordinates, a list
    joined, a code in words (``field`` says which table), a time slot as day and part, a
    placeholder's name in the reader's language.

    >>> shown_value({"latitude": 52.45, "longitude": -3.54})
    '52.45, -3.54'
    >>> shown_value([True, "choirs"])
    'Yes, choirs'
    >>> shown_value(["step_free"], field="access_needs")
    'Step-free access'
    >>> shown_value("tue_am", field="availability")
    'Tuesday morning'
    """
    if isinstance(value, list | tuple):
        return ", ".join(shown_value(item, gettext, field, language, named) for item in value)
    if named and isinstance(value, str) and value in named:
        return f"{named[value]} ({value})"
    if field and field.endswith("_at") and isinstance(value, str):
        return moment_in(value, language)
    if field in REASON_FIELDS and isinstance(value, str):
        return _reason(value, language)
    if field == "analysis_run" and value == "on-demand":
        return gettext("when the record last changed")
    names = VALUE_NAMES.get(field or "")
    if names is not None and value in names:
        return gettext(names[value])
    if field == "availability" and isinstance(value, str) and "_" in value:
        day, _, part = value.partition("_")
        if day in WEEKDAY_NAMES and part in PART_NAMES:
            return f"{gettext(WEEKDAY_NAMES[day])} {gettext(PART_NAMES[part])}"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, dict):
        if {"latitude", "longitude"} <= value.keys():
            return f"{value['latitude']}, {value['longitude']}"
        return "; ".join(f"{key}: {shown_value(item, gettext)}" for key, item in value.items())
    if value is None:
        return ""
    if value == NOT_NAMED:
        return gettext(NOT_NAMED)
    return str(value)


def subject_access_html(held: dict[str, Any], language: str = "en",
                        style_nonce: str | None = None) -> str:
    """A standalone, printable HTML document of a subject access export; served as a
    page, its style block carries the response's nonce (``style_nonce``)."""
    return environment(language).get_template("reports/subject_access.html").render(
        held=held, language=language, style_nonce=style_nonce)
