"""Maps: each page carries its map as JSON, drawn by one static script (static/maps.js).

Data reaches the map's script only as JSON (``<script type="application/json">``), and the
script shows every name as text. Leaflet and its plugins are served from our own static
folder (static/vendor/README.md): maps work offline and no visitor's address goes to a CDN.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from itertools import count

from flask import current_app, g, url_for
from flask_babel import gettext, ngettext
from markupsafe import Markup, escape

from assetmap import boundaries, gazetteer
from assetmap.analysis.hotspots import not_assessed
from assetmap.config import Config
from assetmap.names import NOT_ASSESSED_NAMES
from assetmap.web.filters import local, town
from assetmap.web.i18n import language

WALES_CENTRE = (52.35, -3.45)

#: the scripts and stylesheets a page with a map loads (in this order), from static/
SCRIPTS = ("vendor/leaflet/leaflet.js",
           "vendor/leaflet-gesture-handling/leaflet-gesture-handling.min.js",
           "vendor/leaflet.markercluster/leaflet.markercluster.js", "maps.js")
STYLES = ("vendor/leaflet/leaflet.css",
          "vendor/leaflet-gesture-handling/leaflet-gesture-handling.min.css",
          "vendor/leaflet.markercluster/MarkerCluster.css",
          "map-clusters.css")  # our cluster colours: WCAG contrast


@dataclass(frozen=True)
class RenderedMap:
    """A map for a page: stylesheets for its head, the canvas and its JSON for its body,
    and the scripts (static files, no inline code) for its foot."""

    header: Markup
    body: Markup
    script: Markup


#: what could end a script element or a string around a JSON value in an HTML page
_JS_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026",
               ord("'"): "\\u0027", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def js_value(value: object) -> Markup:
    """``value`` as JSON safe inside a ``<script>`` element: ``<``, ``>``, ``&``, ``'``
    and the line separators escaped. The one way data reaches a map's script.

    >>> print(js_value("`${x}` </script>"))
    "`${x}` \\u003c/script\\u003e"
    """
    return Markup(json.dumps(value, ensure_ascii=False).translate(_JS_ESCAPES))  # noqa: S704


def _words() -> dict[str, str]:
    """Leaflet's and the gesture handler's words, in the page's language."""
    return {"zoom_in": gettext("Zoom in"), "zoom_out": gettext("Zoom out"),
            "leaflet": gettext("A JavaScript library for interactive maps"),
            "touch": gettext("Use two fingers to move the map"),
            "scroll": gettext("Use Ctrl and scroll to zoom the map"),
            "scroll_mac": gettext("Use ⌘ and scroll to zoom the map")}


def _tiles(config: Config) -> dict | None:
    """The tile server of the settings and its credit (HTML: the operator's own, or ours
    made with ``escape``), or None: the basemap alone then draws the land."""
    if not config.tiles_url:
        return None
    if config.tiles_attribution:
        credit = config.tiles_attribution
    else:
        credit = str(Markup(escape(gettext("© %(who)s contributors"))).replace(  # noqa: S704
            "%(who)s", Markup(
                '<a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>')))
    return {"url": config.tiles_url, "attribution": credit}


def page_map(centre: tuple[float, float], zoom: int, layers: list[dict],
             fit: list[tuple[float, float]] | None = None) -> RenderedMap:
    """A map centred on ``centre`` at ``zoom`` (or fitted to the box around ``fit``) with
    ``layers`` (see static/maps.js for each kind), the tiles of the settings and, above
    them, the basemap drawn from our own data: a map whose tiles do not load still shows
    where things are."""
    counter = g.setdefault("map_numbers", count(1))
    spec_id = f"map-spec-{next(counter)}"
    spec = {"centre": centre, "zoom": zoom, "layers": layers, "fit": _box(fit),
            "tiles": _tiles(current_app.config["ASSETMAP"]),
            "basemap": url_for("public.basemap", lang=language()), "words": _words()}
    links = Markup("").join(Markup('<link rel="stylesheet" href="{}">').format(
        url_for("static", filename=path)) for path in STYLES)
    scripts = Markup("").join(Markup('<script src="{}"></script>').format(
        url_for("static", filename=path)) for path in SCRIPTS)
    body = Markup('<div class="map-canvas" data-map-spec="{}"></div>'
                  '<script type="application/json" id="{}">{}</script>').format(
                      spec_id, spec_id, js_value(spec))
    return RenderedMap(header=links, body=body, script=scripts)


