"""assetmap: community asset and circles-of-support graph for Wales."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

    from assetmap.config import Config

__version__ = "0.1.0"


def create_app(config: Config | Mapping[str, Any] | None = None) -> Flask:
    """The Flask app (see :func:`assetmap.web.create_app`); imported lazily so the CLI and
    the graph layer do not load Flask."""
    from assetmap.web import create_app as factory

    return factory(config)
