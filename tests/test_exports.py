"""GraphML and GeoJSON exports, opened with NetworkX and shapely."""

from __future__ import annotations

import json

import networkx as nx
from shapely.geometry import shape

from assetmap.graph.store import GraphStore
from assetmap.interop import exports
from assetmap.services import analysis


def test_graphml_is_the_organisations_network_pseudonymised(runner, cli_env, tmp_path) -> None:  # noqa: ANN001
    from assetmap.cli import main
    from assetmap.config import Config
    from seed import sample
    store = GraphStore.open(Config.from_env(cli_env))
    store.init_schema()
    sample.load(store)
    analysis.run_analysis(store)
    path = tmp_path / "network.graphml"
    result = runner.invoke(main, ["export", "graphml", str(path), "--org", "org-carers"])
    assert result.exit_code == 0, result.output
    graph = nx.read_graphml(path)
    people = store.run_read(
        "MATCH (p:Person)-[:RECORDED_BY]->(:Organisation {id: 'org-carers'}) "
        "RETURN p.id AS id, p.name AS name, p.lat AS lat")
    assert graph.number_of_nodes() == len(people)
    text = path.read_text()
    for person in people:
        assert person["id"] not in text and person["name"] not in text
    assert all(node.startswith("p-") for node in graph.nodes)
    assert {data["risk"] for _, data in graph.nodes(data=True)} <= {
        "at risk", "low", "good", "not assessed"}
    ties = store.run_read(
        "MATCH (a:Person)-[k:KNOWS]->(b:Person), (a)-[:RECORDED_BY]->(:Organisation "
        "{id: 'org-carers'}), (b)-[:RECORDED_BY]->(:Organisation {id: 'org-carers'}) "
        "RETURN count(k) AS n")[0]["n"]
    assert graph.number_of_edges() == ties > 0
    again = exports.organisation_network(store, "org-carers", Config.from_env(
        cli_env).load_secret_key(), "2026-11-25")
    assert set(again.nodes) == set(graph.nodes), "pseudonyms are stable"
    store.close()


def test_geojson_places_and_hotspots(runner, cli_env, tmp_path) -> None:  # noqa: ANN001
    from assetmap.cli import main
    from assetmap.config import Config
    from seed import sample
    store = GraphStore.open(Config.from_env(cli_env))
    store.init_schema()
    sample.load(store)
    analysis.run_analysis(store)
    result = runner.invoke(main, ["export", "geojson", str(tmp_path)])
    assert result.exit_code == 0, result.output
    places = json.loads((tmp_path / "places.geojson").read_text())
    assert len(places["features"]) == store.counts()["nodes"]["Place"]
    for feature in places["features"]:
        point = shape(feature["geometry"])
        assert point.is_valid and -8.7 < point.x < 1.8 and 49.8 < point.y < 60.9
    wards = json.loads((tmp_path / "hotspots-ward.geojson").read_text())
    stored = analysis.hotspots(store, "ward")
    assert [f["properties"]["id"] for f in wards["features"]] == [r["id"] for r in stored]
    for feature, row in zip(wards["features"], stored, strict=True):
        assert shape(feature["geometry"]).area > 0
        assert feature["properties"]["at_risk"] == row["at_risk"]  # withheld stays None
        # the allow-list, whatever else the stored figures carry
        assert set(feature["properties"]) == set(exports.AREA_FIELDS)
    store.close()
