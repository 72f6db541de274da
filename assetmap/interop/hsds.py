"""Open Referral HSDS 3.0 and its UK profile (ORUK): assetmap's directory in their shape.

The mapping, both ways, lives here:

=====================  ==========================================================
assetmap               HSDS / ORUK
=====================  ==========================================================
Organisation, Group    ``organization`` (a group run by an organisation gives its
                       ``parent_organization_id``; a group's e-mail is a contact)
Activity               ``service``: name, description, ages, ``status`` active,
                       one ``schedule`` (``freq`` WEEKLY/MONTHLY, ``interval`` 2 for
                       fortnightly, ``byday``, ``opens_at``/``closes_at``),
                       ``languages`` (English, and Welsh when it is run in Welsh),
                       a ``cost_option`` in GBP, an ``attribute`` with a taxonomy
                       term for each category, ``last_modified``
Place                  ``location`` (physical): coordinates, one ``address``,
                       ``accessibility`` for each access feature
Activity HELD_AT Place ``service_at_location``
categories             the ``assetmap-categories`` taxonomy and its terms
=====================  ==========================================================

Anything else an imported record had is kept in the node's ``hsds_raw`` property and
returned on export (fields assetmap maps are always written from the graph).

Ids: HSDS ids are UUIDs. A node whose id is a UUID (every imported record) keeps it; any
other id gets a stable UUID-5 of its label and id, so exports agree with each other and
re-importing our own export updates rather than duplicates.
"""

from __future__ import annotations

import json
import math
import uuid
from functools import cache
from importlib import resources
from typing import Any, Literal

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from assetmap.boundaries import area_named
from assetmap.i18n import N_, translate
from assetmap.interop import schema_words
from assetmap.model import HSDS_NAMESPACE, Category, hsds_id
from assetmap.names import ACCESS_NAMES as ACCESS_TEXT
from assetmap.names import CATEGORY_NAMES as CATEGORY_TEXT
from assetmap.names import FREQUENCY_NAMES

Profile = Literal["hsds", "oruk"]
PROFILES: dict[str, str] = {"hsds": "hsds-3.0", "oruk": "oruk-3.0"}
PROFILE_URL = "https://github.com/openreferral/uk-profile"
NAMESPACE = HSDS_NAMESPACE
TAXONOMY_NAME = "assetmap-categories"
TAXONOMY_ID = str(uuid.uuid5(NAMESPACE, f"taxonomy:{TAXONOMY_NAME}"))
CATEGORIES: tuple[str, ...] = Category.__args__  # type: ignore[attr-defined]
DAYS = {"mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR", "sat": "SA",
        "sun": "SU"}
_WEEKDAYS = {ical.lower(): day for day, ical in DAYS.items()}
#: an organisation's description when it has none of its own
ORGANISATION_KIND_TEXT = {
    "cvc": N_("County voluntary council"), "carers": N_("Carers' organisation"),
    "council": N_("Local authority"), "health": N_("Health board or NHS body"),
    "charity": N_("Charity"), "other": N_("Organisation"),
}


# ---------------------------------------------------------------------------
# Ids


def part_id(parent: str, kind: str, key: str | int = 0) -> str:
    """A stable id for a part of a record (a schedule, an address, a language)."""
    return str(uuid.uuid5(NAMESPACE, f"{parent}/{kind}/{key}"))


def weekday(code: str) -> str | None:
    """Our weekday for an iCal day code ('TU') or our own ('tue'), any case.

    >>> weekday("TU"), weekday("tue"), weekday("someday")
    ('tue', 'tue', None)
    """
    code = code.strip().lower()
    return code if code in DAYS else _WEEKDAYS.get(code)


def term_id(category: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"taxonomy_term:{TAXONOMY_NAME}:{category}"))


def category_of_term(term: str) -> str | None:
    """Our category for a taxonomy term's id, code or name (any case), if it is one."""
    for category in CATEGORIES:
        if term in (term_id(category), category) or term.lower() == CATEGORY_TEXT[category].lower():
            return category
    return None


