"""Folium maps rendered into our own pages (head, body and script parts)."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache

import folium
from branca.element import MacroElement
from flask import current_app, url_for
from flask_babel import gettext, ngettext
from folium.plugins import MarkerCluster
from jinja2 import Template
from markupsafe import Markup, escape

from assetmap import boundaries, gazetteer
from assetmap.analysis.hotspots import not_assessed
from assetmap.config import Config
from assetmap.names import NOT_ASSESSED_NAMES
from assetmap.web.filters import local, town
from assetmap.web.i18n import language
from assetmap.web.security import nonce

WALES_CENTRE = (52.35, -3.45)

# Folium's scripts and styles, served from our own static folder (static/vendor/README.md)
# instead of CDNs: maps work offline and no visitor's address goes to a third party.
ASSETS = {
    "map_js": (("leaflet", "vendor/leaflet/leaflet.js"), ("jquery", "vendor/jquery/jquery.min.js"),
               ("gesture_handling",
                "vendor/leaflet-gesture-handling/leaflet-gesture-handling.min.js")),
    "map_css": (("leaflet_css", "vendor/leaflet/leaflet.css"),
                ("gesture_handling_css",
                 "vendor/leaflet-gesture-handling/leaflet-gesture-handling.min.css")),
    "cluster_js": (("markerclusterjs", "vendor/leaflet.markercluster/leaflet.markercluster.js"),),
    "cluster_css": (
        ("markerclustercss", "vendor/leaflet.markercluster/MarkerCluster.css"),
        ("markerclusterdefaultcss", "map-clusters.css"),  # our colours: WCAG contrast
    ),
}


def _local(kind: str) -> list[tuple[str, str]]:
    return [(name, url_for("static", filename=path)) for name, path in ASSETS[kind]]


def new_map(**options: object) -> folium.Map:
    """A Folium map that loads Leaflet from our own static files, with the tiles of the
    settings (if any) and, above them, the basemap drawn from our own data: a map whose
    tiles do not load still shows where things are."""
    config = current_app.config["ASSETMAP"]
    # one finger scrolls the page over a map (two move it; Ctrl and the wheel zoom it)
    folium_map = folium.Map(tiles=None, gestureHandling=True, gestureHandlingOptions={
        "text": {"touch": gettext("Use two fingers to move the map"),
                 "scroll": gettext("Use Ctrl and scroll to zoom the map"),
                 "scrollMac": gettext("Use ⌘ and scroll to zoom the map")},
        "duration": 1500}, **options)
    if config.tiles_url:
        folium.TileLayer(config.tiles_url, attr=str(_attribution(config)), name="tiles",
                         control=False).add_to(folium_map)
    folium_map.add_child(_Basemap(url_for("public.basemap", lang=language()),
                                  land=not config.tiles_url))
    folium_map.default_js = _local("map_js")
    folium_map.default_css = _local("map_css")
    return folium_map


def _attribution(config: Config) -> Markup:
    if config.tiles_attribution:
        return Markup(config.tiles_attribution)  # noqa: S704  (the operator's own setting)
    return Markup(escape(gettext("© %(who)s contributors"))).replace(  # noqa: S704
        "%(who)s", Markup('<a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'))


class _Basemap(MacroElement):
    """Wales's local authorities and its towns' names, from ``url`` (GeoJSON), in a pane
    above the tiles and below everything else; names show from zoom 9 (a county), as text,
    only those in view."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function (map) {
  var pane = map.createPane("basemap");
  pane.style.zIndex = 350;
  pane.style.pointerEvents = "none";
  var labels = L.layerGroup();
  fetch({{ this.url | tojson }}, {credentials: "same-origin"})
    .then(function (response) { return response.json(); })
    .then(function (base) {
      L.geoJSON(base.areas, {pane: "basemap", interactive: false, style: {
        color: "#5f5f5f", weight: 1, opacity: 0.8, fill: {{ this.land | tojson }},
        fillColor: "#f7f4ec", fillOpacity: 1}}).addTo(map);
      var towns = base.towns.map(function (town) {
        var name = document.createElement("span");
        name.textContent = town.name;
        name.setAttribute("aria-hidden", "true");  // a background: the list says where
        return L.marker([town.lat, town.lon], {pane: "basemap", interactive: false,
          keyboard: false, icon: L.divIcon({className: "town-label", html: name,
                                            iconSize: null})});
      });
      labels.addTo(map);
      // only the names in view (and a margin) are in the page: a phone draws a dozen,
      // not every town in Wales
      function show() {
        var near = map.getBounds().pad(0.5), shown = map.getZoom() >= 9;
        towns.forEach(function (marker) {
          var wanted = shown && near.contains(marker.getLatLng());
          if (wanted && !labels.hasLayer(marker)) { labels.addLayer(marker); }
          if (!wanted && labels.hasLayer(marker)) { labels.removeLayer(marker); }
        });
      }
      map.on("zoomend moveend", show);
      show();
    });
})({{ this._parent.get_name() }});
{% endmacro %}
""")

    def __init__(self, url: str, land: bool) -> None:
        super().__init__()
        self._name = "Basemap"
        self.url, self.land = url, land


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


def marker_cluster(name: str) -> MarkerCluster:
    cluster = MarkerCluster(name=name)
    cluster.default_js = _local("cluster_js")
    cluster.default_css = _local("cluster_css")
    return cluster


#: what could end a script or a string around a JSON value in an HTML page
_JS_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026",
               ord("'"): "\\u0027", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def js_value(value: object) -> Markup:
    """``value`` as a JavaScript literal: JSON, with ``<``, ``>``, ``&``, ``'`` and the
    line separators escaped. The one way data reaches a map's script.

    >>> print(js_value("`${x}` </script>"))
    "`${x}` \\u003c/script\\u003e"
    """
    return Markup(json.dumps(value, ensure_ascii=False).translate(_JS_ESCAPES))  # noqa: S704


class _Bound(MacroElement):
    """A tooltip or popup bound to its parent layer, its HTML given to Leaflet as a JSON
    string. (Folium's own Tooltip and Popup write text into a JavaScript template
    literal, where a backtick ends it and ``${...}`` runs.)"""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "{{ this._parent.get_name() }}.{{ this.method }}({{ this.content }}, {{ this.options }});"
        "{% endmacro %}")

    def __init__(self, method: str, html: Markup, **options: object) -> None:
        super().__init__()
        self._name = method
        self.method = method
        self.content = js_value(str(html))
        self.options = js_value(options)


def labelled(layer: folium.map.Layer, tooltip: Markup | None = None,
             popup: Markup | None = None, popup_width: int = 300) -> folium.map.Layer:
    """``layer`` with a tooltip and a popup: HTML made with ``escape()`` and passed as
    JSON, so a name is shown as text whatever it holds."""
    if tooltip is not None:
        layer.add_child(_Bound("bindTooltip", tooltip, sticky=True))
    if popup is not None:
        layer.add_child(_Bound("bindPopup", popup, maxWidth=popup_width))
    return layer


@dataclass(frozen=True)
class RenderedMap:
    header: Markup
    body: Markup
    script: Markup


#: Folium's own viewport tag forbids zooming (WCAG 1.4.4); the page's own tag stays
_NO_ZOOM = re.compile(r'<meta name="viewport"[^>]*>')
#: markers leave the tab order: a keyboard (or screen reader) user has the list or table
#: beside every map, and does not have to tab through dozens of pins to get past it
_MARKERS_OUT_OF_TAB_ORDER = "L.Marker.prototype.options.keyboard = false;\n"
#: a reader who asks for less motion (prefers-reduced-motion) gets maps that do not fade,
#: zoom or spread clusters with animations
_REDUCED_MOTION = """if (window.matchMedia("(prefers-reduced-motion: reduce)").matches) {
  L.Map.mergeOptions({fadeAnimation: false, zoomAnimation: false, markerZoomAnimation: false});
  if (L.MarkerClusterGroup) { L.MarkerClusterGroup.mergeOptions({animate: false}); }
}
"""


def _controls_in_language() -> str:
    """Leaflet's own words (zoom buttons, its credit) in the page's language, and a scale
    in kilometres only."""
    credit = Markup('<a href="https://leafletjs.com" title="{}">Leaflet</a>').format(
        gettext("A JavaScript library for interactive maps"))
    zoom_in, zoom_out = js_value(gettext("Zoom in")), js_value(gettext("Zoom out"))
    return (f"L.Control.Zoom.mergeOptions({{zoomInTitle: {zoom_in}, "
            f"zoomOutTitle: {zoom_out}}});\n"
            "L.Control.Scale.mergeOptions({imperial: false});\n"
            f"L.Control.Attribution.mergeOptions({{prefix: {js_value(str(credit))}}});\n")


def render(folium_map: folium.Map) -> RenderedMap:
    """Folium's markup in three parts; its inline scripts and styles carry this response's
    nonce."""
    root = folium_map.get_root()
    root.render()
    tagged = f'<script nonce="{nonce()}">'
    return RenderedMap(
        header=Markup(_NO_ZOOM.sub("", root.header.render()).replace(  # noqa: S704
            "<script>", tagged).replace("<style>", f'<style nonce="{nonce()}">')),
        body=Markup(root.html.render().replace("<script>", tagged)),  # noqa: S704
        script=Markup(_MARKERS_OUT_OF_TAB_ORDER + _REDUCED_MOTION  # noqa: S704
                      + _controls_in_language() + root.script.render()),
    )


class _PlacesFrom(MacroElement):
    """Markers for the places in a GeoJSON document fetched from ``url`` into ``cluster``:
    names reach the page as JSON and are shown as text (``textContent``), never as HTML."""

    _template = Template("""
{% macro script(this, kwargs) %}
fetch({{ this.url | tojson }}, {credentials: "same-origin"})
  .then(function (response) { return response.json(); })
  .then(function (places) {
    var points = [];
    places.features.forEach(function (feature) {
      var p = feature.properties, at = [feature.geometry.coordinates[1],
                                        feature.geometry.coordinates[0]];
      var tip = document.createElement("span"), popup = document.createElement("div");
      var name = document.createElement("strong");
      tip.textContent = name.textContent = p.name;
      popup.appendChild(name);
      [p.town, p.activities_text].forEach(function (line) {
        if (line) {
          popup.appendChild(document.createElement("br"));
          popup.appendChild(document.createTextNode(line));
        }
      });
      L.marker(at).bindTooltip(tip, {sticky: true}).bindPopup(popup, {maxWidth: 260})
        .addTo({{ this.cluster.get_name() }});
      points.push(at);
    });
    if (points.length) { {{ this._parent.get_name() }}.fitBounds(points); }
  });
{% endmacro %}
""")

    def __init__(self, url: str, cluster: MarkerCluster) -> None:
        super().__init__()
        self._name = "PlacesFrom"
        self.url, self.cluster = url, cluster


def places_map(url: str) -> RenderedMap:
    """Clustered markers for every place, loaded from the GeoJSON at ``url`` (cacheable,
    and the page stays small however many places there are)."""
    folium_map = new_map(location=WALES_CENTRE, zoom_start=8, control_scale=True)
    cluster = marker_cluster(gettext("Places")).add_to(folium_map)
    folium_map.add_child(_PlacesFrom(url, cluster))
    return render(folium_map)


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


def _fit(folium_map: folium.Map, points: list[tuple[float, float]]) -> None:
    if points:
        lats, lons = [p[0] for p in points], [p[1] for p in points]
        folium_map.fit_bounds([(min(lats), min(lons)), (max(lats), max(lons))])


def assets_map(found: object) -> RenderedMap:
    """The finder's results: one clustered marker per place (its activities in the popup)
    and, for a search near somewhere, the search circle."""
    location = getattr(found, "location", None)
    results: list[dict] = getattr(found, "results", [])
    centre = (location.lat, location.lon) if location else WALES_CENTRE
    folium_map = new_map(location=centre, zoom_start=11, control_scale=True)
    if location:
        radius_km = found.search.radius_km  # type: ignore[attr-defined]
        labelled(folium.Circle(centre, radius=radius_km * 1000, color="#00594f", fill=False,
                               weight=2),
                 tooltip=escape(gettext("Within %(km)s km of %(place)s", km=f"{radius_km:g}",
                                        place=location.label))).add_to(folium_map)
    cluster = marker_cluster(gettext("Activities")).add_to(folium_map)
    first = getattr(found, "first", 1)
    by_place: dict[str, list[dict]] = {}
    numbers: dict[str, list[int]] = {}
    for number, row in enumerate(results, start=first):
        by_place.setdefault(row["place"]["id"], []).append(row)
        numbers.setdefault(row["place"]["id"], []).append(number)
    points = []
    for place_id, rows in by_place.items():
        place = rows[0]["place"]
        items = Markup("").join(
            Markup("<li>{}</li>").format(local(r["activity"]["name"],
                                               r["activity"].get("name_cy")))
            for r in rows)
        name = local(place["name"], place.get("name_cy"))
        popup = Markup('<a href="{}"><strong>{}</strong></a><ul>{}</ul>').format(
            url_for("finder.asset", asset_id=place["id"]), name, items)
        labelled(folium.Marker((place["lat"], place["lon"]), icon=_numbered(numbers[place_id])),
                 tooltip=escape(name), popup=popup).add_to(cluster)
        points.append((place["lat"], place["lon"]))
    if location:
        _fit(folium_map, _circle_corners(centre, found.search.radius_km))  # type: ignore[attr-defined]
    else:
        _fit(folium_map, points)
    return render(folium_map)


def _numbered(numbers: list[int]) -> folium.DivIcon:
    """A pin showing the number of its first result in the list (with "+" when the place
    holds more): the list and the map point at each other. Only integers go into it."""
    label = f"{int(numbers[0])}{'+' if len(numbers) > 1 else ''}"
    return folium.DivIcon(html=f'<span class="pin">{label}</span>', icon_size=(34, 34),
                          icon_anchor=(17, 17), class_name="numbered-pin")


def _circle_corners(centre: tuple[float, float], radius_km: float) -> list[tuple[float, float]]:
    """Two corners of the box around a circle, so the whole search area is in view."""
    dlat = radius_km / 111.2
    dlon = radius_km / (111.2 * math.cos(math.radians(centre[0])))
    return [(centre[0] - dlat, centre[1] - dlon), (centre[0] + dlat, centre[1] + dlon)]


def place_map(place: dict) -> RenderedMap:
    """One place, for its asset page."""
    where = (place["lat"], place["lon"])
    folium_map = new_map(location=where, zoom_start=15, control_scale=True)
    labelled(folium.Marker(where), tooltip=escape(local(place["name"], place.get("name_cy")))
             ).add_to(folium_map)
    return render(folium_map)


#: homes on maps are rounded to this many decimal places of a degree (0.01° is about
#: 1.1 km north-south and 0.7 km east-west in Wales), so no map shows where anyone lives
HOME_DECIMALS = 2


def rounded_home(lat: float, lon: float) -> tuple[float, float]:
    return round(lat, HOME_DECIMALS), round(lon, HOME_DECIMALS)


def _around_home(person: dict, home: tuple[float, float]) -> tuple[folium.Map, tuple]:
    """A map centred on the person's rounded home, with it marked."""
    centre = rounded_home(*home)
    folium_map = new_map(location=centre, zoom_start=11, control_scale=True)
    labelled(folium.CircleMarker(centre, radius=10, color="#00594f", fill=True,
                                 fill_opacity=0.9),
             tooltip=escape(gettext("%(name)s (home, rounded)", name=person["name"]))
             ).add_to(folium_map)
    return folium_map, centre


