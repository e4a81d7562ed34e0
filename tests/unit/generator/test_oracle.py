"""The oracle: the generator's true drivers of a closed deal as of an instant of its life."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest

from graphcrm.domain import ChangeSet, ContactStatus, InfluenceKind, Role, Stage
from graphcrm.errors import NotFoundError
from graphcrm.generator import (
    ClosedDeal,
    DealFeatures,
    GeneratorConfig,
    OutcomeOptions,
    TruthIndex,
    closed_deals,
    drivers_as_of,
    generate_portfolio,
    influence_score,
    truth_index,
)
from graphcrm.generator.outcome import MemberFacts, deal_features

CONFIG = GeneratorConfig(accounts=60, seed=9, size_max=300, deals_per_account=3.0)


@pytest.fixture(scope="module")
def batches() -> list[ChangeSet]:
    return list(generate_portfolio(CONFIG))


@pytest.fixture(scope="module")
def index() -> TruthIndex:
    return truth_index(CONFIG)


@pytest.fixture(scope="module")
def closed(batches: list[ChangeSet]) -> dict[str, ClosedDeal]:
    return {d.deal_id: d for d in closed_deals(batches)}


def _utc(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def test_as_of_the_close_the_oracle_is_the_outcome_models_measure(
    index: TruthIndex, closed: dict[str, ClosedDeal]
) -> None:
    assert index.deals.keys() == closed.keys()
    assert len(closed) >= 100
    for deal_id, deal in closed.items():
        truth = index.deals[deal.deal_id]
        at_close = drivers_as_of(index, deal_id, _utc(truth.closed))
        assert at_close.features == deal.features, deal_id
        assert truth.won == deal.won
        assert at_close.stage is (Stage.CLOSED_WON if deal.won else Stage.CLOSED_LOST)
        assert at_close.hidden == 0.0
        assert at_close.win_probability(index.coefficients) == deal.features.win_probability()


class _RowsAsOf:
    """A plain re-reading of the rows at an instant: the oracle's drivers, the slow way."""

    def __init__(self, batches: list[ChangeSet]) -> None:
        self.seniority: dict[str, object] = {}
        self.left: dict[str, datetime] = {}
        self.ties: dict[str, set[tuple[str, InfluenceKind]]] = defaultdict(set)
        self.roles: dict[str, list[tuple[str, datetime, frozenset[Role], int]]] = defaultdict(list)
        self.touches: dict[str, list[tuple[datetime, tuple[str, ...]]]] = defaultdict(list)
        self.stages: dict[str, list[tuple[datetime, Stage]]] = defaultdict(list)
        for b in batches:
            for c in b.contacts:
                self.seniority[c.id] = c.seniority
                if c.status is ContactStatus.LEFT_COMPANY and c.status_from is not None:
                    self.left[c.id] = c.status_from
            for e in b.influences:
                if e.kind in (InfluenceKind.ADVISES, InfluenceKind.TRUSTS):
                    self.ties[e.influencer_id].add((e.influenced_id, e.kind))
            for r in b.deal_roles:
                assert r.valid_from is not None
                self.roles[r.deal_id].append((r.contact_id, r.valid_from, r.roles, r.stance))
            for t in b.touchpoints:
                if t.deal_id is not None:
                    self.touches[t.deal_id].append((t.at, t.contact_ids))
            for s in b.stage_changes:
                self.stages[s.deal_id].append((s.at, s.to_stage))

    def features(self, deal_id: str, at: datetime) -> DealFeatures:
        latest: dict[str, tuple[datetime, frozenset[Role], int]] = {}
        for contact, start, roles, stance in self.roles[deal_id]:
            if start <= at and (contact not in latest or start > latest[contact][0]):
                latest[contact] = (start, roles, stance)
        seen = [(t, ids) for t, ids in self.touches[deal_id] if t <= at]
        facts = []
        for contact, (_, roles, stance) in latest.items():
            gone = self.left.get(contact)
            facts.append(
                MemberFacts(
                    roles=roles,
                    stance=stance,
                    influence=influence_score(
                        self.seniority[contact],  # type: ignore[arg-type]
                        len(self.ties[contact]),
                    ),
                    touches=sum(contact in ids for _, ids in seen),
                    left_before_close=gone is not None and gone <= at,
                )
            )
        created = self.stages[deal_id][0][0]
        return deal_features(
            facts,
            [t.timestamp() for t, _ in seen],
            created=created.timestamp(),
            closed=at.timestamp(),
        )

    def stage(self, deal_id: str, at: datetime) -> Stage:
        return [s for t, s in self.stages[deal_id] if t <= at][-1]


