"""Fit the win-probability model on a store's own closed deals (``graphcrm train``).

Training data
    Every closed deal is read at calendar dates over its open life: the
    instants ``EPOCH + k * every_days`` (default every 14 days) after it was
    created and before it closed. Each snapshot reads the account *as of* that
    instant through the store (:func:`graphcrm.services.deals.read_account`),
    so it sees nothing that happened later: not the outcome, not later
    touchpoints, stances or stage moves. Its label is the deal's outcome.

Model
    A logistic regression with an L2 penalty over
    :data:`graphcrm.analytics.winprob.FEATURES`, standardised, whose
    coefficients keep the signs of :data:`SIGNS` (a strong champion never
    lowers the probability, a backward stage move never raises it); every
    snapshot weighs the same, as the open deals of a date do. The penalty is
    :data:`PENALTIES` (one value, ``C = 1``). Cross-validation respects time and
    accounts: deals are cut into :data:`FOLDS` blocks by close date, and each
    block is predicted by a model fitted on the older blocks' deals of *other*
    accounts. The out-of-fold predictions give the card's AUC, Brier score and
    reliability (and would choose among several penalties by log-loss). The
    probabilities are the regression's own: calibration is measured, not
    adjusted. A Platt scaling fitted on these time-ordered out-of-fold
    predictions calibrated held-out pipelines of development portfolios worse
    than the regression's own probabilities (``docs/scoring.md`` §4a). The
    stage-only model is fitted the same way on the stage indicators alone.

Too little data
    With fewer than :data:`MIN_CLOSED_DEALS` closed deals, or fewer than
    :data:`MIN_PER_OUTCOME` won or lost, the store keeps using the shipped
    prior (:func:`prior_card`), fitted on generated data, and every
    probability shown says so.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from importlib import resources
from typing import Final

import numpy as np

from graphcrm.analytics.signals import hand_weighted_risk
from graphcrm.analytics.winprob import FEATURES, STAGE_FEATURES, DealFeatures, deal_features
from graphcrm.domain import AccountId, DealView, PageRequest, Stage
from graphcrm.domain.winmodel import ModelSource, ReliabilityBin, WinModel, WinModelCard
from graphcrm.errors import NotFoundError
from graphcrm.services.deals import history_until, read_account
from graphcrm.services.params import AnalyticsParams
from graphcrm.store.port import GraphStore

EPOCH: Final = datetime(2000, 1, 3, tzinfo=UTC)
"""Snapshot dates are this Monday plus whole multiples of ``every_days``."""

SNAPSHOT_DAYS: Final = 14
FOLDS: Final = 5
PENALTIES: Final[tuple[float, ...]] = (1.0,)
"""Candidate inverse L2 strengths (``C``): one, fixed. On development seeds 101-104 the
grid ``0.01-3`` chosen by the time folds' log-loss (it picked 0.03 or 0.1) calibrated
held-out pipelines worse than ``C = 1`` at the same AUCs and Brier scores
(``docs/benchmarks.md``, "The penalty rule"): folds fitted on older closes want more
shrinkage than the full fit's calibration does."""
MIN_CLOSED_DEALS: Final = 40
MIN_PER_OUTCOME: Final = 10
RELIABILITY_BINS: Final = 10


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A closed deal read as of ``at``: its features then, and how it ended."""

    account_id: AccountId
    at: datetime
    closed_at: datetime
    won: bool
    features: DealFeatures
    risk: float | None = None
    """The old hand-weighted score at the same instant (asked for by the benchmarks only)."""


@dataclass(frozen=True, slots=True)
class ClosedDeal:
    view: DealView
    created: datetime
    closed_at: datetime
    won: bool


def closed_deals(store: GraphStore) -> list[ClosedDeal]:
    """Every closed deal of the store with its history, oldest close first."""
    out: list[ClosedDeal] = []
    for stage in (Stage.CLOSED_WON, Stage.CLOSED_LOST):
        offset = 0
        while True:
            page = store.list_deals(PageRequest(limit=1000, offset=offset), stage=stage)
            for view in store.get_deals([deal.id for deal in page.items]):
                closing = [c for c in view.stage_history if c.to_stage.is_closed]
                if not view.stage_history or not closing:
                    continue
                out.append(
                    ClosedDeal(
                        view, view.stage_history[0].at, closing[-1].at, stage is Stage.CLOSED_WON
                    )
                )
            offset += len(page.items)
            if offset >= page.total or not page.items:
                break
    out.sort(key=lambda d: (d.closed_at, d.view.deal.id))
    return out


def calendar_instants(start: datetime, end: datetime, every_days: int) -> list[datetime]:
    """The snapshot dates strictly after ``start`` and strictly before ``end``.

    >>> a = datetime(2025, 1, 1, tzinfo=UTC)
    >>> [t.date().isoformat() for t in calendar_instants(a, a + timedelta(days=30), 14)]
    ['2025-01-13', '2025-01-27']
    """
    step = timedelta(days=every_days)
    k = math.floor((start - EPOCH) / step) + 1
    out = []
    t = EPOCH + k * step
    while t < end:
        if t > start:
            out.append(t)
        t += step
    return out


def snapshots(
    store: GraphStore,
    deals: Sequence[ClosedDeal],
    instants: Callable[[ClosedDeal], Iterable[datetime]],
    *,
    params: AnalyticsParams | None = None,
    with_risk: bool = False,
) -> list[Snapshot]:
    """Each deal read at each of its ``instants(deal)``; one store read per account and
    instant. ``with_risk`` also scores the old hand-weighted risk (the benchmarks'
    reference point, :func:`graphcrm.analytics.signals.hand_weighted_risk`)."""
    p = params or AnalyticsParams()
    wanted: dict[tuple[AccountId, datetime], list[ClosedDeal]] = defaultdict(list)
    for d in deals:
        for t in instants(d):
            wanted[(d.view.deal.account_id, t)].append(d)
    out: list[Snapshot] = []
    for (account, at), group in sorted(wanted.items()):
        snap = read_account(store, account, at=at, params=p)
        for d in group:
            deal_id = d.view.deal.id
            deal = snap.net.deals.get(deal_id)
            if deal is None or deal.stage.is_closed:
                continue
            history = history_until(d.view, at, deal)
            changes = snap.changes.for_deal(deal_id)
            features = deal_features(
                snap.net,
                deal_id,
                scores=snap.scores,
                history=history,
                changes=changes,
                params=p.risk,
            )
            risk = None
            if with_risk:
                risk = hand_weighted_risk(
                    snap.net,
                    deal_id,
                    scores=snap.scores,
                    history=history,
                    changes=changes,
                    params=p.risk,
                ).score
            out.append(Snapshot(account, at, d.closed_at, d.won, features, risk))
    return out


def calendar_snapshots(
    store: GraphStore,
    deals: Sequence[ClosedDeal],
    *,
    every_days: int = SNAPSHOT_DAYS,
    params: AnalyticsParams | None = None,
) -> list[Snapshot]:
    """Snapshots of ``deals`` at the calendar dates of their open lives."""
    return snapshots(
        store,
        deals,
        lambda d: calendar_instants(d.created, d.closed_at, every_days),
        params=params,
    )


# --- fitting ---------------------------------------------------------------------------


def _matrix(rows: Sequence[Snapshot], features: Sequence[str]) -> np.ndarray:
    """The snapshots' features, NaN where one is unknown (``close_in`` without a date)."""
    return np.array(
        [[s.features.values.get(f, math.nan) for f in features] for s in rows], dtype=float
    )


