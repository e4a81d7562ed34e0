"""Server-rendered HTML pages: accounts, one account, one deal, the forecast
(``docs/pages.md``).

Jinja2 templates in ``api/templates``, no front-end build: vis-network and
graphcrm's view script are served from ``/pages/static`` (nothing comes from
another origin; the ``Content-Security-Policy`` header says so).

Authentication is the API's: the same keys, scopes (``read``) and territory
rule. A browser cannot send a header, so a key may also come once as
``?key=``: the page answers with a redirect to the same URL without it and
sets an ``HttpOnly``, ``SameSite=Strict`` cookie scoped to ``/pages``. Errors
are HTML pages, not problem documents; an object outside the key's
territories is the same 404 page as a missing one.

Every page takes ``?as_of=`` (a date or an ISO datetime) and ``?lang=tr|en``
(else ``Accept-Language``). Plain ``def`` endpoints: the networkx work runs in
the thread pool.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from pathlib import Path as FsPath
from typing import Annotated, Any, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, select_autoescape

from graphcrm.analytics import RemoveContact, WhatIf
from graphcrm.auth import Principal, Scope
from graphcrm.domain import (
    Account,
    AccountId,
    ContactStatus,
    DealId,
    DealView,
    InfluenceKind,
    PageRequest,
    Role,
)
from graphcrm.domain.base import as_of_instant
from graphcrm.domain.views import every_item
from graphcrm.errors import InvalidError, NotFoundError, Problem
from graphcrm.services.actions import WhatChanged, next_actions, since_default, what_changed
from graphcrm.services.clock import instant
from graphcrm.services.collector import gc_paused
from graphcrm.services.deals import AccountSnapshot, history_until, read_account
from graphcrm.services.evidence import named_touchpoints
from graphcrm.services.forecast import (
    GROUP_BYS,
    Forecast,
    ForecastTrend,
    GroupBy,
    Quarter,
    forecast,
    forecast_trend,
)
from graphcrm.services.params import AnalyticsParams
from graphcrm.services.portfolio import AccountReport, score_one
from graphcrm.services.risk import DealAssessment, assess, assess_open_deals, what_if_deal
from graphcrm.services.scoring import AccountScores, account_scores
from graphcrm.services.territories import conflicts as territory_conflicts
from graphcrm.services.training import current_card
from graphcrm.services.winprob import win_of
from graphcrm.viz import (
    ASSETS,
    Messages,
    asset,
    deal_view,
    influence_map_view,
    negotiate,
    org_chart_view,
    render_fragment,
)
from graphcrm.viz.forecast import Numbers, trend_chart
from graphcrm.viz.i18n import LANGS, Lang
from graphcrm.viz.influence import around
from graphcrm.viz.orgchart import reports_of
from graphcrm.viz.render import Asset
from graphcrm.viz.sentences import (
    action_sentence,
    alert_sentence,
    follow_up_sentence,
    signal_sentence,
)
from graphcrm.viz.view import GraphView
from graphcrm.viz.win import render_win, win_panel

from ..deps import StateDep
from ..errors import ApiError
from ..scoped import ScopedStore
from ..territory import territories_of, visible_account, visible_deal
from ..writes import PORTFOLIO_TAG
from .alerts import read_alerts

COOKIE: Final = "graphcrm_key"
"""The cookie that keeps a page session signed in (the API key itself, HttpOnly)."""
ACCOUNTS_PER_PAGE: Final = 100
TEMPLATES: Final = FsPath(__file__).resolve().parent.parent / "templates"
CSP: Final = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
_MEDIA: Final[dict[str, str]] = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}


# --- errors as pages ------------------------------------------------------------


class _SignIn(Exception):
    """A valid ``?key=``: redirect to the URL without it and set the cookie."""

    def __init__(self, location: str, key: str) -> None:
        super().__init__(location)
        self.location = location
        self.key = key


class HtmlErrorRoute(APIRoute):
    """Turns the errors of a page (and of its dependencies) into HTML pages."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except _SignIn as s:
                response = RedirectResponse(s.location, status_code=303)
                response.set_cookie(
                    COOKIE,
                    s.key,
                    httponly=True,
                    samesite="strict",
                    secure=request.url.scheme == "https",
                    path="/pages",
                )
                return response
            except NotFoundError:
                return _error_page(request, 404, "not_found", "not_found_text")
            except InvalidError as e:
                return _error_page(request, 422, "invalid", "", [str(p) for p in e.problems])
            except RequestValidationError as e:
                details = [
                    f"{'.'.join(str(x) for x in err.get('loc', ()))}: {err.get('msg', '')}"
                    for err in e.errors()
                ]
                return _error_page(request, 422, "invalid", "", details)
            except ApiError as e:
                if e.status == 401:
                    return _error_page(request, 401, "unauthorized", "unauthorized_text")
                if e.status == 403:
                    return _error_page(request, 403, "forbidden", "", [e.detail])
                raise

        return route


