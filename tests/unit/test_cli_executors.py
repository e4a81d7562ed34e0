"""graphcrm score's executors: the local process pool, a Dask cluster by its scheduler's
address, and the errors of a wrong choice, each naming the option."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from distributed import LocalCluster

from graphcrm.cli import main
from graphcrm.domain import AccountScoreSet, PageRequest
from graphcrm.errors import NotFoundError
from graphcrm.store import open_store

AS_OF = "2026-11-01"  # the generator's default "now"


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    url = f"sqlite://{tmp_path / 'x.sqlite3'}"
    assert _invoke(url, "generate", "--accounts", "20", "--seed", "5").exit_code == 0
    return url


def _invoke(store_url: str, *args: str) -> Result:
    return CliRunner().invoke(main, ["--store", store_url, *args], env={"COLUMNS": "200"})


def _stored(store_url: str) -> list[AccountScoreSet]:
    """Every account's stored score set, less the run's wall-clock stamp."""
    store = open_store(store_url)
    try:
        accounts = store.list_accounts(PageRequest(limit=100)).items
        return [store.get_scores(a.id).model_copy(update={"scored_at": None}) for a in accounts]
    finally:
        store.close()


def test_score_stores_the_same_sets_in_one_process_two_and_on_a_dask_cluster(
    store_url: str,
) -> None:
    runs = []
    for options in (["--workers", "1"], ["--workers", "2"]):
        result = _invoke(store_url, "score", "--as-of", AS_OF, *options)
        assert result.exit_code == 0, result.output
        runs.append(_stored(store_url))
    # a scheduler with one worker thread in this process, reached over TCP as a
    # remote one is; the worker opens the store from --store
    with LocalCluster(
        n_workers=1, processes=False, threads_per_worker=1, protocol="tcp", dashboard_address=None
    ) as cluster:
        address = cluster.scheduler_address
        result = _invoke(
            store_url, "score", "--as-of", AS_OF, "--executor", "dask", "--scheduler", address
        )
    assert result.exit_code == 0, result.output
    assert "accounts scored" in result.output
    runs.append(_stored(store_url))
    assert len(runs[0]) == 20
    assert runs[1] == runs[0]
    assert runs[2] == runs[0]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--executor", "dask"], "--executor dask needs --scheduler ADDRESS"),
        (["--scheduler", "tcp://127.0.0.1:8786"], "--scheduler is for --executor dask"),
        (
            ["--executor", "dask", "--scheduler", "tcp://127.0.0.1:8786", "--workers", "2"],
            "--workers is for --executor local",
        ),
        (["--executor", "ray"], "'ray' is not one of 'local', 'dask'"),
        (
            ["--executor", "dask", "--scheduler", "nonsense://x"],
            "Invalid value for --scheduler: 'nonsense://x' is not a Dask address",
        ),
    ],
)
def test_a_wrong_executor_choice_is_refused_naming_the_option(
    store_url: str, options: list[str], message: str
) -> None:
    result = _invoke(store_url, "score", "--as-of", AS_OF, *options)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    store = open_store(store_url)
    try:  # nothing was scored
        first = store.list_accounts(PageRequest(limit=1)).items[0]
        with pytest.raises(NotFoundError):
            store.get_scores(first.id)
    finally:
        store.close()


def test_dask_without_the_extra_names_the_extra(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # its import fails
    result = _invoke(
        store_url, "score", "--executor", "dask", "--scheduler", "tcp://127.0.0.1:8786"
    )
    assert result.exit_code == 2
    assert "pip install 'graphcrm[distributed]'" in result.output
