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

This module holds the one router and the pages of lists (accounts, forecast,
conflicts, alerts); the account page is in :mod:`api.routers.page_account`, the
deal page in :mod:`api.routers.page_deal`, what pages share in
:mod:`api.routers.page_support`.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path as FsPath
from typing import Annotated, Any, Final

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from graphcrm.domain import Account, PageRequest
from graphcrm.domain.views import every_item
from graphcrm.errors import NotFoundError
from graphcrm.services.clock import instant
from graphcrm.services.forecast import (
    GROUP_BYS,
    Forecast,
    ForecastTrend,
    GroupBy,
    Quarter,
    forecast,
    forecast_trend,
)
from graphcrm.services.portfolio import AccountReport, score_one
from graphcrm.services.territories import conflicts as territory_conflicts
from graphcrm.viz import ASSETS, Messages, asset
from graphcrm.viz.forecast import Numbers, trend_chart
from graphcrm.viz.render import Asset
from graphcrm.viz.sentences import alert_sentence

from ..deps import StateDep
from ..scoped import ScopedStore
from ..territory import territories_of
from ..writes import PORTFOLIO_TAG
from . import page_account, page_deal
from .alerts import read_alerts
from .page_support import (
    PARAMS,
    HtmlErrorRoute,
    PageAsOfDep,
    ViewerDep,
    as_of_key,
    link_factory,
    page_lang,
    render_page,
    win_probabilities,
)

ACCOUNTS_PER_PAGE: Final = 100
_MEDIA: Final[dict[str, str]] = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}


router = APIRouter(
    prefix="/pages", tags=["pages"], include_in_schema=False, route_class=HtmlErrorRoute
)


def _report(
    state: StateDep, account: Account, at: datetime, as_of: datetime | None
) -> AccountReport:
    return state.cache.get_or_compute(
        ("pages.report", account.id, as_of_key(as_of)),
        {f"account:{account.id}", PORTFOLIO_TAG},
        lambda: score_one(state.store, account, at=at, params=PARAMS),
        present=as_of is None,
        kind=AccountReport,
    )


def _riskiest(report: AccountReport) -> float:
    return max((a.risk.score for a in report.open_deals if a.risk is not None), default=-1.0)


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
    return RedirectResponse(link_factory(request)("/pages/accounts"), status_code=303)


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
        wins.update(win_probabilities(r.open_deals))
    return render_page(
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


# the account page and its views' JSON, the deal page: their own modules, here in
# the order of the routes
router.include_router(page_account.router)
router.include_router(page_deal.router)


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
        as_of_key(as_of),
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
    numbers = Numbers(page_lang(request))
    widest = max((r.p90 for r in (*result.rows, result.total)), default=0.0) or 1.0
    return render_page(
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
    t = Messages(page_lang(request))
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
    return render_page(request, "conflicts.html.j2", {"rows": rows})


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
    t = Messages(page_lang(request))
    since = t.date(found.since)
    reps = state.store.list_reps(PageRequest(limit=1000)).items
    return render_page(
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
