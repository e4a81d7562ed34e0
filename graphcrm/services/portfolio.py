"""Score every account of the store, one at a time, as of one instant."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

from graphcrm.analytics import build_network, score_contacts
from graphcrm.domain import Account, Model, PageRequest, UtcDatetime
from graphcrm.domain.views import MAX_PAGE_SIZE
from graphcrm.services.clock import instant
from graphcrm.services.deals import DealAssessment, assess_open_deals, read_account
from graphcrm.services.params import AnalyticsParams
from graphcrm.services.scoring import AccountScores, account_scores
from graphcrm.store.port import GraphStore

Progress = Callable[[int, int], None]
"""Called after each account with (accounts done, accounts in the store)."""


class AccountReport(Model):
    """One account of the portfolio: its scores and its open deals, riskiest first."""

    account: Account
    as_of: UtcDatetime
    scores: AccountScores
    open_deals: tuple[DealAssessment, ...]


def score_portfolio(
    store: GraphStore,
    *,
    as_of: datetime | None = None,
    params: AnalyticsParams | None = None,
    seed: int = 0,
    page_size: int = MAX_PAGE_SIZE,
    progress: Progress | None = None,
) -> Iterator[AccountReport]:
    """Yield an :class:`AccountReport` for every account, in the store's account order.

    The instant is fixed once, when the iteration starts (default: now), and
    every account is read and scored as of it. Accounts are listed page by
    page (``store.list_accounts``); an account with an open deal costs a
    second graph reading, for the churn window (:mod:`graphcrm.services.deals`).
    Memory stays bounded by one page of accounts and one account's graph.

    A write that adds or renames accounts while the iteration runs can shift
    the pages (an account skipped or seen twice); score a quiet store, or
    pass ``as_of`` and re-run.
    """
    p = params or AnalyticsParams()
    at = instant(as_of)
    done = 0
    offset = 0
    while True:
        page = store.list_accounts(PageRequest(limit=page_size, offset=offset))
        for account in page.items:
            yield score_one(store, account, at=at, params=p, seed=seed)
            done += 1
            if progress is not None:
                progress(done, page.total)
        offset += len(page.items)
        if not page.items or offset >= page.total:
            return


def score_one(
    store: GraphStore, account: Account, *, at: datetime, params: AnalyticsParams, seed: int = 0
) -> AccountReport:
    """Score one account and its open deals as of ``at``.

    The account scores are computed on the graph with the departed seats put
    back (:func:`graphcrm.services.changes.with_departed_seats`); that changes
    no active contact's score, since seats of departed contacts count nowhere
    but in deal risk.
    """
    sg = store.stakeholder_graph(account.id, as_of=at)
    if any(d.account_id == account.id and not d.stage.is_closed for d in sg.deals):
        snapshot = read_account(store, account.id, at=at, params=params, seed=seed, graph=sg)
        scores = account_scores(
            snapshot.net, account.id, scores=snapshot.scores, params=params, seed=seed
        )
        deals = assess_open_deals(store, snapshot, params=params, seed=seed)
    else:
        net = build_network(sg, as_of=at, params=params.risk.scoring.graph)
        s = score_contacts(net, params=params.risk.scoring, seed=seed)
        scores = account_scores(net, account.id, scores=s, params=params, seed=seed)
        deals = ()
    return AccountReport(account=account, as_of=at, scores=scores, open_deals=deals)
