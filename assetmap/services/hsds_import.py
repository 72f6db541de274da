"""Import Open Referral HSDS 3.0 / UK profile data into the directory.

Input is any mix of JSON files (one object, a list, or a saved API page with
``contents``) and folders (their JSON files, or a tabular datapackage of CSV files).
Each record is checked against the standard's schema, then mapped (see
:mod:`assetmap.interop.hsds`) and checked against assetmap's own field rules; a record
that fails is reported (file, record id, JSON path, problem) and the others go on. Records
are written by id: importing the same data again updates, never duplicates. Anything a
record has that assetmap does not model is kept in ``hsds_raw`` and exported again.

organization -> Group (or the Organisation with that id, if there is one), location ->
Place, service -> Activity held at its first location and run by its organization.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assetmap.boundaries import WALES, WALES_CODE
from assetmap.graph import activities, directory, groups, organisations, places
from assetmap.graph.nodes import SYSTEM_FIELDS, NodeRepository
from assetmap.graph.store import GraphStore
from assetmap.i18n import N_, Problem, fold, say, translate
from assetmap.interop import hsds, hsds_tabular
from assetmap.model import (
    UK_LAT,
    UK_LON,
    Activity,
    Group,
    InvalidRecord,
    Listing,
    Organisation,
    Place,
    validate,
)
from assetmap.services import areas, freshness
from assetmap.services import directory as directory_service

MAX_FILE_BYTES = 100 * 1024 * 1024
KINDS = ("organization", "location", "service")
#: keys assetmap maps for each kind; every other key is kept raw
MAPPED = {
    "organization": {"id", "name", "description", "email", "website", "services"},
    "location": {"id", "location_type", "name", "description", "latitude",
                 "longitude", "addresses", "accessibility"},
    "service": {"id", "organization_id", "organization", "name", "description", "status",
                "minimum_age", "maximum_age", "schedules", "languages", "cost_options",
                "attributes", "service_at_locations", "last_modified", "service_areas"},
}
#: our field -> the HSDS path it came from, so a rule broken names the field they sent
SOURCE_PATH = {
    "name": "$.name", "description": "$.description", "email": "$.email",
    "website": "$.website", "lat": "$.latitude", "lon": "$.longitude",
    "postcode": "$.addresses[0].postal_code", "address": "$.addresses[0].address_1",
    "town": "$.addresses[0].city", "weekday": "$.schedules[0].byday",
    "start": "$.schedules[0].opens_at", "end": "$.schedules[0].closes_at",
    "frequency": "$.schedules[0].freq", "cost_pence": "$.cost_options[0].amount",
    "age_min": "$.minimum_age", "age_max": "$.maximum_age", "hsds_raw": "$",
    "delivery": "$.schedules[0].attending_type", "service_areas": "$.service_areas",
    "place_id": "$.service_at_locations",
}
_ACCESS_WORDS = {
    "step_free": ("step-free", "step free", "wheelchair", "level access", "ramp"),
    "hearing_loop": ("hearing loop", "induction loop"),
    "accessible_toilet": ("accessible toilet", "disabled toilet", "changing places"),
    "parking": ("parking",),
}
CLEARABLE = ("description", "email", "address", "town", "postcode", "hsds_raw")


@dataclass(frozen=True)
class Reject:
    source: str
    record_type: str
    record_id: str
    path: str
    problem: str


@dataclass
class Item:
    """One record to import: where it came from and what it says."""

    kind: str
    record: dict[str, Any]
    source: str


@dataclass
class Report:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    not_imported: Counter = field(default_factory=Counter)
    rejected: list[Reject] = field(default_factory=list)
    #: what was read in a way the source may not expect (imported all the same)
    notes: list[Reject] = field(default_factory=list)

    def note(self, item: Item, path: str, said: str) -> None:
        self.notes.append(Reject(item.source, item.kind, str(item.record.get("id") or ""),
                                 path, said))

    def reject(self, item: Item, path: str, problem: str) -> None:
        record_id = item.record.get("id") if isinstance(item.record, dict) else None
        self.rejected.append(Reject(item.source, item.kind, str(record_id or ""), path,
                                    problem))

    def summary(self, language: str = "en") -> str:
        def counts(counter: Counter) -> str:
            return (", ".join(f"{n} {kind}" for kind, n in sorted(counter.items()))
                    or translate(N_("none"), language))

        said = translate(N_("created: %(created)s; updated: %(updated)s; unchanged: "
                            "%(unchanged)s; rejected: %(rejected)s"), language,
                         created=counts(self.created), updated=counts(self.updated),
                         unchanged=counts(self.unchanged), rejected=len(self.rejected))
        if self.not_imported:
            said += "; " + translate(N_("not imported (assetmap keeps its own): %(kinds)s"),
                                     language, kinds=counts(self.not_imported))
        for note in self.notes:
            said += "\n" + translate(N_("note: %(source)s %(id)s %(path)s: %(said)s"), language,
                                      source=note.source, id=note.record_id, path=note.path,
                                      said=say(note.problem, language))
        return said


# ---------------------------------------------------------------------------
# Reading


def _kind_of(record: dict[str, Any], hint: str | None) -> str | None:
    if hint:
        return hint
    if "location_type" in record or "latitude" in record:
        return "location"
    if "service_id" in record or ("service" in record and "location" in record):
        return "service_at_location"
    if "status" in record or "schedules" in record or "service_at_locations" in record:
        return "service"
    if "term" in record or "taxonomy_id" in record or "parent_id" in record or "code" in record:
        return "taxonomy_term"
    if "version" in record or "taxonomy_terms" in record:
        return "taxonomy"
    if "name" in record and "description" in record:
        return "organization"
    return None


_HINTS = {"service": "service", "organization": "organization", "location": "location",
          "service_at_location": "service_at_location", "taxonomy_term": "taxonomy_term",
          "taxonomies": "taxonomy", "taxonomy.": "taxonomy"}


def _hint(path: Path) -> str | None:
    """What a file holds, from its name (services.json, service_list.json...)."""
    name = path.name.lower()
    for key in sorted(_HINTS, key=len, reverse=True):
        if name.startswith(key):
            return _HINTS[key]
    return None


def _unnest(kind: str, record: dict[str, Any], source: str) -> Iterator[Item]:
    """The record and the whole records nested in it, each on its own."""
    if kind == "service_at_location":
        if isinstance(record.get("location"), dict):
            yield Item("location", record["location"], f"{source}.location")
        if isinstance(record.get("service"), dict):
            service = dict(record["service"])
            if not service.get("service_at_locations"):
                service["service_at_locations"] = [
                    {k: v for k, v in record.items() if k != "service"}]
            yield from _unnest("service", service, f"{source}.service")
        return
    if kind == "service":
        org = record.get("organization")
        if isinstance(org, dict) and "description" in org:
            yield Item("organization", org, f"{source}.organization")
        for i, sal in enumerate(record.get("service_at_locations") or []):
            if isinstance(sal, dict) and isinstance(sal.get("location"), dict):
                yield Item("location", sal["location"],
                           f"{source}.service_at_locations[{i}].location")
    if kind == "organization":
        for i, service in enumerate(record.get("services") or []):
            if isinstance(service, dict):
                service = {"organization_id": record.get("id"), **service}
                yield from _unnest("service", service, f"{source}.services[{i}]")
    yield Item(kind, record, source)


def _unreadable(source: str, problem: str) -> Item:
    return Item("file", {"problem": problem}, source)


def _json_items(path: Path) -> Iterator[Item]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        yield _unreadable(path.name, Problem(N_("is not UTF-8 text; save it as UTF-8")))
        return
    except ValueError as exc:
        yield _unreadable(path.name, Problem(N_("is not JSON (%(why)s)"), why=exc))
        return
    hint = _hint(path)
    records = data.get("contents") if isinstance(data, dict) and "contents" in data else data
    if isinstance(records, dict):
        records = [records]
    if not isinstance(records, list):
        yield _unreadable(path.name, Problem(N_(
            "is not an HSDS object, a list of them or a page with 'contents'")))
        return
    for i, record in enumerate(records):
        source = f"{path.name}$[{i}]" if isinstance(data, list) else (
            f"{path.name}$.contents[{i}]" if isinstance(data, dict) and "contents" in data
            else f"{path.name}$")
        if not isinstance(record, dict):
            yield Item(hint or "record", {"_": record}, source)
            continue
        kind = _kind_of(record, hint)
        yield from _unnest(kind or "record", record, source)


def read(paths: list[Path]) -> Iterator[Item]:
    """Every record in ``paths`` (files or folders), nested records on their own."""
    for path in paths:
        if path.name == "datapackage.json":  # the package named by its descriptor
            path = path.parent
        if path.is_dir():
            if hsds_tabular.is_package(path):
                try:
                    nested = hsds_tabular.read(path)
                except hsds_tabular.TabularError as exc:
                    yield _unreadable(path.name, str(exc))
                    continue
                for kind, rows in nested.items():
                    for record, where in rows:
                        yield Item(kind, record, where)
            yield from read([json_file for json_file in sorted(path.glob("*.json"))
                             if json_file.name != "datapackage.json"])
            continue
        if path.stat().st_size > MAX_FILE_BYTES:
            yield _unreadable(path.name, Problem(N_(
                "is larger than %(size)s MB; split it into pages"),
                size=MAX_FILE_BYTES // 2**20))
            continue
        yield from _json_items(path)


# ---------------------------------------------------------------------------
# HSDS -> assetmap


def _as_raw(fields: dict[str, Any]) -> str | None:
    return json.dumps(fields, ensure_ascii=False, sort_keys=True) if fields else None


#: parts of a record assetmap maps only in part (a first schedule, the lowest cost, a
#: first address...) kept as the source wrote them too, so an export gives them back
#: while what assetmap keeps of them is unchanged (:mod:`assetmap.interop.hsds`)
KEPT_AS_SENT = {"service": {"schedules", "languages", "cost_options", "service_areas"},
                "location": {"addresses"}, "organization": {"website"}}


def _raw(kind: str, record: dict[str, Any]) -> str | None:
    return _as_raw({k: v for k, v in record.items()
                    if k not in MAPPED[kind] or k in KEPT_AS_SENT[kind]})


def _clock(value: Any) -> str | None:
    match = re.match(r"^(\d{2}):(\d{2})", str(value or ""))
    return f"{match[1]}:{match[2]}" if match else value


def _weekday(byday: Any) -> str | None:
    first = str(byday or "").split(",")[0].strip()
    # a monthly rule's day may say which one in the month ('2TU', '-1FR')
    return hsds.weekday(re.sub(r"^[+-]?\d+", "", first)) or first.lower() or None


def _frequency(schedule: dict[str, Any]) -> str | None:
    if str(schedule.get("freq", "")).upper() == "MONTHLY":
        return "monthly"
    return "fortnightly" if schedule.get("interval") in (2, 2.0, "2") else "weekly"


def _categories(record: dict[str, Any]) -> list[str]:
    found = []
    for attribute in record.get("attributes") or []:
        term = attribute.get("taxonomy_term") or {}
        for value in (attribute.get("taxonomy_term_id"), term.get("code"), term.get("term"),
                      term.get("name"), term.get("id")):
            category = hsds.category_of_term(str(value)) if value else None
            if category and category not in found:
                found.append(category)
                break
    return found[:10] or ["other"]


def _welsh(record: dict[str, Any]) -> bool | None:
    """Run in Welsh: yes when a language listed is Welsh, no when others are listed and
    Welsh is not, not known when none is listed."""
    languages = record.get("languages") or []
    if not languages:
        return None
    return any(str(lang.get("code", "")).lower().startswith("cy")
               or str(lang.get("name", "")).lower() in ("welsh", "cymraeg")
               for lang in languages)


def _pence(record: dict[str, Any]) -> int | None:
    """The lowest cost a session, in pence; None when no cost is given (never free)."""
    amounts = [option["amount"] for option in record.get("cost_options") or []
               if isinstance(option.get("amount"), int | float)]
    return round(min(amounts) * 100) if amounts else None


#: words of a schedule's free-text attending_type, and the way of delivery each says
_ATTENDING_WORDS = {
    "in_person": ("in person", "in-person", "face to face", "face-to-face", "drop in",
                  "drop-in"),
    "phone": ("phone", "telephone", "call"),
    "online": ("online", "video", "remote", "zoom", "teams", "web", "internet", "virtual"),
    "home": ("at home", "home visit", "in your home", "comes to you", "visits"),
}


def delivery_of(record: dict[str, Any]) -> list[str]:
    """How a service reaches people, from its schedules' ``attending_type`` words and its
    locations' ``location_type`` ("virtual": online); nothing when none says."""
    said = " ".join(str(schedule.get("attending_type") or "")
                    for schedule in record.get("schedules") or []).lower()
    found = [mode for mode, words in _ATTENDING_WORDS.items()
             if any(re.search(rf"\b{re.escape(word)}\b", said) for word in words)]
    virtual = any(((sal.get("location") or {}).get("location_type") == "virtual")
                  for sal in record.get("service_at_locations") or [])
    if virtual and "online" not in found:
        found.append("online")
    return found


