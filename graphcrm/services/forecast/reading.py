"""What a forecast reads from the store: once per call (:class:`_Scope`), and as of each
instant (:func:`_read_at`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from typing import Final

from graphcrm.domain import Account, AccountId, Deal, DealId, DealView, Stage, TerritorySpan
from graphcrm.domain.views import every_item
from graphcrm.services.deals import churn_window_start, read_account
from graphcrm.services.forecast.quarters import Quarter
from graphcrm.services.params import AnalyticsParams
from graphcrm.services.training import current_card
from graphcrm.services.winprob import ModelSummary, summary, win_of
from graphcrm.store.intervals import territories_at
from graphcrm.store.port import GraphStore

CHUNK: Final = 16
"""Accounts per graph read."""


@dataclass(slots=True)
class _Scope:
    """What one call reads once: the accounts in scope, reps, groups, deal histories."""

    store: GraphStore
    territories: frozenset[str] | None
    accounts: dict[str, Account]
    views: dict[str, DealView]
    """Every deal of the accounts in scope with its histories, by deal id."""
    reps: dict[str, str]
    groups: dict[str, Account] = field(default_factory=dict)
    spans: dict[str, list[TerritorySpan]] = field(default_factory=dict)
    """Each account's territory intervals (:meth:`at`)."""

    def sees(self, account: Account) -> bool:
        return self.territories is None or (
            account.territory is not None and account.territory in self.territories
        )

    def at(self, account_id: str, when: datetime) -> Account:
        """The account with the territory in force at ``when`` (the stored one when no
        interval covers it)."""
        account = self.accounts[account_id]
        then = territories_at(self.spans.get(account_id, ()), when)
        if account_id not in then or then[account_id] == account.territory:
            return account
        return account.model_copy(update={"territory": then[account_id]})

    def held(self, account_id: str, when: datetime) -> bool:
        """Whether the account was in the chosen territories at ``when``."""
        return account_id in self.accounts and self.sees(self.at(account_id, when))

    def group(self, account: Account) -> Account:
        """The farthest ancestor in scope (the account itself when none is)."""
        known = self.groups.get(account.id)
        if known is None:
            ancestors = self.store.account_ancestors(AccountId(account.id))
            visible = [a for a in ancestors if self.sees(a)]
            known = visible[-1] if visible else account
            self.groups[account.id] = known
        return known

    def view(self, deal_id: str) -> DealView:
        """The deal's histories (read now if it was created since the call began)."""
        known = self.views.get(deal_id)
        if known is None:
            known = self.store.get_deal(DealId(deal_id))
            self.views[deal_id] = known
        return known


def _read_scope(store: GraphStore, territories: Iterable[str] | None) -> _Scope:
    """Accounts in ``territories`` now or at any time before (a forecast as of an
    instant counts the accounts of the territories then), their deals and histories."""
    chosen = None if territories is None else frozenset(territories)
    accounts: dict[str, Account] = {
        a.id: a for a in every_item(lambda page: store.list_accounts(page, territories=chosen))
    }
    listed: list[Deal] = list(every_item(lambda page: store.list_deals(page, territories=chosen)))
    history = store.territory_history()
    spans: dict[str, list[TerritorySpan]] = {}
    for s in history:
        spans.setdefault(s.account_id, []).append(s)
    if chosen is not None:
        for aid in sorted(
            {s.account_id for s in history if s.territory in chosen} - accounts.keys()
        ):
            account = accounts[aid] = store.get_account(AccountId(aid))
            listed += every_item(partial(store.list_deals, account_id=AccountId(account.id)))
    dealing = {d.id for d in listed if d.account_id in accounts}
    reps: dict[str, str] = {r.id: r.name for r in every_item(store.list_reps)}
    deal_ids = [DealId(d) for d in sorted(dealing)]
    return _Scope(
        store=store,
        territories=chosen,
        accounts=accounts,
        views=dict(zip(deal_ids, store.get_deals(deal_ids), strict=True)),
        reps=reps,
        spans=spans,
    )


@dataclass(frozen=True, slots=True)
class _Win:
    deal: Deal
    probability: float


@dataclass(frozen=True, slots=True)
class _Reading:
    """The store as of one instant: the forecast's deals with their P(win), and the
    state then of every deal in scope."""

    at: datetime
    wins: tuple[_Win, ...]
    won: tuple[Deal, ...]
    """Closed won by then, with the expected close in the quarters."""
    states: dict[str, Deal]
    card_summary: ModelSummary


