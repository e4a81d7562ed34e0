"""Calendar quarters, and the instants of a trend through one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from graphcrm.errors import InvalidError, Problem


@dataclass(frozen=True, slots=True, order=True)
class Quarter:
    """A calendar quarter, ``2026-Q1`` (January to March)."""

    year: int
    q: int

    @classmethod
    def parse(cls, text: str, *, where: str = "quarter", field: str = "") -> Quarter:
        """``YYYY-Qn``; raises :class:`InvalidError` naming ``where.field`` otherwise.

        >>> Quarter.parse("2026-Q1").start, Quarter.parse("2026-q4").end
        (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
        """
        head, sep, tail = text.strip().upper().partition("-Q")
        if not sep or len(head) != 4 or not head.isdigit() or tail not in ("1", "2", "3", "4"):
            raise InvalidError([Problem(where, field, f"expected YYYY-Qn (2026-Q1), got {text!r}")])
        year = int(head)
        if year < 1900:
            raise InvalidError([Problem(where, field, f"year {year} is before 1900")])
        return cls(year, int(tail))

    @classmethod
    def of(cls, day: date) -> Quarter:
        """The quarter ``day`` falls in."""
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.q - 2, 1)

    @property
    def end(self) -> date:
        """The quarter's last day."""
        return self.next().start - timedelta(days=1)

    @property
    def starts_at(self) -> datetime:
        """The quarter's first instant (midnight UTC)."""
        return datetime(self.start.year, self.start.month, 1, tzinfo=UTC)

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.q == 4 else Quarter(self.year, self.q + 1)

    def __str__(self) -> str:
        return f"{self.year}-Q{self.q}"


def quarter_span(first: Quarter, count: int) -> tuple[Quarter, ...]:
    """``count`` consecutive quarters from ``first``."""
    out = [first]
    while len(out) < count:
        out.append(out[-1].next())
    return tuple(out)


def trend_instants(first: Quarter, at: datetime, weeks: int | None = None) -> list[datetime]:
    """The instants of a trend: the quarter's start and every Monday (00:00 UTC) after
    it, before ``at``; with ``weeks``, the last ``weeks`` Mondays before ``at``
    instead (they may precede the quarter); then ``at`` itself.

    >>> at = datetime(2026, 1, 20, 12, tzinfo=UTC)
    >>> [t.date().isoformat() for t in trend_instants(Quarter(2026, 1), at)]
    ['2026-01-01', '2026-01-05', '2026-01-12', '2026-01-19', '2026-01-20']
    >>> [t.date().isoformat() for t in trend_instants(Quarter(2026, 1), at, weeks=1)]
    ['2026-01-19', '2026-01-20']
    """
    midnight = at.replace(hour=0, minute=0, second=0, microsecond=0)
    monday = midnight - timedelta(days=midnight.weekday())
    if monday >= at:
        monday -= timedelta(days=7)
    if weeks is not None:
        out = [monday - timedelta(days=7 * k) for k in range(weeks)][::-1]
    else:
        out = [first.starts_at] if first.starts_at < at else []
        t = monday
        mondays = []
        while t > first.starts_at:
            mondays.append(t)
            t -= timedelta(days=7)
        out += mondays[::-1]
    return [*out, at]
