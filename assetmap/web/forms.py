"""Between HTML forms and the model: form values in, field messages out.

Field rules live in :mod:`assetmap.model` alone; forms only turn what a browser sends
(text, ticked boxes, comma-separated lists) into the values the model checks, and the
model's :class:`InvalidRecord` back into a message beside each field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from werkzeug.datastructures import MultiDict

from assetmap.i18n import say
from assetmap.model import InvalidRecord
from assetmap.web.i18n import language


def field_errors(exc: InvalidRecord) -> dict[str, str]:
    """``{field: message}``, the first message for each field, in the page's language."""
    errors: dict[str, str] = {}
    for name, problem in exc.errors:
        errors.setdefault(name.split(".")[0], say(problem, language()))
    return errors


def said(exc: InvalidRecord) -> str:
    """A refusal as a reader reads it in a message: each field's label and its problem, in
    the page's language (never the system's own wording)."""
    from assetmap.web.filters import field_label

    return "; ".join(f"{field_label(name)}: {problem}"
                     for name, problem in field_errors(exc).items())


def values(
    form: MultiDict,
    text: Iterable[str] = (),
    lists: Iterable[str] = (),
    choices: Iterable[str] = (),
    ticks: Iterable[str] = (),
    numbers: Iterable[str] = (),
    integers: Iterable[str] = (),
    answers: Iterable[str] = (),
) -> dict[str, Any]:
    """The fields of a submitted form as model input.

    ``text``: trimmed strings, empty means not given; ``lists``: comma-separated tags;
    ``choices``: several values of one name (checkboxes); ``ticks``: a checkbox is true
    when sent; ``numbers``: passed as text for the model to read (and to refuse nicely);
    ``integers``: whole numbers where the model wants a choice of numbers (a circle);
    ``answers``: a question answered yes, no or not known ("yes", "no", "": True, False,
    None), for facts that may not have been asked.
    """
    data: dict[str, Any] = {}
    for name in (*text, *numbers):
        value = form.get(name, "").strip()
        data[name] = value if value else None
    for name in integers:
        value = form.get(name, "").strip()
        data[name] = int(value) if value.isdigit() else (value or None)
    for name in lists:
        data[name] = [part.strip() for part in form.get(name, "").split(",") if part.strip()]
    for name in choices:
        data[name] = form.getlist(name)
    for name in ticks:
        data[name] = name in form
    for name in answers:
        data[name] = {"yes": True, "no": False}.get(form.get(name, ""), form.get(name) or None)
    return data


def as_form(record: Mapping[str, Any], lists: Iterable[str] = (),
            answers: Iterable[str] = ()) -> dict[str, Any]:
    """A stored record as the values a form shows (lists joined with commas; ``answers``
    as "yes", "no" or "" for not known)."""
    shown = dict(record)
    for name in lists:
        shown[name] = ", ".join(record.get(name) or ())
    for name in answers:
        shown[name] = {True: "yes", False: "no"}.get(record.get(name), "")
    return shown