def circle_map(person: dict, members: list[dict],
               homes: dict[str, tuple[float, float]]) -> RenderedMap | None:
    """The person's circle around their (rounded) home; members with a recorded home are
    shown at their rounded home too, with a line to the person. None without a home."""
    if person["id"] not in homes:
        return None
    folium_map, centre = _around_home(person, homes[person["id"]])
    points = [centre]
    for member in members:
        if member["person_id"] not in homes:
            continue
        where = rounded_home(*homes[member["person_id"]])
        folium.PolyLine([centre, where], color="#555", weight=1).add_to(folium_map)
        labelled(folium.CircleMarker(where, radius=6, color="#8a4b00", fill=True,
                                     fill_opacity=0.8),
                 tooltip=escape(gettext("%(name)s · circle %(circle)s (home, rounded)",
                                        name=member["name"], circle=member["circle"]))
                 ).add_to(folium_map)
        points.append(where)
    _fit(folium_map, points)
    return render(folium_map)


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


def _style(colour: str) -> dict:
    """How an area is drawn: its band's colour; withheld, no fill and a dashed edge (never
    a grey the background could be); nobody recorded, a plain outline."""
    if colour == WITHHELD_COLOUR:
        return {"fillOpacity": 0, "color": "#222", "weight": 2, "dashArray": "6 4"}
    if colour == NOBODY:
        return {"fillOpacity": 0, "color": "#555", "weight": 1}
    if colour == NOT_ASSESSED:
        return {"fillOpacity": 0, "color": "#1f5f99", "weight": 2, "dashArray": "1 5"}
    return {"fillColor": colour, "color": "#333", "weight": 1, "fillOpacity": 0.7}


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


