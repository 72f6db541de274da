"""The read API against Open Referral's own OpenAPI documents (HSDS 3.0 and the UK profile):
every path each declares is asked of assetmap with a real id, and each 200 response must
validate against the schema the document declares for it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from assetmap.interop import hsds

OPENAPI = Path(__file__).parent / "data" / "hsds" / "openapi"
#: where each document says its schemas are published, and our copy of each
PUBLISHED = {"hsds-3.0": "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/",
             "oruk-3.0": "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/"}
PROFILE = {"hsds-3.0": "hsds", "oruk-3.0": "oruk"}
#: the paths of our read API that answer for one id, and the list each id comes from
LISTS = {"services": "services", "taxonomies": "taxonomies",
         "taxonomy_terms": "taxonomy_terms", "organizations": "organizations",
         "service_at_locations": "service_at_locations"}


def _resource(contents: dict) -> Resource:
    return Resource.from_contents(contents, default_specification=DRAFT202012)


def _registry(standard: str) -> Registry:
    """The OpenAPI document and every schema it refers to, each at its published address."""
    base = PUBLISHED[standard]
    registry = Registry()
    document = json.loads((OPENAPI / standard / "openapi.json").read_text(encoding="utf-8"))
    registry = registry.with_resource(base + "openapi.json", _resource(document))
    for compiled in (OPENAPI / standard / "compiled").glob("*.json"):
        registry = registry.with_resource(base + "compiled/" + compiled.name,
                                          _resource(json.loads(compiled.read_text())))
    # the plain schemas (and HSDS's compiled service and organization, whose uncompiled
    # originals say the same) are the ones assetmap validates its exports with: each
    # published address points at our copy, which refers on to its neighbours
    for name in ("service", "organization", "taxonomy", "taxonomy_term"):
        ours = {"$ref": hsds.schema(PROFILE[standard], name)["$id"]}
        registry = registry.with_resource(base + f"{name}.json", _resource(ours))
        if not (OPENAPI / standard / "compiled" / f"{name}.json").exists():
            registry = registry.with_resource(base + f"compiled/{name}.json", _resource(ours))
    return registry.combine(hsds._registry(PROFILE[standard])).crawl()


def _paths(standard: str) -> list[str]:
    document = json.loads((OPENAPI / standard / "openapi.json").read_text(encoding="utf-8"))
    return list(document["paths"])


def _pointer(path: str) -> str:
    escaped = path.replace("~", "~0").replace("/", "~1")
    return f"#/paths/{escaped}/get/responses/200/content/application~1json/schema"


@pytest.mark.parametrize("standard", ["hsds-3.0", "oruk-3.0"])
def test_every_endpoint_answers_as_the_standard_declares(config, sample_store,  # noqa: ANN001
                                                         standard: str) -> None:
    from assetmap.web import create_app

    # as published: the root's openapi_url is an absolute URI only with the base URL set
    client = create_app(config.with_changes(
        base_url="https://assetmap.example.cymru")).test_client()
    registry = _registry(standard)
    base = PUBLISHED[standard]
    ids: dict[str, str] = {}
    for plural in LISTS.values():
        listed = client.get(f"/api/v1/hsds/{plural}?per_page=5")
        if listed.status_code == 200 and listed.get_json()["contents"]:
            ids[plural] = listed.get_json()["contents"][0]["id"]
    problems = []
    for path in _paths(standard):
        url = "/api/v1/hsds" + path
        if "{id}" in path:
            url = url.replace("{id}", ids[path.strip("/").split("/")[0]])
        response = client.get(url)
        assert response.status_code == 200, (standard, url, response.get_data(as_text=True))
        validator = Draft202012Validator({"$ref": base + "openapi.json" + _pointer(path)},
                                         registry=registry, format_checker=FormatChecker())
        problems += [(path, error.json_path, error.message[:200])
                     for error in validator.iter_errors(response.get_json())]
    assert problems == [], problems[:10]
