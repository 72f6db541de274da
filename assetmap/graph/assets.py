"""The public asset directory: activities and the places they are held at, found by filters.

Assets are public information (DESIGN.md §1); nothing here reads a person. The search is
one statement: near a point it starts from the Place point index, so it reads only the
places within the radius whatever the size of the county.
"""

from __future__ import annotations

from typing import Any

from assetmap.analysis.suggestions import DAY_PART_HOURS
from assetmap.graph.nodes import NotFound
from assetmap.graph.store import GraphStore
from assetmap.i18n import fold
from assetmap.model import ACCESS_NEEDS, AssetSearch

_POINT = "point({latitude: $lat, longitude: $lon})"
_RUNNERS = (
    "OPTIONAL MATCH (a)-[:RUN_BY]->(r) "
    "WITH a, pl, d, collect(r {.id, .name, .name_cy, .email, .website, .paused_since, "
    "label: labels(r)[0]}) "
    "AS runners "
)
_ACTIVITY = (
    "a {.id, .name, .name_cy, .description, .description_cy, .weekday, .start, .end, "
    ".frequency, .cost_pence, .welsh_language, .categories, .age_min, .age_max, .delivery, "
    ".service_areas, .reach_km, .email, .checked_at, .checked_by, .updated_at, "
    ".cancelled_dates, .ended_on}"
)
_PLACE = (
    "pl {.id, .name, .name_cy, .kind, .address, .postcode, .town, .lat, .lon, .email, "
    ".checked_at, .checked_by, .updated_at, "
    f"{', '.join('.' + need for need in ACCESS_NEEDS)}}}"
)


#: the filters a finder page counts beside each of its choices (see :func:`facet_rows`),
#: each with its value meaning "any"
FACETS: dict[str, Any] = {"day": None, "time_of_day": None, "category": None, "free": False,
                          "welsh": False, "delivery": None,
                          **dict.fromkeys(ACCESS_NEEDS, False)}
#: an activity without a venue: not held at any place
NO_VENUE = "NOT (a)-[:HELD_AT]->(:Place)"
#: one without a venue offered where the searcher is: anywhere (no area and no reach), in
#: one of the searcher's areas, or within its reach of its base
OFFERED_HERE = (
    "((size(coalesce(a.service_areas, [])) = 0 AND a.reach_km IS NULL) "
    "OR any(code IN coalesce(a.service_areas, []) WHERE code IN $areas) "
    "OR (a.reach_km IS NOT NULL AND @distance(point({latitude: a.base_lat, "
    f"longitude: a.base_lon}}), {_POINT}) <= a.reach_km * 1000))"
)


#: in the public finder: checked (or, never checked, changed) since ``$listed_since`` (the
#: rule of :mod:`assetmap.services.freshness`, which gives the date) and not ended
LISTED = ("coalesce(a.checked_at, left(a.updated_at, 10)) >= $listed_since "
          "AND (a.ended_on IS NULL OR a.ended_on > $today)")
#: what :data:`LISTED` is asked with: ``listed_since`` and ``today``, ISO dates
Listed = dict[str, str]


def _filters(search: AssetSearch, at_venue: bool = True,
             listed: Listed | None = None) -> tuple[list[str], list[str], dict[str, Any]]:
    """WHERE conditions on the place and on the activity, and their parameters; for
    activities without a venue (``at_venue`` false) words are looked for in the activity
    alone; with ``listed``, only what the public finder lists (:data:`LISTED`).

    Only the filters asked for become conditions; each is fixed text, values are parameters.
    """
    place = [f"pl.{need} = true" for need in search.access_needs()]
    activity: list[str] = [LISTED] if listed else []
    params: dict[str, Any] = dict(listed or {})
    if search.day:
        activity.append("a.weekday = $day")
        params["day"] = search.day
    if search.time_of_day:
        activity.append("a.start >= $from AND a.start < $until")
        params["from"], params["until"] = DAY_PART_HOURS[search.time_of_day]
    if search.free:
        activity.append("a.cost_pence = 0")
    if search.welsh:
        activity.append("a.welsh_language = true")
    if search.category:
        activity.append("$category IN a.categories")
        params["category"] = search.category
    if search.age is not None:
        activity.append("coalesce(a.age_min, 0) <= $age AND coalesce(a.age_max, 120) >= $age")
        params["age"] = search.age
    if search.delivery == "in_person":  # at a venue: said so, or nothing said
        activity.append("(size(coalesce(a.delivery, [])) = 0 OR 'in_person' IN a.delivery)")
    elif search.delivery:
        activity.append("$delivery IN coalesce(a.delivery, [])")
        params["delivery"] = search.delivery
    if search.text:
        # names and descriptions in both languages, folded when written (nodes.searchable)
        activity.append("(a.search_text CONTAINS $text OR pl.search_text CONTAINS $text)"
                        if at_venue else "a.search_text CONTAINS $text")
        params["text"] = fold(search.text)
    return place, activity, params


