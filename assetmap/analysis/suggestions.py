"""Who or what could join one person's circle: ranked suggestions, each with its reasons.

Four sources, all local to the person (the graph layer reads only their neighbourhood and
what lies near their home, through indexes):

* **volunteers** with room to take someone on, whose travel radius reaches the person,
  matched on interests and skills, language and free times;
* **people who opted in** (``open_to_connect``) reachable through friends of friends or
  shared groups, scored by Adamic-Adar on the local neighbourhood and living near;
* **reciprocity**: people nearby whose needs this person's gifts meet, or whose gifts meet
  this person's needs - everyone gives as well as receives;
* **activities and groups** that match interests, day and time, access needs, language
  (Welsh first for Welsh speakers), cost and distance.

Nobody already in the circle and nobody who has not opted in is ever suggested.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import networkx as nx

from assetmap.analysis.parameters import PARAMETERS
from assetmap.analysis.reasons import Reason
from assetmap.analysis.vocabulary import categories_for, gifts_meeting, normal_tag
from assetmap.i18n import fold
from assetmap.names import PART_NAMES, WEEKDAY_NAMES

__all__ = [
    "EXCHANGE_NEAR_M",
    "PEER_NEAR_M",
    "ActivityOption",
    "Candidate",
    "Seeker",
    "Suggestion",
    "adamic_adar",
    "can_take_part",
    "day_part",
    "rank",
]

PEER_NEAR_M = PARAMETERS.peer_near_m
EXCHANGE_NEAR_M = PARAMETERS.exchange_near_m
FULL_COST_PENCE = PARAMETERS.full_cost_pence  # dearer than this scores nothing for cost


@dataclass(frozen=True)
class Seeker:
    """The person suggestions are for."""

    id: str
    lat: float
    lon: float
    age: int | None = None
    languages: tuple[str, ...] = ("en",)
    interests: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    gifts: tuple[str, ...] = ()
    availability: tuple[str, ...] = ()
    access_needs: tuple[str, ...] = ()

    @property
    def prefers_welsh(self) -> bool:
        return bool(self.languages) and self.languages[0] == "cy"


@dataclass(frozen=True)
class Candidate:
    """Someone who might join the circle, as read around the seeker."""

    id: str
    name: str
    distance_m: float
    open_to_connect: bool
    languages: tuple[str, ...] = ("en",)
    interests: tuple[str, ...] = ()
    gifts: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    availability: tuple[str, ...] = ()
    volunteer: bool = False
    radius_km: float | None = None
    capacity_left: int = 0
    #: common neighbours: person or group id -> its degree (for Adamic-Adar)
    common: Mapping[str, int] = field(default_factory=dict)
    shared_groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class ActivityOption:
    """An activity near the seeker, with its venue's access features."""

    id: str
    name: str
    weekday: str | None  # None (and start None): times not given
    start: str | None
    categories: tuple[str, ...]
    distance_m: float  # 0 for one that reaches home without a venue
    welsh_language: bool | None = False  # None: not known
    cost_pence: int | None = 0  # None: not given (never free)
    age_min: int = 0
    age_max: int = 120
    access: frozenset[str] = frozenset()
    group_id: str | None = None
    group_name: str | None = None
    place_name: str | None = None
    name_cy: str | None = None
    group_name_cy: str | None = None


@dataclass(frozen=True)
class Suggestion:
    kind: Literal["volunteer", "person", "activity", "group"]
    id: str
    name: str
    score: float
    reasons: tuple[Reason, ...]
    distance_m: float | None = None
    name_cy: str | None = None

    def as_dict(self) -> dict:
        return {"kind": self.kind, "id": self.id, "name": self.name, "name_cy": self.name_cy,
                "score": round(self.score, 3),
                "distance_km": None if self.distance_m is None else _km(self.distance_m),
                "reasons": [reason.as_dict() for reason in self.reasons]}


#: when each part of the day starts and ends (24-hour clock, end not included)
DAY_PART_HOURS = {"am": ("00:00", "12:00"), "pm": ("12:00", "17:00"), "eve": ("17:00", "24:00")}


def day_part(clock: str) -> str:
    """'am' before noon, 'pm' until 17:00, then 'eve'.

    >>> day_part("10:30"), day_part("14:00"), day_part("19:30")
    ('am', 'pm', 'eve')
    """
    return next(part for part, (start, end) in DAY_PART_HOURS.items() if start <= clock < end)


