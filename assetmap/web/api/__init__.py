"""The JSON API under ``/api/v1``: the same services as the pages, described by OpenAPI.

Staff authenticate with a bearer token (``assetmap tokens create``); the asset directory
is public. CSRF does not apply: no cookie session is accepted here.
"""

from __future__ import annotations

from flask_openapi3 import OpenAPI
from flask_wtf.csrf import CSRFProtect


def register(app: OpenAPI, csrf: CSRFProtect) -> None:
    from assetmap.web.api import areas, assets, directory, hsds, people

    for blueprint in (assets.api, people.api, areas.api, directory.api, hsds.api):
        csrf.exempt(blueprint)
        app.register_api(blueprint)
