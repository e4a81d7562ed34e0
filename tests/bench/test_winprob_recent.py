"""The bench's recency experiment (``bench winprob --also-recent``): a model's base rate
refitted on the latest closes."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from bench.winprob import recent_card, recent_offset
from graphcrm.analytics.winprob import DealFeatures, win_probability
from graphcrm.domain import AccountId, Stage
from graphcrm.domain.winmodel import ModelSource, WinModel, WinModelCard
from graphcrm.services import training as T

LAST = datetime(2026, 6, 30, tzinfo=UTC)


def _row(deal: str, days_before: int, won: bool) -> T.Snapshot:
    closed = LAST - timedelta(days=days_before)
    features = DealFeatures(deal, Stage.PROPOSAL, {"silence": 1.0})
    return T.Snapshot(AccountId("A1"), closed - timedelta(days=30), closed, won, features)


FLAT = WinModel(features=("silence",), coefficients=(0.0,), intercept=0.0, means=(0.0,),
                scales=(1.0,))  # fmt: skip
"""A model that says 0.5 for every deal (logit 0)."""

RECENT = [_row("D1", 0, True), _row("D2", 10, False), _row("D3", 50, False), _row("D4", 90, False)]
OLD = [_row(f"O{i}", 200 + i, True) for i in range(5)]


def test_recent_offset_matches_the_latest_closes_win_rate() -> None:
    # of the deals closed in the last 90 days before the latest close one of four was
    # won, so the shift is logit(1/4) = log(1/3); the older closes (all won) do not count
    assert recent_offset(FLAT, RECENT + OLD, 90) == pytest.approx(math.log(1 / 3))
    assert recent_offset(FLAT, OLD, 90) == 0.0  # every recent deal won: no finite shift


def test_recent_card_shifts_only_the_models_base_rate() -> None:
    card = WinModelCard(
        fitted_at=LAST,
        source=ModelSource.STORE,
        model=FLAT,
        stage_model=FLAT,
        deals=9,
        won=6,
        snapshots=9,
        snapshot_days=14,
    )
    shifted = recent_card(card, RECENT + OLD, 90)
    assert win_probability(shifted.model, {"silence": 1.0}) == pytest.approx(0.25)
    assert shifted.stage_model == card.stage_model
    assert shifted.model_copy(update={"model": FLAT}) == card
