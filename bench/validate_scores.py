"""Validate the scores against real data and against generated data with known outcomes.

    ./dev bench validate                       # 400 generated accounts, seed 11
    ./dev bench validate --accounts 600 --seed 3

Real data (Krackhardt high-tech managers, 21 managers, LEVEL 1 CEO / 2 VP /
3 manager): who graphcrm ranks top as decision makers and as influencers,
against their LEVEL; precision@5 for "CEO or VP" (5 of the 21 are).

Generated data (outcomes decided by ``graphcrm.generator.outcome``):

- back-test: every closed deal scored as of 30 days before it closed (its
  stage then is open), read through the store as of that instant;
- ROC AUC against the outcome (lost = positive), by the Mann-Whitney U
  statistic with tied scores counting one half, with a seeded bootstrap 95 %
  interval, of the old hand-weighted score (the reference point:
  ``graphcrm.analytics.signals.hand_weighted_risk``, shown nowhere in the
  product) and of the product's risk, ``100 × (1 - P(win))`` under the
  store's model (the shipped prior on a generated store; ``bench/winprob.py``
  validates the model itself);
- a naive baseline: ``P(lost | stage at the as-of date)`` estimated on the
  same sample (in-sample, so flattering to the baseline), and its AUC;
- the ceiling: the AUC of the generator's own ``1 - P(won)`` from the true
  drivers measured over the whole deal (no score can expect to beat it);
- what drives the old score: per signal, how often it fires on lost and won
  deals and its hand-set points' AUC alone;
- account health bands: the share of accounts in each band at the
  generator's ``now``, and the win rate of the closed deals by the band of
  their account's health 30 days before they closed (``score_account``);
- hidden influencers found at the generator's ``now`` against the planted ones.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.generated import loaded_store
from bench.stats import bootstrap_interval, roc_auc, stratified_auc
from graphcrm.analytics import HealthBand, HealthParams, SignalCode
from graphcrm.analytics.signals import HandWeightedRisk, hand_weighted_risk
from graphcrm.domain import AccountId, DealId, Seniority, Stage
from graphcrm.generator import GeneratorConfig, closed_deals, generate_portfolio, hidden_influencers
from graphcrm.io.krackhardt import load_krackhardt
from graphcrm.services.deals import history_until, read_account
from graphcrm.services.params import AnalyticsParams
from graphcrm.services.portfolio import AccountReport, score_portfolio
from graphcrm.services.risk import assess
from graphcrm.services.scoring import AccountScores, score_account
from graphcrm.store import open_store
from graphcrm.store.port import GraphStore

PARAMS = AnalyticsParams()
KRACKHARDT = Path(__file__).resolve().parents[1] / "tests" / "data" / "krackhardt-hightech"
LOOKBACK = timedelta(days=30)


# --- real data ----------------------------------------------------------------------

_LEVEL = {Seniority.C_LEVEL: 1, Seniority.VP: 2, Seniority.MANAGER: 3}


def krackhardt() -> None:
    print("== Krackhardt high-tech managers (real data) ==")
    start = datetime(2025, 1, 1, tzinfo=UTC)
    with tempfile.TemporaryDirectory(prefix="graphcrm-validate-") as tmp:
        store = open_store(f"sqlite://{Path(tmp) / 'kht.sqlite3'}")
        try:
            store.apply(load_krackhardt(KRACKHARDT, valid_from=start), actor="validate")
            scores = score_account(store, AccountId("KHT"), as_of=start + timedelta(days=30))
        finally:
            store.close()
    for key, label in (("decision_maker", "decision makers"), ("influence", "influencers")):
        top = scores.top(key, 10)
        ranked = ", ".join(f"{c.name.split()[-1]} (L{_LEVEL[c.seniority]})" for c in top)
        hits = sum(1 for c in top[:5] if _LEVEL[c.seniority] <= 2)
        print(f"top 10 {label}: {ranked}")
        print(f"precision@5 for CEO or VP, {label}: {hits}/5 = {hits / 5:.2f}")
    hidden = ", ".join(
        f"{h.contact_id.split('-M')[-1]} (gap {h.gap:.2f})" for h in scores.hidden_influencers
    )
    print(f"hidden influencers: {hidden or '-'}")


# --- generated data -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Case:
    deal_id: str
    lost: bool
    stage: Stage
    risk: HandWeightedRisk
    """The old hand-weighted score (the reference point)."""
    model_risk: float
    """The product's risk: ``100 × (1 - P(win))`` under the store's model."""
    ceiling: float
    account_band: HealthBand
    """The band of the account's health as of the same instant."""


