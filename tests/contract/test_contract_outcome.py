"""Contract: no outcome before the outcome.

A read as of an instant before a deal closed returns it with the stage it had
then and without the fields set at closing
(:data:`graphcrm.store.codec.SET_AT_CLOSING`: ``loss_reason``), on every store.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from graphcrm.domain import (
    Account,
    AccountId,
    ChangeSet,
    CloseDateChange,
    Deal,
    DealId,
    Stage,
    StageChange,
    StakeholderGraph,
)
from graphcrm.generator import GeneratorConfig, generate_portfolio
from graphcrm.store import GraphStore

JAN = datetime(2025, 1, 1, tzinfo=UTC)
A = AccountId("A-1")
D = DealId("D-1")
REASON = "Fiyat rakibin üstünde"


def day(n: float) -> datetime:
    return JAN + timedelta(days=n)


def _deal(stage: Stage, loss_reason: str | None = None) -> Deal:
    return Deal(
        id=D,
        account_id=A,
        name="Depo otomasyonu",
        amount=Decimal("1250.00"),
        stage=stage,
        expected_close=date(2025, 3, 1),
        competitors=("Rakip A.Ş.",),
        loss_reason=loss_reason,
    )


def _find(graph: StakeholderGraph, deal_id: str) -> Deal | None:
    return next((d for d in graph.deals if d.id == deal_id), None)


def _deal_as_of(store: GraphStore, as_of: datetime | None) -> Deal | None:
    """The deal in the account's graph as of the instant, checked the same in a batch read."""
    (graph,) = store.stakeholder_graphs([A], as_of=as_of)
    assert graph == store.stakeholder_graph(A, as_of=as_of)
    (committee,) = store.stakeholder_graphs([A], as_of=as_of, committee_only=True)
    assert committee.deals == graph.deals
    return _find(graph, D)


def test_a_lost_deal_read_before_its_close_has_no_loss_reason(store: GraphStore) -> None:
    store.apply(
        ChangeSet(
            accounts=(Account(id=A, name="Yıldız Lojistik"),), deals=(_deal(Stage.PROSPECTING),)
        ),
        actor="t",
        at=day(0),
    )
    store.apply(ChangeSet(deals=(_deal(Stage.PROPOSAL),)), actor="t", at=day(10))
    store.apply(ChangeSet(deals=(_deal(Stage.CLOSED_LOST, REASON),)), actor="t", at=day(40))

    assert _deal_as_of(store, day(-1)) is None
    for n, stage in ((0, Stage.PROSPECTING), (20, Stage.PROPOSAL), (39.9, Stage.PROPOSAL)):
        before = _deal_as_of(store, day(n))
        assert before is not None
        assert (before.stage, before.loss_reason) == (stage, None)
        # what was known while the deal ran stays
        assert (before.amount, before.competitors) == (Decimal("1250.00"), ("Rakip A.Ş.",))
    for when in (day(40), day(100), None):
        after = _deal_as_of(store, when)
        assert after is not None
        assert (after.stage, after.loss_reason) == (Stage.CLOSED_LOST, REASON)
    assert store.get_deal(D).deal.loss_reason == REASON


# --- a generated portfolio ------------------------------------------------------------

GENERATED = GeneratorConfig(accounts=8, seed=11, size_min=8, size_max=30)
"""Eleven deals, eight of them closed (six lost, with a reason), all open 30 days before."""


def test_generated_closed_deals_read_30_days_before_their_close_show_no_outcome(
    store: GraphStore,
) -> None:
    deals: dict[str, Deal] = {}
    stages: dict[str, list[StageChange]] = {}
    close_dates: dict[str, list[CloseDateChange]] = {}
    for batch in generate_portfolio(GENERATED):
        store.apply(batch, actor="gen")
        deals.update((d.id, d) for d in batch.deals)
        for s in batch.stage_changes:
            stages.setdefault(s.deal_id, []).append(s)
        for c in batch.close_date_changes:
            close_dates.setdefault(c.deal_id, []).append(c)

    read = lost_with_reason = 0
    for deal in deals.values():
        if not deal.stage.is_closed:
            continue
        (closed_at,) = [s.at for s in stages[deal.id] if s.to_stage.is_closed]  # closed once
        t = closed_at - timedelta(days=30)
        then = _find(store.stakeholder_graph(deal.account_id, as_of=t), deal.id)
        if then is None:  # not created yet: nothing to show at all
            assert min(s.at for s in stages[deal.id]) > t
            continue
        read += 1
        lost_with_reason += deal.loss_reason is not None
        assert not then.stage.is_closed, deal.id
        assert then.loss_reason is None, deal.id
        # the expected close is the estimate then, not the actual date set at closing
        known = [c for c in close_dates.get(deal.id, ()) if c.at <= t]
        if known:
            assert then.expected_close == max(known, key=lambda c: c.at).to_date, deal.id
        # at the close the outcome is there
        closed = _find(store.stakeholder_graph(deal.account_id, as_of=closed_at), deal.id)
        assert closed is not None
        assert (closed.stage, closed.loss_reason) == (deal.stage, deal.loss_reason)
    # the check has teeth: the generator gives every lost deal a reason
    assert read >= 6
    assert lost_with_reason >= 4
