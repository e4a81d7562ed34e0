"""What the HTML pages (:mod:`api.routers.pages`) share: errors as pages, rendering,
the page session's key, ``?as_of=``, the cached account snapshot and the top of the
account and deal pages (next actions, what changed)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping, Sequence
from datetime import datetime
from functools import cache
from pathlib import Path as FsPath
from typing import Annotated, Any, Final
from urllib.parse import urlencode

from fastapi import Depends, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, select_autoescape

from graphcrm.auth import Principal, Scope
from graphcrm.collector import gc_paused
from graphcrm.domain import AccountId
from graphcrm.domain.base import as_of_instant
from graphcrm.errors import InvalidError, NotFoundError, Problem
from graphcrm.services.actions import WhatChanged, next_actions, since_default, what_changed
from graphcrm.services.clock import instant
from graphcrm.services.deals import AccountSnapshot, read_account
from graphcrm.services.params import AnalyticsParams
from graphcrm.services.risk import DealAssessment, assess_open_deals
from graphcrm.services.scoring import AccountScores, account_scores
from graphcrm.viz import Messages, negotiate
from graphcrm.viz.i18n import LANGS, Lang
from graphcrm.viz.sentences import action_sentence, follow_up_sentence

from ..deps import StateDep
from ..errors import ApiError

COOKIE: Final = "graphcrm_key"
"""The cookie that keeps a page session signed in (the API key itself, HttpOnly)."""
TEMPLATES: Final = FsPath(__file__).resolve().parent.parent / "templates"
CSP: Final = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)


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


# --- rendering ------------------------------------------------------------------


@cache
def _env() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def page_lang(request: Request) -> Lang:
    return negotiate(request.query_params.get("lang"), request.headers.get("accept-language"))


def link_factory(request: Request) -> Callable[..., str]:
    """``link(path, **params)``: a URL keeping the page's ``lang`` and ``as_of``."""
    keep = {k: request.query_params[k] for k in ("lang", "as_of") if request.query_params.get(k)}

    def link(path: str, **params: str | None) -> str:
        merged = {**keep, **{k: v for k, v in params.items() if v is not None}}
        return f"{path}?{urlencode(merged)}" if merged else path

    return link


def render_page(
    request: Request, template: str, context: Mapping[str, Any], status: int = 200
) -> HTMLResponse:
    lang = page_lang(request)
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
            link=link_factory(request),
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
    return render_page(
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


def as_of_key(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def account_snapshot(state: StateDep, account_id: str, as_of: datetime | None) -> AccountSnapshot:
    """The account read and scored as of ``as_of``, cached; the cyclic collector paused
    while it is computed (:func:`~graphcrm.collector.gc_paused`)."""
    at = instant(as_of)

    def compute() -> AccountSnapshot:
        with gc_paused():
            return read_account(state.store, AccountId(account_id), at=at, params=PARAMS)

    return state.cache.get_or_compute(
        ("pages.snapshot", account_id, as_of_key(as_of)),
        {f"account:{account_id}"},
        compute,
        present=as_of is None,
        kind=AccountSnapshot,
    )


def snapshot_scores(
    state: StateDep, snap: AccountSnapshot, as_of: datetime | None
) -> AccountScores:
    """The account's scores on ``snap`` (hidden influencers, follow-ups), cached with it."""
    return state.cache.get_or_compute(
        ("pages.scores", snap.account_id, as_of_key(as_of)),
        {f"account:{snap.account_id}"},
        lambda: account_scores(snap.net, snap.account_id, scores=snap.scores, params=PARAMS),
        present=as_of is None,
        kind=AccountScores,
    )


def win_probabilities(open_deals: Sequence[DealAssessment]) -> dict[str, float]:
    """P(win) of each open deal: the model its risk was read from gives both."""
    return {a.deal.id: a.risk.probability for a in open_deals if a.risk is not None}


# --- the top of the account and deal pages --------------------------------------


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


def page_top(
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
    t = Messages(page_lang(request))
    start = _since(since, snap.at)
    before = account_snapshot(state, snap.account_id, start)
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
