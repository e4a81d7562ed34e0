"""A whole store as raw rows: what a backup holds and a restore writes. Pure: no I/O.

A :class:`StoreDump` is every stored row of one consistent snapshot, in the
store-independent shapes both adapters already read and write: the domain
models (a contact without its status, which lives in its
:class:`~graphcrm.store.intervals.ContactStatusSpan` intervals; time-stamped
rows with their ``valid_from`` and ``valid_to``), score sets whole, win-model
cards as the JSON text the stores keep, and change-log entries with their
``seq`` and payloads as stored text. Nothing is derived again on the way: a
restore writes the intervals, stage and close-date histories and change log
it is given, so the restored store reads exactly as the source did.

:func:`row_json` is each row's JSON object (the backup file's ``row``),
:func:`parse_row` the way back, and :func:`fingerprint` the SHA-256 of the
sorted canonical lines of every row: equal fingerprints mean equal stores,
whichever adapters hold them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator

from graphcrm.domain import (
    Account,
    AccountScoreSet,
    ChangeOp,
    CloseDateChange,
    Contact,
    Deal,
    DealRole,
    EntityKind,
    Influence,
    Model,
    Rep,
    RepKnows,
    ReportsTo,
    StageChange,
    TerritorySpan,
    Touchpoint,
)
from graphcrm.domain.construct import construct
from graphcrm.errors import InvalidError, Problem
from graphcrm.store.codec import ENTITY, OP, LogRecord, parse_ts, role_values, ts
from graphcrm.store.intervals import ContactStatusSpan

StoreKind = Literal["sqlite", "neo4j"]


def _json_object(text: str | None) -> str | None:
    if text is not None and not isinstance(json.loads(text), dict):
        raise ValueError("not a JSON object")
    return text


class StoredChange(Model):
    """One change-log entry as stored: its ``seq`` and the payloads as JSON text."""

    seq: int = Field(ge=1)
    at: str
    actor: str
    entity: EntityKind
    key: str
    op: ChangeOp
    before: str | None = None
    after: str | None = None

    @field_validator("at")
    @classmethod
    def _instant(cls, value: str) -> str:
        if ts(parse_ts(value)) != value:
            raise ValueError("not a stored UTC instant (YYYY-MM-DDTHH:MM:SS.ffffffZ)")
        return value

    @field_validator("before", "after")
    @classmethod
    def _payload(cls, value: str | None) -> str | None:
        try:
            return _json_object(value)
        except ValueError as e:
            raise ValueError(f"payload is not a JSON object: {e}") from None

    def record(self) -> LogRecord:
        """The entry as the adapters' change-log writers take it (without ``seq``)."""
        return (
            self.at,
            self.actor,
            self.entity.value,
            self.key,
            self.op.value,
            self.before,
            self.after,
        )


def stored_change(
    seq: int,
    at: str,
    actor: str,
    entity: str,
    key: str,
    op: str,
    before: str | None,
    after: str | None,
) -> StoredChange:
    """A :class:`StoredChange` from a store's own values, unvalidated (trusted rows)."""
    return construct(
        StoredChange,
        {
            "seq": seq,
            "at": at,
            "actor": actor,
            "entity": ENTITY[entity],
            "key": key,
            "op": OP[op],
            "before": before,
            "after": after,
        },
    )


class StoredWinModel(Model):
    """A win-model card as stored: its ``fitted_at`` key and the card's JSON text."""

    fitted_at: str
    card: str


@dataclass(frozen=True, slots=True)
class StoreDump:
    """Every row of a store, read in one snapshot (see the module docstring)."""

    source: StoreKind
    schema_version: int
    accounts: tuple[Account, ...] = ()
    reps: tuple[Rep, ...] = ()
    contacts: tuple[Contact, ...] = ()
    contact_statuses: tuple[ContactStatusSpan, ...] = ()
    account_territories: tuple[TerritorySpan, ...] = ()
    reports_to: tuple[ReportsTo, ...] = ()
    influences: tuple[Influence, ...] = ()
    rep_knows: tuple[RepKnows, ...] = ()
    deals: tuple[Deal, ...] = ()
    stage_changes: tuple[StageChange, ...] = ()
    close_date_changes: tuple[CloseDateChange, ...] = ()
    deal_roles: tuple[DealRole, ...] = ()
    touchpoints: tuple[Touchpoint, ...] = ()
    score_sets: tuple[AccountScoreSet, ...] = ()
    win_models: tuple[StoredWinModel, ...] = ()
    changes: tuple[StoredChange, ...] = ()

    def counts(self) -> dict[str, int]:
        """Rows per kind, in :data:`KINDS` order."""
        return {kind: len(getattr(self, kind)) for kind in KINDS}

    def rows(self) -> Iterator[tuple[str, Model]]:
        """``(kind, row)`` for every row, kind by kind in :data:`KINDS` order."""
        for kind in KINDS:
            for row in getattr(self, kind):
                yield kind, row

    def is_empty(self) -> bool:
        return not any(self.counts().values())


