"""Create, read, update and delete nodes of any whitelisted type, one query per change.

FalkorDB has no multi-statement transactions, so a node and the relationships that come
with it (a person and the organisation that recorded them, an activity and its place) are
written by one ``CREATE`` statement: if a linked node is missing, the ``MATCH`` yields no
row and nothing at all is written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from assetmap.graph.errors import ConstraintViolation
from assetmap.graph.store import GraphStore
from assetmap.i18n import N_, Problem, fold
from assetmap.model import (
    ANALYSIS_FIELDS,
    NODE_TYPES,
    RELATIONSHIPS,
    InvalidRecord,
    Person,
    Record,
    now_iso,
    validate,
)

#: what the store derives: timestamps, the point from lat/lon, the folded text searches read
SYSTEM_FIELDS = ("created_at", "updated_at", "location", "search_text")
MAX_PAGE = 1000


class NotFound(LookupError):
    """No node of the label has the id."""

    def __init__(self, label: str, node_id: str) -> None:
        self.label = label
        self.node_id = node_id
        super().__init__(f"no {label} with id {node_id!r}")


@dataclass(frozen=True)
class Link:
    """A relationship written together with the node: ``(node)-[:type]->(target)``."""

    type: str
    target: str
    required: bool = False

    def __post_init__(self) -> None:
        spec = RELATIONSHIPS[self.type]
        if self.target not in spec.targets:
            raise ValueError(f"{self.type} cannot point at {self.target}")


#: a listing's link to the organisation whose staff recorded it (and review changes to it)
RECORDED_BY = Link("RECORDED_BY", "Organisation")
#: a placed record's link to each area it lies in (its ``area`` and ``ward``)
AREA_LINK = Link("IN_AREA", "Area")


_PROPERTY_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def rebuilt(variable: str, keep: Iterable[str], values: Mapping[str, str]) -> str:
    """``SET variable = {...}``: the properties ``keep`` as they are when the statement
    runs, and ``values`` (name -> a Cypher expression, a parameter); every other property
    goes. FalkorDB 4.16 removes the wrong properties when one statement removes two or
    more of an entity's (docs/architecture.md §3); writing the whole map removes exactly
    those left out, and is the same on Neo4j. Names are checked, never taken as given."""
    names = [*keep, *values]
    if not all(_PROPERTY_NAME.match(name) for name in names):
        raise ValueError(f"not a property name: {names!r}")
    entries = [f"{name}: {variable}.{name}" for name in keep if name not in values]
    entries += [f"{name}: {expression}" for name, expression in values.items()]
    return f"SET {variable} = {{{', '.join(entries)}}}"


def _labels(record: Record) -> str:
    extra = record.extra_labels() if isinstance(record, Person) else ()
    return ":".join((record.label, *extra))


def _location_clause(record: Record, variable: str, source: str) -> str:
    """Set the ``location`` point from lat/lon, or clear it when the record has none.

    Decided in Python: FalkorDB evaluates ``point()`` even in a ``CASE`` branch not taken.
    """
    if not record.located:
        return ""
    if getattr(record, "lat", None) is None:
        return f" SET {variable}.location = null"
    return f" SET {variable}.location = point({{latitude: {source}.lat, longitude: {source}.lon}})"


def _search_text(model: type[Record], values: Mapping[str, Any]) -> str:
    fields = [name for base in model.text_search for name in (base, f"{base}_cy")
              if name in model.model_fields]
    return fold(" ".join(str(values[name]) for name in fields if values.get(name)))


def searchable(record: Record) -> dict[str, str]:
    """``search_text``: the record's names and descriptions in English and Welsh, folded
    (lower case, no accents), so one ``CONTAINS`` finds "ŵyl" from "wyl" in either
    language. Only for models with ``text_search``."""
    if not record.text_search:
        return {}
    return {"search_text": _search_text(type(record), record.model_dump())}


def derive_search_text(store: GraphStore, batch: int = 5000) -> int:
    """Give ``search_text`` to searchable nodes written before it existed (or restored
    from an older backup); returns how many were given it."""
    done = 0
    for model in NODE_TYPES.values():
        if not model.text_search:
            continue
        while rows := store.run_read(
                f"MATCH (n:{model.label}) WHERE n.search_text IS NULL "
                "RETURN n.id AS id, properties(n) AS p LIMIT $batch", batch=batch):
            done += store.run_write(
                f"UNWIND $rows AS r MATCH (n:{model.label} {{id: r.id}}) "
                "SET n.search_text = r.text RETURN count(n) AS n",
                rows=[{"id": row["id"], "text": _search_text(model, row["p"])}
                      for row in rows])[0]["n"]
    return done


def stored(record: Record, now: str) -> dict[str, Any]:
    """A new node's properties as written: its own, what the store derives, timestamps."""
    return {**record.properties(), **searchable(record), "created_at": now, "updated_at": now}


