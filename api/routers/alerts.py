"""``GET /v1/alerts``: what went wrong lately on the open deals of a rep or a territory
(:mod:`graphcrm.services.alerts`): a champion left, an economic buyer silent beyond
the sector's norm, a win probability that dropped.

Territory-scoped like every other read: computed on the store as the key sees it
(:class:`~api.scoped.ScopedStore`), over the accounts of the key's territories
(or of the ``territory`` values asked for, each one of them: another answers
404, as a missing one would). Thresholds are the ``GRAPHCRM_ALERT_*`` settings.
Cached under ``portfolio``, which every write invalidates.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from graphcrm.auth import Principal
from graphcrm.domain import RepId
from graphcrm.services.alerts import EB_SILENT_DAYS, AlertParams, Alerts, alerts
from graphcrm.services.clock import instant

from ..deps import AppState, AsOfDep, ReaderDep, StateDep
from ..errors import NOT_FOUND, responses
from ..scoped import ScopedStore
from ..territory import territories_of
from ..writes import PORTFOLIO_TAG

router = APIRouter(prefix="/v1/alerts", tags=["alerts"])

TerritoryQuery = Annotated[
    list[str] | None,
    Query(description="Only these territories (each one of the key's).", max_length=50),
]
OwnerQuery = Annotated[
    str | None,
    Query(description="Only the deals this rep owns (a rep id).", max_length=128),
]


def thresholds(state: AppState) -> AlertParams:
    """The alert thresholds of the settings (``GRAPHCRM_ALERT_*``)."""
    s = state.settings
    return AlertParams(
        eb_silent_days={**EB_SILENT_DAYS, **s.alert_eb_silent_days},
        default_eb_silent_days=s.alert_default_eb_silent_days,
        win_drop=s.alert_win_drop,
        window_days=s.alert_window_days,
    )


def read_alerts(
    state: AppState,
    who: Principal,
    *,
    as_of: datetime | None,
    owner: str | None,
    territory: list[str] | None = None,
) -> Alerts:
    """The alerts as ``who`` may see them (the API's and the alerts page's)."""
    territories = territories_of(who, territory)
    at = instant(as_of)
    key = (
        "alerts",
        as_of.isoformat() if as_of is not None else None,
        owner,
        None if territories is None else tuple(sorted(territories)),
    )
    return state.cache.get_or_compute(
        key,
        {PORTFOLIO_TAG},
        lambda: alerts(
            ScopedStore(state, who),
            as_of=at,
            territories=territories,
            owner=RepId(owner) if owner else None,
            thresholds=thresholds(state),
        ),
        present=as_of is None,
        kind=Alerts,
    )


@router.get(
    "",
    summary="Alerts: champion left, economic buyer silent, win probability dropped",
    responses=responses(NOT_FOUND),
)
def get_alerts(
    state: StateDep,
    who: ReaderDep,
    as_of: AsOfDep,
    owner: OwnerQuery = None,
    territory: TerritoryQuery = None,
) -> Alerts:
    """The deals open at `as_of` (of `owner`, in the key's territories or the
    `territory` values asked for) with, most urgent first: a champion who left inside
    the churn window (`champion_left`); an active economic buyer without a touchpoint
    for longer than the sector's norm, or never touched (`economic_buyer_silent`, with
    `days_silent` and `norm_days`); a win probability that fell by more than
    `GRAPHCRM_ALERT_WIN_DROP` over the last `GRAPHCRM_ALERT_WINDOW_DAYS` days
    (`win_dropped`, with `probability_before` and `probability_after`). `params`
    gives the thresholds used."""
    return read_alerts(state, who, as_of=as_of, owner=owner, territory=territory)
