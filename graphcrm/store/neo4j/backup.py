"""Dumping and restoring a whole Neo4j store (:class:`~graphcrm.store.dump.StoreDump`).

:func:`dump` runs in one write transaction that first takes the change-log
counter's lock (``backup/lock_change_counter``): every batch takes that lock
before it commits (:func:`~graphcrm.store.neo4j.changelog.append`), so none
commits while the dump reads and the dump is one state of the graph and its
log (Neo4j reads committed data, not a snapshot). The change log is read
through :func:`graphcrm.store.neo4j.changelog.read`, its payloads written back
as the JSON text they were stored as.

:func:`restore` writes with the load's own ``create`` statements
(:mod:`graphcrm.store.neo4j.writer`) and change-log pages
(:mod:`graphcrm.store.neo4j.changelog`), all in the caller's one write
transaction, and sets the change-log counter to the last ``seq``. One
transaction is all or nothing, and bounded by the server's transaction memory
(``docs/operations.md#restore``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pydantic_core
from neo4j import ManagedTransaction

from graphcrm.domain import ChangeLogEntry, Model, PageRequest
from graphcrm.domain.views import MAX_PAGE_SIZE
from graphcrm.errors import ConflictError
from graphcrm.store.codec import LOG_FIELDS, ts
from graphcrm.store.dump import StoredChange, StoreDump, StoredWinModel, stored_change
from graphcrm.store.neo4j import changelog, codec, schema, writer
from graphcrm.store.neo4j import scores as _scores
from graphcrm.store.neo4j import winmodels as _winmodels
from graphcrm.store.neo4j.queries import fetch_one, rows, write

_READS: tuple[tuple[str, str, Callable[[codec.Props], Model]], ...] = (
    ("accounts", "backup/read_accounts", codec.decode_account),
    ("reps", "backup/read_reps", codec.decode_rep),
    ("contacts", "backup/read_contacts", codec.decode_contact),
    ("contact_statuses", "backup/read_contact_statuses", codec.decode_status),
    ("account_territories", "backup/read_account_territories", codec.decode_territory),
    ("reports_to", "backup/read_reporting_lines", codec.decode_reports_to),
    ("influences", "backup/read_influences", codec.decode_influence),
    ("rep_knows", "backup/read_rep_knows", codec.decode_rep_knows),
    ("deals", "backup/read_deals", codec.decode_deal),
    ("stage_changes", "backup/read_stage_changes", codec.decode_stage_change),
    ("close_date_changes", "backup/read_close_date_changes", codec.decode_close_date_change),
    ("deal_roles", "backup/read_deal_roles", codec.decode_deal_role),
    ("touchpoints", "backup/read_touchpoints", codec.decode_touchpoint),
    ("score_sets", "backup/read_score_sets", _scores.decode_score_set),
)


def _payload(value: dict[str, Any] | None) -> str | None:
    """A payload as the JSON text it was stored as: pydantic-core wrote it, and writes
    a parsed copy back byte for byte (key order kept, floats in shortest form)."""
    if value is None:
        return None
    raw: bytes = pydantic_core.to_json(value)
    return raw.decode()


def _stored(e: ChangeLogEntry) -> StoredChange:
    return stored_change(
        e.seq,
        ts(e.at),
        e.actor,
        e.entity.value,
        e.key,
        e.op.value,
        _payload(e.before),
        _payload(e.after),
    )


def read_changes(tx: ManagedTransaction) -> list[StoredChange]:
    """The whole change log, oldest first, through :func:`changelog.read`."""
    out: list[StoredChange] = []
    while True:
        page = changelog.read(
            tx,
            PageRequest(limit=MAX_PAGE_SIZE, offset=len(out)),
            entity=None,
            key=None,
            since_seq=None,
        )
        out.extend(_stored(e) for e in page.items)
        if not page.items or len(out) >= page.total:
            return out


def dump(tx: ManagedTransaction) -> StoreDump:
    """Every row, under the change-log counter's lock (see the module docstring)."""
    fetch_one(tx, "backup/lock_change_counter")
    parts: dict[str, tuple[Model, ...]] = {}
    for kind, name, decode in _READS:
        parts[kind] = tuple(decode(p) for p in rows(tx, name))
    return StoreDump(
        source="neo4j",
        schema_version=schema.VERSION,
        win_models=tuple(
            StoredWinModel(fitted_at=p["fitted_at"], card=p["card"])
            for p in rows(tx, "backup/read_win_models")
        ),
        changes=tuple(read_changes(tx)),
        **parts,  # type: ignore[arg-type]
    )


