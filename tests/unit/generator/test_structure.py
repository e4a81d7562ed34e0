"""The shape of generated portfolios: org trees, people, sectors, holdings, history."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import datetime
from itertools import pairwise

from graphcrm.domain import CloseDateChange, DealRole, LineKind, ReportsTo, Seniority, Stage
from graphcrm.generator import (
    PROFILES,
    Sector,
    demo_portfolio,
    hidden_influencers,
    influence_score,
)
from graphcrm.generator.outcome import HIDDEN_MIN_TIES

from .conftest import SAMPLE, Portfolio

TURKISH_LETTERS = re.compile("[İıŞşĞğÇçÖöÜü]")
LOW = {Seniority.MANAGER, Seniority.INDIVIDUAL_CONTRIBUTOR}


def _solid_manager_at(lines: list[ReportsTo], at: datetime) -> dict[str, str]:
    out: dict[str, str] = {}
    for r in lines:
        if r.kind is LineKind.SOLID and r.holds_at(at):
            assert r.contact_id not in out, f"{r.contact_id} has two solid managers at {at}"
            out[r.contact_id] = r.manager_id
    return out


def test_org_trees_have_one_ceo_and_no_cycles_at_any_change(sample: Portfolio) -> None:
    instants = {SAMPLE.now}
    for r in sample.reports_to:
        if r.kind is LineKind.SOLID:
            assert r.valid_from is not None
            instants.add(r.valid_from)
            if r.valid_to is not None:
                instants.add(r.valid_to)
    employed_at = {
        c.id: (c.status_from, sample.left_at.get(c.id)) for c in sample.contacts.values()
    }
    for at in [*sorted(instants)[:: max(1, len(instants) // 60)], SAMPLE.now]:
        manager = _solid_manager_at(sample.reports_to, at)
        roots: Counter[str] = Counter()
        for cid, (hired, left) in employed_at.items():
            assert hired is not None
            if not (hired <= at and (left is None or at < left)):
                continue
            node: str = cid
            seen = {node}
            while node in manager:
                node = manager[node]
                assert node not in seen, f"reporting cycle through {node} at {at}"
                seen.add(node)
            top = sample.contacts[node]
            if node != cid or node not in manager:
                roots[top.account_id] += node == cid
            assert top.seniority is Seniority.C_LEVEL, f"{cid}'s chain ends at {node}, not a CEO"
        for account, n in roots.items():
            assert n == 1, f"{account} has {n} people without a manager at {at}"


def test_every_account_has_exactly_one_ceo(sample: Portfolio) -> None:
    managed = {r.contact_id for r in sample.reports_to if r.kind is LineKind.SOLID}
    ceos = Counter(c.account_id for c in sample.contacts.values() if c.id not in managed)
    assert set(ceos) == set(sample.accounts)
    assert set(ceos.values()) == {1}


def test_dotted_lines_exist_and_point_to_seniors(sample: Portfolio) -> None:
    dotted = [r for r in sample.reports_to if r.kind is LineKind.DOTTED]
    assert len(dotted) > 20
    for r in dotted:
        assert sample.contacts[r.manager_id].seniority.level <= Seniority.DIRECTOR.level


def test_account_sizes_are_heavy_tailed(sample: Portfolio) -> None:
    sizes = Counter(c.account_id for c in sample.contacts.values())
    values = sorted(sizes.values())
    assert values[0] >= SAMPLE.size_min
    median = values[len(values) // 2]
    assert 20 <= median <= 60
    assert values[-1] >= 4 * median


def test_hidden_influencers_exist_and_are_low_rank(sample: Portfolio) -> None:
    hidden = hidden_influencers(sample.batches)
    per_account = Counter(sample.contacts[h].account_id for h in hidden)
    assert set(per_account) == set(sample.accounts), "every account has one"
    ties: Counter[str] = Counter()
    for e in sample.influences:
        if e.kind.value in ("advises", "trusts"):
            ties[e.influencer_id] += 1
    for h in hidden:
        contact = sample.contacts[h]
        assert contact.seniority in LOW
        assert ties[h] >= HIDDEN_MIN_TIES
        assert influence_score(contact.seniority, ties[h]) == 1.0
        assert h not in sample.left_at
    # outranked: a typical manager or individual contributor has far fewer ties
    others = [
        ties[c.id] for c in sample.contacts.values() if c.seniority in LOW and c.id not in hidden
    ]
    assert max(others) < HIDDEN_MIN_TIES
    assert sum(others) / len(others) < 2


def test_influence_follows_and_cuts_across_the_hierarchy(sample: Portfolio) -> None:
    manager = {r.contact_id: r.manager_id for r in sample.reports_to if r.kind is LineKind.SOLID}
    kinds = Counter(e.kind.value for e in sample.influences)
    assert set(kinds) == {"advises", "trusts", "sponsors", "opposes"}
    along = sum(1 for e in sample.influences if manager.get(e.influenced_id) == e.influencer_id)
    assert 0.1 < along / len(sample.influences) < 0.6
    cross = sum(
        1
        for e in sample.influences
        if sample.contacts[e.influencer_id].department
        != sample.contacts[e.influenced_id].department
    )
    assert cross / len(sample.influences) > 0.2
    # stored ties are never "inferred": those are derived at read time (analytics.inferred)
    assert {e.source.value for e in sample.influences} == {"manual", "observed", "imported"}
    assert all(0.0 <= e.strength <= 1.0 for e in sample.influences)


def test_names_are_turkish_and_international_and_emails_ascii(sample: Portfolio) -> None:
    names = [c.name for c in sample.contacts.values()]
    turkish = sum(1 for n in names if TURKISH_LETTERS.search(n))
    assert turkish / len(names) > 0.3
    assert any(n.split()[0] in {"James", "Lukas", "Sophie", "Priya"} for n in names)
    assert any(TURKISH_LETTERS.search(a.name) for a in sample.accounts.values())
    emails = [c.email for c in sample.contacts.values() if c.email]
    assert len(emails) > 0.8 * len(names)
    assert all(e.isascii() and e == e.lower() for e in emails)
    assert len(set(emails)) == len(emails), "addresses are unique"
    company_names = [a.name for a in sample.accounts.values()]
    assert len(set(company_names)) == len(company_names)


def test_turkish_accounts_speak_turkish_and_others_english(sample: Portfolio) -> None:
    for c in sample.contacts.values():
        account = sample.accounts[c.account_id]
        if account.country == "TR":
            assert not re.search(r"\b(Manager|Director|Officer|Engineer)\b", c.title), c.title
        else:
            assert not TURKISH_LETTERS.search(c.title + c.department), (c.title, c.department)
    tr_tp = [t for t in sample.touchpoints if sample.accounts[t.account_id].country == "TR"]
    assert any(TURKISH_LETTERS.search(t.summary) for t in tr_tp)


def test_territories_and_reps(sample: Portfolio) -> None:
    reps = {r.id: r for b in sample.batches for r in b.reps}
    territories = {a.territory for a in sample.accounts.values()}
    assert {"Marmara", "Ege", "İç Anadolu"} <= territories
    assert territories & {"DACH", "UK", "US", "Benelux"}
    for a in sample.accounts.values():
        assert a.owner_id is not None
        assert reps[a.owner_id].territory == a.territory


def test_sector_departments(sample: Portfolio) -> None:
    departments: dict[str, set[str]] = defaultdict(set)
    for c in sample.contacts.values():
        departments[sample.accounts[c.account_id].sector].add(c.department)
    assert {"Üretim", "Satın Alma", "Kalite", "Finans"} <= departments["manufacturing"]
    assert {"Merchandising", "Kategori Yönetimi", "Satın Alma"} <= departments["textile_retail"]
    assert {
        "Proje Yönetimi",
        "Mimari Tasarım",
        "Mühendislik",
        "Yatırım",
        "İhale ve Sözleşmeler",
    } <= (departments["construction"])
    assert {"Bilgi Teknolojileri", "Bilgi Güvenliği", "Finans", "Operasyon"} <= departments["saas"]
    titles = {c.title for c in sample.contacts.values()}
    assert {"Kategori Müdürü", "Proje Müdürü", "Mimar"} <= titles


def test_sector_cycle_lengths(sample: Portfolio) -> None:
    planned: dict[str, list[int]] = defaultdict(list)
    first_estimate = {}
    for b in sample.batches:
        for ch in b.close_date_changes:
            if ch.from_date is None:
                first_estimate[ch.deal_id] = ch
    for deal_id, ch in first_estimate.items():
        assert ch.to_date is not None
        sector = sample.accounts[sample.deals[deal_id].account_id].sector
        planned[sector].append((ch.to_date - ch.at.date()).days)
    for sector, days in planned.items():
        lo, hi = PROFILES[Sector(sector)].cycle_days
        assert lo <= min(days), sector
        assert max(days) <= hi + 1, sector
    mean = {s: sum(d) / len(d) for s, d in planned.items()}
    assert mean["manufacturing"] < mean["textile_retail"] < mean["construction"]
    assert mean["manufacturing"] < mean["saas"] < mean["construction"]


def test_holding_groups(sample: Portfolio) -> None:
    accounts = sample.accounts
    children = [a for a in accounts.values() if a.parent_id is not None]
    assert children
    for a in children:
        assert a.parent_id is not None
        parent = accounts[a.parent_id]
        assert parent.id < a.id, "the parent comes first in the stream"
        assert parent.parent_id is None
        assert "Holding" in parent.name or "Group" in parent.name
        assert parent.name.split()[0] == a.name.split()[0], "the family name is shared"


def test_turnover_is_highest_in_textile_and_retail(sample: Portfolio) -> None:
    staff: Counter[str] = Counter()
    left: Counter[str] = Counter()
    for c in sample.contacts.values():
        sector = sample.accounts[c.account_id].sector
        staff[sector] += 1
        left[sector] += c.id in sample.left_at
    rate = {s: left[s] / staff[s] for s in staff}
    assert rate["textile_retail"] > 1.5 * rate["manufacturing"]
    assert all(r > 0 for r in rate.values())


def test_successors_take_over_the_reports_of_managers_who_left(sample: Portfolio) -> None:
    by_contact: dict[str, list[ReportsTo]] = defaultdict(list)
    for r in sample.reports_to:
        if r.kind is LineKind.SOLID:
            by_contact[r.contact_id].append(r)
    moved = [rows for rows in by_contact.values() if len(rows) == 2]
    assert moved
    for rows in moved:
        old, new = sorted(rows, key=lambda r: r.valid_from or SAMPLE.now)
        assert old.valid_to == new.valid_from == sample.left_at[old.manager_id]
        assert new.manager_id not in sample.left_at


def test_stage_histories_are_explicit_and_non_linear(sample: Portfolio) -> None:
    backwards = 0
    for deal_id, deal in sample.deals.items():
        history = sorted(sample.stage_changes[deal_id], key=lambda s: s.at)
        assert history[0].from_stage is None
        assert history[0].to_stage is Stage.PROSPECTING
        for prev, nxt in pairwise(history):
            assert nxt.from_stage is prev.to_stage
        assert history[-1].to_stage is deal.stage
        backwards += any(s.is_backwards for s in history)
        if deal.stage is Stage.CLOSED_LOST:
            assert deal.loss_reason
        else:
            assert deal.loss_reason is None
    assert backwards / len(sample.deals) > 0.1
    stages = Counter(d.stage for d in sample.deals.values())
    assert stages[Stage.CLOSED_WON]
    assert stages[Stage.CLOSED_LOST]
    assert sum(n for s, n in stages.items() if not s.is_closed) > 0.1 * len(sample.deals)


def test_close_dates_slip_in_a_chain(sample: Portfolio) -> None:
    chains: dict[str, list[CloseDateChange]] = defaultdict(list)
    slipped = 0
    for b in sample.batches:
        for ch in b.close_date_changes:
            chains[ch.deal_id].append(ch)
    for deal_id, deal in sample.deals.items():
        history = sorted(chains[deal_id], key=lambda c: c.at)
        for prev, nxt in pairwise(history):
            assert nxt.from_date == prev.to_date
        assert history[-1].to_date == deal.expected_close
        slipped += any(
            c.from_date is not None and c.to_date is not None and c.to_date > c.from_date
            for c in history
        )
    assert slipped / len(sample.deals) > 0.2


def test_touchpoints_reach_only_people_employed_at_the_time(sample: Portfolio) -> None:
    kinds = Counter(t.kind.value for t in sample.touchpoints)
    assert set(kinds) >= {"email", "call", "meeting", "linkedin", "demo", "poc"}
    directions = Counter(t.direction.value for t in sample.touchpoints)
    assert set(directions) == {"inbound", "outbound", "two_way"}
    for t in sample.touchpoints:
        for cid in t.contact_ids:
            contact = sample.contacts[cid]
            assert contact.account_id == t.account_id
            assert contact.status_from is not None
            assert contact.status_from <= t.at
            gone = sample.left_at.get(cid)
            assert gone is None or t.at < gone
        assert -1.0 <= t.sentiment <= 1.0
        assert t.summary


def test_seats_change_roles_and_reopen(sample: Portfolio) -> None:
    multi = [
        rows
        for rows in sample.roles.values()
        for cid in {r.contact_id for r in rows}
        if sum(1 for r in rows if r.contact_id == cid) > 1
    ]
    assert multi, "some seats carry several intervals"
    changed = reopened = 0
    for rows in sample.roles.values():
        seats: dict[str, list[DealRole]] = defaultdict(list)
        for r in rows:
            seats[r.contact_id].append(r)
        for seat in seats.values():
            seat.sort(key=lambda r: r.valid_from or SAMPLE.now)
            for a, b in pairwise(seat):
                assert a.valid_to is not None
                assert b.valid_from is not None
                assert a.valid_to <= b.valid_from
                changed += a.roles != b.roles
                reopened += a.valid_to < b.valid_from
    assert changed
    assert reopened


def test_demo_portfolio_is_small_and_complete() -> None:
    demo = Portfolio.of(demo_portfolio())
    assert 12 <= len(demo.accounts) <= 20
    assert 200 <= len(demo.contacts) <= 900
    assert 20 <= len(demo.deals) <= 45
    parents = {a.parent_id for a in demo.accounts.values() if a.parent_id}
    assert len(parents) == 1
    assert {a.sector for a in demo.accounts.values()} == {s.value for s in Sector}
    assert Portfolio.of(demo_portfolio()).deals == demo.deals
