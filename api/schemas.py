"""Request and response bodies (DTOs): ``XCreate / XUpdate / XPublic / XsPublic(data, count)``.

Creates are the domain models themselves (they validate every field); updates
are partial (every field optional, ``id`` not changeable); lists carry one page
(``data``) and the total across pages (``count``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from graphcrm.analytics import (
    AccountHealth,
    AddInfluence,
    AddRepKnows,
    Edit,
    FollowUp,
    HiddenInfluencer,
    RemoveContact,
    RemoveInfluence,
    RemoveRepKnows,
    Trend,
)
from graphcrm.auth import ApiKey, Scope, Territory
from graphcrm.domain import (
    Account,
    AccountRollup,
    ChangeSet,
    Contact,
    ContactStatus,
    Deal,
    DealRole,
    EntityCounts,
    EntityKind,
    Influence,
    InfluenceKind,
    Rep,
    RepKnows,
    ReportsTo,
    Role,
    Seniority,
    Stage,
    Touchpoint,
)
from graphcrm.domain.base import Day, Name, Text, UtcDatetime
from graphcrm.domain.ids import AccountKey, RepKey
from graphcrm.domain.org import City, Country, Email, Employees, Label, LinkedInUrl, Phone
from graphcrm.domain.sales import Amount, Currency, Stance
from graphcrm.services.forecast import (
    ForecastDeal,
    ForecastProblem,
    ForecastRow,
    GroupBy,
    TrendPoint,
)
from graphcrm.services.scoring import ContactScore
from graphcrm.services.territories import TerritoryConflict
from graphcrm.services.winprob import ModelSummary


def _not_null(schema: dict[str, Any]) -> None:
    schema.pop("default", None)
    branches = [b for b in schema.pop("anyOf", []) if b.get("type") != "null"]
    if len(branches) == 1:
        schema.update(branches[0])
    elif branches:
        schema["anyOf"] = branches


def unset() -> Any:
    """The default of an update field that may be absent (keep the value) but not
    ``null`` (the object cannot be without it): the schema leaves ``null`` out, and a
    ``null`` sent anyway is refused when the merged object is validated."""
    return Field(default=None, json_schema_extra=_not_null)


class _Dto(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)

    @field_validator("*")
    @classmethod
    def _null_only_where_allowed(cls, value: Any, info: ValidationInfo) -> Any:
        """``null`` for a field declared with :func:`unset` is refused here, by name, before
        the update's precondition is checked: what the schema forbids is a 422 first."""
        if value is None and info.field_name is not None:
            extra = cls.model_fields[info.field_name].json_schema_extra
            if extra is _not_null:
                raise ValueError("may not be null (leave the field out to keep its value)")
        return value


# --- accounts --------------------------------------------------------------------

AccountCreate = Account


class AccountUpdate(_Dto):
    """Fields to change; absent fields keep their value, ``null`` clears an optional one."""

    name: Name | None = unset()
    sector: Label | None = unset()
    country: Country | None = None
    territory: Label | None = None
    owner_id: RepKey | None = None
    parent_id: AccountKey | None = None
    city: City | None = None
    employees: Employees | None = None
    annual_revenue: Amount | None = None


class AccountPublic(_Dto):
    """An account with its hierarchy (visible accounts only) and the roll-up of its subtree.

    ``rollup`` is null when part of the subtree is outside the key's territories.
    """

    account: Account
    ancestors: list[Account]
    descendants: list[Account]
    rollup: AccountRollup | None


class AccountsPublic(_Dto):
    data: list[Account]
    count: int


# --- contacts ----------------------------------------------------------------------

ContactCreate = Contact


class ContactUpdate(_Dto):
    """Fields to change; absent fields keep their value. A new ``status`` is time-stamped."""

    account_id: AccountKey | None = unset()
    name: Name | None = unset()
    title: Label | None = unset()
    department: Label | None = unset()
    seniority: Seniority | None = unset()
    email: Email | None = None
    phone: Phone | None = None
    linkedin_url: LinkedInUrl | None = None
    status: ContactStatus | None = unset()
    status_from: UtcDatetime | None = None


class ContactsPublic(_Dto):
    data: list[Contact]
    count: int


# --- ties -----------------------------------------------------------------------------


class DealRoleUpdate(_Dto):
    """Fields of a deal role to change; absent fields keep their value. The changed role
    holds from the time of the write (the one it replaces is closed then)."""

    stance: Stance | None = unset()
    roles: Annotated[frozenset[Role], Field(min_length=1)] | None = unset()
    is_primary: Annotated[bool, Field(strict=True)] | None = unset()


class ReportingLinesPublic(_Dto):
    data: list[ReportsTo]
    count: int


class InfluencesPublic(_Dto):
    data: list[Influence]
    count: int


class RepKnowsPublic(_Dto):
    data: list[RepKnows]
    count: int


# --- deals ----------------------------------------------------------------------------

DealCreate = Deal


class DealUpdate(_Dto):
    """Fields to change; a new ``stage`` or ``expected_close`` is recorded in the history."""

    name: Name | None = unset()
    amount: Amount | None = unset()
    currency: Currency | None = unset()
    stage: Stage | None = unset()
    expected_close: Day | None = None
    competitors: list[Annotated[str, Field(min_length=1, max_length=200)]] | None = unset()
    loss_reason: Text | None = None
    owner_id: RepKey | None = None


class DealsPublic(_Dto):
    data: list[Deal]
    count: int


class DealRolesPublic(_Dto):
    data: list[DealRole]
    count: int


