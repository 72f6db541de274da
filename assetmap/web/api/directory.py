"""Groups, places and activities as JSON: read by anyone, changed by connectors and
coordinators. One set of routes is made for each kind from its model."""

from __future__ import annotations

from typing import Any

from flask import request, url_for
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, create_model

from assetmap.model import Activity, Group, Id, Place, Record
from assetmap.services import directory
from assetmap.web.api.auth import BEARER, api_user, caller
from assetmap.web.api.collections import collection
from assetmap.web.api.errors import ErrorList
from assetmap.web.api.schemas import Collection, PageQuery, partial
from assetmap.web.db import get_store, instance_path

api = APIBlueprint("api_directory", __name__, url_prefix="/api/v1",
                   abp_tags=[Tag(name="directory", description="Groups, places, activities")])
EDITORS = ("connector", "coordinator")


@api.before_request
def editors_change() -> None:
    """Anyone reads the directory; changes need a connector's or coordinator's token
    (checked before the body is read)."""
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        api_user(*EDITORS)


class NodePath(BaseModel):
    node_id: Id


def _with_links(model: type[Record], repo: directory.Repository, name: str) -> type[BaseModel]:
    """The model plus its link fields (``place_id``...), for a create body; a located
    model's point may be left out when a postcode gives it."""
    extra: dict[str, Any] = {link: (Id | None, None) for link in repo.links
                             if link not in directory.SET_BY_SERVICE}
    if model.located:
        extra.update({name: (model.model_fields[name].annotation | None, None)
                      for name in ("lat", "lon")})
    return create_model(name, __base__=model, **extra)


def _routes(slug: str, model: type[Record], repo: directory.Repository) -> None:
    """GET list, GET one, POST, PATCH and DELETE for one kind."""
    create_body = _with_links(model, repo, f"{model.__name__}Create")
    changes_body = partial(_with_links(model, repo, f"{model.__name__}Links"),
                           f"{model.__name__}Changes")
    links = tuple(link for link in repo.links if link not in directory.SET_BY_SERVICE)

    def list_nodes(query: PageQuery) -> Any:
        rows, total = repo.search(get_store(), query.q, (query.page - 1) * query.per_page,
                                  query.per_page)
        return collection(rows, total, query.page, query.per_page)

    def get_node(path: NodePath) -> Any:
        return repo.get(get_store(), path.node_id)

    def create_node(body: BaseModel) -> Any:
        data = body.model_dump(exclude_none=True)
        link_ids = {name: data.pop(name) for name in links if name in data}
        created = directory.create(get_store(), repo, data, instance_path(), "staff",
                                   recorded_by_id=caller().organisation_id, **link_ids)
        return created, 201, {"Location": url_for(f".get_{slug}", node_id=created["id"])}

    def update_node(path: NodePath, body: BaseModel) -> Any:
        changes = body.model_dump(exclude_unset=True)
        link_ids = {name: changes.pop(name) for name in links if name in changes}
        return directory.update(get_store(), repo, path.node_id, changes, instance_path(),
                                "staff", **link_ids)

    def delete_node(path: NodePath) -> Any:
        directory.delete(get_store(), repo, path.node_id)
        return "", 204

    create_node.__annotations__["body"] = create_body
    update_node.__annotations__["body"] = changes_body
    errors = {404: ErrorList, 422: ErrorList}
    secured = {"security": BEARER, "responses": {201: model, 401: ErrorList, 403: ErrorList,
                                                   **errors}}
    for view, method, rule, options in (
        (list_nodes, api.get, f"/{slug}", {"responses": {200: Collection}}),
        (get_node, api.get, f"/{slug}/<node_id>", {"responses": {200: model, **errors}}),
        (create_node, api.post, f"/{slug}", secured),
        (update_node, api.patch, f"/{slug}/<node_id>", secured),
        (delete_node, api.delete, f"/{slug}/<node_id>", secured),
    ):
        view.__name__ = view.__qualname__ = f"{view.__name__.split('_')[0]}_{slug}"
        method(rule, **options)(view)


_routes("groups", Group, directory.REPOSITORIES["groups"])
_routes("places", Place, directory.REPOSITORIES["places"])
_routes("activities", Activity, directory.REPOSITORIES["activities"])
