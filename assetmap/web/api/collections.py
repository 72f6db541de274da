"""Pagination shared by every API collection: ``page``/``per_page`` in, ``_links`` out."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import current_app, request


def public_url(path: str) -> str:
    """``path`` on this site as the API gives it out: after ``ASSETMAP_BASE_URL`` when it
    is set, else the path alone; never built from the request's Host header, which
    whoever sends the request chooses."""
    return current_app.config["ASSETMAP"].base_url + path


def page_links(page: int, pages: int) -> dict[str, str | None]:
    def at(number: int) -> str:
        return public_url(request.path + "?" + urlencode({**request.args.to_dict(),
                                                            "page": number}))

    return {"self": at(page), "next": at(page + 1) if page < pages else None,
            "prev": at(page - 1) if page > 1 else None}


def collection(items: list[Any], total: int, page: int, per_page: int,
               **extra: Any) -> dict[str, Any]:
    pages = max(1, -(-total // per_page))
    return {"items": items, "page": page, "per_page": per_page, "total": total,
            "pages": pages, "_links": page_links(page, pages), **extra}
