"""The portfolio's collector speed-ups kept by measurement (docs/benchmarks.md, "Speed-ups
against the 10 % rule"): the cyclic collector off while a chunk is scored. Its
results against the plain version (collector on, one account at a time) are
compared by test_score_portfolio_reads_by_chunk_as_one_account_at_a_time in
tests/contract/test_contract_scores.py; here, that it gives the collector back
as it found it. The same for the heap frozen while a portfolio is scored
(gc_frozen; the contract tests compare the portfolio's reports, one process or
several, with one account's)."""

from __future__ import annotations

import gc

import pytest

from graphcrm.collector import gc_frozen, gc_paused


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


def test_the_heap_is_frozen_inside_and_given_back_after() -> None:
    # the API's startup freezes its process's heap (api/app.py), and tests start the app
    # in this process: give it back for the test, and freeze it again after
    left_frozen = gc.get_freeze_count() > 0
    gc.unfreeze()
    try:
        _frozen_and_given_back()
    finally:
        if left_frozen:
            gc.freeze()


def _frozen_and_given_back() -> None:
    assert gc.get_freeze_count() == 0
    with gc_frozen():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
    with pytest.raises(RuntimeError), gc_frozen():
        raise RuntimeError("a run that fails")
    assert gc.get_freeze_count() == 0
    gc.freeze()
    try:
        with gc_frozen():
            assert gc.get_freeze_count() > 0
        assert gc.get_freeze_count() > 0  # frozen before: left frozen
    finally:
        gc.unfreeze()
