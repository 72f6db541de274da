"""Documents made for a person to read: the subject access report."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

_env = Environment(loader=PackageLoader("assetmap.web", "templates"),
                   autoescape=select_autoescape(default=True))


def subject_access_html(held: dict[str, Any]) -> str:
    """A standalone, printable HTML document of a subject access export (no app needed,
    so the CLI can write it too)."""
    return _env.get_template("reports/subject_access.html").render(held=held)
