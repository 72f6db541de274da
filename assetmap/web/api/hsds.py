"""The Open Referral UK read API under ``/api/v1/hsds``: the public directory as HSDS 3.0
services, organizations, service_at_locations and taxonomies, in the standard's
pagination envelope. Names are in Welsh when ``lang=cy`` or ``Accept-Language: cy`` asks.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from flask import url_for
from flask_babel import gettext
from flask_openapi3 import APIBlueprint, Tag
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from assetmap.interop import hsds
from assetmap.model import Id
from assetmap.services import NotFound
from assetmap.services import open_referral as directory
from assetmap.web.api.collections import public_url
from assetmap.web.api.errors import ErrorList, error_response
from assetmap.web.api.schemas import LanguageQuery
from assetmap.web.db import get_store
from assetmap.web.i18n import language

api = APIBlueprint("api_hsds", __name__, url_prefix="/api/v1/hsds",
                   abp_tags=[Tag(name="open referral",
                                 description="Open Referral UK (HSDS 3.0) read API")])

def _weekday(value: str) -> str:
    day = hsds.weekday(value)
    if day is None:
        raise ValueError(f"{value!r} is not a day (MO, TU, WE, TH, FR, SA, SU)")
    return day


class HsdsQuery(LanguageQuery):
    # Open Referral clients send parameters of their own (ORUK's postcode, proximity...)
    model_config = ConfigDict(extra="ignore")

    page: Annotated[int, Field(ge=1, le=100_000)] = 1
    per_page: Annotated[int, Field(ge=1, le=100)] = 50


def _since(value: datetime) -> str:
    """A moment as stored timestamps are written (UTC, to the second), so they compare as
    text: a date alone is its midnight, and a time without an offset is read as UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="seconds")


class ServiceQuery(HsdsQuery):
    search: Annotated[str, Field(max_length=100)] | None = None
    taxonomy_term_id: Annotated[str, Field(max_length=100)] | None = None
    taxonomy_id: Annotated[str, Field(max_length=100)] | None = None
    organization_id: Annotated[str, Field(max_length=100)] | None = None
    day: Annotated[str, AfterValidator(_weekday)] | None = None
    modified_after: Annotated[datetime, AfterValidator(_since)] | None = None


class RecordPath(BaseModel):
    id: Id


class HsdsRecord(BaseModel):
    """An HSDS object (service, organization, service_at_location, taxonomy...)."""

    model_config = ConfigDict(extra="allow")
    id: str


class HsdsPage(BaseModel):
    total_items: int
    total_pages: int
    page_number: int
    size: int
    first_page: bool
    last_page: bool
    empty: bool
    contents: list[HsdsRecord]


class HsdsRoot(BaseModel):
    version: str
    profile: str
    openapi_url: str


def _lang(query: HsdsQuery) -> str:
    """``lang`` (checked by the query model) or Accept-Language, as every API answer."""
    return query.lang or language()


def _skip(query: HsdsQuery) -> int:
    return (query.page - 1) * query.per_page


def _not_found(kind: str, wanted: str) -> Any:
    return error_response(404, gettext("no %(kind)s with id %(id)s", kind=kind,
                                       id=repr(wanted)), "id")


@api.get("/", responses={200: HsdsRoot})
def root() -> Any:
    """Which version and profile of the standard this API speaks."""
    return hsds.api_root(public_url(url_for("openapi.doc_url")))


@api.get("/services", responses={200: HsdsPage, 422: ErrorList})
def list_services(query: ServiceQuery) -> Any:
    """Services (activities) with their one-to-one fields, in id order."""
    category = None
    if query.taxonomy_term_id:
        category = hsds.category_of_term(query.taxonomy_term_id)
        if category is None:
            return hsds.page([], 0, query.page, query.per_page)
    if query.taxonomy_id and query.taxonomy_id != hsds.TAXONOMY_ID:
        return hsds.page([], 0, query.page, query.per_page)
    store = get_store()
    runner_id = None
    if query.organization_id:
        try:
            runner_id = directory.runner_id(store, query.organization_id)
        except NotFound:
            return hsds.page([], 0, query.page, query.per_page)
    rows, total = directory.services(store, _skip(query), query.per_page, text=query.search,
                                     category=category, weekday=query.day,
                                     runner_id=runner_id, modified_after=query.modified_after)
    lang = _lang(query)
    return hsds.page([hsds.service(row, lang, full=False) for row in rows], total,
                     query.page, query.per_page)


