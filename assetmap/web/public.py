"""Public pages: the home page with the community's counts and map, and the health check."""

from __future__ import annotations

from collections import Counter

from flask import Blueprint, jsonify, render_template
from flask.typing import ResponseReturnValue

from assetmap.graph import places
from assetmap.graph.errors import StoreError
from assetmap.web import maps
from assetmap.web.db import get_store

bp = Blueprint("public", __name__)


@bp.get("/")
def home() -> ResponseReturnValue:
    store = get_store()
    counts = store.counts()
    place_rows = places.for_map(store)
    towns = Counter(place["town"] or "-" for place in place_rows)
    return render_template(
        "home.html",
        counts=counts,
        map=maps.places_map(place_rows),
        towns=sorted(towns.items()),
        place_count=len(place_rows),
    )


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    try:
        counts = get_store().counts()
    except StoreError:
        return jsonify(status="error", database=False), 503
    return jsonify(
        status="ok",
        database=True,
        nodes=sum(counts["nodes"].values()),
        relationships=sum(counts["relationships"].values()),
        counts=counts,
    )