def adamic_adar(common: Mapping[str, int]) -> float:
    r"""Adamic-Adar index of the seeker and one candidate (:func:`adamic_adar_all`).

    >>> round(adamic_adar({"a": 2, "b": 10}), 3)
    1.877
    """
    return adamic_adar_all({"candidate": common})["candidate"]


def adamic_adar_all(common: Mapping[str, Mapping[str, int]]) -> dict[str, float]:
    r"""Adamic-Adar index of the seeker and each candidate, from their common neighbours
    and each neighbour's degree: $\sum 1 / \log k$, by NetworkX's own
    :func:`~networkx.adamic_adar_index` over the part of the network that decides it,
    built once: the seeker, the candidates, and each common neighbour with as many ties as
    it has (a common neighbour knows both, so its degree is at least 2).

    >>> scores = adamic_adar_all({"c1": {"a": 2, "b": 10}, "c2": {"b": 10}})
    >>> round(scores["c1"], 3), round(scores["c2"], 3)
    (1.877, 0.434)
    """
    seeker = ("seeker",)
    graph = nx.Graph()
    graph.add_node(seeker)
    degree: dict[str, int] = {}
    for candidate, neighbours in common.items():
        graph.add_node(("candidate", candidate))
        for neighbour, k in neighbours.items():
            graph.add_edge(seeker, neighbour)
            graph.add_edge(("candidate", candidate), neighbour)
            degree[neighbour] = max(k, degree.get(neighbour, 0))
    for neighbour, k in degree.items():  # ties to people outside this part of the network
        graph.add_edges_from((neighbour, (neighbour, i))
                             for i in range(max(0, k - graph.degree(neighbour))))
    pairs = [(seeker, ("candidate", c)) for c in common]
    return {v[1]: score for _, v, score in nx.adamic_adar_index(graph, pairs)}


def can_take_part(
    age: int | None, access_needs: Collection[str], age_min: int, age_max: int,
    access: Collection[str],
) -> bool:
    """The activity is open to the person's age and its venue meets their access needs.

    >>> can_take_part(80, ["step_free"], 50, 120, {"step_free", "parking"})
    True
    >>> can_take_part(80, [], 10, 26, set()), can_take_part(None, ["hearing_loop"], 0, 120, [])
    (False, False)
    """
    return (age is None or age_min <= age <= age_max) and set(access_needs) <= set(access)


def _km(metres: float) -> float:
    return round(metres / 1000, 1)


def _language_fit(seeker: Seeker, languages: Collection[str]) -> tuple[float, Reason | None]:
    """1 for the seeker's first language, less for another shared one, 0 for none."""
    if not seeker.languages:
        return 0.5, None
    first = seeker.languages[0]
    if first in languages:
        return 1.0, Reason("speaks_welsh") if first == "cy" else None
    shared = [lang for lang in seeker.languages if lang in languages]
    return (0.4, None) if shared else (0.0, None)


def _time_fit(wanted: Collection[str], offered: Collection[str]) -> tuple[float, list[str]]:
    if not wanted or not offered:
        return 0.5, []
    common = sorted(set(wanted) & set(offered))
    return (1.0, common) if common else (0.0, [])


def _shared(first: Iterable[str], second: Iterable[str]) -> list[str]:
    theirs = {normal_tag(tag) for tag in second}
    return sorted({normal_tag(tag) for tag in first} & theirs)


