"""Erasing a person from a Neo4j store (:mod:`graphcrm.store.erasure` says what goes).

Runs inside the caller's one write transaction. The change log is read through
:func:`graphcrm.store.neo4j.changelog.read` and rewritten entry by entry with
``erase/update_change_payloads``, which knows the page layout of
:mod:`graphcrm.store.neo4j.changelog` (entry ``seq`` is item ``seq - page.seq``
of the page's ``before`` and ``after`` lists, a missing payload stored as
``""``); the entry logging the erasure is appended by
:func:`~graphcrm.store.neo4j.changelog.append`.
"""

from __future__ import annotations

from datetime import datetime

from neo4j import ManagedTransaction

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
from graphcrm.store.neo4j import changelog, codec, reads
from graphcrm.store.neo4j.backup import read_changes
from graphcrm.store.neo4j.queries import fetch_one, rows, write


def erase_contact(
    tx: ManagedTransaction, contact_id: ContactId, *, actor: str, at: datetime
) -> Erasure:
    """Erase the contact's personal data everywhere in the store; raises NotFoundError."""
    contact = reads.get_contact(tx, contact_id, as_of=None)
    own: list[str] = rows(tx, "erase/read_contact_touchpoints", id=contact_id)
    plan = plan_erasure(contact, own)
    write(tx, "erase/update_contacts", [codec.encode_contact(anonymised(contact, plan))])
    write(tx, "erase/update_touchpoint_summaries", [{"id": t, "text": ""} for t in own])
    texts = 0
    found = fetch_one(tx, "erase/read_free_texts", values=list(plan.values))
    if found is not None:
        for name, field in (
            ("erase/update_touchpoint_summaries", "touchpoints"),
            ("erase/update_loss_reasons", "deals"),
        ):
            changed = [
                {"id": r["id"], "text": new}
                for r in found[field]
                if (new := scrub_text(r["text"], plan)) != r["text"]
            ]
            write(tx, name, changed)
            texts += len(changed)
    rewritten = 0
    for entry in read_changes(tx):
        before = scrub_payload(entry.entity.value, entry.key, entry.before, plan)
        after = scrub_payload(entry.entity.value, entry.key, entry.after, plan)
        if (before, after) != (entry.before, entry.after):
            row = {"seq": entry.seq, "before": before or "", "after": after or ""}
            write(tx, "erase/update_change_payloads", [row])
            rewritten += 1
    record = erasure_record(
        plan, at=ts(at), actor=actor, touchpoints=len(own), texts=texts, changes=rewritten
    )
    changelog.append(tx, [record])
    counter = fetch_one(tx, "backup/lock_change_counter")
    seq = int(counter["last"]) if counter is not None else 0
    return Erasure(
        contact_id=contact_id,
        name=plan.name,
        touchpoints=len(own),
        texts=texts,
        changes=rewritten,
        seq=seq,
        at=at,
    )
