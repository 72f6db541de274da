"""The public asset finder: search, results as a list and a map, asset pages, print list."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from assetmap import gazetteer
from assetmap.model import InvalidRecord
from assetmap.services import NotFound, finder
from assetmap.web import maps
from assetmap.web.db import get_store
from assetmap.web.forms import field_errors
from assetmap.web.i18n import LANGUAGE_PARAMETER

bp = Blueprint("finder", __name__)


def _search() -> tuple[finder.Found | None, dict[str, str]]:
    """The search the query string asks for; nothing until a search is made."""
    params = {key: value for key, value in request.args.items()
              if key != LANGUAGE_PARAMETER}
    if not params:
        return None, {}
    try:
        search = finder.parse(params)
        return finder.find(get_store(), search, current_app.config["ASSETMAP"].instance_path), {}
    except InvalidRecord as exc:
        return None, field_errors(exc)


@bp.get("/find")
def find() -> ResponseReturnValue:
    found, errors = _search()
    status = 400 if errors else 200
    return render_template(
        "finder/find.html", found=found, errors=errors, values=request.args,
        map=maps.assets_map(found) if found else None,
        place_names=gazetteer.suggestions(),
    ), status


@bp.get("/find/print")
def print_list() -> ResponseReturnValue:
    found, errors = _search()
    if found is None:
        abort(400, "; ".join(f"{k}: {v}" for k, v in errors.items()) or gettext("Search first."))
    return render_template("finder/print.html", found=found)


@bp.get("/assets/<asset_id>")
def asset(asset_id: str) -> ResponseReturnValue:
    try:
        detail = finder.asset(get_store(), asset_id)
    except NotFound:
        abort(404, gettext("There is no such place or activity."))
    return render_template("finder/asset.html", **detail,
                           map=maps.place_map(detail["place"]))
