"""Table specs: which columns a model maps to and how. SQL text is built here only
from these constants (never from values)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from graphcrm.domain import EntityKind, Model, Temporal
from graphcrm.store.sqlite import codec

M = TypeVar("M", bound=Model)
T = TypeVar("T", bound=Temporal)


@dataclass(frozen=True, slots=True)
class Table(Generic[M]):
    """A table of plain upserts keyed by ``key_columns``."""

    name: str
    entity: EntityKind
    columns: tuple[str, ...]
    key_columns: tuple[str, ...]
    encode: Callable[[M], tuple[Any, ...]]
    decode: Callable[[codec.Row], M]

    @property
    def select_list(self) -> str:
        return ", ".join(self.columns)

    @property
    def upsert_sql(self) -> str:
        cols = ", ".join(self.columns)
        marks = ", ".join("?" for _ in self.columns)
        keys = ", ".join(self.key_columns)
        sets = ", ".join(f"{c} = excluded.{c}" for c in self.columns if c not in self.key_columns)
        return (
            f"INSERT INTO {self.name} ({cols}) VALUES ({marks}) "  # noqa: S608 - names from constants
            f"ON CONFLICT ({keys}) DO UPDATE SET {sets}"
        )


@dataclass(frozen=True, slots=True)
class IntervalTable(Generic[T]):
    """A table of intervals, with an integer ``id`` handle; ``by`` is the column
    the validation lookup selects on."""

    name: str
    entity: EntityKind
    columns: tuple[str, ...]
    by: str
    encode: Callable[[T], tuple[Any, ...]]
    decode: Callable[[codec.Row], T]

    @property
    def select_list(self) -> str:
        return ", ".join(self.columns)

    @property
    def insert_sql(self) -> str:
        marks = ", ".join("?" for _ in self.columns)
        return f"INSERT INTO {self.name} ({self.select_list}) VALUES ({marks})"  # noqa: S608 - names from constants

    @property
    def close_sql(self) -> str:
        return f"UPDATE {self.name} SET valid_to = ? WHERE id = ?"  # noqa: S608 - name from constants


ACCOUNTS = Table(
    "accounts",
    EntityKind.ACCOUNT,
    codec.ACCOUNT_COLUMNS,
    ("id",),
    codec.encode_account,
    codec.decode_account,
)
REPS = Table("reps", EntityKind.REP, codec.REP_COLUMNS, ("id",), codec.encode_rep, codec.decode_rep)
CONTACTS = Table(
    "contacts",
    EntityKind.CONTACT,
    codec.CONTACT_COLUMNS,
    ("id",),
    codec.encode_contact,
    codec.decode_contact,
)
DEALS = Table(
    "deals", EntityKind.DEAL, codec.DEAL_COLUMNS, ("id",), codec.encode_deal, codec.decode_deal
)
TOUCHPOINTS = Table(
    "touchpoints",
    EntityKind.TOUCHPOINT,
    codec.TOUCHPOINT_COLUMNS,
    ("id",),
    codec.encode_touchpoint,
    codec.decode_touchpoint,
)
REP_KNOWS = Table(
    "rep_knows",
    EntityKind.REP_KNOWS,
    codec.REP_KNOWS_COLUMNS,
    ("rep_id", "contact_id"),
    codec.encode_rep_knows,
    codec.decode_rep_knows,
)
STAGE_CHANGES = Table(
    "stage_changes",
    EntityKind.STAGE_CHANGE,
    codec.STAGE_CHANGE_COLUMNS,
    ("deal_id", "at"),
    codec.encode_stage_change,
    codec.decode_stage_change,
)
CLOSE_DATE_CHANGES = Table(
    "close_date_changes",
    EntityKind.CLOSE_DATE_CHANGE,
    codec.CLOSE_DATE_CHANGE_COLUMNS,
    ("deal_id", "at"),
    codec.encode_close_date_change,
    codec.decode_close_date_change,
)

REPORTS_TO = IntervalTable(
    "reports_to",
    EntityKind.REPORTS_TO,
    codec.REPORTS_TO_COLUMNS,
    "contact_id",
    codec.encode_reports_to,
    codec.decode_reports_to,
)
INFLUENCES = IntervalTable(
    "influences",
    EntityKind.INFLUENCE,
    codec.INFLUENCE_COLUMNS,
    "influencer_id",
    codec.encode_influence,
    codec.decode_influence,
)
DEAL_ROLES = IntervalTable(
    "deal_roles",
    EntityKind.DEAL_ROLE,
    codec.DEAL_ROLE_COLUMNS,
    "deal_id",
    codec.encode_deal_role,
    codec.decode_deal_role,
)
CONTACT_STATUS = IntervalTable(
    "contact_status",
    EntityKind.CONTACT_STATUS,
    codec.STATUS_COLUMNS,
    "contact_id",
    codec.encode_status,
    codec.decode_status,
)
ACCOUNT_TERRITORY = IntervalTable(
    "account_territory",
    EntityKind.ACCOUNT,
    codec.TERRITORY_COLUMNS,
    "account_id",
    codec.encode_territory,
    codec.decode_territory,
)
"""Not in the change log: the account's own entry shows a move (its ``territory``)."""

STATS_TABLES: tuple[tuple[str, str], ...] = (
    (EntityKind.ACCOUNT.value, "accounts"),
    (EntityKind.CONTACT.value, "contacts"),
    (EntityKind.CONTACT_STATUS.value, "contact_status"),
    (EntityKind.REPORTS_TO.value, "reports_to"),
    (EntityKind.INFLUENCE.value, "influences"),
    (EntityKind.REP.value, "reps"),
    (EntityKind.REP_KNOWS.value, "rep_knows"),
    (EntityKind.DEAL.value, "deals"),
    (EntityKind.STAGE_CHANGE.value, "stage_changes"),
    (EntityKind.CLOSE_DATE_CHANGE.value, "close_date_changes"),
    (EntityKind.DEAL_ROLE.value, "deal_roles"),
    (EntityKind.TOUCHPOINT.value, "touchpoints"),
    ("change_log", "change_log"),
)

ID_TABLES: dict[EntityKind, str] = {
    EntityKind.ACCOUNT: "accounts",
    EntityKind.CONTACT: "contacts",
    EntityKind.REP: "reps",
    EntityKind.DEAL: "deals",
}