def choropleth(rows: list[dict], shapes: dict[str, dict], measure: str,
               label: str) -> RenderedMap:
    """Areas coloured by ``measure`` (already suppressed: withheld areas are grey and say
    so), each with a tooltip naming the area and its figure."""
    folium_map = new_map(location=WALES_CENTRE, zoom_start=8, control_scale=True)
    bounds = bands([row[measure] for row in rows if row.get(measure) is not None
                    and not isinstance(row[measure], bool)])
    features = []
    for row in rows:
        if row["id"] not in shapes:
            continue
        value = row.get(measure)
        unassessed = not_assessed(row, measure)
        nobody = row.get("people") == 0
        if nobody:
            shown, colour = gettext("nobody recorded"), NOBODY
        elif unassessed:
            shown, colour = gettext(NOT_ASSESSED_NAMES[unassessed]), NOT_ASSESSED
        elif value is None:
            shown, colour = gettext("withheld (small numbers)"), WITHHELD_COLOUR
        elif isinstance(value, bool):
            shown, colour = gettext("yes") if value else gettext("no"), area_colour(value, [])
        else:
            shown, colour = f"{value:g}", area_colour(value, bounds)
        features.append({
            "type": "Feature", "geometry": shapes[row["id"]],
            # the tooltip writes properties into the page as HTML: escaped here
            "properties": {"name": str(escape(
                f"{local(row['name'], row.get('name_cy'))} ({row['id']})")),
                           "value": str(escape(shown)),
                           "colour": colour},
        })
    if features:
        layer = folium.GeoJson(
            {"type": "FeatureCollection", "features": features},
            # withheld: no fill and a dashed edge, never a grey the background could be
            style_function=lambda f: _style(f["properties"]["colour"]),
            tooltip=folium.GeoJsonTooltip(["name", "value"], aliases=[
                str(escape(gettext("Area"))), str(escape(label))]),
        ).add_to(folium_map)
        folium_map.fit_bounds(layer.get_bounds())
    return render(folium_map)


