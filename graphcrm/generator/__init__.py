"""Realistic, deterministic, sector-aware portfolios for demos, tests and benchmarks.

:func:`generate_portfolio` streams :class:`~graphcrm.domain.ChangeSet`
batches (reps first, then one batch per chunk of accounts, each followed by
that chunk's departures), so a 100k-account portfolio never sits in memory.
:func:`demo_portfolio` is the small portfolio ``graphcrm demo`` loads.

What is generated
    Accounts in four sectors (:class:`Sector`; see :mod:`~graphcrm.generator.sectors`
    for departments, committees and cycle lengths), in Turkish regions and
    abroad, some grouped under a holding parent. Each has an org tree (CEO,
    C-suite, department heads, directors, managers, individual contributors,
    a few dotted lines), influence edges along and across the hierarchy,
    planted hidden influencers, reps who know some contacts, and deals with
    buying committees (about 6.8 people, one primary contact), months of
    touchpoints, non-linear stage histories, close-date slips, people who
    leave (with successors), seats that change roles or drop off, and closed
    deals won or lost.

Ground truth
    Closed deals are decided by the outcome model of
    :mod:`graphcrm.generator.outcome`, in short ``P(won) = σ(-1.5 + 2.4 C +
    0.8 E + 1.0 M - 1.8 O - 1.6 L - 1.0 S)`` over the champion's strength and
    engagement ``C``, the economic buyer's engagement ``E``, multi-threading
    ``M``, the strongest opponent's influence ``O``, the champion leaving
    ``L`` and staleness ``S``. Hidden influencers are the low-ranked contacts
    with six or more advises/trusts edges. :func:`closed_deals` and
    :func:`hidden_influencers` recompute both from the rows, so analytics can
    be scored against them.
"""

from graphcrm.generator.outcome import (
    ClosedDeal,
    DealFeatures,
    closed_deals,
    hidden_influencers,
    influence_score,
)
from graphcrm.generator.portfolio import (
    GeneratorConfig,
    demo_config,
    demo_portfolio,
    generate_portfolio,
)
from graphcrm.generator.sectors import PROFILES, Sector, SectorProfile

__all__ = [
    "PROFILES",
    "ClosedDeal",
    "DealFeatures",
    "GeneratorConfig",
    "Sector",
    "SectorProfile",
    "closed_deals",
    "demo_config",
    "demo_portfolio",
    "generate_portfolio",
    "hidden_influencers",
    "influence_score",
]
