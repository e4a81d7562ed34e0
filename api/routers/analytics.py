"""Analytics over ``graphcrm.services``: org chart, scores, health, risk, what-if, paths,
hidden influencers and follow-ups.

The networkx work runs in the thread pool, never on the event loop. Results
are cached in-process (:mod:`api.cache`) under the account they were computed
from; the territory check runs before the cache.

Org chart, health and risk answer cached JSON bytes. Their cache-warm path is
memory only and runs on the event loop: the object's placement (its account
and that account's territory, :class:`~api.territory.Placement`, cached under
the account's tag and read again from the store at least every
``GRAPHCRM_API_CACHE_TTL_SECONDS``) for the territory check, then the bytes.
Anything missing is read or computed in the thread pool.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from graphcrm.analytics import Trend, WhatIf
from graphcrm.analytics.health import score_trend
from graphcrm.analytics.params import HealthParams
from graphcrm.auth import Principal
from graphcrm.domain import AccountId, ContactId, DealId, PageRequest, RepId
from graphcrm.errors import InvalidError, NotFoundError, Problem
from graphcrm.services.clock import instant
from graphcrm.services.orgchart import OrgChart, org_chart
from graphcrm.services.paths import WarmPaths, warm_paths_to
from graphcrm.services.risk import DealAssessment, assess_deal, what_if_deal
from graphcrm.services.scoring import AccountScores, score_account
from graphcrm.services.winprob import DealWin, deal_win

from ..deps import AppState, AsOfDep, PageDep, ReaderDep, StateDep
from ..errors import NOT_FOUND, responses
from ..schemas import (
    AccountHealthPublic,
    ContactScoresPublic,
    FollowUpItem,
    FollowUpsPublic,
    HiddenInfluencersPublic,
    WhatIfCreate,
    to_edit,
)
from ..territory import (
    Placement,
    place_account,
    place_deal,
    require_visible,
    territories_of,
    visible_account,
    visible_contact,
    visible_deal,
)
from ..writes import PORTFOLIO_TAG

router = APIRouter(prefix="/v1", tags=["analytics"])

AccountPath = Annotated[str, Path(description="The account's external id.", max_length=128)]
"""The ``{account_id}`` path parameter."""


def _when(as_of: datetime | None) -> str | None:
    return as_of.isoformat() if as_of is not None else None


async def _json(
    state: AppState,
    who: Principal,
    place: tuple[str, str, str | None],
    locate: Callable[[], Placement],
    key: tuple[object, ...],
    compute: Callable[[], BaseModel],
    *,
    present: bool,
) -> Response:
    """The endpoint's answer as cached JSON bytes (no re-serialisation on a hit), after
    the territory check of the object ``place`` names (``("deal", deal_id)``), which
    ``locate()`` reads from the store.

    Cache-warm (placement and bytes cached) on the event loop; otherwise in a thread.
    """
    placed = state.cache.peek(("placement", *place), Placement)
    if placed is not None:
        require_visible(who, placed)
        body = state.cache.peek(("json", *key), bytes)
        if body is not None:
            return _answer(body)
    return await run_in_threadpool(_json_sync, state, who, place, locate, key, compute, present)


def _json_sync(
    state: AppState,
    who: Principal,
    place: tuple[str, str, str | None],
    locate: Callable[[], Placement],
    key: tuple[object, ...],
    compute: Callable[[], BaseModel],
    present: bool,
) -> Response:
    placed = state.cache.get_or_compute(
        ("placement", *place),
        lambda p: p.tags,
        locate,
        present=True,  # read from the store again at least every TTL seconds
        kind=Placement,
    )
    require_visible(who, placed)
    body = state.cache.get_or_compute(
        ("json", *key),
        placed.tags,
        lambda: compute().model_dump_json().encode("utf-8"),
        present=present,
        kind=bytes,
    )
    return _answer(body)


def _answer(body: bytes) -> Response:
    return Response(content=body, media_type="application/json")


def _scores(state: StateDep, account_id: str, as_of: datetime | None) -> AccountScores:
    return state.cache.get_or_compute(
        ("scores", account_id, _when(as_of)),
        {f"account:{account_id}"},
        lambda: score_account(state.store, AccountId(account_id), as_of=as_of),
        present=as_of is None,
        kind=AccountScores,
    )


@router.get(
    "/accounts/{account_id}/orgchart",
    summary="Org chart (solid lines as a tree, dotted lines beside)",
    responses=responses(NOT_FOUND),
    response_model=OrgChart,
)
async def get_org_chart(
    state: StateDep, who: ReaderDep, account_id: AccountPath, as_of: AsOfDep
) -> Response:
    """Roots are contacts without a solid manager in the account; each node lists its
    reports and its dotted-line managers."""
    return await _json(
        state,
        who,
        ("account", account_id, _when(as_of)),
        lambda: place_account(state.store, account_id, as_of=as_of),
        ("orgchart", account_id, _when(as_of)),
        lambda: org_chart(state.store, AccountId(account_id), as_of=as_of),
        present=as_of is None,
    )


@router.get(
    "/accounts/{account_id}/influence",
    summary="Influence scores of the account's contacts",
    responses=responses(NOT_FOUND),
)
def get_influence(
    state: StateDep, who: ReaderDep, account_id: AccountPath, as_of: AsOfDep, page: PageDep
) -> ContactScoresPublic:
    """Influence (PageRank), brokerage, authority, engagement and decision-maker score (a
    ranking in [0, 1], not a probability) of every active contact, highest decision-maker
    score first (``docs/scoring.md``)."""
    visible_account(state.store, who, account_id, as_of=as_of)
    s = _scores(state, account_id, as_of)
    rows = list(s.contacts)
    return ContactScoresPublic(
        account_id=account_id,
        as_of=s.as_of,
        data=rows[page.offset : page.offset + page.limit],
        count=len(rows),
    )


@router.get(
    "/accounts/{account_id}/health",
    summary="Relationship health with its trend",
    responses=responses(NOT_FOUND),
    response_model=AccountHealthPublic,
)
async def get_health(
    state: StateDep,
    who: ReaderDep,
    account_id: AccountPath,
    as_of: AsOfDep,
    trend_days: Annotated[int, Query(ge=1, le=365, description="Compare with this long ago.")] = 30,
) -> Response:
    """Coverage, multithreading and executive access now and ``trend_days`` earlier."""
    key_at = _when(as_of)

    def compute() -> AccountHealthPublic:
        now = _scores(state, account_id, as_of)
        before_at = now.as_of - timedelta(days=trend_days)
        before = (
            _scores(state, account_id, before_at)
            if as_of is not None  # a fixed instant: worth caching
            else score_account(state.store, AccountId(account_id), as_of=before_at)
        )
        delta = now.health.score - before.health.score
        trend = score_trend(now.health.score, before.health.score)
        counts = Counter(c.health.trend for c in now.contacts)
        return AccountHealthPublic(
            account_id=account_id,
            as_of=now.as_of,
            health=now.health,
            previous_as_of=before_at,
            previous=before.health,
            delta=delta,
            tolerance=HealthParams().account_trend_points,
            trend=trend,
            contact_trends={t: counts.get(t, 0) for t in Trend},
        )

    return await _json(
        state,
        who,
        ("account", account_id, _when(as_of)),
        lambda: place_account(state.store, account_id, as_of=as_of),
        ("health", account_id, key_at, trend_days),
        compute,
        present=as_of is None,
    )


@router.get(
    "/accounts/{account_id}/hidden-influencers",
    summary="Hidden influencers: influence well above formal rank",
    responses=responses(NOT_FOUND),
)
def get_hidden_influencers(
    state: StateDep, who: ReaderDep, account_id: AccountPath, as_of: AsOfDep
) -> HiddenInfluencersPublic:
    visible_account(state.store, who, account_id, as_of=as_of)
    s = _scores(state, account_id, as_of)
    return HiddenInfluencersPublic(
        account_id=account_id,
        as_of=s.as_of,
        data=list(s.hidden_influencers),
        count=len(s.hidden_influencers),
    )


@router.get(
    "/deals/{deal_id}/risk",
    summary="Deal risk: 100 × (1 − P(win)) with the stage's share, each factor and signal",
    responses=responses(NOT_FOUND),
    response_model=DealAssessment,
)
async def get_deal_risk(
    state: StateDep,
    who: ReaderDep,
    deal_id: Annotated[str, Path(max_length=128)],
    as_of: AsOfDep,
) -> Response:
    """Risk 0-100 as a display of the win model: ``score = 100 × (1 − P(win))``, the
    stage's ``baseline = 100 × (1 − P0)`` and per group of factors ``points = −100 ×``
    its contribution, so that ``baseline + Σ points = score`` (in hundredths); each
    factor carries its facts and the contacts and touchpoints behind it. ``signals``
    say what the rules saw (no points). ``model`` names the model. A closed deal
    answers its ``outcome`` and ``loss_reason`` with ``risk`` null."""
    return await _json(
        state,
        who,
        ("deal", deal_id, _when(as_of)),
        lambda: place_deal(state.store, deal_id, as_of=as_of),
        ("risk", deal_id, _when(as_of)),
        lambda: assess_deal(state.store, DealId(deal_id), as_of=as_of),
        present=as_of is None,
    )


@router.get(
    "/deals/{deal_id}/win",
    summary="Win probability with each factor's contribution and its evidence",
    responses=responses(NOT_FOUND),
    response_model=DealWin,
)
async def get_deal_win(
    state: StateDep,
    who: ReaderDep,
    deal_id: Annotated[str, Path(max_length=128)],
    as_of: AsOfDep,
) -> Response:
    """P(win) under the store's model (``model`` says which: fitted on this store's
    closed deals, or the shipped prior), what the stage alone gives, and each group of
    factors' contribution in points of probability (they sum to the difference), with
    the contacts and touchpoints behind it. A closed deal answers its outcome and loss
    reason instead."""
    return await _json(
        state,
        who,
        ("deal", deal_id, _when(as_of)),
        lambda: place_deal(state.store, deal_id, as_of=as_of),
        ("win", deal_id, _when(as_of)),
        lambda: deal_win(state.store, DealId(deal_id), as_of=as_of),
        present=as_of is None,
    )


@router.post(
    "/deals/{deal_id}/what-if",
    summary="What-if: the deal's win probability and risk after some edits (nothing is written)",
    responses=responses(NOT_FOUND),
)
def post_what_if(
    state: StateDep,
    who: ReaderDep,
    deal_id: Annotated[str, Path(max_length=128)],
    body: WhatIfCreate,
    as_of: AsOfDep,
) -> WhatIf:
    """The risk (and win probability) under the same model before and after the edits,
    and the change of every group of factors that moved. Edits may only name contacts
    and reps on the deal's account graph; a closed deal is a 422 (it has an outcome)."""
    visible_deal(state.store, who, deal_id, as_of=as_of)
    edits = [to_edit(e) for e in body.edits]
    return what_if_deal(state.store, DealId(deal_id), edits, as_of=as_of)


