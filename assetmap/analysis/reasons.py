"""Reasons in words: every score and flag says why, with a stable code the UI can translate.

A :class:`Reason` carries a ``code`` (never changes; the web's Welsh catalogue keys on it)
and the figures that fill its text. :func:`describe` renders the English text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from assetmap.analysis.parameters import PARAMETERS
from assetmap.i18n import N_, translate

__all__ = ["REASON_TEXTS", "Reason", "describe", "in_language"]

#: code -> English text; ``{name}`` fields come from the reason's params
REASON_TEXTS: dict[str, str] = {
    # isolation (LSNS-6)
    "lsns6_at_risk": N_(
        "LSNS-6 score {total} of 30 is below {cut_off}: at risk of social isolation"),
    "lsns6_family_low": N_(
        "family ties score {family} of 15, below {low_below}: few family to rely on"),
    "lsns6_friends_low": N_(
        "friendship ties score {friends} of 15, below {low_below}: few friends to rely on"),
    "lsns6_questionnaire": N_("score from the LSNS-6 questionnaire recorded on {date}"),
    # not assessed: too little is known to give a score
    "not_assessed_age": N_(
        "not assessed: the LSNS-6 is for people aged {min_age} and over, and this person "
        "is younger"),
    "not_assessed_age_unknown": N_(
        "not assessed: the LSNS-6 is for people aged {min_age} and over, and no year of "
        "birth is recorded"),
    "not_assessed_too_little": N_(
        "not assessed: no questionnaire, no 'what matters' conversation and fewer than "
        "{needs} people recorded in the circle - record a questionnaire"),
    "not_assessed_not_recorded": N_(
        "not assessed: the score from recorded ties is {total} of 30, but how often they are "
        "in touch or how close they are is not recorded for some of the circle, and with "
        "those answered it could reach {cut_off} - record them, or a questionnaire"),
    # structure
    "fragile_circle": N_(
        "support hangs on one person: without {key_person} {lost_percent}% of the support "
        "in circles 1-3 would go"
    ),
    "no_natural_support": N_("no family, friend or neighbour recorded in circles 1-3"),
    "only_paid_support": N_("all recorded support is paid (circle 4: {paid} people)"),
    "no_participation": N_("no group membership or activity attendance recorded"),
    "lives_alone": N_("lives alone"),
    "no_activity_within_reach": N_(
        "the nearest suitable activity is {distance_km} km away, beyond the {reach_km} km reach"
    ),
    "no_activity_known": N_("no suitable activity recorded anywhere nearby"),
    "cut_off": N_("not connected to the wider community's network of ties"),
    # carers
    "carer_hours_50_plus": N_("cares for {hours} hours a week ({heavy_hours} or more)"),
    "carer_hours_20_49": N_(
        "cares for {hours} hours a week ({substantial_hours} to {substantial_up_to})"),
    "carer_circle_thin": N_(
        "the carer's own circle is thin: {members} people in circles 1-3 besides those "
        "they care for"
    ),
    "carer_circle_fragile": N_("the carer's own support hangs on one person ({key_person})"),
    "carer_isolation_risk": N_("the carer is at risk of social isolation (LSNS-6 {total})"),
    "carer_circle_not_recorded": N_(
        "not known: nobody is recorded in the carer's own circle besides those they care for"),
    "carer_isolation_not_assessed": N_("not known: the carer's own isolation is not assessed"),
    "carer_key_person": N_("the only support of {cared_for}, whose circle is fragile"),
    # suggestions
    "shares_interests": N_("shares interests: {interests}"),
    "skills_meet_needs": N_("can help with {needs}"),
    "speaks_welsh": N_("speaks Welsh"),
    "speaks_language": N_("speaks {language}"),
    "available_when_free": N_("free at the same times: {slots}"),
    "within_radius": N_("{distance_km} km away, within their {radius_km} km travel radius"),
    "has_capacity": N_("has room to support {capacity} more"),
    "mutual_friends": N_("knows {count} of the same people"),
    "shared_groups": N_("in the same group or activity: {groups}"),
    "lives_near": N_("lives {distance_km} km away"),
    "gift_meets_need": N_("{giver} can offer {gift} for the need '{need}'"),
    "exchange_both_ways": N_("each could help the other"),
    "interests_match": N_("matches interests: {categories}"),
    "day_and_time_match": N_("on {weekday} {part}, when free"),
    "welsh_language": N_("in Welsh"),
    "free_of_charge": N_("free"),
    "cost": N_("costs £{pounds}"),
    "distance": N_("{distance_km} km from home"),
    "accessible": N_("meets access needs: {needs}"),
    "runs_activity": N_("runs {activity}"),
    # suggestions of someone whose record the viewer may not see: nothing about them
    "shares_an_interest": N_("shares an interest with them"),
    "could_help": N_("could help with something they need"),
    "free_at_the_same_times": N_("free at the same times"),
    "within_travel_radius": N_("lives within their travel radius"),
    "has_room": N_("has room to support someone more"),
    "knows_people_they_know": N_("knows people they know"),
    "in_a_shared_group": N_("goes to a group or activity they go to"),
}


#: the thresholds reasons name, from the parameters: a reason records the ones its run
#: used; one stored before it did reads these
THRESHOLDS: dict[str, int] = {
    "cut_off": PARAMETERS.lsns6_at_risk_below,
    "low_below": PARAMETERS.lsns6_subscale_low_below,
    "heavy_hours": PARAMETERS.carer_heavy_hours,
    "substantial_hours": PARAMETERS.carer_substantial_hours,
    "substantial_up_to": PARAMETERS.carer_heavy_hours - 1,
    "min_age": PARAMETERS.lsns6_min_age,
    "needs": PARAMETERS.estimate_needs_people,
}


@dataclass(frozen=True)
class Reason:
    """Why: a stable ``code`` and the figures that complete its sentence."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in REASON_TEXTS:
            raise ValueError(f"unknown reason code {self.code!r}")

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": dict(self.params), "text": describe(self)}


