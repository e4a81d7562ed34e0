"""The win model through a principal's view: org-wide, so every key reads it; only an
admin key over every territory stores one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from api.deps import AppState
from api.errors import ApiError
from api.scoped import ScopedStore
from graphcrm.auth import Principal, Scope
from graphcrm.domain import ModelSource, PageRequest, WinModel, WinModelCard
from tests.api.conftest import Env

AT = datetime(2026, 11, 1, tzinfo=UTC)


def _view(env: Env, scopes: set[Scope], territories: set[str]) -> ScopedStore:
    state = env.client.app.state.graphcrm  # type: ignore[attr-defined]
    assert isinstance(state, AppState)
    who = Principal(
        key_id="k", name="k", scopes=frozenset(scopes), territories=frozenset(territories)
    )
    return ScopedStore(state, who)


def _card(at: datetime = AT) -> WinModelCard:
    model = WinModel(
        features=("stage",), coefficients=(0.5,), intercept=-0.5, means=(0.0,), scales=(1.0,)
    )
    return WinModelCard(fitted_at=at, source=ModelSource.STORE, model=model, stage_model=model)


def test_only_an_admin_over_every_territory_stores_a_model(env: Env) -> None:
    writer = _view(env, {Scope.READ, Scope.WRITE}, {"*"})
    local_admin = _view(env, {Scope.READ, Scope.WRITE, Scope.ADMIN}, {"Marmara"})
    admin = _view(env, {Scope.READ, Scope.WRITE, Scope.ADMIN}, {"*"})
    for refused, needs in ((writer, "'admin' scope"), (local_admin, "every territory")):
        with pytest.raises(ApiError, match=needs) as e:
            refused.put_win_model(_card())
        assert e.value.status == 403
    assert admin.list_win_models(PageRequest()).total == 0  # nothing was written
    admin.put_win_model(_card())
    assert admin.get_win_model() == _card()


def test_every_territory_reads_the_org_wide_model(env: Env) -> None:
    _view(env, {Scope.ADMIN}, {"*"}).put_win_model(_card())
    ege = _view(env, {Scope.READ}, {"Ege"})
    assert ege.get_win_model(as_of=AT) == _card()
    assert ege.list_win_models(PageRequest()).items == (_card(),)