router = APIRouter(
    prefix="/pages", tags=["pages"], include_in_schema=False, route_class=HtmlErrorRoute
)


# --- rendering ------------------------------------------------------------------


@cache
def _env() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _lang(request: Request) -> Lang:
    return negotiate(request.query_params.get("lang"), request.headers.get("accept-language"))


def _link_factory(request: Request) -> Callable[..., str]:
    """``link(path, **params)``: a URL keeping the page's ``lang`` and ``as_of``."""
    keep = {k: request.query_params[k] for k in ("lang", "as_of") if request.query_params.get(k)}

    def link(path: str, **params: str | None) -> str:
        merged = {**keep, **{k: v for k, v in params.items() if v is not None}}
        return f"{path}?{urlencode(merged)}" if merged else path

    return link


def _render(
    request: Request, template: str, context: Mapping[str, Any], status: int = 200
) -> HTMLResponse:
    lang = _lang(request)
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("key", "lang")]
    lang_links = {
        other: f"{request.url.path}?{urlencode([*params, ('lang', other)])}" for other in LANGS
    }
    html = (
        _env()
        .get_template(template)
        .render(
            t=Messages(lang),
            lang=lang,
            link=_link_factory(request),
            path=request.url.path,
            as_of=request.query_params.get("as_of", ""),
            lang_links=lang_links,
            keep=[(k, v) for k, v in params if k != "as_of"],
            **context,
        )
    )
    return HTMLResponse(
        html,
        status_code=status,
        headers={
            "Content-Security-Policy": CSP,
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
            "Content-Language": lang,
        },
    )


def _error_page(
    request: Request, status: int, title: str, text: str, details: list[str] | None = None
) -> HTMLResponse:
    return _render(
        request,
        "error.html.j2",
        {"status": status, "title_key": title, "text_key": text, "details": details or []},
        status=status,
    )


# --- dependencies ---------------------------------------------------------------


def page_principal(request: Request, state: StateDep) -> Principal:
    """The caller: ``X-API-Key`` or bearer header, a ``?key=`` (once), or the cookie."""
    auth = request.headers.get("authorization", "")
    bearer = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
    from_query = request.query_params.get("key")
    presented = (
        request.headers.get("x-api-key") or bearer or from_query or request.cookies.get(COOKIE)
    )
    if not presented:
        raise ApiError(401, "unauthorized", "Unauthorized", "a valid API key is required")
    state.freshness.sync()
    principal = state.known_keys.authenticate(presented)
    if principal is None:
        raise ApiError(401, "unauthorized", "Unauthorized", "the API key is invalid or revoked")
    if Scope.READ not in principal.scopes:
        raise ApiError(403, "forbidden", "Forbidden", "this key lacks the 'read' scope")
    request.state.principal = principal.name
    if from_query:
        rest = [(k, v) for k, v in request.query_params.multi_items() if k != "key"]
        raise _SignIn(f"{request.url.path}{'?' + urlencode(rest) if rest else ''}", from_query)
    return principal


ViewerDep = Annotated[Principal, Depends(page_principal)]


def page_as_of(
    as_of: Annotated[str | None, Query(max_length=64)] = None,
) -> datetime | None:
    if not as_of:
        return None
    try:
        return as_of_instant(as_of)
    except ValueError as e:
        raise InvalidError([Problem("query", "as_of", str(e))]) from None


