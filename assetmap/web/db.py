"""The app's one GraphStore, opened on first use and closed when the process ends."""

from __future__ import annotations

import atexit
import threading
from pathlib import Path

from flask import Flask, current_app

from assetmap.graph.store import GraphStore

_KEY = "assetmap.store"
_lock = threading.Lock()


def instance_path() -> Path:
    """The app's instance folder (audit trail, keys, the postcode directory)."""
    return current_app.config["ASSETMAP"].instance_path


def get_store() -> GraphStore:
    """The store for the current app; its connection pool is shared by request threads."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    store = app.extensions.get(_KEY)
    if store is None:
        with _lock:
            store = app.extensions.get(_KEY)
            if store is None:
                store = GraphStore.open(app.config["ASSETMAP"])
                app.extensions[_KEY] = store
    return store


def close_store(app: Flask) -> None:
    store = app.extensions.pop(_KEY, None)
    if store is not None:
        store.close()


def init_app(app: Flask) -> None:
    atexit.register(close_store, app)