def describe(reason: Reason, names: dict[str, str] | None = None) -> str:
    """The English sentence for ``reason``; ``names`` turns person ids into names.

    >>> describe(Reason("lives_alone"))
    'lives alone'
    >>> describe(Reason("fragile_circle", {"key_person": "p-7", "lost_percent": 100}),
    ...          {"p-7": "Sian"})
    'support hangs on one person: without Sian 100% of the support in circles 1-3 would go'
    """
    names = names or {}
    values = {
        key: names.get(value, value) if isinstance(value, str) else value
        for key, value in {**THRESHOLDS, **reason.params}.items()
    }
    return REASON_TEXTS[reason.code].format_map(_Missing(values))


class _Missing(dict):
    def __missing__(self, key: str) -> str:
        return f"{{{key}}}"


#: parameters that are themselves words from ``assetmap.names`` (translated with the text)
WORD_PARAMS = ("weekday", "part", "language")
#: a free time ("fri_pm") in words; the order is the catalogue's ("prynhawn dydd Gwener")
SLOT = N_("%(weekday)s %(part)s")


def _codes_in_words(key: str, value: str, language: str) -> str:
    """A parameter holding codes joined by ", " (free times, categories, access needs)
    in words."""
    from assetmap.names import ACCESS_NAMES, CATEGORY_NAMES, PART_NAMES, WEEKDAY_NAMES

    def word(code: str) -> str:
        if key == "categories":
            return translate(CATEGORY_NAMES[code], language) if code in CATEGORY_NAMES else code
        if key == "needs" and code in ACCESS_NAMES:
            return translate(ACCESS_NAMES[code], language).lower()
        day, _, part = code.partition("_")
        if day in WEEKDAY_NAMES and part in PART_NAMES:
            return translate(SLOT, language, weekday=translate(WEEKDAY_NAMES[day], language),
                             part=translate(PART_NAMES[part], language))
        return code

    return ", ".join(word(code) for code in value.split(", "))


def in_language(item: Mapping[str, Any], language: str) -> str:
    """A reason as stored or sent (``{"code", "params", "text"}``) in ``language``;
    an unknown code keeps its stored text.

    >>> in_language({"code": "lives_alone", "params": {}}, "en")
    'lives alone'
    """
    code, params = item.get("code"), {**THRESHOLDS, **(item.get("params") or {})}
    if code not in REASON_TEXTS:
        return str(item.get("text", ""))
    if language == "cy":  # a name given in Welsh too ("activity_cy") is shown in Welsh
        params.update({key[:-3]: value for key, value in params.items()
                       if key.endswith("_cy") and value})
    for key in WORD_PARAMS:
        if isinstance(params.get(key), str):
            params[key] = translate(params[key], language)
    worded = ("slots", "categories", "needs") if code == "accessible" else ("slots", "categories")
    for key in worded:
        if isinstance(params.get(key), str):
            params[key] = _codes_in_words(key, params[key], language)
    try:
        return translate(REASON_TEXTS[code], language).format(**params)
    except (KeyError, IndexError, ValueError):
        return str(item.get("text", ""))
