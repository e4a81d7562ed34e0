"""The generator's output pinned by digest, for two seeds and with every outcome option.

A refactoring of the generator must leave these digests as they are. A change
that means to move the data (a new draw, another distribution) updates them
on purpose, and says so in its commit.
"""

from __future__ import annotations

import hashlib

import pytest

from graphcrm.generator import GeneratorConfig, OutcomeOptions, generate_portfolio, truth_index

BASE = GeneratorConfig(accounts=14, seed=0, size_max=150, holding_rate=0.3)
OPTIONS = OutcomeOptions(
    stages="committee",
    stance_noise=0.2,
    stance_delay_days=20,
    random_coefficients=True,
    hidden_driver=1.0,
)


def _digest(config: GeneratorConfig) -> str:
    """SHA-256 of every batch's JSON, in stream order, then of the oracle's truths."""
    h = hashlib.sha256()
    for batch in generate_portfolio(config):
        h.update(batch.model_dump_json().encode())
    index = truth_index(config)
    h.update(repr(index.coefficients).encode())
    for deal_id in sorted(index.deals):
        h.update(repr(index.deals[deal_id]).encode())
    return h.hexdigest()[:16]


@pytest.mark.parametrize(
    ("seed", "options", "expected"),
    [
        (7, None, "64b9aafffdd63f70"),
        (2024, None, "cc21410ec8d8ebfa"),
        (7, OPTIONS, "7a3ca16443101d0f"),
    ],
)
def test_portfolio_digest_is_pinned(
    seed: int, options: OutcomeOptions | None, expected: str
) -> None:
    update: dict[str, object] = {"seed": seed}
    if options is not None:
        update["outcome"] = options
    assert _digest(BASE.model_copy(update=update)) == expected