def _matched(search: AssetSearch, lat: float | None, lon: float | None,
             listed: Listed | None) -> tuple[str, dict[str, Any]]:
    """The MATCH of ``search``'s places and activities (``pl``, its distance ``d`` from
    ``lat``/``lon`` or null, and ``a``), and its parameters."""
    place_conditions, activity_conditions, params = _filters(search, listed=listed)
    distance = "null"
    if lat is not None and lon is not None:
        place_conditions.insert(0, f"@distance(pl.location, {_POINT}) <= $radius")
        params.update(lat=lat, lon=lon, radius=search.radius_km * 1000)
        distance = f"@distance(pl.location, {_POINT})"
    where_place = f"WHERE {' AND '.join(place_conditions)} " if place_conditions else ""
    where_activity = f"WHERE {' AND '.join(activity_conditions)} " if activity_conditions else ""
    return (f"MATCH (pl:Place) {where_place}WITH pl, {distance} AS d "
            f"MATCH (a:Activity)-[:HELD_AT]->(pl) {where_activity}"), params


#: the ways of delivery that need no venue
REMOTE = ["phone", "online", "home"]


def candidates_without_venue(store: GraphStore, areas: list[str] | None) -> list[str]:
    """The ids of the activities that may be without a venue: delivered by phone, online
    or at home, or offered in one of ``areas`` (None: in any). Both read through the
    indexes on the lists (``Activity.indexed``), so the reads follow how many such
    services there are, never the size of the county."""
    ids = {row["id"] for row in store.run_read(
        "UNWIND $modes AS mode MATCH (a:Activity) WHERE mode IN a.delivery "
        "RETURN DISTINCT a.id AS id", modes=REMOTE)}
    if areas is None:
        ids |= {row["id"] for row in store.run_read(
            "MATCH (a:Activity) WHERE size(coalesce(a.service_areas, [])) > 0 "
            "RETURN a.id AS id")}
    elif areas:
        ids |= {row["id"] for row in store.run_read(
            "UNWIND $areas AS code MATCH (a:Activity) WHERE code IN a.service_areas "
            "RETURN DISTINCT a.id AS id", areas=areas)}
    return sorted(ids)


def _same_service(activity: dict[str, Any]) -> tuple:
    """What makes activities without a venue the days of one service."""
    return (activity["name"], tuple(activity.get("delivery") or ()),
            tuple(activity.get("service_areas") or ()), activity.get("reach_km"))


def _without_venue(store: GraphStore, search: AssetSearch, lat: float | None,
                   lon: float | None, areas: list[str],
                   listed: Listed | None) -> tuple[str, dict[str, Any]]:
    """The MATCH of ``search``'s activities without a venue (``a``) offered at
    ``lat``/``lon`` (in one of ``areas``, the codes of the areas holding that point), and
    its parameters. A venue's access (asked for) is never known of them: none match."""
    place_conditions, conditions, params = _filters(search, at_venue=False, listed=listed)
    if place_conditions:
        return "MATCH (a:Activity) WHERE false ", {}
    conditions.insert(0, NO_VENUE)
    here = lat is not None and lon is not None
    if here:
        conditions.insert(1, OFFERED_HERE)
        params.update(lat=lat, lon=lon, areas=areas)
    params["candidates"] = candidates_without_venue(store, areas if here else None)
    return (f"UNWIND $candidates AS candidate MATCH (a:Activity {{id: candidate}}) "
            f"WHERE {' AND '.join(conditions)} "), params


