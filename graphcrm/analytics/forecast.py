"""Forecast arithmetic: categories from P(win), and the won amount by simulation.

Pure functions over arrays (``docs/scoring.md`` §4b). A deal's *category*
follows from its win probability alone, by the fixed thresholds
:data:`COMMIT_AT` and :data:`BEST_CASE_AT` (chosen as round numbers in the
usual sales sense of the words, not fitted on anything). The range of the won
amount comes from a seeded Monte Carlo simulation that treats the deals as
independent Bernoulli trials.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

import numpy as np
import numpy.typing as npt

from graphcrm.errors import InvalidError, Problem

COMMIT_AT: Final = 0.7
"""A deal with ``P(win) >= 0.7`` is *commit*."""
BEST_CASE_AT: Final = 0.4
"""A deal with ``0.4 <= P(win) < 0.7`` is *best case*; below, *pipeline*."""
PERCENTILES: Final = (10.0, 50.0, 90.0)
"""The percentiles of the simulated won amount that a forecast shows."""
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
) -> np.ndarray:
    """The won amount of each group in each of ``simulations`` simulated outcomes.

    Deal ``i`` is won with probability ``probabilities[i]``, independently of
    every other deal, and then adds ``amounts[i]`` to its group ``groups[i]``
    (``0 <= groups[i] < n_groups``). The draws come from
    ``numpy.random.default_rng(seed)``, deal blocks of
    :data:`SIMULATION_BLOCK` in the given order, so the same inputs give the
    same array.

    Returns
    -------
    numpy.ndarray
        Shape ``(simulations, n_groups)``; row sums are the simulated totals.

    Raises
    ------
    InvalidError
        Lengths differ, a probability is outside [0, 1], an amount is negative,
        a group is out of range, or ``simulations < 1``.

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
    if problems:
        raise InvalidError(problems)
    rng = np.random.default_rng(seed)
    won = np.zeros((simulations, n_groups))
    for start in range(0, len(p), SIMULATION_BLOCK):
        stop = start + SIMULATION_BLOCK
        draws = rng.random((simulations, len(p[start:stop]))) < p[start:stop]
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
