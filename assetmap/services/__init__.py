"""The way in: functions that own each workflow, called by the pages, the API, the CLI and
the importers. What they raise when a record is missing or the database is down is part
of their interface, so it is named here too."""

from assetmap.graph.errors import StoreError, StoreUnavailable
from assetmap.graph.nodes import NotFound
from assetmap.graph.store import GraphStore  # what every service takes first

__all__ = ["GraphStore", "NotFound", "StoreError", "StoreUnavailable"]
