"""Shapes of API responses, for the OpenAPI document (request bodies are the model's own)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from assetmap.model import Activity, AssetSearch, Place


class Runner(BaseModel):
    id: str
    name: str
    name_cy: str | None = None
    email: str | None = None
    website: str | None = None


class AssetSession(Activity):
    """One of an activity's days, with the date it next comes round (null: its times are
    not given); one without a venue names the areas it is offered in."""

    next_session: date | None = None
    offered_in: list[dict[str, Any]] | None = None


class AssetRow(BaseModel):
    """One activity at one place (or without a venue: ``place`` null, by phone, online or
    at home): ``activity`` is its session that comes round soonest, ``sessions`` every
    matching day it is held (the same name at the same place)."""

    activity: AssetSession
    sessions: list[AssetSession]
    place: Place | None
    runners: list[Runner]
    distance_m: int | None = None
    next_session: date | None


class Links(BaseModel):
    self: str
    next: str | None = None
    prev: str | None = None


class Located(BaseModel):
    lat: float
    lon: float
    label: str
    kind: str


class PlaceActivity(BaseModel):
    activity: Activity
    runners: list[Runner]


class AssetDetail(BaseModel):
    place: Place | None
    activities: list[PlaceActivity]
    activity_id: str | None = None


def partial(model: type[BaseModel], name: str, exclude: tuple[str, ...] = ()) -> type[BaseModel]:
    """A model of the same fields but ``exclude``, all optional and none set by default: a
    PATCH body.

    The full model still checks the record as it will be after the change.
    """
    fields: dict[str, Any] = {
        field_name: (info.annotation | None, None)
        for field_name, info in model.model_fields.items()
        if field_name != "id" and field_name not in exclude
    }
    return create_model(name, __config__=ConfigDict(extra="forbid"), **fields)


def only(model: type[BaseModel], name: str, exclude: tuple[str, ...]) -> type[BaseModel]:
    """The model's fields but ``exclude``, with the same rules: a body whose other fields
    the app sets. The full model still checks the record as a whole."""
    fields: dict[str, Any] = {
        field_name: (info.annotation, info)
        for field_name, info in model.model_fields.items() if field_name not in exclude
    }
    return create_model(name, __config__=ConfigDict(extra="forbid"), **fields)


class LanguageQuery(BaseModel):
    """What every query takes: ``lang``, the language of the answer's names and messages
    (without it, Accept-Language)."""

    model_config = ConfigDict(extra="forbid")

    lang: Literal["en", "cy"] | None = Field(
        None, description="the answer's language (else Accept-Language)")


class PageQuery(LanguageQuery):
    q: str | None = Field(None, max_length=100, description="part of the name")
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(50, ge=1, le=200)


class Collection(BaseModel):
    """A page of a collection, with links to its neighbours."""

    items: list[dict[str, Any]]
    page: int
    per_page: int
    total: int
    pages: int
    links: Links | None = Field(None, alias="_links")

    model_config = ConfigDict(populate_by_name=True)


class AssetPage(Collection):
    items: list[AssetRow]  # type: ignore[assignment]
    location: Located | None = None


class AssetQuery(AssetSearch, LanguageQuery):
    """The finder's search, and ``lang``."""
