"""Win-model cards in every store: stored whole and read back equal, replaced by
``fitted_at``, chosen by ``as_of``, listed newest first, outside the change log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest

from graphcrm.domain import (
    ModelSource,
    PageRequest,
    ReliabilityBin,
    WinModel,
    WinModelCard,
)
from graphcrm.errors import InvalidError, NotFoundError
from graphcrm.store import GraphStore
from tests.contract.conftest import Snapshot

T0 = datetime(2026, 3, 1, 2, 30, 15, 123456, tzinfo=UTC)

NOTES = (
    "Eğitim: 412 kapanmış fırsat; İstanbul ve Iğdır şubeleri dahil (ı/İ, ş, ğ, ç, ö, ü).",
    "Kalibrasyon: 10 kutu; üst kutuda örnek az — dikkatli yorumlayın.",
    "emoji and escapes survive: \U0001f600 \\ \" ' \n next line",
)


def _model(*features: str, intercept: float = -0.4054651081081644) -> WinModel:
    n = len(features)
    return WinModel(
        features=features,
        # floats that no short decimal writes exactly: they must come back bit for bit
        coefficients=tuple((-1) ** i * (i + 1) / 3 for i in range(n)),
        intercept=intercept,
        means=tuple(0.1 + 0.2 * i for i in range(n)),
        scales=tuple(1e-7 + i * 2.5e300 for i in range(n)),
        calibration_slope=0.9999999999999999,
        calibration_intercept=-0.0,
    )


def _card(
    fitted_at: datetime = T0,
    *,
    deals: int = 412,
    notes: tuple[str, ...] = NOTES,
    source: ModelSource = ModelSource.STORE,
) -> WinModelCard:
    return WinModelCard(
        fitted_at=fitted_at,
        source=source,
        model=_model("stage_index", "champion_strength", "days_in_stage", "öncü_temas"),
        stage_model=_model("stage_index", intercept=0.0),
        training_from=datetime(2024, 2, 29, 23, 59, 59, 999999, tzinfo=UTC),
        training_to=fitted_at - timedelta(days=1),
        deals=deals,
        won=157,
        snapshots=3021,
        snapshot_days=7,
        regularization=0.3,
        cv_auc=0.7812345678901234,
        cv_auc_stage=2 / 3,
        brier=0.18181818181818182,
        ece=0.012345678901234568,
        reliability=tuple(
            ReliabilityBin(
                low=i / 10,
                high=(i + 1) / 10,
                count=40 + i,
                mean_predicted=(i + 0.5) / 10,
                observed=min(1.0, (i + 0.45) / 10 + 1e-17),
            )
            for i in range(10)
        ),
        notes=notes,
    )


def test_an_empty_store_has_no_model(store: GraphStore) -> None:
    with pytest.raises(NotFoundError, match="win model"):
        store.get_win_model()
    with pytest.raises(NotFoundError, match="win model"):
        store.get_win_model(as_of=T0)
    empty = store.list_win_models(PageRequest())
    assert (empty.items, empty.total) == ((), 0)


def test_a_card_round_trips_whole(store: GraphStore) -> None:
    card = _card()
    store.put_win_model(card)
    for got in (
        store.get_win_model(),
        store.get_win_model(as_of=T0),
        store.list_win_models(PageRequest()).items[0],
    ):
        assert got == card
        assert got.model_dump() == card.model_dump()
        # floats bit for bit, -0.0 included; times in UTC with their microseconds
        assert got.model_dump_json() == card.model_dump_json()
        assert got.model.calibration_intercept.hex() == "-0x0.0p+0"
        assert got.fitted_at.tzinfo == UTC
        assert got.notes == NOTES


def test_a_minimal_card_round_trips(store: GraphStore) -> None:
    card = WinModelCard(
        fitted_at=T0,
        source=ModelSource.PRIOR,
        model=_model(),
        stage_model=_model(),
    )
    store.put_win_model(card)
    assert store.get_win_model() == card


def test_storing_the_same_instant_again_replaces_the_card(store: GraphStore) -> None:
    store.put_win_model(_card(deals=10))
    again = _card(deals=20, notes=("yeniden eğitildi",), source=ModelSource.PRIOR)
    store.put_win_model(again)
    store.put_win_model(again)  # idempotent
    # the same instant in another zone is the same key
    plus3 = _card(T0.astimezone(timezone(timedelta(hours=3))), deals=30)
    store.put_win_model(plus3)
    assert store.get_win_model() == plus3
    assert store.get_win_model().deals == 30
    listed = store.list_win_models(PageRequest())
    assert listed.total == 1
    assert listed.items == (plus3,)


def test_as_of_picks_the_latest_card_fitted_at_or_before_it(store: GraphStore) -> None:
    t1, t2 = T0 + timedelta(days=7), T0 + timedelta(days=14)
    # stored out of order; the key, not the write order, decides
    store.put_win_model(_card(t1, deals=1))
    store.put_win_model(_card(t2, deals=2))
    store.put_win_model(_card(T0, deals=0))
    assert store.get_win_model().deals == 2
    assert store.get_win_model(as_of=t2 + timedelta(days=365)).deals == 2
    assert store.get_win_model(as_of=t2).deals == 2
    assert store.get_win_model(as_of=t2 - timedelta(microseconds=1)).deals == 1
    assert store.get_win_model(as_of=t1).deals == 1
    assert store.get_win_model(as_of=T0).deals == 0
    # a non-UTC bound means the same instant
    assert store.get_win_model(as_of=t1.astimezone(timezone(timedelta(hours=-5)))).deals == 1
    with pytest.raises(NotFoundError, match="win model"):
        store.get_win_model(as_of=T0 - timedelta(microseconds=1))
    with pytest.raises(InvalidError, match="as_of"):
        store.get_win_model(as_of=t1.replace(tzinfo=None))


def test_cards_a_microsecond_apart_are_two_cards(store: GraphStore) -> None:
    store.put_win_model(_card(T0, deals=1))
    store.put_win_model(_card(T0 + timedelta(microseconds=1), deals=2))
    assert store.list_win_models(PageRequest()).total == 2
    assert store.get_win_model(as_of=T0).deals == 1


def test_the_list_is_newest_first_and_paged(store: GraphStore) -> None:
    instants = [T0 + timedelta(days=d) for d in (3, 0, 4, 1, 2)]
    for n, at in enumerate(instants):
        store.put_win_model(_card(at, deals=n))
    newest_first = sorted(instants, reverse=True)

    seen: list[datetime] = []
    for offset in (0, 2, 4):
        page = store.list_win_models(PageRequest(limit=2, offset=offset))
        assert (page.total, page.limit, page.offset) == (5, 2, offset)
        seen.extend(c.fitted_at for c in page.items)
    assert seen == newest_first
    whole = store.list_win_models(PageRequest(limit=100))
    assert [c.fitted_at for c in whole.items] == newest_first
    assert whole.items[0] == store.get_win_model()
    past = store.list_win_models(PageRequest(limit=2, offset=5))
    assert (past.items, past.total) == ((), 5)


def test_cards_are_not_in_the_change_log_or_the_stats(
    store: GraphStore, snap: Callable[[GraphStore], Snapshot]
) -> None:
    before = snap(store)
    store.put_win_model(_card())
    store.put_win_model(_card(T0 + timedelta(days=1)))
    assert snap(store) == before