def test_during_the_deal_the_oracle_measures_only_what_happened_by_then(
    batches: list[ChangeSet], index: TruthIndex
) -> None:
    """Without options the rows are the truth, so a plain re-reading of them must agree."""
    rows = _RowsAsOf(batches)
    checked = 0
    for deal_id, truth in index.deals.items():
        for share in (0.0, 0.2, 0.5, 0.8, 0.97):
            at = _utc(truth.created + int(share * (truth.closed - truth.created)))
            drivers = drivers_as_of(index, deal_id, at)
            assert drivers.features == rows.features(deal_id, at), (deal_id, share)
            assert drivers.stage is rows.stage(deal_id, at)
            assert not drivers.stage.is_closed
            checked += 1
    assert checked >= 500


def test_the_drivers_grow_with_the_deal(index: TruthIndex) -> None:
    for truth in index.deals.values():
        times = [truth.created + int(s * (truth.closed - truth.created)) for s in (0, 0.5, 1)]
        first, middle, last = (truth.features_as_of(t) for t in times)
        assert first.champion == first.threading == 0.0, "nobody touched at the creation"
        assert first.champion <= middle.champion <= last.champion
        assert first.threading <= middle.threading <= last.threading
        assert first.champion_left <= middle.champion_left <= last.champion_left


def test_the_oracle_reads_true_stances_and_the_hidden_shock() -> None:
    options = OutcomeOptions(stance_noise=0.5, stance_delay_days=40, hidden_driver=2.0)
    noisy = CONFIG.model_copy(update={"outcome": options})
    index = truth_index(noisy)
    plain = truth_index(CONFIG)
    assert index.coefficients.hidden == 2.0
    for deal_id, truth in index.deals.items():
        at = _utc((truth.created + truth.closed) // 2)
        drivers, reference = drivers_as_of(index, deal_id, at), drivers_as_of(plain, deal_id, at)
        assert drivers.features == reference.features, "the true stances, not the recorded"
        if truth.won == plain.deals[deal_id].won:
            assert drivers.stage is reference.stage
        assert drivers.hidden == truth.hidden
        k = index.coefficients
        assert drivers.logit(k) == pytest.approx(drivers.features.logit(k) + 2.0 * truth.hidden)
    # the rows do not: their stances are noisy, and the shock is nowhere
    recorded = {d.deal_id: d for d in closed_deals(generate_portfolio(noisy))}
    differ = sum(recorded[d].features != t.features_as_of(t.closed) for d, t in index.deals.items())
    assert differ > len(index.deals) / 4


def test_the_oracle_refuses_what_it_cannot_answer(index: TruthIndex) -> None:
    truth = next(iter(index.deals.values()))
    with pytest.raises(NotFoundError):
        drivers_as_of(index, "A999999-D000", _utc(truth.closed))
    with pytest.raises(ValueError, match="time zone"):
        drivers_as_of(index, truth.deal_id, _utc(truth.closed).replace(tzinfo=None))
    for outside in (truth.created - 1, truth.closed + 1):
        with pytest.raises(ValueError, match="was open from"):
            drivers_as_of(index, truth.deal_id, _utc(outside))
    assert drivers_as_of(index, truth.deal_id, _utc(truth.created)).stage is Stage.PROSPECTING
    later = _utc(truth.closed) - timedelta(seconds=1)
    assert not drivers_as_of(index, truth.deal_id, later).stage.is_closed
