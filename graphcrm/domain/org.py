"""Accounts, contacts and the ties between contacts."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import BeforeValidator, Field, model_validator

from graphcrm.domain.base import Model, Name, Strength, Temporal, UtcDatetime, whole_number
from graphcrm.domain.enums import (
    ContactStatus,
    InfluenceKind,
    InfluenceSource,
    LineKind,
    Seniority,
)
from graphcrm.domain.ids import AccountKey, ContactKey, RepKey
from graphcrm.domain.sales import Amount

Label = Annotated[str, Field(max_length=200)]
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
"""ISO 3166-1 alpha-2, upper case."""
Email = Annotated[
    str,
    Field(max_length=254, pattern=r"^[^@\x00-\x20\x7f]+@[^@\x00-\x20\x7f]+\.[^@\x00-\x20\x7f]+$"),
]
r"""Something@something.something without spaces or control characters (the same
characters in every regular-expression engine: no ``\s``, whose meaning differs)."""
Phone = Annotated[str, Field(max_length=40)]
LinkedInUrl = Annotated[str, Field(max_length=300, pattern=r"^https?://")]
City = Annotated[str, Field(min_length=1, max_length=200)]
Employees = Annotated[int, Field(ge=0, le=100_000_000), BeforeValidator(whole_number)]
"""A whole number of employees (``250`` or ``250.0``; never a boolean or a string)."""


class Account(Model):
    """A customer organisation. ``parent_id`` builds the account hierarchy.

    ``city``, ``employees`` and ``annual_revenue`` (the figure as imported, in no
    particular currency) are optional; territory rules match on them
    (docs/territories.md).
    """

    id: AccountKey
    name: Name
    sector: Label = "other"
    country: Country | None = None
    territory: Label | None = None
    owner_id: RepKey | None = None
    parent_id: AccountKey | None = None
    city: City | None = None
    employees: Employees | None = None
    annual_revenue: Amount | None = None

    @model_validator(mode="after")
    def _not_own_parent(self) -> Self:
        if self.parent_id == self.id:
            raise ValueError(f"account {self.id!r} cannot be its own parent")
        return self


class Contact(Model):
    """A person at an account.

    ``status`` is time-stamped: writing a new status closes the old interval at
    ``status_from`` (default: the time of the write). Reads return the status
    as of the requested date.
    """

    id: ContactKey
    account_id: AccountKey
    name: Name
    title: Label = ""
    department: Label = ""
    seniority: Seniority = Seniority.INDIVIDUAL_CONTRIBUTOR
    email: Email | None = None
    phone: Phone | None = None
    linkedin_url: LinkedInUrl | None = None
    status: ContactStatus = ContactStatus.ACTIVE
    status_from: UtcDatetime | None = None


class TerritorySpan(Temporal):
    """An account's territory over ``[valid_from, valid_to)`` (None: no territory
    then). ``Account.territory`` is the present one; a write that changes it closes
    the open interval at the time of the write and opens one for the new territory."""

    account_id: AccountKey
    territory: Label | None = None


class ReportsTo(Temporal):
    """``contact_id`` reports to ``manager_id``.

    A contact has at most one open ``solid`` line at a time: a new solid line
    closes the previous one. Dotted lines are keyed by (contact, manager).
    """

    contact_id: ContactKey
    manager_id: ContactKey
    kind: LineKind = LineKind.SOLID

    @model_validator(mode="after")
    def _no_self_edge(self) -> Self:
        if self.contact_id == self.manager_id:
            raise ValueError(f"contact {self.contact_id!r} cannot report to themselves")
        return self


class Influence(Temporal):
    """A typed, weighted influence tie, stored in the direction influence flows.

    ``influencer_id`` acts on ``influenced_id``:

    - ``advises``: the influencer advises the influenced;
    - ``trusts``: the influenced trusts the influencer;
    - ``sponsors``: the influencer backs the influenced;
    - ``opposes``: the influencer works against the influenced (a negative tie).

    Keyed by (influencer, influenced, kind).
    """

    influencer_id: ContactKey
    influenced_id: ContactKey
    kind: InfluenceKind
    strength: Strength
    source: InfluenceSource = InfluenceSource.MANUAL

    @model_validator(mode="after")
    def _no_self_edge(self) -> Self:
        if self.influencer_id == self.influenced_id:
            raise ValueError(f"contact {self.influencer_id!r} cannot influence themselves")
        return self
