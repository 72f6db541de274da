"""A deterministic synthetic community in Powys, in any Welsh local authority, or in all 22.

``generate(people, seed)`` builds plain records (validated by :mod:`assetmap.model`) and
relationship rows; ``write(store, community)`` writes them in batched statements. The same
``seed`` and size always give the identical graph: every random draw comes from one
``random.Random(seed)`` and every collection is walked in a fixed order.

What it makes (shares in seed/README.md): households of partners, parents, children and
siblings placed around real towns and villages (seed/wales.py) and in the countryside
between, in numbers that follow each authority's Census 2021 population;
family living elsewhere; neighbours; community groups with their places and weekly
activities; friendships formed in groups and through friends of friends; volunteers;
unpaid carers with hours per week; professionals in circle 4; and people with few or no
natural ties, because isolation must exist to be found.
"""

from __future__ import annotations

import functools
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from assetmap import boundaries, clock
from assetmap.analysis.vocabulary import categories_for
from assetmap.boundaries import AreaIndex
from assetmap.graph import nodes as node_writes
from assetmap.graph import ties as tie_writes
from assetmap.graph.store import GraphStore
from assetmap.model import (
    NODE_TYPES,
    RELATIONSHIPS,
    Activity,
    Area,
    Group,
    Organisation,
    Person,
    Place,
    Record,
    validate,
)
from seed import powys, wales
from seed.powys import Settlement

# One community group for about this many residents of a town, and one place beyond the
# town's core set (hall, chapel, church, café, pub, ...) for about this many
PEOPLE_PER_GROUP = 120
PEOPLE_PER_EXTRA_PLACE = 400
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
KM_PER_DEGREE_LAT = 111.2

Progress = Callable[[str, int, int], None]

#: no one gives more care than there are hours in a week
HOURS_IN_A_WEEK = 168.0


@dataclass
class Community:
    """Everything to write: records per label and relationship rows per type."""

    records: dict[str, list[Record]] = field(default_factory=dict)
    # (type, source label, target label) -> [(source id, target id, properties)]
    relationships: dict[tuple[str, str, str], list[tuple[str, str, dict]]] = field(
        default_factory=dict
    )

    def add(self, record: Record) -> Record:
        self.records.setdefault(record.label, []).append(record)
        return record

    def relate(
        self, type_name: str, source: tuple[str, str], target: tuple[str, str],
        properties: dict[str, Any] | None = None,
    ) -> None:
        key = (type_name, source[0], target[0])
        self.relationships.setdefault(key, []).append((source[1], target[1], properties or {}))

    def counts(self) -> dict[str, dict[str, int]]:
        relationship_counts: dict[str, int] = {}
        for (type_name, _, _), rows in self.relationships.items():
            relationship_counts[type_name] = relationship_counts.get(type_name, 0) + len(rows)
        return {
            "nodes": {label: len(self.records.get(label, [])) for label in sorted(NODE_TYPES)},
            "relationships": {
                name: relationship_counts.get(name, 0) for name in sorted(RELATIONSHIPS)
            },
        }


@dataclass
class _Resident:
    id: str
    age: int
    household: int
    home: int  # index into the seeded settlements of the one they live in or nearest to
    lat: float
    lon: float
    welsh: bool
    isolated: bool
    interests: list[str]
    needs: list[str]
    gifts: list[str]
    surname: str
    first_name: str
    volunteer: bool = False
    carer: bool = False
    profession: str | None = None
    organisation: str = ""
    area: str = ""
    ward: str = ""


