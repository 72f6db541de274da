"""Changes to stored data a version of assetmap makes once, each marked by a Migration."""

from __future__ import annotations

from assetmap.graph.nodes import SYSTEM_FIELDS, NodeRepository, rebuilt
from assetmap.graph.store import GraphStore
from assetmap.model import ACCESS_NEEDS, ANALYSIS_FIELDS, Migration, Place

repo = NodeRepository(Migration)

#: a place's properties but its four access answers: the whole map is written, since
#: FalkorDB 4.16 removes the wrong properties when one statement removes several
_WITHOUT_ACCESS = rebuilt("p", [name for name in (*Place.model_fields, *SYSTEM_FIELDS,
                                                 *ANALYSIS_FIELDS.get("Place", ()))
                                if name not in ACCESS_NEEDS], {})
#: id -> (what it does, its statements); each statement returns how many it changed
MIGRATIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "unknown-not-no-1": (
        "what was never asked becomes not known: a place with all four access features "
        "'no' (the old form's unticked boxes), lives alone 'no' (the same), and languages "
        "'English' only (the old default)",
        (
            "MATCH (p:Place) WHERE p.step_free = false AND p.hearing_loop = false "
            "AND p.accessible_toilet = false AND p.parking = false "
            f"{_WITHOUT_ACCESS} RETURN count(p) AS n",
            "MATCH (p:Person) WHERE p.lives_alone = false SET p.lives_alone = null "
            "RETURN count(p) AS n",
            "MATCH (p:Person) WHERE p.languages = ['en'] SET p.languages = [] "
            "RETURN count(p) AS n",
        ),
    ),
}


def pending(store: GraphStore) -> list[str]:
    """The migrations this graph has not had, in order."""
    done = {row["id"] for row in store.run_read("MATCH (m:Migration) RETURN m.id AS id")}
    return [name for name in MIGRATIONS if name not in done]


def apply(store: GraphStore, name: str) -> list[int]:
    """Run one migration and mark it done; returns how many records each statement
    changed."""
    description, statements = MIGRATIONS[name]
    changed = [store.run_write(statement)[0]["n"] for statement in statements]
    repo.create(store, {"id": name, "description": description})
    return changed
