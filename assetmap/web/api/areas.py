"""Areas and their hotspot figures as JSON (stored, suppressed aggregates only)."""

from __future__ import annotations

from typing import Any

from flask_openapi3 import APIBlueprint, Tag

from assetmap.model import STAFF_ROLES, AreaLevel
from assetmap.services import analysis, areas
from assetmap.web.api.auth import BEARER, api_user
from assetmap.web.api.errors import ErrorList
from assetmap.web.api.schemas import LanguageQuery
from assetmap.web.db import get_store

api = APIBlueprint("api_areas", __name__, url_prefix="/api/v1",
                   abp_tags=[Tag(name="areas", description="Areas and hotspots")],
                   abp_security=BEARER, abp_responses={401: ErrorList, 403: ErrorList})
STAFF = STAFF_ROLES  # every staff role (never a provider)


@api.before_request
def staff_only() -> None:
    api_user(*STAFF)


class LevelQuery(LanguageQuery):
    level: AreaLevel = "ward"


@api.get("/areas", responses={422: ErrorList})
def list_areas(query: LevelQuery) -> Any:
    """The areas at a level (small area, ward, local authority, health board)."""
    return {"items": areas.at_level(get_store(), query.level)}


@api.get("/hotspots", responses={422: ErrorList})
def hotspots(query: LevelQuery) -> Any:
    """Each area's figures from the last analysis run; small numbers are withheld (null)."""
    return {"items": analysis.hotspots(get_store(), query.level)}
