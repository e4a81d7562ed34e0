"""Scores written back to the store: derived data, stamped with the instant they describe.

A :class:`AccountScoreSet` is one account scored as of one instant: the
account's relationship health, every active contact's scores and every open
deal's risk (``docs/scoring.md``). Sets are keyed by ``(account_id, as_of)``:
storing a set again for the same key replaces it (re-scoring is idempotent),
sets for other instants are kept (history). ``scored_at`` says when the
computation ran. Scores are not facts, so they are not in the change log
(``docs/data-model.md``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from graphcrm.domain.base import Model, UtcDatetime
from graphcrm.domain.changes import EntityKind
from graphcrm.domain.ids import AccountId, ContactId, DealId
from graphcrm.errors import Problem

Score = Annotated[float, Field(allow_inf_nan=False)]
Unit = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
Points = Annotated[float, Field(ge=0.0, le=100.0, allow_inf_nan=False)]
SignedPoints = Annotated[float, Field(ge=-100.0, le=100.0, allow_inf_nan=False)]
Band = Literal["good", "fair", "poor"]
"""A relationship-health band (``graphcrm.analytics.HealthBand`` values)."""


class ContactScoreRecord(Model):
    """The deal-independent scores of one active contact (``docs/scoring.md`` §2)."""

    contact_id: ContactId
    influence: Unit
    """PageRank in the direction influence flows (sums to 1 over the account)."""
    brokerage: Unit
    authority: Unit
    engagement: Unit
    health: Points
    band: Band
    decision_maker: Unit
    """Account-wide decision-maker score (a ranking in [0, 1], not a probability)."""
    champion: Annotated[float, Field(ge=-1.0, le=1.0, allow_inf_nan=False)]
    """Champion strength on the open deal where it is largest in size (0 without a seat)."""


class DealRiskRecord(Model):
    """One open deal's risk under the win model (``docs/scoring.md`` §4): ``score =
    100 × (1 - P(win))`` and each group of factors' points of risk.

    ``score - Σ factors`` is the stage's baseline risk ``100 × (1 - P0)`` (all in
    hundredths). Sets scored before risk became a display of the win model hold the
    old hand-weighted points by rule code instead (0-100 each); the shape is the same.
    """

    deal_id: DealId
    score: Points
    factors: dict[str, SignedPoints] = Field(default_factory=dict)
    """Group (``champion``, ``economic_buyer``, ...) -> points of risk: positive raise
    it, negative lower it."""


class AccountScoreSet(Model):
    """One account scored as of ``as_of``; keyed by ``(account_id, as_of)``."""

    account_id: AccountId
    as_of: UtcDatetime
    scored_at: UtcDatetime
    health: Points
    """Account relationship health, 0-100."""
    band: Band
    contacts: tuple[ContactScoreRecord, ...] = ()
    deals: tuple[DealRiskRecord, ...] = ()

    @model_validator(mode="after")
    def _unique_rows(self) -> Self:
        for what, keys in (
            ("contact_id", [c.contact_id for c in self.contacts]),
            ("deal_id", [d.deal_id for d in self.deals]),
        ):
            if len(set(keys)) != len(keys):
                raise ValueError(f"a {what} appears twice in the score set")
        return self


class ScoreRun(Model):
    """The record of one finished scoring run of the portfolio (``docs/operations.md``,
    "Incremental scoring"); keyed by ``scored_at``.

    A full run scored every account as of ``as_of``; an incremental one only the
    accounts that the change-log entries after its predecessor's ``changes``
    concern, and every other account keeps its latest set, as of an earlier
    instant no older than ``oldest_as_of`` (the as-of of the last full run).
    """

    as_of: UtcDatetime
    scored_at: UtcDatetime
    """The wall-clock time of the run: the ``scored_at`` of the sets it wrote."""
    changes: Annotated[int, Field(ge=0)]
    """The change log's latest sequence number when the run started: its reads saw
    every entry up to it."""
    accounts: Annotated[int, Field(ge=0)]
    """Accounts scored by the run."""
    full: bool
    oldest_as_of: UtcDatetime
    """The earliest ``as_of`` of an account's latest set after the run (``as_of`` for
    a full run)."""
    settings: Annotated[str, Field(min_length=1, max_length=200)]
    """A digest of the analytics parameters and seed the run scored with."""

    @model_validator(mode="after")
    def _oldest_first(self) -> Self:
        if self.oldest_as_of > self.as_of or (self.full and self.oldest_as_of != self.as_of):
            raise ValueError("oldest_as_of is as_of for a full run, never later than it")
        return self


ExistingIds = Callable[[EntityKind, Collection[str]], set[str]]
"""``existing(kind, ids)``: the subset of ``ids`` the store holds."""


def score_set_problems(sets: Sequence[AccountScoreSet], existing: ExistingIds) -> list[Problem]:
    """What is wrong with a batch of score sets: repeated keys and unknown ids.

    Both adapters call this before writing anything (the batch is all or nothing).
    """
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for s in sets:
        key = (s.account_id, s.as_of.isoformat())
        if key in seen:
            problems.append(
                Problem(f"scores[{s.account_id}, {key[1]}]", "as_of", "repeated in the batch")
            )
        seen.add(key)
    wanted: dict[EntityKind, set[str]] = {
        EntityKind.ACCOUNT: {s.account_id for s in sets},
        EntityKind.CONTACT: {c.contact_id for s in sets for c in s.contacts},
        EntityKind.DEAL: {d.deal_id for s in sets for d in s.deals},
    }
    for kind, ids in wanted.items():
        if ids:
            for missing in sorted(ids - existing(kind, ids)):
                problems.append(Problem(f"scores.{kind.value}", "id", f"unknown {missing!r}"))
    return problems
