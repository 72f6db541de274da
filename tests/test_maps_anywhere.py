"""Maps that work anywhere: the tile server and its credit are settings the security
policy follows, every map draws a basemap from our own data (authority outlines and town
names) so that a map without tiles still shows where things are, and Leaflet's own words
follow the page's language."""

from __future__ import annotations

import re

import pytest

from assetmap.config import OSM_TILES, Config, ConfigError
from assetmap.graph.store import GraphStore
from tests.site import map_spec


def _policy_images(response) -> str:  # noqa: ANN001
    return re.search(r"img-src ([^;]+)", response.headers["Content-Security-Policy"]).group(1)


@pytest.mark.parametrize(("url", "attribution", "problem"), [
    ("tiles.example.org/{z}/{x}/{y}.png", "x", "ASSETMAP_TILES_URL"),
    ("https://tiles.example.org/tile.png", "x", "ASSETMAP_TILES_URL"),
    ("https://tiles.example.org/{z}/{x}/{y}.png", "", "ASSETMAP_TILES_ATTRIBUTION"),
])
def test_bad_tile_settings_are_named(url: str, attribution: str, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem):
        Config.from_env({"ASSETMAP_TILES_URL": url, "ASSETMAP_TILES_ATTRIBUTION": attribution})


def test_the_policy_follows_the_tile_setting(config: Config, sample_store: GraphStore) -> None:
    from assetmap.web import create_app

    default = create_app(config).test_client().get("/find?near=SY18")
    assert _policy_images(default) == "'self' data: https://tile.openstreetmap.org"
    tiles = map_spec(default.get_data(as_text=True))["tiles"]
    assert tiles["url"] == OSM_TILES and "OpenStreetMap</a> contributors" in tiles["attribution"]
    own = create_app(config.with_changes(
        tiles_url="https://{s}.tiles.example.org/wales/{z}/{x}/{y}.png",
        tiles_attribution="© Example Maps")).test_client().get("/find?near=SY18")
    assert _policy_images(own) == "'self' data: https://*.tiles.example.org"
    page = own.get_data(as_text=True)
    assert map_spec(page)["tiles"] == {
        "url": "https://{s}.tiles.example.org/wales/{z}/{x}/{y}.png",
        "attribution": "© Example Maps"}
    assert "tile.openstreetmap.org" not in page
    none = create_app(config.with_changes(tiles_url="")).test_client().get("/find?near=SY18")
    assert _policy_images(none) == "'self' data:"
    assert map_spec(none.get_data(as_text=True))["tiles"] is None, "the basemap draws the land"


def test_the_basemap_has_every_authority_and_town_in_the_language_asked(
        client) -> None:  # noqa: ANN001
    from assetmap import boundaries, gazetteer

    english = client.get("/basemap.json?lang=en")
    assert english.status_code == 200 and english.cache_control.public
    base = english.get_json()
    assert len(base["areas"]["features"]) == len(boundaries.bundled(["local_authority"])) == 22
    assert len(english.get_data()) < 400_000, "a background, simplified"
    towns = {t["name"] for t in base["towns"]}
    assert len(base["towns"]) == len(gazetteer.towns()) and "Newtown" in towns
    client.get("/?lang=cy")
    welsh = {t["name"] for t in client.get("/basemap.json?lang=cy").get_json()["towns"]}
    assert "Y Drenewydd" in welsh and "Newtown" not in welsh


def test_leaflet_speaks_the_page_language(client) -> None:  # noqa: ANN001
    english = map_spec(client.get("/find?near=SY18&lang=en").get_data(as_text=True))
    assert english["words"]["zoom_in"] == "Zoom in"
    assert english["basemap"] == "/basemap.json?lang=en"
    welsh = map_spec(client.get("/find?near=SY18&lang=cy").get_data(as_text=True))
    assert welsh["basemap"] == "/basemap.json?lang=cy"
    for key, words in welsh["words"].items():
        assert words and words != english["words"][key], key