def _weights(rows: Sequence[Snapshot]) -> np.ndarray:
    """Every snapshot weighs the same: the model answers for the deals open at a date,
    among which a deal that stays open longer is met more often (length-biased, as the
    calendar snapshots are). Weighing each deal one in total made it a model of deals
    rather than of open deals, and its probabilities too low for a pipeline, where the
    long deals (more often won, on generated data) are over-represented."""
    return np.ones(len(rows))


@dataclass(frozen=True, slots=True)
class _Fitted:
    model: WinModel
    logit: Callable[[np.ndarray], np.ndarray]


SIGNS: Final[dict[str, int]] = {
    **dict.fromkeys(
        (
            "champion_strength",
            "champion_touches",
            "champion_seniority",
            "economic_buyer_known",
            "economic_buyer_stance",
            "economic_buyer_engagement",
            "economic_buyer_touched",
            "economic_buyer_engaged",
            "engaged_members",
            "members_touched",
        ),
        1,
    ),
    **dict.fromkeys(
        (
            "champion_left",
            "opposition",
            "opposition_seniority",
            "silence",
            "backward_moves",
            "close_slips",
            "churn",
        ),
        -1,
    ),
}
"""The direction each feature may push P(win), from how deals are won, not from data:
+1 may only raise it, -1 only lower it; features not named (the stages, the deal's age
and time in stage) go either way. A coefficient the data would give the other sign is 0."""