# ---------------------------------------------------------------------------
# Schemas


@cache
def _registry(profile: Profile) -> Registry:
    folder = resources.files("assetmap.data") / "hsds" / PROFILES[profile]
    registry: Registry = Registry()
    for entry in folder.iterdir():
        if entry.name.endswith(".json"):
            contents = json.loads(entry.read_text(encoding="utf-8"))
            # the files refer to each other by name: give each its own base URI
            contents["$id"] = _uri(profile, entry.name)
            registry = registry.with_resource(
                contents["$id"],
                Resource.from_contents(contents, default_specification=DRAFT202012))
    return registry.crawl()


def _uri(profile: Profile, name: str) -> str:
    return f"https://assetmap.invalid/{PROFILES[profile]}/{name}"


@cache
def schema(profile: Profile, name: str) -> dict[str, Any]:
    """One of the standard's object schemas, e.g. ``schema("oruk", "service")``."""
    return _registry(profile).contents(_uri(profile, f"{name}.json"))


@cache
def _validator(profile: Profile, name: str) -> Draft202012Validator:
    return Draft202012Validator(schema(profile, name), registry=_registry(profile),
                                format_checker=FormatChecker())


def problems(record: Any, name: str, profile: Profile = "hsds") -> list[tuple[str, str]]:
    """Each way ``record`` breaks the standard's ``name`` schema, as (JSON path, message);
    formats (uuid, email, date, uri) are checked too."""
    found = []
    for error in _validator(profile, name).iter_errors(record):
        found.append((error.json_path, schema_words.problem(error)))
    return sorted(found)


def table_columns(profile: Profile = "hsds") -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """The tabular form of the standard: for each object, its CSV file and its columns
    (name, tabular type); nested arrays and objects are tables of their own."""
    folder = resources.files("assetmap.data") / "hsds" / PROFILES[profile]
    tables = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".json"):
            continue
        contents = json.loads(entry.read_text(encoding="utf-8"))
        if "path" not in contents:
            continue
        columns = [(key, prop.get("type", "string"))
                   for key, prop in contents["properties"].items()
                   if prop.get("type") not in ("array", "object") and "$ref" not in prop]
        tables[contents["name"]] = (contents["path"], columns)
    return tables


# ---------------------------------------------------------------------------
# assetmap -> HSDS


def _raw(node: dict[str, Any]) -> dict[str, Any]:
    return json.loads(node["hsds_raw"]) if node.get("hsds_raw") else {}


def _named(node: dict[str, Any], lang: str) -> tuple[str, str | None]:
    """(name, alternate name) in the asked language; the other language is the alternate."""
    english, welsh = node["name"], node.get("name_cy")
    if lang == "cy" and welsh:
        return welsh, english
    return english, welsh


def _described(node: dict[str, Any], lang: str) -> str | None:
    if lang == "cy" and node.get("description_cy"):
        return node["description_cy"]
    return node.get("description")


def _drop_empty(record: dict[str, Any]) -> dict[str, Any]:
    """What the graph has to say: an empty field leaves the raw field it came with."""
    return {key: value for key, value in record.items() if value not in (None, "", [])}


def _dated(value: str | None) -> str | None:
    """Our ISO timestamps ('...+00:00') as the standard's date-time."""
    return value.replace("+00:00", "Z") if value else None