class _PropertyCache:
    """Validate each distinct relationship property set once (a million ties, few shapes)."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, tuple], dict[str, Any]] = {}

    def __call__(self, type_name: str, **values: Any) -> dict[str, Any]:
        key = (type_name, tuple(sorted(values.items())))
        cached = self._seen.get(key)
        if cached is None:
            model = RELATIONSHIPS[type_name].properties
            cached = validate(model, values).properties()
            self._seen[key] = cached
        return cached


def _weighted(rng: random.Random, pairs: tuple[tuple[Any, float], ...]) -> Any:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _age(rng: random.Random, low: int = 0, high: int = 100) -> int:
    bands = tuple(
        ((max(a, low), min(b, high)), w * (min(b, high) - max(a, low) + 1) / (b - a + 1))
        for a, b, w in powys.AGE_BANDS
        if b >= low and a <= high
    )
    lo, hi = _weighted(rng, bands)
    return rng.randint(lo, hi)


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    dlat = (lat1 - lat2) * KM_PER_DEGREE_LAT
    dlon = (lon1 - lon2) * KM_PER_DEGREE_LAT * math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot(dlat, dlon)


class _Builder:
    def __init__(self, people: int, seed: int, authorities: tuple[str, ...], year: int) -> None:
        self.year = year  # ages become birth years counted from it
        self.rng = random.Random(seed)
        self.redraw_rng = random.Random(f"redraw-{seed}")
        # the directory draws from its own generator: the same towns get the same groups,
        # activities and places whatever the number of people sampled
        self.directory_rng = random.Random(f"directory-{seed}")
        self.target = people
        self.out = Community()
        self.props = _PropertyCache()
        self.residents: list[_Resident] = []
        self.households: list[list[int]] = []
        self.authorities = [wales.BY_CODE[code] for code in authorities]
        # the first authority's organisations keep the short ids the demo's users join
        self.org_ids = [
            {kind: f"org-{kind}" if k == 0 else f"org-{kind}-{authority.code.lower()}"
             for kind in ("cvc", "carers", "council")}
            for k, authority in enumerate(self.authorities)
        ]
        self.settlements: list[Settlement] = []
        self.authority_of: list[int] = []  # settlement index -> authority index
        self.settlement_weights: list[float] = []
        self.welsh_scale: list[float] = []  # per authority: its Census share over the towns'
        for k, authority in enumerate(self.authorities):
            towns = authority.settlements
            total = sum(s.population for s in towns)
            self.settlements.extend(towns)
            self.authority_of.extend([k] * len(towns))
            # people per authority follow its Census population, then the towns within it
            self.settlement_weights.extend(authority.population * s.population / total
                                           for s in towns)
            self.welsh_scale.append(authority.welsh_speakers * total / sum(
                s.population * s.welsh for s in towns))
        self.groups_by_settlement: dict[int, list[tuple[Group, list[str]]]] = {}
        self.joinable: dict[int, list[tuple[Group, list[str]]]] = {}
        self._pools: dict[str, dict[int, list[int]]] = {}  # pool's name -> town -> members
        self.activities_by_group: dict[str, list[str]] = {}
        self.members: dict[str, list[int]] = {}
        self.knows: dict[tuple[int, int], bool] = {}

    # -- people and households ---------------------------------------------------

    def place_household(self) -> tuple[int, float, float]:
        """Where a household lives: (settlement index, lat, lon), in it or in the
        countryside around it, and inside the county (border towns are drawn again)."""
        rng = self.rng
        home = rng.choices(range(len(self.settlements)), weights=self.settlement_weights)[0]
        town = self.settlements[home]
        authority = self.authorities[self.authority_of[home]]
        countryside = rng.random() < authority.countryside
        for _ in range(20):  # draws again from its own generator: the rest stays as it was
            if countryside:
                bearing = rng.uniform(0, 2 * math.pi)
                km = rng.uniform(2.0, 9.0)
                north, east = km * math.cos(bearing), km * math.sin(bearing)
            else:
                spread_km = 0.35 * math.sqrt(town.population / 1000)
                north, east = rng.gauss(0, spread_km), rng.gauss(0, spread_km)
            lat = round(town.lat + north / KM_PER_DEGREE_LAT, 5)
            lon = round(town.lon + east / (KM_PER_DEGREE_LAT * math.cos(math.radians(town.lat))),
                        5)
            if _inside(authority.code, lat, lon):
                break
            rng = self.redraw_rng
        else:  # a coastal town whose countryside is mostly sea: its centre is inside
            lat, lon = town.lat, town.lon
        return home, lat, lon

    def new_resident(
        self, age: int, household: int, where: tuple[int, float, float], surname: str,
        welsh_household: bool, alone: bool = False,
    ) -> int:
        rng = self.rng
        home, lat, lon = where
        living_alone = age >= 40 and alone
        isolated = age >= 18 and rng.random() < (0.08 if age < 65 else 0.1)
        resident = _Resident(
            organisation=self.org_ids[self.authority_of[home]]["cvc"],
            id=f"person-{len(self.residents) + 1:06d}",
            age=age,
            household=household,
            home=home,
            lat=lat,
            lon=lon,
            welsh=age >= 3 and welsh_household and rng.random() < 0.97,
            isolated=isolated,
            interests=rng.sample(powys.INTERESTS, rng.randint(1, 4)),
            needs=(
                rng.sample(powys.NEEDS, rng.randint(1, 3))
                if (age >= 75 and rng.random() < 0.6) or (isolated and rng.random() < 0.5)
                else []
            ),
            gifts=rng.sample(powys.GIFTS, rng.randint(0, 2)) if age >= 16 else [],
            surname=surname,
            first_name=rng.choice(powys.FIRST_NAMES),
        )
        if living_alone and rng.random() < (0.25 if age < 65 else 0.25):
            resident.isolated = True
        self.residents.append(resident)
        self.households[household].append(len(self.residents) - 1)
        return len(self.residents) - 1

    def build_households(self) -> None:
        rng = self.rng
        while len(self.residents) < self.target:
            size = min(_weighted(rng, powys.HOUSEHOLD_SIZES), self.target - len(self.residents))
            where = self.place_household()
            town = self.settlements[where[0]]
            welsh = rng.random() < min(
                0.95, self.welsh_scale[self.authority_of[where[0]]] * town.welsh)
            surname = rng.choice(powys.SURNAMES)
            household = len(self.households)
            self.households.append([])
            if size == 1:
                # people living alone are older than adults in general: half of them 65+
                age = max(_age(rng, 20), _age(rng, 20)) if rng.random() < 0.6 else _age(rng, 20)
                self.new_resident(age, household, where, surname, welsh, alone=True)
                continue
            first = self.new_resident(_age(rng, 22), household, where, surname, welsh)
            adults = [first]
            couple = size > 2 or rng.random() < 0.72
            if couple:
                partner_age = max(18, min(100, self.residents[first].age + rng.randint(-6, 6)))
                partner_surname = surname if rng.random() < 0.7 else rng.choice(powys.SURNAMES)
                adults.append(
                    self.new_resident(partner_age, household, where, partner_surname, welsh)
                )
                self.tie(first, adults[1], "partner", 1, "daily", 5, both=True)
            parent_age = min(self.residents[a].age for a in adults)
            children = []
            for _ in range(size - len(adults)):
                child_age = max(0, min(parent_age - 18, _age(rng, 0, 30)))
                child = self.new_resident(child_age, household, where, surname, welsh)
                for adult in adults:
                    self.tie(adult, child, "family", 1, "daily", 5, both=True)
                children.append(child)
            for i, a in enumerate(children):
                for b in children[i + 1:]:
                    self.tie(a, b, "family", rng.choice((1, 2)), "daily", 4, both=True)

    # -- ties --------------------------------------------------------------------

    def tie(
        self, a: int, b: int, relation: str, circle: int, contact: str, strength: int,
        both: bool = False, back_circle: int | None = None,
    ) -> None:
        """Record a KNOWS tie a->b (and b->a when ``both``), once per ordered pair."""
        if a == b:
            return
        for source, target, c in ((a, b, circle), (b, a, back_circle or circle)):
            if (source, target) not in self.knows:
                self.knows[(source, target)] = True
                self.out.relate(
                    "KNOWS",
                    ("Person", self.residents[source].id),
                    ("Person", self.residents[target].id),
                    self.props("KNOWS", relation=relation, circle=c, contact=contact,
                               strength=strength),
                )
            if not both:
                break

    def family_elsewhere(self) -> None:
        """Grown-up children and siblings who live in another household."""
        rng = self.rng
        adults = [
            i for i, r in enumerate(self.residents)
            if 25 <= r.age <= 62 and not (r.isolated and len(self.households[r.household]) == 1)
        ]
        if not adults:
            return
        for index, resident in enumerate(self.residents):
            if resident.age < 55 or rng.random() < (0.25 if resident.isolated else 0.1):
                continue
            alone = len(self.households[resident.household]) == 1
            if resident.isolated and alone and rng.random() < 0.75:
                continue  # no family left nearby, or none in touch
            for _ in range(rng.randint(1, 3) if resident.isolated else rng.randint(2, 4)):
                child = self.nearby(adults, resident, rng.random() < 0.6, "grown-up")
                if child is None or self.residents[child].household == resident.household:
                    continue
                if resident.isolated:
                    self.tie(index, child, "family", 2, rng.choice(("yearly", "rarely")), 2,
                             both=True)
                else:
                    contact = rng.choice(("daily", "weekly", "weekly", "monthly"))
                    self.tie(index, child, "family", 1, contact, 4, both=True)

    def nearby(self, pool: list[int], resident: _Resident, local: bool, key: str) -> int | None:
        """Someone from ``pool``: anywhere, or (``local``) from the resident's own town.
        Local picks come from the town's share of the pool, so a town is as well knit
        in a seed of all Wales, with hundreds of towns, as in one of Powys."""
        rng = self.rng
        if not local:
            return pool[rng.randrange(len(pool))]
        towns = self._pools.get(key)  # ``key`` names the pool: it is indexed once
        if towns is None:
            towns = self._pools[key] = {}
            for member in pool:
                towns.setdefault(self.residents[member].home, []).append(member)
        here = towns.get(resident.home)
        return here[rng.randrange(len(here))] if here else None

    def neighbours(self) -> None:
        rng = self.rng
        by_home: dict[int, list[int]] = {}
        for household, members in enumerate(self.households):
            by_home.setdefault(self.residents[members[0]].home, []).append(household)
        for home in sorted(by_home):
            households = sorted(
                by_home[home], key=lambda h: self.residents[self.households[h][0]].lat
            )
            for position, household in enumerate(households):
                adults = [m for m in self.households[household] if self.residents[m].age >= 16]
                if not adults:
                    continue
                for other in households[position + 1: position + 1 + rng.randint(0, 3)]:
                    other_adults = [
                        m for m in self.households[other] if self.residents[m].age >= 16
                    ]
                    if not other_adults:
                        continue
                    a, b = rng.choice(adults), rng.choice(other_adults)
                    either_isolated = self.residents[a].isolated or self.residents[b].isolated
                    if either_isolated and rng.random() < 0.8:
                        continue
                    self.tie(a, b, "neighbour", rng.choice((2, 3, 3)), "weekly",
                             rng.randint(2, 3), both=True)

    # -- organisations, areas, places, groups --------------------------------------

    def organisations(self) -> None:
        """Each authority's voluntary services council, carers' organisation and council:
        made-up names for the first two, the council's own for the third."""
        names = {area.code: area for area in boundaries.bundled(["local_authority"])}
        for ids, authority in zip(self.org_ids, self.authorities, strict=True):
            name, name_cy = names[authority.code].name, names[authority.code].name_cy
            for kind, title, title_cy in (
                ("cvc", f"{name} Voluntary Services Council",
                 f"Cyngor Gwasanaethau Gwirfoddol {name_cy}"),
                ("carers", f"{name} Carers Together", f"Gofalwyr {name_cy} Gyda'n Gilydd"),
                ("council", *authority.council),
            ):
                self.out.add(Organisation(id=ids[kind], name=title, name_cy=title_cy,
                                          kind=kind, area=authority.code))

    def places_and_groups(self) -> None:
        """A town's places, groups and activities follow how many people live there, not
        how many are sampled: a small demo still has a real town's choice of things to do."""
        rng = self.directory_rng
        total_weight = sum(self.settlement_weights)
        for index, town in enumerate(self.settlements):
            places: dict[str, list[str]] = {}

            add_place = functools.partial(self.add_place, index, places)

            add_place("hall", f"{town.name} Community Hall", f"Neuadd Gymuned {town.name_cy}")
            chapel = rng.choice(_CHAPELS)
            add_place("chapel", f"Capel {chapel}, {town.name}", f"Capel {chapel}, {town.name_cy}")
            saint, saint_cy = rng.choice(_SAINTS)
            add_place("church", f"St {saint}'s Church, {town.name}",
                      f"Eglwys {saint_cy}, {town.name_cy}")
            cafe, cafe_cy, _ = rng.choice(_CAFES)
            add_place("cafe", f"{cafe} Café, {town.name}", f"{cafe_cy}, {town.name_cy}")
            pub, pub_cy = rng.choice(_PUBS)
            add_place("pub", f"The {pub}, {town.name}", f"{pub_cy}, {town.name_cy}")
            if town.population >= 1200:
                add_place("library", f"{town.name} Library", f"Llyfrgell {town.name_cy}")
                add_place("surgery", f"{town.name} Medical Practice",
                          f"Meddygfa {town.name_cy}")
                add_place("park", f"{town.name} Recreation Ground", f"Parc {town.name_cy}")
                add_place("school", f"Ysgol {town.name_cy}")
            if town.population >= 2500:
                cafe, _, tearooms_cy = rng.choice(_CAFES)
                add_place("cafe", f"{cafe} Tearooms, {town.name}",
                          f"{tearooms_cy}, {town.name_cy}")
                add_place("community_centre", f"{town.name} Community Centre",
                          f"Canolfan Gymunedol {town.name_cy}")
            if town.population >= 4000:
                add_place("leisure_centre", f"{town.name} Leisure Centre",
                          f"Canolfan Hamdden {town.name_cy}")
            for extra in range(round(town.population / PEOPLE_PER_EXTRA_PLACE)):
                kind = ("hall", "chapel", "cafe", "park", "church")[extra % 5]
                extra_name, extra_cy = rng.choice(_EXTRA_PLACES[kind])
                add_place(kind, f"{extra_name} {extra + 2}, {town.name}",
                          f"{extra_cy} {extra + 2}, {town.name_cy}")

            group_count = max(2, round(town.population / PEOPLE_PER_GROUP))
            for round_number in range(0, group_count, len(_GROUP_TYPES)):
                kinds = rng.sample(_GROUP_TYPES, min(len(_GROUP_TYPES), group_count - round_number))
                for kind in kinds:
                    self.add_group(index, town, kind, places, round_number // len(_GROUP_TYPES))
            # the people sampled are a share of the town: they belong to as many of its
            # groups as that share of the town would fill; the rest have no members recorded
            sampled = self.target * self.settlement_weights[index] / total_weight
            self.joinable[index] = self.groups_by_settlement[index][
                :max(2, round(sampled / PEOPLE_PER_GROUP))]

    def add_place(
        self, index: int, places: dict[str, list[str]], kind: str, name: str,
        name_cy: str | None = None,
    ) -> None:
        rng = self.directory_rng
        town = self.settlements[index]
        code = self.authorities[self.authority_of[index]].code
        postcode = _postcode(rng, town.district)
        lat, lon = round(town.lat + rng.gauss(0, 0.0025), 5), round(town.lon + rng.gauss(
            0, 0.004), 5)
        for _ in range(20):  # a border town's hall stays in its authority
            if _inside(code, lat, lon):
                break
            lat = round(town.lat + self.redraw_rng.gauss(0, 0.0025), 5)
            lon = round(town.lon + self.redraw_rng.gauss(0, 0.004), 5)
        else:
            lat, lon = town.lat, town.lon
        record = validate(Place, {
            "id": f"place-{len(self.out.records.get('Place', [])) + 1:05d}",
            "name": name,
            "name_cy": name_cy,
            "kind": kind,
            "town": town.name,
            "postcode": postcode,
            "lat": lat,
            "lon": lon,
            **_accessibility(rng, kind),
            "opening_hours": _opening_hours(kind),
            **_checked(f"place-{len(self.out.records.get('Place', [])) + 1:05d}"),
        })
        self.out.add(record)
        places.setdefault(kind, []).append(record.id)

    def add_group(
        self, index: int, town: Settlement, kind: tuple, places: dict[str, list[str]],
        repeat: int,
    ) -> None:
        rng = self.directory_rng
        name, name_cy, categories, welsh, venues, times, cost, ages = kind
        if repeat:  # a bigger community has more than one of a kind: number them
            name = f"{name} {repeat + 1}"
            name_cy = f"{name_cy} {repeat + 1}" if name_cy else None
        group_number = sum(len(v) for v in self.groups_by_settlement.values()) + 1
        welsh_language = welsh or rng.random() < min(0.9, 0.12 * town.welsh)
        group = validate(Group, {
            "id": f"group-{group_number:04d}",
            "name": name.format(town=town.name),
            "name_cy": name_cy.format(town=town.name_cy) if name_cy else None,
            "description": f"{name.format(town=town.name)}: all welcome.",
            "description_cy": f"{(name_cy or name).format(town=town.name_cy)}: croeso i bawb.",
            "categories": list(categories),
            "welsh_language": welsh_language,
            **_checked(f"group-{group_number:04d}", email=True),
        })
        self.out.add(group)
        self.groups_by_settlement.setdefault(index, []).append((group, list(categories)))
        self.members[group.id] = []
        self.out.relate("RUN_BY", ("Group", group.id),
                        ("Organisation", self.org_ids[self.authority_of[index]]["cvc"]))
        activity_ids = []
        # a group meets at one venue, on one to three days (each day an activity, so the
        # finder shows one result with its sessions)
        venue_kind = next((v for v in venues if v in places), "hall")
        place_id = rng.choice(places[venue_kind])
        for n in range(rng.randint(1, 3)):
            weekday = rng.choice(("mon", "tue", "wed", "thu", "fri", "sat"))
            start = rng.choice(times)
            end_hour = int(start[:2]) + rng.choice((1, 2))
            activity = validate(Activity, {
                "id": f"activity-{group_number:04d}-{n + 1}",
                "name": group.name,
                "name_cy": group.name_cy,
                "description": f"{group.name}: a regular session, all welcome.",
                "description_cy": f"{group.name_cy or group.name}: sesiwn reolaidd, croeso i "
                                  "bawb.",
                "weekday": weekday,
                "start": start,
                "end": f"{min(end_hour, 23):02d}:{start[3:]}",
                "frequency": rng.choice(("weekly", "weekly", "weekly", "fortnightly")),
                "cost_pence": 0 if cost == 0 else rng.choice((0, cost, cost + 100)),
                "welsh_language": welsh_language,
                "categories": list(categories),
                "age_min": ages[0],
                "age_max": ages[1],
                # its group's organisers check their sessions when they check the group
                "checked_at": group.checked_at, "checked_by": group.checked_by,
            })
            self.out.add(activity)
            self.out.relate("HELD_AT", ("Activity", activity.id), ("Place", place_id))
            self.out.relate("RUN_BY", ("Activity", activity.id), ("Group", group.id))
            activity_ids.append(activity.id)
        self.activities_by_group[group.id] = activity_ids

    # -- participation, friendship, volunteering, care ------------------------------

    def memberships(self) -> None:
        rng = self.rng
        by_category: dict[int, dict[str, list[int]]] = {}  # settlement -> category -> groups
        for home, groups in self.joinable.items():
            for position, (_, categories) in enumerate(groups):
                for category in categories:
                    by_category.setdefault(home, {}).setdefault(category, []).append(position)
        for index, resident in enumerate(self.residents):
            if resident.age < 11 or resident.isolated:
                continue
            groups = self.joinable.get(resident.home, [])
            if not groups:
                continue
            wanted = _weighted(rng, ((0, 0.3), (1, 0.37), (2, 0.22), (3, 0.11)))
            local = by_category[resident.home]
            liked = [groups[p][0] for p in sorted({
                p for category in categories_for(resident.interests)
                for p in local.get(category, ())})]
            pool = liked + [g for g, _ in groups] if liked else [g for g, _ in groups]
            chosen: list[Group] = []
            for _ in range(wanted):
                group = pool[rng.randrange(len(pool))]
                if group not in chosen:
                    chosen.append(group)
            for group in chosen:
                self.out.relate("MEMBER_OF", ("Person", resident.id), ("Group", group.id),
                                self.props("MEMBER_OF", since=date(
                                    rng.randint(self.year - 36, self.year - 1), 1, 1)))
                self.members[group.id].append(index)
                activities = self.activities_by_group[group.id]
                if activities and rng.random() < 0.85:
                    self.out.relate("ATTENDS", ("Person", resident.id),
                                    ("Activity", rng.choice(activities)),
                                    self.props("ATTENDS", frequency="weekly"))

    def group_friendships(self) -> None:
        rng = self.rng
        for group_id in sorted(self.members):
            members = self.members[group_id]
            if len(members) < 2:
                continue
            for member in members:
                for _ in range(rng.randint(2, 4)):
                    other = members[rng.randrange(len(members))]
                    if rng.random() < 0.55:
                        self.tie(member, other, "friend", 2, rng.choice(("weekly", "monthly")),
                                 rng.randint(3, 4), both=True)
                    else:
                        self.tie(member, other, "other", 3, "weekly", 2, both=True)

    def friends_of_friends(self) -> None:
        rng = self.rng
        friends: dict[int, list[int]] = {}
        for (a, b) in self.knows:
            friends.setdefault(a, []).append(b)
        for person in sorted(friends):
            if self.residents[person].isolated:
                continue
            for _ in range(rng.randint(0, 2)):
                via = friends[person][rng.randrange(len(friends[person]))]
                candidates = friends.get(via, [])
                if candidates:
                    other = candidates[rng.randrange(len(candidates))]
                    self.tie(person, other, "friend", rng.choice((2, 3)), "monthly", 3,
                             both=True)

    def close_friends(self) -> None:
        """Long-standing friends met outside any group recorded: school, work, chapel years
        ago; most adults have one to three they could talk to about private matters."""
        rng = self.rng
        adults = [i for i, r in enumerate(self.residents) if r.age >= 16 and not r.isolated]
        if not adults:
            return
        for index in adults:
            for _ in range(_weighted(rng, ((0, 0.2), (1, 0.35), (2, 0.3), (3, 0.15)))):
                friend = self.nearby(adults, self.residents[index], True, "adults")
                if friend is not None:
                    self.tie(index, friend, "friend", 2, rng.choice(("weekly", "monthly")), 4,
                             both=True)

    def volunteers(self) -> None:
        rng = self.rng
        isolated_old = [i for i, r in enumerate(self.residents) if r.isolated and r.age >= 65]
        for index, resident in enumerate(self.residents):
            if not 18 <= resident.age <= 82 or resident.isolated or rng.random() > 0.15:
                continue
            resident.volunteer = True
            groups = self.joinable.get(resident.home, [])
            if groups:
                group = groups[rng.randrange(len(groups))][0]
                self.out.relate("VOLUNTEERS_WITH", ("Person", resident.id),
                                ("Group", group.id), self.props("VOLUNTEERS_WITH"))
            if isolated_old and rng.random() < 0.2:
                befriended = self.nearby(isolated_old, resident, True, "isolated-old")
                if befriended is not None:
                    self.tie(befriended, index, "volunteer", 3, "weekly", 3, both=True)

    def care(self) -> None:
        """Unpaid carers: a partner, a household member or family living elsewhere."""
        rng = self.rng
        family: dict[int, list[int]] = {}
        for (a, b) in self.knows:
            family.setdefault(a, []).append(b)
        want = round(powys.UNPAID_CARERS * len(self.residents))
        given = 0
        week: dict[int, float] = {}  # hours each carer already gives: never over 168
        candidates = sorted(
            range(len(self.residents)),
            key=lambda i: -self.residents[i].age + rng.random() * 40,
        )
        for cared_for in candidates:
            if given >= want:
                break
            helpers = [
                h for h in family.get(cared_for, [])
                if self.residents[h].age >= 16 and h != cared_for
            ]
            if not helpers:
                continue
            carer = helpers[rng.randrange(len(helpers))]
            low, high = _weighted(rng, tuple(((a, b), w) for a, b, w in powys.CARE_HOURS))
            hours = float(rng.randint(int(low), int(high)))
            if week.get(carer, 0.0) + hours > HOURS_IN_A_WEEK:
                continue
            week[carer] = week.get(carer, 0.0) + hours
            self.residents[carer].carer = True
            carers = self.org_ids[self.authority_of[self.residents[cared_for].home]]["carers"]
            self.residents[cared_for].organisation = carers
            self.residents[carer].organisation = carers
            self.out.relate("CARES_FOR", ("Person", self.residents[carer].id),
                            ("Person", self.residents[cared_for].id),
                            self.props("CARES_FOR", hours_per_week=hours))
            given += 1

    def professionals(self) -> None:
        rng = self.rng
        working = [i for i, r in enumerate(self.residents) if 25 <= r.age <= 64 and not r.isolated]
        count = max(3, len(self.residents) // 150)
        staff = rng.sample(working, min(count, len(working)))
        local_staff: dict[int, list[int]] = {}  # authority -> its professionals
        for i in staff:
            self.residents[i].profession = powys.PROFESSIONS[rng.randrange(len(powys.PROFESSIONS))]
            local_staff.setdefault(self.authority_of[self.residents[i].home], []).append(i)
        for index, resident in enumerate(self.residents):
            if not staff or (not resident.needs and resident.age < 80):
                continue
            serving = local_staff.get(self.authority_of[resident.home], staff)
            for _ in range(rng.randint(1, 3)):
                professional = serving[rng.randrange(len(serving))]
                if professional == index:
                    continue
                self.tie(index, professional, "professional", 4,
                         rng.choice(("weekly", "monthly")), 2)
            ids = self.org_ids[self.authority_of[resident.home]]
            if resident.organisation == ids["cvc"] and resident.needs:
                resident.organisation = ids["council"]

    # -- areas -------------------------------------------------------------------

    def areas(self) -> None:
        """The official areas (ONS boundaries shipped with assetmap: Powys's LSOAs, MSOAs
        and wards, Wales's authorities and health boards), and every resident and place
        placed in them by the rule every other path uses (:mod:`assetmap.boundaries`).
        An area's population is public: an LSOA's design size, summed for a middle area,
        each authority's Census count, summed for its health board; a ward's not known."""
        found = boundaries.bundled()
        index = AreaIndex(found)
        place_records = self.out.records.get("Place", [])
        homes = index.place_many([(r.lat, r.lon) for r in self.residents])
        sites = index.place_many([(p.lat, p.lon) for p in place_records])
        for resident, where in zip(self.residents, homes, strict=True):
            resident.area, resident.ward = (boundaries.areas_of(where)[k] or ""
                                            for k in ("area", "ward"))
        population = {authority.code: authority.population for authority in wales.AUTHORITIES}
        for area in found:
            if area.level == "local_authority":
                board = index.parent(area)
                population[board] = population.get(board, 0) + population[area.code]
            elif area.level == "small_area":
                population[area.code] = powys.LSOA_RESIDENTS
                middle = index.parent(area)
                if middle:
                    population[middle] = population.get(middle, 0) + powys.LSOA_RESIDENTS
        for area in found:
            self.out.add(Area(id=area.code, name=area.name, name_cy=area.name_cy,
                              level=area.level, population=population.get(area.code, 0),
                              geometry=area.geojson))
            parent = index.parent(area)
            if parent:
                self.out.relate("PART_OF", ("Area", area.code), ("Area", parent))
        place_area: dict[str, dict[str, Any]] = {}
        for place, where in zip(place_records, sites, strict=True):
            place_area[place.id] = boundaries.areas_of(where)
            for code in place_area[place.id].values():
                if code:
                    self.out.relate("IN_AREA", ("Place", place.id), ("Area", code))
        activity_area = {
            activity_id: {"area": place_area[place_id]["area"]}
            for activity_id, place_id, _ in self.out.relationships[("HELD_AT", "Activity", "Place")]
        }
        for label, areas_by_id in (("Place", place_area), ("Activity", activity_area)):
            self.out.records[label] = [
                record.model_copy(update=areas_by_id[record.id])
                for record in self.out.records[label]
            ]

    # -- people records ------------------------------------------------------------

    def person_records(self) -> None:
        rng = self.rng
        for resident in self.residents:
            town = self.settlements[resident.home]
            volunteer = resident.volunteer
            record = validate(Person, {
                "id": resident.id,
                "name": f"{resident.first_name} {resident.surname}",
                "birth_year": self.year - resident.age,
                "languages": ["cy", "en"] if resident.welsh else ["en"],
                "interests": resident.interests,
                "gifts": resident.gifts,
                "needs": resident.needs,
                "lives_alone": len(self.households[resident.household]) == 1,
                "lat": resident.lat,
                "lon": resident.lon,
                "postcode": _postcode(rng, town.district),
                "area": resident.area or None,
                "ward": resident.ward or None,
                "open_to_connect": resident.age >= 18 and rng.random() < 0.35,
                "profession": resident.profession,
                "volunteer": volunteer,
                "carer": resident.carer,
                "availability": (
                    sorted(rng.sample(_AVAILABILITY, rng.randint(1, 4)))
                    if volunteer or (resident.age >= 16 and rng.random() < 0.5) else []
                ),
                "access_needs": _access_needs(rng, resident.age),
                "radius_km": float(rng.choice((3, 5, 10, 15, 25))) if volunteer else None,
                "capacity": rng.choice((1, 2, 2, 3)) if volunteer else None,
                "skills": resident.gifts if volunteer else [],
            })
            self.out.add(record)
            self.out.relate("RECORDED_BY", ("Person", resident.id),
                            ("Organisation", resident.organisation))
            for code in (resident.area, resident.ward):
                if code:
                    self.out.relate("IN_AREA", ("Person", resident.id), ("Area", code))

    def build(self) -> Community:
        self.organisations()
        self.build_households()
        self.family_elsewhere()
        self.neighbours()
        self.places_and_groups()
        self.memberships()
        self.group_friendships()
        self.friends_of_friends()
        self.close_friends()
        self.volunteers()
        self.care()
        self.professionals()
        self.areas()
        self.person_records()
        return self.out


def generate(people: int, seed: int,
             authorities: tuple[str, ...] = (powys.LOCAL_AUTHORITY[0],),
             year: int | None = None) -> Community:
    """Build the synthetic community of ``people`` residents for ``seed`` (no database),
    spread over the local ``authorities`` (ONS codes; the first one's organisations get
    the short ids ``org-cvc``, ``org-carers`` and ``org-council``), as it is in ``year``
    (this year by default: the same seed in another year is the same people, a year
    older)."""
    if people < 1:
        raise ValueError("people must be at least 1")
    unknown = [code for code in authorities if code not in wales.BY_CODE]
    if unknown or not authorities:
        raise ValueError(f"not a Welsh local authority code: {', '.join(unknown) or 'none'}")
    return _Builder(people, seed, tuple(dict.fromkeys(authorities)),
                    year or clock.this_year()).build()


# Labels in dependency order: areas and organisations before what links to them
WRITE_ORDER = ("Area", "Organisation", "Place", "Group", "Activity", "Person")


def write(store: GraphStore, community: Community, progress: Progress | None = None) -> dict:
    """Write ``community`` with batched ``UNWIND`` statements; returns counts written."""
    total = sum(len(v) for v in community.records.values()) + sum(
        len(v) for v in community.relationships.values()
    )
    done = 0

    def step(name: str, count: int) -> None:
        nonlocal done
        done += count
        if progress:
            progress(name, done, total)

    written: dict[str, int] = {}
    for label in WRITE_ORDER:
        records = community.records.get(label, [])
        repository = node_writes.NodeRepository(NODE_TYPES[label])
        for start in range(0, len(records), 5000):
            batch = records[start:start + 5000]
            written[label] = written.get(label, 0) + repository.create_many(store, batch)
            step(label, len(batch))
    for (type_name, source, target), rows in community.relationships.items():
        for start in range(0, len(rows), 10_000):
            batch = rows[start:start + 10_000]
            count = tie_writes.create_many(store, type_name, source, target, batch)
            written[type_name] = written.get(type_name, 0) + count
            step(type_name, len(batch))
    return written


# -- small helpers and tables -------------------------------------------------------

_AVAILABILITY = tuple(f"{d}_{p}" for d in ("mon", "tue", "wed", "thu", "fri", "sat")
                      for p in ("am", "pm"))
# each name in English and in Welsh
_EXTRA_PLACES = {
    "hall": (("Memorial Hall", "Neuadd Goffa"), ("Village Hall", "Neuadd y Pentref"),
             ("Scout Hut", "Caban y Sgowtiaid"), ("Church Hall", "Neuadd yr Eglwys")),
    "chapel": (("Capel Bethania", "Capel Bethania"), ("Capel Soar", "Capel Soar"),
               ("Capel Carmel", "Capel Carmel")),
    "cafe": (("Corner Café", "Caffi'r Gornel"), ("Station Café", "Caffi'r Orsaf"),
             ("Garden Café", "Caffi'r Ardd")),
    "park": (("Playing Field", "Cae Chwarae"), ("Riverside Walk", "Llwybr Glan yr Afon"),
             ("Green", "Y Lawnt")),
    "church": (("St Peter's Church", "Eglwys Sant Pedr"), ("St Paul's Church", "Eglwys Sant Paul"),
               ("Holy Trinity Church", "Eglwys y Drindod Sanctaidd")),
}
_CHAPELS = ("Bethel", "Ebenezer", "Seion", "Moriah", "Bethesda", "Salem", "Tabernacl", "Horeb")
_SAINTS = (("Mary", "y Santes Fair"), ("David", "Dewi Sant"), ("Michael", "Sant Mihangel"),
           ("Idloes", "Sant Idloes"), ("Cynllo", "Sant Cynllo"),
           ("Mary Magdalene", "Mair Magdalen"), ("John", "Sant Ioan"))
#: a café's name, its Welsh name as a café, and as tearooms
_CAFES = (("Y Gegin", "Caffi'r Gegin", "Ystafell De'r Gegin"),
          ("Blue Door", "Caffi'r Drws Glas", "Ystafell De'r Drws Glas"),
          ("Cwtch", "Caffi Cwtch", "Ystafell De Cwtch"),
          ("Old Market", "Caffi'r Hen Farchnad", "Ystafell De'r Hen Farchnad"),
          ("Riverside", "Caffi Glan yr Afon", "Ystafell De Glan yr Afon"),
          ("Copper Kettle", "Caffi'r Tegell Copr", "Ystafell De'r Tegell Copr"))
_PUBS = (("Red Lion", "Y Llew Coch"), ("Black Lion", "Y Llew Du"),
         ("Wynnstay Arms", "Wynnstay Arms"), ("Bear Hotel", "Gwesty'r Arth"),
         ("Royal Oak", "Y Dderwen Frenhinol"), ("Castle Inn", "Tafarn y Castell"))

# (name, Welsh name, categories, always Welsh?, venues, start times, cost pence, ages)
_GROUP_TYPES: list[tuple] = [
    ("{town} Male Voice Choir", "Côr Meibion {town}", ("music",), True, ("chapel", "hall"),
     ("19:00", "19:30"), 0, (16, 120)),
    ("{town} Men's Shed", "Sied Dynion {town}", ("crafts", "social"), False, ("hall",),
     ("10:00", "13:00"), 100, (18, 120)),
    ("{town} Chapel Fellowship", "Cymdeithas Capel {town}", ("faith", "social"), True,
     ("chapel",), ("10:30", "14:00"), 0, (0, 120)),
    ("{town} WI", None, ("social", "crafts"), False, ("hall",), ("19:00",), 300, (18, 120)),
    ("Merched y Wawr {town}", "Merched y Wawr {town}", ("social", "learning"), True,
     ("hall", "chapel"), ("19:00",), 200, (18, 120)),
    ("{town} Walking Group", "Cerddwyr {town}", ("outdoors", "exercise"), False,
     ("park", "hall"), ("09:30", "10:00"), 0, (16, 120)),
    ("{town} Luncheon Club", "Clwb Cinio {town}", ("food", "social"), False,
     ("hall", "community_centre"), ("12:00",), 450, (55, 120)),
    ("Knit and Natter {town}", "Gweu a Sgwrsio {town}", ("crafts", "social"), False,
     ("cafe", "library"), ("10:00", "14:00"), 0, (16, 120)),
    ("{town} Memory Café", "Caffi Cof {town}", ("support", "health", "social"), False,
     ("cafe", "hall"), ("14:00",), 0, (18, 120)),
    ("{town} Carers' Café", "Caffi Gofalwyr {town}", ("carers", "support"), False,
     ("cafe", "community_centre"), ("10:30",), 0, (16, 120)),
    ("{town} Bowls Club", "Clwb Bowlio {town}", ("exercise", "social"), False,
     ("park", "leisure_centre"), ("14:00", "18:00"), 200, (12, 120)),
    ("{town} Young Farmers", "CFfI {town}", ("social", "learning"), True, ("hall",),
     ("19:30",), 100, (10, 26)),
    ("{town} Repair Café", "Caffi Trwsio {town}", ("learning", "crafts"), False,
     ("community_centre", "hall"), ("10:00",), 0, (0, 120)),
    ("{town} Community Garden", "Gardd Gymunedol {town}", ("gardening", "outdoors"), False,
     ("park",), ("10:00", "14:00"), 0, (0, 120)),
    ("{town} Local History Society", "Cymdeithas Hanes {town}", ("heritage", "learning"),
     False, ("library", "hall"), ("19:00",), 200, (16, 120)),
    ("Digital Drop-in {town}", "Sesiwn Ddigidol {town}", ("digital", "learning"), False,
     ("library", "community_centre"), ("10:00", "14:00"), 0, (16, 120)),
    ("{town} Film Club", "Clwb Ffilm {town}", ("arts", "social"), False, ("hall",),
     ("19:30",), 400, (12, 120)),
    ("Clwb Darllen {town}", "Clwb Darllen {town}", ("learning", "social"), True,
     ("library", "cafe"), ("14:00", "19:00"), 0, (16, 120)),
    ("{town} Art Group", "Grŵp Celf {town}", ("arts", "crafts"), False,
     ("community_centre", "hall"), ("10:00",), 300, (16, 120)),
    ("{town} Friendship Group", "Grŵp Cyfeillgarwch {town}", ("social", "support"), False,
     ("hall", "cafe"), ("14:00",), 0, (50, 120)),
    ("{town} Chair Yoga", "Ioga Cadair {town}", ("exercise", "health"), False,
     ("leisure_centre", "hall"), ("11:00",), 350, (50, 120)),
    # Welsh over a cuppa, for speakers and learners; and the Welsh-medium parent and
    # toddler group: mornings in Welsh, as most towns have
    ("Paned a Sgwrs {town}", "Paned a Sgwrs {town}", ("social", "learning"), True,
     ("cafe", "library", "hall"), ("10:00", "10:30", "11:00"), 0, (16, 120)),
    ("Ti a Fi {town}", "Ti a Fi {town}", ("social",), True, ("chapel", "hall"),
     ("09:30", "10:00"), 100, (0, 120)),
]

def _access_needs(rng: random.Random, age: int) -> list[str]:
    """Mobility and hearing needs grow with age (about 4 in 10 over-75s need step-free)."""
    needs = []
    if (age >= 75 and rng.random() < 0.4) or (age >= 60 and rng.random() < 0.08):
        needs.append("step_free")
    if age >= 70 and rng.random() < 0.2:
        needs.append("hearing_loop")
    return needs


def _postcode(rng: random.Random, district: str) -> str:
    return (
        f"{district} {rng.randint(1, 9)}"
        f"{rng.choice(POSTCODE_LETTERS)}{rng.choice(POSTCODE_LETTERS)}"
    )


def _checked(listing_id: str, email: bool = False) -> dict[str, Any]:
    """When a listing was last checked, and by whom: most in the last few months, some
    over 6 months ago (they "may be out of date") and a few over a year ago (they have left
    the public finder), counted back from today so the demo looks the same on any day. A
    random stream of the listing's own, so the rest of the community does not change; some
    groups have a contact address (``example.org``, which reaches nobody)."""
    rng = random.Random(f"checked:{listing_id}")
    roll = rng.random()
    days = rng.randint(0, 170) if roll < 0.85 else rng.randint(190, 360) if roll < 0.96 \
        else rng.randint(370, 700)
    checked = {"checked_at": (clock.today() - timedelta(days=days)).isoformat(),
               "checked_by": rng.choice(("staff", "staff", "import"))}
    if email and rng.random() < 0.6:
        checked["email"] = f"{listing_id}@example.org"
    return checked


def _accessibility(rng: random.Random, kind: str) -> dict[str, bool | None]:
    """Access as a directory records it: for about one place in five nobody has asked
    (not known, never "no"); for the others, newer public buildings more often have it."""
    if rng.random() < 0.2:
        return dict.fromkeys(("step_free", "hearing_loop", "accessible_toilet", "parking"))
    modern = kind in ("library", "surgery", "leisure_centre", "community_centre", "school")
    base = 0.85 if modern else 0.45
    return {
        "step_free": rng.random() < base,
        "hearing_loop": rng.random() < base - 0.25,
        "accessible_toilet": rng.random() < base - 0.1,
        "parking": rng.random() < 0.6,
    }


_HOURS = {
    "library": ("tue 10:00-17:00", "thu 10:00-19:00", "sat 10:00-13:00"),
    "surgery": tuple(f"{d} 08:00-18:30" for d in ("mon", "tue", "wed", "thu", "fri")),
    "cafe": tuple(f"{d} 09:00-16:00" for d in ("mon", "tue", "wed", "thu", "fri", "sat")),
    "leisure_centre": tuple(f"{d} 07:00-21:00" for d in ("mon", "tue", "wed", "thu", "fri")),
    "pub": tuple(f"{d} 12:00-23:00" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")),
}


@functools.cache
def _authority_shape(code: str) -> Any:
    """An authority's boundary, prepared for many point tests."""
    import shapely

    shape = next(a.shape for a in boundaries.bundled(["local_authority"]) if a.code == code)
    shapely.prepare(shape)
    return shape


def _inside(code: str, lat: float, lon: float) -> bool:
    import shapely

    return bool(shapely.intersects_xy(_authority_shape(code), lon, lat))


def _opening_hours(kind: str) -> list[str]:
    return list(_HOURS.get(kind, ()))
