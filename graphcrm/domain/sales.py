"""Our side of the relationship: reps, deals, buying-committee roles, touchpoints."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Final, Self

from pydantic import BeforeValidator, Field, WithJsonSchema, model_validator

from graphcrm.domain.base import (
    Day,
    Model,
    Name,
    Strength,
    Temporal,
    Text,
    UtcDatetime,
    whole_number,
)
from graphcrm.domain.enums import Direction, Stage, TouchpointKind
from graphcrm.domain.ids import AccountKey, ContactKey, DealKey, RepKey, TouchpointKey
from graphcrm.domain.roles import Role

Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
_DECIMAL_TEXT: Final = re.compile(r"[0-9]{1,16}(\.[0-9]{1,2})?")


_LARGEST_NUMBER: Final = 999_999_999_999_999
"""The largest amount taken as a JSON number: beyond it a binary float loses its cents
(larger amounts are written as decimal strings)."""


def _decimal_text(value: object) -> object:
    """A decimal string is digits with at most two decimals, as the schema says; an
    exponent (``1e9``), a sign or a space is refused rather than read. A JSON number is
    at most :data:`_LARGEST_NUMBER`."""
    if isinstance(value, str) and not _DECIMAL_TEXT.fullmatch(value):
        raise ValueError(f"expected an amount such as 1250000.50, got {value!r}")
    if isinstance(value, int | float) and not isinstance(value, bool) and value > _LARGEST_NUMBER:
        raise ValueError(f"a number above {_LARGEST_NUMBER}: write it as a decimal string")
    return value


Amount = Annotated[
    Decimal,
    Field(ge=0, max_digits=18, decimal_places=2),
    BeforeValidator(_decimal_text),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": _LARGEST_NUMBER, "multipleOf": 0.01},
                {"type": "string", "pattern": r"^[0-9]{1,16}(\.[0-9]{1,2})?$"},
            ]
        },
        mode="validation",
    ),
]
"""A non-negative amount, at most 16 digits before the point and 2 after, sent as a
decimal string. Accepted as a decimal string or a JSON number; the schema bounds the
number at 15 digits, the most a binary float carries with its cents exact."""
"""An ISO 4217 code: TRY, USD, EUR, ..."""


class Rep(Model):
    """One of our sellers."""

    id: RepKey
    name: Name
    email: Annotated[str, Field(max_length=254)] | None = None
    territory: Annotated[str, Field(max_length=200)] | None = None


class RepKnows(Model):
    """Our rep knows a contact, with a strength from 0 to 1. Keyed by (rep, contact)."""

    rep_id: RepKey
    contact_id: ContactKey
    strength: Strength


class Deal(Model):
    """An opportunity at an account.

    Writing a different ``stage`` records a :class:`StageChange`; writing a
    different ``expected_close`` records a :class:`CloseDateChange`. Both are
    stamped with the time of the write unless the batch carries explicit ones.
    """

    id: DealKey
    account_id: AccountKey
    name: Name
    amount: Amount = Decimal("0")
    currency: Currency = "TRY"
    stage: Stage = Stage.PROSPECTING
    expected_close: Day | None = None
    competitors: tuple[Annotated[str, Field(min_length=1, max_length=200)], ...] = ()
    loss_reason: Text | None = None
    owner_id: RepKey | None = None


class StageChange(Model):
    """A deal moved from one stage to another (forwards or backwards) at ``at``."""

    deal_id: DealKey
    at: UtcDatetime
    from_stage: Stage | None
    to_stage: Stage

    @property
    def is_backwards(self) -> bool:
        return self.from_stage is not None and self.to_stage.order < self.from_stage.order


class CloseDateChange(Model):
    """A deal's expected close date moved at ``at``."""

    deal_id: DealKey
    at: UtcDatetime
    from_date: Day | None
    to_date: Day | None


Stance = Annotated[int, Field(ge=-2, le=2), BeforeValidator(whole_number)]
"""A stance on a deal, -2 (opposes) to +2 (champions): a whole number (``1.0`` too)."""


class DealRole(Temporal):
    """A contact's roles on a deal. Keyed by (deal, contact).

    ``stance`` runs from -2 (opposes) to +2 (champions). At most one role per
    deal is primary at any time. Both are read strictly: a stance is a whole
    number (``true`` or ``"1"`` is refused), ``is_primary`` a boolean.
    """

    deal_id: DealKey
    contact_id: ContactKey
    roles: Annotated[frozenset[Role], Field(min_length=1)]
    is_primary: Annotated[bool, Field(strict=True)] = False
    stance: Stance = 0


class Touchpoint(Model):
    """An interaction between our reps and an account's contacts."""

    id: TouchpointKey
    account_id: AccountKey
    kind: TouchpointKind
    direction: Direction
    at: UtcDatetime
    contact_ids: Annotated[
        tuple[ContactKey, ...], Field(min_length=1, json_schema_extra={"uniqueItems": True})
    ]
    rep_ids: Annotated[tuple[RepKey, ...], Field(json_schema_extra={"uniqueItems": True})] = ()
    deal_id: DealKey | None = None
    sentiment: Annotated[float, Field(ge=-1.0, le=1.0, allow_inf_nan=False, strict=True)] = 0.0
    summary: Text = ""

    @model_validator(mode="after")
    def _distinct_participants(self) -> Self:
        if len(set(self.contact_ids)) != len(self.contact_ids):
            raise ValueError("contact_ids lists a contact twice")
        if len(set(self.rep_ids)) != len(self.rep_ids):
            raise ValueError("rep_ids lists a rep twice")
        return self
