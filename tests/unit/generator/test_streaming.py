"""Generation streams: memory is bounded by one chunk, not by the portfolio."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator

from graphcrm.domain import ChangeSet
from graphcrm.generator import GeneratorConfig, generate_portfolio

# small accounts keep the test quick; the chunk is what bounds memory
CONFIG = GeneratorConfig(
    accounts=40, seed=5, size_min=8, size_max=16, deals_per_account=0.5, chunk_accounts=40
)


def _peak(batches: Iterator[ChangeSet]) -> tuple[int, int]:
    """Peak traced memory while consuming ``batches`` one at a time, and the rows seen."""
    rows = 0
    tracemalloc.start()
    try:
        for batch in batches:
            rows += batch.size()
            del batch
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, rows


def test_generate_portfolio_is_a_lazy_iterator() -> None:
    stream = generate_portfolio(GeneratorConfig(accounts=10**6, seed=1, chunk_accounts=5))
    first = next(stream)
    assert len(first.reps) == 5000  # reps are capped
    assert not first.accounts
    second = next(stream)
    assert [a.id for a in second.accounts] == [f"A{i:06d}" for i in range(5)]


def test_memory_stays_bounded_as_the_portfolio_grows() -> None:
    small_peak, small_rows = _peak(generate_portfolio(CONFIG))
    large_peak, large_rows = _peak(generate_portfolio(CONFIG.model_copy(update={"accounts": 400})))
    assert large_rows > 8 * small_rows
    assert large_peak < 1.6 * small_peak, (small_peak, large_peak)
