"""The public asset directory as JSON: the finder's search and one asset."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel

from assetmap.model import Id, InvalidRecord
from assetmap.services import NotFound, finder, freshness
from assetmap.web.api.collections import collection
from assetmap.web.api.errors import ErrorList, error_response, invalid
from assetmap.web.api.schemas import AssetDetail, AssetPage, AssetQuery
from assetmap.web.db import get_store

api = APIBlueprint("api_assets", __name__, url_prefix="/api/v1",
                   abp_tags=[Tag(name="assets", description="The public asset directory")])


class AssetPath(BaseModel):
    asset_id: Id


@api.get("/assets", responses={200: AssetPage, 422: ErrorList})
def list_assets(query: AssetQuery) -> Any:
    """Activities and where they are held, filtered as the finder does; nearest first."""
    try:
        config = current_app.config["ASSETMAP"]
        found = finder.find(get_store(), query, config.instance_path,
                            limits=freshness.Limits.of(config))
    except InvalidRecord as exc:
        return invalid(exc)
    return collection(found.results, found.total, query.page, query.per_page,
                      location=found.location.__dict__ if found.location else None)


@api.get("/assets/<asset_id>", responses={200: AssetDetail, 404: ErrorList})
def get_asset(path: AssetPath) -> Any:
    """A place and every activity held there, by the place's id or an activity's id."""
    try:
        return finder.asset(get_store(), path.asset_id)
    except NotFound:
        return error_response(404, gettext("no place or activity with id %(id)s",
                                           id=repr(path.asset_id)), "asset_id")
