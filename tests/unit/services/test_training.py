"""Training the win-probability model on a store's closed deals, and showing it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from graphcrm.domain import DealId, PageRequest, Stage
from graphcrm.domain.winmodel import ModelSource
from graphcrm.generator import GeneratorConfig, generate_portfolio
from graphcrm.services import training as T
from graphcrm.services.winprob import deal_win
from graphcrm.store import open_store
from graphcrm.store.port import GraphStore

CONFIG = GeneratorConfig(accounts=60, seed=101, size_max=150)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    s = open_store(f"sqlite:///{tmp_path_factory.mktemp('training') / 'store.sqlite3'}")
    for batch in generate_portfolio(CONFIG):
        s.apply(batch, actor="generator", at=CONFIG.now)
    try:
        yield s
    finally:
        s.close()


def test_calendar_instants_are_shared_dates_inside_the_open_life() -> None:
    start = datetime(2025, 3, 5, 15, tzinfo=UTC)
    got = T.calendar_instants(start, start + timedelta(days=40), 14)
    assert all(t > start and t < start + timedelta(days=40) for t in got)
    assert all((t - T.EPOCH) % timedelta(days=14) == timedelta(0) for t in got)
    assert len(got) == 3
    assert T.calendar_instants(start, start + timedelta(hours=1), 14) == []


def test_no_snapshot_sees_the_outcome(store: GraphStore) -> None:
    deals = T.closed_deals(store)
    rows = T.calendar_snapshots(store, deals[:25])
    assert rows
    for s in rows:
        assert s.at < s.closed_at
        assert not s.features.stage.is_closed
    # the store's own as-of read agrees: the deal was open then
    first = rows[0]
    sg = store.stakeholder_graph(first.account_id, as_of=first.at)
    (deal,) = [d for d in sg.deals if d.id == first.features.deal_id]
    assert not deal.stage.is_closed
    assert deal.loss_reason is None


def test_time_folds_predict_newer_deals_of_other_accounts(store: GraphStore) -> None:
    rows = T.calendar_snapshots(store, T.closed_deals(store))
    folds = T.time_folds(rows)
    assert len(folds) == T.FOLDS - 2
    for train, test in folds:
        train_accounts = {rows[i].account_id for i in train}
        assert not train_accounts & {rows[i].account_id for i in test}
        assert max(rows[i].closed_at for i in train) <= min(rows[i].closed_at for i in test)


def test_train_stores_a_card_that_names_what_it_was_fitted_on(store: GraphStore) -> None:
    deals = T.closed_deals(store)
    assert T.enough(deals)
    card = T.train(store, fitted_at=CONFIG.now)
    assert card.source is ModelSource.STORE
    assert card.deals == len(deals)
    assert card.won == sum(d.won for d in deals)
    assert card.training_from == deals[0].closed_at
    assert card.training_to == deals[-1].closed_at
    assert card.cv_auc is not None
    assert card.cv_auc_stage is not None
    assert 0.5 < card.cv_auc <= 1.0
    assert sum(b.count for b in card.reliability) > 0
    assert store.get_win_model() == card
    assert T.current_card(store) == card
    # before it was fitted, the store used the prior
    assert T.current_card(store, as_of=CONFIG.now - timedelta(days=1)).source is ModelSource.PRIOR


def test_a_store_with_few_closed_deals_keeps_the_prior(tmp_path: Path) -> None:
    small = open_store(f"sqlite:///{tmp_path / 'small.sqlite3'}")
    try:
        for batch in generate_portfolio(GeneratorConfig(accounts=4, seed=101, size_max=40)):
            small.apply(batch, actor="generator")
        card = T.train(small, fitted_at=CONFIG.now)
        assert card.source is ModelSource.PRIOR
        with pytest.raises(Exception, match="win model"):
            small.get_win_model()
    finally:
        small.close()


def test_the_prior_is_a_model_of_today_s_features() -> None:
    from graphcrm.analytics.winprob import FEATURES, STAGE_FEATURES

    prior = T.prior_card()
    assert prior.source is ModelSource.PRIOR
    assert prior.model.features == FEATURES
    assert prior.stage_model.features == STAGE_FEATURES
    assert prior.notes


def test_deal_win_explains_an_open_deal_and_not_a_closed_one(store: GraphStore) -> None:
    T.train(store, fitted_at=CONFIG.now)
    open_deals = [
        d for d in store.list_deals(PageRequest(limit=500)).items if not d.stage.is_closed
    ]
    win = deal_win(store, open_deals[0].id, as_of=CONFIG.now)
    assert win.probability is not None
    assert win.stage_probability is not None
    total = sum(c.points for c in win.contributions)
    assert total == pytest.approx(win.probability - win.stage_probability, abs=1e-5)
    assert win.model.source is ModelSource.STORE
    named = {c for part in win.contributions for c in part.evidence.contact_ids}
    assert named <= set(win.names)
    closed = next(
        d for d in store.list_deals(PageRequest(limit=500)).items if d.stage is Stage.CLOSED_LOST
    )
    result = deal_win(store, DealId(closed.id), as_of=CONFIG.now)
    assert result.probability is None
    assert result.outcome is Stage.CLOSED_LOST
    assert result.loss_reason == closed.loss_reason


def test_the_signed_regression_is_scikit_learn_s_without_bounds_and_keeps_its_signs() -> None:
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 3))
    z = 1.0 * x[:, 0] - 0.8 * x[:, 1] + 0.3 * x[:, 2] - 0.2
    y = (rng.random(400) < 1 / (1 + np.exp(-z))).astype(float)
    w = rng.uniform(0.5, 1.5, size=400)
    coef, intercept = T.signed_logistic_regression(x, y, w, c=0.5, signs=[0, 0, 0])
    ref = LogisticRegression(C=0.5, max_iter=5000, tol=1e-10).fit(x, y, sample_weight=w)
    assert coef == pytest.approx(ref.coef_[0], abs=1e-4)
    assert intercept == pytest.approx(ref.intercept_[0], abs=1e-4)
    # the second feature lowers P(win); asked to only raise it, its coefficient is 0
    bounded, _ = T.signed_logistic_regression(x, y, w, c=0.5, signs=[1, 1, 0])
    assert bounded[0] > 0
    assert bounded[1] == 0.0


def test_unknown_close_dates_are_fitted_at_the_mean_of_the_known_ones(store: GraphStore) -> None:
    rows = T.calendar_snapshots(store, T.closed_deals(store))

    def without_close(s: T.Snapshot) -> T.Snapshot:
        values = {f: v for f, v in s.features.values.items() if f != "close_in"}
        return replace(s, features=replace(s.features, values=values))

    mixed = [without_close(s) if i % 2 else s for i, s in enumerate(rows)]
    card = T.fit_card(mixed, fitted_at=CONFIG.now, source=ModelSource.STORE, every_days=14)
    m = card.model
    known = [s.features.values["close_in"] for s in rows[::2]]
    assert m.means[m.features.index("close_in")] == pytest.approx(sum(known) / len(known))
    assert card.cv_auc is not None
    none = [without_close(s) for s in rows]
    blind = T.fit_card(none, fitted_at=CONFIG.now, source=ModelSource.STORE, every_days=14)
    i = blind.model.features.index("close_in")
    assert (blind.model.means[i], blind.model.coefficients[i]) == (0.0, 0.0)
