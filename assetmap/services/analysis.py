"""Run the community analysis, assess one person, suggest for one person, read hotspots."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from assetmap import __version__, clock, published
from assetmap.analysis import batch
from assetmap.analysis import lsns6 as lsns
from assetmap.analysis.circles import circles_by_level, fragility, natural_support
from assetmap.analysis.geo import distance_m
from assetmap.analysis.hotspots import MIN_COUNT, suppress_totals
from assetmap.analysis.isolation import Assessment, CarerRisk, assess_ties, carer_risk
from assetmap.analysis.parameters import PARAMETERS
from assetmap.analysis.reasons import Reason, describe
from assetmap.analysis.suggestions import (
    ActivityOption,
    Candidate,
    Seeker,
    Suggestion,
    adamic_adar_all,
    rank,
)
from assetmap.audit import Acting
from assetmap.graph import areas as area_graph
from assetmap.graph import snapshot as reads
from assetmap.graph.store import GraphStore
from assetmap.i18n import N_, Problem
from assetmap.model import AREA_LEVELS, InvalidRecord, now_iso
from assetmap.services.finder import areas_at

Progress = Callable[[str, int, int], None]
#: counts of people in the structure summary (withheld below 5)
PEOPLE_COUNTS = ("people_cut_off", "no_natural_ties", "cut_off_clusters", "connectors")
#: people reached through friends and groups whose details suggestions read, best linked first
MOST_LINKED = 24


def this_year() -> int:
    return clock.this_year()


# ---------------------------------------------------------------------------
# the batch run


def record_questionnaire(store: GraphStore, data: dict[str, Any],
                         acting: Acting) -> dict[str, Any]:
    """Record an LSNS-6 questionnaire about ``data["person_id"]`` (it takes precedence
    over the estimate from ties), audited, and assess them again; returns the new
    assessment."""
    reads.record_questionnaire(store, data)
    acting.record("update", data["person_id"], detail="LSNS-6 questionnaire recorded")
    return assess_person(store, data["person_id"])


def latest_run(store: GraphStore) -> dict | None:
    """The last finished analysis run (when, what it counted), if any."""
    return reads.latest_run(store)


def run_analysis(store: GraphStore, progress: Progress | None = None) -> dict[str, Any]:
    """Read a snapshot, analyse everyone, write results back, record an ``AnalysisRun``.

    Returns the summary: counts, community structure, durations per stage and the run id.
    """
    started_at = now_iso()
    timer = time.perf_counter()
    durations: dict[str, float] = {}

    snapshot = reads.read_snapshot(store, this_year())
    durations["read"] = round(time.perf_counter() - timer, 3)
    if progress:
        progress("read", 1, 1)

    results = batch.analyse(snapshot, progress)
    durations.update(results.durations)

    run = reads.record_run(store, {
        "started_at": started_at, "version": __version__,
        "parameters": json.dumps(PARAMETERS.as_record(), sort_keys=True),
    })
    timer = time.perf_counter()
    analysed_at = now_iso()
    reads.write_results(store, results, run["id"], analysed_at, progress)
    durations["write"] = round(time.perf_counter() - timer, 3)

    # a summary is an output too: small counts are withheld here as in every area figure
    counts = suppress_totals(results.counts())
    structure = dict(results.structure)
    structure.update(suppress_totals({key: structure[key] for key in PEOPLE_COUNTS}))
    summary = {
        "run_id": run["id"],
        "started_at": started_at,
        "finished_at": now_iso(),
        "version": __version__,
        **counts,
        "areas": len(results.areas),
        "structure": structure,
        "compared_with_published": compared_with_published(results.shares),
        "durations": durations,
        "duration": round(sum(durations.values()), 3),
    }
    store.run_write(
        "MATCH (r:AnalysisRun {id: $id}) SET r.finished_at = $finished, r.counts = $counts, "
        "r.durations = $durations RETURN r.id AS id",
        id=run["id"], finished=summary["finished_at"],
        counts=json.dumps({**counts, "structure": structure}, sort_keys=True),
        durations=json.dumps(durations, sort_keys=True),
    )
    return summary


def compared_with_published(shares: dict[str, tuple]) -> list[dict[str, Any]]:
    """The community's own shares beside the published figures for Wales
    (:mod:`assetmap.published`): percent to one decimal, over the people for whom each is
    recorded; a share from a count that would be withheld is withheld (None)."""
    rows = []
    for figure in published.FIGURES:
        count, base = shares.get(figure.measure, (0, 0))
        shown = (base and count >= MIN_COUNT and base - count >= MIN_COUNT)
        rows.append({
            "measure": figure.measure, "recorded": round(100 * count / base, 1) if shown else None,
            "of_people": base if base >= MIN_COUNT else None, "published": figure.share,
            "published_of": figure.of, "source": figure.source, "tolerance": figure.tolerance,
        })
    return rows


# ---------------------------------------------------------------------------
# one person


def assess_person(store: GraphStore, person_id: str, write: bool = True) -> dict[str, Any]:
    """Assess one person from their neighbourhood now, and (by default) store the result.

    For use after their ties change: the whole-community figures (``cut_off``,
    ``community``) stay those of the last batch run.
    """
    hood = reads.neighbourhood(store, person_id, this_year())
    person = hood.person
    weights, close = natural_support(hood.ties, hood.carers)
    frag = fragility(weights, close, lambda a, b: frozenset((a, b)) in hood.links)
    result = assess_ties(
        person_id, hood.ties, frag, carers=hood.carers, lives_alone=person.get("lives_alone"),
        participation=hood.participation, nearest_activity_m=hood.nearest_activity_m,
        reach_m=hood.reach_m, questionnaire=hood.questionnaire,
        cut_off=bool(person.get("cut_off")),
        age=this_year() - person["birth_year"] if person.get("birth_year") else None,
        what_matters=hood.what_matters,
    )
    carer: CarerRisk | None = None
    if hood.cared_for:
        hanging = {pid: frag for pid in hood.fragile_circles_hanging_on}
        carer = carer_risk(sum(hood.cared_for.values()), result, hood.ties,
                           set(hood.cared_for), hanging)
    if write:
        results = batch.Results(
            {person_id: result}, {person_id: carer} if carer else {}, [], {},
            {person_id: (person.get("community", -1), person.get("bridging", 0.0), False)}, {},
        )
        reads.write_results(store, results, person.get("analysis_run") or "on-demand",
                            now_iso())
    return _report(person, hood, result, carer)


#: reason parameters that hold a person's id: shown as their name wherever the reason is
PERSON_PARAMS = ("key_person", "cared_for")


def _reasons(reasons: tuple[Reason, ...], names: dict[str, str]) -> list[dict]:
    return [{"code": r.code, "text": describe(r, names),
             "params": {key: names.get(value, value) if key in PERSON_PARAMS else value
                        for key, value in r.params.items()}}
            for r in reasons]


def _report(
    person: dict[str, Any], hood: reads.Neighbourhood, result: Assessment,
    carer: CarerRisk | None,
) -> dict[str, Any]:
    names = dict(hood.names)
    names[person["id"]] = person["name"]
    levels = circles_by_level(hood.ties)
    score = result.lsns6
    report: dict[str, Any] = {
        "id": person["id"],
        "name": person["name"],
        "circles": {
            str(level): [{"id": pid, "name": names.get(pid, pid)} for pid in members]
            for level, members in levels.items()
        },
        "carers": [{"id": c, "name": names.get(c, c), "hours_per_week": h}
                   for c, h in sorted(hood.carers.items())],
        # no score where none can be given: the reason says why (never "at risk")
        "lsns6": {
            "source": score.source,
            "date": score.date,
            "total": score.total,
            "family": score.family,
            "friends": score.friends,
            "items": dict(zip(lsns.ITEMS, score.items, strict=True)),
            "counts": dict(zip(lsns.ITEMS, score.counts, strict=True))
            if score.counts else None,
        } if result.assessed else None,
        "not_assessed": result.not_assessed,
        "isolation_risk": result.isolation_risk,
        "reasons": _reasons(result.reasons, names),
        "fragile_circle": result.fragility.fragile,
        "key_person": (
            {"id": result.fragility.key_person,
             "name": names.get(result.fragility.key_person, result.fragility.key_person)}
            if result.fragility.key_person else None
        ),
        "support_lost_percent": round(100 * result.fragility.lost_share),
        "natural_members": result.fragility.members,  # circles 1-3 and unpaid carers
        "nearest_activity_km": (
            None if result.nearest_activity_m is None
            else round(result.nearest_activity_m / 1000, 1)
        ),
        "participation": hood.participation,
        "last_batch_run": person.get("analysis_run"),
    }
    if carer is not None:
        report["carer"] = {
            "cares_for": [{"id": c, "name": names.get(c, c), "hours_per_week": h}
                          for c, h in sorted(hood.cared_for.items())],
            "hours_per_week": carer.hours,
            "risk": carer.level,
            "reasons": _reasons(carer.reasons, names),
        }
    return report


# ---------------------------------------------------------------------------
# suggestions


def suggest(
    store: GraphStore, person_id: str, limit: int = 10, max_cost_pence: int | None = None
) -> list[dict[str, Any]]:
    """Ranked suggestions for who or what could join the person's circle, with reasons."""
    if not 1 <= limit <= 100:
        raise InvalidRecord([("limit", Problem(N_("must be between 1 and 100")))])
    data = reads.suggestion_reads(store, person_id)
    person = data["person"]
    birth = person.get("birth_year")
    seeker = Seeker(
        person_id, person.get("lat") or 0.0, person.get("lon") or 0.0,
        age=this_year() - birth if birth else None,
        languages=tuple(person.get("languages") or ("en",)),
        interests=tuple(person.get("interests") or ()),
        needs=tuple(person.get("needs") or ()),
        gifts=tuple(person.get("gifts") or ()),
        availability=tuple(person.get("availability") or ()),
        access_needs=tuple(person.get("access_needs") or ()),
    )
    located = person.get("lat") is not None
    common: dict[str, dict[str, int]] = {}
    groups_of: dict[str, list[str]] = {}
    for row in data["via_friends"] + data["via_groups"]:
        for candidate in row["candidates"]:
            common.setdefault(candidate, {})[row["via"]] = row["degree"]
            if "name" in row:
                groups_of.setdefault(candidate, []).append(row["name"])

    profiles: dict[str, dict] = {}
    load: dict[str, int] = {}
    for row in data["volunteers"]:
        profiles[row["v"]["id"]] = row["v"]
        load[row["v"]["id"]] = row["load"]
    for row in data["exchange"]:
        profiles.setdefault(row["c"]["id"], row["c"])
    # of those known through friends and groups, read only the most strongly linked
    strength = adamic_adar_all(common)
    linked = sorted(common, key=lambda cid: (-strength[cid], cid))
    for profile in reads.candidates(store, [c for c in linked[:MOST_LINKED]
                                            if c not in profiles]):
        profiles[profile["id"]] = profile

    candidates = []
    for cid, c in profiles.items():
        if c.get("lat") is None or not located:
            continue
        capacity = c.get("capacity") if c.get("capacity") is not None else 2
        candidates.append(Candidate(
            cid, c["name"], distance_m(seeker.lat, seeker.lon, c["lat"], c["lon"]),
            bool(c.get("open_to_connect")),
            languages=tuple(c.get("languages") or ("en",)),
            interests=tuple(c.get("interests") or ()), gifts=tuple(c.get("gifts") or ()),
            needs=tuple(c.get("needs") or ()), skills=tuple(c.get("skills") or ()),
            availability=tuple(c.get("availability") or ()),
            volunteer=bool(c.get("volunteer")), radius_km=c.get("radius_km"),
            capacity_left=max(0, capacity - load.get(cid, 0)) if cid in load else 0,
            common=common.get(cid, {}), shared_groups=tuple(sorted(groups_of.get(cid, ()))),
        ))
    reach = data["reach_m"]
    options = []
    if located:
        # those at venues near home, and those that reach home without a venue
        for o in [*reads.activities_near(store, seeker.lat, seeker.lon, reach),
                  *reads.activities_without_venue(store, seeker.lat, seeker.lon,
                                                  areas_at(store, seeker.lat, seeker.lon))]:
            options.append(ActivityOption(
                o["id"], o["name"], o["weekday"], o["start"], tuple(o["categories"] or ()),
                o["distance_m"], o["welsh"], o["cost"], o["age_min"], o["age_max"],
                o["access"], o["group_id"], o["group_name"], o["place"], o.get("name_cy"),
                o.get("group_name_cy"),
            ))
    ranked = rank(
        seeker, candidates, options,
        exclude=set(data["circle"]) | set(data["attends"]), member_of=set(data["groups"]),
        reach_m=reach, max_cost_pence=max_cost_pence, limit=limit,
    )
    names = {cid: c["name"] for cid, c in profiles.items()}
    names[person_id] = person["name"]
    return [_suggestion(s, names) for s in ranked]


def _suggestion(s: Suggestion, names: dict[str, str]) -> dict[str, Any]:
    return {**s.as_dict(), "reasons": _reasons(s.reasons, names)}


# ---------------------------------------------------------------------------
# hotspots


def hotspots(store: GraphStore, level: str, previous: bool = False,
             within: str | None = None) -> list[dict[str, Any]]:
    """Stored, suppressed figures of each area at ``level`` from the last analysis run
    (with ``previous``, also the run before's, to show what changed; ``within``, only the
    areas inside that one: a health board's authorities, an authority's wards)."""
    if level not in AREA_LEVELS:
        raise InvalidRecord([("level", Problem(N_("must be one of %(choices)s"),
                                               choices=", ".join(AREA_LEVELS)))])
    if within and not area_graph.exists(store, within):
        raise InvalidRecord([("within", Problem(N_("no area with the code %(code)s is loaded"),
                                                code=repr(within)))])
    return reads.area_figures(store, level, previous, within or None)