def _editable(properties: dict[str, Any], label: str) -> dict[str, Any]:
    """The properties a user edits: not timestamps, points or analysis results."""
    derived = (*SYSTEM_FIELDS, *ANALYSIS_FIELDS.get(label, ()))
    return {key: value for key, value in properties.items() if key not in derived}


class NodeRepository:
    """Parameterised CRUD for one node model, with the links written alongside it."""

    def __init__(self, model: type[Record], links: dict[str, Link] | None = None) -> None:
        self.model = model
        self.label = model.label
        self.links = links or {}

    # -- create ----------------------------------------------------------------

    def create(self, store: GraphStore, data: dict[str, Any], **link_ids: str | None) -> dict:
        """Validate ``data`` and write the node and its links in one statement.

        ``link_ids`` names the linked nodes by the keys of ``links`` (e.g.
        ``organisation_id="org-1"``). Raises :class:`InvalidRecord` for a bad field, a
        missing required link or a linked node that does not exist.
        """
        record = validate(self.model, data)
        links = self._resolve_links(link_ids)
        # a placed record's areas are linked in the same statement: never a person written
        # and left outside the figures because a second write failed
        links += [(field, AREA_LINK, code) for field in ("area", "ward")
                  if record.located and (code := getattr(record, field, None))]
        now = now_iso()
        properties = stored(record, now)
        matches = "".join(
            f"MATCH (t{i}:{link.target} {{id: $link{i}}}) " for i, (_, link, _) in enumerate(links)
        )
        creates = "".join(
            f" CREATE (n)-[:{link.type}]->(t{i})" for i, (_, link, _) in enumerate(links)
        )
        query = (
            f"{matches}CREATE (n:{_labels(record)}) SET n = $props"
            f"{_location_clause(record, 'n', '$props')}{creates} RETURN properties(n) AS n"
        )
        params = {f"link{i}": target_id for i, (_, _, target_id) in enumerate(links)}
        try:
            rows = store.run_write(query, props=properties, **params)
        except ConstraintViolation:
            raise InvalidRecord(
                [("id", f"{record.id!r} is already used by another {self.label}")]
            ) from None

        if not rows:
            self._raise_missing_link(store, links)
        return rows[0]["n"]

    def create_many(
        self, store: GraphStore, records: Sequence[Record], batch_size: int = 5000
    ) -> int:
        """Write already-validated records in batches of one statement each (seeding, import).

        Records are grouped by their label set; returns the number written.
        """
        now = now_iso()
        groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for record in records:
            props = stored(record, now)
            key = (_labels(record), _location_clause(record, "n", "r"))
            groups.setdefault(key, []).append(props)
        written = 0
        for (labels, location), rows in groups.items():
            query = (
                f"UNWIND $rows AS r CREATE (n:{labels}) SET n = r{location} RETURN count(n) AS n"
            )
            for batch in _batches(rows, batch_size):
                written += store.run_write(query, rows=batch)[0]["n"]
        return written

    def create_many_linked(
        self, store: GraphStore, items: Sequence[tuple[Record, dict[str, str]]],
        batch_size: int = 5000, on_batch: Callable[[list[str]], None] | None = None,
    ) -> list[str]:
        """Write already-validated records, each with its links (``{"place_id": "p1"}``), in
        batched statements; a node and its links are created by the same statement, and a
        row whose link target is missing writes nothing. ``on_batch`` hears the ids of each
        batch as it is written (so a caller can undo them); returns all the ids written."""
        now = now_iso()
        groups: dict[tuple[str, str, tuple[str, ...]], list[dict[str, Any]]] = {}
        for record, link_ids in items:
            names = tuple(sorted(name for name, target in link_ids.items() if target))
            key = (_labels(record), _location_clause(record, "n", "r.p"), names)
            groups.setdefault(key, []).append({
                "p": stored(record, now),
                **{name: link_ids[name] for name in names}})
        written: list[str] = []
        for (labels, location, names), rows in groups.items():
            links = [(name, self.links[name]) for name in names]
            matches = "".join(f"MATCH (t{i}:{link.target} {{id: r.{name}}}) "
                              for i, (name, link) in enumerate(links))
            creates = "".join(f" CREATE (n)-[:{link.type}]->(t{i})"
                              for i, (_, link) in enumerate(links))
            query = (f"UNWIND $rows AS r {matches}CREATE (n:{labels}) SET n = r.p{location}"
                     f"{creates} RETURN n.id AS id")
            for batch in _batches(rows, batch_size):
                ids = [row["id"] for row in store.run_write(query, rows=list(batch))]
                written += ids
                if on_batch:
                    on_batch(ids)
        return written

    def delete_many(self, store: GraphStore, ids: Sequence[str]) -> None:
        """Remove nodes (and their relationships) by id: undoing an import that failed."""
        for batch in _batches(list(ids), 5000):
            store.run_write(f"UNWIND $ids AS i MATCH (n:{self.label} {{id: i}}) DETACH DELETE n",
                            ids=list(batch))

    def _resolve_links(self, link_ids: dict[str, str | None]) -> list[tuple[str, Link, str]]:
        unknown = set(link_ids) - set(self.links)
        if unknown:
            raise InvalidRecord([(name, Problem(N_("unknown field"))) for name in sorted(unknown)])
        resolved = []
        for name, link in self.links.items():
            target_id = link_ids.get(name)
            if target_id:
                resolved.append((name, link, target_id))
            elif link.required:
                raise InvalidRecord([(name, Problem(N_("is required")))])
        return resolved

    def _raise_missing_link(
        self, store: GraphStore, links: list[tuple[str, Link, str]]
    ) -> None:
        for name, link, target_id in links:
            found = store.run_read(
                f"MATCH (t:{link.target} {{id: $id}}) RETURN t.id AS id", id=target_id
            )
            if not found:
                raise InvalidRecord([(name, Problem(N_("no %(kind)s with id %(id)s"),
                                                     kind=link.target, id=repr(target_id)))])
        raise InvalidRecord([("record", Problem(N_("was not written")))])

    # -- read ------------------------------------------------------------------

    def get(self, store: GraphStore, node_id: str) -> dict:
        rows = store.run_read(
            f"MATCH (n:{self.label} {{id: $id}}) RETURN properties(n) AS n", id=node_id
        )
        if not rows:
            raise NotFound(self.label, node_id)
        return rows[0]["n"]

    def list(
        self, store: GraphStore, *, limit: int = 100, skip: int = 0, order_by: str = "id"
    ) -> list[dict]:
        if order_by not in self.model.model_fields:
            raise InvalidRecord([("order_by", Problem(N_("%(name)s is not a field of %(label)s"),
                                                       name=repr(order_by), label=self.label))])
        limit = max(0, min(limit, MAX_PAGE))
        rows = store.run_read(
            f"MATCH (n:{self.label}) RETURN properties(n) AS n "
            f"ORDER BY n.{order_by}, n.id SKIP $skip LIMIT $limit",
            skip=max(0, skip),
            limit=limit,
        )
        return [row["n"] for row in rows]

    def search(
        self, store: GraphStore, text: str | None = None, skip: int = 0, limit: int = 50
    ) -> tuple[list[dict], int]:
        """Nodes whose name contains ``text`` (any case; for searchable models also the
        Welsh name and the descriptions, with or without accents), by name; and how many."""
        if self.model.text_search:
            where = "WHERE n.search_text CONTAINS $text " if text else ""
            params = {"text": fold(text or "")}
        else:
            where = "WHERE toLower(n.name) CONTAINS $text " if text else ""
            params = {"text": (text or "").lower()}
        total = store.run_read(f"MATCH (n:{self.label}) {where}RETURN count(n) AS n",
                               **params)[0]["n"]
        rows = store.run_read(
            f"MATCH (n:{self.label}) {where}RETURN properties(n) AS n ORDER BY n.name, n.id "
            "SKIP $skip LIMIT $limit",
            skip=max(0, skip), limit=max(0, min(limit, MAX_PAGE)), **params,
        )
        return [row["n"] for row in rows], total

    def names(self, store: GraphStore, limit: int = 5000) -> list[dict]:
        """``{"id", "name"}`` of every node, by name (to choose one in a form)."""
        return store.run_read(
            f"MATCH (n:{self.label}) RETURN n.id AS id, n.name AS name ORDER BY n.name, n.id "
            "LIMIT $limit", limit=limit)

    def linked(self, store: GraphStore, node_id: str) -> dict[str, str]:
        """The id each of the node's links points at: ``{"place_id": "p1", ...}``."""
        found = {}
        for name, link in self.links.items():
            rows = store.run_read(
                f"MATCH (:{self.label} {{id: $id}})-[:{link.type}]->(t:{link.target}) "
                "RETURN t.id AS id LIMIT 1", id=node_id)
            if rows:
                found[name] = rows[0]["id"]
        return found

    def iter_all(self, store: GraphStore, page: int = MAX_PAGE) -> Iterator[dict]:
        skip = 0
        while batch := self.list(store, limit=page, skip=skip):
            yield from batch
            skip += len(batch)

    # -- update ----------------------------------------------------------------

    def update(
        self, store: GraphStore, node_id: str, changes: dict[str, Any], **link_ids: str | None
    ) -> dict:
        """Validate the record as it would be after ``changes`` and write only what changed.

        ``id`` cannot change. A field set to ``None`` is removed. ``link_ids`` moves links
        (``place_id="p2"``; ``None`` or ``""`` removes an optional one); links not named stay.
        Properties and links change in one statement, so a missing target changes nothing.
        """
        if not isinstance(changes, dict):
            raise InvalidRecord([("record", Problem(N_("must be an object of fields")))])
        if "id" in changes and changes["id"] != node_id:
            raise InvalidRecord([("id", Problem(N_("cannot be changed")))])
        stored = self.get(store, node_id)
        current = _editable(stored, self.label)
        merged = {**current, **changes}
        record = validate(self.model, {k: v for k, v in merged.items() if v is not None})
        new = {**record.properties(), **searchable(record)}
        diff = {key: value for key, value in new.items() if current.get(key) != value}
        diff.update({key: None for key in current if key not in new})
        label_changes = ""
        if isinstance(record, Person):
            for label, flag in (("Volunteer", record.volunteer), ("Carer", record.carer)):
                label_changes += f" SET n:{label}" if flag else f" REMOVE n:{label}"
        matches, relinks, params = self._relinks(link_ids)
        removed = [key for key, value in diff.items() if value is None]
        assign = "SET n += $diff" if len(removed) < 2 else rebuilt(
            "n", [key for key in stored if key not in diff],
            {key: f"$diff.{key}" for key, value in diff.items() if value is not None})
        rows = store.run_write(
            f"MATCH (n:{self.label} {{id: $id}}) {matches}{assign}, n.updated_at = $now"
            f"{label_changes}{_location_clause(record, 'n', 'n')}{relinks} "
            "RETURN properties(n) AS n",
            id=node_id,
            diff=diff,
            now=now_iso(),
            **params,
        )
        if not rows:
            self.get(store, node_id)
            self._raise_missing_link(store, [(name, self.links[name], target)
                                             for name, target in link_ids.items() if target])
        return rows[0]["n"]

    def _relinks(self, link_ids: dict[str, str | None]) -> tuple[str, str, dict[str, str]]:
        """MATCH clauses for new link targets, the clauses that move the links, parameters."""
        unknown = set(link_ids) - set(self.links)
        if unknown:
            raise InvalidRecord([(name, Problem(N_("unknown field"))) for name in sorted(unknown)])
        named = sorted(link_ids.items())
        carried = ", ".join(["n"] + [f"t{i}" for i, (_, target) in enumerate(named) if target])
        matches, relinks, params = "", "", {}
        for i, (name, target_id) in enumerate(named):
            link = self.links[name]
            if not target_id and link.required:
                raise InvalidRecord([(name, Problem(N_("is required")))])
            if target_id:
                matches += f"MATCH (t{i}:{link.target} {{id: $link{i}}}) "
                params[f"link{i}"] = target_id
            relinks += (
                f" WITH DISTINCT {carried} "
                f"OPTIONAL MATCH (n)-[old{i}:{link.type}]->(:{link.target}) DELETE old{i}"
                f" WITH DISTINCT {carried}"
            )
            if target_id:
                relinks += f" CREATE (n)-[:{link.type}]->(t{i})"
        return matches, relinks, params

    # -- delete ----------------------------------------------------------------

    def delete(self, store: GraphStore, node_id: str) -> None:
        """Delete the node, its relationships and the records that exist only ``ABOUT`` it."""
        rows = store.run_write(
            f"MATCH (n:{self.label} {{id: $id}}) "
            "OPTIONAL MATCH (n)<-[:ABOUT]-(d) "
            "DETACH DELETE d, n RETURN count(*) AS n",
            id=node_id,
        )
        if not rows or rows[0]["n"] == 0:
            raise NotFound(self.label, node_id)


def _batches(rows: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
