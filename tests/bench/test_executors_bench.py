"""The plain local executor of bench/executors.py (a concurrent.futures process pool)
scores and stores what LocalProcesses, the executor it is measured against, does."""

from __future__ import annotations

import functools
from pathlib import Path

from bench.executors import PlainPool
from graphcrm.generator import GeneratorConfig, generate_portfolio
from graphcrm.services.portfolio import CHUNK, score_portfolio
from graphcrm.store import open_store


def test_the_plain_pool_scores_and_stores_what_the_local_processes_do(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path / 'plain.sqlite3'}"
    config = GeneratorConfig(accounts=2 * CHUNK + 3, seed=6, size_min=8, size_max=16)
    store = open_store(url)
    try:
        for batch in generate_portfolio(config):
            store.apply(batch, actor="gen")
        reopen = functools.partial(open_store, url)
        local = list(score_portfolio(store, as_of=config.now, workers=2, reopen=reopen))
        stored = [store.get_scores(r.account.id) for r in local]
        plain = list(score_portfolio(store, as_of=config.now, executor=PlainPool(2), reopen=reopen))
        again = [store.get_scores(r.account.id) for r in plain]
        assert plain == local
        assert len(local) == config.accounts
        # the plain pool's workers replaced every set (a later run stamp), same scores
        for before, after in zip(stored, again, strict=True):
            assert after.scored_at > before.scored_at
            assert after.model_copy(update={"scored_at": before.scored_at}) == before
    finally:
        store.close()
