"""Score every account of the store as of one instant, and write the scores back."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from typing_extensions import TypeVar

from graphcrm.analytics import (
    ContactScores,
    StakeholderNetwork,
    account_champion_strength,
    score_contacts,
)
from graphcrm.collector import gc_frozen, gc_paused
from graphcrm.domain import (
    Account,
    AccountScoreSet,
    ContactScoreRecord,
    DealId,
    DealRiskRecord,
    DealView,
    Model,
    PageRequest,
    StakeholderGraph,
    UtcDatetime,
)
from graphcrm.domain.construct import construct
from graphcrm.domain.views import MAX_PAGE_SIZE
from graphcrm.domain.winmodel import WinModelCard
from graphcrm.errors import InvalidError, Problem
from graphcrm.services.clock import instant, utc_now
from graphcrm.services.deals import churn_window_start, read_account
from graphcrm.services.executors import Executor, LocalProcesses, StoreOpener
from graphcrm.services.network import account_network
from graphcrm.services.params import AnalyticsParams
from graphcrm.services.risk import DealAssessment, assess_open_deals, open_deal_ids
from graphcrm.services.scoring import AccountScores, account_scores
from graphcrm.services.training import current_card
from graphcrm.store.port import GraphStore

Progress = Callable[[int, int], None]
"""Called after each account with (accounts done, accounts in the store)."""

CHUNK = 16
"""Accounts per unit of work, and per :meth:`GraphStore.put_scores` batch."""


class AccountReport(Model):
    """One account of the portfolio: its scores and its open deals, riskiest first."""

    account: Account
    as_of: UtcDatetime
    scores: AccountScores
    open_deals: tuple[DealAssessment, ...]


Kept = TypeVar("Kept", default=AccountReport)
"""What a run yields of each account's report (:func:`score_portfolio`'s ``keep``)."""


def whole(report: AccountReport) -> AccountReport:
    """Keep the whole report (:func:`score_portfolio`'s default)."""
    return report


def score_portfolio(
    store: GraphStore,
    *,
    as_of: datetime | None = None,
    params: AnalyticsParams | None = None,
    seed: int = 0,
    page_size: int = MAX_PAGE_SIZE,
    progress: Progress | None = None,
    write: bool = True,
    workers: int = 1,
    reopen: StoreOpener | None = None,
    executor: Executor | None = None,
    accounts: Sequence[Account] | None = None,
    keep: Callable[[AccountReport], Kept] = whole,  # type: ignore[assignment]  # Kept's default
) -> Iterator[Kept]:
    """Yield an :class:`AccountReport` (or what ``keep`` makes of it) for every account,
    in the store's account order (``accounts``: only these, in their order; None:
    every account, read ahead first with :meth:`GraphStore.prefetch`).

    The instant is fixed once, when the iteration starts (default: now). Accounts
    are listed page by page and scored :data:`CHUNK` at a time: the chunk's graphs
    in one ``store.stakeholder_graphs`` call, the committees of its accounts with
    an open deal as of the start of the churn window (:mod:`graphcrm.services.deals`)
    in a second (``committee_only``), its open deals' histories in one
    ``store.get_deals``: a few reads a chunk whatever its deals. The collector is
    paused while a chunk is scored (:func:`~graphcrm.collector.gc_paused`), and
    what was alive at the start is out of its reach until the end
    (:func:`~graphcrm.collector.gc_frozen`).

    With ``write`` (the default) every account's :func:`score_set` is stored
    (:meth:`GraphStore.put_scores`, a chunk a batch), stamped with ``as_of`` and
    the run's wall-clock time; re-running for the same instant replaces the sets.

    ``workers > 1`` scores the chunks in that many processes of this machine
    (:class:`~graphcrm.services.executors.LocalProcesses`: this one and
    ``workers - 1`` more); ``executor`` in the workers of another executor
    (:class:`~graphcrm.services.executors.DaskCluster`). Each worker opens its
    own store with ``reopen`` (required then: ``functools.partial(open_store,
    url)``) and writes its own sets; results still come in account order, those
    finished ahead of the consumer waiting in memory.

    ``keep`` runs where the account was scored, and only what it returns comes
    back (whole reports pickled from a worker cost a two-process run about 5 %
    more CPU an account: docs/benchmarks.md, "Read-ahead, what a worker sends
    back"); with workers, a module's function (:func:`graphcrm.cli.scoring.summary`).

    A write that adds or renames accounts during the run can shift the pages (an
    account skipped or seen twice): score a quiet store, or pass ``as_of`` and re-run.

    Raises
    ------
    InvalidError
        ``workers < 1``; ``workers > 1`` or an ``executor`` without ``reopen``; both.
    """
    executor = _executor(workers, reopen, executor)
    at = instant(as_of)
    run = _Run(
        at=at,
        params=params or AnalyticsParams(),
        seed=seed,
        write=write,
        stamp=utc_now(),
        card=current_card(store, as_of=at),
        keep=keep,
    )
    done = 0
    for total, chunk_reports in _chunks_scored(
        store,
        run,
        page_size=page_size,
        reopen=reopen,
        executor=executor,
        accounts=accounts,
    ):
        for report in chunk_reports:
            yield report
            done += 1
            if progress is not None:
                progress(done, total)


def _executor(
    workers: int, reopen: StoreOpener | None, executor: Executor | None
) -> Executor | None:
    """Where a run's chunks are scored (None: in this process): ``executor``, or local
    processes for ``workers > 1``; raises :func:`score_portfolio`'s ``InvalidError``."""
    if workers < 1 or (workers > 1 and reopen is None):
        raise InvalidError([Problem("workers", "", "needs workers >= 1, and reopen when > 1")])
    if executor is not None and (reopen is None or workers > 1):
        raise InvalidError(
            [Problem("executor", "", "needs reopen, and workers left at 1 (the executor's)")]
        )
    if workers > 1:
        return LocalProcesses(workers)
    return executor


def _pages(store: GraphStore, page_size: int) -> Iterator[tuple[int, list[Account]]]:
    offset = 0
    while True:
        page = store.list_accounts(PageRequest(limit=page_size, offset=offset))
        if page.items:
            yield page.total, list(page.items)
        offset += len(page.items)
        if not page.items or offset >= page.total:
            return


def _chunked(
    store: GraphStore, page_size: int, only: Sequence[Account] | None = None
) -> Iterator[tuple[int, list[Account]]]:
    pages = _pages(store, page_size) if only is None else iter([(len(only), list(only))])
    for total, accounts in pages:
        for start in range(0, len(accounts), CHUNK):
            yield total, accounts[start : start + CHUNK]


@dataclass(frozen=True, slots=True)
class _Run:
    """What every chunk of one :func:`score_portfolio` run shares (picklable for workers)."""

    at: datetime
    params: AnalyticsParams
    seed: int
    write: bool
    stamp: datetime
    """The wall-clock time of the run: the stored sets' ``scored_at``."""
    card: WinModelCard
    """The win model every deal's risk is read from (the store's as of ``at``)."""
    keep: Callable[[AccountReport], Any]
    """What of each report comes back from where it was scored."""


def _chunks_scored(
    store: GraphStore,
    run: _Run,
    *,
    page_size: int,
    reopen: StoreOpener | None,
    executor: Executor | None = None,
    accounts: Sequence[Account] | None = None,
) -> Iterator[tuple[int, list[Any]]]:
    if accounts is None:  # every account will be read
        store.prefetch()
    chunks = _chunked(store, page_size, accounts)
    with gc_frozen():  # for the whole run: the workers are forked inside
        if executor is None or reopen is None:
            for total, chunk in chunks:
                yield total, _score_chunk(store, chunk, run)
            return
        listed = list(chunks)
        task = functools.partial(_score_chunk, run=run)
        with closing(executor.map(task, [chunk for _, chunk in listed], reopen)) as scored:
            for (total, _), reports in zip(listed, scored, strict=True):
                yield total, reports


def _score_chunk(store: GraphStore, accounts: Sequence[Account], run: _Run) -> list[Any]:
    with gc_paused():
        return [run.keep(r) for r in _score_chunk_now(store, accounts, run)]


def _score_chunk_now(
    store: GraphStore, accounts: Sequence[Account], run: _Run
) -> list[AccountReport]:
    """:func:`_score_chunk`'s work, in a frame of its own: the graphs, networks and
    score sets are dropped when it returns, before the collector is back on.
    Reference counting frees most of them; the networks (networkx caches views
    that refer back to their graph) wait for the collector's next pass."""
    reports, sets = [], []
    at, params = run.at, run.params
    graphs = store.stakeholder_graphs([a.id for a in accounts], as_of=at)
    dealing = [a.id for a, sg in zip(accounts, graphs, strict=True) if _has_open_deal(a, sg)]
    since = churn_window_start(at, params)
    committees_then = (
        dict(
            zip(
                dealing,
                store.stakeholder_graphs(dealing, as_of=since, committee_only=True),
                strict=True,
            )
        )
        if dealing
        else {}
    )
    open_deals = [
        d for a, sg in zip(accounts, graphs, strict=True) for d in open_deal_ids(a.id, sg)
    ]
    views = dict(zip(open_deals, store.get_deals(open_deals), strict=True)) if open_deals else {}
    for account, sg in zip(accounts, graphs, strict=True):
        report, net, s = _score(
            store,
            account,
            sg,
            committees_then.get(account.id),
            at=at,
            params=params,
            seed=run.seed,
            card=run.card,
            views=views,
        )
        reports.append(report)
        sets.append(score_set(report, net, s, scored_at=run.stamp))
    if run.write:
        store.put_scores(sets)
    return reports


def _has_open_deal(account: Account, sg: StakeholderGraph) -> bool:
    return any(d.account_id == account.id and not d.stage.is_closed for d in sg.deals)


def score_one(
    store: GraphStore,
    account: Account,
    *,
    at: datetime,
    params: AnalyticsParams,
    seed: int = 0,
    card: WinModelCard | None = None,
) -> AccountReport:
    """Score one account and its open deals as of ``at`` (nothing is written).

    The account scores are computed on the graph with the departed seats put
    back (:func:`graphcrm.services.changes.with_departed_seats`); that changes
    no active contact's score, since seats of departed contacts count nowhere
    but in deal risk. ``card``: the win model (the store's as of ``at`` when omitted).
    """
    sg = store.stakeholder_graph(account.id, as_of=at)
    return _score(store, account, sg, None, at=at, params=params, seed=seed, card=card)[0]


def _score(
    store: GraphStore,
    account: Account,
    sg: StakeholderGraph,
    before: StakeholderGraph | None,
    *,
    at: datetime,
    params: AnalyticsParams,
    seed: int = 0,
    card: WinModelCard | None = None,
    views: Mapping[DealId, DealView] | None = None,
) -> tuple[AccountReport, StakeholderNetwork, ContactScores]:
    """Score ``account`` from its graph ``sg`` as of ``at`` (``before``: its committee
    graph as of the start of the churn window, read here when the account has an
    open deal and it is None; ``views``: its open deals' histories by id, read here
    when None)."""
    if _has_open_deal(account, sg):
        snapshot = read_account(
            store, account.id, at=at, params=params, seed=seed, graph=sg, before=before
        )
        net, s = snapshot.net, snapshot.scores
        scores = account_scores(net, account.id, scores=s, params=params, seed=seed)
        deals = assess_open_deals(store, snapshot, params=params, card=card, seed=seed, views=views)
    else:
        net = account_network(sg, at=at, params=params)
        s = score_contacts(net, params=params.risk.scoring, seed=seed)
        scores = account_scores(net, account.id, scores=s, params=params, seed=seed)
        deals = ()
    report = AccountReport(account=account, as_of=at, scores=scores, open_deals=deals)
    return report, net, s


def score_set(
    report: AccountReport,
    net: StakeholderNetwork,
    scores: ContactScores,
    *,
    scored_at: datetime,
) -> AccountScoreSet:
    """What :func:`score_portfolio` stores for one account (``docs/data-model.md``).

    ``net`` and ``scores`` are the network and contact scores the report was
    computed from (for the champion strength, :func:`account_champion_strength`).
    """
    account_id = report.account.id
    champion = account_champion_strength(
        net, account_id, influence_norm=scores.influence_norm, engagement=scores.engagement
    )
    # Trusted values (the floats of the report's ContactScore rows, themselves
    # built without validation): no per-row validation either.
    contacts = tuple(
        construct(
            ContactScoreRecord,
            {
                "contact_id": c.contact_id,
                "influence": c.influence,
                "brokerage": c.brokerage,
                "authority": c.authority,
                "engagement": c.engagement,
                "health": c.health.score,
                "band": c.health.band.value,
                "decision_maker": c.decision_maker,
                "champion": champion.get(c.contact_id, 0.0),
            },
        )
        for c in sorted(report.scores.contacts, key=lambda c: c.contact_id)
    )
    deals = [
        DealRiskRecord(
            deal_id=a.deal.id,
            score=a.risk.score,
            factors={f.group: f.points for f in a.risk.factors},
        )
        for a in sorted(report.open_deals, key=lambda a: a.deal.id)
        if a.risk is not None
    ]
    health = report.scores.health
    return AccountScoreSet(
        account_id=account_id,
        as_of=report.as_of,
        scored_at=scored_at,
        health=health.score,
        band=health.band.value,
        contacts=contacts,
        deals=tuple(deals),
    )
