"""The deal page (``/pages/deals/{id}``): the win probability and risk with their
evidence, the stage history, the what-if form."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from graphcrm.analytics import RemoveContact, WhatIf
from graphcrm.auth import Principal
from graphcrm.domain import ContactStatus, DealId, DealView
from graphcrm.errors import InvalidError, Problem
from graphcrm.services.deals import AccountSnapshot, history_until
from graphcrm.services.evidence import named_touchpoints
from graphcrm.services.risk import DealAssessment, assess, what_if_deal
from graphcrm.services.training import current_card
from graphcrm.services.winprob import win_of
from graphcrm.viz import Messages, deal_view, render_fragment
from graphcrm.viz.i18n import Lang
from graphcrm.viz.sentences import signal_sentence
from graphcrm.viz.view import GraphView
from graphcrm.viz.win import render_win, win_panel

from ..deps import StateDep
from ..territory import visible_deal
from .page_support import (
    PARAMS,
    HtmlErrorRoute,
    IdPath,
    PageAsOfDep,
    ViewerDep,
    account_snapshot,
    page_lang,
    page_top,
    render_page,
    snapshot_scores,
)

router = APIRouter(include_in_schema=False, route_class=HtmlErrorRoute)


def _win_html(
    state: StateDep, snap: AccountSnapshot, view: DealView, graph: GraphView, lang: Lang
) -> str:
    """The deal's win probability (or outcome) block, its people selectable on ``graph``."""
    win = win_of(snap, view, current_card(state.store, as_of=snap.at), params=PARAMS)
    named = (t for c in win.contributions for t in c.evidence.touchpoint_ids)
    panel = win_panel(
        win,
        snap,
        view,
        params=PARAMS,
        touchpoints=named_touchpoints(state.store, snap, named),
        on_graph={str(n["id"]) for n in graph.nodes},
        lang=lang,
    )
    return render_win(panel, view="deal")


def _in_language(assessment: DealAssessment, snap: AccountSnapshot, t: Messages) -> DealAssessment:
    """The assessment with its signals' messages written in ``t``'s language from their
    codes and evidence (the deal view and the risk card show them)."""
    risk = assessment.risk
    if risk is None:
        return assessment
    signals = tuple(
        s.model_copy(update={"message": signal_sentence(t, s, snap.net, snap.scores, PARAMS.risk)})
        for s in risk.signals
    )
    return assessment.model_copy(update={"risk": risk.model_copy(update={"signals": signals})})


def _deal_context(
    request: Request, state: StateDep, who: Principal, deal_id: str, as_of: datetime | None
) -> dict[str, Any]:
    view = visible_deal(state.store, who, deal_id)
    snap = account_snapshot(state, view.deal.account_id, as_of)
    assessment: DealAssessment = assess(state.store, snap, DealId(deal_id), params=PARAMS)
    history = history_until(view, snap.at)
    lang = page_lang(request)
    assessment = _in_language(assessment, snap, Messages(lang))
    graph = deal_view(snap.net, assessment, scores=snap.scores, lang=lang)
    seats = snap.net.roles.get(deal_id, {})
    removable = sorted(
        (
            (cid, snap.net.name(cid))
            for cid in seats
            if cid in snap.net.contacts and snap.net.contacts[cid].status is ContactStatus.ACTIVE
        ),
        key=lambda p: (p[1], p[0]),
    )
    return {
        "deal": assessment.deal,
        "assessment": assessment,
        "account": state.store.get_account(view.deal.account_id),
        "history": history,
        "deal_html": render_fragment(graph, name="deal"),
        "win_html": _win_html(state, snap, view, graph, lang),
        "closed": assessment.risk is None,
        "removable": removable,
        "what_if": None,
        "removed": None,
        "names": dict(snap.net.names),
        "at": snap.at,
        **page_top(
            request,
            state,
            snap,
            [assessment] if assessment.risk is not None else [],
            snapshot_scores(state, snap, as_of),
            request.query_params.get("since"),
            view="deal",
            deal_id=deal_id,
        ),
    }


@router.get("/deals/{deal_id}", response_class=HTMLResponse)
def deal_page(
    request: Request, state: StateDep, who: ViewerDep, deal_id: IdPath, as_of: PageAsOfDep
) -> HTMLResponse:
    """The win probability and its risk with their evidence, the stage history and a
    what-if form."""
    return render_page(request, "deal.html.j2", _deal_context(request, state, who, deal_id, as_of))


@router.post("/deals/{deal_id}/what-if", response_class=HTMLResponse)
def deal_what_if(
    request: Request,
    state: StateDep,
    who: ViewerDep,
    deal_id: IdPath,
    as_of: PageAsOfDep,
    contact_id: Annotated[str, Form(max_length=128)],
) -> HTMLResponse:
    """The deal page with the win probability and risk after removing one contact
    (nothing is written)."""
    context = _deal_context(request, state, who, deal_id, as_of)
    if contact_id not in {cid for cid, _ in context["removable"]}:
        message = Messages(page_lang(request))("not_committee_member")
        raise InvalidError([Problem("form", "contact_id", message)])
    result: WhatIf = what_if_deal(
        state.store, DealId(deal_id), [RemoveContact(contact_id=contact_id)], as_of=context["at"]
    )
    context.update(what_if=result, removed=contact_id)
    return render_page(request, "deal.html.j2", context)