def _box(points: list[tuple[float, float]] | None) -> list[tuple[float, float]] | None:
    if not points:
        return None
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    return [(min(lats), min(lons)), (max(lats), max(lons))]


def basemap_geojson() -> dict:
    """The basemap in the page's language: local authority outlines (simplified to about
    300 m: a background, not a boundary to measure by) and town names."""
    return {"areas": _outlines(), "towns": [
        {"name": local(town["name"], town["name_cy"]), "lat": float(town["lat"]),
         "lon": float(town["lon"])} for town in gazetteer.towns()]}


@cache
def _outlines() -> dict:
    import shapely

    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {},
         "geometry": json.loads(shapely.to_geojson(shapely.set_precision(
             area.shape.simplify(0.003, preserve_topology=True), 1e-4)))}
        for area in boundaries.bundled(["local_authority"])]}


def places_map(url: str) -> RenderedMap:
    """Clustered markers for every place, loaded from the GeoJSON at ``url`` (cacheable,
    and the page stays small however many places there are)."""
    return page_map(WALES_CENTRE, 8, [{"type": "places", "url": url}])


def places_geojson(places: list[dict]) -> dict:
    """The public map's places as GeoJSON in the page's language: name, town, and how
    many activities each hosts (nothing else)."""
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature",
         "geometry": {"type": "Point", "coordinates": [place["lon"], place["lat"]]},
         "properties": {
             "id": place["id"], "name": local(place["name"], place.get("name_cy")),
             "town": town(place.get("town")),
             "activities": int(place.get("activities") or 0),
             "activities_text": ngettext("%(num)s activity", "%(num)s activities",
                                         int(place.get("activities") or 0))}}
        for place in places if place.get("lat") is not None and place.get("lon") is not None]}


def assets_map(found: object) -> RenderedMap:
    """The finder's results: one clustered pin per place, numbered like the list (its
    activities in the popup) and, for a search near somewhere, the search circle."""
    location = getattr(found, "location", None)
    results: list[dict] = getattr(found, "results", [])
    layers: list[dict] = []
    if location:
        radius_km = found.search.radius_km  # type: ignore[attr-defined]
        layers.append({"type": "circle", "at": (location.lat, location.lon),
                       "radius_m": radius_km * 1000,
                       "tooltip": gettext("Within %(km)s km of %(place)s",
                                          km=format(radius_km, "g"), place=location.label)})
    by_place: dict[str, list[tuple[int, dict]]] = {}
    for number, row in enumerate(results, start=getattr(found, "first", 1)):
        if row["place"]:  # one without a venue has no pin: the list says where it reaches
            by_place.setdefault(row["place"]["id"], []).append((number, row))
    points = []
    for rows in by_place.values():
        place = rows[0][1]["place"]
        name = local(place["name"], place.get("name_cy"))
        points.append({
            "at": (place["lat"], place["lon"]), "tooltip": name,
            # the number of its first result in the list, "+" when the place holds more
            "number": f"{rows[0][0]}{'+' if len(rows) > 1 else ''}",
            "popup": {"title": name, "href": url_for("finder.asset", asset_id=place["id"]),
                      "items": [local(row["activity"]["name"], row["activity"].get("name_cy"))
                                for _, row in rows]}})
    layers.append({"type": "markers", "cluster": True, "points": points})
    if location:
        fit = _circle_corners((location.lat, location.lon),
                              found.search.radius_km)  # type: ignore[attr-defined]
    else:
        fit = [point["at"] for point in points]
    return page_map(WALES_CENTRE, 11, layers, fit=fit)


def _circle_corners(centre: tuple[float, float], radius_km: float) -> list[tuple[float, float]]:
    """Two corners of the box around a circle, so the whole search area is in view."""
    dlat = radius_km / 111.2
    dlon = radius_km / (111.2 * math.cos(math.radians(centre[0])))
    return [(centre[0] - dlat, centre[1] - dlon), (centre[0] + dlat, centre[1] + dlon)]


def place_map(place: dict) -> RenderedMap:
    """One place, for its asset page."""
    where = (place["lat"], place["lon"])
    return page_map(where, 15, [{"type": "markers", "points": [
        {"at": where, "tooltip": local(place["name"], place.get("name_cy"))}]}])