def organization(node: dict[str, Any], label: str, parent: str | None = None,
                 lang: str = "en") -> dict[str, Any]:
    """An Organisation or Group (run by the organisation with id ``parent``, if any) as an
    HSDS ``organization``: its one-to-one fields and contacts."""
    own = hsds_id(label, node["id"])
    name, alternate = _named(node, lang)
    description = _described(node, lang) or translate(ORGANISATION_KIND_TEXT.get(
        node.get("kind", ""), N_("Community group")), lang)
    contacts = []
    if node.get("email") and not _raw(node).get("contacts"):  # the source's own come back
        contacts.append({"id": part_id(own, "contact"), "organization_id": own,
                         "name": name, "email": node["email"]})
    mapped = {
        "id": own, "name": name, "alternate_name": alternate, "description": description,
        "email": node.get("email"), "website": node.get("website"),
        "parent_organization_id": hsds_id("Organisation", parent) if parent else None,
        "contacts": contacts,
    }
    return {**_raw(node), **_drop_empty(mapped)}


def location(place: dict[str, Any], lang: str = "en") -> dict[str, Any]:
    """A Place as an HSDS ``location``: coordinates, address and access features."""
    own = hsds_id("Place", place["id"])
    name, alternate = _named(place, lang)
    addresses = []
    if place.get("postcode"):
        # the standard needs a first line and a city: the place's name stands in
        addresses.append({
            "id": part_id(own, "address"), "location_id": own,
            "address_1": place.get("address") or place["name"],
            "city": place.get("town") or place["name"],
            "state_province": "Wales", "postal_code": place["postcode"],
            "country": "GB", "address_type": "physical",
        })
    accessibility = [
        {"id": part_id(own, "accessibility", feature), "location_id": own,
         "description": translate(text, lang)}
        for feature, text in ACCESS_TEXT.items() if place.get(feature)
    ]
    sent = _raw(place).get("addresses")
    if sent and _as_mapped_address(sent[0], place):
        addresses = sent  # as the source wrote them (type, second line, region...)
    mapped = {
        "id": own, "location_type": "physical", "name": name, "alternate_name": alternate,
        "description": _described(place, lang),
        "latitude": place["lat"], "longitude": place["lon"],
        "addresses": addresses, "accessibility": accessibility,
    }
    return {**_raw(place), **_drop_empty(mapped)}


def _as_mapped_address(address: dict[str, Any], place: dict[str, Any]) -> bool:
    """Whether the place still says what was read from this address (postcode, town)."""
    return (address.get("postal_code") or None) == place.get("postcode") and (
        not place.get("town") or address.get("city") in (place["town"], None))


#: how an activity reaches people, as an HSDS schedule's ``attending_type`` says it (the
#: import reads these words back)
ATTENDING_TEXT = {"in_person": "in person", "phone": "by phone", "online": "online",
                  "home": "at home"}


def attending(activity: dict[str, Any]) -> str:
    """An activity's ways of delivery as HSDS's free-text ``attending_type``."""
    return " or ".join(ATTENDING_TEXT[mode] for mode in activity.get("delivery") or
                       ["in_person"])


def _schedules(activity: dict[str, Any], own: str, lang: str) -> list[dict[str, Any]]:
    """The activity's day and times as HSDS schedules: none when they are not given."""
    if not activity.get("weekday"):
        return []
    frequency = activity.get("frequency") or "weekly"
    day = DAYS[activity["weekday"]]
    schedule = {
        "id": part_id(own, "schedule"), "service_id": own,
        "freq": "MONTHLY" if frequency == "monthly" else "WEEKLY",
        "interval": 2 if frequency == "fortnightly" else 1,
        # a monthly activity: its first such weekday of the month
        "byday": f"1{day}" if frequency == "monthly" else day,
        "attending_type": attending(activity),
    }
    if activity.get("start"):
        schedule.update({
            "opens_at": f"{activity['start']}:00", "closes_at": f"{activity['end']}:00",
            "description": f"{translate(FREQUENCY_NAMES[frequency], lang).capitalize()}, "
                           f"{activity['start']}-{activity['end']}"})
    return [schedule]


def _languages(activity: dict[str, Any], own: str, lang: str) -> list[dict[str, Any]]:
    """English, and Welsh when it is run in Welsh; none when that is not known."""
    if activity.get("welsh_language") is None:
        return []
    spoken = [("en", N_("English"))] + (
        [("cy", N_("Welsh"))] if activity.get("welsh_language") else [])
    return [{"id": part_id(own, "language", code), "service_id": own,
             "name": translate(name, lang), "code": code} for code, name in spoken]


