"""The one instant of a use case."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from graphcrm.errors import InvalidError
from graphcrm.services.clock import instant


def test_none_reads_the_given_clock_once_and_in_utc() -> None:
    calls: list[int] = []
    istanbul = timezone(timedelta(hours=3))

    def clock() -> datetime:
        calls.append(1)
        return datetime(2026, 3, 1, 15, tzinfo=istanbul)

    assert instant(None, now=clock) == datetime(2026, 3, 1, 12, tzinfo=UTC)
    assert len(calls) == 1
    given = datetime(2025, 1, 1, tzinfo=UTC)
    assert instant(given, now=clock) == given
    assert len(calls) == 1


def test_a_naive_instant_is_refused() -> None:
    with pytest.raises(InvalidError, match="time-zone aware"):
        instant(datetime(2026, 3, 1))