def is_empty(tx: ManagedTransaction) -> bool:
    record = fetch_one(tx, "backup/count_stored")
    return record is None or not record["stored"]


def restore(tx: ManagedTransaction, d: StoreDump, *, replace: bool, where: str) -> None:
    """Write ``d`` inside ``tx``; refuses a store holding data unless ``replace``, which
    deletes it first in the same transaction."""
    if not is_empty(tx):
        if not replace:
            raise ConflictError(
                f"neo4j store {where} is not empty: restore into an empty store, "
                "or pass replace (graphcrm restore --replace) to delete its data first"
            )
        fetch_one(tx, "backup/delete_stored")
    _create(tx, writer.ACCOUNTS.create, d.accounts, codec.encode_account)
    write(
        tx,
        "accounts/link_account_parents",
        [{"id": a.id, "parent_id": a.parent_id} for a in d.accounts if a.parent_id],
    )
    _create(tx, writer.REPS.create, d.reps, codec.encode_rep)
    _create(tx, writer.CONTACTS.create, d.contacts, codec.encode_contact)
    _create(tx, writer.ACCOUNT_TERRITORY.create, d.account_territories, codec.encode_territory)
    _create(tx, writer.CONTACT_STATUS.create, d.contact_statuses, codec.encode_status)
    _create(tx, writer.DEALS.create, d.deals, codec.encode_deal)
    _create(tx, writer.STAGE_CHANGES.create, d.stage_changes, codec.encode_stage_change)
    _create(
        tx, writer.CLOSE_DATE_CHANGES.create, d.close_date_changes, codec.encode_close_date_change
    )
    _create(tx, writer.TOUCHPOINTS.create, d.touchpoints, codec.encode_touchpoint)
    write(
        tx,
        "touchpoints/link_touchpoint_contacts",
        [{"touchpoint_id": t.id, "contact_id": c} for t in d.touchpoints for c in t.contact_ids],
    )
    _create(tx, writer.REPORTS_TO.create, d.reports_to, codec.encode_reports_to)
    _create(tx, writer.INFLUENCES.create, d.influences, codec.encode_influence)
    _create(tx, writer.REP_KNOWS.create, d.rep_knows, codec.encode_rep_knows)
    _create(tx, writer.DEAL_ROLES.create, d.deal_roles, codec.encode_deal_role)
    write(tx, "scores/upsert_score_sets", [_scores.encode_score_set(s) for s in d.score_sets])
    for w in d.win_models:
        _winmodels.put_win_model(tx, (w.fitted_at, w.card))
    write_changes(tx, d.changes)


def _create(
    tx: ManagedTransaction, name: str, rows_: Sequence[Any], encode: Callable[[Any], dict[str, Any]]
) -> None:
    write(tx, name, [encode(r) for r in rows_])


def write_changes(tx: ManagedTransaction, changes: Sequence[StoredChange]) -> None:
    """Store entries with their own ``seq`` (pages of consecutive entries of one time
    and actor, as the version-2 migration writes them) and set the counter to the last."""
    entries = [{"seq": c.seq, **dict(zip(LOG_FIELDS, c.record(), strict=True))} for c in changes]
    page_rows: list[dict[str, Any]] = []
    for first, records in schema._runs(entries):
        page_rows.extend(changelog.pages(records, first))
    changelog.write_entries(tx, page_rows, changelog.keys((c.key, c.seq) for c in changes))
    last = max((c.seq for c in changes), default=0)
    fetch_one(tx, "backup/write_change_counter", last=last)
