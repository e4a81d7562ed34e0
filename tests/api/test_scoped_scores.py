"""Stored scores and chunked graph reads through a principal's view of the store."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from api.deps import AppState
from api.scoped import ScopedStore
from graphcrm.auth import Principal, Scope
from graphcrm.domain import AccountId, AccountScoreSet
from graphcrm.errors import NotFoundError
from tests.api.conftest import Env

AT = datetime(2026, 11, 1, tzinfo=UTC)


def _view(env: Env, territory: str) -> ScopedStore:
    state = env.client.app.state.graphcrm  # type: ignore[attr-defined]
    assert isinstance(state, AppState)
    who = Principal(
        key_id="k", name=territory, scopes=frozenset({Scope.READ, Scope.WRITE}),
        territories=frozenset({territory}),
    )  # fmt: skip
    return ScopedStore(state, who)


def _score_set(account: str) -> AccountScoreSet:
    return AccountScoreSet(
        account_id=AccountId(account), as_of=AT, scored_at=AT, health=55.0, band="fair"
    )


def test_scores_and_graphs_outside_the_territory_answer_not_found(env: Env) -> None:
    marmara, ege = _view(env, "Marmara"), _view(env, "Ege")
    assert marmara.put_scores([_score_set("M1")]) == 1
    assert marmara.get_scores(AccountId("M1")).health == 55.0
    with pytest.raises(NotFoundError):
        ege.get_scores(AccountId("M1"))
    with pytest.raises(NotFoundError):
        ege.put_scores([_score_set("M2")])
    with pytest.raises(NotFoundError):  # nothing was written for M2
        marmara.get_scores(AccountId("M2"))
    graphs = marmara.stakeholder_graphs([AccountId("M1"), AccountId("M2")])
    assert [g.accounts[0].id for g in graphs] == ["M1", "M2"]
    with pytest.raises(NotFoundError):
        ege.stakeholder_graphs([AccountId("E1"), AccountId("M1")])