def signed_logistic_regression(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, *, c: float, signs: Sequence[int]
) -> tuple[np.ndarray, float]:
    """``(coefficients, intercept)`` of an L2-penalised logistic regression whose
    coefficient ``i`` keeps the sign ``signs[i]`` (0: free).

    Minimises ``½|β|² + c Σ w_i log(1 + exp(-s_i (β·x_i + b)))`` with ``s_i = ±1`` by
    L-BFGS-B with bounds (scipy): scikit-learn's objective for ``LogisticRegression(C=c)``
    with sample weights, plus the sign bounds. Without bounds it gives scikit-learn's
    answer (``tests/unit/services/test_training.py`` checks it).
    """
    k = x.shape[1]
    t = 2.0 * y - 1.0

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        beta, b = theta[:k], theta[k]
        margin = t * (x @ beta + b)
        log_loss = np.logaddexp(0.0, -margin)
        g = -t * w * c / (1.0 + np.exp(margin))
        grad = np.concatenate([beta + x.T @ g, [g.sum()]])
        return float(0.5 * beta @ beta + c * (w * log_loss).sum()), grad

    from scipy.optimize import minimize  # here, not with the module: see _select

    bounds = [(0.0, None) if sgn > 0 else (None, 0.0) if sgn < 0 else (None, None) for sgn in signs]
    result = minimize(
        loss,
        np.zeros(k + 1),
        jac=True,
        method="L-BFGS-B",
        bounds=[*bounds, (None, None)],
        options={"maxiter": 5000, "gtol": 1e-8},
    )
    return result.x[:k], float(result.x[k])


def _at_means(x: np.ndarray, means: np.ndarray) -> np.ndarray:
    """``x`` with each unknown (NaN) value replaced by its feature's mean: it moves nothing,
    as :func:`.winprob.win_probability` counts a feature missing from a deal's values."""
    return np.where(np.isnan(x), means, x)


def _fit(x: np.ndarray, y: np.ndarray, w: np.ndarray, features: Sequence[str], c: float) -> _Fitted:
    known = ~np.isnan(x)
    means = np.where(known, x, 0.0).sum(axis=0) / np.maximum(known.sum(axis=0), 1)
    x = _at_means(x, means)
    scales = x.std(axis=0)
    scales[scales < 1e-9] = 1.0
    z = (x - means) / scales
    if len(set(y.tolist())) < 2:  # one outcome only: the base rate
        rate = float(np.clip(np.average(y, weights=w), 1e-3, 1 - 1e-3))
        coef, intercept = np.zeros(len(features)), math.log(rate / (1 - rate))
    else:
        coef, intercept = signed_logistic_regression(
            z, y, w * len(w) / w.sum(), c=c, signs=[SIGNS.get(f, 0) for f in features]
        )
    model = WinModel(
        features=tuple(features),
        coefficients=tuple(float(v) for v in coef),
        intercept=intercept,
        means=tuple(float(v) for v in means),
        scales=tuple(float(v) for v in scales),
    )
    return _Fitted(model, lambda xs: ((_at_means(xs, means) - means) / scales) @ coef + intercept)