#: homes on maps are rounded to this many decimal places of a degree (0.01° is about
#: 1.1 km north-south and 0.7 km east-west in Wales), so no map shows where anyone lives
HOME_DECIMALS = 2


def rounded_home(lat: float, lon: float) -> tuple[float, float]:
    return round(lat, HOME_DECIMALS), round(lon, HOME_DECIMALS)


def _home_dot(person: dict, home: tuple[float, float]) -> dict:
    """The person's home, rounded, as a dot."""
    return {"at": rounded_home(*home), "radius": 10, "colour": "#00594f", "opacity": 0.9,
            "tooltip": gettext("%(name)s (home, rounded)", name=person["name"])}


def _around_home(person: dict, home: tuple[float, float], dots: list[dict]) -> RenderedMap:
    """A map of the person's rounded home and ``dots``, fitted to them all."""
    centre = _home_dot(person, home)
    everything = [centre, *dots]
    return page_map(centre["at"], 11, [{"type": "dots", "points": everything}],
                    fit=[dot["at"] for dot in everything])


def circle_map(person: dict, members: list[dict],
               homes: dict[str, tuple[float, float]]) -> RenderedMap | None:
    """The person's circle around their (rounded) home; members with a recorded home are
    shown at their rounded home too, with a line to the person. None without a home."""
    if person["id"] not in homes:
        return None
    centre = rounded_home(*homes[person["id"]])
    return _around_home(person, homes[person["id"]], [
        {"at": rounded_home(*homes[member["person_id"]]), "line_from": centre, "radius": 6,
         "colour": "#8a4b00", "opacity": 0.8,
         "tooltip": gettext("%(name)s · circle %(circle)s (home, rounded)",
                            name=member["name"], circle=member["circle"])}
        for member in members if member["person_id"] in homes])


#: colours for five bands, light to dark (ColorBrewer YlOrRd), and for withheld figures
BAND_COLOURS = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
WITHHELD_COLOUR = "#bdbdbd"
#: an area with nobody recorded: an outline only, plain (withheld ones are dashed)
NOBODY = "none"
#: an area whose figure could not be assessed: a dotted blue outline
NOT_ASSESSED = "not-assessed"


