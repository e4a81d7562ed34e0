"""The account page (``/pages/accounts/{id}``) with its org chart and influence map,
and the JSON the two views' script reads as they grow (``docs/pages.md``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from graphcrm.auth import Principal, Scope
from graphcrm.domain import InfluenceKind, Role
from graphcrm.errors import InvalidError, NotFoundError, Problem
from graphcrm.services.deals import AccountSnapshot
from graphcrm.services.risk import assess_open_deals
from graphcrm.services.scoring import AccountScores
from graphcrm.viz import Messages, influence_map_view, org_chart_view, render_fragment
from graphcrm.viz.i18n import Lang
from graphcrm.viz.influence import around
from graphcrm.viz.orgchart import reports_of

from ..deps import StateDep
from ..territory import visible_account
from .page_support import (
    PARAMS,
    HtmlErrorRoute,
    IdPath,
    PageAsOfDep,
    ViewerDep,
    account_snapshot,
    as_of_key,
    link_factory,
    page_lang,
    page_top,
    render_page,
    snapshot_scores,
    win_probabilities,
)

router = APIRouter(include_in_schema=False, route_class=HtmlErrorRoute)


@router.get("/accounts/{account_id}", response_class=HTMLResponse)
def account_page(
    request: Request,
    state: StateDep,
    who: ViewerDep,
    account_id: IdPath,
    as_of: PageAsOfDep,
    deal: Annotated[str | None, Query(max_length=128)] = None,
    since: Annotated[str | None, Query(max_length=64)] = None,
) -> HTMLResponse:
    """Next actions and what changed since ``since`` (default: a week before), the
    hierarchy with roll-ups, the org chart, the influence map, the follow-ups."""
    account = visible_account(state.store, who, account_id)
    snap = account_snapshot(state, account_id, as_of)
    lang = page_lang(request)
    scores = snapshot_scores(state, snap, as_of)
    open_deals = assess_open_deals(state.store, snap, params=PARAMS)
    deal_ids = [d.deal.id for d in open_deals]
    if deal is not None and deal not in snap.net.deals:
        raise NotFoundError("deal", deal)
    stance_deal = deal or (deal_ids[0] if deal_ids else None)
    ancestors = [a for a in state.store.account_ancestors(account.id) if who.sees(a.territory)]
    descendants = [a for a in state.store.account_descendants(account.id) if who.sees(a.territory)]
    rollup = state.store.account_rollup(account.id, as_of=snap.at)
    link = link_factory(request)
    editing = stance_deal is not None and as_of is None and Scope.WRITE in who.scopes
    charts = state.cache.get_or_compute(
        # link(""): the page's own lang and as_of, which the charts' endpoints keep
        ("pages.charts", account.id, as_of_key(as_of), stance_deal, lang, editing, link("")),
        {f"account:{account.id}"},
        lambda: _charts(snap, scores, stance_deal, lang, link, editing=editing),
        present=as_of is None,
        kind=_Charts,
    )
    names = dict(snap.net.names)
    seats = snap.net.roles.get(stance_deal, {}) if stance_deal else {}
    committee = sorted(
        ((cid, names.get(cid, cid), seat) for cid, seat in seats.items()),
        key=lambda c: (not c[2].is_primary, -c[2].stance, c[1], c[0]),
    )
    return render_page(
        request,
        "account.html.j2",
        {
            "account": account,
            "scores": scores,
            "open_deals": open_deals,
            "stance_deal": stance_deal,
            "ancestors": list(reversed(ancestors)),
            "descendants": descendants,
            "rollup": rollup,
            "org_html": charts.org_html,
            "influence_html": charts.influence_html,
            "names": names,
            "committee": committee,
            "deal_names": {d: snap.net.deals[d].name for d in snap.net.deals},
            "at": snap.at,
            "wins": win_probabilities(open_deals),
            **page_top(request, state, snap, open_deals, scores, since, view="orgchart"),
        },
    )


@dataclass(frozen=True, slots=True)
class _Charts:
    """The account page's org chart and influence map, rendered."""

    org_html: str
    influence_html: str