SUGGESTION_COLOURS = {"activity": "#1a4f9c", "group": "#6a3d9a", "volunteer": "#8a4b00",
                      "person": "#8a4b00"}


def suggestions_map(person: dict, suggestions: list[dict], places: dict[str, dict],
                    homes: dict[str, tuple[float, float]]) -> RenderedMap | None:
    """The person's (rounded) home and what is suggested: activities and groups at their
    place, people at their rounded home. None when the person has no home recorded."""
    if person["id"] not in homes:
        return None
    folium_map, centre = _around_home(person, homes[person["id"]])
    points = [centre]
    for rank, s in enumerate(suggestions, start=1):
        if s["id"] in places:
            where = (places[s["id"]]["lat"], places[s["id"]]["lon"])
            label = gettext("%(rank)s. %(name)s at %(place)s", rank=rank, name=s["name"],
                            place=places[s["id"]]["name"])
        elif s["id"] in homes:
            where = rounded_home(*homes[s["id"]])
            label = gettext("%(rank)s. %(name)s (home, rounded)", rank=rank, name=s["name"])
        else:
            continue
        labelled(folium.CircleMarker(where, radius=7, fill=True, fill_opacity=0.8,
                                     color=SUGGESTION_COLOURS.get(s["kind"], "#333")),
                 tooltip=escape(label)).add_to(folium_map)
        points.append(where)
    _fit(folium_map, points)
    return render(folium_map)
