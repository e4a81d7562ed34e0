"""The portfolio's one speed-up kept by measurement (docs/benchmarks.md, "Speed-ups
against the 10 % rule"): the cyclic collector off while a chunk is scored. Its
results against the plain version (collector on, one account at a time) are
compared by test_score_portfolio_reads_by_chunk_as_one_account_at_a_time in
tests/contract/test_contract_scores.py; here, that it gives the collector back
as it found it."""

from __future__ import annotations

import gc

import pytest

from graphcrm.collector import gc_paused


def test_the_collector_is_off_inside_and_as_it_was_after() -> None:
    was = gc.isenabled()
    try:
        gc.enable()
        with gc_paused():
            assert not gc.isenabled()
        assert gc.isenabled()
        with pytest.raises(RuntimeError), gc_paused():
            raise RuntimeError("a chunk that fails")
        assert gc.isenabled()
        gc.disable()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # off before: left off
    finally:
        if was:
            gc.enable()