def _close_at(store: GraphStore, deal_id: str) -> tuple[datetime, Stage | None]:
    view = store.get_deal(DealId(deal_id))
    closed = next(c.at for c in view.stage_history if c.to_stage.is_closed)
    return closed, view.stage_at(closed - LOOKBACK)


def backtest(store: GraphStore, config: GeneratorConfig) -> tuple[list[Case], Counter[str]]:
    truth = closed_deals(generate_portfolio(config))
    cases: list[Case] = []
    skipped: Counter[str] = Counter()
    for deal in truth:
        closed, stage = _close_at(store, deal.deal_id)
        if stage is None or stage.is_closed:
            skipped["younger than 30 days at close" if stage is None else "closed"] += 1
            continue
        at = closed - LOOKBACK
        view = store.get_deal(DealId(deal.deal_id))
        account = view.deal.account_id
        snap = read_account(store, account, at=at, params=PARAMS)
        then = snap.net.deals[deal.deal_id]
        risk = hand_weighted_risk(
            snap.net,
            deal.deal_id,
            scores=snap.scores,
            history=history_until(view, at, then),
            changes=snap.changes.for_deal(deal.deal_id),
            params=PARAMS.risk,
        )
        model = assess(store, snap, DealId(deal.deal_id), params=PARAMS, view=view).risk
        assert model is not None  # open at the instant
        band = score_account(store, account, as_of=at).health.band
        cases.append(
            Case(
                deal.deal_id,
                not deal.won,
                stage,
                risk,
                model.score,
                1.0 - deal.features.win_probability(),
                band,
            )
        )
    return cases, skipped


def report_backtest(cases: list[Case], skipped: Counter[str]) -> None:
    lost = [c.lost for c in cases]
    n_lost = sum(lost)
    print(
        f"closed deals back-tested: {len(cases)} ({n_lost} lost, {len(cases) - n_lost} won); "
        f"skipped: {dict(skipped) or 'none'}"
    )
    risk = [c.risk.score for c in cases]
    lo, hi = bootstrap_interval(risk, lost)
    print(
        f"old hand-weighted score AUC (lost = positive): {roc_auc(risk, lost):.3f} "
        f"(95% CI {lo:.3f}-{hi:.3f})"
    )
    product = [c.model_risk for c in cases]
    lo, hi = bootstrap_interval(product, lost)
    print(
        f"risk = 100 × (1 - P(win)), the store's model, AUC: {roc_auc(product, lost):.3f} "
        f"(95% CI {lo:.3f}-{hi:.3f})"
    )
    by_stage: dict[Stage, list[bool]] = defaultdict(list)
    for c in cases:
        by_stage[c.stage].append(c.lost)
    p_lost = {s: sum(v) / len(v) for s, v in by_stage.items()}
    base = [p_lost[c.stage] for c in cases]
    lo, hi = bootstrap_interval(base, lost)
    print(f"baseline P(lost | stage at as-of) AUC: {roc_auc(base, lost):.3f} ", end="")
    print(f"(95% CI {lo:.3f}-{hi:.3f})")
    within = stratified_auc(risk, lost, [c.stage for c in cases])
    print(f"old hand-weighted score AUC within a stage (pairs in the same stage): {within:.3f}")
    within = stratified_auc(product, lost, [c.stage for c in cases])
    print(f"risk = 100 × (1 - P(win)) AUC within a stage: {within:.3f}")
    rates = ", ".join(
        f"{s.value} {p_lost[s]:.2f} (n={len(by_stage[s])})" for s in Stage if s in p_lost
    )
    print(f"  P(lost | stage): {rates}")
    ceiling = [c.ceiling for c in cases]
    print(f"ceiling: generator's own 1 - P(won), true drivers: AUC {roc_auc(ceiling, lost):.3f}")
    won_mean = statistics.mean(c.risk.score for c in cases if not c.lost)
    lost_mean = statistics.mean(c.risk.score for c in cases if c.lost)
    print(f"mean old hand-weighted score: lost {lost_mean:.1f}, won {won_mean:.1f}")
    print("per signal: fires on lost / won, P(lost | fires) vs P(lost | not), AUC alone")
    for code in SignalCode:
        fired = [c.risk.points(code) > 0 for c in cases]
        n_fired = sum(fired)
        if n_fired == 0:
            print(f"  {code.value:36s} never fires")
            continue
        on_lost = sum(1 for f, lo_ in zip(fired, lost, strict=True) if f and lo_) / n_lost
        on_won = sum(1 for f, lo_ in zip(fired, lost, strict=True) if f and not lo_) / (
            len(cases) - n_lost
        )
        p_if = sum(1 for f, lo_ in zip(fired, lost, strict=True) if f and lo_) / n_fired
        rest = len(cases) - n_fired
        p_not = (
            sum(1 for f, lo_ in zip(fired, lost, strict=True) if not f and lo_) / rest
            if rest
            else float("nan")
        )
        alone = roc_auc([c.risk.points(code) for c in cases], lost)
        print(
            f"  {code.value:36s} {on_lost:5.0%} / {on_won:5.0%}   "
            f"{p_if:.2f} vs {p_not:.2f}   AUC {alone:.3f}"
        )


