"""Exports for other tools: GraphML of an organisation's network (Gephi, yEd, Kumu,
NetworkX), pseudonymised; GeoJSON of places with their activities and of area hotspots
(QGIS), with small numbers withheld as everywhere else.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

import networkx as nx

from assetmap.analysis.parameters import PARAMETERS
from assetmap.services import GraphStore, analysis


def pseudonym(secret: str, person_id: str) -> str:
    """A stable pseudonym for a person: the same in every export made with the same secret,
    and not reversible without it.

    >>> pseudonym("k", "person-1") == pseudonym("k", "person-1") != pseudonym("j", "person-1")
    True
    """
    return "p-" + hmac.new(secret.encode(), person_id.encode(), hashlib.sha256).hexdigest()[:12]


def risk_band(lsns6: int | None) -> str:
    """LSNS-6 as a band: at risk below the scale's cut-off (12), low below 18, good from
    it (:data:`~assetmap.analysis.parameters.PARAMETERS`).

    >>> risk_band(8), risk_band(14), risk_band(25), risk_band(None)
    ('at risk', 'low', 'good', 'not assessed')
    """
    if lsns6 is None:
        return "not assessed"
    if lsns6 < PARAMETERS.lsns6_at_risk_below:
        return "at risk"
    return "low" if lsns6 < PARAMETERS.lsns6_good_from else "good"


def organisation_network(store: GraphStore, organisation_id: str, secret: str,
                         today: str) -> nx.DiGraph:
    """The ties among the people the organisation may see, as a directed graph: nodes are
    pseudonyms with a risk band and whether their circle is fragile; edges carry the
    relation, circle and contact. No names, no places. An organisation that does not
    exist is :class:`~assetmap.services.NotFound` (never an empty network)."""
    from assetmap.services import organisations, people

    organisations.get(store, organisation_id)
    visible, ties = people.network_of(store, organisation_id, today)
    graph = nx.DiGraph(name=f"circles of support seen by {organisation_id}")
    for person in visible:
        graph.add_node(pseudonym(secret, person["id"]), risk=risk_band(person.get("lsns6")),
                       fragile=bool(person.get("fragile_circle")),
                       carer=bool(person.get("carer")), volunteer=bool(person.get("volunteer")))
    for row in ties:
        graph.add_edge(pseudonym(secret, row["a"]), pseudonym(secret, row["b"]),
                       relation=row["relation"], circle=row["circle"],
                       contact=row["contact"] or "not known")
    return graph


def write_graphml(graph: nx.DiGraph, path: Path) -> None:
    nx.write_graphml(graph, path)


#: what a place in the GeoJSON export carries: what the public place page shows, no more
#: (never ``hsds_raw``, whose source feed may name its contacts, nor search and timestamp
#: fields kept for assetmap's own use)
PLACE_FIELDS = ("id", "name", "name_cy", "description", "description_cy", "kind", "address",
                "postcode", "town", "lat", "lon", "area", "ward", "step_free", "hearing_loop",
                "accessible_toilet", "parking")


def places_geojson(store: GraphStore) -> dict[str, Any]:
    """Every place (public) with its access features and the activities held there; each
    place's properties are :data:`PLACE_FIELDS`, a field not recorded being absent."""
    from assetmap.services import directory

    rows = directory.every_place(store)
    features = []
    for row in rows:
        place = {k: row["p"][k] for k in PLACE_FIELDS if row["p"].get(k) is not None}
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [place["lon"], place["lat"]]},
            "properties": {**place, "activities": row["activities"]},
        })
    return {"type": "FeatureCollection", "features": features}


#: what an area carries in the hotspot exports (GeoJSON here, CSV from the areas page):
#: its figures after small numbers are withheld, no more
AREA_FIELDS = ("id", "name", "level", "parent", "population", "people", "assessed", "at_risk",
               "at_risk_rate", "fragile", "fragile_rate", "carers", "carers_at_risk",
               "carers_at_risk_rate", "access_missing", "activities_within_reach",
               "reach_km", "access_per_1000", "asset_desert")


def hotspots_geojson(store: GraphStore, level: str) -> dict[str, Any]:
    """Area boundaries with their stored figures (small numbers already withheld); each
    area's properties are :data:`AREA_FIELDS`."""
    from assetmap.services import areas

    shapes = areas.geometries(store, level)
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": shapes[row["id"]],
         "properties": {key: row.get(key) for key in AREA_FIELDS}}
        for row in analysis.hotspots(store, level) if row["id"] in shapes
    ]}


def write_json(document: Any, path: Path) -> None:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


def hsds_directory(store: GraphStore, directory: Path, lang: str = "en") -> dict[str, int]:
    """The directory as Open Referral HSDS 3.0: one JSON file of fully nested objects per
    type (services, organizations, service_at_locations, taxonomies, taxonomy_terms) and
    the tabular datapackage in ``directory/tabular``. Returns the count of each."""
    from assetmap.interop import hsds, hsds_tabular
    from assetmap.services import open_referral

    rows, _ = open_referral.services(store, 0, 10_000_000)
    runners, _ = open_referral.runners(store, 0, 10_000_000)
    documents = {
        "services": [hsds.service(row, lang) for row in rows],
        "organizations": [hsds.organization(row["node"], row["label"], row["parent"], lang)
                          for row in runners],
        "service_at_locations": [hsds.service_at_location(row, lang, full=False)
                                 for row in rows if row["place"]],
        "taxonomies": [hsds.taxonomy()],
        "taxonomy_terms": [hsds.taxonomy_term(category, lang) for category in hsds.CATEGORIES],
    }
    directory.mkdir(parents=True, exist_ok=True)
    for name, objects in documents.items():
        write_json(objects, directory / f"{name}.json")
    tables = hsds_tabular.flatten("service", documents["services"])
    hsds_tabular.flatten("organization", documents["organizations"], tables)
    hsds_tabular.flatten("taxonomy", documents["taxonomies"], tables)
    hsds_tabular.write(tables, directory / "tabular")
    return {name: len(objects) for name, objects in documents.items()}
