"""The one instant a use case refers to.

Analytics never read the clock; a use case reads it at most once per call
(:func:`instant`) and passes that instant to every store read and every
analytic, so "now" means the same thing throughout one call.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from graphcrm.errors import InvalidError, Problem


def utc_now() -> datetime:
    """The wall clock, in UTC."""
    return datetime.now(UTC)


def instant(as_of: datetime | None, *, now: Callable[[], datetime] = utc_now) -> datetime:
    """``as_of`` in UTC, or ``now()`` when it is None.

    >>> from datetime import timedelta, timezone
    >>> instant(datetime(2026, 3, 1, 12, tzinfo=timezone(timedelta(hours=3)))).isoformat()
    '2026-03-01T09:00:00+00:00'

    Raises
    ------
    InvalidError
        ``as_of`` has no time zone.
    """
    at = now() if as_of is None else as_of
    if at.tzinfo is None:
        raise InvalidError([Problem("as_of", "", "must be time-zone aware")])
    return at.astimezone(UTC)
