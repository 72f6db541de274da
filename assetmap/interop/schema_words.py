"""JSON Schema's complaints in our own words, through the catalogue: an import report or an
API answer about a received file reads in Welsh on a Welsh page, like every other message.

jsonschema writes its messages in English only; each error also says which rule failed
(``validator``) and with what value, and that is what is said here. A rule not listed keeps
jsonschema's own text, marked as such.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assetmap.i18n import N_, Problem

if TYPE_CHECKING:  # jsonschema's format grammars take a second to load: only when used
    from jsonschema.exceptions import ValidationError

#: "must be" a JSON type, as whole sentences (a Welsh noun after "yn" mutates: no sentence
#: is built from parts)
MUST_BE_TYPE = {"string": N_("must be text"), "integer": N_("must be a whole number"),
                "number": N_("must be a number"), "boolean": N_("must be true or false"),
                "array": N_("must be a list"), "object": N_("must be an object"),
                "null": N_("must be empty (null)")}
#: "must be" a format, as whole sentences, with the value given
MUST_BE_FORMAT = {
    "uri": N_("must be a full web address (such as https://example.org/page), not %(value)s"),
    "date-time": N_("must be a date and time with its offset from UTC (such as "
                    "2026-03-01T09:30:00Z), not %(value)s"),
    "date": N_("must be a date (such as 2026-03-01), not %(value)s"),
    "email": N_("must be an e-mail address, not %(value)s"),
    "uuid": N_("must be a UUID, not %(value)s"),
    "time": N_("must be a time with its offset from UTC, not %(value)s")}


def _listed(values: object) -> str:
    if isinstance(values, (list, tuple)):
        return ", ".join(repr(value) for value in values)
    return repr(values)


def problem(error: ValidationError) -> Problem:
    """``error`` as a :class:`Problem` (a catalogue template and its values).

    >>> from jsonschema import Draft202012Validator
    >>> [str(problem(e)) for e in Draft202012Validator(
    ...     {"required": ["name"], "properties": {"age": {"minimum": 0}}}).iter_errors(
    ...     {"age": -1})]
    ['must be at least 0', 'name is required']
    """
    rule, value, instance = error.validator, error.validator_value, error.instance
    if rule == "required":
        missing = [name for name in value if isinstance(instance, dict) and name not in instance]
        return Problem(N_("%(name)s is required"), name=", ".join(missing) or _listed(value))
    if rule == "type":
        kinds = value if isinstance(value, list) else [value]
        if len(kinds) == 1 and kinds[0] in MUST_BE_TYPE:
            return Problem(MUST_BE_TYPE[kinds[0]])
        return Problem(N_("must be of the JSON type %(kinds)s"), kinds=" / ".join(map(str, kinds)))
    if rule == "format":
        return Problem(MUST_BE_FORMAT.get(value, N_("must be in the format %(format)s, not "
                                                    "%(value)s")),
                       format=value, value=repr(instance)[:80])
    if rule in ("enum", "const"):
        return Problem(N_("must be one of %(choices)s, not %(value)s"),
                       choices=_listed(value)[:300], value=repr(instance)[:80])
    limits = {
        "minLength": N_("must be at least %(limit)s characters"),
        "maxLength": N_("must be at most %(limit)s characters"),
        "minimum": N_("must be at least %(limit)s"),
        "maximum": N_("must be at most %(limit)s"),
        "exclusiveMinimum": N_("must be more than %(limit)s"),
        "exclusiveMaximum": N_("must be less than %(limit)s"),
        "minItems": N_("must hold at least %(limit)s items"),
        "maxItems": N_("must hold at most %(limit)s items"),
    }
    if rule in limits:
        return Problem(limits[rule], limit=value)
    if rule == "pattern":
        return Problem(N_("is not in the form this field takes"))
    if rule == "uniqueItems":
        return Problem(N_("must not list the same item twice"))
    if rule in ("additionalProperties", "unevaluatedProperties"):
        extra = sorted(set(instance) - set(error.schema.get("properties", {}))) \
            if isinstance(instance, dict) else []
        return Problem(N_("does not take %(names)s"), names=", ".join(extra) or "?")
    return Problem(N_("does not follow the schema (%(detail)s)"), detail=error.message[:300])