def _costs(activity: dict[str, Any], own: str, lang: str) -> list[dict[str, Any]]:
    """The cost a session, none when it is not given (never "free" for not known)."""
    pence = activity.get("cost_pence")
    if pence is None:
        return []
    return [{"id": part_id(own, "cost_option"), "service_id": own,
             "option": translate(N_("Free") if not pence else N_("Per session"), lang),
             "currency": "GBP", "amount": pence / 100,
             "amount_description": translate(N_("per session"), lang)}]


def _service_areas(row: dict[str, Any], own: str, lang: str) -> list[dict[str, Any]]:
    """Where an activity without a venue is offered: its areas by name, the code as the
    extent (text); a distance from a base as a GeoJSON point and a description."""
    activity = row["activity"]
    named = {area["id"]: area for area in row.get("areas") or []}
    found = [{"id": part_id(own, "service_area", code), "service_id": own,
              # a loaded area by its name in ``lang``; any other by its English name
              "name": _named(named.get(code) or {"name": area_named(code, named)["name"]},
                             lang)[0],
              "extent": code, "extent_type": "text"}
             for code in activity.get("service_areas") or []]
    if activity.get("reach_km"):
        point = {"type": "Point", "coordinates": [activity["base_lon"], activity["base_lat"]]}
        found.append({"id": part_id(own, "service_area", "reach"), "service_id": own,
                      "name": translate(N_("within %(km)s km"), lang,
                                        km=format(activity["reach_km"], "g")),
                      "description": translate(N_("within %(km)s km of this point"), lang,
                                               km=format(activity["reach_km"], "g")),
                      "extent": json.dumps(point), "extent_type": "geojson"})
    return found


def _as_sent(sent: dict[str, Any], key: str, made: list[dict[str, Any]]) -> list[dict]:
    """The source's own ``key`` (several schedules, every language, every cost...) while
    what assetmap keeps of it is unchanged, else what assetmap makes of its own record."""
    if not sent.get(key):
        return made
    return sent[key] if _same_gist(key, sent[key], made) else made


def _same_gist(key: str, sent: list[dict], made: list[dict]) -> bool:
    """Whether what assetmap made of a record part says what it read from the source's."""
    if key == "schedules":
        first = lambda items: (  # noqa: E731 - the one fact compared
            str(items[0].get("byday") or "").split(",")[0].strip().lstrip("+-0123456789")
            if items else None, str(items[0].get("opens_at") or "")[:5] if items else None)
        return bool(made) and first(sent) == first(made)
    if key == "languages":
        welsh = lambda items: any(  # noqa: E731
            str(item.get("code", "")).lower().startswith("cy") for item in items)
        return bool(made) and welsh(sent) == welsh(made)
    if key == "cost_options":
        amounts = [o["amount"] for o in sent if isinstance(o.get("amount"), int | float)]
        return bool(made) and round(min(amounts or [0]) * 100) == round(made[0]["amount"] * 100)
    return len(sent) == len(made)  # service areas: each read as one of ours


def taxonomy_term(category: str, lang: str = "en") -> dict[str, Any]:
    name = translate(CATEGORY_TEXT[category], lang)
    return {"id": term_id(category), "code": category, "name": name,
            "description": translate(N_("assetmap category: %(name)s"), lang, name=name),
            "taxonomy": TAXONOMY_NAME, "taxonomy_id": TAXONOMY_ID, "term": category}


def taxonomy() -> dict[str, Any]:
    return {"id": TAXONOMY_ID, "name": TAXONOMY_NAME,
            "description": "The kinds of activity in an assetmap directory.", "version": "1"}