def _person(seeker: Seeker, candidate: Candidate, strength: float = 0.0) -> Suggestion | None:
    """Score one person by every route that qualifies them (``strength``: their
    Adamic-Adar index with the seeker); None if none does."""
    language, language_reason = _language_fit(seeker, candidate.languages)
    if language == 0.0:
        return None
    interests = _shared(seeker.interests, candidate.interests)
    scores: list[float] = []
    reasons: list[Reason] = []
    kind: Literal["volunteer", "person"] = "person"

    radius_m = (candidate.radius_km or 0) * 1000
    if candidate.volunteer and candidate.capacity_left > 0 and candidate.distance_m <= radius_m:
        helps = [need for need, _ in gifts_meeting(seeker.needs, candidate.skills)]
        times, slots = _time_fit(seeker.availability, candidate.availability)
        match = min(1.0, (len(interests) + len(helps)) / 2)
        scores.append(0.3 * match + 0.25 * (1 - candidate.distance_m / max(radius_m, 1))
                      + 0.2 * language + 0.15 * times + 0.1)
        kind = "volunteer"
        if helps:
            reasons.append(Reason("skills_meet_needs", {"needs": ", ".join(helps)}))
        if slots:
            reasons.append(Reason("available_when_free", {"slots": ", ".join(slots)}))
        reasons.append(Reason("within_radius", {"distance_km": _km(candidate.distance_m),
                                                "radius_km": candidate.radius_km}))
        reasons.append(Reason("has_capacity", {"capacity": candidate.capacity_left}))

    if (candidate.common or candidate.shared_groups) and candidate.distance_m <= PEER_NEAR_M:
        scores.append(0.4 * strength / (1 + strength)
                      + 0.2 * (1 - candidate.distance_m / PEER_NEAR_M)
                      + 0.2 * min(1.0, len(interests) / 2) + 0.2 * language)
        people = sum(1 for key in candidate.common if key not in candidate.shared_groups)
        if people:
            reasons.append(Reason("mutual_friends", {"count": people}))
        if candidate.shared_groups:
            reasons.append(Reason("shared_groups",
                                  {"groups": ", ".join(candidate.shared_groups)}))

    if candidate.distance_m <= EXCHANGE_NEAR_M:
        gives = gifts_meeting(candidate.needs, seeker.gifts)
        receives = gifts_meeting(seeker.needs, candidate.gifts)
        if gives or receives:
            both = bool(gives and receives)
            scores.append(0.5 * (1.0 if both else 0.6)
                          + 0.25 * (1 - candidate.distance_m / EXCHANGE_NEAR_M)
                          + 0.25 * language)
            for need, gift in gives:
                reasons.append(Reason("gift_meets_need",
                                      {"giver": seeker.id, "gift": gift, "need": need}))
            for need, gift in receives:
                reasons.append(Reason("gift_meets_need",
                                      {"giver": candidate.id, "gift": gift, "need": need}))
            if both:
                reasons.append(Reason("exchange_both_ways"))

    if not scores:
        return None
    if interests:
        reasons.insert(0, Reason("shares_interests", {"interests": ", ".join(interests)}))
    if language_reason:
        reasons.append(language_reason)
    if kind == "person":
        reasons.append(Reason("lives_near", {"distance_km": _km(candidate.distance_m)}))
    # more than one route to the same person is a stronger suggestion
    score = min(1.0, max(scores) + 0.1 * (len(scores) - 1))
    return Suggestion(kind, candidate.id, candidate.name, score, tuple(reasons),
                      candidate.distance_m)


def _activity(
    seeker: Seeker, option: ActivityOption, reach_m: float, max_cost_pence: int | None
) -> Suggestion | None:
    if not can_take_part(seeker.age, seeker.access_needs, option.age_min, option.age_max,
                         option.access):
        return None
    if max_cost_pence is not None and option.cost_pence is not None \
            and option.cost_pence > max_cost_pence:
        return None
    if option.distance_m > reach_m:
        return None
    reasons: list[Reason] = []
    matched = sorted(categories_for(seeker.interests) & set(option.categories))
    if matched:
        reasons.append(Reason("interests_match", {"categories": ", ".join(matched)}))
    # what was not given scores nothing (never a guess): times, language, cost
    schedule = 0.0
    if option.weekday and option.start:
        schedule, _ = _time_fit(seeker.availability,
                                [f"{option.weekday}_{day_part(option.start)}"])
    if schedule == 1.0 and option.weekday and option.start:
        reasons.append(Reason("day_and_time_match", {
            "weekday": WEEKDAY_NAMES[option.weekday], "part": PART_NAMES[day_part(option.start)],
        }))
    if option.welsh_language is None:
        language = 0.0
    elif "cy" in seeker.languages:
        language = 1.0 if option.welsh_language == seeker.prefers_welsh else 0.6
    else:
        language = 0.3 if option.welsh_language else 0.7
    if option.welsh_language:
        reasons.append(Reason("welsh_language"))
    if option.cost_pence == 0:
        reasons.append(Reason("free_of_charge"))
    elif option.cost_pence is not None:
        reasons.append(Reason("cost", {"pounds": f"{option.cost_pence / 100:.2f}"}))
    if seeker.access_needs:
        reasons.append(Reason("accessible", {"needs": ", ".join(sorted(seeker.access_needs))}))
    venue = option.place_name is not None  # none: it reaches them at home
    if venue:
        reasons.append(Reason("distance", {"distance_km": _km(option.distance_m)}))
    score = (0.35 * (1.0 if matched else 0.0) + 0.2 * schedule + 0.15 * language
             + 0.15 * (1 - option.distance_m / max(reach_m, 1))
             + (0.15 * max(0.0, 1 - option.cost_pence / FULL_COST_PENCE)
                if option.cost_pence is not None else 0.0))
    return Suggestion("activity", option.id, option.name, score, tuple(reasons),
                      option.distance_m if venue else None, option.name_cy)


