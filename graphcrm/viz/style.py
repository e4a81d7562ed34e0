"""Colours, sizes, tooltips and the details of a person, shared by every view."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

from graphcrm.analytics import ContactScores
from graphcrm.domain import Contact, ContactStatus, DealRole, InfluenceKind, Role
from graphcrm.viz.i18n import Messages
from graphcrm.viz.view import JsonObject

STANCE_COLOURS: Final[dict[int | None, str]] = {
    -2: "#d62728",
    -1: "#ff9f40",
    0: "#9aa5b1",
    1: "#8fd18f",
    2: "#2ca02c",
    None: "#c6dbef",
}
"""Node fill by stance on the chosen deal (None: no seat on it)."""

STANCE_TINTS: Final[dict[int | None, str]] = {
    -2: "#f7c6c6",
    -1: "#ffe1c2",
    0: "#e3e8ed",
    1: "#d7f0d2",
    2: "#b9e3b5",
    None: "#f4f8fc",
}
"""Org chart card fill by stance (light, for dark text), bordered by :data:`STANCE_COLOURS`."""

DEPARTED_FILL: Final = "#e6e6e6"
DEPARTED_BORDER: Final = "#b3b3b3"
DEPARTED_FONT: Final = "#9a9a9a"
BORDER: Final = "#3b4b5c"
FONT: Final = "#1f2933"
REP_FILL: Final = "#1f77b4"
HIDDEN_BORDER: Final = "#e6a700"

SOLID_LINE: Final = "#4a5663"
DOTTED_LINE: Final = "#8e44ad"
KNOWS_LINE: Final = "#7f8c8d"
PATH_LINE: Final = "#ff7f0e"
INFERRED_LINE: Final = "#8895a2"
"""The legend's swatch for inferred influence ties (drawn dashed and lighter, in
their kind's colour)."""
INFERRED_DASHES: Final = (6, 6)

KIND_COLOURS: Final[dict[InfluenceKind, str]] = {
    InfluenceKind.ADVISES: "#1f77b4",
    InfluenceKind.TRUSTS: "#17becf",
    InfluenceKind.SPONSORS: "#2ca02c",
    InfluenceKind.OPPOSES: "#d62728",
}

MIN_SIZE: Final = 10.0
MAX_SIZE: Final = 38.0

ROLE_ORDER: Final[tuple[Role, ...]] = tuple(Role)


def size_of(influence_norm: float | None) -> float:
    """Node radius from the normalised influence (0..1); the smallest when unknown.

    >>> size_of(None), size_of(1.0)
    (10.0, 38.0)
    """
    x = 0.0 if influence_norm is None else min(max(influence_norm, 0.0), 1.0)
    return round(MIN_SIZE + (MAX_SIZE - MIN_SIZE) * x, 2)


def role_badges(seat: DealRole | None, m: Messages) -> str:
    """The seat's roles as one badge line, in canonical order (empty without a seat)."""
    if seat is None:
        return ""
    return " · ".join(m.role(r) for r in ROLE_ORDER if r in seat.roles)


def _pct(x: float) -> str:
    return f"{100.0 * x:.0f}%"


def contact_rows(
    contact: Contact,
    *,
    scores: ContactScores | None,
    seat: DealRole | None,
    m: Messages,
    hidden: bool = False,
) -> list[list[str]]:
    """``[label, value]`` rows about one person: the tooltip and the details panel."""
    rows: list[list[str]] = []
    if contact.title:
        rows.append([m("title"), contact.title])
    if contact.department:
        rows.append([m("department"), contact.department])
    rows.append([m("seniority"), contact.seniority.value.replace("_", " ")])
    if contact.status is ContactStatus.LEFT_COMPANY:
        rows.append([m("status"), m("left_company")])
    if seat is not None:
        rows.append([m("roles"), role_badges(seat, m)])
        rows.append([m("stance"), f"{m.stance(seat.stance)} ({seat.stance:+d})"])
    if hidden:
        rows.append([m("hidden_influencer"), "✓"])
    if scores is not None and contact.id in scores.influence:
        cid = contact.id
        health = scores.health[cid]
        rows.extend(
            [
                [m("influence"), f"{scores.influence_norm[cid]:.2f}"],
                [m("authority"), f"{scores.authority[cid]:.2f}"],
                [m("brokerage"), f"{scores.brokerage[cid]:.2f}"],
                [m("engagement"), f"{scores.engagement[cid]:.2f}"],
                [m("health"), f"{health.score:.0f} ({m.band(health.band)})"],
                [m("decision_maker"), _pct(scores.decision_maker[cid])],
            ]
        )
    return rows


def tooltip(name: str, rows: list[list[str]]) -> str:
    """Plain text (shown with ``innerText`` by vis-network): the name, then one row a line."""
    return "\n".join([name, *(f"{label}: {value}" for label, value in rows)])


def contact_node(
    contact: Contact,
    *,
    scores: ContactScores | None,
    seat: DealRole | None,
    m: Messages,
    stance_colour: bool,
    hidden: bool = False,
    extra: Mapping[str, Any] | None = None,
) -> JsonObject:
    """A vis-network node for a contact (see :mod:`graphcrm.viz` for the encoding)."""
    departed = contact.status is ContactStatus.LEFT_COMPANY
    rows = contact_rows(contact, scores=scores, seat=seat, m=m, hidden=hidden)
    influence = None if scores is None else scores.influence_norm.get(contact.id)
    lines = [contact.name]
    badges = role_badges(seat, m)
    if badges:
        lines.append(f"[{badges}]")
    if departed:
        lines.append(f"({m('left_company')})")
    if hidden:
        lines.append(f"◆ {m('hidden_influencer')}")
    fill = STANCE_COLOURS[seat.stance if seat else None] if stance_colour else STANCE_COLOURS[None]
    node: JsonObject = {
        "id": contact.id,
        "label": "\n".join(lines),
        "title": tooltip(contact.name, rows),
        "shape": "star" if hidden else "dot",
        "size": size_of(influence),
        "borderWidth": 4 if hidden else 1.5,
        "color": {
            "background": DEPARTED_FILL if departed else fill,
            "border": DEPARTED_BORDER if departed else (HIDDEN_BORDER if hidden else BORDER),
            "highlight": {"background": "#fff3b0", "border": "#333333"},
        },
        "font": {"color": DEPARTED_FONT if departed else FONT, "size": 13},
        "category": "departed" if departed else "contact",
        "info": {"name": contact.name, "kind": "contact", "rows": rows},
    }
    if extra:
        node.update(extra)
    return node


def rep_node(rep_id: str, name: str, m: Messages) -> JsonObject:
    """A vis-network node for one of our reps."""
    rows = [[m("our_rep"), name]]
    return {
        "id": rep_id,
        "label": f"{name}\n({m('our_rep')})",
        "title": tooltip(name, rows),
        "shape": "box",
        "color": {"background": REP_FILL, "border": "#0f4c81"},
        "font": {"color": "#ffffff", "size": 13},
        "category": "rep",
        "info": {"name": name, "kind": "rep", "rows": rows},
    }


def view_labels(m: Messages) -> dict[str, str]:
    """The messages the browser script needs."""
    return {
        "details": m("details"),
        "click_a_node": m("click_a_node"),
        "click_to_expand": m("click_to_expand"),
        "reports_more": m("reports_more"),
        "no_match": m("no_match"),
        "grow": m("grow"),
    }


def date_text(at: datetime) -> str:
    """The as-of instant as shown in titles: a date, UTC."""
    return at.date().isoformat()