def _charts(
    snap: AccountSnapshot,
    scores: AccountScores,
    deal_id: str | None,
    lang: Lang,
    link: Callable[..., str],
    *,
    editing: bool,
) -> _Charts:
    """The org chart and the influence map of ``snap`` with stances on ``deal_id`` (the
    map's edit controls when ``editing``); the account page caches them with the
    snapshot, as laying them out is a share of its time."""
    base = f"/pages/accounts/{snap.account_id}"
    org = org_chart_view(
        snap.net,
        snap.account_id,
        scores=snap.scores,
        deal_id=deal_id,
        hidden=scores.hidden_influencers,
        embed="shown",
        endpoint=link(f"{base}/orgchart.json", deal=deal_id),
        lang=lang,
    )
    influence = influence_map_view(
        snap.net,
        snap.account_id,
        scores=snap.scores,
        hidden=scores.hidden_influencers,
        deal_id=deal_id,
        embed="shown",
        endpoint=link(f"{base}/influence.json", deal=deal_id),
        lang=lang,
    )
    if editing and deal_id is not None:
        influence = replace(influence, edit=_edit_data(snap, deal_id, lang))
    return _Charts(
        render_fragment(org, name="orgchart"), render_fragment(influence, name="influence")
    )


def _edit_data(snap: AccountSnapshot, deal_id: str, lang: Lang) -> dict[str, Any]:
    """What the influence map's script needs to change stances, roles and ties on the
    present graph (``/pages/edit``, :mod:`api.routers.page_edits`)."""
    m = Messages(lang)
    return {
        "base": "/pages/edit",
        "deal": deal_id,
        "deal_label": m.format("edit_on_deal", deal=snap.net.deals[deal_id].name),
        "stances": [[s, m.stance(s)] for s in range(-2, 3)],
        "roles": [[r.value, m.role(r)] for r in Role],
        "kinds": [[k.value, m(f"kind_{k.value}")] for k in InfluenceKind],
        "labels": {
            k: m(k)
            for k in (
                "stance",
                "edit_save",
                "edit_saved",
                "edit_stale",
                "edit_failed",
                "edit_add_tie",
                "edit_tie_kind",
                "edit_tie_strength",
                "edit_remove_tie",
                "edit_ties",
            )
        },
    }


def _view_data(
    state: StateDep, who: Principal, account_id: str, as_of: datetime | None, deal: str | None
) -> tuple[AccountSnapshot, AccountScores]:
    """What the views' JSON reads: the snapshot and the scores (hidden influencers)."""
    account = visible_account(state.store, who, account_id)
    snap = account_snapshot(state, account.id, as_of)
    if deal is not None and deal not in snap.net.deals:
        raise NotFoundError("deal", deal)
    return snap, snapshot_scores(state, snap, as_of)


@router.get("/accounts/{account_id}/orgchart.json")
def org_chart_reports(
    request: Request,
    state: StateDep,
    who: ViewerDep,
    account_id: IdPath,
    as_of: PageAsOfDep,
    managers: Annotated[str, Query(max_length=20_000)],
    deal: Annotated[str | None, Query(max_length=128)] = None,
) -> dict[str, Any]:
    """The cards of the direct reports of ``managers`` (comma-separated ids), for the
    org chart's script when a manager is opened (``docs/pages.md``)."""
    ids = [m for m in managers.split(",") if m]
    if len(ids) > 500:
        raise InvalidError([Problem("query", "managers", "at most 500 managers at once")])
    snap, scores = _view_data(state, who, account_id, as_of, deal)
    nodes = reports_of(
        snap.net,
        account_id,
        ids,
        scores=snap.scores,
        deal_id=deal,
        hidden=scores.hidden_influencers,
        lang=page_lang(request),
    )
    return {"nodes": nodes}


@router.get("/accounts/{account_id}/influence.json")
def influence_around(
    request: Request,
    state: StateDep,
    who: ViewerDep,
    account_id: IdPath,
    as_of: PageAsOfDep,
    contact: Annotated[str, Query(max_length=128)],
    deal: Annotated[str | None, Query(max_length=128)] = None,
) -> dict[str, Any]:
    """The people tied to ``contact`` with their ties, for the influence map's script
    when the map grows from that person (``docs/pages.md``)."""
    snap, scores = _view_data(state, who, account_id, as_of, deal)
    if contact not in snap.net.contacts:
        raise NotFoundError("contact", contact)
    nodes, edges = around(
        snap.net,
        account_id,
        contact,
        scores=snap.scores,
        hidden=scores.hidden_influencers,
        deal_id=deal,
        lang=page_lang(request),
    )
    return {"nodes": nodes, "edges": edges}
