"""Writing one validated batch inside the open write transaction, with its change log.

The order of the writes, the change detection and the change-log payloads are
those of the SQLite store, so both stores log the same entries in the same order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from neo4j import ManagedTransaction

from graphcrm.domain import (
    Account,
    ApplyResult,
    ChangeSet,
    Deal,
    EntityKind,
    Model,
    Temporal,
    Touchpoint,
)
from graphcrm.store.codec import ChangeLog, ts
from graphcrm.store.intervals import IntervalPlan, deal_history
from graphcrm.store.neo4j import changelog, codec
from graphcrm.store.neo4j.lookup import NOTHING_NEW, New
from graphcrm.store.neo4j.queries import rows_by_ids, write
from graphcrm.store.validation import Plan

M = TypeVar("M", bound=Model)
T = TypeVar("T", bound=Temporal)


@dataclass(frozen=True, slots=True)
class Upsert(Generic[M]):
    """A kind of plain upsert: stored rows are read by the first ``key`` field.

    ``create`` writes the rows the read proved new (plain ``CREATE``: no
    locking ``MERGE`` and no relationship check), ``write`` the updated ones.
    ``unlink``, when set, drops the outgoing structural relationships of the
    rows that are updated (by ``id``) before ``write`` runs, so the write (or a
    later link step) can lay them anew. ``new_with`` names the fields whose
    object, when the batch creates it (:class:`~graphcrm.store.neo4j.lookup.New`),
    makes the row new too: its stored version is not read.
    """

    entity: EntityKind
    read: str
    create: str
    write: str
    key: tuple[str, ...]
    encode: Callable[[M], dict[str, Any]]
    decode: Callable[[codec.Props], M]
    new_with: tuple[tuple[str, EntityKind], ...]
    unlink: str | None = None


@dataclass(frozen=True, slots=True)
class Intervals(Generic[T]):
    """A kind of time-stamped row: insert and close queries."""

    entity: EntityKind
    create: str
    close: str
    encode: Callable[[T], dict[str, Any]]


ACCOUNTS = Upsert(
    EntityKind.ACCOUNT,
    "accounts/read_accounts",
    "accounts/create_accounts",
    "accounts/upsert_accounts",
    ("id",),
    codec.encode_account,
    codec.decode_account,
    (("id", EntityKind.ACCOUNT),),
    unlink="accounts/unlink_account_parents",
)
REPS = Upsert(
    EntityKind.REP,
    "reps/read_reps",
    "reps/create_reps",
    "reps/upsert_reps",
    ("id",),
    codec.encode_rep,
    codec.decode_rep,
    (("id", EntityKind.REP),),
)
CONTACTS = Upsert(
    EntityKind.CONTACT,
    "contacts/read_contacts",
    "contacts/create_contacts",
    "contacts/upsert_contacts",
    ("id",),
    codec.encode_contact,
    codec.decode_contact,
    (("id", EntityKind.CONTACT),),
    unlink="contacts/unlink_contact_accounts",
)
DEALS = Upsert(
    EntityKind.DEAL,
    "deals/read_deals",
    "deals/create_deals",
    "deals/upsert_deals",
    ("id",),
    codec.encode_deal,
    codec.decode_deal,
    (("id", EntityKind.DEAL),),
    unlink="deals/unlink_deal_accounts",
)
TOUCHPOINTS = Upsert(
    EntityKind.TOUCHPOINT,
    "touchpoints/read_touchpoints",
    "touchpoints/create_touchpoints",
    "touchpoints/upsert_touchpoints",
    ("id",),
    codec.encode_touchpoint,
    codec.decode_touchpoint,
    (("id", EntityKind.TOUCHPOINT),),
    unlink="touchpoints/unlink_touchpoint_participants",
)
REP_KNOWS = Upsert(
    EntityKind.REP_KNOWS,
    "edges/read_rep_knows",
    "edges/create_rep_knows",
    "edges/upsert_rep_knows",
    ("rep_id", "contact_id"),
    codec.encode_rep_knows,
    codec.decode_rep_knows,
    (("rep_id", EntityKind.REP), ("contact_id", EntityKind.CONTACT)),
)
STAGE_CHANGES = Upsert(
    EntityKind.STAGE_CHANGE,
    "deals/read_stage_changes",
    "deals/create_stage_changes",
    "deals/upsert_stage_changes",
    ("deal_id", "at"),
    codec.encode_stage_change,
    codec.decode_stage_change,
    (("deal_id", EntityKind.DEAL),),
)
CLOSE_DATE_CHANGES = Upsert(
    EntityKind.CLOSE_DATE_CHANGE,
    "deals/read_close_date_changes",
    "deals/create_close_date_changes",
    "deals/upsert_close_date_changes",
    ("deal_id", "at"),
    codec.encode_close_date_change,
    codec.decode_close_date_change,
    (("deal_id", EntityKind.DEAL),),
)

CONTACT_STATUS = Intervals(
    EntityKind.CONTACT_STATUS,
    "contacts/create_contact_statuses",
    "contacts/close_contact_statuses",
    codec.encode_status,
)
ACCOUNT_TERRITORY = Intervals(
    EntityKind.ACCOUNT,
    "accounts/create_account_territories",
    "accounts/close_account_territories",
    codec.encode_territory,
)
"""Not in the change log: the account's own entry shows a move (its ``territory``)."""
REPORTS_TO = Intervals(
    EntityKind.REPORTS_TO,
    "edges/create_reporting_lines",
    "edges/close_reporting_lines",
    codec.encode_reports_to,
)
INFLUENCES = Intervals(
    EntityKind.INFLUENCE,
    "edges/create_influences",
    "edges/close_influences",
    codec.encode_influence,
)
DEAL_ROLES = Intervals(
    EntityKind.DEAL_ROLE,
    "edges/create_deal_roles",
    "edges/close_deal_roles",
    codec.encode_deal_role,
)