@api.get("/services/<id>", responses={200: HsdsRecord, 404: ErrorList})
def get_service(path: RecordPath, query: HsdsQuery) -> Any:
    """One service, fully nested: schedule, languages, costs, categories and location."""
    store = get_store()
    try:
        return hsds.service(directory.service(store, path.id), _lang(query))
    except NotFound:
        return _not_found("service", path.id)


@api.get("/organizations", responses={200: HsdsPage, 422: ErrorList})
def list_organizations(query: HsdsQuery) -> Any:
    """Organisations, then the community groups that run activities."""
    rows, total = directory.runners(get_store(), _skip(query), query.per_page)
    lang = _lang(query)
    return hsds.page([hsds.organization(row["node"], row["label"], row["parent"], lang)
                      for row in rows], total, query.page, query.per_page)


@api.get("/organizations/<id>", responses={200: HsdsRecord, 404: ErrorList})
def get_organization(path: RecordPath, query: HsdsQuery) -> Any:
    """One organization with the services it runs."""
    store = get_store()
    try:
        label, row, run = directory.runner(store, path.id)
    except NotFound:
        return _not_found("organization", path.id)
    lang = _lang(query)
    services = [hsds.service(service, lang) for service in run]
    for service in services:
        service.pop("organization", None)
    return {**hsds.organization(row["node"], label, row["parent"], lang), "services": services}


@api.get("/service_at_locations", responses={200: HsdsPage, 422: ErrorList})
def list_service_at_locations(query: HsdsQuery) -> Any:
    """Where each service is held, with the location."""
    rows, total = directory.services(get_store(), _skip(query), query.per_page, at_a_place=True)
    lang = _lang(query)
    return hsds.page([hsds.service_at_location(row, lang, full=False) for row in rows],
                     total, query.page, query.per_page)


@api.get("/service_at_locations/<id>", responses={200: HsdsRecord, 404: ErrorList})
def get_service_at_location(path: RecordPath, query: HsdsQuery) -> Any:
    """One service at its location, with the service and the location in full."""
    store = get_store()
    rows, _ = directory.services(store, 0, 1_000_000, at_a_place=True)
    lang = _lang(query)
    for row in rows:
        record = hsds.service_at_location(row, lang, full=False)
        if record["id"] == path.id.lower():
            return hsds.service_at_location(row, lang)
    return _not_found("service_at_location", path.id)


@api.get("/taxonomies", responses={200: HsdsPage, 422: ErrorList})
def list_taxonomies(query: HsdsQuery) -> Any:
    """The one taxonomy assetmap uses: its categories of activity."""
    contents = [hsds.taxonomy()] if query.page == 1 else []
    return hsds.page(contents, 1, query.page, query.per_page)


@api.get("/taxonomies/<id>", responses={200: HsdsRecord, 404: ErrorList})
def get_taxonomy(path: RecordPath) -> Any:
    if path.id.lower() != hsds.TAXONOMY_ID:
        return _not_found("taxonomy", path.id)
    return hsds.taxonomy()


@api.get("/taxonomy_terms", responses={200: HsdsPage, 422: ErrorList})
def list_taxonomy_terms(query: HsdsQuery) -> Any:
    """Every category as a taxonomy term."""
    terms = [hsds.taxonomy_term(category, _lang(query)) for category in hsds.CATEGORIES]
    skip = _skip(query)
    return hsds.page(terms[skip:skip + query.per_page], len(terms), query.page,
                     query.per_page)


@api.get("/taxonomy_terms/<id>", responses={200: HsdsRecord, 404: ErrorList})
def get_taxonomy_term(path: RecordPath, query: HsdsQuery) -> Any:
    category = hsds.category_of_term(path.id)
    if category is None:
        return _not_found("taxonomy_term", path.id)
    return hsds.taxonomy_term(category, _lang(query))
