"""Risk signals: named rules that say what was seen on a deal, with the evidence.

A :class:`RiskSignal` is a rule that fired (no champion, economic buyer
unknown, single-threaded, ...): a code, a message naming people, and the
evidence (contact ids, edges, touchpoint ids). Signals explain; they carry no
points and make no number. A deal's risk is a display of the win-probability
model (:mod:`graphcrm.analytics.risk`, ``docs/scoring.md`` §4).

:func:`hand_weighted_risk` is the old hand-weighted score (a sum of per-rule
points from :class:`~graphcrm.analytics.params.RiskParams`, capped at 100). It
is kept only as the benchmarks' reference point (``bench/winprob.py``,
``bench/validate_scores.py``: "the old hand-weighted score") and is shown
nowhere in the product.

Departures and role changes are not in the as-of graph (it holds only the
current state), so they come in as :class:`StakeholderChange` rows; a contact
whose status is ``left_company`` with ``status_from`` inside the window counts
as a departure even without a row.

What a signal is lives in :mod:`.model`, the rules in :mod:`.rules`; every name
is imported from here.
"""

from __future__ import annotations

from collections.abc import Sequence

from graphcrm.analytics.graph import StakeholderNetwork
from graphcrm.analytics.params import RiskParams
from graphcrm.analytics.scoring import ContactScores
from graphcrm.analytics.signals.model import (
    ChangeKind,
    EdgeRef,
    Evidence,
    HandWeightedRisk,
    RiskSignal,
    SignalCode,
    StakeholderChange,
    WeightedSignal,
)
from graphcrm.analytics.signals.rules import champion_of, is_champion, run_rules
from graphcrm.domain import DealView

__all__ = [
    "ChangeKind",
    "EdgeRef",
    "Evidence",
    "HandWeightedRisk",
    "RiskSignal",
    "SignalCode",
    "StakeholderChange",
    "WeightedSignal",
    "champion_of",
    "deal_signals",
    "hand_weighted_risk",
    "is_champion",
]


def deal_signals(
    net: StakeholderNetwork,
    deal_id: str,
    *,
    scores: ContactScores | None = None,
    history: DealView | None = None,
    changes: Sequence[StakeholderChange] = (),
    params: RiskParams | None = None,
    seed: int = 0,
) -> tuple[RiskSignal, ...]:
    """The signals that fire on one deal as of ``net.as_of``, in the order the rules run.

    Parameters
    ----------
    net : StakeholderNetwork
        From :func:`.graph.build_network`.
    deal_id : str
        A deal in ``net``.
    scores : ContactScores, optional
        Pre-computed :func:`.scoring.score_contacts` (computed when omitted).
    history : DealView, optional
        Stage and close-date history, for the regression and slip signals.
    changes : sequence of StakeholderChange
        Recent departures and role changes (see the module docstring).
    params : RiskParams, optional
        The rules' thresholds (their points are not used).
    seed : int
        Passed to :func:`.scoring.score_contacts` when it runs.

    Raises
    ------
    NotFoundError
        ``deal_id`` is not in the network.
    InvalidError
        ``history`` is for another deal, or a change names an unknown contact.
    """
    fired = run_rules(
        net, deal_id, scores=scores, history=history, changes=changes, params=params, seed=seed
    )
    return tuple(RiskSignal(code=f.code, message=f.message, evidence=f.evidence) for f in fired)


def hand_weighted_risk(
    net: StakeholderNetwork,
    deal_id: str,
    *,
    scores: ContactScores | None = None,
    history: DealView | None = None,
    changes: Sequence[StakeholderChange] = (),
    params: RiskParams | None = None,
    seed: int = 0,
) -> HandWeightedRisk:
    """The old hand-weighted score, 0-100: ``min(100, Σ points)`` of the signals that
    fire, with the points of :class:`~graphcrm.analytics.params.RiskParams`.

    The benchmarks' reference point only (``docs/scoring.md`` §10): the product
    shows risk as ``100 × (1 - P(win))`` (:func:`graphcrm.analytics.risk.deal_risk`).
    Parameters and errors as :func:`deal_signals`.
    """
    factors = run_rules(
        net, deal_id, scores=scores, history=history, changes=changes, params=params, seed=seed
    )
    factors.sort(key=lambda f: (-f.points, f.code.value))
    return HandWeightedRisk(
        deal_id=deal_id,
        as_of=net.as_of,
        score=min(100.0, sum(f.points for f in factors)),
        factors=tuple(factors),
    )