def bands(values: list[float]) -> list[float]:
    """Upper bounds of five equal-count bands (quintiles) of ``values``.

    >>> bands([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    [2, 4, 6, 8, 10]
    """
    ordered = sorted(values)
    if not ordered:
        return []
    return [ordered[min(len(ordered) - 1, -(-len(ordered) * k // 5) - 1)] for k in range(1, 6)]


#: how an area is drawn: its band's colour; withheld, hatched with a dashed edge (never a
#: grey the background could be); nobody recorded, a plain outline; not assessed, dotted
STYLES_BY_KIND = {
    WITHHELD_COLOUR: {"fillColor": "url(#withheld-hatch)", "fillOpacity": 0.6,
                      "color": "#222", "weight": 2, "dashArray": "6 4"},
    NOBODY: {"fillOpacity": 0, "color": "#555", "weight": 1},
    NOT_ASSESSED: {"fillOpacity": 0, "color": "#1f5f99", "weight": 2, "dashArray": "1 5"},
    **{colour: {"fillColor": colour, "color": "#333", "weight": 1, "fillOpacity": 0.7}
       for colour in BAND_COLOURS},
}


def legend(rows: list[dict], measure: str) -> list[dict]:
    """The map's key: each band's colour and range (from, to) as the map draws them.

    >>> [(b["from"], b["to"]) for b in legend([{"x": v} for v in range(1, 11)], "x")]
    [(1, 2), (3, 4), (5, 6), (7, 8), (9, 10)]
    """
    if any(isinstance(row.get(measure), bool) for row in rows):  # a yes/no figure
        return [{"colour": area_colour(True, []), "label": gettext("yes")},
                {"colour": area_colour(False, []), "label": gettext("no")}]
    values = sorted(row[measure] for row in rows
                    if row.get(measure) is not None and not isinstance(row[measure], bool))
    key: list[dict] = []
    low = None
    for colour, top in zip(BAND_COLOURS, bands(values), strict=False):
        inside = [v for v in values if v <= top and (low is None or v > low)]
        if inside:
            key.append({"colour": colour, "from": inside[0], "to": top})
        low = top
    return key


def area_colour(value: float | bool | None, bounds: list[float]) -> str:
    """A figure's colour: yes darkest and no lightest; a number its band's; withheld grey.

    >>> area_colour(True, []), area_colour(3, [2, 4, 6, 8, 10]), area_colour(None, [1])
    ('#bd0026', '#fecc5c', '#bdbdbd')
    """
    if isinstance(value, bool):
        return BAND_COLOURS[-1] if value else BAND_COLOURS[0]
    if value is None or not bounds:
        return WITHHELD_COLOUR
    return next((BAND_COLOURS[i] for i, top in enumerate(bounds) if value <= top),
                BAND_COLOURS[-1])


def choropleth(rows: list[dict], shapes_url: str, measure: str, label: str) -> RenderedMap:
    """Areas coloured by ``measure`` (already suppressed: withheld areas are hatched and say
    so), each with a tooltip naming the area and its figure; their shapes are fetched
    from ``shapes_url`` (cacheable), only the figures are in the page."""
    bounds = bands([row[measure] for row in rows if row.get(measure) is not None
                    and not isinstance(row[measure], bool)])
    areas = []
    for row in rows:
        value = row.get(measure)
        unassessed = not_assessed(row, measure)
        if row.get("people") == 0:
            shown, colour = gettext("nobody recorded"), NOBODY
        elif unassessed:
            shown, colour = gettext(NOT_ASSESSED_NAMES[unassessed]), NOT_ASSESSED
        elif value is None:
            shown, colour = gettext("withheld (small numbers)"), WITHHELD_COLOUR
        elif isinstance(value, bool):
            shown, colour = gettext("yes") if value else gettext("no"), area_colour(value, [])
        else:
            shown, colour = f"{value:g}", area_colour(value, bounds)
        areas.append({"id": row["id"], "value": shown, "style": colour,
                      "name": f"{local(row['name'], row.get('name_cy'))} ({row['id']})"})
    return page_map(WALES_CENTRE, 8, [{
        "type": "areas", "shapes": shapes_url, "areas": areas, "styles": STYLES_BY_KIND,
        "labels": [gettext("Area"), label]}])



#: how near a suggestion must be to a pin to share it
SHARED_PIN_M = 1200


def _metres_apart(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Roughly, the distance between two points a few kilometres apart (equirectangular)."""
    dlat = math.radians(b[0] - a[0])
    dlon = math.radians(b[1] - a[1]) * math.cos(math.radians((a[0] + b[0]) / 2))
    return 6_371_000 * math.hypot(dlat, dlon)


def suggestions_map(person: dict, suggestions: list[dict], places: dict[str, dict],
                    homes: dict[str, tuple[float, float]]) -> RenderedMap | None:
    """The person's (rounded) home and what is suggested: activities and groups at their
    place, people at their rounded home, each pin numbered like the list (suggestions
    within :data:`SHARED_PIN_M` of a pin share it: "2, 5", or "2, 5+" for more). None when
    the person has no home recorded."""
    if person["id"] not in homes:
        return None
    at_spot: dict[tuple[float, float], list[tuple[int, str]]] = {}
    for rank, s in enumerate(suggestions, start=1):
        name = local(s["name"], s.get("name_cy"))
        if s["id"] in places:
            place = places[s["id"]]
            where = (place["lat"], place["lon"])
            label = gettext("%(rank)s. %(name)s at %(place)s", rank=rank, name=name,
                         place=local(place["name"], place.get("name_cy")))
        elif s["id"] in homes:
            where = rounded_home(*homes[s["id"]])
            label = gettext("%(rank)s. %(name)s (home, rounded)", rank=rank, name=name)
        else:
            continue
        # suggestions within about a kilometre share a pin: apart, at the map's zoom, their
        # pins would cover each other
        spot = next((pinned for pinned in at_spot
                     if _metres_apart(pinned, where) < SHARED_PIN_M), where)
        at_spot.setdefault(spot, []).append((rank, label))
    pins = [{"at": where, "tooltip": "; ".join(label for _rank, label in ranked),
             "number": ", ".join(str(rank) for rank, _label in ranked[:2])
             + ("+" if len(ranked) > 2 else "")}
            for where, ranked in at_spot.items()]
    home = _home_dot(person, homes[person["id"]])
    return page_map(home["at"], 11, [{"type": "dots", "points": [home]},
                                     {"type": "markers", "points": pins}],
                    fit=[home["at"], *(pin["at"] for pin in pins)])
