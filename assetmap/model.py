"""Domain types and every field rule, in one place.

Each node label of DESIGN.md §4 has a pydantic model here, and each relationship type a
model of its properties plus the labels it may join. ``NODE_TYPES`` and
``RELATIONSHIPS`` are also the whitelist: no label or relationship type reaches a Cypher
statement unless it is a key of one of them.

A rule broken anywhere raises :class:`InvalidRecord`, which names the field and the problem.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, ClassVar, Literal

import pycountry
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)
from pydantic import ValidationError as PydanticValidationError

from assetmap import clock
from assetmap.i18n import N_, Problem

# ---------------------------------------------------------------------------
# Errors


class InvalidRecord(ValueError):
    """A record breaks a field rule.

    ``errors`` is a list of ``(field, problem)`` pairs; ``str()`` gives one readable line.
    """

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{name}: {problem}" for name, problem in errors))

    @property
    def field(self) -> str:
        return self.errors[0][0]

    @property
    def problem(self) -> str:
        return self.errors[0][1]


class FieldProblem(ValueError):
    """Raised inside cross-field checks so the error still names its field."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(problem)


def _invalid(template: str, **params: object) -> ValueError:
    """A field rule's refusal, in words the catalogue can translate."""
    return ValueError(Problem(template, **params))


#: pydantic's own checks, in our words: error type -> message (``%(name)s`` from its ctx)
PYDANTIC_PROBLEMS = {
    "extra_forbidden": N_("unknown field"),
    "missing": N_("is required"),
    "string_too_long": N_("must be at most %(max_length)s characters"),
    "string_too_short": N_("must not be empty"),
    "too_long": N_("must have at most %(max_length)s items"),
    "too_short": N_("must have at least %(min_length)s"),
    "greater_than_equal": N_("must be %(ge)s or more"),
    "less_than_equal": N_("must be %(le)s or less"),
    "greater_than": N_("must be more than %(gt)s"),
    "less_than": N_("must be less than %(lt)s"),
    "int_parsing": N_("must be a whole number"),
    "int_from_float": N_("must be a whole number"),
    "int_type": N_("must be a whole number"),
    "float_parsing": N_("must be a number"),
    "float_type": N_("must be a number"),
    "bool_parsing": N_("must be yes or no"),
    "bool_type": N_("must be yes or no"),
    "string_type": N_("must be text"),
    "list_type": N_("must be a list"),
    "literal_error": N_("must be one of %(expected)s"),
    "date_parsing": N_("must be a date (YYYY-MM-DD)"),
    "date_from_datetime_parsing": N_("must be a date (YYYY-MM-DD)"),
    "date_type": N_("must be a date (YYYY-MM-DD)"),
    "string_pattern_mismatch": N_("is not in the expected form"),
}


def _problem_text(error: dict[str, Any]) -> str:
    kind = error["type"]
    if kind.endswith("_type") and error.get("input") is None:
        kind = "missing"
    if kind in PYDANTIC_PROBLEMS:
        limits = {key: f"{value:g}" if isinstance(value, float) else value
                  for key, value in error.get("ctx", {}).items()}
        if "expected" in limits:  # pydantic's "'a', 'b' or 'c'": the "or" is English
            limits["expected"] = str(limits["expected"]).replace(" or ", ", ")
        return Problem(PYDANTIC_PROBLEMS[kind], **limits)
    return error["msg"].removeprefix("Value error, ")


def from_pydantic(exc: PydanticValidationError) -> InvalidRecord:
    errors = []
    for error in exc.errors():
        cause = error.get("ctx", {}).get("error")
        if isinstance(cause, FieldProblem):
            errors.append((cause.field, cause.problem))
            continue
        name = ".".join(str(part) for part in error["loc"]) or "record"
        if isinstance(cause, ValueError) and isinstance(cause.args[0], Problem):
            errors.append((name, cause.args[0]))
        else:
            errors.append((name, _problem_text(error)))
    return InvalidRecord(errors)


# ---------------------------------------------------------------------------
# Field rules

UK_LAT = (49.8, 60.9)
UK_LON = (-8.7, 1.8)
FIRST_BIRTH_YEAR = 1900

