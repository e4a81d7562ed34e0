"""Partial updates from eight clients through two workers lose nothing (issue 17, item 1)."""

from __future__ import annotations

from pathlib import Path

from tests.api.conftest import make_settings, seed, served
from tests.api.lostupdates import count_lost_updates


def test_eight_clients_through_two_workers_lose_no_update(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    keys = seed(settings)
    with served(settings, workers=2) as base:
        tally = count_lost_updates([base], keys["marmara"], clients=8, rounds=15)
    assert tally.errors == []
    assert tally.writes == 8 * 15
    assert tally.lost == 0
