"""Hidden influencers: people whose influence outranks their formal position.

With ``n`` contacts, ``pct(x, v) = (rank(x, v) - 1) / (n - 1)`` where
``rank`` is the ascending rank of ``v``'s score with ties averaged
(:func:`scipy.stats.rankdata`): the lowest scorer has percentile 0, the
highest 1. The **gap** is ``pct(influence, v) - pct(formal, v)``; ``v`` is
a hidden influencer when ``gap >= min_gap`` and
``pct(influence, v) >= min_influence_percentile``.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

from graphcrm.analytics.params import HiddenParams
from graphcrm.domain import Model
from graphcrm.errors import InvalidError, Problem

K = TypeVar("K", bound=Hashable)


class HiddenInfluencer(Model):
    contact_id: str
    influence_percentile: float
    formal_percentile: float
    gap: float


def percentiles(scores: Mapping[K, float]) -> dict[K, float]:
    """Percentile rank in ``[0, 1]``, ties averaged.

    >>> percentiles({"a": 1.0, "b": 3.0, "c": 3.0})
    {'a': 0.0, 'b': 0.75, 'c': 0.75}
    """
    keys = list(scores)
    n = len(keys)
    if n < 2:
        return dict.fromkeys(keys, 0.0)
    # Average ranks of ties, as scipy.stats.rankdata(method="average") (pure
    # Python: for the tens of contacts of an account scipy's overhead dominates).
    values = [float(scores[k]) for k in keys]
    order = sorted(range(n), key=values.__getitem__)
    out: dict[K, float] = {}
    start = 0
    while start < n:
        end = start + 1
        while end < n and values[order[end]] == values[order[start]]:
            end += 1
        rank = (start + end - 1) / 2.0  # 0-based average rank of the tie group
        for i in order[start:end]:
            out[keys[i]] = rank / (n - 1)
        start = end
    return {k: out[k] for k in keys}


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
    pi, pf = percentiles(influence), percentiles(formal)
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
