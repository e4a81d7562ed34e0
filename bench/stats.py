"""Rank statistics by hand (no sklearn): ROC AUC, its bootstrap interval, Spearman."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Sequence


def average_ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks of ``values``, ties given the mean of their ranks.

    >>> average_ranks([10.0, 20.0, 10.0, 30.0])
    [1.5, 3.0, 1.5, 4.0]
    """
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def roc_auc(scores: Sequence[float], positive: Sequence[bool]) -> float:
    """P(a random positive scores above a random negative), ties counting 1/2.

    Mann-Whitney: ``AUC = (R+ - n+ (n+ + 1) / 2) / (n+ n-)`` with ``R+`` the sum
    of the positives' average ranks.

    >>> roc_auc([0.9, 0.8, 0.3, 0.1], [True, False, True, False])
    0.75
    >>> roc_auc([1, 1, 0, 0], [True, False, True, False])
    0.5
    """
    n_pos = sum(positive)
    n_neg = len(positive) - n_pos
    if n_pos == 0 or n_neg == 0:
        raise ValueError("AUC needs both positives and negatives")
    ranks = average_ranks(scores)
    r_pos = sum(r for r, p in zip(ranks, positive, strict=True) if p)
    return (r_pos - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def stratified_auc(
    scores: Sequence[float], positive: Sequence[bool], strata: Sequence[object]
) -> float:
    """The AUC over positive-negative pairs of the same stratum only (pairs-weighted).

    It answers: among deals in the same stage, does the score still rank the
    lost above the won?

    >>> stratified_auc([1, 0, 0, 1], [True, False, True, False], ["a", "a", "b", "b"])
    0.5
    """
    groups: dict[object, list[int]] = defaultdict(list)
    for i, key in enumerate(strata):
        groups[key].append(i)
    num = den = 0.0
    for idx in groups.values():
        pos = [positive[i] for i in idx]
        pairs = sum(pos) * (len(pos) - sum(pos))
        if pairs:
            num += roc_auc([scores[i] for i in idx], pos) * pairs
            den += pairs
    if den == 0:
        raise ValueError("no stratum holds both positives and negatives")
    return num / den


def bootstrap_interval(
    scores: Sequence[float], positive: Sequence[bool], *, rounds: int = 1000, seed: int = 0
) -> tuple[float, float]:
    """A percentile 95 % interval of the AUC over ``rounds`` seeded resamples."""
    rng = random.Random(seed)
    n = len(scores)
    out: list[float] = []
    while len(out) < rounds:
        idx = [rng.randrange(n) for _ in range(n)]
        pos = [positive[i] for i in idx]
        if all(pos) or not any(pos):
            continue
        out.append(roc_auc([scores[i] for i in idx], pos))
    out.sort()
    return out[int(0.025 * rounds)], out[int(0.975 * rounds) - 1]


def spearman(a: Sequence[float], b: Sequence[float]) -> float:
    """Spearman's rank correlation: Pearson's on the average ranks.

    >>> spearman([1, 2, 3, 4], [10, 20, 30, 40]), spearman([1, 2, 3], [3, 2, 1])
    (1.0, -1.0)
    """
    ra, rb = average_ranks(a), average_ranks(b)
    n = len(ra)
    ma, mb = sum(ra) / n, sum(rb) / n
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb, strict=True))
    va = sum((x - ma) ** 2 for x in ra)
    vb = sum((y - mb) ** 2 for y in rb)
    return float(cov / math.sqrt(va * vb))
