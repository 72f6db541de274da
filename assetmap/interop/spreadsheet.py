"""CSV that people open in a spreadsheet: a cell a spreadsheet would run as a formula is
written with a leading apostrophe (OWASP's guidance on CSV injection), so a name typed as
``=HYPERLINK(...)`` reads as text. Numbers stay numbers, negative ones included."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: what makes a spreadsheet read a cell as a formula (OWASP: =, +, -, @, tab, return)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet should show it.

    >>> safe_cell("=1+1"), safe_cell("@SUM(A1)"), safe_cell("-3.54"), safe_cell(-3.54)
    ("'=1+1", "'@SUM(A1)", '-3.54', -3.54)
    >>> safe_cell("Neuadd Goffa")
    'Neuadd Goffa'
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _is_number(value):
        return "'" + value
    return value


def safe_dict(row: Mapping[str, Any]) -> dict[str, Any]:
    return {key: safe_cell(value) for key, value in row.items()}
