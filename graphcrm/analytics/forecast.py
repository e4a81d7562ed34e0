"""Forecast arithmetic: categories from P(win), and the won amount by simulation.

Pure functions over arrays (``docs/scoring.md`` §4b). A deal's *category*
follows from its win probability alone, by the fixed thresholds
:data:`COMMIT_AT` and :data:`BEST_CASE_AT` (chosen as round numbers in the
usual sales sense of the words, not fitted on anything). The range of the won
amount comes from a seeded Monte Carlo simulation: each simulated outcome
draws one shock on the logit shared by all its deals (:data:`QUARTER_SHOCK_SD`:
a quarter in which every deal does better or worse than predicted), then
wins each deal as an independent Bernoulli trial at its shocked probability.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from enum import StrEnum
from typing import Final

import numpy as np
import numpy.typing as npt
from scipy.special import expit, logit

from graphcrm.errors import InvalidError, Problem

COMMIT_AT: Final = 0.7
"""A deal with ``P(win) >= 0.7`` is *commit*."""
BEST_CASE_AT: Final = 0.4
"""A deal with ``0.4 <= P(win) < 0.7`` is *best case*; below, *pipeline*."""
PERCENTILES: Final = (10.0, 50.0, 90.0)
"""The percentiles of the simulated won amount that a forecast shows."""
QUARTER_SHOCK_SD: Final = 0.1
"""Standard deviation of the shock on the logit that one simulated outcome
shares across all its deals. Estimated with :func:`shock_sd_estimate` on
the back-test quarters of the development seeds (``docs/scoring.md`` §4b),
never on the report seeds."""
SIMULATION_BLOCK: Final = 256
"""Deals drawn per block of the simulation: bounds its memory at
``simulations x SIMULATION_BLOCK`` draws, whatever the number of deals."""


class Category(StrEnum):
    """A deal's forecast category, from its win probability."""

    COMMIT = "commit"
    BEST_CASE = "best_case"
    PIPELINE = "pipeline"


def categorize(probability: float) -> Category:
    """The category of a deal with win probability ``probability``.

    >>> [categorize(p).value for p in (0.9, 0.7, 0.69, 0.4, 0.39)]
    ['commit', 'commit', 'best_case', 'best_case', 'pipeline']
    """
    if probability >= COMMIT_AT:
        return Category.COMMIT
    if probability >= BEST_CASE_AT:
        return Category.BEST_CASE
    return Category.PIPELINE


def simulate_won(
    probabilities: npt.ArrayLike,
    amounts: npt.ArrayLike,
    groups: npt.ArrayLike,
    *,
    n_groups: int,
    simulations: int,
    seed: int,
    shock_sd: float = QUARTER_SHOCK_SD,
) -> np.ndarray:
    """The won amount of each group in each of ``simulations`` simulated outcomes.

    In outcome ``s`` every deal's logit moves by the same shock
    ``e_s ~ Normal(0, shock_sd)``; deal ``i`` is then won with probability
    ``expit(logit(probabilities[i]) + e_s)``, independently of every other
    deal (a probability of 0 or 1 stays), and adds ``amounts[i]`` to its
    group ``groups[i]`` (``0 <= groups[i] < n_groups``). The draws come from
    ``numpy.random.default_rng(seed)``: the shocks first (none when
    ``shock_sd`` is 0), then deal blocks of :data:`SIMULATION_BLOCK` in the
    given order, so the same inputs give the same array.

    Returns
    -------
    numpy.ndarray
        Shape ``(simulations, n_groups)``; row sums are the simulated totals.

    Raises
    ------
    InvalidError
        Lengths differ, a probability is outside [0, 1], an amount is negative,
        a group is out of range, ``simulations < 1`` or ``shock_sd`` is
        negative or not finite.

    Examples
    --------
    A deal that is sure to be won and one that is sure to be lost:

    >>> simulate_won([1.0, 0.0], [5.0, 7.0], [0, 1], n_groups=2, simulations=3, seed=0)
    array([[5., 0.],
           [5., 0.],
           [5., 0.]])
    """
    p = np.asarray(probabilities, dtype=float)
    a = np.asarray(amounts, dtype=float)
    g = np.asarray(groups, dtype=np.int64)
    problems = []
    if not (len(p) == len(a) == len(g)):
        problems.append(Problem("forecast", "deals", "probabilities, amounts, groups differ"))
    elif len(p) and (np.any(p < 0) or np.any(p > 1) or not np.all(np.isfinite(p))):
        problems.append(Problem("forecast", "probabilities", "must be within [0, 1]"))
    elif len(a) and (np.any(a < 0) or not np.all(np.isfinite(a))):
        problems.append(Problem("forecast", "amounts", "must be finite and >= 0"))
    elif len(g) and (g.min() < 0 or g.max() >= n_groups):
        problems.append(Problem("forecast", "groups", f"must be within [0, {n_groups})"))
    if simulations < 1:
        problems.append(Problem("forecast", "simulations", "must be >= 1"))
    if not (np.isfinite(shock_sd) and shock_sd >= 0):
        problems.append(Problem("forecast", "shock_sd", "must be finite and >= 0"))
    if problems:
        raise InvalidError(problems)
    rng = np.random.default_rng(seed)
    shocks = rng.normal(0.0, shock_sd, (simulations, 1)) if shock_sd > 0 else None
    won = np.zeros((simulations, n_groups))
    for start in range(0, len(p), SIMULATION_BLOCK):
        stop = start + SIMULATION_BLOCK
        block = p[start:stop] if shocks is None else expit(logit(p[start:stop]) + shocks)
        draws = rng.random((simulations, len(p[start:stop]))) < block
        one_hot = np.zeros((len(p[start:stop]), n_groups))
        one_hot[np.arange(len(one_hot)), g[start:stop]] = a[start:stop]
        won += draws @ one_hot
    return won


def won_percentiles(won: np.ndarray) -> np.ndarray:
    """P10, P50 and P90 (:data:`PERCENTILES`) of each column of ``won``
    (numpy's default linear interpolation); shape ``(3, columns)``.

    >>> won_percentiles(np.array([[0.0], [10.0]])).ravel().tolist()
    [1.0, 5.0, 9.0]
    """
    out: np.ndarray = np.percentile(won, PERCENTILES, axis=0)
    return out


def shock_sd_estimate(
    won: Sequence[float], expected: Sequence[float], variance: Sequence[float]
) -> float:
    """The shared shock's standard deviation that past periods' counts imply.

    For each period ``q``: ``won[q]`` deals won, ``expected[q] = Σ p`` and
    ``variance[q] = Σ p (1 - p)`` over its deals' predicted probabilities.
    Independent deals give ``E[(won - expected)²] = variance``; a shock
    ``e ~ Normal(0, σ)`` on every logit adds about ``variance² σ²`` (the
    count moves by ``Σ p (1 - p) = variance`` per unit of logit). Pooled over
    the periods, by the method of moments::

        σ² = max(0, Σ_q [(won_q - expected_q)² - variance_q]) / Σ_q variance_q²

    >>> shock_sd_estimate([10, 30], [20.0, 20.0], [10.0, 10.0])
    0.9486832980505138
    >>> shock_sd_estimate([20, 21], [20.0, 20.0], [10.0, 10.0])
    0.0
    """
    excess = sum((w - e) ** 2 - v for w, e, v in zip(won, expected, variance, strict=True))
    spread = sum(v * v for v in variance)
    return math.sqrt(max(0.0, excess) / spread) if spread > 0 else 0.0