def time_folds(rows: Sequence[Snapshot], folds: int = FOLDS) -> list[tuple[np.ndarray, np.ndarray]]:
    """``(train, test)`` index arrays: each block of deals by close date is predicted from
    the older blocks' deals of other accounts (the first two blocks are never predicted:
    a model of one block's deals says little about one fitted on all)."""
    closes = sorted({(s.closed_at, s.features.deal_id) for s in rows})
    if len(closes) < folds:
        return []
    block_of = {deal: i * folds // len(closes) for i, (_, deal) in enumerate(closes)}
    blocks = np.array([block_of[s.features.deal_id] for s in rows])
    accounts = np.array([s.account_id for s in rows])
    out = []
    for k in range(2, folds):  # each fold trains on at least two blocks
        test = np.flatnonzero(blocks == k)
        held = set(accounts[test].tolist())
        train = np.flatnonzero((blocks < k) & ~np.isin(accounts, list(held)))
        if len(test) and len(train):
            out.append((train, test))
    return out


def _out_of_fold(
    x: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    features: Sequence[str],
    c: float,
    folds: list[tuple[np.ndarray, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold logits and the indices they belong to."""
    logits, index = [], []
    for train, test in folds:
        fitted = _fit(x[train], y[train], w[train], features, c)
        logits.append(fitted.logit(x[test]))
        index.append(test)
    return np.concatenate(logits), np.concatenate(index)


def _log_loss(z: np.ndarray, y: np.ndarray, w: np.ndarray) -> float:
    p = np.clip(1 / (1 + np.exp(-z)), 1e-9, 1 - 1e-9)
    return float(-np.average(y * np.log(p) + (1 - y) * np.log(1 - p), weights=w))


def reliability(
    p: np.ndarray, y: np.ndarray, bins: int = RELIABILITY_BINS
) -> tuple[ReliabilityBin, ...]:
    """Equal-width bins of predicted probability with their observed win rates."""
    out = []
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        inside = (p >= low) & ((p < high) if b < bins - 1 else (p <= high))
        n = int(inside.sum())
        if n:
            out.append(
                ReliabilityBin(
                    low=low,
                    high=high,
                    count=n,
                    mean_predicted=float(p[inside].mean()),
                    observed=float(y[inside].mean()),
                )
            )
    return tuple(out)


def expected_calibration_error(bins: Sequence[ReliabilityBin]) -> float:
    """``Σ count/N · |mean predicted - observed|`` over the bins."""
    total = sum(b.count for b in bins)
    return sum(b.count / total * abs(b.mean_predicted - b.observed) for b in bins) if total else 0.0


@dataclass(frozen=True, slots=True)
class _Selected:
    fitted: WinModel
    penalty: float
    auc: float | None
    brier: float | None
    bins: tuple[ReliabilityBin, ...]
    slope: float
    offset: float


def _select(
    rows: Sequence[Snapshot], features: Sequence[str], penalties: Sequence[float] = PENALTIES
) -> _Selected:
    x, y, w = _matrix(rows, features), np.array([float(s.won) for s in rows]), _weights(rows)
    folds = time_folds(rows)
    # without folds (too few deals): 1, or the one penalty asked for
    best_c, best_loss, best_oof = penalties[0] if len(penalties) == 1 else 1.0, math.inf, None
    if folds:
        for c in penalties:
            z, idx = _out_of_fold(x, y, w, features, c, folds)
            loss = _log_loss(z, y[idx], w[idx])
            if loss < best_loss:
                best_c, best_loss, best_oof = c, loss, (z, idx)
    fitted = _fit(x, y, w, features, best_c).model
    if best_oof is None:
        return _Selected(fitted, best_c, None, None, (), 1.0, 0.0)
    z, idx = best_oof
    slope, offset = 1.0, 0.0  # the regression's own probabilities (see the module docstring)
    p = 1 / (1 + np.exp(-z))
    both = len(set(y[idx].tolist())) == 2
    # Imported when a model is fitted, not with this module: scikit-learn's metrics
    # take 2.3 s to import (scipy.optimize 1 s), which graphcrm score, the API and
    # every worker process would otherwise pay at start without using them.
    from sklearn.metrics import brier_score_loss, roc_auc_score

    auc = float(roc_auc_score(y[idx], p, sample_weight=w[idx])) if both else None
    brier = float(brier_score_loss(y[idx], p, sample_weight=w[idx]))
    return _Selected(fitted, best_c, auc, brier, reliability(p, y[idx]), slope, offset)


def fit_card(
    rows: Sequence[Snapshot],
    *,
    fitted_at: datetime,
    source: ModelSource,
    every_days: int,
    features: Sequence[str] = FEATURES,
    penalties: Sequence[float] = PENALTIES,
) -> WinModelCard:
    """Fit the model (on ``features``) and the stage-only model on ``rows``; describe them.

    The penalty is the one of ``penalties`` with the lowest out-of-fold log-loss (one
    value: that one; the benchmarks compare rules this way)."""
    full = _select(rows, features, penalties)
    stage = _select(rows, STAGE_FEATURES, penalties)
    deals = {s.features.deal_id: s for s in rows}
    won = sum(1 for s in deals.values() if s.won)
    closes = [s.closed_at for s in deals.values()]
    return WinModelCard(
        fitted_at=fitted_at,
        source=source,
        model=full.fitted.model_copy(
            update={"calibration_slope": full.slope, "calibration_intercept": full.offset}
        ),
        stage_model=stage.fitted.model_copy(
            update={"calibration_slope": stage.slope, "calibration_intercept": stage.offset}
        ),
        training_from=min(closes, default=None),
        training_to=max(closes, default=None),
        deals=len(deals),
        won=won,
        snapshots=len(rows),
        snapshot_days=every_days,
        regularization=full.penalty,
        cv_auc=full.auc,
        cv_auc_stage=stage.auc,
        brier=full.brier,
        ece=expected_calibration_error(full.bins) if full.bins else None,
        reliability=full.bins,
    )


# --- the model a store uses -------------------------------------------------------------


@cache
def prior_card() -> WinModelCard:
    """The shipped prior: fitted on generated data (``tools/fit-prior``)."""
    text = resources.files("graphcrm.analytics").joinpath("prior_win_model.json").read_text("utf-8")
    return WinModelCard.model_validate_json(text)


def enough(deals: Sequence[ClosedDeal]) -> bool:
    """Whether a store has enough closed deals to fit its own model."""
    won = sum(1 for d in deals if d.won)
    return len(deals) >= MIN_CLOSED_DEALS and min(won, len(deals) - won) >= MIN_PER_OUTCOME


def train(
    store: GraphStore,
    *,
    fitted_at: datetime,
    every_days: int = SNAPSHOT_DAYS,
    params: AnalyticsParams | None = None,
    save: bool = True,
) -> WinModelCard:
    """Fit the store's model on its closed deals and store it (unless ``save`` is False).

    With too few closed deals nothing is fitted or stored, and the prior is
    returned. Reads go through the store's as-of reads; the write at the end
    is one short transaction, so training never blocks reads.
    """
    deals = closed_deals(store)
    if not enough(deals):
        return prior_card()
    rows = calendar_snapshots(store, deals, every_days=every_days, params=params)
    card = fit_card(rows, fitted_at=fitted_at, source=ModelSource.STORE, every_days=every_days)
    if save:
        store.put_win_model(card)
    return card


def current_card(store: GraphStore, *, as_of: datetime | None = None) -> WinModelCard:
    """The store's latest model fitted by ``as_of``, else the shipped prior."""
    try:
        return store.get_win_model(as_of=as_of)
    except NotFoundError:
        return prior_card()


def card_json(card: WinModelCard) -> str:
    """The card as the prior file holds it (indented, stable key order)."""
    return json.dumps(card.model_dump(mode="json"), indent=1, ensure_ascii=False) + "\n"
