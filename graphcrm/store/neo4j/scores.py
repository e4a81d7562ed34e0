"""Score sets in Neo4j: ``(:ScoreSet {account_id, as_of})-[:SCORES]->(:Account)``.

Each set holds its account health; per contact a ``SCORED`` relationship to the
contact and per open deal a ``RISK`` relationship to the deal (the factors as a
JSON object, code -> points). Upserting a set deletes its old ``SCORED`` and
``RISK`` relationships first, so a re-score replaces it whole. Nothing here
touches the change log.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from neo4j import ManagedTransaction

from graphcrm.domain import (
    AccountId,
    AccountScoreSet,
    ContactScoreRecord,
    DealRiskRecord,
    EntityKind,
)
from graphcrm.domain.scores import score_set_problems
from graphcrm.errors import InvalidError, NotFoundError
from graphcrm.store.codec import FAR_FUTURE, parse_ts, ts
from graphcrm.store.neo4j.lookup import Neo4jLookup
from graphcrm.store.neo4j.queries import fetch_one, write


def put_scores(tx: ManagedTransaction, sets: Sequence[AccountScoreSet]) -> int:
    """Validate and store ``sets`` inside the write transaction ``tx``."""
    lookup = Neo4jLookup(tx)

    def existing(kind: EntityKind, ids: Collection[str]) -> set[str]:
        return lookup.existing_ids(kind, ids)

    problems = score_set_problems(sets, existing)
    if problems:
        raise InvalidError(problems)
    heads: list[dict[str, Any]] = []
    contacts: list[dict[str, Any]] = []
    deals: list[dict[str, Any]] = []
    for s in sets:
        key = {"account_id": s.account_id, "as_of": ts(s.as_of)}
        heads.append({**key, "scored_at": ts(s.scored_at), "health": s.health, "band": s.band})
        contacts.extend({**key, **c.model_dump(mode="json")} for c in s.contacts)
        deals.extend(
            {**key, "deal_id": d.deal_id, "score": d.score, "factors": json.dumps(d.factors)}
            for d in s.deals
        )
    write(tx, "scores/upsert_score_sets", heads)
    write(tx, "scores/create_contact_scores", contacts)
    write(tx, "scores/create_deal_risks", deals)
    return len(sets)


def get_scores(
    tx: ManagedTransaction, account_id: AccountId, *, as_of: datetime | None
) -> AccountScoreSet:
    """The latest set of ``account_id`` with ``as_of`` at or before the bound."""
    bound = FAR_FUTURE if as_of is None else ts(as_of)
    record = fetch_one(tx, "scores/read_score_set", account_id=account_id, t=bound)
    if record is None:
        raise NotFoundError("scores", account_id)
    head = record["head"]
    return AccountScoreSet(
        account_id=account_id,
        as_of=parse_ts(head["as_of"]),
        scored_at=parse_ts(head["scored_at"]),
        health=head["health"],
        band=head["band"],
        contacts=tuple(
            sorted(
                (ContactScoreRecord.model_validate(dict(c)) for c in record["contacts"]),
                key=lambda c: c.contact_id,
            )
        ),
        deals=tuple(
            sorted(
                (
                    DealRiskRecord(
                        deal_id=d["deal_id"], score=d["score"], factors=json.loads(d["factors"])
                    )
                    for d in record["deals"]
                ),
                key=lambda d: d.deal_id,
            )
        ),
    )