ROW_TYPES: dict[str, type[Model]] = {
    "accounts": Account,
    "reps": Rep,
    "contacts": Contact,
    "contact_statuses": ContactStatusSpan,
    "account_territories": TerritorySpan,
    "reports_to": ReportsTo,
    "influences": Influence,
    "rep_knows": RepKnows,
    "deals": Deal,
    "stage_changes": StageChange,
    "close_date_changes": CloseDateChange,
    "deal_roles": DealRole,
    "touchpoints": Touchpoint,
    "score_sets": AccountScoreSet,
    "win_models": StoredWinModel,
    "changes": StoredChange,
}
"""Each kind of row and its model, in the order a restore writes them."""

KINDS: tuple[str, ...] = tuple(ROW_TYPES)

if set(KINDS) != {f.name for f in fields(StoreDump)} - {"source", "schema_version"}:
    raise RuntimeError("ROW_TYPES must name every row field of StoreDump")  # pragma: no cover

_CONTACT_STATUS = {"status", "status_from"}

EARLIEST = datetime(1, 1, 1, tzinfo=UTC)
"""The start given to a territory whose account's creation is not known."""


def with_territory_spans(dump: StoreDump) -> StoreDump:
    """``dump`` with an open territory interval for each account when it holds none (a
    backup from before territories were intervals): from the account's first change-log
    entry, or :data:`EARLIEST`; as the stores' migrations do."""
    if dump.account_territories or not dump.accounts:
        return dump
    first: dict[str, datetime] = {}
    for c in dump.changes:
        if c.entity is EntityKind.ACCOUNT and c.key not in first:
            first[c.key] = parse_ts(c.at)
    spans = tuple(
        TerritorySpan(account_id=a.id, territory=a.territory, valid_from=first.get(a.id, EARLIEST))
        for a in dump.accounts
    )
    return replace(dump, account_territories=spans)


def row_json(kind: str, row: Model) -> dict[str, Any]:
    """``row`` as a JSON object, the same for equal rows whichever store read them:
    a contact leaves out its status (kept as intervals), a deal role's roles are
    sorted, a score set's contacts and deals are in id order."""
    if kind == "contacts":
        return row.model_dump(mode="json", exclude=_CONTACT_STATUS)
    values = row.model_dump(mode="json")
    if isinstance(row, DealRole):
        values["roles"] = role_values(row.roles)
    elif isinstance(row, AccountScoreSet):
        values["contacts"].sort(key=lambda c: c["contact_id"])
        values["deals"].sort(key=lambda d: d["deal_id"])
    return values


def parse_row(kind: str, values: object) -> Model:
    """The row of ``kind`` from its :func:`row_json` object; raises ValueError (naming
    the field) or KeyError (an unknown kind)."""
    cls = ROW_TYPES[kind]
    try:
        return cls.model_validate(values)
    except ValidationError as e:
        first = e.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "(row)"
        raise ValueError(f"{where}: {first['msg']}") from None


def canonical(kind: str, row: Model) -> str:
    """One line of the fingerprint: the kind and the row, keys sorted, compact."""
    return json.dumps(
        {"kind": kind, "row": row_json(kind, row)},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )


def fingerprint(dump: StoreDump) -> str:
    """SHA-256 (hex) of the sorted :func:`canonical` lines of every row of ``dump``:
    every object, interval, score set, card and change-log entry; not the source kind
    nor its schema version."""
    digest = hashlib.sha256()
    for line in sorted(canonical(kind, row) for kind, row in dump.rows()):
        digest.update(line.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def reference_problems(dump: StoreDump) -> list[Problem]:
    """Rows naming an account, contact, rep or deal the dump does not hold (a restore
    would write dangling references): at most 50, each naming kind and row."""
    accounts: set[str] = {a.id for a in dump.accounts}
    contacts: set[str] = {c.id for c in dump.contacts}
    reps: set[str] = {r.id for r in dump.reps}
    deals: set[str] = {d.id for d in dump.deals}
    known: dict[str, set[str]] = {
        "account_id": accounts,
        "parent_id": accounts,
        "contact_id": contacts,
        "manager_id": contacts,
        "influencer_id": contacts,
        "influenced_id": contacts,
        "rep_id": reps,
        "owner_id": reps,
        "deal_id": deals,
    }
    problems: list[Problem] = []
    checked = (k for k in KINDS if k not in {"win_models", "changes", "score_sets"})
    for kind in checked:
        for i, row in enumerate(getattr(dump, kind)):
            values = row.__dict__
            for name, ids in known.items():
                ref = values.get(name)
                if ref is not None and ref not in ids:
                    problems.append(Problem("backup", f"{kind}[{i}].{name}", f"unknown {ref!r}"))
            for name, ids in (("contact_ids", contacts), ("rep_ids", reps)):
                for ref in values.get(name) or ():
                    if ref not in ids:
                        problems.append(
                            Problem("backup", f"{kind}[{i}].{name}", f"unknown {ref!r}")
                        )
            if len(problems) >= 50:
                return problems
    for i, s in enumerate(dump.score_sets):
        if s.account_id not in accounts:
            problems.append(
                Problem("backup", f"score_sets[{i}].account_id", f"unknown {s.account_id!r}")
            )
    return problems[:50]


def check_references(dump: StoreDump) -> None:
    """Raise :class:`InvalidError` with :func:`reference_problems`, if any."""
    problems = reference_problems(dump)
    if problems:
        raise InvalidError(problems)
