"""The portfolio scored by the executors (graphcrm.services.executors) on every store:
local processes and a Dask cluster of two worker processes give the reports and
the stored score sets of one process, each worker on a store it opens from the URL."""

from __future__ import annotations

import functools
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from distributed import Client, LocalCluster

from graphcrm.domain import AccountId, AccountScoreSet, PageRequest
from graphcrm.errors import NotFoundError, StoreUnavailableError
from graphcrm.generator import GeneratorConfig, generate_portfolio
from graphcrm.services.executors import DaskCluster, Executor, LocalProcesses
from graphcrm.services.portfolio import CHUNK, AccountReport, score_portfolio
from graphcrm.store import GraphStore, open_store
from tests.neo4j.support import wipe

# more chunks than workers, the last one short; small accounts keep it fast
CONFIG = GeneratorConfig(accounts=3 * CHUNK + 5, seed=4, size_min=8, size_max=20)


@pytest.fixture(scope="module")
def dask_client() -> Iterator[Client]:
    """A local Dask cluster of two worker processes, one thread each."""
    with (
        LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty store of each adapter holding the generated portfolio."""
    if request.param == "sqlite":
        url = f"sqlite://{tmp_path / 'executors.sqlite3'}"
    else:
        url = request.getfixturevalue("neo4j_uri")
        wipe(url)
    store = open_store(url)
    try:
        for batch in generate_portfolio(CONFIG):
            store.apply(batch, actor="gen")
    finally:
        store.close()
    return url


def _first(store: GraphStore) -> AccountId:
    return store.list_accounts(PageRequest(limit=1)).items[0].id


def _scored(
    url: str, executor: Executor | None
) -> tuple[list[AccountReport], list[AccountScoreSet]]:
    """The reports of one run, and the score sets it stored (less their run stamp)."""
    store = open_store(url)
    try:
        reports = list(
            score_portfolio(
                store,
                as_of=CONFIG.now,
                executor=executor,
                reopen=functools.partial(open_store, url) if executor else None,
                write=executor is not None,
            )
        )
        sets = (
            [
                store.get_scores(r.account.id, as_of=CONFIG.now).model_copy(
                    update={"scored_at": None}
                )
                for r in reports
            ]
            if executor
            else []
        )
        return reports, sets
    finally:
        store.close()


def test_a_dask_cluster_scores_and_stores_what_local_processes_do(
    store_url: str, dask_client: Client
) -> None:
    store = open_store(store_url)
    try:
        with pytest.raises(NotFoundError):
            store.get_scores(_first(store))
        order = [a.id for a in store.list_accounts(PageRequest(limit=CONFIG.accounts)).items]
    finally:
        store.close()
    # The Dask run first, on a store without score sets: the sets read back were
    # written by its workers (this process only lists accounts and collects).
    on_dask, stored_by_dask = _scored(store_url, DaskCluster(dask_client))
    locally, stored_locally = _scored(store_url, LocalProcesses(2))
    alone, _ = _scored(store_url, None)
    assert [r.account.id for r in alone] == order
    assert len(order) == CONFIG.accounts
    assert on_dask == alone
    assert locally == alone
    assert stored_by_dask == stored_locally
    assert [s.account_id for s in stored_by_dask] == order
    assert sum(len(s.deals) for s in stored_by_dask) > 0


def test_an_error_in_a_worker_reaches_the_caller_as_itself(
    tmp_path: Path, dask_client: Client
) -> None:
    # The workers open the store from what reopen names: a directory is no
    # SQLite file, and every executor raises the error its worker raised.
    url = f"sqlite://{tmp_path / 'executors.sqlite3'}"
    store = open_store(url)
    try:
        for batch in generate_portfolio(CONFIG):
            store.apply(batch, actor="gen")
        nowhere = functools.partial(open_store, f"sqlite://{tmp_path}")
        errors = []
        for executor in (LocalProcesses(2), DaskCluster(dask_client)):
            with pytest.raises(StoreUnavailableError) as caught:
                list(score_portfolio(store, as_of=CONFIG.now, executor=executor, reopen=nowhere))
            errors.append(str(caught.value))
        assert errors == [f"cannot open sqlite store {tmp_path}: unable to open database file"] * 2
        # nothing was written
        with pytest.raises(NotFoundError):
            store.get_scores(_first(store))
    finally:
        store.close()


def test_a_run_stopped_early_leaves_the_cluster_ready_for_the_next(
    store_url: str, dask_client: Client
) -> None:
    store = open_store(store_url)
    reopen = functools.partial(open_store, store_url)
    try:
        for executor in (LocalProcesses(2), DaskCluster(dask_client)):
            run = score_portfolio(
                store, as_of=CONFIG.now, write=False, executor=executor, reopen=reopen
            )
            assert isinstance(run, Generator)
            first = next(run)
            run.close()
            assert first.account.id == _first(store)
        again = list(
            score_portfolio(
                store,
                as_of=CONFIG.now,
                write=False,
                executor=DaskCluster(dask_client),
                reopen=reopen,
            )
        )
        assert len(again) == CONFIG.accounts
    finally:
        store.close()
