"""Analytics throughput and overhead: portfolio, one big account, networkx, sampling error.

    ./dev bench analytics                        # 300 accounts, seed 1, 20k-contact account
    ./dev bench analytics --accounts 1000 --big-contacts 5000 --repeat 5

Prints medians (``--repeat`` runs each) of:

1. portfolio: accounts scored per second through the store and the
   ``score_portfolio`` use case (graph reads, contact scores, account health,
   hidden influencers, follow-ups, every open deal's risk, and the scores
   written back with ``put_scores``), in one process and with ``--workers``
   processes, by account size, and the share of it that is reading the graph;
2. one big account end to end: a generated account through the store
   (``--store-contacts``), and the synthetic ``--big-contacts`` /
   ``--big-edges`` account through the analytics alone;
3. graphcrm against the bare networkx calls on the same graphs
   (``networkx.pagerank`` on the reversed support graph and
   ``networkx.betweenness_centrality`` on the tie graph): the ratio is
   graphcrm's overhead (it also computes authority, engagement, health and
   decision-maker score);
4. approximate against exact betweenness on a ``--sample-contacts`` account:
   Spearman rank correlation, top-10 overlap and top-10 value error.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import time
from collections.abc import Callable
from typing import Any

import networkx as nx

from bench.common import peak_rss_mb, timed
from bench.generated import loaded_store
from bench.stats import spearman
from bench.synthetic import synthetic_account
from graphcrm.analytics import (
    CentralityParams,
    account_health,
    brokerage,
    build_network,
    deal_risk,
    influence_rank,
    score_contacts,
)
from graphcrm.domain import AccountId, DealView, PageRequest, StakeholderGraph
from graphcrm.generator import GeneratorConfig
from graphcrm.services.deals import churn_window_start
from graphcrm.services.params import AnalyticsParams
from graphcrm.services.portfolio import CHUNK, score_one, score_portfolio
from graphcrm.services.training import prior_card
from graphcrm.store import open_store

SIZE_BUCKETS = ((0, 50), (50, 100), (100, 300), (300, 1000), (1000, 10**9))


def _median_s(fn: Callable[[], object], repeat: int) -> float:
    return statistics.median(timed(fn, repeat))


def _bucket(n: int) -> str:
    for lo, hi in SIZE_BUCKETS:
        if lo <= n < hi:
            return f"{lo}-{hi - 1}" if hi < 10**9 else f">={lo}"
    raise ValueError(n)


# --- 1. the portfolio ---------------------------------------------------------------


def portfolio(accounts: int, seed: int, repeat: int, workers: int) -> None:
    config = GeneratorConfig(accounts=accounts, seed=seed)
    print(f"== portfolio: {accounts} generated accounts, seed {seed}, SQLite ==")
    with loaded_store(config) as store:
        rates, reads = [], []
        per_account: dict[AccountId, list[float]] = {}
        sizes: dict[AccountId, int] = {}
        deals = 0
        marks: list[float] = []

        def tick(done: int, total: int) -> None:
            marks.append(time.perf_counter())

        reopen = functools.partial(open_store, f"sqlite://{store.path}")  # type: ignore[attr-defined]
        parallel: list[float] = []
        for _ in range(repeat):
            start = time.perf_counter()
            n = sum(
                1 for _ in score_portfolio(store, as_of=config.now, workers=workers, reopen=reopen)
            )
            parallel.append(n / (time.perf_counter() - start))
        for _ in range(repeat):
            marks.clear()
            start = time.perf_counter()
            reports = list(score_portfolio(store, as_of=config.now, progress=tick))
            rates.append(len(reports) / (time.perf_counter() - start))
            for report in reports:  # per account, alone (score_one: own reads, no write-back)
                t0 = time.perf_counter()
                score_one(store, report.account, at=config.now, params=AnalyticsParams())
                per_account.setdefault(report.account.id, []).append(time.perf_counter() - t0)
                sizes[report.account.id] = len(report.scores.contacts)
            deals = sum(len(r.open_deals) for r in reports)
            # the reads as score_portfolio does them: CHUNK accounts at once, then the
            # churn-window committees of those with an open deal
            ids = [a.id for a in store.list_accounts(PageRequest(limit=1000)).items]
            dealing = {r.account.id for r in reports if r.open_deals}
            since = churn_window_start(config.now, AnalyticsParams())
            start = time.perf_counter()
            for i in range(0, len(ids), CHUNK):
                chunk = ids[i : i + CHUNK]
                store.stakeholder_graphs(chunk, as_of=config.now)
                store.stakeholder_graphs(
                    [a for a in chunk if a in dealing], as_of=since, committee_only=True
                )
            reads.append(len(ids) / (time.perf_counter() - start))
        rate, read = statistics.median(rates), statistics.median(reads)
        print(
            f"accounts scored/s, scores written back: {rate:.1f} in one process, "
            f"{statistics.median(parallel):.1f} with {workers} processes "
            f"(median of {repeat}; {deals} open deals scored)"
        )
        print(
            f"graph reads alone: {read:.1f} accounts/s, i.e. ~{rate / read:.0%} of the time "
            f"({CHUNK} accounts per read; an account with an open deal is read twice, "
            "the second time its committees only)"
        )
        by_size: dict[str, list[float]] = {}
        for account_id, times in per_account.items():
            by_size.setdefault(_bucket(sizes[account_id]), []).append(statistics.median(times))
        print("by active contacts: accounts, median ms per account")
        for lo, _ in SIZE_BUCKETS:
            key = _bucket(lo)
            if key in by_size:
                ms = statistics.median(by_size[key]) * 1000
                print(f"  {key:>9}: {len(by_size[key]):4d} accounts, {ms:7.1f} ms")


# --- 2. one big account ---------------------------------------------------------------


def big_stored(contacts: int, seed: int, repeat: int) -> None:
    config = GeneratorConfig(
        accounts=1, seed=seed, size_min=contacts, size_max=contacts, deals_per_account=4.0
    )
    print(f"== one generated account of {contacts:,} contacts through the store ==")
    start = time.perf_counter()
    with loaded_store(config) as store:
        load = time.perf_counter() - start
        account = store.list_accounts(PageRequest(limit=1)).items[0]
        params = AnalyticsParams()
        read = _median_s(lambda: store.stakeholder_graph(account.id, as_of=config.now), repeat)
        report = score_one(store, account, at=config.now, params=params)
        total = _median_s(lambda: score_one(store, account, at=config.now, params=params), repeat)
        sg = store.stakeholder_graph(account.id, as_of=config.now)
    print(
        f"{len(report.scores.contacts):,} active contacts, {len(sg.influences):,} influence ties, "
        f"{len(sg.contact_ties):,} contact ties, {len(report.open_deals)} open deals "
        f"(loaded in {load:.1f} s)"
    )
    print(f"end to end (score_one): {total:.2f} s; one graph read {read:.2f} s")


def _bare_networkx(net: Any, params: CentralityParams, seed: int) -> None:
    nx.pagerank(net.support.reverse(copy=False), alpha=params.alpha, tol=params.tol)
    n = net.ties.number_of_nodes()
    k = params.betweenness_samples if n > params.exact_betweenness_max_nodes else None
    nx.betweenness_centrality(net.ties, k=k, seed=seed)


def big_synthetic(n: int, edges: int, repeat: int) -> StakeholderGraph:
    print(f"== synthetic account: {n:,} contacts, ~{edges:,} ties, analytics only ==")
    sg = synthetic_account(n, edges, seed=0)
    params = AnalyticsParams()
    build = _median_s(lambda: build_network(sg), repeat)
    net = build_network(sg)
    scores = _median_s(lambda: score_contacts(net), repeat)
    s = score_contacts(net)

    model = prior_card().model
    open_deals = [d for d in net.deals.values() if not d.stage.is_closed]

    def risks() -> None:
        # the synthetic deals have no stage history: each is read as created at the instant
        for d in open_deals:
            history = DealView(deal=d, stage_history=(), close_date_history=())
            deal_risk(net, d.id, model=model, history=history, scores=s, params=params.risk)

    risk = _median_s(risks, repeat)
    health = _median_s(
        lambda: account_health(
            net,
            "SYN",
            influence=s.influence,
            health=s.health,
            decision_maker=s.decision_maker,
        ),
        repeat,
    )
    print(
        f"build_network {build:.2f} s, score_contacts {scores:.2f} s, "
        f"{len(open_deals)} deal risks {risk:.2f} s, account health {health:.2f} s; "
        f"total {build + scores + risk + health:.2f} s; peak RSS {peak_rss_mb():.0f} MiB"
    )
    return sg


# --- 3. graphcrm against bare networkx ----------------------------------------------------


def overhead(graphs: list[tuple[str, StakeholderGraph]], repeat: int) -> None:
    print("== graphcrm against the bare networkx calls on the same graphs (median s) ==")
    p = CentralityParams()
    print(
        f"  {'graph':<28} {'score_contacts':>14} {'nx pr+bc':>9} {'ratio':>6}   "
        f"{'influence_rank':>14} {'nx.pagerank':>11}   {'brokerage':>9} {'nx.betweenness':>14}"
    )
    for label, sg in graphs:
        net = build_network(sg)
        slow = 1 if net.ties.number_of_nodes() > 1000 else repeat  # networkx takes minutes
        ours = _median_s(lambda net=net: score_contacts(net), repeat)  # type: ignore[misc]
        bare = _median_s(lambda net=net: _bare_networkx(net, p, 0), slow)  # type: ignore[misc]
        pr = _median_s(lambda net=net: influence_rank(net.support), repeat)  # type: ignore[misc]
        nx_pr = _median_s(
            lambda net=net: nx.pagerank(net.support.reverse(copy=False), tol=p.tol),  # type: ignore[misc]
            repeat,
        )
        bc = _median_s(lambda net=net: brokerage(net.ties), repeat)  # type: ignore[misc]
        n = net.ties.number_of_nodes()
        k = p.betweenness_samples if n > p.exact_betweenness_max_nodes else None
        nx_bc = _median_s(
            lambda net=net, k=k: nx.betweenness_centrality(net.ties, k=k, seed=0),  # type: ignore[misc]
            slow,
        )
        print(
            f"  {label:<28} {ours:14.3f} {bare:9.3f} {ours / bare:6.2f}   "
            f"{pr:14.4f} {nx_pr:11.4f}   {bc:9.3f} {nx_bc:14.3f}"
        )


# --- 4. sampled betweenness -------------------------------------------------------------


def sampling_error(n: int, edges: int, seeds: int) -> None:
    sg = synthetic_account(n, edges, seed=1)
    G = build_network(sg).ties
    exact_params = CentralityParams(exact_betweenness_max_nodes=n + 1)
    print(
        f"== sampled (256 sources) vs exact betweenness, tie graph of a {n:,}-contact "
        f"synthetic account ({G.number_of_edges():,} edges) =="
    )
    start = time.perf_counter()
    exact = {str(v): x for v, x in brokerage(G, params=exact_params).items()}
    exact_s = time.perf_counter() - start
    nodes = sorted(exact)
    top = sorted(nodes, key=lambda v: -exact[v])[:10]
    rhos, overlaps, errors, times = [], [], [], []
    for seed in range(seeds):
        start = time.perf_counter()
        approx = {str(v): x for v, x in brokerage(G, seed=seed).items()}
        times.append(time.perf_counter() - start)
        rhos.append(spearman([exact[v] for v in nodes], [approx[v] for v in nodes]))
        est_top = sorted(nodes, key=lambda v: -approx[v])[:10]
        overlaps.append(len(set(top) & set(est_top)))
        errors.append(statistics.mean(abs(approx[v] - exact[v]) / exact[v] for v in top))
    print(
        f"exact {exact_s:.1f} s, sampled {statistics.median(times):.2f} s (median); over seeds "
        f"0-{seeds - 1}: Spearman {min(rhos):.3f}-{max(rhos):.3f}, exact top 10 in sampled "
        f"top 10: {min(overlaps)}-{max(overlaps)}, top-10 values off by "
        f"{min(errors):.1%}-{max(errors):.1%} on average"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench analytics", description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--portfolio-only", action="store_true")
    parser.add_argument("--store-contacts", type=int, default=3000)
    parser.add_argument("--big-contacts", type=int, default=20_000)
    parser.add_argument("--big-edges", type=int, default=100_000)
    parser.add_argument("--sample-contacts", type=int, default=5000)
    parser.add_argument("--sample-seeds", type=int, default=5)
    args = parser.parse_args(argv)
    portfolio(args.accounts, args.seed, args.repeat, args.workers)
    if args.portfolio_only:
        return
    print()
    big_stored(args.store_contacts, args.seed, args.repeat)
    print()
    big = big_synthetic(args.big_contacts, args.big_edges, args.repeat)
    print()
    typical = [
        ("synthetic 55 / 150", synthetic_account(55, 150, seed=2)),
        ("synthetic 500 / 2,500", synthetic_account(500, 2500, seed=2)),
        ("synthetic 3,000 / 15,000", synthetic_account(3000, 15_000, seed=2)),
        (f"synthetic {args.big_contacts:,} / {args.big_edges:,}", big),
    ]
    overhead(typical, args.repeat)
    print()
    sampling_error(args.sample_contacts, args.sample_contacts * 5, args.sample_seeds)