def _results_without_venue(store: GraphStore, search: AssetSearch, lat: float | None,
                           lon: float | None, areas: list[str],
                           listed: Listed | None) -> list[dict]:
    """Every activity without a venue the search finds, one result a name (its days are
    its sessions), by name."""
    matched, params = _without_venue(store, search, lat, lon, areas, listed)
    rows = store.run_read(
        f"{matched}WITH a, null AS pl, null AS d {_RUNNERS}"
        f"RETURN {_ACTIVITY} AS activity, runners ORDER BY a.name, a.id", **params)
    results: dict[tuple, dict] = {}
    for row in rows:
        # one service on several days: the same name, reaching the same people the same way
        # (two services of one name from different runners stay two results)
        result = results.setdefault(_same_service(row["activity"]), {
            "activity": row["activity"], "sessions": [], "place": None, "runners": [],
            "distance_m": None})
        result["sessions"].append(row["activity"])
        result["runners"] += [r for r in row["runners"] if r not in result["runners"]]
    return list(results.values())


def search(
    store: GraphStore, search: AssetSearch, lat: float | None = None, lon: float | None = None,
    areas: list[str] | None = None, listed: Listed | None = None,
) -> tuple[list[dict], int]:
    """Activities matching ``search``, one result for each activity name at a place (its
    days are its sessions), with the place and who runs it.

    Near ``lat``/``lon``: within ``search.radius_km``, nearest first, each with
    ``distance_m``. Without a point: by name. With ``listed``, only what the public
    finder lists (:data:`LISTED`). Returns one page of results ``{"activity"
    (the first session), "sessions", "place", "runners", "distance_m"}`` and how many
    results match.
    """
    # those without a venue come first: wherever the searcher is, they reach them
    remote = _results_without_venue(store, search, lat, lon, areas or [], listed)
    skip = (search.page - 1) * search.per_page
    shown = remote[skip: skip + search.per_page]
    matched, params = _matched(search, lat, lon, listed)
    matched += "WITH pl, d, a.name AS name, collect(a) AS sessions "
    result_order = "name, pl.id" if lat is None or lon is None else "d, name, pl.id"
    total = store.run_read(f"{matched}RETURN count(*) AS n", **params)[0]["n"]
    if len(shown) == search.per_page:
        return shown, total + len(remote)
    rows = store.run_read(
        f"{matched}ORDER BY {result_order} SKIP $skip LIMIT $limit "
        f"UNWIND sessions AS a {_RUNNERS}"
        f"RETURN {_ACTIVITY} AS activity, {_PLACE} AS place, runners, d "
        f"ORDER BY {result_order.replace('name', 'a.name')}, a.id",
        skip=max(0, skip - len(remote)), limit=search.per_page - len(shown), **params,
    )
    results: dict[tuple[str, str], dict] = {}
    for row in rows:
        key = (row["place"]["id"], row["activity"]["name"])
        result = results.setdefault(key, {
            "activity": row["activity"], "sessions": [], "place": row["place"], "runners": [],
            "distance_m": None if row["d"] is None else round(row["d"])})
        result["sessions"].append(row["activity"])
        result["runners"] += [r for r in row["runners"] if r not in result["runners"]]
    return shown + list(results.values()), total + len(remote)


def facet_rows(store: GraphStore, search: AssetSearch, lat: float | None = None,
               lon: float | None = None, areas: list[str] | None = None,
               listed: Listed | None = None) -> list[dict]:
    """Every activity the search would find if none of the :data:`FACETS` were asked for
    (the place, distance, words and age still apply), with what those filters test: the
    finder counts, beside each choice, how many results choosing it would give."""
    unfaceted = search.model_copy(update=FACETS)
    matched, params = _matched(unfaceted, lat, lon, listed)
    returned = ("RETURN {place} AS place, a.name AS name, a.weekday AS day, a.start AS start, "
                "a.cost_pence AS cost_pence, a.welsh_language AS welsh, "
                "a.categories AS categories, a.delivery AS delivery, {needs}")
    at_venues = store.run_read(matched + returned.format(
        place="pl.id", needs=", ".join(f"pl.{need} AS {need}" for need in ACCESS_NEEDS)),
        **params)
    matched, params = _without_venue(store, unfaceted, lat, lon, areas or [], listed)
    return at_venues + store.run_read(matched + returned.format(
        place="null", needs=", ".join(f"null AS {need}" for need in ACCESS_NEEDS)), **params)


