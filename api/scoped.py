"""A :class:`~graphcrm.store.port.GraphStore` seen through one principal's territories.

The importers and exporters of :mod:`graphcrm.io` take a store; the API hands
them this view, so the CLI and the API share one code path and the territory
rule still holds: accounts outside the principal's territories (and what is
under them) read as missing, and :meth:`ScopedStore.apply` refuses rows under
them with the problems of :func:`api.territory.check_batch`, which the import
driver maps back to file lines. Writes take the app's write lock and
invalidate the analytics cache, like every other API write.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence, Set
from contextlib import AbstractContextManager
from datetime import datetime

from graphcrm.auth import ALL_TERRITORIES, Principal, Scope
from graphcrm.domain import (
    Account,
    AccountId,
    AccountRollup,
    AccountScoreSet,
    ApplyResult,
    ChangeLogEntry,
    ChangeSet,
    Contact,
    ContactId,
    Deal,
    DealId,
    DealView,
    EntityKind,
    Page,
    PageRequest,
    Rep,
    RepId,
    ScoreRun,
    Stage,
    StakeholderGraph,
    StoreStats,
    TerritorySpan,
    Touchpoint,
    WinModelCard,
)
from graphcrm.domain.keys import KeyRecord, Watermark
from graphcrm.errors import NotFoundError

from .deps import AppState
from .errors import forbidden
from .territory import (
    check_batch,
    keep_hidden_parents,
    listed_territories,
    shown,
    touched_accounts,
    visible_account,
    visible_contact,
    visible_deal,
)
from .writes import drop, refuse_blocked, write_tags


class ScopedStore:
    """The store as one principal may see and change it (see the module docstring)."""

    def __init__(self, state: AppState, who: Principal) -> None:
        self._state = state
        self._s = state.store
        self._who = who

    # --- writes -----------------------------------------------------------------
    def apply(self, changes: ChangeSet, *, actor: str, at: datetime | None = None) -> ApplyResult:
        with self._state.writing():
            check_batch(self._s, self._who, changes)
            changes = keep_hidden_parents(self._s, self._who, changes)
            refuse_blocked(self._state, self._who, changes)
            touched = touched_accounts(self._s, changes)
            tags = write_tags(self._state, touched, everything=bool(changes.reps))
            result = self._s.apply(changes, actor=actor, at=at)
        if result.changed:
            drop(self._state, tags)
        return result

    def put_scores(self, scores: Sequence[AccountScoreSet]) -> int:
        """Scores of accounts outside the principal's territories answer not found."""
        for score_set in scores:
            visible_account(self._s, self._who, score_set.account_id)
        return self._s.put_scores(scores)

    def put_win_model(self, card: WinModelCard) -> None:
        """The model is org-wide: storing one needs the ``admin`` scope over every
        territory (a key limited to some would fit it on their deals only)."""
        self._org_wide("storing a win model")
        self._s.put_win_model(card)

    def put_score_run(self, run: ScoreRun) -> None:
        """A run's record is org-wide (it vouches for every account's scores): storing
        one needs what storing a win model needs."""
        self._org_wide("storing a score run")
        self._s.put_score_run(run)

    def _org_wide(self, what: str) -> None:
        """Refuse an org-wide write to a principal without ``admin`` over every territory."""
        if Scope.ADMIN not in self._who.scopes:
            raise forbidden(f"{what} needs the {Scope.ADMIN.value!r} scope")
        if not self._who.all_territories:
            raise forbidden(f"{what} needs every territory ({ALL_TERRITORIES!r})")

    # --- accounts -----------------------------------------------------------------
    def get_account(self, account_id: AccountId) -> Account:
        return visible_account(self._s, self._who, account_id)

    def list_accounts(
        self,
        page: PageRequest,
        *,
        territories: Set[str] | None = None,
        sector: str | None = None,
        owner_id: RepId | None = None,
        name_contains: str | None = None,
    ) -> Page[Account]:
        listed = self._s.list_accounts(
            page,
            territories=self._within(territories),
            sector=sector,
            owner_id=owner_id,
            name_contains=name_contains,
        )
        return listed.model_copy(update={"items": tuple(shown(self._s, self._who, listed.items))})

    def _within(self, territories: Set[str] | None) -> frozenset[str] | None:
        """``territories`` (None: every one) cut to the principal's."""
        own = listed_territories(self._who)
        if territories is None:
            return own
        if own is None:
            return frozenset(territories)
        return own & territories

    def account_ancestors(self, account_id: AccountId) -> tuple[Account, ...]:
        visible_account(self._s, self._who, account_id)
        above = self._s.account_ancestors(account_id)
        return tuple(shown(self._s, self._who, (a for a in above if self._who.sees(a.territory))))

    def account_descendants(self, account_id: AccountId) -> tuple[Account, ...]:
        visible_account(self._s, self._who, account_id)
        below = self._s.account_descendants(account_id)
        return tuple(shown(self._s, self._who, (a for a in below if self._who.sees(a.territory))))

    def account_rollup(
        self, account_id: AccountId, *, as_of: datetime | None = None
    ) -> AccountRollup:
        visible_account(self._s, self._who, account_id, as_of=as_of)
        return self._s.account_rollup(account_id, as_of=as_of)

    def territory_history(
        self, account_ids: Collection[AccountId] | None = None
    ) -> tuple[TerritorySpan, ...]:
        """The intervals of the accounts the principal sees now, by the territory of
        each account's latest interval (others answer none)."""
        spans = self._s.territory_history(account_ids)
        if self._who.all_territories:
            return spans
        latest = {s.account_id: s.territory for s in spans}  # ordered by start
        return tuple(s for s in spans if self._who.sees(latest[s.account_id]))

    # --- contacts and reps --------------------------------------------------------
    def get_contact(self, contact_id: ContactId, *, as_of: datetime | None = None) -> Contact:
        return visible_contact(self._s, self._who, contact_id, as_of=as_of)

    def list_contacts(
        self,
        page: PageRequest,
        *,
        account_id: AccountId | None = None,
        name_contains: str | None = None,
        as_of: datetime | None = None,
        territories: Set[str] | None = None,
    ) -> Page[Contact]:
        if account_id is not None:
            visible_account(self._s, self._who, account_id, as_of=as_of)
        return self._s.list_contacts(
            page,
            account_id=account_id,
            name_contains=name_contains,
            as_of=as_of,
            territories=self._within(territories),
        )

    def get_rep(self, rep_id: RepId) -> Rep:
        return self._s.get_rep(rep_id)

    def list_reps(self, page: PageRequest, *, territory: str | None = None) -> Page[Rep]:
        return self._s.list_reps(page, territory=territory)

    # --- the stakeholder graph ------------------------------------------------------
    def stakeholder_graph(
        self,
        account_id: AccountId,
        *,
        as_of: datetime | None = None,
        include_family: bool = False,
    ) -> StakeholderGraph:
        visible_account(self._s, self._who, account_id, as_of=as_of)
        graph = self._s.stakeholder_graph(account_id, as_of=as_of, include_family=include_family)
        if self._who.all_territories:
            return graph
        graph = graph.model_copy(
            update={"accounts": tuple(shown(self._s, self._who, graph.accounts))}
        )
        if not include_family:
            return graph
        hidden = {a.id for a in graph.accounts if not self._who.sees(a.territory)}
        if not hidden:
            return graph
        contacts = tuple(c for c in graph.contacts if c.account_id not in hidden)
        keep = {c.id for c in contacts}
        deals = tuple(d for d in graph.deals if d.account_id not in hidden)
        deal_ids = {d.id for d in deals}
        return graph.model_copy(
            update={
                "accounts": tuple(a for a in graph.accounts if a.id not in hidden),
                "contacts": contacts,
                "reports_to": tuple(
                    r for r in graph.reports_to if {r.contact_id, r.manager_id} <= keep
                ),
                "influences": tuple(
                    i for i in graph.influences if {i.influencer_id, i.influenced_id} <= keep
                ),
                "deals": deals,
                "deal_roles": tuple(
                    r for r in graph.deal_roles if r.deal_id in deal_ids and r.contact_id in keep
                ),
                "rep_knows": tuple(k for k in graph.rep_knows if k.contact_id in keep),
                "engagement": tuple(e for e in graph.engagement if e.contact_id in keep),
                "contact_ties": tuple(
                    t for t in graph.contact_ties if {t.contact_a, t.contact_b} <= keep
                ),
                "rep_ties": tuple(t for t in graph.rep_ties if t.contact_id in keep),
            }
        )

    # --- deals and touchpoints ------------------------------------------------------
    def get_deal(self, deal_id: DealId) -> DealView:
        return visible_deal(self._s, self._who, deal_id)

    def get_deals(self, deal_ids: Sequence[DealId]) -> tuple[DealView, ...]:
        return tuple(visible_deal(self._s, self._who, d) for d in deal_ids)

    def list_deals(
        self,
        page: PageRequest,
        *,
        account_id: AccountId | None = None,
        stage: Stage | None = None,
        owner_id: RepId | None = None,
        territories: Set[str] | None = None,
    ) -> Page[Deal]:
        if account_id is not None:
            visible_account(self._s, self._who, account_id)
        return self._s.list_deals(
            page,
            account_id=account_id,
            stage=stage,
            owner_id=owner_id,
            territories=self._within(territories),
        )

    def list_touchpoints(
        self,
        page: PageRequest,
        *,
        account_id: AccountId | None = None,
        contact_id: ContactId | None = None,
        deal_id: DealId | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Page[Touchpoint]:
        if (
            account_id is None
            and contact_id is None
            and deal_id is None
            and not self._who.all_territories
        ):
            raise NotFoundError("account", "(any)")
        if account_id is not None:
            visible_account(self._s, self._who, account_id)
        if contact_id is not None:
            visible_contact(self._s, self._who, contact_id)
        if deal_id is not None:
            visible_deal(self._s, self._who, deal_id)
        return self._s.list_touchpoints(
            page,
            account_id=account_id,
            contact_id=contact_id,
            deal_id=deal_id,
            since=since,
            until=until,
        )

    def get_scores(
        self, account_id: AccountId, *, as_of: datetime | None = None
    ) -> AccountScoreSet:
        visible_account(self._s, self._who, account_id)
        return self._s.get_scores(account_id, as_of=as_of)

    # --- win models: org-wide, no personal data, so every principal reads them ---------
    def get_win_model(self, *, as_of: datetime | None = None) -> WinModelCard:
        return self._s.get_win_model(as_of=as_of)

    def list_win_models(self, page: PageRequest) -> Page[WinModelCard]:
        return self._s.list_win_models(page)

    def latest_score_run(self) -> ScoreRun | None:
        return self._s.latest_score_run()

    def stakeholder_graphs(
        self,
        account_ids: Sequence[AccountId],
        *,
        as_of: datetime | None = None,
        committee_only: bool = False,
    ) -> tuple[StakeholderGraph, ...]:
        """Without family, each graph holds only its own account: no filtering is needed."""
        for account_id in account_ids:
            visible_account(self._s, self._who, account_id, as_of=as_of)
        graphs = self._s.stakeholder_graphs(account_ids, as_of=as_of, committee_only=committee_only)
        if self._who.all_territories:
            return graphs
        return tuple(
            g.model_copy(update={"accounts": tuple(shown(self._s, self._who, g.accounts))})
            for g in graphs
        )

    # --- history and housekeeping ----------------------------------------------------
    def change_log(
        self,
        page: PageRequest,
        *,
        entity: EntityKind | None = None,
        key: str | None = None,
        since_seq: int | None = None,
    ) -> Page[ChangeLogEntry]:
        if not self._who.all_territories:
            return Page[ChangeLogEntry](items=(), total=0, limit=page.limit, offset=page.offset)
        return self._s.change_log(page, entity=entity, key=key, since_seq=since_seq)

    def stats(self) -> StoreStats:
        return self._s.stats()

    # --- keys and coordination: not through an import or export ------------------------
    def put_key(self, key: KeyRecord) -> None:
        raise forbidden("keys are managed through /v1/keys")

    def get_key(self, key_id: str) -> KeyRecord:
        raise forbidden("keys are managed through /v1/keys")

    def list_keys(self) -> tuple[KeyRecord, ...]:
        raise forbidden("keys are managed through /v1/keys")

    def revoke_key(self, key_id: str, *, at: datetime) -> KeyRecord:
        raise forbidden("keys are managed through /v1/keys")

    def watermark(self) -> Watermark:
        return self._s.watermark()

    def exclusive(self) -> AbstractContextManager[None]:
        """Each :meth:`apply` takes the write lock itself; a block of several is refused."""
        raise forbidden("an import takes the write lock per batch")

    def prefetch(self) -> None:
        self._s.prefetch()

    def close(self) -> None:
        """The app's store stays open: closing a view does nothing."""
