"""Pagination shared by every API collection: ``page``/``per_page`` in, ``_links`` out."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import request


def page_links(page: int, pages: int) -> dict[str, str | None]:
    def at(number: int) -> str:
        return request.base_url + "?" + urlencode({**request.args.to_dict(), "page": number})

    return {"self": at(page), "next": at(page + 1) if page < pages else None,
            "prev": at(page - 1) if page > 1 else None}


def collection(items: list[Any], total: int, page: int, per_page: int,
               **extra: Any) -> dict[str, Any]:
    pages = max(1, -(-total // per_page))
    return {"items": items, "page": page, "per_page": per_page, "total": total,
            "pages": pages, "_links": page_links(page, pages), **extra}
