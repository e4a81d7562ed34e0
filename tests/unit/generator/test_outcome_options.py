"""Out-of-distribution options: each changes what it names and nothing else."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import timedelta
from functools import cache
from pathlib import Path
from statistics import mean, pstdev

import pytest
from pydantic import ValidationError

from graphcrm.domain import ChangeSet, Deal, DealRole, Stage, StageChange
from graphcrm.generator import (
    DEFAULT_COEFFICIENTS,
    GeneratorConfig,
    OutcomeOptions,
    TruthIndex,
    closed_deals,
    generate_portfolio,
    outcome_coefficients,
    truth_index,
)
from graphcrm.generator.outcome import COEFFICIENT_SPREAD, sigmoid

from .test_rows import MemoryLookup

BASE = GeneratorConfig(accounts=80, seed=5, size_max=300, deals_per_account=3.0)
"""About 280 deals, 170 of them closed."""
DAY = timedelta(days=1)
ROOT = Path(__file__).resolve().parents[3]


def _config(**options: object) -> GeneratorConfig:
    return BASE.model_copy(update={"outcome": OutcomeOptions.model_validate(options)})


def _rows(config: GeneratorConfig) -> dict[str, tuple[object, ...]]:
    """Every row of the portfolio, by kind, in stream order (one generation per options)."""
    assert config == _config(**config.outcome.model_dump())
    return _rows_of(config.outcome)


@cache
def _rows_of(options: OutcomeOptions) -> dict[str, tuple[object, ...]]:
    batches = list(generate_portfolio(BASE.model_copy(update={"outcome": options})))
    return {n: tuple(r for b in batches for r in getattr(b, n)) for n in ChangeSet.model_fields}


def _truth(config: GeneratorConfig) -> TruthIndex:
    assert config == _config(**config.outcome.model_dump())
    return _truth_of(config.outcome)


@cache
def _truth_of(options: OutcomeOptions) -> TruthIndex:
    return truth_index(BASE.model_copy(update={"outcome": options}))


def _deals(config: GeneratorConfig) -> dict[str, Deal]:
    return {d.id: d for d in _rows(config)["deals"] if isinstance(d, Deal)}


def _paths(config: GeneratorConfig) -> dict[str, list[StageChange]]:
    paths: dict[str, list[StageChange]] = defaultdict(list)
    for s in _rows(config)["stage_changes"]:
        assert isinstance(s, StageChange)
        paths[s.deal_id].append(s)
    return paths


def _seats(config: GeneratorConfig) -> dict[tuple[str, str], list[DealRole]]:
    seats: dict[tuple[str, str], list[DealRole]] = defaultdict(list)
    for r in _rows(config)["deal_roles"]:
        assert isinstance(r, DealRole)
        seats[(r.deal_id, r.contact_id)].append(r)
    return seats


def _changed_kinds(config: GeneratorConfig) -> set[str]:
    before, after = _rows(BASE), _rows(config)
    return {name for name in before if before[name] != after[name]}


def _auc(scores: list[float], positive: list[bool]) -> float:
    pos = [s for s, p in zip(scores, positive, strict=True) if p]
    neg = [s for s, p in zip(scores, positive, strict=True) if not p]
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def test_the_defaults_are_the_documented_model() -> None:
    assert BASE.outcome == OutcomeOptions()
    assert not BASE.outcome.changes_the_outcome
    assert outcome_coefficients(BASE) == DEFAULT_COEFFICIENTS
    explicit = BASE.model_copy(update={"outcome": OutcomeOptions(stages="outcome")})
    assert _rows(explicit) == _rows(BASE)


def test_options_are_validated() -> None:
    for bad in (
        {"stages": "random"},
        {"stance_noise": 1.5},
        {"stance_delay_days": -1},
        {"hidden_driver": -0.5},
        {"typo": 1},
    ):
        with pytest.raises(ValidationError):
            OutcomeOptions.model_validate(bad)
    with pytest.raises(ValidationError):
        BASE.outcome.stance_noise = 0.5  # type: ignore[misc]


@pytest.mark.parametrize(
    ("options", "kinds"),
    [
        ({"stance_noise": 0.3}, {"deal_roles"}),
        ({"stance_delay_days": 30}, {"deal_roles"}),
        ({"stages": "committee"}, {"deals", "stage_changes"}),
        ({"random_coefficients": True}, {"deals", "stage_changes"}),
        ({"hidden_driver": 1.5}, {"deals", "stage_changes"}),
    ],
)
def test_each_option_changes_only_the_rows_it_names(
    options: dict[str, object], kinds: set[str]
) -> None:
    assert _changed_kinds(_config(**options)) == kinds


def test_stance_noise_moves_about_that_share_of_stances_one_step() -> None:
    true, noisy = _seats(BASE), _seats(_config(stance_noise=0.3))
    assert true.keys() == noisy.keys()
    moved = 0
    for key, rows in true.items():
        other = noisy[key]
        assert [r.model_copy(update={"stance": 0}) for r in rows] == [
            r.model_copy(update={"stance": 0}) for r in other
        ], "only the stance changes"
        assert len({r.stance for r in other}) == 1, "one recorded stance per seat"
        step = other[0].stance - rows[0].stance
        assert step in (-1, 0, 1), key
        moved += step != 0
    assert len(true) > 1000
    assert moved / len(true) == pytest.approx(0.3, abs=0.04)
    # the outcome still reads the true stances: the truth at the close is the rows' without noise
    truth = _truth(_config(stance_noise=0.3))
    for deal in closed_deals(generate_portfolio(BASE)):
        at_close = truth.deals[deal.deal_id]
        assert at_close.features_as_of(at_close.closed) == deal.features
        assert at_close.won == deal.won


def test_a_delayed_stance_is_recorded_later_and_zero_until_then() -> None:
    days = 30
    true, late = _seats(BASE), _seats(_config(stance_delay_days=days))
    deals = _deals(BASE)
    ends = {d: p[-1].at for d, p in _paths(BASE).items()}
    assert true.keys() == late.keys()
    delayed = never = 0
    for key, rows in true.items():
        stance = rows[0].stance
        other = late[key]
        start = rows[0].valid_from
        assert start is not None
        # same coverage: the delayed rows split the true ones, never extend them
        assert other[0].valid_from == start
        assert other[-1].valid_to == rows[-1].valid_to
        assert {r.stance for r in other} <= {0, stance}
        if stance == 0:
            assert other == rows
            continue
        known = start + timedelta(days=days)
        assert all(
            r.stance == 0 for r in other if r.valid_from is not None and r.valid_from < known
        )
        firsts = [r.valid_from for r in other if r.stance == stance]
        if firsts:
            assert firsts[0] == known or (firsts[0] is not None and firsts[0] > known)
            delayed += firsts[0] == known
        else:
            never += 1
            end = ends[key[0]] if deals[key[0]].stage.is_closed else BASE.now
            assert known >= min(end, rows[-1].valid_to or end), "known in time, so recorded"
    assert delayed > 500
    assert never < delayed / 2


def test_committee_stages_do_not_depend_on_the_outcome() -> None:
    committee = _config(stages="committee")
    flipped = _config(stages="committee", random_coefficients=True)
    a, b = _paths(committee), _paths(flipped)
    outcome_a, outcome_b = _deals(committee), _deals(flipped)
    changed = [d for d in a if outcome_a[d].stage != outcome_b[d].stage]
    assert len(changed) >= 5, "the drawn weights change some outcomes"
    for deal_id, path in a.items():
        if path[-1].to_stage.is_closed:
            # the same path up to the close, whatever the close
            assert path[:-1] == b[deal_id][:-1], deal_id
            assert path[-1].at == b[deal_id][-1].at
            assert all(not s.to_stage.is_closed for s in path[:-1])
        else:
            assert path == b[deal_id]
    # outcomes are those of the documented model; of the deal rows, only open stages change
    for deal_id, documented in _deals(BASE).items():
        other = outcome_a[deal_id]
        if documented.stage.is_closed:
            assert other == documented
        else:
            assert other.model_copy(update={"stage": documented.stage}) == documented
            assert other.stage is a[deal_id][-1].to_stage


def test_committee_stages_give_the_outcome_away_much_less() -> None:
    def stage_auc(config: GeneratorConfig) -> float:
        orders, won = [], []
        for path in _paths(config).values():
            end = path[-1]
            if not end.to_stage.is_closed:
                continue
            at = end.at - 30 * DAY
            then = [s.to_stage for s in path if s.at <= at]
            if then:
                orders.append(float(then[-1].order))
                won.append(end.to_stage is Stage.CLOSED_WON)
        return _auc(orders, won)

    assert stage_auc(BASE) > 0.8
    assert stage_auc(_config(stages="committee")) < 0.76


def test_random_coefficients_are_drawn_per_portfolio_around_the_documented_ones() -> None:
    drawn = [
        outcome_coefficients(_config(random_coefficients=True).model_copy(update={"seed": s}))
        for s in range(40)
    ]
    assert drawn[0] == outcome_coefficients(
        _config(random_coefficients=True).model_copy(update={"seed": 0})
    )
    assert len(set(drawn)) == 40
    d = DEFAULT_COEFFICIENTS
    bound = math.exp(2 * COEFFICIENT_SPREAD) * (1 + 1e-12)
    for k in drawn:
        assert abs(k.intercept - d.intercept) <= 2 * COEFFICIENT_SPREAD + 1e-12
        for name in (
            "champion",
            "economic_buyer",
            "threading",
            "opposition",
            "champion_left",
            "stale",
        ):
            ratio = getattr(k, name) / getattr(d, name)
            assert 1 / bound <= ratio <= bound, name
        assert k.hidden == 0.0
    logs = [math.log(k.champion / d.champion) for k in drawn]
    assert mean(logs) == pytest.approx(0.0, abs=0.2)
    assert pstdev(logs) == pytest.approx(COEFFICIENT_SPREAD, abs=0.15)


@pytest.mark.parametrize("options", [{"random_coefficients": True}, {"hidden_driver": 1.5}])
def test_an_outcome_changes_only_with_its_probability(options: dict[str, object]) -> None:
    """One uniform draw decides both: a deal turns won only if P(won) went up, lost only if down."""
    config = _config(**options)
    truth = _truth(config)
    k = truth.coefficients
    documented = {d.deal_id: d for d in closed_deals(generate_portfolio(BASE))}
    base_paths, paths = _paths(BASE), _paths(config)
    flips = 0
    for deal_id, t in truth.deals.items():
        before = documented[deal_id]
        p_before = before.features.win_probability()
        p_now = sigmoid(t.features_as_of(t.closed).logit(k) + k.hidden * t.hidden)
        if t.won and not before.won:
            assert p_now > p_before
        elif before.won and not t.won:
            assert p_now < p_before
        else:
            assert paths[deal_id] == base_paths[deal_id], "an unchanged outcome keeps its history"
        flips += t.won != before.won
    assert flips >= 5


def test_the_hidden_driver_is_a_standard_normal_shock_that_moves_outcomes() -> None:
    config = _config(hidden_driver=1.5)
    truth = _truth(config)
    assert truth.coefficients.hidden == 1.5
    shocks = [t.hidden for t in truth.deals.values()]
    assert mean(shocks) == pytest.approx(0.0, abs=0.2)
    assert pstdev(shocks) == pytest.approx(1.0, abs=0.15)
    won = [t.hidden for t in truth.deals.values() if t.won]
    lost = [t.hidden for t in truth.deals.values() if not t.won]
    assert mean(won) > mean(lost) + 0.3
    assert all(t.hidden == 0.0 for t in _truth(BASE).deals.values())


def test_outcomes_are_calibrated_to_the_portfolios_own_model() -> None:
    config = _config(random_coefficients=True, hidden_driver=1.0)
    truth = _truth(config)
    k = truth.coefficients
    probs = [
        sigmoid(t.features_as_of(t.closed).logit(k) + k.hidden * t.hidden)
        for t in truth.deals.values()
    ]
    won = [t.won for t in truth.deals.values()]
    assert len(won) >= 150
    assert mean(won) == pytest.approx(mean(probs), abs=0.08)
    assert _auc(probs, won) > 0.75


ALL = {
    "stages": "committee",
    "stance_noise": 0.2,
    "stance_delay_days": 21,
    "random_coefficients": True,
    "hidden_driver": 1.0,
}


def test_same_config_same_bytes_with_every_option() -> None:
    config = _config(**ALL)
    first, second = list(generate_portfolio(config)), list(generate_portfolio(config))
    assert first == second
    assert [b.model_dump_json() for b in first] == [b.model_dump_json() for b in second]
    assert truth_index(config) == truth_index(config)
    other = list(generate_portfolio(config.model_copy(update={"seed": 6})))
    assert other != first


def test_chunking_changes_no_option() -> None:
    config = _config(**ALL).model_copy(update={"accounts": 20})
    one = truth_index(config.model_copy(update={"chunk_accounts": 20}))
    many = truth_index(config.model_copy(update={"chunk_accounts": 3}))
    assert one == many


def test_every_batch_with_every_option_passes_the_store_validation() -> None:
    store = MemoryLookup()
    for batch in generate_portfolio(_config(**ALL).model_copy(update={"accounts": 30})):
        store.apply(batch)
    assert store.roles


def test_every_option_is_documented() -> None:
    scoring = (ROOT / "docs" / "scoring.md").read_text(encoding="utf-8")
    section = scoring.split("### Out-of-distribution portfolios", 1)[1]
    for name in OutcomeOptions.model_fields:
        assert f"`{name}" in section, name
    assert "drivers_as_of" in section
