"""Forecast arithmetic: categories, the seeded simulation and its percentiles."""

from __future__ import annotations

import numpy as np
import pytest

from graphcrm.analytics.forecast import (
    BEST_CASE_AT,
    COMMIT_AT,
    SIMULATION_BLOCK,
    Category,
    categorize,
    shock_sd_estimate,
    simulate_won,
    won_percentiles,
)
from graphcrm.errors import InvalidError


def test_categories_follow_the_documented_thresholds() -> None:
    assert (COMMIT_AT, BEST_CASE_AT) == (0.7, 0.4)
    assert categorize(1.0) is categorize(0.7) is Category.COMMIT
    assert categorize(0.6999) is categorize(0.4) is Category.BEST_CASE
    assert categorize(0.3999) is categorize(0.0) is Category.PIPELINE


def test_sure_outcomes_are_exact_and_groups_add_up() -> None:
    won = simulate_won(
        [1.0, 0.0, 1.0], [5.0, 7.0, 2.0], [0, 1, 1], n_groups=3, simulations=50, seed=1
    )
    assert won.shape == (50, 3)
    assert np.all(won == [5.0, 2.0, 0.0])


def test_the_shared_shock_moves_all_deals_of_an_outcome_together() -> None:
    # 2,000 deals at p = 0.5: independently the share won has sd sqrt(0.25 / 2000) = 0.011;
    # with a shock e ~ N(0, 0.4) on every logit the share follows expit(e), whose sd is
    # about 0.25 x 0.4 = 0.1 (the slope of expit at 0), and its mean stays 0.5 (symmetry).
    n = 2000
    won = simulate_won([0.5] * n, [1.0] * n, [0] * n, n_groups=1, simulations=2000, seed=5,
                       shock_sd=0.4)[:, 0] / n  # fmt: skip
    assert won.mean() == pytest.approx(0.5, abs=0.01)
    assert 0.09 < won.std() < 0.105
    alone = simulate_won([0.5] * n, [1.0] * n, [0] * n, n_groups=1, simulations=2000, seed=5,
                         shock_sd=0.0)[:, 0] / n  # fmt: skip
    assert alone.std() == pytest.approx(np.sqrt(0.25 / n), rel=0.1)
    # sure outcomes stay sure under any shock
    sure = simulate_won([1.0, 0.0], [5.0, 7.0], [0, 0], n_groups=1, simulations=50, seed=1,
                        shock_sd=3.0)  # fmt: skip
    assert np.all(sure == 5.0)


def test_shock_sd_estimate_reads_the_excess_spread_of_counts() -> None:
    # two periods each expecting 20 wins with variance 10: 10 and 30 won give squared
    # errors 100 + 100 against 20 expected of independent deals, so σ² = 180 / 200
    assert shock_sd_estimate([10, 30], [20.0, 20.0], [10.0, 10.0]) == pytest.approx(0.9**0.5)
    assert shock_sd_estimate([20, 21], [20.0, 20.0], [10.0, 10.0]) == 0.0
    assert shock_sd_estimate([], [], []) == 0.0


def test_the_simulation_is_seeded_and_its_mean_is_the_expected_value() -> None:
    rng = np.random.default_rng(7)
    n = 3 * SIMULATION_BLOCK + 5  # several blocks
    p, a = rng.random(n), rng.integers(1, 100, n).astype(float)
    groups = list(rng.integers(0, 4, n))
    first = simulate_won(p, a, groups, n_groups=4, simulations=4000, seed=3, shock_sd=0.0)
    again = simulate_won(p, a, groups, n_groups=4, simulations=4000, seed=3, shock_sd=0.0)
    other = simulate_won(p, a, groups, n_groups=4, simulations=4000, seed=4, shock_sd=0.0)
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)
    expected = float(np.sum(p * a))
    sd = float(np.sqrt(np.sum(p * (1 - p) * a**2)))
    total = first.sum(axis=1)
    # the mean of 4,000 draws is within 4 standard errors of Σ p·a
    assert abs(total.mean() - expected) < 4 * sd / np.sqrt(4000)
    assert total.std() == pytest.approx(sd, rel=0.05)
    for g in range(4):
        mask = np.array(groups) == g
        assert first[:, g].mean() == pytest.approx(float(np.sum(p[mask] * a[mask])), rel=0.05)


def test_percentiles_are_p10_p50_p90_of_each_column() -> None:
    won = np.arange(11, dtype=float).reshape(11, 1) * [1.0, 10.0]
    assert won_percentiles(won).tolist() == [[1.0, 10.0], [5.0, 50.0], [9.0, 90.0]]


def test_no_deals_simulate_to_zero() -> None:
    won = simulate_won([], [], [], n_groups=1, simulations=10, seed=0)
    assert won.shape == (10, 1)
    assert not won.any()


@pytest.mark.parametrize(
    ("p", "a", "g", "field"),
    [
        ([0.5], [1.0, 2.0], [0], "deals"),
        ([1.5], [1.0], [0], "probabilities"),
        ([0.5], [-1.0], [0], "amounts"),
        ([0.5], [1.0], [2], "groups"),
    ],
)
def test_bad_inputs_are_named(p: list[float], a: list[float], g: list[int], field: str) -> None:
    with pytest.raises(InvalidError, match=rf"forecast\.{field}"):
        simulate_won(p, a, g, n_groups=2, simulations=10, seed=0)
    with pytest.raises(InvalidError, match=r"forecast\.simulations"):
        simulate_won([0.5], [1.0], [0], n_groups=1, simulations=0, seed=0)
    for bad in (-0.1, float("nan"), float("inf")):
        with pytest.raises(InvalidError, match=r"forecast\.shock_sd"):
            simulate_won([0.5], [1.0], [0], n_groups=1, simulations=1, seed=0, shock_sd=bad)