def _same(stored: codec.Props, new: dict[str, Any]) -> bool:
    """Whether the stored properties equal the encoded row (a missing property is null),
    leaving out those derived from the others (:data:`~codec.DERIVED`): stored by an
    older graphcrm they may differ (an ``id_ord`` equal to the id) for the same row."""
    return all(stored.get(k) == v for k, v in new.items() if k not in codec.DERIVED)


class _Batch:
    """Writes the batch's rows; its :class:`ChangeLog` records and counts them."""

    def __init__(self, tx: ManagedTransaction, *, actor: str, at: datetime, new: New) -> None:
        self.tx = tx
        self.log = ChangeLog(actor=actor, at=at)
        self.new = new

    # --- plain upserts ---------------------------------------------------------

    def upsert(self, spec: Upsert[M], rows: Sequence[M]) -> list[tuple[M, M | None]]:
        """Upsert ``rows``; return the changed ones with their stored version (None: new)."""
        if not rows:
            return []
        first = spec.key[0]
        encoded = [spec.encode(r) for r in rows]
        new = self.new
        wanted = sorted(
            {p[first] for p in encoded if not any((kind, p[f]) in new for f, kind in spec.new_with)}
        )
        stored: dict[tuple[Any, ...], codec.Props] = {}
        for props in rows_by_ids(self.tx, spec.read, wanted):
            stored[tuple(props.get(k) for k in spec.key)] = props
        params, changed = self.log.upserted(
            spec.entity,
            rows,
            encoded,
            stored,
            lambda p: tuple(p[k] for k in spec.key),
            _same,
            spec.decode,
        )
        # params and changed are aligned: a row is new when it had no stored version.
        created = [p for p, (_, old) in zip(params, changed, strict=True) if old is None]
        updated = [p for p, (_, old) in zip(params, changed, strict=True) if old is not None]
        if spec.unlink is not None:
            write(self.tx, spec.unlink, [{"id": p["id"]} for p in updated])
        write(self.tx, spec.create, created)
        write(self.tx, spec.write, updated)
        return changed

    # --- intervals ---------------------------------------------------------------

    def intervals(self, spec: Intervals[T], plan: IntervalPlan[T], *, log: bool = True) -> None:
        """Close and insert intervals; rows without ``valid_from`` start at ``plan.at``;
        ``log``: record them in the change log."""
        if plan.closes:
            write(
                self.tx,
                spec.close,
                [
                    {"ref": c.ref, "valid_to": ts(c.after.valid_to)}
                    for c in plan.closes
                    if c.after.valid_to
                ],
            )
        if plan.inserts:
            start = ts(plan.at)
            params = [spec.encode(r) for r in plan.inserts]
            for p in params:
                if p["valid_from"] is None:
                    p["valid_from"] = start
            write(self.tx, spec.create, params)
        if log:
            self.log.planned(spec.entity, plan)

    # --- derived rows ------------------------------------------------------------------

    def account_parents(self, changed: list[tuple[Account, Account | None]]) -> None:
        """Point ``CHILD_OF`` at each changed account's parent (updated ones were unlinked)."""
        rows = [{"id": a.id, "parent_id": a.parent_id} for a, _ in changed if a.parent_id]
        write(self.tx, "accounts/link_account_parents", rows)

    def participants(self, changed: list[tuple[Touchpoint, Touchpoint | None]]) -> None:
        """Link changed touchpoints to their contacts (updated ones were unlinked). Their
        reps are the ``rep_ids`` property: no read follows a touchpoint to a rep."""
        write(
            self.tx,
            "touchpoints/link_touchpoint_contacts",
            [{"touchpoint_id": t.id, "contact_id": c} for t, _ in changed for c in t.contact_ids],
        )

    def deal_history(
        self, cs: ChangeSet, changed: list[tuple[Deal, Deal | None]], at: datetime
    ) -> None:
        stages, closes = deal_history(cs, changed, at)
        self.upsert(STAGE_CHANGES, stages)
        self.upsert(CLOSE_DATE_CHANGES, closes)

    def flush_log(self) -> None:
        """Append the batch's change log, last: its sequence numbers are taken then."""
        changelog.append(self.tx, self.log.records)


def write_batch(
    tx: ManagedTransaction,
    cs: ChangeSet,
    plan: Plan,
    *,
    actor: str,
    at: datetime,
    new: New = NOTHING_NEW,
) -> ApplyResult:
    """Write a validated batch inside ``tx``; the caller owns the transaction. ``new``:
    the batch's objects this transaction found not stored (their stored rows are not read)."""
    b = _Batch(tx, actor=actor, at=at, new=new)
    b.account_parents(b.upsert(ACCOUNTS, cs.accounts))
    b.intervals(ACCOUNT_TERRITORY, plan.territories, log=False)
    b.upsert(REPS, cs.reps)
    b.upsert(CONTACTS, cs.contacts)
    b.intervals(CONTACT_STATUS, plan.statuses)
    b.deal_history(cs, b.upsert(DEALS, cs.deals), at)
    b.participants(b.upsert(TOUCHPOINTS, cs.touchpoints))
    b.intervals(REPORTS_TO, plan.reports_to)
    b.intervals(INFLUENCES, plan.influences)
    b.upsert(REP_KNOWS, cs.rep_knows)
    b.intervals(DEAL_ROLES, plan.deal_roles)
    b.flush_log()
    return b.log.result()
