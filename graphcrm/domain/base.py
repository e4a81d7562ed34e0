"""Base model and shared field types."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Self

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, model_validator


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


UtcDatetime = Annotated[AwareDatetime, AfterValidator(_to_utc)]
"""A time-zone-aware instant, normalised to UTC. Naive datetimes are rejected."""

Strength = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
"""A tie strength, 0 (none) to 1 (strongest)."""

Text = Annotated[str, Field(max_length=500)]
Name = Annotated[str, Field(min_length=1, max_length=300)]


class Model(BaseModel):
    """Immutable, strict about unknown fields."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


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