def _attributes(activity: dict[str, Any], own: str, lang: str) -> list[dict[str, Any]]:
    return [{"id": part_id(own, "attribute", category), "link_id": own,
             "link_type": "service", "link_entity": "service",
             "taxonomy_term_id": term_id(category), "taxonomy_term": taxonomy_term(category, lang)}
            for category in activity.get("categories", [])]


def organization_of(row: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """(label, node) of whoever runs the activity in a service row, if anyone."""
    if row.get("group"):
        return "Group", row["group"]
    if row.get("organisation"):
        return "Organisation", row["organisation"]
    return None


def service(row: dict[str, Any], lang: str = "en", full: bool = True) -> dict[str, Any]:
    """An activity row (``activity``, ``place``, ``group``/``organisation``, ``parent``)
    as an HSDS ``service``; ``full=False`` gives the one-to-one fields of a list page."""
    activity = row["activity"]
    own = hsds_id("Activity", activity["id"])
    name, alternate = _named(activity, lang)
    runner = organization_of(row)
    org = None
    if runner:
        org = organization(runner[1], runner[0], row.get("parent"), lang)
        org.pop("contacts", None)
    mapped: dict[str, Any] = {
        "id": own, "organization_id": org["id"] if org else None, "name": name,
        "alternate_name": alternate, "description": _described(activity, lang),
        "status": "active",
        "minimum_age": activity.get("age_min", 0), "maximum_age": activity.get("age_max", 120),
        "last_modified": _dated(activity.get("updated_at")), "organization": org,
    }
    if full:
        sent = _raw(activity)
        mapped.update({
            "schedules": _as_sent(sent, "schedules", _schedules(activity, own, lang)),
            "languages": _as_sent(sent, "languages", _languages(activity, own, lang)),
            "cost_options": _as_sent(sent, "cost_options", _costs(activity, own, lang)),
            "attributes": _attributes(activity, own, lang),
            "service_areas": _as_sent(sent, "service_areas",
                                      _service_areas(row, own, lang)),
        })
        if row.get("place"):  # one without a venue is at no location
            sal_id = part_id(own, "service_at_location", hsds_id("Place", row["place"]["id"]))
            mapped["service_at_locations"] = [{
                "id": sal_id, "service_id": own,
                "location_id": hsds_id("Place", row["place"]["id"]),
                "location": location(row["place"], lang)}]
        return {**_raw(activity), **_drop_empty(mapped)}
    raw = {key: value for key, value in _raw(activity).items()
           if not isinstance(value, list | dict)}
    return {**raw, **_drop_empty(mapped)}


def service_at_location(row: dict[str, Any], lang: str = "en",
                        full: bool = True) -> dict[str, Any]:
    """The pairing of an activity and its place, with the location (and, ``full``, the
    service)."""
    own = hsds_id("Activity", row["activity"]["id"])
    record = {
        "id": part_id(own, "service_at_location", hsds_id("Place", row["place"]["id"])),
        "service_id": own, "location_id": hsds_id("Place", row["place"]["id"]),
        "location": location(row["place"], lang),
    }
    if full:
        whole = service(row, lang)
        whole.pop("service_at_locations", None)
        record["service"] = whole
        # the UK profile's OpenAPI declares this response as a service: its name and status
        record.update(name=whole["name"], status=whole["status"])
    return record


def page(contents: list[Any], total: int, page_number: int, per_page: int) -> dict[str, Any]:
    """The standard's pagination envelope.

    >>> page([1, 2], 5, 1, 2)["total_pages"], page([], 0, 1, 2)["empty"]
    (3, True)
    """
    pages = max(1, math.ceil(total / per_page))
    return {"total_items": total, "total_pages": pages, "page_number": page_number,
            "size": len(contents), "first_page": page_number == 1,
            "last_page": page_number >= pages, "empty": total == 0, "contents": contents}


def api_root(openapi_url: str) -> dict[str, Any]:
    return {"version": "3.0", "profile": PROFILE_URL, "openapi_url": openapi_url}