BANDS = (HealthBand.POOR, HealthBand.FAIR, HealthBand.GOOD)


def report_bands(cases: list[Case], reports: list[AccountReport]) -> bool:
    """Account health bands: the portfolio's shares at ``now`` and the back-test's win
    rates; True when the win rates rise from Poor to Fair to Good."""
    p = HealthParams()
    print(
        f"account health bands (Fair from {p.account_fair_from:g}, "
        f"Good from {p.account_good_from:g}):"
    )
    for label, group in (
        ("all accounts", reports),
        ("accounts with an open deal", [r for r in reports if r.open_deals]),
    ):
        counts = Counter(r.scores.health.band for r in group)
        shares = " / ".join(f"{b.value} {counts[b] / max(1, len(group)):.0%}" for b in BANDS)
        print(f"  at now, {label} ({len(group)}): {shares}")
    rates = []
    parts = []
    for b in BANDS:
        in_band = [c for c in cases if c.account_band is b]
        won = sum(1 for c in in_band if not c.lost)
        rate = won / len(in_band) if in_band else float("nan")
        rates.append(rate)
        parts.append(f"{b.value} {rate:.2f} ({won}/{len(in_band)})")
    ordered = rates[0] < rates[1] < rates[2]
    print(
        "  closed deals by their account's band 30 days before close, win rate: "
        + " / ".join(parts)
        + ("  (ordered)" if ordered else "  (NOT ordered Poor < Fair < Good)")
    )
    return ordered


def report_hidden(
    store: GraphStore, config: GeneratorConfig, portfolio: list[AccountReport]
) -> None:
    planted = hidden_influencers(generate_portfolio(config))
    found: set[str] = set()
    contacts = 0
    reports: list[AccountScores] = [r.scores for r in portfolio]
    for s in reports:
        contacts += len(s.contacts)
        found |= {h.contact_id for h in s.hidden_influencers}
    hit = len(found & planted)
    print(
        f"hidden influencers at now: {len(found)} flagged among {contacts:,} active contacts, "
        f"{len(planted)} planted; precision {hit / max(1, len(found)):.2f}, "
        f"recall {hit / max(1, len(planted)):.2f}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench validate", description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=400)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    krackhardt()
    print()
    config = GeneratorConfig(accounts=args.accounts, seed=args.seed)
    print(f"== generated portfolio: {args.accounts} accounts, seed {args.seed} ==")
    wall = time.perf_counter()
    with loaded_store(config) as store:
        cases, skipped = backtest(store, config)
        report_backtest(cases, skipped)
        portfolio = list(score_portfolio(store, as_of=config.now))
        report_bands(cases, portfolio)
        report_hidden(store, config, portfolio)
    print(f"(validation took {time.perf_counter() - wall:.0f} s)")