def matches(row: dict, facet: str, value: Any) -> bool:
    """Whether a :func:`facet_rows` row passes ``facet`` asked as ``value`` (the same
    tests :func:`search` writes in Cypher; a test checks that both agree)."""
    if facet == "day":
        return row["day"] == value
    if facet == "time_of_day":
        start, until = DAY_PART_HOURS[value]
        return row["start"] is not None and start <= row["start"] < until
    if facet == "delivery":  # one at a venue, nothing said, is in person there
        modes = row["delivery"] or (["in_person"] if row["place"] else [])
        return value in modes
    if facet == "category":
        return value in (row["categories"] or [])
    if facet == "free":
        return row["cost_pence"] == 0
    return row[facet] is True  # "welsh" and the access needs: only a recorded yes


def place_with_activities(store: GraphStore, place_id: str) -> dict:
    """A place, and every activity held there with who runs it, by day and time."""
    rows = store.run_read(
        f"MATCH (pl:Place {{id: $id}}) WITH pl, null AS d "
        "OPTIONAL MATCH (a:Activity)-[:HELD_AT]->(pl) "
        f"{_RUNNERS}"
        f"RETURN {_PLACE} AS place, "
        f"collect(CASE WHEN a IS NULL THEN null ELSE {{activity: {_ACTIVITY}, "
        "runners: runners} END) AS activities",
        id=place_id,
    )
    if not rows:
        raise NotFound("Place", place_id)
    return {"place": rows[0]["place"], "activities": rows[0]["activities"]}


def place_of_activity(store: GraphStore, activity_id: str) -> str:
    """The id of the place an activity is held at."""
    rows = store.run_read(
        "MATCH (a:Activity {id: $id})-[:HELD_AT]->(pl:Place) RETURN pl.id AS id", id=activity_id
    )
    if not rows:
        raise NotFound("Activity", activity_id)
    return rows[0]["id"]


def where_held(store: GraphStore, ids: list[str]) -> dict[str, dict]:
    """For activities and groups among ``ids``: the place (name, lat, lon) each is held at
    (a group: the place of its nearest-named activity)."""
    rows = store.run_read(
        "MATCH (a:Activity)-[:HELD_AT]->(pl:Place) WHERE a.id IN $ids "
        "RETURN a.id AS id, pl.name AS name, pl.name_cy AS name_cy, pl.lat AS lat, pl.lon AS lon "
        "UNION "
        "MATCH (g:Group)<-[:RUN_BY]-(:Activity)-[:HELD_AT]->(pl:Place) WHERE g.id IN $ids "
        "WITH g, min(pl.id) AS first MATCH (pl:Place {id: first}) "
        "RETURN g.id AS id, pl.name AS name, pl.name_cy AS name_cy, pl.lat AS lat, pl.lon AS lon",
        ids=ids)
    return {row["id"]: row for row in rows}


def every_place(store: GraphStore) -> list[dict]:
    """Every place's properties with the activities held there (for exports)."""
    return store.run_read(
        "MATCH (p:Place) OPTIONAL MATCH (a:Activity)-[:HELD_AT]->(p) "
        "RETURN properties(p) AS p, collect(a {.id, .name, .weekday, .start, .end, "
        ".cost_pence, .welsh_language}) AS activities ORDER BY p.id")


def without_venue(store: GraphStore, activity_id: str) -> list[dict]:
    """An activity delivered without a venue, with who runs it (as
    :func:`place_with_activities` gives a place's), and its other days: the activities of
    its name without a venue."""
    rows = store.run_read(
        f"MATCH (chosen:Activity {{id: $id}}) WHERE NOT (chosen)-[:HELD_AT]->(:Place) "
        f"MATCH (a:Activity {{name: chosen.name}}) WHERE {NO_VENUE} "
        f"WITH a, null AS pl, null AS d {_RUNNERS}"
        f"RETURN {_ACTIVITY} AS activity, runners ORDER BY a.id", id=activity_id)
    if not rows:
        raise NotFound("asset", activity_id)
    chosen = next(_same_service(row["activity"]) for row in rows
                  if row["activity"]["id"] == activity_id)
    return [{"activity": row["activity"], "runners": row["runners"]} for row in rows
            if _same_service(row["activity"]) == chosen]
