"""The one clock: every "now", "today" and "this year" in assetmap comes from here.

UTC throughout (pages show times in Wales's time, :mod:`assetmap.services.finder` and the
filters convert). Tests set the clock with :func:`frozen_at`; nothing else does.

>>> from datetime import datetime, UTC
>>> with frozen_at(datetime(2031, 3, 1, 9, 30, tzinfo=UTC)):
...     today().isoformat(), this_year(), now_iso()
('2031-03-01', 2031, '2031-03-01T09:30:00+00:00')
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

__all__ = ["frozen_at", "now", "now_iso", "this_year", "today"]

_frozen: datetime | None = None


def now() -> datetime:
    """The current moment, in UTC."""
    return _frozen if _frozen is not None else datetime.now(UTC)


def today() -> date:
    """Today's date in UTC."""
    return now().date()


def this_year() -> int:
    return now().year


def now_iso() -> str:
    """The current time in UTC, ISO-8601 to the second: every timestamp is set by Python."""
    return now().isoformat(timespec="seconds")


@contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    """Make the clock read ``moment`` (timezone-aware) until the block ends."""
    global _frozen
    if moment.tzinfo is None:
        raise ValueError("the clock needs a timezone-aware moment")
    before, _frozen = _frozen, moment.astimezone(UTC)
    try:
        yield
    finally:
        _frozen = before