def rank(
    seeker: Seeker,
    candidates: Iterable[Candidate] = (),
    activities: Iterable[ActivityOption] = (),
    *,
    exclude: Collection[str] = (),
    member_of: Collection[str] = (),
    reach_m: float = 8000.0,
    max_cost_pence: int | None = None,
    limit: int = 10,
) -> list[Suggestion]:
    """Rank who and what could join ``seeker``'s circle, best first.

    Parameters
    ----------
    seeker : Seeker
    candidates : iterable of Candidate
        People read near the seeker or through their neighbourhood.
    activities : iterable of ActivityOption
        Activities read near the seeker's home.
    exclude : collection of str
        Ids never to suggest: the circle, carers, activities already attended.
    member_of : collection of str
        Groups the seeker already belongs to (not suggested again).
    reach_m : float
        How far an activity may be.
    max_cost_pence : int or None
        Leave out activities dearer than this.
    limit : int

    Returns
    -------
    list of Suggestion

    Examples
    --------
    >>> me = Seeker("me", 52.4, -3.5, languages=("cy", "en"), availability=("tue_am",))
    >>> welsh = ActivityOption("a1", "Clwb", "tue", "10:00", ("social",), 500, True)
    >>> english = ActivityOption("a2", "Club", "thu", "19:00", ("social",), 500)
    >>> [s.id for s in rank(me, activities=[english, welsh])]
    ['a1', 'a2']

    An activity held on several days (one name at one place) is suggested once, on the day
    that suits best:

    >>> friday = ActivityOption("a3", "Clwb", "fri", "10:00", ("social",), 500, True)
    >>> [s.id for s in rank(me, activities=[english, friday, welsh])]
    ['a1', 'a2']
    """
    excluded = set(exclude) | {seeker.id}
    found: list[Suggestion] = []
    candidates = [c for c in candidates if c.id not in excluded and c.open_to_connect]
    strengths = adamic_adar_all({c.id: c.common for c in candidates if c.common})
    for candidate in candidates:
        suggestion = _person(seeker, candidate, strengths.get(candidate.id, 0.0))
        if suggestion:
            found.append(suggestion)
    best_by_group: dict[str, tuple[Suggestion, ActivityOption]] = {}
    best_session: dict[tuple[str | None, str], Suggestion] = {}
    for option in activities:
        if option.id in excluded:
            continue
        suggestion = _activity(seeker, option, reach_m, max_cost_pence)
        if not suggestion:
            continue
        same = best_session.get((option.place_name, option.name))
        if same is None or (suggestion.score, same.id) > (same.score, suggestion.id):
            best_session[(option.place_name, option.name)] = suggestion
        if option.group_id and option.group_id not in member_of:
            held = best_by_group.get(option.group_id)
            if held is None or suggestion.score > held[0].score:
                best_by_group[option.group_id] = (suggestion, option)
    found += best_session.values()
    suggested = {fold(s.name) for s in best_session.values()}
    for group_id, (activity, option) in best_by_group.items():
        if fold(option.group_name or "") in suggested:
            continue  # a group named as its activity is: the activity is the suggestion
        found.append(Suggestion(
            "group", group_id, option.group_name or group_id, 0.95 * activity.score,
            (Reason("runs_activity", {"activity": option.name,
                                      "activity_cy": option.name_cy or option.name}),
             *activity.reasons),
            option.distance_m, option.group_name_cy,
        ))
    found.sort(key=lambda s: (-s.score, s.kind, s.id))
    return _with_people(found, limit)


#: kinds of suggestion that are someone to join the circle, not something to go to
PEOPLE_KINDS = ("volunteer", "person")


def _with_people(ranked: list[Suggestion], limit: int) -> list[Suggestion]:
    """The best ``limit`` suggestions, with up to a third kept for people: a circle of
    support is people first, and a town's many activities would otherwise fill the list.

    >>> act = [Suggestion("activity", f"a{i}", "", 0.9, ()) for i in range(5)]
    >>> vol = Suggestion("volunteer", "v", "", 0.2, ())
    >>> [s.id for s in _with_people([*act, vol], 3)]
    ['a0', 'a1', 'v']
    """
    if limit <= 0:
        return []
    kept = [s for s in ranked if s.kind in PEOPLE_KINDS][:max(1, limit // 3)]
    rest = [s for s in ranked if s not in kept][:limit - len(kept)]
    return sorted([*kept, *rest], key=lambda s: (-s.score, s.kind, s.id))