def _in_quarters(deal: Deal, quarters: frozenset[Quarter]) -> bool:
    """Open, with the expected close in ``quarters``."""
    return not deal.stage.is_closed and _closes_in(deal, quarters)


def _closes_in(deal: Deal, quarters: frozenset[Quarter]) -> bool:
    return deal.expected_close is not None and Quarter.of(deal.expected_close) in quarters


def expected_close_at(view: DealView, at: datetime) -> date | None:
    """The deal's expected close at ``at``, by the store's as-of rule: the last
    close-date change by then; before the first, the date it changed from; with no
    change on record, the deal's own.

    >>> from datetime import UTC, timedelta
    >>> from graphcrm.domain import CloseDateChange
    >>> t = datetime(2026, 3, 1, tzinfo=UTC)
    >>> moved = CloseDateChange(deal_id="D1", at=t, from_date=date(2026, 3, 31),
    ...     to_date=date(2026, 4, 30))
    >>> deal = Deal(id="D1", account_id="A1", name="ERP", expected_close=date(2026, 4, 30))
    >>> view = DealView(deal=deal, stage_history=(), close_date_history=(moved,))
    >>> [expected_close_at(view, t + timedelta(days=d)).isoformat() for d in (-1, 0)]
    ['2026-03-31', '2026-04-30']
    """
    changes = view.close_date_history
    if not changes:
        return view.deal.expected_close
    close, seen = changes[0].from_date, False
    for change in changes:
        if change.at > at:
            break
        close, seen = change.to_date, True
    return close if seen else changes[0].from_date


def deal_at(view: DealView, at: datetime) -> Deal | None:
    """The deal as the store reads it as of ``at`` (``docs/data-model.md``): its stage
    (:meth:`DealView.stage_at`; None before it was created) and expected close then
    (:func:`expected_close_at`), its other fields as stored, no loss reason while open.

    It tells, from histories read once, which accounts hold a deal of the forecast at
    an instant, without reading every account at every instant of a trend; a test
    pins it to the store's own as-of read.
    """
    stage = view.stage_at(at)
    if stage is None:
        return None
    update: dict[str, object] = {"stage": stage, "expected_close": expected_close_at(view, at)}
    if not stage.is_closed:
        update["loss_reason"] = None
    return view.deal.model_copy(update=update)


def _chunks(ids: Sequence[AccountId]) -> Iterator[list[AccountId]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


def _read_at(
    scope: _Scope, at: datetime, quarters: frozenset[Quarter], params: AnalyticsParams, seed: int
) -> _Reading:
    store = scope.store
    states: dict[str, Deal] = {}
    for deal_id, view in scope.views.items():
        deal = deal_at(view, at)
        if deal is not None:
            states[deal_id] = deal
    if scope.territories is not None:  # the accounts of the territories then
        states = {k: d for k, d in states.items() if scope.held(d.account_id, at)}
    holding = sorted(
        {AccountId(d.account_id) for d in states.values() if _in_quarters(d, quarters)}
    )
    card = current_card(store, as_of=at)
    since = churn_window_start(at, params)
    wins: list[_Win] = []
    for ids in _chunks(holding):
        graphs = store.stakeholder_graphs(ids, as_of=at)
        at_window_start = store.stakeholder_graphs(ids, as_of=since, committee_only=True)
        for aid, sg, before in zip(ids, graphs, at_window_start, strict=True):
            snapshot = read_account(
                store, aid, at=at, params=params, seed=seed, graph=sg, before=before
            )
            for deal in sorted(snapshot.net.deals.values(), key=lambda d: d.id):
                if deal.account_id != aid:
                    continue
                states[deal.id] = deal  # the store's reading decides
                if not _in_quarters(deal, quarters):
                    continue
                win = win_of(snapshot, scope.view(deal.id), card, params=params)
                assert win.probability is not None  # open at ``at``
                wins.append(_Win(deal, win.probability))
    won = tuple(
        d
        for _, d in sorted(states.items())
        if d.stage is Stage.CLOSED_WON and _closes_in(d, quarters)
    )
    return _Reading(at, tuple(wins), won, states, summary(card))
