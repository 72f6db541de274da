"""The public directory read as Open Referral sees it: services (activities at their
place), and the organisations and groups that run them, by their HSDS ids (the HSDS read
API and the export use these; records are shaped by :mod:`assetmap.interop.hsds`)."""

from __future__ import annotations

from typing import Any

from assetmap.graph import directory
from assetmap.graph.store import GraphStore

#: the labels an HSDS organization may be
RUNNERS = directory.RUNNERS


def services(store: GraphStore, skip: int = 0, limit: int = 100,
             **filters: Any) -> tuple[list[dict], int]:
    """A page of services (``text``, ``category``, ``weekday``, ``runner_id``,
    ``modified_after`` filter them) and how many match."""
    return directory.services(store, skip, limit, **filters)


def service(store: GraphStore, hsds_id: str) -> dict:
    """One service by its HSDS id, in full; :class:`NotFound` if there is none."""
    _, activity_id = directory.resolve(store, ("Activity",), hsds_id)
    return directory.service(store, activity_id)


def runners(store: GraphStore, skip: int = 0, limit: int = 100) -> tuple[list[dict], int]:
    """A page of organisations, then groups that run activities, and how many."""
    return directory.runners(store, skip, limit)


def runner(store: GraphStore, hsds_id: str) -> tuple[str, dict, list[dict]]:
    """One organisation or group by its HSDS id: its label, record and the services it
    runs; :class:`NotFound` if there is none."""
    label, node_id = directory.resolve(store, RUNNERS, hsds_id)
    return label, directory.runner(store, label, node_id), directory.services_run_by(
        store, node_id)


def runner_id(store: GraphStore, hsds_id: str) -> str:
    """The assetmap id of the organisation or group an HSDS id names."""
    return directory.resolve(store, RUNNERS, hsds_id)[1]