def _age(value: Any) -> int | None:
    """An age limit; -1 (a common "no limit") and nothing are no limit."""
    return None if value is None or value == -1 else int(value)


def activity_fields(record: dict[str, Any]) -> dict[str, Any]:
    schedule = (record.get("schedules") or [{}])[0]
    return {
        "id": record["id"], "name": record.get("name"),
        "description": record.get("description"),
        "weekday": _weekday(schedule.get("byday")), "start": _clock(schedule.get("opens_at")),
        "end": _clock(schedule.get("closes_at")),
        "frequency": _frequency(schedule) if schedule.get("byday") else None,
        "cost_pence": _pence(record), "welsh_language": _welsh(record),
        "categories": _categories(record),
        "age_min": _age(record.get("minimum_age")), "age_max": _age(record.get("maximum_age")),
        "delivery": delivery_of(record),
        "hsds_raw": _raw("service", record),
    }


def place_fields(record: dict[str, Any]) -> dict[str, Any]:
    address = (record.get("addresses") or [{}])[0]
    access = " ".join(f"{item.get('description', '')} {item.get('details', '')}"
                      for item in record.get("accessibility") or []).lower()
    name = record.get("name") or address.get("address_1")
    lines = ", ".join(part for part in (address.get("address_1"), address.get("address_2"))
                      if part and part != name)
    return {
        "id": record["id"], "name": name,
        "description": record.get("description"), "address": lines or None,
        "town": address.get("city") if address.get("city") != name else None,
        "postcode": address.get("postal_code") or None,
        "lat": record.get("latitude"), "lon": record.get("longitude"),
        # a feature the source mentions is there; one it does not mention is not known
        **{feature: True if any(word in access for word in words) else None
           for feature, words in _ACCESS_WORDS.items()},
        "hsds_raw": _raw("location", record),
    }


