"""A deal's win probability as shown: P, what the stage alone gives, and a waterfall.

:func:`win_panel` turns a :class:`~graphcrm.services.winprob.DealWin` into a
:class:`WinPanel`: plain data in one language, every sentence from the
catalogue (:mod:`graphcrm.viz.i18n`). :func:`render_win` writes it as an HTML
block (Jinja2, autoescaped): the probability, the stage-alone probability
beside it, one row per group of factors from ``P0`` to ``P`` with its signed
points, its facts, the people (a button selecting each one on the deal view)
and the touchpoints behind it, and a line naming the model. A closed deal
shows its outcome and loss reason instead.

The facts
    :func:`graphcrm.analytics.winprob.deal_features` writes each group's facts
    as an English sentence. :func:`win_facts` writes the same facts in the
    page's language from their parts: the feature values and evidence of the
    same call, and the network they were read from (a test checks that the
    English sentences carry the same numbers and names as the analytics').

Points
    Contributions are shown in whole points of probability that add up to the
    shown ``P - P0`` exactly (:func:`apportion`: each is within one point of
    its value); the bars use the exact values.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from graphcrm.analytics import StakeholderNetwork
from graphcrm.analytics.engagement import days_between
from graphcrm.analytics.hidden import percentiles
from graphcrm.analytics.signals import ChangeKind, Evidence
from graphcrm.analytics.winprob import DealFeatures, apportion, close_in_days, deal_features
from graphcrm.domain import ContactStatus, DealView, Stage, Touchpoint
from graphcrm.domain.winmodel import ModelSource
from graphcrm.services.deals import AccountSnapshot, history_until
from graphcrm.services.params import AnalyticsParams
from graphcrm.services.winprob import DealWin, ModelSummary, WinContribution
from graphcrm.viz.i18n import DEFAULT_LANG, Lang, Messages, catalogue_keys
from graphcrm.viz.render import environment

GROUP_FACTS: Final[tuple[str, ...]] = (
    "champion",
    "economic_buyer",
    "threading",
    "opposition",
    "silence",
    "pace",
    "history",
    "churn",
)
"""The groups whose facts :func:`win_facts` writes (others keep the analytics' English)."""


@dataclass(frozen=True, slots=True)
class Person:
    """Someone the evidence names; ``on_graph``: a node of the deal view (selectable)."""

    contact_id: str
    name: str
    on_graph: bool


@dataclass(frozen=True, slots=True)
class WinItem:
    """One group of factors in the waterfall."""

    group: str
    label: str
    points: float
    """Exact contribution, in probability (``-1`` to ``1``)."""
    shown: int
    """Whole points shown (they add up to the shown ``P - P0``)."""
    points_text: str
    facts: str
    people: tuple[Person, ...]
    ties: tuple[str, ...]
    touchpoints: tuple[str, ...]
    start: float
    """The running total before this group, in points (0-100)."""
    end: float
    """The running total after it."""


@dataclass(frozen=True, slots=True)
class WinPanel:
    """A deal's win probability (or outcome) ready to show, in one language."""

    lang: Lang
    deal_id: str
    as_of: datetime
    model_source: ModelSource
    model_text: str
    outcome: Stage | None = None
    """``closed_won`` or ``closed_lost``: the deal is closed and shows this instead."""
    outcome_text: str = ""
    loss_reason: str | None = None
    probability: float | None = None
    stage_probability: float | None = None
    probability_text: str = ""
    stage_probability_text: str = ""
    stage_text: str = ""
    """``The Proposal stage alone``."""
    items: tuple[WinItem, ...] = ()
    sum_text: str = ""
    axis: tuple[float, float] = (0.0, 100.0)
    """The waterfall's axis, in points: it spans the running totals (:func:`axis`)."""
    axis_text: tuple[str, str] = ("", "")

    @property
    def closed(self) -> bool:
        return self.outcome is not None

    @property
    def grid(self) -> float:
        """The gap between grid lines in % of the track: every 5 points (10 on a wide axis)."""
        lo, hi = self.axis
        return 100 * (5.0 if hi - lo <= 50.0 else 10.0) / (hi - lo)

    def bar(self, start: float, end: float) -> tuple[float, float]:
        """``(left, width)`` in % of the track of a bar from ``start`` to ``end`` points."""
        lo, hi = self.axis
        a, b = sorted((start, end))
        return 100 * (a - lo) / (hi - lo), 100 * (b - a) / (hi - lo)


def whole_points(p: float) -> int:
    """A probability in whole points, as :meth:`Messages.percent` shows it."""
    return round(100 * p)


def axis(totals: Sequence[float], *, step: float = 5.0, span: float = 20.0) -> tuple[float, float]:
    """The waterfall's axis in points: the running totals' range widened to whole
    ``step``s, then to at least ``span`` within 0-100, so that a small move is drawn small.

    >>> axis([92.7, 96.1, 92.9])
    (80.0, 100.0)
    >>> axis([23.4, 5.0, 28.6])
    (5.0, 30.0)
    >>> axis([41.0, 44.0])
    (30.0, 50.0)
    """
    lo = math.floor(min(totals) / step) * step
    hi = math.ceil(max(totals) / step) * step
    low_next = True
    while hi - lo < span and (lo > 0.0 or hi < 100.0):
        if (low_next and lo > 0.0) or hi >= 100.0:
            lo = max(0.0, lo - step)
        else:
            hi = min(100.0, hi + step)
        low_next = not low_next
    return float(lo), float(hi)


def model_text(model: ModelSummary, m: Messages) -> str:
    """Which model gave the probability, in one sentence."""
    if model.source is ModelSource.PRIOR:
        return m("win_model_prior")
    text = m.format("win_model_store", deals=model.deals, date=model.fitted_at.date().isoformat())
    if model.cv_auc is not None:
        text += "; " + m.format("win_model_auc", auc=m.number(model.cv_auc))
    return text + "."


def win_facts(
    features: DealFeatures, snapshot: AccountSnapshot, history: DealView, m: Messages
) -> dict[str, str]:
    """Each group's facts in ``m``'s language, from the parts ``features`` was built from.

    ``features`` is :func:`deal_features` of the deal in ``snapshot`` with
    ``history`` (cut at ``snapshot.at``) and the snapshot's changes for the deal.
    Groups outside :data:`GROUP_FACTS` keep the analytics' sentence.
    """
    net, at = snapshot.net, snapshot.at
    deal = net.deals[features.deal_id]
    values, evidence = features.values, features.evidence
    roles = net.roles.get(deal.id, {})
    changes = snapshot.changes.for_deal(deal.id)
    departed = {c.contact_id for c in changes if c.kind is ChangeKind.DEPARTED}
    departed |= {c for c in roles if net.contacts[c].status is ContactStatus.LEFT_COMPANY}
    members = [c for c in roles if c in net.active and c not in departed]

    def named(group: str) -> tuple[str, ...]:
        return evidence.get(group, Evidence()).contact_ids

    out = dict(features.facts)
    out["champion"] = _champion_fact(features, net, departed, m)

    if values["economic_buyer_known"] and named("economic_buyer"):
        out["economic_buyer"] = m.format(
            "fact_economic_buyer",
            name=net.name(named("economic_buyer")[0]),
            stance=m.signed(int(values["economic_buyer_stance"])),
            engagement=m.number(values["economic_buyer_engagement"]),
        )
    else:
        out["economic_buyer"] = m("fact_no_economic_buyer")

    out["threading"] = m.format(
        "fact_threading",
        touched=int(values["members_touched"]),
        members=len(members),
        engaged=int(values["engaged_members"]),
    )

    out["opposition"] = _opposition_fact(features, snapshot, m)

    last = named("silence")
    touch = net.deal_engagement(deal.id).get(last[0]) if last else None
    if touch is not None:
        out["silence"] = m.count("fact_silence", round(days_between(touch.last_at, at)))
    else:
        out["silence"] = m("fact_no_touchpoint")

    created = history.stage_history[0].at if history.stage_history else at
    moved = history.stage_history[-1].at if history.stage_history else created
    out["pace"] = m.count(
        "fact_pace",
        round(days_between(created, at)),
        in_stage=round(days_between(moved, at)),
        stage=m.stage(deal.stage),
    )
    days = close_in_days(history, deal, at)
    out["history"] = ", ".join(
        (
            m.count("fact_backward", int(values["backward_moves"])),
            m.count("fact_slip", int(values["close_slips"])),
            m("fact_no_close")
            if days is None
            else m.count("fact_close_in", days)
            if days >= 0
            else m.count("fact_close_past", -days),
        )
    )
    out["churn"] = m.count("fact_churn", int(values["churn"]))
    return out


def _champion_fact(
    features: DealFeatures, net: StakeholderNetwork, departed: set[str], m: Messages
) -> str:
    """The strongest champion still there (or none), and the champions who left."""
    champions = features.evidence.get("champion", Evidence()).contact_ids
    best = [c for c in champions if c not in departed]
    gone = [c for c in champions if c in departed]
    if best:
        text = m.format(
            "fact_champion",
            name=net.name(best[0]),
            strength=m.number(features.values["champion_strength"]),
        )
    else:
        text = m("fact_no_champion")
    if gone:
        text += "; " + m.format("fact_champion_left", names=", ".join(net.name(c) for c in gone))
    return text


def _opposition_fact(features: DealFeatures, snapshot: AccountSnapshot, m: Messages) -> str:
    """The most influential opponent on the committee, if any, and the most senior."""
    hostile = features.evidence.get("opposition", Evidence()).contact_ids
    if not hostile:
        return m("fact_no_opposition")
    influence = snapshot.scores.influence
    pct = percentiles(influence) if influence else {}
    worst = max(hostile, key=lambda c: (pct.get(c, 0.0), c))
    contacts = snapshot.net.contacts
    senior = min(hostile, key=lambda c: (contacts[c].seniority.level, c))
    return m.format(
        "fact_opposition",
        name=snapshot.net.name(worst),
        percentile=m.number(features.values["opposition"]),
        senior=snapshot.net.name(senior),
        seniority=m.seniority(contacts[senior].seniority),
    )


def _tie(source: str, target: str, kind: str, name: Mapping[str, str], m: Messages) -> str:
    key = f"kind_{kind}"
    label = m(key) if key in catalogue_keys() else kind
    return f"{name.get(source, source)} → {name.get(target, target)} ({label})"


def _touchpoint(
    tid: str, found: Mapping[str, Touchpoint], name: Mapping[str, str], m: Messages
) -> str:
    t = found.get(tid)
    if t is None:
        return tid
    people = ", ".join(name.get(c, c) for c in t.contact_ids)
    return f"{m.touch(t.kind)} · {t.at.date().isoformat()} · {people}"


def win_panel(
    win: DealWin,
    snapshot: AccountSnapshot | None = None,
    view: DealView | None = None,
    *,
    params: AnalyticsParams | None = None,
    touchpoints: Mapping[str, Touchpoint] | None = None,
    on_graph: Collection[str] = (),
    lang: Lang = DEFAULT_LANG,
) -> WinPanel:
    """``win`` ready to show in ``lang``.

    Parameters
    ----------
    win : DealWin
        :func:`graphcrm.services.winprob.win_of` (or ``deal_win``) of the deal.
    snapshot, view : AccountSnapshot, DealView, optional
        The account snapshot ``win`` was computed from and the deal's view (its
        history): with them the facts are written in ``lang``; without, they are
        the analytics' English. A closed deal needs neither.
    params : AnalyticsParams, optional
        The parameters ``win`` was computed with.
    touchpoints : mapping, optional
        The touchpoints the evidence names, by id
        (:func:`graphcrm.services.evidence.named_touchpoints`); others show their id.
    on_graph : collection of str
        The deal view's node ids: the people among them get a button that selects them.
    """
    m = Messages(lang)
    model = model_text(win.model, m)
    if win.outcome is not None or win.probability is None or win.stage_probability is None:
        outcome = win.outcome or win.deal.stage
        return WinPanel(
            lang=lang,
            deal_id=win.deal.id,
            as_of=win.as_of,
            model_source=win.model.source,
            model_text=model,
            outcome=outcome,
            outcome_text=m.stage(outcome),
            loss_reason=win.loss_reason if outcome is Stage.CLOSED_LOST else None,
        )
    facts = _panel_facts(win, snapshot, view, params, m)
    names = dict(snapshot.net.names) if snapshot is not None else {}
    names.update(win.names)
    p, p0 = win.probability, win.stage_probability
    total = whole_points(p) - whole_points(p0)
    shown = apportion(total, [100 * c.points for c in win.contributions])
    order = waterfall_order(p0, [c.points for c in win.contributions])
    contributions = [win.contributions[i] for i in order]
    items = _items(
        contributions, p0, [shown[i] for i in order], facts, names, touchpoints or {}, on_graph, m
    )
    lo, hi = axis([100 * p0, 100 * p, *(x for i in items for x in (i.start, i.end))])
    return WinPanel(
        lang=lang,
        deal_id=win.deal.id,
        as_of=win.as_of,
        model_source=win.model.source,
        model_text=model,
        axis=(lo, hi),
        axis_text=(m.percent(lo / 100), m.percent(hi / 100)),
        probability=p,
        stage_probability=p0,
        probability_text=m.percent(p),
        stage_probability_text=m.percent(p0),
        stage_text=m.format("stage_alone", stage=m.stage(win.deal.stage)),
        items=tuple(items),
        sum_text=m.format("win_sum", points=m.points(total), p=m.percent(p), p0=m.percent(p0)),
    )


def _panel_facts(
    win: DealWin,
    snapshot: AccountSnapshot | None,
    view: DealView | None,
    params: AnalyticsParams | None,
    m: Messages,
) -> dict[str, str]:
    """Each group's facts: in ``m``'s language with the snapshot and view
    (:func:`win_facts`), else the analytics' English."""
    facts = {c.group: c.facts for c in win.contributions}
    if snapshot is not None and view is not None:
        history = history_until(view, snapshot.at, win.deal)
        features = deal_features(
            snapshot.net,
            win.deal.id,
            scores=snapshot.scores,
            history=history,
            changes=snapshot.changes.for_deal(win.deal.id),
            params=(params or AnalyticsParams()).risk,
        )
        facts.update(win_facts(features, snapshot, history, m))
    return facts


def waterfall_order(p0: float, points: Sequence[float]) -> list[int]:
    """The order in which the waterfall draws the contributions ``points`` from ``p0``.

    Their own order (largest first), except that a step that would take the
    running total out of 0-1 waits until a step of the other sign has made
    room for it; a probability's bars then stay on the 0-100 % axis.

    >>> waterfall_order(0.1, [-0.3, 0.5])  # 0.1 - 0.3 would be below 0
    [1, 0]
    >>> waterfall_order(0.5, [-0.3, 0.2])
    [0, 1]
    """
    left = list(range(len(points)))
    order: list[int] = []
    running = p0
    while left:
        fits = [i for i in left if -1e-9 <= running + points[i] <= 1 + 1e-9]
        step = fits[0] if fits else left[0]
        order.append(step)
        left.remove(step)
        running += points[step]
    return order


def _items(
    contributions: Sequence[WinContribution],
    p0: float,
    shown: Sequence[int],
    facts: Mapping[str, str],
    names: Mapping[str, str],
    found: Mapping[str, Touchpoint],
    on_graph: Collection[str],
    m: Messages,
) -> list[WinItem]:
    """One row a contribution, from ``p0`` on, with ``shown`` whole points each."""
    items: list[WinItem] = []
    running = p0
    for c, n in zip(contributions, shown, strict=True):
        ids = dict.fromkeys(
            [*c.evidence.contact_ids, *(x for e in c.evidence.edges for x in (e.source, e.target))]
        )
        items.append(
            WinItem(
                group=c.group,
                label=m.group(c.group),
                points=c.points,
                shown=n,
                points_text=m.points(n),
                facts=facts.get(c.group, c.facts),
                people=tuple(Person(x, names.get(x, x), x in on_graph) for x in ids),
                ties=tuple(_tie(e.source, e.target, e.kind, names, m) for e in c.evidence.edges),
                touchpoints=tuple(
                    _touchpoint(t, found, names, m) for t in c.evidence.touchpoint_ids
                ),
                start=100 * running,
                end=100 * (running + c.points),
            )
        )
        running += c.points
    return items


def render_win(panel: WinPanel, *, view: str = "deal") -> str:
    """``panel`` as an HTML block; person buttons select people on the view named ``view``."""
    return (
        environment()
        .get_template("win.html.j2")
        .render(panel=panel, t=Messages(panel.lang), view=view)
    )
