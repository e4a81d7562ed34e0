"""Score sets in Neo4j: ``(:ScoreSet {account_id, as_of})-[:SCORES]->(:Account)``.

Each set holds its account health and band, its contacts' scores as aligned
lists ordered by contact id (``contact_id``, ``influence``, ``brokerage``,
``authority``, ``engagement``, ``contact_health``, ``contact_band``,
``decision_maker``, ``champion``) and its open deals' risks likewise
(``deal_id``, ``risk``, ``factors``: each deal's factors as a JSON object,
code -> points, in name order as on SQLite). Upserting a set sets every list,
so a re-score replaces it whole. Nothing here touches the change log.

Why lists and not a relationship per contact and deal: a portfolio run stores
a set per account after every chunk, and a relationship (with its eight
properties and both endpoints looked up) per scored contact made storing the
scores about as costly as reading the graphs they came from
(``docs/benchmarks.md``). The ids were checked on the way in.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from neo4j import ManagedTransaction

from graphcrm.domain import (
    AccountId,
    AccountScoreSet,
    ContactScoreRecord,
    DealRiskRecord,
    EntityKind,
    ScoreRun,
)
from graphcrm.domain.scores import score_set_problems
from graphcrm.errors import InvalidError, NotFoundError
from graphcrm.store.codec import FAR_FUTURE, decode_score_run, parse_ts, ts
from graphcrm.store.neo4j.lookup import Neo4jLookup
from graphcrm.store.neo4j.queries import Runner, fetch_one, write


def put_scores(tx: ManagedTransaction, sets: Sequence[AccountScoreSet]) -> int:
    """Validate and store ``sets`` inside the write transaction ``tx``."""
    lookup = Neo4jLookup(tx)

    def existing(kind: EntityKind, ids: Collection[str]) -> set[str]:
        return lookup.existing_ids(kind, ids)

    problems = score_set_problems(sets, existing)
    if problems:
        raise InvalidError(problems)
    write(tx, "scores/upsert_score_sets", [encode_score_set(s) for s in sets])
    return len(sets)


def encode_score_set(s: AccountScoreSet) -> dict[str, Any]:
    """A set as its node's properties (see the module docstring)."""
    contacts = sorted(s.contacts, key=lambda c: c.contact_id)
    deals = sorted(s.deals, key=lambda d: d.deal_id)
    return {
        "account_id": s.account_id,
        "as_of": ts(s.as_of),
        "scored_at": ts(s.scored_at),
        "health": float(s.health),
        "band": s.band,
        "contact_id": [c.contact_id for c in contacts],
        # float(): a list property holds one type, and an int would make it mixed
        **{f: [float(getattr(c, f)) for c in contacts] for f in _CONTACT_FLOATS},
        "contact_health": [float(c.health) for c in contacts],
        "contact_band": [c.band for c in contacts],
        "deal_id": [d.deal_id for d in deals],
        "risk": [float(d.score) for d in deals],
        "factors": [json.dumps(d.factors, sort_keys=True) for d in deals],
    }


_CONTACT_FLOATS = (
    "influence",
    "brokerage",
    "authority",
    "engagement",
    "decision_maker",
    "champion",
)


def get_scores(
    tx: ManagedTransaction, account_id: AccountId, *, as_of: datetime | None
) -> AccountScoreSet:
    """The latest set of ``account_id`` with ``as_of`` at or before the bound."""
    bound = FAR_FUTURE if as_of is None else ts(as_of)
    record = fetch_one(tx, "scores/read_score_set", account_id=account_id, t=bound)
    if record is None:
        raise NotFoundError("scores", account_id)
    return decode_score_set(record["set"])


def decode_score_set(p: Mapping[str, Any]) -> AccountScoreSet:
    """A set from its node's properties (:func:`encode_score_set`)."""
    n = len(p["contact_id"])
    contacts = (
        ContactScoreRecord.model_validate(
            {
                "contact_id": p["contact_id"][i],
                **{f: p[f][i] for f in _CONTACT_FLOATS},
                "health": p["contact_health"][i],
                "band": p["contact_band"][i],
            }
        )
        for i in range(n)
    )
    deals = (
        DealRiskRecord(deal_id=d, score=score, factors=json.loads(factors))
        for d, score, factors in zip(p["deal_id"], p["risk"], p["factors"], strict=True)
    )
    return AccountScoreSet(
        account_id=p["account_id"],
        as_of=parse_ts(p["as_of"]),
        scored_at=parse_ts(p["scored_at"]),
        health=p["health"],
        band=p["band"],
        contacts=tuple(sorted(contacts, key=lambda c: c.contact_id)),
        deals=tuple(sorted(deals, key=lambda d: d.deal_id)),
    )


def put_score_run(tx: ManagedTransaction, row: tuple[str, str, str]) -> None:
    """Store one run's record, encoded by :func:`~graphcrm.store.codec.encode_score_run`,
    as ``(:ScoreRun {scored_at, as_of, run})`` (replacing one of the same ``scored_at``)."""
    scored_at, as_of, run = row
    write(tx, "scores/upsert_score_runs", [{"scored_at": scored_at, "as_of": as_of, "run": run}])


def latest_score_run(tx: Runner) -> ScoreRun | None:
    """The run with the latest ``as_of``, then the latest ``scored_at``; None when none."""
    record = fetch_one(tx, "scores/read_latest_score_run")
    return None if record is None else decode_score_run(record["run"])
