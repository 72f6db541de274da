"""A provider's own listings as JSON: the same changes as their pages (change a listing,
add or end a session, a date not on, pause the group, confirm), with a provider's bearer
token (``assetmap tokens create --email ...``). Nothing else is reachable with it."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from flask import url_for
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field, create_model

from assetmap.model import Activity, Group, Id, Listing, Place, validate
from assetmap.services import providers
from assetmap.web import auditing
from assetmap.web.api.auth import BEARER, api_user, caller
from assetmap.web.api.errors import ErrorList
from assetmap.web.api.schemas import partial
from assetmap.web.db import get_store, instance_path

api = APIBlueprint("api_provider", __name__, url_prefix="/api/v1/provider",
                   abp_tags=[Tag(name="provider",
                                 description="A provider's own listings (provider token)")])


@api.before_request
def providers_only() -> None:
    """A provider's token, checked before a body is read."""
    api_user("provider")


Kind = Literal["groups", "places", "activities"]
MODELS: dict[str, type[Listing]] = {"groups": Group, "places": Place, "activities": Activity}
#: what a provider may not set: when it was checked (the service says: today, by them)
NOT_THEIRS = (*Listing.checked_fields,)


class ListingPath(BaseModel):
    kind: Kind
    node_id: Id


class SessionPath(BaseModel):
    node_id: Id


class ListingChanges(BaseModel):
    """The fields to change (``null`` removes one); an activity may also move to another
    place (``place_id``). The listing is checked again as a whole."""

    model_config = ConfigDict(extra="allow")


class CancelledDate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    day: datetime.date = Field(description="a date the session does not happen")
    cancelled: bool = Field(True, description="false: it happens after all")


class EndOn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ended_on: datetime.date = Field(description="it stops for good on this day")


class Pause(BaseModel):
    model_config = ConfigDict(extra="forbid")

    paused: bool = Field(description="true: not meeting for now; false: meeting again")


class Managed(BaseModel):
    label: str
    id: str
    name: str
    checked_at: str | None = None
    checked_by: str | None = None
    sessions: list[dict[str, Any]] = []


class ManagedList(BaseModel):
    items: list[Managed]


SessionCreate = create_model(
    "SessionCreate", __base__=partial(Activity, "SessionFields", exclude=NOT_THEIRS),
    place_id=(Id | None, None))
CHANGES = {slug: create_model(
    f"Provider{model.__name__}Changes",
    __base__=partial(model, f"Provider{model.__name__}Fields", exclude=NOT_THEIRS),
    **({"place_id": (Id | None, None)} if slug == "activities" else {}))
    for slug, model in MODELS.items()}


@api.get("/listings", security=BEARER, responses={200: ManagedList, 401: ErrorList,
                                                  403: ErrorList})
def my_listings() -> Any:
    """The listings this provider manages, each group's and place's with its sessions."""
    return {"items": providers.managed(get_store(), caller().user_id)}


@api.patch("/<kind>/<node_id>", security=BEARER,
           responses={200: Listing, 401: ErrorList, 403: ErrorList, 404: ErrorList,
                      422: ErrorList})
def change_listing(path: ListingPath, body: ListingChanges) -> Any:
    """Change one of this provider's listings: it is then checked today, by them."""
    changes = validate(CHANGES[path.kind], body.model_dump()).model_dump(exclude_unset=True)
    links = {"place_id": changes.pop("place_id")} if "place_id" in changes else {}
    return providers.update(get_store(), caller().user_id, providers.LABELS[path.kind],
                            path.node_id, changes, instance_path(), auditing.acting(), **links)


@api.post("/<kind>/<node_id>/confirm", security=BEARER,
          responses={204: None, 401: ErrorList, 403: ErrorList, 404: ErrorList})
def confirm_listing(path: ListingPath) -> Any:
    """Say the listing is all still right (a group: its sessions with it)."""
    providers.confirm(get_store(), caller().user_id, providers.LABELS[path.kind], path.node_id,
                      auditing.acting())
    return "", 204


@api.post("/groups/<node_id>/sessions", security=BEARER,
          responses={201: Activity, 401: ErrorList, 403: ErrorList, 404: ErrorList,
                     422: ErrorList})
def add_session(path: SessionPath, body: SessionCreate) -> Any:  # type: ignore[valid-type]
    """Another session of this provider's group (held at ``place_id``, or without a venue)."""
    data = body.model_dump(exclude_none=True)  # type: ignore[attr-defined]
    place_id = data.pop("place_id", None)
    made = providers.add_session(get_store(), caller().user_id, path.node_id, data,
                                 instance_path(), auditing.acting(), place_id=place_id)
    return made, 201, {"Location": url_for("api_assets.get_asset", asset_id=made["id"])}


@api.post("/activities/<node_id>/cancelled-dates", security=BEARER,
          responses={200: Activity, 401: ErrorList, 403: ErrorList, 404: ErrorList,
                     422: ErrorList})
def cancel_date(path: SessionPath, body: CancelledDate) -> Any:
    """A date the session does not happen ("not on 24 December"), or does after all."""
    return providers.cancel_date(get_store(), caller().user_id, path.node_id, body.day,
                                 instance_path(), auditing.acting(), cancelled=body.cancelled)


@api.post("/activities/<node_id>/end", security=BEARER,
          responses={200: Activity, 401: ErrorList, 403: ErrorList, 404: ErrorList,
                     422: ErrorList})
def end_session(path: SessionPath, body: EndOn) -> Any:
    """The session stops for good on ``ended_on`` (today or later)."""
    return providers.end_session(get_store(), caller().user_id, path.node_id, body.ended_on,
                                 instance_path(), auditing.acting())


@api.post("/groups/<node_id>/pause", security=BEARER,
          responses={200: Group, 401: ErrorList, 403: ErrorList, 404: ErrorList,
                     422: ErrorList})
def pause_group(path: SessionPath, body: Pause) -> Any:
    """The group stops meeting for now, or meets again."""
    return providers.pause(get_store(), caller().user_id, path.node_id, body.paused,
                           instance_path(), auditing.acting())
