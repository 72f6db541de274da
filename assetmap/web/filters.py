"""Jinja filters: how values read on a page (days, money, distances, access features)."""

from __future__ import annotations

from flask import Flask

from assetmap.analysis.suggestions import PART_NAMES, WEEKDAY_NAMES
from assetmap.model import ACCESS_NAMES, CATEGORY_NAMES


def money(pence: int | None) -> str:
    """'Free' or '£2.50'."""
    if not pence:
        return "Free"
    return f"£{pence // 100}.{pence % 100:02d}"


def distance(metres: float | None) -> str:
    if metres is None:
        return ""
    return f"{metres / 1000:.1f} km" if metres >= 1000 else f"{round(metres, -1):.0f} m"


def weekday(code: str) -> str:
    return WEEKDAY_NAMES.get(code, code)


def day_part_name(code: str) -> str:
    return PART_NAMES.get(code, code)


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(money=money, distance=distance, weekday=weekday,
                                 day_part=day_part_name, zip=zip)
    app.jinja_env.globals.update(ACCESS_NAMES=ACCESS_NAMES, CATEGORY_NAMES=CATEGORY_NAMES,
                                 WEEKDAY_NAMES=WEEKDAY_NAMES, PART_NAMES=PART_NAMES)
