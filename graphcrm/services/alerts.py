"""Alerts for a rep or a territory: what went wrong on their open deals lately.

For every deal open at ``as_of`` (owned by ``owner`` when given, in the
accounts of ``territories``; None: every account):

====================  ================================================================
kind                  when
====================  ================================================================
``champion_left``     the risk signal ``champion_left`` fires: a champion of the deal
                      left the company inside the churn window
                      (``RiskParams.churn_window_days``)
``economic_buyer``    an active economic buyer of the deal has had no touchpoint for
``_silent``           longer than the sector's norm (:class:`AlertParams`,
                      ``eb_silent_days`` by ``Account.sector``, else
                      ``default_eb_silent_days``), or never had one
``win_dropped``       the deal's win probability fell by more than ``win_drop``
                      (absolute, 0.10 = ten points) between ``as_of - window_days``
                      and ``as_of``, both under the store's current model
====================  ================================================================

Most urgent first: by kind in the order above, then the largest drop or
longest silence, then deal id.
"""

from __future__ import annotations

from collections.abc import Set
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import ConfigDict, Field

from graphcrm.analytics import SignalCode
from graphcrm.domain import Account, AccountId, Deal, Model, PageRequest, RepId, UtcDatetime
from graphcrm.services.actions import days_silent, economic_buyers
from graphcrm.services.clock import instant
from graphcrm.services.deals import AccountSnapshot, read_account
from graphcrm.services.params import AnalyticsParams
from graphcrm.services.risk import DealAssessment, assess_open_deals
from graphcrm.services.training import current_card
from graphcrm.store.port import GraphStore

EB_SILENT_DAYS: dict[str, float] = {
    "manufacturing": 45.0,
    "textile_retail": 30.0,
    "construction": 60.0,
    "saas": 30.0,
}
"""Days an economic buyer may go without a touchpoint, by sector (the demo's sectors:
retail and SaaS buy on short cycles, construction on long tenders)."""


class AlertParams(Model):
    """The thresholds of the alerts (``GRAPHCRM_ALERT_*`` in the API)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    eb_silent_days: dict[str, Annotated[float, Field(gt=0)]] = Field(
        default_factory=lambda: dict(EB_SILENT_DAYS)
    )
    default_eb_silent_days: Annotated[float, Field(gt=0)] = 45.0
    win_drop: Annotated[float, Field(gt=0, le=1)] = 0.10
    window_days: Annotated[int, Field(ge=1, le=366)] = 7

    def silent_norm(self, sector: str) -> float:
        return self.eb_silent_days.get(sector, self.default_eb_silent_days)


class AlertKind(StrEnum):
    CHAMPION_LEFT = "champion_left"
    ECONOMIC_BUYER_SILENT = "economic_buyer_silent"
    WIN_DROPPED = "win_dropped"


_ORDER = {k: i for i, k in enumerate(AlertKind)}


class Alert(Model):
    kind: AlertKind
    account_id: str
    account_name: str
    deal_id: str
    deal_name: str
    owner_id: str | None
    contact_ids: tuple[str, ...] = ()
    """The champions who left, or the silent economic buyer."""
    names: dict[str, str] = Field(default_factory=dict)
    days_silent: float | None = None
    """``economic_buyer_silent``: days since the last touchpoint (None: never)."""
    norm_days: float | None = None
    """``economic_buyer_silent``: the sector's norm."""
    probability_before: float | None = None
    """``win_dropped``: P(win) at ``since``."""
    probability_after: float | None = None
    """``win_dropped``: P(win) at ``as_of``."""


class Alerts(Model):
    as_of: UtcDatetime
    since: UtcDatetime
    """Where the win probability's drop is measured from."""
    params: AlertParams
    data: tuple[Alert, ...]


def _urgency(a: Alert) -> tuple[int, float, str]:
    size = 0.0
    if a.probability_before is not None and a.probability_after is not None:
        size = a.probability_before - a.probability_after
    elif a.kind is AlertKind.ECONOMIC_BUYER_SILENT:
        size = float("inf") if a.days_silent is None else a.days_silent
    return (_ORDER[a.kind], -size, a.deal_id)


def _open_accounts(
    store: GraphStore, owner: RepId | None, territories: Set[str] | None
) -> list[AccountId]:
    """Accounts with a deal open now (the owner's, when given), in their order."""
    seen: dict[str, None] = {}
    offset = 0
    while True:
        page = store.list_deals(
            PageRequest(limit=1000, offset=offset), owner_id=owner, territories=territories
        )
        for d in page.items:
            if not d.stage.is_closed:
                seen.setdefault(d.account_id)
        offset += len(page.items)
        if not page.items or offset >= page.total:
            return [AccountId(a) for a in sorted(seen)]


def _alert(
    account: Account, deal: Deal, now: AccountSnapshot, kind: AlertKind, **more: object
) -> Alert:
    ids = more.get("contact_ids", ())
    assert isinstance(ids, tuple)
    return Alert.model_validate(
        {
            "kind": kind,
            "account_id": account.id,
            "account_name": account.name,
            "deal_id": deal.id,
            "deal_name": deal.name,
            "owner_id": deal.owner_id,
            "names": {str(c): now.net.name(str(c)) for c in ids},
            **more,
        }
    )


def alerts(
    store: GraphStore,
    *,
    as_of: datetime | None = None,
    territories: Set[str] | None = None,
    owner: RepId | None = None,
    params: AnalyticsParams | None = None,
    thresholds: AlertParams | None = None,
) -> Alerts:
    """The alerts of the open deals (module docs), most urgent first."""
    p = params or AnalyticsParams()
    t = thresholds or AlertParams()
    at = instant(as_of)
    since = at - timedelta(days=t.window_days)
    card = current_card(store, as_of=at)
    out: list[Alert] = []
    for account_id in _open_accounts(store, owner, territories):
        account = store.get_account(account_id)
        now = read_account(store, account_id, at=at, params=p)
        then = read_account(store, account_id, at=since, params=p)
        before: dict[str, DealAssessment] = {
            a.deal.id: a for a in assess_open_deals(store, then, params=p, card=card)
        }
        for a in assess_open_deals(store, now, params=p, card=card):
            deal = a.deal
            if a.risk is None or (owner is not None and deal.owner_id != owner):
                continue

            where = (account, deal, now)
            for s in a.risk.signals:
                if s.code is SignalCode.CHAMPION_LEFT:
                    out.append(
                        _alert(*where, AlertKind.CHAMPION_LEFT, contact_ids=s.evidence.contact_ids)
                    )
            norm = t.silent_norm(account.sector)
            for eb in economic_buyers(now, deal.id):
                days = days_silent(now, eb)
                if days is None or days > norm:
                    out.append(
                        _alert(
                            *where,
                            AlertKind.ECONOMIC_BUYER_SILENT,
                            contact_ids=(eb,),
                            days_silent=days,
                            norm_days=norm,
                        )
                    )
            old = before.get(deal.id)
            if old is not None and old.risk is not None:
                drop = old.risk.probability - a.risk.probability
                if drop > t.win_drop:
                    out.append(
                        _alert(
                            *where,
                            AlertKind.WIN_DROPPED,
                            probability_before=old.risk.probability,
                            probability_after=a.risk.probability,
                        )
                    )
    return Alerts(as_of=at, since=since, params=t, data=tuple(sorted(out, key=_urgency)))