def group_fields(record: dict[str, Any]) -> dict[str, Any]:
    return {"id": record["id"], "name": record.get("name"),
            "description": record.get("description"), "email": record.get("email"),
            "hsds_raw": _raw("organization", record)}


def organisation_fields(record: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """An existing Organisation keeps its kind; HSDS's other fields are carried raw."""
    generated = hsds.ORGANISATION_KIND_TEXT.get(current.get("kind", ""))
    raw = {k: v for k, v in record.items()
           if k not in MAPPED["organization"] or k == "email"
           or (k == "description" and v != generated)}
    return {"id": record["id"], "name": record.get("name"), "website": record.get("website"),
            "kind": current.get("kind", "other"),
            "hsds_raw": _as_raw(raw)}


# ---------------------------------------------------------------------------
# Planning and writing


@dataclass
class Write:
    item: Item
    repo: NodeRepository
    data: dict[str, Any]
    links: dict[str, str | None]
    exists: bool


def _problems_as_paths(exc: InvalidRecord) -> list[tuple[str, str]]:
    return [(SOURCE_PATH.get(name, f"$.{name}"), f"{name} {problem}")
            for name, problem in exc.errors]


class Importer:
    """Plans an import (every check, no writes) and then writes what passed."""

    def __init__(self, store: GraphStore, instance_path: Path) -> None:
        self.store = store
        self.instance_path = instance_path
        self.report = Report()
        self.accepted: dict[str, dict[str, Item]] = {kind: {} for kind in KINDS}

    def plan(self, items: list[Item]) -> list[Write]:
        for item in items:
            self._check(item)
        # an HSDS id names an existing node by that id, or by the UUID-5 of its own id
        self.known = {label: directory.hsds_ids(self.store, label)
                      for label in ("Organisation", "Group", "Place", "Activity")}
        writes = [self._organization(item) for item in self.accepted["organization"].values()]
        writes += [self._location(item) for item in self.accepted["location"].values()]
        planned = [write for write in writes if write is not None]
        self.new = {write.data["id"]: write.repo.label for write in planned if not write.exists}
        for item in self.accepted["service"].values():
            links = self._service_links(item)
            if links is None:
                continue
            codes = self._service_areas(item, at_a_place="place_id" in links)
            if codes is None:
                continue
            fields = {**activity_fields(item.record), "service_areas": codes}
            if item.record.get("service_areas") and not codes:  # kept as the source said
                fields["hsds_raw"] = _as_raw({**json.loads(fields["hsds_raw"] or "{}"),
                                              "service_areas": item.record["service_areas"]})
            try:  # the directory's rule: a venue, or how or where it is offered without one
                directory_service.check_venue(fields, links.get("place_id"))
            except InvalidRecord:
                self.report.reject(item, "$.service_at_locations", Problem(N_(
                    "no location, and neither service_areas nor a schedule's attending_type "
                    "says where or how it is offered")))
                continue
            for key in ("minimum_age", "maximum_age"):
                if item.record.get(key) == -1:
                    self.report.note(item, f"$.{key}", Problem(N_("-1 is read as no age limit")))
            planned.append(self._mapped(item, activities.repo, Activity, fields, links))
        return [write for write in planned if write is not None]

    def _service_areas(self, item: Item, at_a_place: bool) -> list[str] | None:
        """The codes of the areas a service's ``service_areas`` name (by code in
        ``extent``, or by name in English or Welsh). One assetmap does not know: for a
        service at a place, noted (the source's areas are kept raw and exported again);
        for one without a place, where it is offered is all there is: rejected (None)."""
        if not hasattr(self, "area_codes"):
            self.area_codes = {fold(name): code for code, names in {
                **{row["id"]: (row["name"], row.get("name_cy")) for row in self.store.run_read(
                    "MATCH (a:Area) RETURN a.id AS id, a.name AS name, a.name_cy AS name_cy")},
                WALES_CODE: (WALES["name"], WALES["name_cy"]),
            }.items() for name in names if name}
            self.area_codes.update({fold(code): code for code in set(self.area_codes.values())})
        codes = []
        for i, area in enumerate(item.record.get("service_areas") or []):
            said = [str(area.get(key) or "") for key in ("extent", "name", "description")]
            code = next((self.area_codes[fold(text)] for text in said
                         if fold(text) in self.area_codes), None)
            if code is None:
                unknown = Problem(N_(
                    "%(name)s is not an area assetmap knows: a Welsh local authority, health "
                    "board, ward or small area (by name or code), or Wales"),
                    name=repr(area.get("name") or area.get("extent") or area.get("id")))
                if at_a_place:
                    self.report.note(item, f"$.service_areas[{i}].name", unknown)
                    return []
                self.report.reject(item, f"$.service_areas[{i}].name", unknown)
                return None
            if code not in codes:
                codes.append(code)
        return codes

    def _local(self, label: str, record_id: str) -> str | None:
        return self.known[label].get(record_id.lower()) or self.known[label].get(record_id)

    def _organization(self, item: Item) -> Write | None:
        organisation_id = self._local("Organisation", item.record["id"])
        if organisation_id:
            current = organisations.repo.get(self.store, organisation_id)
            return self._mapped(item, organisations.repo, Organisation,
                                organisation_fields(item.record, current), {})
        return self._mapped(item, groups.repo, Group, group_fields(item.record), {})

    def _location(self, item: Item) -> Write | None:
        if item.record.get("location_type") == "virtual":  # a web address, not a venue
            self.report.not_imported["virtual location"] += 1
            return None
        data = place_fields(item.record)
        for name, (low, high) in (("latitude", UK_LAT), ("longitude", UK_LON)):
            value = item.record.get(name)
            if value is not None and not low <= value <= high:
                self.report.reject(item, f"$.{name}", Problem(
                    N_("%(value)s is outside the UK (%(low)s to %(high)s)"), value=value,
                    low=low, high=high))
                return None
        try:
            data = areas.locate(self.store, Place, {k: v for k, v in data.items()
                                                    if v is not None}, self.instance_path)
        except InvalidRecord as exc:
            for path, problem in _problems_as_paths(exc):
                self.report.reject(item, path, problem)
            return None
        return self._mapped(item, places.repo, Place, data, {})

    def _target(self, labels: tuple[str, ...], record_id: str) -> tuple[str, str] | None:
        """(label, id) of a node this import writes or the directory has."""
        for label in labels:
            if self.new.get(record_id) == label:
                return label, record_id
            local = self._local(label, record_id)
            if local:
                return label, local
        return None

    def _check(self, item: Item) -> None:
        if item.kind == "file":
            self.report.rejected.append(Reject(item.source, "file", "", "$",
                                               item.record["problem"]))
            return
        if item.kind in ("taxonomy", "taxonomy_term"):
            self.report.not_imported[item.kind] += 1
            return
        if item.kind not in KINDS:
            self.report.reject(item, "$", Problem(N_(
                "not an HSDS organization, location, service or service_at_location")))
            return
        problems = hsds.problems(item.record, item.kind)
        if problems:
            for path, problem in problems[:10]:
                self.report.reject(item, path, problem)
            return
        if item.kind == "service" and item.record.get("status") != "active":
            self.report.reject(item, "$.status", Problem(
                N_("%(status)s services are not imported: the finder lists active ones"),
                status=repr(item.record.get("status"))))
            return
        seen = self.accepted[item.kind].get(item.record["id"])
        if seen is not None and not _same(seen.record, item.record, item.kind):
            self.report.reject(item, "$.id", Problem(
                N_("duplicate id: %(source)s has a different %(kind)s with this id"),
                source=seen.source, kind=item.kind))
            return
        if seen is None or len(item.record) > len(seen.record):
            self.accepted[item.kind][item.record["id"]] = item

    def _service_links(self, item: Item) -> dict[str, str | None] | None:
        record = item.record
        # a virtual location is no venue: the service is online (see delivery_of)
        locations = [sal.get("location_id") or (sal.get("location") or {}).get("id")
                     for sal in record.get("service_at_locations") or []
                     if (sal.get("location") or {}).get("location_type") != "virtual"]
        locations = [location for location in locations if location]
        links: dict[str, str | None] = {}
        if locations:
            place = self._target(("Place",), locations[0])
            if place is None:
                self.report.reject(item, "$.service_at_locations[0].location_id", Problem(
                    N_("location %(id)s is neither in this import (or it was rejected) nor in "
                       "the directory"), id=repr(locations[0])))
                return None
            links["place_id"] = place[1]
        org_id = record.get("organization_id") or (record.get("organization") or {}).get("id")
        if org_id:
            runner = self._target(("Organisation", "Group"), org_id)
            if runner is None:
                self.report.reject(item, "$.organization_id", Problem(
                    N_("organization %(id)s is neither in this import (or it was rejected) "
                       "nor in the directory"), id=repr(org_id)))
                return None
            links["organisation_id" if runner[0] == "Organisation" else "group_id"] = runner[1]
        return links

    def _mapped(self, item: Item, repo: NodeRepository, model: type, data: dict[str, Any],
                links: dict[str, str | None]) -> Write | None:
        local = self._local(repo.label, data["id"])
        data = {key: value for key, value in data.items() if value is not None}
        if local:
            # what HSDS cannot say (a place's kind, a group's categories) stays as it was;
            # what it could have said and did not is cleared
            current = {key: value for key, value in repo.get(self.store, local).items()
                       if key not in SYSTEM_FIELDS and key not in CLEARABLE}
            data = {**current, **data, "id": local}
        try:
            data = validate(model, data).properties()  # as stored, so re-imports compare
        except InvalidRecord as exc:
            for path, problem in _problems_as_paths(exc):
                self.report.reject(item, path, problem)
            return None
        return Write(item, repo, data, links, exists=local is not None)

    def write(self, writes: list[Write], dry_run: bool = False) -> None:
        """Each record in one statement (its links with it), organisations and places
        first so the activities find them; a dry run counts the same, writing nothing."""
        for write in writes:
            label = write.repo.label
            if not write.exists:
                if not dry_run:  # one statement: the record, its links and its areas
                    write.repo.create(self.store, {**write.data, **_checked(write.repo)},
                                      **write.links)
                self.report.created[label] += 1
                continue
            current = write.repo.get(self.store, write.data["id"])
            changes = {key: value for key, value in write.data.items()
                       if current.get(key) != value and key not in Listing.checked_fields}
            changes.update({key: None for key in current if key not in write.data
                            and key not in SYSTEM_FIELDS and key not in Listing.checked_fields})
            linked = write.repo.linked(self.store, write.data["id"])
            moved = {name: target for name, target in write.links.items()
                     if linked.get(name) != target}
            if (changes or moved) and not dry_run:
                updated = write.repo.update(self.store, write.data["id"],
                                            {**changes, **_checked(write.repo)}, **moved)
                if "area" in changes or "ward" in changes:
                    areas.link(self.store, label, updated)
            counter = self.report.updated if changes or moved else self.report.unchanged
            counter[label] += 1


def _checked(repo: NodeRepository) -> dict[str, str]:
    """What an import writes of a listing it creates or changes: checked today, by it."""
    return freshness.stamp("import") if issubclass(repo.model, Listing) else {}


def _same(a: dict[str, Any], b: dict[str, Any], kind: str) -> bool:
    """Two copies of one record (e.g. an organization nested in each of its services):
    the same when the fields both have agree."""
    shared = set(a) & set(b) & MAPPED[kind]
    return all(a[key] == b[key] for key in shared if not isinstance(a[key], list | dict))


def import_paths(store: GraphStore, paths: list[Path], instance_path: Path,
                 dry_run: bool = False) -> Report:
    """Check everything in ``paths`` and (unless ``dry_run``) write what passed."""
    importer = Importer(store, instance_path)
    items: list[Item] = []
    for path in paths:
        # an input that gives nothing (an empty folder, CSVs of headers alone) is a mistake,
        # reported like a file that cannot be read, never a quiet "created: none"
        items += list(read([path])) or [
            _unreadable(path.name, Problem(N_("holds no Open Referral records")))]
    if all(item.kind == "file" for item in items):  # nothing readable: say so, write nothing
        raise InvalidRecord([(item.source, item.record["problem"]) for item in items])
    importer.write(importer.plan(items), dry_run)
    return importer.report
