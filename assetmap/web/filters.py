"""Jinja filters: how values read on a page, in the page's language (days, dates, money,
numbers, distances, the model's codes, analysis reasons, bilingual names)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from babel.numbers import format_decimal
from flask import Flask, current_app, url_for
from flask_babel import gettext
from jinja2 import Undefined

from assetmap import clock, gazetteer, names
from assetmap.analysis.parameters import PARAMETERS
from assetmap.analysis.reasons import SLOT, in_language
from assetmap.i18n import LOCALES, N_, day_in, moment_in, say
from assetmap.services import freshness
from assetmap.web.i18n import language


def _locale() -> str:
    return LOCALES.get(language(), "en_GB")


def translated(mapping: Mapping[Any, str]) -> dict[Any, str]:
    """A code -> name table in the page's language."""
    return {code: gettext(name) for code, name in mapping.items()}


def money(pence: int | None) -> str:
    """'Free', '£2.50', or 'Cost not given' (never free because nobody said: a record
    without the field reaches a template as Undefined)."""
    if pence is None or isinstance(pence, Undefined):
        return gettext("Cost not given")
    if not pence:
        return gettext("Free")
    return f"£{pence // 100}.{pence % 100:02d}"


def number(value: float | int | None) -> str:
    """A number as the page's language writes it (1,234.5)."""
    return "" if value is None else format_decimal(value, locale=_locale())


def distance(metres: float | None) -> str:
    if metres is None:
        return ""
    if metres >= 1000:
        return f"{format_decimal(round(metres / 1000, 1), locale=_locale())} km"
    return f"{round(metres, -1):.0f} m"


def day(value: str | date | None) -> str:
    """A date (or the date of an ISO timestamp) written out: '3 Mawrth 2026'."""
    return day_in(value, language())


def moment(value: str | datetime | None) -> str:
    """A timestamp (stored in UTC) as the page's language writes it, in Wales's own time:
    '2 Rhagfyr 2026, 14:05:09'."""
    return moment_in(value, language())


def weekday(code: str) -> str:
    return gettext(names.WEEKDAY_NAMES[code]) if code in names.WEEKDAY_NAMES else code


def when(session: Mapping[str, Any]) -> str:
    """An activity's day and times as a reader reads them: "Tuesday 10:00–12:00
    (fortnightly)", "Tuesday, times not given", "Times not given"."""
    if not session.get("weekday"):
        return gettext("Times not given")
    said = weekday(session["weekday"])
    said += f" {session['start']}–{session['end']}" if session.get("start") else \
        ", " + gettext("times not given")
    if session.get("frequency") and session["frequency"] != "weekly":
        said += f" ({frequency(session['frequency'])})"
    return said


def delivered(activity: Mapping[str, Any]) -> list[str]:
    """How an activity without a venue reaches people, in words ("by phone", "online",
    "comes to you"); nothing for one held at its venue."""
    return [gettext(names.DELIVERY_NAMES[mode]) for mode in activity.get("delivery") or []
            if mode != "in_person" and mode in names.DELIVERY_NAMES]


def day_part_name(code: str) -> str:
    return gettext(names.PART_NAMES[code]) if code in names.PART_NAMES else code


def free_time(code: str) -> str:
    """An availability code in words: 'tue_am' -> 'Tuesday morning'."""
    day, _, part = code.partition("_")
    # the catalogue orders the words: "bore Dydd Sadwrn" in Welsh
    return gettext(SLOT, weekday=weekday(day), part=day_part_name(part))


def frequency(code: str) -> str:
    return gettext(names.FREQUENCY_NAMES[code]) if code in names.FREQUENCY_NAMES else code


def language_name(code: str) -> str:
    return gettext(names.LANGUAGE_NAMES[code]) if code in names.LANGUAGE_NAMES else code


def local(english: str | None, welsh: str | None) -> str:
    """A bilingual name in the page's language: the Welsh one on Welsh pages when there is
    one, else the English."""
    return welsh if language() == "cy" and welsh else (english or "")


def local_name(record: Mapping[str, Any]) -> str:
    """A record's ``name`` in the page's language (its ``name_cy`` on a Welsh page)."""
    return local(record.get("name"), record.get("name_cy"))


def organisation_named(record: Mapping[str, Any]) -> str:
    """An organisation record's own name in the page's language."""
    return local(record.get("name"), record.get("name_cy")) or record.get("id", "")


def ages(activity: Mapping[str, Any]) -> str:
    """Who an activity is for by age, as people say it: "50 and over", "up to 11", "5 to 11",
    "All ages"."""
    low, high = activity.get("age_min") or 0, activity.get("age_max")
    open_ended = high is None or high >= 120
    if not low and open_ended:
        return gettext("All ages")
    if open_ended:
        return gettext("%(age)s and over", age=low)
    if not low:
        return gettext("up to %(age)s", age=high)
    return gettext("%(low)s to %(high)s", low=low, high=high)


