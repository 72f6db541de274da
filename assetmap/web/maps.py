"""Folium maps rendered into our own pages (head, body and script parts)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import folium
from folium.plugins import MarkerCluster
from markupsafe import Markup

WALES_CENTRE = (52.35, -3.45)


@dataclass(frozen=True)
class RenderedMap:
    header: Markup
    body: Markup
    script: Markup


def render(folium_map: folium.Map) -> RenderedMap:
    root = folium_map.get_root()
    root.render()
    return RenderedMap(
        header=Markup(root.header.render()),  # noqa: S704 - Folium's own markup
        body=Markup(root.html.render()),  # noqa: S704
        script=Markup(root.script.render()),  # noqa: S704
    )


def places_map(places: list[dict]) -> RenderedMap:
    """Clustered markers for places; popups name the place, its town and activity count."""
    folium_map = folium.Map(location=WALES_CENTRE, zoom_start=9, control_scale=True)
    cluster = MarkerCluster(name="Places").add_to(folium_map)
    for place in places:
        popup = (
            f"<strong>{escape(place['name'])}</strong><br>"
            f"{escape(place.get('town') or '')}<br>"
            f"{int(place.get('activities') or 0)} activities"
        )
        folium.Marker(
            (place["lat"], place["lon"]),
            popup=folium.Popup(popup, max_width=260),
            tooltip=escape(place["name"]),
        ).add_to(cluster)
    if places:
        lats = [p["lat"] for p in places]
        lons = [p["lon"] for p in places]
        folium_map.fit_bounds([(min(lats), min(lons)), (max(lats), max(lons))])
    return render(folium_map)