_POSTCODE = re.compile(r"^(GIR 0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})$")
_POSTCODE_DISTRICT = re.compile(r"^[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DayPart = Literal["am", "pm", "eve"]
WEEKDAYS: tuple[str, ...] = Weekday.__args__  # type: ignore[attr-defined]
DAY_PARTS: tuple[str, ...] = DayPart.__args__  # type: ignore[attr-defined]
_OPENING = re.compile(
    rf"^({'|'.join(WEEKDAYS)}) ([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$"
)
_LANGUAGE_CODES = frozenset(
    lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2")
)


def _check_id(value: str) -> str:
    if not _ID.match(value):
        raise _invalid(N_(
            "must be 1-80 letters, digits, '-', '_', '.' or ':' starting with a letter or digit"
        ))
    return value


def _check_postcode(value: str) -> str:
    normal = " ".join(value.upper().split())
    if not _POSTCODE.match(normal):
        raise _invalid(N_("%(value)s is not a UK postcode (e.g. 'SY18 6AB')"), value=repr(value))
    if " " not in normal:
        normal = f"{normal[:-3]} {normal[-3:]}"
    return normal


def _check_language(value: str) -> str:
    if value not in _LANGUAGE_CODES:
        raise _invalid(N_("%(value)s is not an ISO 639-1 language code (e.g. 'cy', 'en')"),
                       value=repr(value))
    return value


def _check_email(value: str) -> str:
    normal = value.strip().lower()
    if not normal:
        raise _invalid(N_("give an e-mail address"))
    if not _EMAIL.match(normal) or len(normal) > 254:
        raise _invalid(N_("%(value)s is not an e-mail address"), value=repr(value))
    return normal


def _check_clock(value: str) -> str:
    if not _CLOCK.match(value):
        raise _invalid(N_("%(value)s is not a 24-hour time HH:MM"), value=repr(value))
    return value


def _check_opening(value: str) -> str:
    if not _OPENING.match(value):
        raise _invalid(N_("%(value)s is not 'day HH:MM-HH:MM' (e.g. 'mon 09:00-17:00')"),
                       value=repr(value))
    return value


def _check_birth_year(value: int) -> int:
    this_year = clock.this_year()
    if not FIRST_BIRTH_YEAR <= value <= this_year:
        raise _invalid(N_("must be between %(first)s and %(last)s"), first=FIRST_BIRTH_YEAR,
                       last=this_year)
    return value


def _check_availability(value: str) -> str:
    day, _, part = value.partition("_")
    if day not in WEEKDAYS or part not in DAY_PARTS:
        raise _invalid(N_("%(value)s is not a day and part of day such as 'tue_am'"),
                       value=repr(value))
    return value


def _parsed_json(value: str) -> Any:
    import json

    try:
        return json.loads(value)
    except (ValueError, RecursionError) as exc:  # nested past the recursion limit too
        raise _invalid(N_("is not valid JSON")) from exc


def _check_raw_json(value: str) -> str:
    if not isinstance(_parsed_json(value), dict):
        raise _invalid(N_("must be a JSON object"))
    return value


def _check_geojson(value: str) -> str:
    shape = _parsed_json(value)
    if not isinstance(shape, dict) or shape.get("type") not in ("Polygon", "MultiPolygon"):
        raise _invalid(N_("must be a GeoJSON Polygon or MultiPolygon geometry"))
    return value


Id = Annotated[str, AfterValidator(_check_id)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Tags = Annotated[list[Tag], Field(max_length=50)]
Postcode = Annotated[str, AfterValidator(_check_postcode)]
Language = Annotated[str, AfterValidator(_check_language)]
Email = Annotated[str, AfterValidator(_check_email)]
Clock = Annotated[str, AfterValidator(_check_clock)]
Latitude = Annotated[float, Field(ge=UK_LAT[0], le=UK_LAT[1])]
Longitude = Annotated[float, Field(ge=UK_LON[0], le=UK_LON[1])]
BirthYear = Annotated[int, AfterValidator(_check_birth_year)]
Availability = Annotated[str, AfterValidator(_check_availability)]
OpeningHours = Annotated[str, AfterValidator(_check_opening)]
GeoJSON = Annotated[str, AfterValidator(_check_geojson)]
#: fields an Open Referral record had that assetmap does not model, kept so export returns them
RawJson = Annotated[str, StringConstraints(max_length=100_000), AfterValidator(_check_raw_json)]
Hours = Annotated[float, Field(ge=0, le=168)]

Relation = Literal["family", "partner", "friend", "neighbour", "volunteer", "professional", "other"]
Circle = Literal[1, 2, 3, 4]
Contact = Literal["daily", "weekly", "monthly", "yearly", "rarely"]
Role = Literal["admin", "coordinator", "connector", "provider"]
RELATIONS: tuple[str, ...] = Relation.__args__  # type: ignore[attr-defined]
CIRCLES: tuple[int, ...] = Circle.__args__  # type: ignore[attr-defined]
CONTACTS: tuple[str, ...] = Contact.__args__  # type: ignore[attr-defined]
ROLES: tuple[str, ...] = Role.__args__  # type: ignore[attr-defined]
#: the roles of an organisation's staff; a provider (who runs a group or looks after a
#: place) is no one's staff and comes in only by claiming a listing
STAFF_ROLES: tuple[str, ...] = ("admin", "coordinator", "connector")
InterfaceLanguage = Literal["cy", "en"]
AreaLevel = Literal["small_area", "middle_area", "ward", "local_authority", "health_board"]
OrganisationKind = Literal["cvc", "carers", "council", "health", "charity", "other"]
ORGANISATION_KINDS: tuple[str, ...] = OrganisationKind.__args__  # type: ignore[attr-defined]
PlaceKind = Literal[
    "hall", "library", "chapel", "church", "cafe", "park", "surgery", "leisure_centre",
    "pub", "school", "community_centre", "other",
]
Category = Literal[
    "social", "exercise", "arts", "music", "faith", "learning", "outdoors", "food",
    "support", "carers", "health", "digital", "gardening", "crafts", "heritage", "other",
]
CATEGORIES: tuple[str, ...] = Category.__args__  # type: ignore[attr-defined]
Frequency = Literal["weekly", "fortnightly", "monthly"]
#: how an activity or service reaches people: at its venue, or without one
Delivery = Literal["in_person", "phone", "online", "home"]
DELIVERIES: tuple[str, ...] = Delivery.__args__  # type: ignore[attr-defined]
ReferralStatus = Literal["suggested", "contacted", "attended", "declined"]
ConsentPurpose = Literal[
    "share_with_organisation", "open_to_connect", "record_keeping", "move_record"]
CONSENT_PURPOSES: tuple[str, ...] = ConsentPurpose.__args__  # type: ignore[attr-defined]
AccessNeed = Literal["step_free", "hearing_loop", "accessible_toilet", "parking"]
ACCESS_NEEDS: tuple[str, ...] = AccessNeed.__args__  # type: ignore[attr-defined]
#: an LSNS-6 answer as scored: 0 none, 1 one, 2 two, 3 three or four, 4 five to eight, 5 nine+
Lsns6Answer = Annotated[int, Field(ge=0, le=5)]
AREA_LEVELS: tuple[str, ...] = AreaLevel.__args__  # type: ignore[attr-defined]


def now_iso() -> str:
    """The current time in UTC, ISO-8601: every timestamp is set by Python."""
    return clock.now_iso()


def new_id() -> str:
    return str(uuid.uuid4())


#: the namespace of the Open Referral (HSDS) ids made from assetmap's own
HSDS_NAMESPACE = uuid.UUID("1b0d6a47-62f5-4a4c-9f2e-8f3a8b4c2d10")


def hsds_id(label: str, node_id: str) -> str:
    """The HSDS id of a node: its own id if that is a UUID, else a stable UUID-5.

    >>> hsds_id("Activity", "act-1") == hsds_id("Activity", "act-1") != hsds_id("Place", "act-1")
    True
    >>> hsds_id("Place", "3a19ff88-4620-4d17-9830-ac1d859eb5d5")
    '3a19ff88-4620-4d17-9830-ac1d859eb5d5'
    """
    try:
        if str(uuid.UUID(node_id)) == node_id.lower():
            return node_id.lower()
    except ValueError:
        pass
    return str(uuid.uuid5(HSDS_NAMESPACE, f"{label}:{node_id}"))


# ---------------------------------------------------------------------------
# Nodes


def _stored_value(value: Any) -> Any:
    """A value as the graph keeps it: dates (also in lists) as ISO strings."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [item.isoformat() if isinstance(item, date) else item for item in value]
    return value


class Record(BaseModel):
    """Common base: no unknown fields, an application ``id`` on every node."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    label: ClassVar[str]
    #: properties that carry a location: ``lat``/``lon`` give the ``location`` point
    located: ClassVar[bool] = False
    #: properties queries filter on: each gets an index (the ``id`` is always unique)
    indexed: ClassVar[tuple[str, ...]] = ()
    #: properties searched as text: a full-text index
    text_search: ClassVar[tuple[str, ...]] = ()
    #: indexes on an extra label's nodes only (a geo search among volunteers)
    extra_indexed: ClassVar[dict[str, tuple[str, ...]]] = {}

    id: Id = Field(default_factory=new_id)

    def properties(self) -> dict[str, Any]:
        """The node's properties for the graph: no ``None`` values, dates as ISO strings."""
        return {key: _stored_value(value) for key, value in self.model_dump().items()
                if value is not None}


class Person(Record):
    label: ClassVar[str] = "Person"
    located = True
    indexed = ("area", "postcode", "open_to_connect", "name")
    extra_indexed = {"Volunteer": ("location",)}
    #: fields only a consent sets (and its withdrawal ends): no form, API body or import
    #: sets them directly
    set_by_consent: ClassVar[tuple[str, ...]] = ("open_to_connect",)

    name: Name
    birth_year: BirthYear | None = None
    #: first language first; none recorded is not known (never assumed English)
    languages: Annotated[list[Language], Field(max_length=10)] = []
    interests: Tags = []
    gifts: Tags = []
    needs: Tags = []
    lives_alone: bool | None = None
    lat: Latitude | None = None
    lon: Longitude | None = None
    postcode: Postcode | None = None
    area: Id | None = None
    ward: Id | None = None
    open_to_connect: bool = False
    profession: Name | None = None
    #: when the person can take part (or, for a volunteer, give time): e.g. "tue_am"
    availability: Annotated[list[Availability], Field(max_length=21)] = []
    #: what a venue must have for the person to get in and take part
    access_needs: Annotated[list[AccessNeed], Field(max_length=4)] = []
    # Extra labels: Volunteer and Carer (DESIGN.md §4)
    volunteer: bool = False
    carer: bool = False
    radius_km: Annotated[float, Field(ge=0, le=200)] | None = None
    #: how many people a volunteer can support at once
    capacity: Annotated[int, Field(ge=0, le=50)] | None = None
    skills: Tags = []
    #: someone in a moved person's circle who did not consent to being named: the tie is
    #: kept (so the circle keeps its shape), nothing about them is
    placeholder: bool = False
    #: the portable record package this person arrived in (``assetmap person receive``)
    arrived_with: Id | None = None

    @model_validator(mode="after")
    def _location_pair(self) -> Person:
        _require_pair(self, "lat", "lon")
        if not self.volunteer and (self.radius_km is not None or self.capacity is not None):
            raise FieldProblem("volunteer", Problem(
                N_("radius_km and capacity are for volunteers only")))
        return self

    def extra_labels(self) -> tuple[str, ...]:
        return tuple(
            label for label, flag in (("Volunteer", self.volunteer), ("Carer", self.carer))
            if flag
        )


class Organisation(Record):
    label: ClassVar[str] = "Organisation"
    indexed = ("name",)

    name: Name
    name_cy: Name | None = None
    kind: OrganisationKind = "other"
    area: Id | None = None
    website: Annotated[str, StringConstraints(max_length=300)] | None = None
    hsds_raw: RawJson | None = None
    #: ids of the person packages it has taken on: a package is received once, also after
    #: the person it brought was erased (an id, nothing about the person)
    received_packages: Annotated[list[Id], Field(max_length=1_000_000)] = []


CheckedBy = Literal["provider", "staff", "import"]
#: set by the services that write a listing, shown to API readers, never taken from input
_SET_BY_SERVICE = {"readOnly": True}


class Listing(Record):
    """A directory entry the public finds: a group, a place or an activity. Each says when
    it was last checked and by whom (its provider, staff, an import), so a reader can
    judge it and a listing nobody has confirmed for months is asked about and then leaves
    the finder (:mod:`assetmap.services.freshness`). The services that write a listing set
    these two; a value sent with a record is replaced."""

    checked_fields: ClassVar[tuple[str, ...]] = ("checked_at", "checked_by")

    #: its contact address: a claim's link is sent to it
    email: Email | None = None
    checked_at: date | None = Field(default=None, json_schema_extra=_SET_BY_SERVICE)
    checked_by: CheckedBy | None = Field(default=None, json_schema_extra=_SET_BY_SERVICE)


class Group(Listing):
    label: ClassVar[str] = "Group"
    indexed = ("name", "area")
    text_search = ("name", "description")

    name: Name
    name_cy: Name | None = None
    description: Text | None = None
    description_cy: Text | None = None
    categories: Annotated[list[Category], Field(max_length=10)] = []
    welsh_language: bool = False
    area: Id | None = None
    email: Email | None = None
    #: the day its organisers said it stopped meeting for now (None: meeting)
    paused_since: date | None = None
    hsds_raw: RawJson | None = None


class Place(Listing):
    label: ClassVar[str] = "Place"
    located = True
    indexed = ("kind", "area", "postcode")
    text_search = ("name", "description")

    name: Name
    name_cy: Name | None = None
    description: Text | None = None
    description_cy: Text | None = None
    kind: PlaceKind = "other"
    address: Annotated[str, StringConstraints(max_length=300)] | None = None
    postcode: Postcode | None = None
    town: Name | None = None
    lat: Latitude
    lon: Longitude
    area: Id | None = None
    ward: Id | None = None
    # yes, no, or None: not known (never "no" because nobody asked)
    step_free: bool | None = None
    hearing_loop: bool | None = None
    accessible_toilet: bool | None = None
    parking: bool | None = None
    opening_hours: Annotated[list[OpeningHours], Field(max_length=21)] = []
    hsds_raw: RawJson | None = None


class Activity(Listing):
    """Something that happens: at a place (HELD_AT), or delivered without one (by phone,
    online, at home) to people in its service area. Whatever was not given is not stored:
    no day is "times not given", no cost is "cost not given" (never free), no language is
    "not known" (never English)."""

    label: ClassVar[str] = "Activity"
    # the lists: those without a venue are found through them (graph.assets)
    indexed = ("weekday", "welsh_language", "cost_pence", "area", "delivery", "service_areas")
    text_search = ("name", "description")

    name: Name
    name_cy: Name | None = None
    description: Text | None = None
    description_cy: Text | None = None
    weekday: Weekday | None = None
    start: Clock | None = None
    end: Clock | None = None
    frequency: Frequency | None = None
    cost_pence: Annotated[int, Field(ge=0, le=100_000)] | None = None
    welsh_language: bool | None = None
    categories: Annotated[list[Category], Field(min_length=1, max_length=10)]
    age_min: Annotated[int, Field(ge=0, le=120)] = 0
    age_max: Annotated[int, Field(ge=0, le=120)] = 120
    #: how it reaches people; nothing said of one held at a place means in person there
    delivery: Annotated[list[Delivery], Field(max_length=4)] = []
    #: where it is offered when it has no venue: area codes (any level, W92000004 for all
    #: of Wales), or a distance from a base point; neither: anywhere
    service_areas: Annotated[list[Id], Field(max_length=50)] = []
    reach_km: Annotated[float, Field(gt=0, le=500)] | None = None
    #: the base as the form gives it; the point comes from it unless one is given
    base_postcode: Postcode | None = None
    base_lat: Latitude | None = None
    base_lon: Longitude | None = None
    area: Id | None = None
    #: dates it does not happen ("not on 24 December"), and the day it ended for good
    cancelled_dates: Annotated[list[date], Field(max_length=60)] = []
    ended_on: date | None = None
    hsds_raw: RawJson | None = None

    @model_validator(mode="after")
    def _ranges(self) -> Activity:
        if (self.start is None) != (self.end is None):
            missing = "end" if self.end is None else "start"
            raise FieldProblem(missing, Problem(N_("is needed with the other time")))
        if self.start is not None and self.end is not None and self.start >= self.end:
            raise FieldProblem("end", Problem(N_("must be after start")))
        if self.age_min > self.age_max:
            raise FieldProblem("age_max", Problem(N_("must not be below age_min")))
        if self.reach_km is not None and (self.base_lat is None or self.base_lon is None) \
                and not self.base_postcode:  # the directory finds the point from it
            raise FieldProblem("reach_km", Problem(N_("needs the base point it is measured from")))
        return self

    def without_venue(self) -> bool:
        """Delivered without a venue: by phone, online or at home."""
        return any(mode != "in_person" for mode in self.delivery)


class Area(Record):
    label: ClassVar[str] = "Area"
    indexed = ("level", "name")

    name: Name
    name_cy: Name | None = None
    level: AreaLevel
    population: Annotated[int, Field(ge=0, le=10_000_000)] = 0
    geometry: GeoJSON | None = None


class User(Record):
    label: ClassVar[str] = "User"
    indexed = ("email",)

    email: Email
    name: Name | None = None
    role: Role
    password_hash: Annotated[str, StringConstraints(min_length=20, max_length=500)]
    active: bool = True
    #: SHA-256 of each live session's id, newest last: signing out ends one, signing out
    #: everywhere (or a new password) the others; a session not listed here is over
    live_sessions: Annotated[list[Annotated[str, StringConstraints(
        pattern=r"^[0-9a-f]{64}$")]], Field(max_length=20)] = []
    #: two-step sign-in: the TOTP secret (base32), the last time step used (no replays),
    #: and SHA-256 hashes of the unused recovery codes
    totp_secret: Annotated[str, StringConstraints(pattern=r"^[A-Z2-7]{32}$")] | None = None
    totp_last_step: Annotated[int, Field(ge=0)] | None = None
    recovery_codes: Annotated[list[Annotated[str, StringConstraints(
        pattern=r"^[0-9a-f]{64}$")]], Field(max_length=20)] = []
    #: the language pages are shown in (``cy`` or ``en``), set by the language switch
    language: InterfaceLanguage | None = None
    #: an invitation not yet taken up: SHA-256 of its one-time link's token, and until when
    #: it works; the user sets their own password through it (nobody else ever knows it)
    invitation_hash: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] | None = None
    invitation_expires: Annotated[str, StringConstraints(max_length=40)] | None = None


class WhatMatters(Record):
    label: ClassVar[str] = "WhatMatters"
    indexed = ("person_id",)

    person_id: Id
    date: date
    recorded_by: Id
    can_do_myself: Text = ""
    need_a_little_help: Text = ""
    others_might_provide: Text = ""

    ANSWERS: ClassVar[tuple[str, ...]] = (
        "can_do_myself", "need_a_little_help", "others_might_provide")
    #: an empty conversation would count as "spoken with" and let the circle be assessed
    SAYS_NOTHING: ClassVar[Problem] = Problem(N_(
        "enter what the person can do, what they need help with, or what others might provide"))

    @classmethod
    def says_nothing(cls, data: Mapping[str, Any]) -> bool:
        """No answer given (a form reports it with its other problems at once)."""
        return not any(str(data.get(name) or "").strip() for name in cls.ANSWERS)

    @model_validator(mode="after")
    def _says_something(self) -> WhatMatters:
        if self.says_nothing(self.__dict__):
            raise FieldProblem(self.ANSWERS[0], self.SAYS_NOTHING)
        return self


class Lsns6Response(Record):
    """A Lubben Social Network Scale-6 questionnaire answered by the person, as staff recorded it.

    Each answer is the scored band (0 none ... 5 nine or more); the items are, for family
    and then friends: seen or heard from monthly, can talk to about private matters, could
    call on for help.
    """

    label: ClassVar[str] = "Lsns6Response"
    indexed = ("person_id",)

    person_id: Id
    date: date
    recorded_by: Id
    family_monthly: Lsns6Answer
    family_private: Lsns6Answer
    family_help: Lsns6Answer
    friends_monthly: Lsns6Answer
    friends_private: Lsns6Answer
    friends_help: Lsns6Answer


class Consent(Record):
    label: ClassVar[str] = "Consent"
    indexed = ("person_id", "organisation_id")

    person_id: Id
    organisation_id: Id
    given_by: Literal["person", "representative"]
    representative_name: Name | None = None
    purpose: ConsentPurpose
    given_at: date
    until: date | None = None
    withdrawn_at: date | None = None
    #: the user who recorded it
    recorded_by: Id | None = None

    @model_validator(mode="after")
    def _who_and_when(self) -> Consent:
        if self.given_by == "representative" and not self.representative_name:
            raise FieldProblem("representative_name", Problem(N_("name the lawful representative")))
        if self.until is not None and self.until < self.given_at:
            raise FieldProblem("until", Problem(N_("must not be before the date it was given")))
        if self.withdrawn_at is not None and self.withdrawn_at < self.given_at:
            raise FieldProblem("withdrawn_at", Problem(
                N_("must not be before the date it was given")))
        return self


class ApiToken(Record):
    """A bearer token for the API: only its SHA-256 is kept (the token itself is shown once)."""

    label: ClassVar[str] = "ApiToken"
    indexed = ("token_hash", "user_id")

    user_id: Id
    name: Name = "API token"
    token_hash: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    revoked_at: Annotated[str, StringConstraints(max_length=40)] | None = None
    last_used_at: Annotated[str, StringConstraints(max_length=40)] | None = None


class AnalysisRun(Record):
    label: ClassVar[str] = "AnalysisRun"
    indexed = ("started_at",)

    started_at: Annotated[str, StringConstraints(max_length=40)]
    finished_at: Annotated[str, StringConstraints(max_length=40)] | None = None
    version: Annotated[str, StringConstraints(max_length=40)]
    parameters: Text = "{}"
    counts: Text = "{}"
    durations: Text = "{}"


class AuditHead(Record):
    """The audit trail's newest entry (number and hash), kept in the graph so a trail cut
    from its end no longer verifies (see :mod:`assetmap.audit`)."""

    label: ClassVar[str] = "AuditHead"

    seq: int = Field(ge=0)
    hash: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    untrusted_from: int | None = Field(default=None, ge=1)


class Migration(Record):
    """A change to stored data that a version of assetmap made once (its id names it)."""

    label: ClassVar[str] = "Migration"

    description: Text = ""


MailStatus = Literal["pending", "sent", "failed"]
Timestamp = Annotated[str, StringConstraints(max_length=40)]
#: a rendered message's subject and bodies (an HTML body is longer than a form's text)
MailBody = Annotated[str, StringConstraints(max_length=200_000)]


class Mail(Record):
    """One message in the outbox: kept until it is handed to the mail server, tried again
    while the server is down. Once sent (or given up), its address and words are wiped:
    what stays says only what kind of message went, when, and in which language."""

    label: ClassVar[str] = "Mail"
    indexed = ("status", "about")  # not next_attempt_at: see DESIGN.md §3

    kind: Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,40}$")]
    to: Email | None = None
    language: Literal["cy", "en", "cy+en"]
    subject: MailBody | None = None
    text: MailBody | None = None
    html: MailBody | None = None
    status: MailStatus = "pending"
    attempts: Annotated[int, Field(ge=0, le=1000)] = 0
    next_attempt_at: Timestamp
    claimed_until: Timestamp | None = None
    last_error: Annotated[str, StringConstraints(max_length=500)] | None = None
    sent_at: Timestamp | None = None
    #: the record it is about (a listing, a claim), so a reminder is not sent twice
    about: Id | None = None


