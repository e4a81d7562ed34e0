"""Erasing a person from a SQLite store (:mod:`graphcrm.store.erasure` says what goes).

Runs inside the caller's ``BEGIN IMMEDIATE`` transaction: the contact, the free
texts, the change-log payloads and the entry logging the erasure are written
together or not at all.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from graphcrm.domain import ContactId
from graphcrm.domain.personal import Erasure
from graphcrm.store.codec import ts
from graphcrm.store.erasure import (
    anonymised,
    erasure_record,
    plan_erasure,
    scrub_payload,
    scrub_text,
)
from graphcrm.store.sqlite import reads, tables
from graphcrm.store.sqlite.codec import ids_param

_LOG = (
    "INSERT INTO change_log (at, actor, entity, key, op, before, after) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def erase_contact(
    conn: sqlite3.Connection, contact_id: ContactId, *, actor: str, at: datetime
) -> Erasure:
    """Erase the contact's personal data everywhere in the store; raises NotFoundError."""
    contact = reads.get_contact(conn, contact_id, as_of=None)
    own = [
        r[0]
        for r in conn.execute(
            "SELECT touchpoint_id FROM touchpoint_contacts WHERE contact_id = ?", (contact_id,)
        )
    ]
    plan = plan_erasure(contact, own)
    conn.execute(tables.CONTACTS.upsert_sql, tables.CONTACTS.encode(anonymised(contact, plan)))
    conn.execute(
        "UPDATE touchpoints SET summary = '' WHERE id IN (SELECT value FROM json_each(?))",
        (ids_param(own),),
    )
    values = ids_param(plan.values)
    texts = 0
    for table, column in (("touchpoints", "summary"), ("deals", "loss_reason")):
        found = conn.execute(
            f"SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL AND EXISTS "  # noqa: S608
            f"(SELECT 1 FROM json_each(?) WHERE instr({table}.{column}, value) > 0)",
            (values,),
        ).fetchall()
        updates = [(scrub_text(text, plan), key) for key, text in found]
        changed = [
            (new, key) for (new, key), (_, old) in zip(updates, found, strict=True) if new != old
        ]
        conn.executemany(
            f"UPDATE {table} SET {column} = ? WHERE id = ?",  # noqa: S608 - constant names
            changed,
        )
        texts += len(changed)
    candidates = conn.execute(
        "SELECT seq, entity, key, before, after FROM change_log "
        "WHERE (entity = 'contact' AND key = ?) "
        "OR (entity = 'touchpoint' AND key IN (SELECT value FROM json_each(?))) "
        "OR EXISTS (SELECT 1 FROM json_each(?) "
        "WHERE instr(change_log.before, value) > 0 OR instr(change_log.after, value) > 0)",
        (contact_id, ids_param(own), ids_param(plan.needles)),
    ).fetchall()
    rewritten = []
    for seq, entity, key, before, after in candidates:
        new_before = scrub_payload(entity, key, before, plan)
        new_after = scrub_payload(entity, key, after, plan)
        if (new_before, new_after) != (before, after):
            rewritten.append((new_before, new_after, seq))
    conn.executemany("UPDATE change_log SET before = ?, after = ? WHERE seq = ?", rewritten)
    when = ts(at)
    record = erasure_record(
        plan,
        at=when,
        actor=actor,
        touchpoints=len(own),
        texts=texts,
        changes=len(rewritten),
    )
    cursor = conn.execute(_LOG, record)
    seq = cursor.lastrowid
    if seq is None:  # pragma: no cover - an INSERT into a rowid table always has one
        raise RuntimeError("the erasure's change-log entry has no seq")
    return Erasure(
        contact_id=contact_id,
        name=plan.name,
        touchpoints=len(own),
        texts=texts,
        changes=len(rewritten),
        seq=seq,
        at=at,
    )