def action_name(code: str) -> str:
    """An audit entry's action as a reader reads it ("changed", "signed in")."""
    return gettext(names.ACTION_NAMES[code]) if code in names.ACTION_NAMES else code


_ROUTE = re.compile(r"^(GET|HEAD|POST|PUT|PATCH|DELETE) (/\S*)$")


def audit_detail(detail: str | None, action: str | None = None) -> str:
    """An audit entry's detail as a reader reads it: a request's route becomes the part of
    the record it reached ("web page: referrals", "API: the circle"), a fixed phrase is
    translated, anything else (ids, file names) is shown as recorded. In English,
    "GET /people/<person_id>/referrals" reads "web page: referrals".
    """
    if not detail:
        return ""
    route = _ROUTE.match(detail)
    if route:
        path = route.group(2)
        rest = path.split("<person_id>", 1)[1] if "<person_id>" in path else ""
        part = rest.strip("/").split("/", 1)[0]
        where = gettext(names.AUDIT_ROUTE_PARTS.get(part, names.AUDIT_ROUTE_PARTS[""]))
        if path.startswith("/api/"):
            return gettext("API: %(part)s", part=where)
        return gettext("web page: %(part)s", part=where)
    for key in (f"{action} {detail}", detail):  # "password" on signing in is how, not what
        if key in names.AUDIT_DETAILS:
            return gettext(names.AUDIT_DETAILS[key])
    return detail


def address_lines(place: Mapping[str, Any]) -> list[str]:
    """A place's address as its lines: the street address, the town in the page's
    language (once, though the address may end with it too), the postcode. In English,
    {"address": "Great Oak Street, Llanidloes", "town": "Llanidloes", "postcode":
    "SY18 6BN"} gives ["Great Oak Street, Llanidloes", "SY18 6BN"].
    """
    address = (place.get("address") or "").rstrip(" ,")
    named = place.get("town")
    if named and address.lower().endswith(named.lower()):
        # the town ends the address: written once, in the page's language
        lines = [address[: -len(named)] + town(named)]
    else:
        lines = [address] if address else []
        lines += [town(named)] if named else []
    return lines + ([place["postcode"]] if place.get("postcode") else [])


def capitalised(choices: Mapping[Any, str]) -> dict[Any, str]:
    """Choices (``{value: label}``) with each label's first letter a capital, for a list
    of choices ("Morning") of words used inside sentences ("on Tuesday morning").

    >>> capitalised({"am": "morning", "pm": "prynhawn"})
    {'am': 'Morning', 'pm': 'Prynhawn'}
    """
    return {value: label[:1].upper() + label[1:] for value, label in choices.items()}


def record_type_name(code: str | None) -> str:
    """The kind of record an audit entry is about, in the page's language."""
    return gettext(names.RECORD_TYPE_NAMES[code]) if code in names.RECORD_TYPE_NAMES \
        else (code or "")


def organisation(record: Any) -> str:
    """The name of the organisation a record carries (``organisation_name``, its Welsh
    ``organisation_name_cy``) in the page's language, or its id when it has no name."""
    name = getattr(record, "organisation_name", None) if not isinstance(record, Mapping) \
        else record.get("organisation_name")
    welsh = getattr(record, "organisation_name_cy", None) if not isinstance(record, Mapping) \
        else record.get("organisation_name_cy")
    identifier = getattr(record, "organisation_id", None) if not isinstance(record, Mapping) \
        else record.get("organisation_id")
    return local(name, welsh) or identifier or ""


def town(name: str | None) -> str:
    """A town's name as the page's language writes it: Y Drenewydd on a Welsh page."""
    return local(name, gazetteer.welsh_names().get(name or ""))


def reason(item: Mapping[str, Any]) -> str:
    """An analysis reason (``{"code", "params", "text"}``) in the page's language."""
    return in_language(item, language())


def say_problem(message: str) -> str:
    """A message that may carry a catalogue template (``i18n.Problem``), in the page's
    language."""
    return say(message, language())


def field_label(name: str) -> str:
    """A form field's name as the error summary shows it."""
    label = names.FIELD_LABELS.get(name)
    return gettext(label) if label else name.replace("_", " ").capitalize()


def error_link(error: tuple[str, str]) -> dict[str, str]:
    """A ``(field, message)`` as a line of the error summary, linking to the field."""
    name, message = error
    return {"text": f"{field_label(name)}: {message}", "href": f"#f-{name}"}


def sentence(text: str) -> str:
    """A message as a sentence on its own starts with a capital (a field's error under
    it), though the same message follows a colon in lower case elsewhere."""
    return text[:1].upper() + text[1:]