@router.get(
    "/contacts/{contact_id}/warm-paths",
    summary="Warm-introduction paths to a contact",
    responses=responses(NOT_FOUND),
)
def get_warm_paths(
    state: StateDep,
    who: ReaderDep,
    contact_id: Annotated[str, Path(max_length=128)],
    as_of: AsOfDep,
    k: Annotated[int, Query(ge=1, le=10, description="How many paths.")] = 3,
    source: Annotated[
        list[str] | None,
        Query(description="Start from these reps or contacts (default: every rep).", max_length=20),
    ] = None,
) -> WarmPaths:
    """The ``k`` strongest paths from our reps through the account's ties, strongest first."""
    contact = visible_contact(state.store, who, contact_id, as_of=as_of)
    sources = tuple(source) if source else None
    return state.cache.get_or_compute(
        ("paths", contact_id, _when(as_of), k, sources),
        {f"account:{contact.account_id}"},
        lambda: warm_paths_to(
            state.store, ContactId(contact_id), sources=sources, k=k, as_of=as_of
        ),
        present=as_of is None,
        kind=WarmPaths,
    )


MAX_FOLLOWUP_ACCOUNTS = 500


@router.get(
    "/followups",
    summary="Follow-up due-list of a rep or a territory",
    responses=responses(NOT_FOUND),
)
def get_followups(
    state: StateDep,
    who: ReaderDep,
    as_of: AsOfDep,
    page: PageDep,
    rep_id: Annotated[str | None, Query(max_length=128)] = None,
    territory: Annotated[str | None, Query(max_length=200)] = None,
) -> FollowUpsPublic:
    """Contacts and deals overdue for a touch, most urgent first: for the open deals a rep
    owns (in the key's territories), or every account of a territory (at most 500)."""
    if (rep_id is None) == (territory is None):
        raise InvalidError([Problem("query", "rep_id", "give exactly one of rep_id, territory")])
    at = instant(as_of)
    store = state.store
    if rep_id is not None:
        store.get_rep(RepId(rep_id))
        deals = store.list_deals(
            PageRequest(limit=1000), owner_id=RepId(rep_id), territories=territories_of(who)
        ).items
        accounts = sorted({d.account_id for d in deals})
        owned = {d.id for d in deals}
    else:
        assert territory is not None
        if not who.sees(territory):
            raise NotFoundError("territory", territory)
        listed = store.list_accounts(
            PageRequest(limit=MAX_FOLLOWUP_ACCOUNTS), territories=frozenset({territory})
        )
        if listed.total > MAX_FOLLOWUP_ACCOUNTS:
            raise InvalidError(
                [
                    Problem(
                        "query",
                        "territory",
                        f"{listed.total} accounts; the due-list covers at most "
                        f"{MAX_FOLLOWUP_ACCOUNTS} (ask per rep)",
                    )
                ]
            )
        accounts = [a.id for a in listed.items]
        owned = None

    def compute() -> FollowUpsPublic:
        items: list[FollowUpItem] = []
        for aid in accounts:
            s = _scores(state, aid, as_of)
            items.extend(
                FollowUpItem(account_id=aid, follow_up=f)
                for f in s.follow_ups
                if owned is None or f.deal_id in owned
            )
        items.sort(
            key=lambda i: (
                i.follow_up.overdue_ratio is not None,
                -(i.follow_up.overdue_ratio or 0.0),
                i.account_id,
                i.follow_up.deal_id,
                i.follow_up.contact_id or "",
            )
        )
        return FollowUpsPublic(as_of=at, data=items, count=len(items))

    full = state.cache.get_or_compute(
        ("followups", rep_id, territory, _when(as_of), tuple(accounts)),
        {PORTFOLIO_TAG, *(f"account:{a}" for a in accounts)},
        compute,
        present=as_of is None,
        kind=FollowUpsPublic,
    )
    return FollowUpsPublic(
        as_of=full.as_of,
        data=full.data[page.offset : page.offset + page.limit],
        count=full.count,
    )
