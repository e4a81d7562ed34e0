"""Hidden influencers: people whose influence outranks their formal position.

With ``n`` contacts, ``pct(x, v) = (rank(x, v) - 1) / (n - 1)`` where ``rank``
is the ascending rank of ``v``'s score (:func:`scipy.stats.rankdata`), so the
lowest scorer has percentile 0 and the highest 1. Scores within
:data:`TIE_RTOL` of each other (relative to the largest) are equal: PageRank
gives people in the same position values that differ in the last bits.

**Ties must not create evidence.** The influence percentile counts only the
contacts ``v`` strictly outranks (``ties="min"``): when nobody is tied to
anybody, PageRank is uniform and everyone's influence percentile is 0, not
the median. The formal percentile gives a tie its average rank, the neutral
value (``ties="average"``). The **gap** is ``pct(influence, v) - pct(formal,
v)``; ``v`` is a hidden influencer when ``gap >= min_gap`` and
``pct(influence, v) >= min_influence_percentile``.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Final, Literal, TypeVar

import numpy as np

from graphcrm.analytics.params import HiddenParams
from graphcrm.domain import Model
from graphcrm.errors import InvalidError, Problem

K = TypeVar("K", bound=Hashable)


class HiddenInfluencer(Model):
    contact_id: str
    influence_percentile: float
    formal_percentile: float
    gap: float


TIE_RTOL: Final = 1e-9
"""Scores closer than this times the largest absolute score count as equal."""

Ties = Literal["min", "max", "average"]


def percentiles(scores: Mapping[K, float], *, ties: Ties = "average") -> dict[K, float]:
    """Percentile rank in ``[0, 1]``: ``(rank - 1) / (n - 1)``.

    ``ties`` is :func:`scipy.stats.rankdata`'s ``method`` (the same ranks): ``"min"``
    gives a tied group the share of the others that score strictly lower (ties add
    nothing: use it for "at least this high" thresholds), ``"max"`` the share
    that score lower or the same, ``"average"`` the mean of the two. Scores
    within :data:`TIE_RTOL` of each other, relative to the largest absolute
    score, are tied. Fewer than two scores: 0.

    >>> percentiles({"a": 1.0, "b": 3.0, "c": 3.0})
    {'a': 0.0, 'b': 0.75, 'c': 0.75}
    >>> percentiles({"a": 1.0, "b": 3.0, "c": 3.0}, ties="min")
    {'a': 0.0, 'b': 0.5, 'c': 0.5}
    >>> percentiles({"a": 0.25, "b": 0.25, "c": 0.25, "d": 0.25}, ties="min")
    {'a': 0.0, 'b': 0.0, 'c': 0.0, 'd': 0.0}
    """
    keys = list(scores)
    n = len(keys)
    if n < 2:
        return dict.fromkeys(keys, 0.0)
    x = np.fromiter((float(scores[k]) for k in keys), dtype=float, count=n)
    order = np.argsort(x, kind="stable")
    ordered = x[order]
    tol = TIE_RTOL * float(np.abs(ordered[[0, -1]]).max())
    # The tied groups, ascending: one starts wherever the next score is more than tol
    # higher. A group's "min" rank is its first position in sorted order + 1, its "max"
    # rank its last + 1, "average" the mean of the two: scipy.stats.rankdata's ranks of
    # the groups, without its per-call cost (docs/benchmarks.md, #19).
    starts = np.concatenate(([0], np.flatnonzero(np.diff(ordered) > tol) + 1))
    ends = np.append(starts[1:], n)
    low, high = np.repeat(starts + 1, ends - starts), np.repeat(ends, ends - starts)
    rank = low if ties == "min" else high if ties == "max" else (low + high) / 2
    pct = np.empty(n)
    pct[order] = (rank - 1.0) / (n - 1)
    return dict(zip(keys, pct.tolist(), strict=True))


def hidden_influencers(
    influence: Mapping[K, float],
    formal: Mapping[K, float],
    *,
    params: HiddenParams | None = None,
) -> list[HiddenInfluencer]:
    """Contacts whose influence percentile exceeds their formal percentile (module docs).

    Parameters
    ----------
    influence : mapping
        Contact -> influence (PageRank).
    formal : mapping
        Contact -> formal authority (:func:`.centrality.authority_scores`).

    Returns
    -------
    list of HiddenInfluencer
        Largest gap first, ties by id.

    Raises
    ------
    InvalidError
        The two mappings cover different contacts.

    Examples
    --------
    The analyst is the most influential (pct 1) but the least senior (pct 0):

    >>> infl = {"ceo": 0.3, "vp": 0.2, "analyst": 0.5}
    >>> formal = {"ceo": 1.0, "vp": 0.5, "analyst": 0.1}
    >>> [(h.contact_id, h.gap) for h in hidden_influencers(infl, formal)]
    [('analyst', 1.0)]
    """
    p = params or HiddenParams()
    if set(influence) != set(formal):
        diff = sorted(str(k) for k in set(influence) ^ set(formal))
        raise InvalidError(
            [Problem("hidden_influencers", "formal", f"contacts differ: {', '.join(diff[:5])}")]
        )
    pi, pf = percentiles(influence, ties="min"), percentiles(formal)
    out = [
        HiddenInfluencer(
            contact_id=str(c),
            influence_percentile=pi[c],
            formal_percentile=pf[c],
            gap=pi[c] - pf[c],
        )
        for c in influence
        if pi[c] - pf[c] >= p.min_gap and pi[c] >= p.min_influence_percentile
    ]
    return sorted(out, key=lambda h: (-h.gap, h.contact_id))