def hyphenated(attributes: Mapping[str, Any]) -> dict[str, Any]:
    """Macro keyword arguments as HTML attributes: ``data_x`` becomes ``data-x``."""
    return {key.replace("_", "-"): value for key, value in attributes.items()}


def invalid(name: str, errors: Mapping[str, str] | None) -> dict[str, str]:
    """``aria-invalid`` for a field with an error: screen readers say so as well as reading
    the message the design system ties to it."""
    return {"aria-invalid": "true"} if errors and name in errors else {}


# pages reached from a navigation place that are not that place's own endpoint
_NAV_SECTION = {"admin.change_user": "admin.users", "admin.renew_invitation": "admin.users"}


def navigation(places: list[tuple[str, str]], here: str | None) -> list[dict[str, Any]]:
    """The ``(endpoint, text)`` places of the site's navigation as GOV.UK's service
    navigation takes them. One place is active: the current endpoint's own, or the one
    place of the current blueprint (every page of Areas belongs to Areas)."""
    here = _NAV_SECTION.get(here or "", here or "")
    blueprint = here.partition(".")[0]
    same_blueprint = [endpoint for endpoint, _text in places
                      if endpoint.partition(".")[0] == blueprint]
    active = here if here in same_blueprint or len(same_blueprint) != 1 else same_blueprint[0]
    return [{"href": url_for(endpoint), "text": text, "active": endpoint == active}
            for endpoint, text in places]


#: who last checked a listing, as its page says it
CHECKED_BY = {"provider": N_("Checked %(date)s by its organisers"),
              "staff": N_("Checked %(date)s by staff"),
              "import": N_("Checked %(date)s: from a list imported then")}


def checked(listing: Mapping[str, Any]) -> str:
    """When a listing was last checked and by whom: "Checked 3 March 2026 by its
    organisers"; one written before assetmap kept the date says so, with the day it last
    changed."""
    if listing.get("checked_at"):
        return gettext(CHECKED_BY.get(listing.get("checked_by") or "staff",
                                      CHECKED_BY["staff"]), date=day(listing["checked_at"]))
    return gettext("Not known when it was last checked; last changed %(date)s",
                   date=day(listing.get("updated_at")))


def listing_state(listing: Mapping[str, Any]) -> str:
    """"fresh", "stale" or "hidden" (:mod:`assetmap.services.freshness`), under the
    settings' limits."""
    return freshness.state(dict(listing),
                           freshness.Limits.of(current_app.config["ASSETMAP"]))


def not_on(activity: Mapping[str, Any]) -> list[str]:
    """The dates still to come that an activity is cancelled on, written out."""
    today = clock.today().isoformat()
    return [day(when) for when in sorted(str(d) for d in activity.get("cancelled_dates") or [])
            if when >= today]


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        money=money, number=number, distance=distance, day=day, moment=moment, weekday=weekday,
        day_part=day_part_name, free_time=free_time, frequency=frequency,
        language_name=language_name, local=local, reason=reason, field_label=field_label,
        say=say_problem, zip=zip, town=town, organisation=organisation,
        action_name=action_name, organisation_named=organisation_named, ages=ages,
        audit_detail=audit_detail, record_type_name=record_type_name, capitalised=capitalised,
        address_lines=address_lines, sentence=sentence, when=when, delivered=delivered,
        local_name=local_name, checked=checked, not_on=not_on,
        error_link=error_link, hyphenated=hyphenated)
    # the thresholds pages name come from the analysis's own parameters
    app.jinja_env.globals["PARAMETERS"] = PARAMETERS
    app.jinja_env.globals["invalid"] = invalid
    app.jinja_env.globals["navigation"] = navigation
    app.jinja_env.globals["listing_state"] = listing_state
    # "step_free is known_in place": yes or no was recorded (not known is neither)
    app.jinja_env.tests["known_in"] = lambda field, record: record.get(field) is not None

    @app.context_processor
    def vocabulary() -> dict[str, Any]:
        return {key: translated(getattr(names, key)) for key in (
            "ACCESS_NAMES", "CATEGORY_NAMES", "WEEKDAY_NAMES", "PART_NAMES", "ROLE_NAMES",
            "CIRCLE_NAMES", "RELATION_NAMES", "CONTACT_NAMES", "PURPOSE_NAMES",
            "PURPOSE_CHOICES", "STATUS_NAMES", "RISK_NAMES", "SUGGESTION_KINDS",
            "PLACE_KIND_NAMES", "FREQUENCY_NAMES", "DELIVERY_NAMES",
            "ORGANISATION_KIND_NAMES", "DISTANCE_BAND_NAMES", "LABEL_NAMES")}
