"""Public pages: the home page with the community's counts and map, and the health check."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from assetmap.services import StoreError, directory
from assetmap.web import filters, maps
from assetmap.web.api.auth import token_user
from assetmap.web.db import get_store
from assetmap.web.i18n import language

bp = Blueprint("public", __name__)


#: how long a browser or proxy may keep the public places map
PLACES_MAX_AGE_S = 300


@bp.get("/")
def home() -> ResponseReturnValue:
    """A search box first, the directory's counts (never people's: this page is public),
    and the places map, whose markers come from :func:`places_geojson`."""
    summary = directory.summary(get_store())
    return render_template(
        "home.html", counts=summary["counts"],
        # in the order of the names the page shows: Y Drenewydd under Y on a Welsh page
        towns=sorted(summary["towns"], key=lambda row: (row[0] is None, filters.town(row[0]))),
        map=maps.places_map(url_for("public.places_geojson", lang=language())))


@bp.get("/basemap.json")
def basemap() -> ResponseReturnValue:
    """Local authority outlines and town names (in the language asked for) drawn under
    every map; the same for everyone, cacheable for a day."""
    return _cacheable(jsonify(maps.basemap_geojson()), 86_400)


@bp.get("/places.geojson")
def places_geojson() -> ResponseReturnValue:
    """Every place on the public map (name, town, activities), cacheable for a few
    minutes; ``lang`` only keys the cache (names follow the page's language)."""
    response = jsonify(maps.places_geojson(directory.places_for_map(get_store())))
    response.vary.add("Cookie")
    return _cacheable(response, PLACES_MAX_AGE_S)


def _cacheable(response: Response, max_age_s: int) -> Response:
    """A public response anyone may keep ``max_age_s`` seconds, with an ETag (a 304 to a
    browser that already has it)."""
    response.cache_control.public = True
    response.cache_control.max_age = max_age_s
    response.add_etag()
    return response.make_conditional(request)


def _admin_asking() -> bool:
    """A signed-in admin, or a request with an admin's bearer token."""
    if current_user.is_authenticated:
        return current_user.role == "admin"
    user = token_user()
    return user is not None and user["role"] == "admin"


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """Whether the service and its database are up, for anyone (a load balancer, a
    monitor); how much the graph holds only for an admin."""
    store = get_store()
    try:
        if not _admin_asking():
            store.run_read("RETURN 1 AS up")
            return jsonify(status="ok", database=True)
        counts = store.counts()
    except StoreError:
        return jsonify(status="error", database=False), 503
    return jsonify(status="ok", database=True, nodes=sum(counts["nodes"].values()),
                   relationships=sum(counts["relationships"].values()), counts=counts)