ListingLabel = Literal["Group", "Place", "Activity"]
LISTING_LABELS: tuple[str, ...] = ListingLabel.__args__  # type: ignore[attr-defined]
TokenHash = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class Claim(Record):
    """Someone asking to look after a listing: by a link sent to the listing's own address
    (``link``), by asking the staff of the organisation that recorded it (``request``), or
    invited by one of its providers (``invitation``). Its link is signed, used once and
    expires; only the link's hash is kept."""

    label: ClassVar[str] = "Claim"
    indexed = ("listing_id", "status", "token_hash")

    listing_label: ListingLabel
    listing_id: Id
    #: who will look after it: the listing's own address (a link) or the asker's
    email: Email
    name: Name | None = None
    language: InterfaceLanguage | None = None
    how: Literal["link", "request", "invitation"]
    #: what someone asking says of themselves ("I run the club on Tuesdays")
    message: Text | None = None
    status: Literal["pending", "approved", "declined", "used"] = "pending"
    token_hash: TokenHash | None = None
    expires_at: Timestamp | None = None
    decided_by: Id | None = None
    decided_at: Timestamp | None = None
    invited_by: Id | None = None


class ChangeReport(Record):
    """Someone telling the directory a listing is wrong ("it moved to Wednesdays"), for its
    recording organisation's staff and its providers to review. The address for a reply is
    kept only until the review's answer is sent."""

    label: ClassVar[str] = "ChangeReport"
    indexed = ("listing_id", "status")

    listing_label: ListingLabel
    listing_id: Id
    what: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3,
                                           max_length=2000)]
    reply_to: Email | None = None
    language: InterfaceLanguage | None = None
    status: Literal["waiting", "accepted", "rejected"] = "waiting"
    reviewed_by: Id | None = None
    reviewed_at: Timestamp | None = None
    #: what the reviewer says back (with a reply address, it is sent)
    answer: Text | None = None


