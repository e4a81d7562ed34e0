"""Base model and shared field types."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any, Final, Self

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)


def _to_utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+03:00 is before the first instant in UTC
        raise ValueError(f"{value.isoformat()} is outside the calendar in UTC") from None


_EPOCH_LIKE: Final = re.compile(r"\s*[+-]?[0-9]+(\.[0-9]*)?\s*")


def _not_a_number(value: object) -> object:
    """pydantic reads a number (and a string of digits) as seconds since 1970; an instant
    is written as ISO 8601 (its schema says ``date-time``), so a number is refused."""
    if isinstance(value, bool | int | float) or (
        isinstance(value, str) and _EPOCH_LIKE.fullmatch(value)
    ):
        raise ValueError(f"expected an ISO 8601 date or date-time (2026-03-01), got {value!r}")
    return value


def whole_number(value: object) -> object:
    """A number that is whole (``1`` or ``1.0``: the same number in JSON, which JSON
    Schema's ``integer`` admits); never a boolean or a string, which pydantic's lax
    integers would take. Use as ``BeforeValidator(whole_number)`` on an ``int``."""
    if isinstance(value, bool | str | bytes):
        raise ValueError(f"expected an integer (a whole number), got {value!r}")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


UtcDatetime = Annotated[AwareDatetime, BeforeValidator(_not_a_number), AfterValidator(_to_utc)]
Day = Annotated[date, BeforeValidator(_not_a_number)]
"""A calendar day, written ``YYYY-MM-DD``; a number (seconds since 1970) is refused."""
"""A time-zone-aware instant, normalised to UTC. Naive datetimes and numbers are rejected."""

Strength = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False, strict=True)]
"""A tie strength, 0 (none) to 1 (strongest). Strict: a number (a whole one too), never a
boolean or a string, so ``false`` is refused rather than stored as 0.0."""

Text = Annotated[str, Field(max_length=500)]
Name = Annotated[str, Field(min_length=1, max_length=300)]


class Model(BaseModel):
    """Immutable, strict about unknown fields."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        use_enum_values=False,
        # what is always serialised is required in the schema of what is sent
        json_schema_serialization_defaults_required=True,
    )

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its class and pydantic's four slots, rebuilt by :func:`_unpickle`.

        The state pydantic's ``__getstate__`` and ``__setstate__`` carry, on a
        shorter path: the portfolio's worker processes send their reports to
        the parent pickled (about a hundred models an account), and both ends
        cost less this way (docs/benchmarks.md, #19).
        """
        return (
            _unpickle,
            (
                type(self),
                self.__dict__,
                self.__pydantic_fields_set__,
                self.__pydantic_extra__,
                self.__pydantic_private__,
            ),
        )


_set = object.__setattr__


def _unpickle(
    cls: type[Model],
    values: dict[str, Any],
    fields_set: set[str],
    extra: dict[str, Any] | None,
    private: dict[str, Any] | None,
) -> Model:
    """A model of ``cls`` with these slots, unvalidated (they were a model's)."""
    m = cls.__new__(cls)
    _set(m, "__dict__", values)
    _set(m, "__pydantic_fields_set__", fields_set)
    _set(m, "__pydantic_extra__", extra)
    _set(m, "__pydantic_private__", private)
    return m


class Temporal(Model):
    """A fact that holds over ``[valid_from, valid_to)``.

    On write, ``valid_from=None`` means "from the time of the write"; reads
    always return it filled in. ``valid_to=None`` means "still holds".
    """

    valid_from: UtcDatetime | None = None
    valid_to: UtcDatetime | None = None

    @model_validator(mode="after")
    def _interval_ordered(self) -> Self:
        if (
            self.valid_from is not None
            and self.valid_to is not None
            and self.valid_to < self.valid_from
        ):
            raise ValueError(
                f"valid_to {self.valid_to.isoformat()} is before "
                f"valid_from {self.valid_from.isoformat()}"
            )
        return self

    def holds_at(self, at: datetime) -> bool:
        """Whether the fact holds at instant ``at`` (half-open interval)."""
        start_ok = self.valid_from is None or self.valid_from <= at
        return start_ok and (self.valid_to is None or at < self.valid_to)


AS_OF_MIN: Final = datetime(1900, 1, 1, tzinfo=UTC)
"""The earliest instant a user may read the graph as of (the start of 1900-01-01, UTC)."""

AS_OF_MAX: Final = datetime(9999, 12, 30, 23, 59, 59, 999_999, tzinfo=UTC)
"""The latest: the end of 9999-12-30 (UTC). The stores' "present" is the last instant of
9999-12-31, and the analytics look back up to a few months from ``as_of`` and a day or a
quarter ahead; this range keeps every such instant in the calendar."""

AS_OF_RANGE: Final = "1900-01-01 .. 9999-12-30 (UTC)"


def as_of_instant(value: str) -> datetime:
    """Parse an as-of value given by a user.

    A date means "as the graph stood at the end of that day" (UTC); a datetime
    without a zone is read as UTC. The instant must lie in :data:`AS_OF_MIN`
    .. :data:`AS_OF_MAX`.

    >>> as_of_instant("2026-03-01").isoformat()
    '2026-03-01T23:59:59.999999+00:00'
    >>> as_of_instant("2026-03-01T10:00:00+03:00").isoformat()
    '2026-03-01T07:00:00+00:00'
    >>> as_of_instant("0001-01-01")
    Traceback (most recent call last):
    ValueError: as_of '0001-01-01' is outside the supported range 1900-01-01 .. 9999-12-30 (UTC)
    """
    text = value.strip()
    try:
        if len(text) == 10:
            day = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
            parsed = day.replace(hour=23, minute=59, second=59, microsecond=999_999)
        else:
            parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"as_of {value!r} is neither a date (YYYY-MM-DD) nor an ISO 8601 datetime"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        instant = parsed.astimezone(UTC)
    except OverflowError:  # beyond the calendar once in UTC
        instant = None
    if instant is None or not AS_OF_MIN <= instant <= AS_OF_MAX:
        raise ValueError(f"as_of {value!r} is outside the supported range {AS_OF_RANGE}")
    return instant