class TouchpointsPublic(_Dto):
    data: list[Touchpoint]
    count: int


class RepsPublic(_Dto):
    data: list[Rep]
    count: int


class TerritoryConflictsPublic(_Dto):
    data: list[TerritoryConflict]
    count: int


# --- writes -----------------------------------------------------------------------------


class WriteResult(_Dto):
    """What a write did, per entity kind; ``changed`` is false when nothing changed."""

    rows: int
    changed: bool
    counts: dict[EntityKind, EntityCounts]


BatchCreate = ChangeSet


# --- analytics ----------------------------------------------------------------------------


class ContactScoresPublic(_Dto):
    """The influence, brokerage, authority, engagement and decision-maker scores of an
    account's active contacts, highest decision-maker score first."""

    account_id: str
    as_of: datetime
    data: list[ContactScore]
    count: int


class HiddenInfluencersPublic(_Dto):
    account_id: str
    as_of: datetime
    data: list[HiddenInfluencer]
    count: int


class AccountHealthPublic(_Dto):
    """Relationship health now and ``trend_days`` earlier; ``trend`` compares the two
    scores (a change within ``tolerance`` points is steady)."""

    account_id: str
    as_of: datetime
    health: AccountHealth
    previous_as_of: datetime
    previous: AccountHealth
    delta: float
    tolerance: float
    trend: Trend
    contact_trends: dict[Trend, int]


class FollowUpItem(_Dto):
    account_id: str
    follow_up: FollowUp


class FollowUpsPublic(_Dto):
    """The due-list, most urgent first."""

    as_of: datetime
    data: list[FollowUpItem]
    count: int


class ForecastPublic(_Dto):
    """The forecast of ``quarters`` as of ``as_of``, in ``currency``: one row per rep,
    territory, account group or quarter (``by``), highest expected value first, in
    ``data``; ``total`` sums them (its P10/P50/P90 come from the same simulated
    outcomes). ``deals`` lists every open deal counted, ``problems`` those left out
    (no exchange rate). Only deals of accounts in the key's territories count."""

    as_of: datetime
    quarters: list[str]
    by: GroupBy
    currency: str
    rates: dict[str, float]
    """One unit of each currency in ``currency``."""
    rates_as_of: date | None
    commit_at: float
    best_case_at: float
    simulations: int
    seed: int
    model: ModelSummary
    total: ForecastRow
    data: list[ForecastRow]
    count: int
    deals: list[ForecastDeal]
    problems: list[ForecastProblem]


class ForecastTrendPublic(_Dto):
    """The forecast's totals as of each week start of the quarter up to ``as_of``, then
    ``as_of`` (in ``data``, oldest first), each with its rows' expected value and commit
    and the deals whose expected value moved most since the point before."""

    as_of: datetime
    quarters: list[str]
    by: GroupBy
    currency: str
    rates_as_of: date | None
    data: list[TrendPoint]
    count: int
    problems: list[ForecastProblem]


class RemoveContactEdit(_Dto):
    op: Literal["remove_contact"]
    contact_id: str


class AddInfluenceEdit(_Dto):
    op: Literal["add_influence"]
    influence: Influence


class RemoveInfluenceEdit(_Dto):
    op: Literal["remove_influence"]
    influencer_id: str
    influenced_id: str
    kind: InfluenceKind


class AddRepKnowsEdit(_Dto):
    op: Literal["add_rep_knows"]
    tie: RepKnows


class RemoveRepKnowsEdit(_Dto):
    op: Literal["remove_rep_knows"]
    rep_id: str
    contact_id: str


WhatIfEdit = Annotated[
    RemoveContactEdit
    | AddInfluenceEdit
    | RemoveInfluenceEdit
    | AddRepKnowsEdit
    | RemoveRepKnowsEdit,
    Field(discriminator="op"),
]


class WhatIfCreate(_Dto):
    """Edits to try on the deal's account graph; nothing is written."""

    edits: Annotated[list[WhatIfEdit], Field(min_length=1, max_length=100)]


def to_edit(e: WhatIfEdit) -> Edit:
    if isinstance(e, RemoveContactEdit):
        return RemoveContact(contact_id=e.contact_id)
    if isinstance(e, AddInfluenceEdit):
        return AddInfluence(influence=e.influence)
    if isinstance(e, RemoveInfluenceEdit):
        return RemoveInfluence(
            influencer_id=e.influencer_id, influenced_id=e.influenced_id, kind=e.kind
        )
    if isinstance(e, AddRepKnowsEdit):
        return AddRepKnows(tie=e.tie)
    return RemoveRepKnows(rep_id=e.rep_id, contact_id=e.contact_id)


# --- keys ----------------------------------------------------------------------------------


class KeyCreate(_Dto):
    name: Annotated[str, Field(min_length=1, max_length=200, pattern=r"\S")]
    scopes: Annotated[list[Scope], Field(min_length=1)]
    territories: Annotated[
        list[Annotated[Territory, Field(pattern=r"^[^,]*[^,\s][^,]*$")]], Field(min_length=1)
    ]
    """Territory names (no comma, not blank), or ``*`` for every territory."""


class KeyPublic(_Dto):
    key: ApiKey


class KeyCreatedPublic(_Dto):
    """The new key; ``secret`` is shown this once and cannot be recovered."""

    key: ApiKey
    secret: str


class KeysPublic(_Dto):
    data: list[ApiKey]
    count: int


# --- health ----------------------------------------------------------------------------------


class HealthPublic(_Dto):
    status: Literal["ok"]


class ReadyPublic(_Dto):
    status: Literal["ready"]
    store: str