class AssetSearch(BaseModel):
    """What the public asset finder asks for (the page's form and ``GET /api/v1/assets``).

    ``near`` is a place name, postcode district or postcode (resolved by
    :mod:`assetmap.gazetteer`); ``lat``/``lon`` give a point instead (e.g. "use my location").
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    near: Annotated[str, StringConstraints(max_length=100)] | None = None
    lat: Latitude | None = None
    lon: Longitude | None = None
    radius_km: Annotated[float, Field(gt=0, le=100)] = 10.0
    text: Annotated[str, StringConstraints(max_length=100)] | None = None
    category: Category | None = None
    day: Weekday | None = None
    time_of_day: DayPart | None = None
    free: bool = False
    welsh: bool = False
    step_free: bool = False
    hearing_loop: bool = False
    accessible_toilet: bool = False
    parking: bool = False
    age: Annotated[int, Field(ge=0, le=120)] | None = None
    #: how it reaches people: in person at a venue, by phone, online, at home
    delivery: Delivery | None = None
    page: Annotated[int, Field(ge=1, le=10_000)] = 1
    per_page: Annotated[int, Field(ge=1, le=100)] = 25

    @model_validator(mode="after")
    def _one_place(self) -> AssetSearch:
        _require_pair(self, "lat", "lon")
        return self

    def access_needs(self) -> tuple[str, ...]:
        return tuple(need for need in ACCESS_NEEDS if getattr(self, need))


def _require_pair(record: BaseModel, first: str, second: str) -> None:
    if (getattr(record, first) is None) != (getattr(record, second) is None):
        missing = first if getattr(record, first) is None else second
        raise FieldProblem(missing, Problem(N_("%(first)s and %(second)s must be given together"),
                                            first=first, second=second))


NODE_TYPES: dict[str, type[Record]] = {
    model.label: model
    for model in (
        Person, Organisation, Group, Place, Activity, Area, User, WhatMatters, Lsns6Response,
        Consent, AnalysisRun, ApiToken, AuditHead, Migration, Mail, Claim, ChangeReport,
    )
}
EXTRA_LABELS = ("Volunteer", "Carer")

#: properties the batch analysis writes onto nodes (``assetmap analyse``); they are not
#: fields a user edits, so validation of an edit leaves them out and keeps them
ANALYSIS_FIELDS: dict[str, tuple[str, ...]] = {
    "Person": (
        "lsns6", "lsns6_family", "lsns6_friends", "lsns6_items", "lsns6_source",
        "isolation_risk", "risk_reasons", "fragile_circle", "key_person_id", "support_lost",
        "nearest_activity_m", "cut_off", "bridging", "community", "carer_hours",
        "carer_risk", "carer_reasons", "analysed_at", "analysis_run",
    ),
    "Area": ("figures", "previous_figures", "analysed_at", "analysis_run"),
}


# ---------------------------------------------------------------------------
# Relationships


class Properties(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    def properties(self) -> dict[str, Any]:
        return Record.properties(self)  # type: ignore[arg-type]


class NoProperties(Properties):
    pass


class Knows(Properties):
    relation: Relation
    circle: Circle
    #: how close (1-5) and how often in touch: None when not recorded
    strength: Annotated[int, Field(ge=1, le=5)] | None = None
    contact: Contact | None = None
    last_contact: date | None = None
    since: date | None = None

    @model_validator(mode="after")
    def _paid_is_exchange(self) -> Knows:
        if (self.relation == "professional") != (self.circle == 4):
            raise FieldProblem("circle", Problem(N_(
                "professional ties, and only they, belong in circle 4 (exchange)")))
        return self


class CaresFor(Properties):
    hours_per_week: Hours
    since: date | None = None


class MemberOf(Properties):
    since: date | None = None


class Attends(Properties):
    frequency: Frequency = "weekly"


class VolunteersWith(Properties):
    role: Name | None = None


class SharedWith(Properties):
    consent_id: Id


class Manages(Properties):
    since: date
    #: how they came to: a link to the listing's address, a request staff approved, an
    #: invitation from another of its providers
    how: Literal["link", "request", "invitation"]


class ReferredTo(Properties):
    date: date
    by: Id
    status: ReferralStatus = "suggested"
    follow_up: date | None = None
    #: what the connector wants to remember ("needs a lift", "rang the leader")
    note: Text | None = None


@dataclass(frozen=True)
class RelationshipType:
    name: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    properties: type[Properties] = NoProperties


RELATIONSHIPS: dict[str, RelationshipType] = {
    spec.name: spec
    for spec in (
        RelationshipType("KNOWS", ("Person",), ("Person",), Knows),
        RelationshipType("CARES_FOR", ("Person",), ("Person",), CaresFor),
        RelationshipType("MEMBER_OF", ("Person",), ("Group",), MemberOf),
        RelationshipType("ATTENDS", ("Person",), ("Activity",), Attends),
        RelationshipType(
            "VOLUNTEERS_WITH", ("Person",), ("Group", "Organisation", "Activity"), VolunteersWith
        ),
        RelationshipType("HELD_AT", ("Activity",), ("Place",)),
        RelationshipType("RUN_BY", ("Activity", "Group"), ("Group", "Organisation")),
        RelationshipType("IN_AREA", ("Person", "Place"), ("Area",)),
        RelationshipType("PART_OF", ("Area",), ("Area",)),
        RelationshipType("RECORDED_BY", ("Person", *LISTING_LABELS), ("Organisation",)),
        RelationshipType("SHARED_WITH", ("Person",), ("Organisation",), SharedWith),
        RelationshipType("REFERRED_TO", ("Person",), ("Activity", "Group"), ReferredTo),
        RelationshipType("WORKS_FOR", ("User",), ("Organisation",)),
        RelationshipType("MANAGES", ("User",), LISTING_LABELS, Manages),
        RelationshipType("ABOUT", ("WhatMatters", "Lsns6Response", "Consent"), ("Person",)),
    )
}


# ---------------------------------------------------------------------------
# Entry points


def validate(model: type[BaseModel], data: dict[str, Any]) -> Any:
    """Build ``model`` from ``data`` or raise :class:`InvalidRecord` naming each bad field."""
    if not isinstance(data, dict):
        raise InvalidRecord([("record", Problem(N_("must be an object of fields")))])
    try:
        return model.model_validate(data)
    except PydanticValidationError as exc:
        raise from_pydantic(exc) from None


def node_type(label: str) -> type[Record]:
    """The model for a whitelisted label; anything else is refused."""
    try:
        return NODE_TYPES[label]
    except KeyError:
        raise InvalidRecord([("label", Problem(N_("%(label)s is not a known node label"),
                                               label=repr(label)))]) from None


def relationship_type(name: str) -> RelationshipType:
    try:
        return RELATIONSHIPS[name]
    except KeyError:
        raise InvalidRecord(
            [("type", Problem(N_("%(name)s is not a known relationship type"), name=repr(name)))]
        ) from None


def postcode_district(postcode: str) -> str:
    """The outward code of a postcode ('SY18 6AB' -> 'SY18'), validating it."""
    normal = _check_postcode(postcode)
    district = normal.split(" ")[0]
    assert _POSTCODE_DISTRICT.match(district)
    return district
