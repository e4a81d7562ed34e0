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

Out-of-distribution portfolios
    ``GeneratorConfig(outcome=OutcomeOptions(...))`` departs from that model
    on purpose, to validate a learned model on portfolios it was not tuned
    on: stages driven by the committee rather than drawn after the outcome
    (``stages="committee"``), noisy or late-known stances in the rows
    (``stance_noise``, ``stance_delay_days``; the outcome uses the true
    ones), outcome weights drawn per portfolio (``random_coefficients``,
    :func:`draw_coefficients`), and a per-deal driver no row records
    (``hidden_driver``). The defaults give today's portfolios byte for byte.

The oracle
    :func:`truth_index` keeps the generator's truth of a portfolio's closed
    deals and :func:`drivers_as_of` returns, for one deal at an instant of
    its life, the stage then and the true drivers measured up to then (true
    stances and the hidden shock included): the reference no model reading
    the store can beat. See :mod:`graphcrm.generator.oracle`.
"""

from graphcrm.generator.oracle import DealTruth, TrueDrivers, TruthIndex, drivers_as_of
from graphcrm.generator.outcome import (
    DEFAULT_COEFFICIENTS,
    ClosedDeal,
    Coefficients,
    DealFeatures,
    OutcomeOptions,
    closed_deals,
    draw_coefficients,
    hidden_influencers,
    influence_score,
)
from graphcrm.generator.portfolio import (
    GeneratorConfig,
    demo_config,
    demo_portfolio,
    generate_portfolio,
    outcome_coefficients,
    truth_index,
)
from graphcrm.generator.profiles import PROFILES
from graphcrm.generator.sectors import Sector, SectorProfile

__all__ = [
    "DEFAULT_COEFFICIENTS",
    "PROFILES",
    "ClosedDeal",
    "Coefficients",
    "DealFeatures",
    "DealTruth",
    "GeneratorConfig",
    "OutcomeOptions",
    "Sector",
    "SectorProfile",
    "TrueDrivers",
    "TruthIndex",
    "closed_deals",
    "demo_config",
    "demo_portfolio",
    "draw_coefficients",
    "drivers_as_of",
    "generate_portfolio",
    "hidden_influencers",
    "influence_score",
    "outcome_coefficients",
    "truth_index",
]