PageAsOfDep = Annotated[datetime | None, Depends(page_as_of)]
IdPath = Annotated[str, Path(max_length=128)]
PARAMS: Final = AnalyticsParams()


def _when(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def _snapshot(state: StateDep, account_id: str, as_of: datetime | None) -> AccountSnapshot:
    """The account read and scored as of ``as_of``, cached; the cyclic collector paused
    while it is computed (:func:`~graphcrm.services.collector.gc_paused`)."""
    at = instant(as_of)

    def compute() -> AccountSnapshot:
        with gc_paused():
            return read_account(state.store, AccountId(account_id), at=at, params=PARAMS)

    return state.cache.get_or_compute(
        ("pages.snapshot", account_id, _when(as_of)),
        {f"account:{account_id}"},
        compute,
        present=as_of is None,
        kind=AccountSnapshot,
    )


def _scores(state: StateDep, snap: AccountSnapshot, as_of: datetime | None) -> AccountScores:
    """The account's scores on ``snap`` (hidden influencers, follow-ups), cached with it."""
    return state.cache.get_or_compute(
        ("pages.scores", snap.account_id, _when(as_of)),
        {f"account:{snap.account_id}"},
        lambda: account_scores(snap.net, snap.account_id, scores=snap.scores, params=PARAMS),
        present=as_of is None,
        kind=AccountScores,
    )


def _report(
    state: StateDep, account: Account, at: datetime, as_of: datetime | None
) -> AccountReport:
    return state.cache.get_or_compute(
        ("pages.report", account.id, _when(as_of)),
        {f"account:{account.id}", PORTFOLIO_TAG},
        lambda: score_one(state.store, account, at=at, params=PARAMS),
        present=as_of is None,
        kind=AccountReport,
    )


def _wins(open_deals: Sequence[DealAssessment]) -> dict[str, float]:
    """P(win) of each open deal: the model its risk was read from gives both."""
    return {a.deal.id: a.risk.probability for a in open_deals if a.risk is not None}


def _riskiest(report: AccountReport) -> float:
    return max((a.risk.score for a in report.open_deals if a.risk is not None), default=-1.0)


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


# --- pages ----------------------------------------------------------------------


@router.get("/static/{name}")
def static_asset(name: Annotated[str, Path(max_length=64)]) -> Response:
    """vis-network (from the pyvis wheel) and graphcrm's view script and styles."""
    if name not in ASSETS:
        raise NotFoundError("asset", name)
    known: Asset = next(a for a in ASSETS if a == name)
    return Response(
        asset(known),
        media_type=_MEDIA[FsPath(name).suffix],
        headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )


@router.get("")
def pages_home(request: Request, who: ViewerDep) -> RedirectResponse:
    return RedirectResponse(_link_factory(request)("/pages/accounts"), status_code=303)


@router.get("/accounts", response_class=HTMLResponse)
def accounts_page(
    request: Request,
    state: StateDep,
    who: ViewerDep,
    as_of: PageAsOfDep,
    territory: Annotated[str | None, Query(max_length=200)] = None,
    sector: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    """Every visible account with its health and open deals, riskiest first."""
    territory = territory or None
    sector = sector or None
    visible: list[Account] = []
    offset = 0
    while True:
        page = state.store.list_accounts(
            PageRequest(limit=1000, offset=offset), territories=territories_of(who)
        )
        visible.extend(page.items)
        offset += len(page.items)
        if not page.items or offset >= page.total:
            break
    territories = sorted({a.territory for a in visible if a.territory})
    sectors = sorted({a.sector for a in visible})
    chosen = [
        a
        for a in visible
        if (territory is None or a.territory == territory)
        and (sector is None or a.sector == sector)
    ]
    at = instant(as_of)
    reports = [_report(state, a, at, as_of) for a in chosen[:ACCOUNTS_PER_PAGE]]
    reports.sort(key=lambda r: (-_riskiest(r), r.account.id))
    wins: dict[str, float] = {}
    for r in reports:
        wins.update(_wins(r.open_deals))
    return _render(
        request,
        "accounts.html.j2",
        {
            "reports": reports,
            "shown": len(reports),
            "total": len(chosen),
            "territories": territories,
            "sectors": sectors,
            "territory": territory or "",
            "sector": sector or "",
            "at": at,
            "wins": wins,
        },
    )


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
    snap = _snapshot(state, account_id, as_of)
    lang = _lang(request)
    scores = _scores(state, snap, as_of)
    open_deals = assess_open_deals(state.store, snap, params=PARAMS)
    deal_ids = [d.deal.id for d in open_deals]
    if deal is not None and deal not in snap.net.deals:
        raise NotFoundError("deal", deal)
    stance_deal = deal or (deal_ids[0] if deal_ids else None)
    ancestors = [a for a in state.store.account_ancestors(account.id) if who.sees(a.territory)]
    descendants = [a for a in state.store.account_descendants(account.id) if who.sees(a.territory)]
    rollup = state.store.account_rollup(account.id, as_of=snap.at)
    link = _link_factory(request)
    editing = stance_deal is not None and as_of is None and Scope.WRITE in who.scopes
    charts = state.cache.get_or_compute(
        # link(""): the page's own lang and as_of, which the charts' endpoints keep
        ("pages.charts", account.id, _when(as_of), stance_deal, lang, editing, link("")),
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
    return _render(
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
            "wins": _wins(open_deals),
            **_top(request, state, snap, open_deals, scores, since, view="orgchart"),
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
    snap = _snapshot(state, account.id, as_of)
    if deal is not None and deal not in snap.net.deals:
        raise NotFoundError("deal", deal)
    return snap, _scores(state, snap, as_of)


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
        lang=_lang(request),
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
        lang=_lang(request),
    )
    return {"nodes": nodes, "edges": edges}


def _since(since: str | None, at: datetime) -> datetime:
    """The start of "what changed": ``?since=`` (a date or datetime), else a week before."""
    if not since:
        return since_default(at)
    try:
        when = as_of_instant(since)
    except ValueError as e:
        raise InvalidError([Problem("query", "since", str(e))]) from None
    if not when < at:
        raise InvalidError([Problem("query", "since", "must be before as_of")])
    return when


def _top(
    request: Request,
    state: StateDep,
    snap: AccountSnapshot,
    open_deals: Sequence[DealAssessment],
    scores: AccountScores,
    since: str | None,
    *,
    view: str,
    deal_id: str | None = None,
) -> dict[str, Any]:
    """The top of the account and deal pages: next actions and what changed."""
    t = Messages(_lang(request))
    start = _since(since, snap.at)
    before = _snapshot(state, snap.account_id, start)
    then = assess_open_deals(state.store, before, params=PARAMS)
    changed: WhatChanged = what_changed(
        state.store, before, snap, then, open_deals, deal_id=deal_id
    )
    actions = next_actions(snap, open_deals, scores.follow_ups, params=PARAMS, deal_id=deal_id)
    net, names = snap.net, dict(before.net.names) | dict(snap.net.names)
    deal_name = {d: x.name for d, x in {**before.net.deals, **snap.net.deals}.items()}
    return {
        "actions": [(a, *action_sentence(t, a, net)) for a in actions],
        "changed": changed,
        "since": start,
        "focus_view": view,
        "all_names": names,
        "all_deal_names": deal_name,
        "on_view": set(net.contacts),
        "follow_up_text": [follow_up_sentence(t, f, net) for f in scores.follow_ups],
    }


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
    snap = _snapshot(state, view.deal.account_id, as_of)
    assessment: DealAssessment = assess(state.store, snap, DealId(deal_id), params=PARAMS)
    history = history_until(view, snap.at)
    lang = _lang(request)
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
        **_top(
            request,
            state,
            snap,
            [assessment] if assessment.risk is not None else [],
            _scores(state, snap, as_of),
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
    return _render(request, "deal.html.j2", _deal_context(request, state, who, deal_id, as_of))


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
        message = Messages(_lang(request))("not_committee_member")
        raise InvalidError([Problem("form", "contact_id", message)])
    result: WhatIf = what_if_deal(
        state.store, DealId(deal_id), [RemoveContact(contact_id=contact_id)], as_of=context["at"]
    )
    context.update(what_if=result, removed=contact_id)
    return _render(request, "deal.html.j2", context)


@router.get("/forecast", response_class=HTMLResponse)
def forecast_page(
    request: Request,
    state: StateDep,
    who: ViewerDep,
    as_of: PageAsOfDep,
    quarter: Annotated[str | None, Query(max_length=16)] = None,
    by: Annotated[GroupBy, Query()] = "rep",
) -> HTMLResponse:
    """The quarter's forecast over the key's territories: the rows, the categories, the
    P10-P90 range, the trend week by week and what moved it, the exchange rates."""
    chosen = Quarter.parse(quarter, where="query", field="quarter") if quarter else None
    territories = territories_of(who)
    at = instant(as_of)
    key = (
        _when(as_of),
        str(chosen),
        by,
        None if territories is None else tuple(sorted(territories)),
    )
    options: dict[str, Any] = {
        "as_of": at,
        "quarter": chosen,
        "by": by,
        "territories": territories,
        "rates": state.settings.rates(),
    }
    store = ScopedStore(state, who)
    result = state.cache.get_or_compute(
        ("pages.forecast", *key),
        {PORTFOLIO_TAG},
        lambda: forecast(store, **options),
        present=as_of is None,
        kind=Forecast,
    )
    trend = state.cache.get_or_compute(
        ("pages.forecast.trend", *key),
        {PORTFOLIO_TAG},
        lambda: forecast_trend(store, **options),
        present=as_of is None,
        kind=ForecastTrend,
    )
    numbers = Numbers(_lang(request))
    widest = max((r.p90 for r in (*result.rows, result.total)), default=0.0) or 1.0
    return _render(
        request,
        "forecast.html.j2",
        {
            "f": result,
            "trend": trend,
            "chart": trend_chart(trend.points, numbers),
            "n": numbers,
            "by": by,
            "bys": GROUP_BYS,
            "quarter": result.quarters[0],
            "widest": widest,
            "at": result.as_of,
        },
    )


@router.get("/territories/conflicts", response_class=HTMLResponse)
def conflicts_page(request: Request, state: StateDep, who: ViewerDep) -> HTMLResponse:
    """The territory conflicts the key sees (``GET /v1/territories/conflicts``): of
    their accounts only the key's are named, the others counted."""
    found = territory_conflicts(state.store, seen=None if who.all_territories else who.territories)
    t = Messages(_lang(request))
    names: dict[str, str] = {}
    for c in found:
        for account_id in c.accounts:
            if account_id not in names:
                names[account_id] = state.store.get_account(account_id).name
    reps = {r.id: r.name for r in every_item(state.store.list_reps)}
    rows = [
        (
            c,
            t(f"tc_{c.kind.value}").format(territories=", ".join(c.territories)),
            [(a, names[a]) for a in c.accounts],
            t("tc_hidden").format(n=c.hidden_accounts) if c.hidden_accounts else "",
            [reps.get(r, r) for r in c.reps],
        )
        for c in found
    ]
    return _render(request, "conflicts.html.j2", {"rows": rows})


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(
    request: Request,
    state: StateDep,
    who: ViewerDep,
    as_of: PageAsOfDep,
    owner: Annotated[str | None, Query(max_length=128)] = None,
    territory: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    """The alerts of the key's territories, or of one rep or territory (``GET /v1/alerts``)."""
    owner = owner or None
    found = read_alerts(
        state, who, as_of=as_of, owner=owner, territory=[territory] if territory else None
    )
    t = Messages(_lang(request))
    since = t.date(found.since)
    reps = state.store.list_reps(PageRequest(limit=1000)).items
    return _render(
        request,
        "alerts.html.j2",
        {
            "alerts": [(a, alert_sentence(t, a, since)) for a in found.data],
            "found": found,
            "owner": owner or "",
            "territory": territory or "",
            "reps": reps,
            "territories": sorted(who.territories) if not who.all_territories else [],
            "at": found.as_of,
        },
    )
