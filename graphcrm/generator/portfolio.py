"""The portfolio: reps, holding groups and accounts, streamed as ChangeSet batches.

Determinism: the reps and the group plan (which accounts form holding groups,
sectors, sizes) come from generators seeded with ``f"{seed}:reps"`` and
``f"{seed}:plan"``; each account is built by its own ``random.Random(f"{seed}:{index}")``.
So the same config gives identical batches, and an account does not depend
on how accounts are chunked into batches.

The :class:`~graphcrm.generator.outcome.OutcomeOptions` of ``config.outcome``
draw from streams of their own: ``f"{seed}:coefficients"`` (the portfolio's
outcome weights), ``f"{seed}:{index}:stances"`` and ``f"{seed}:{index}:hidden"``
(per account), ``f"{seed}:{index}:{deal}:stages"`` (per deal, for a stage
history the account's stream does not draw). The account's stream draws
exactly what it draws without options, so an option changes only the rows
it names (see the options) and the history of a deal whose outcome it
changes. :func:`truth_index` regenerates a portfolio keeping the truth its
rows may not carry, for :func:`~graphcrm.generator.oracle.drivers_as_of`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated, Final, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from graphcrm.domain import (
    Account,
    ChangeSet,
    CloseDateChange,
    Contact,
    Deal,
    DealRole,
    Influence,
    Rep,
    RepKnows,
    ReportsTo,
    StageChange,
    Touchpoint,
    UtcDatetime,
)
from graphcrm.domain.construct import check_constructible, construct
from graphcrm.generator import vocab
from graphcrm.generator.account import AccountBuilder, AccountPlan, Context, Sink, seeded
from graphcrm.generator.oracle import DealTruth, TruthIndex
from graphcrm.generator.outcome import (
    DEFAULT_COEFFICIENTS,
    Coefficients,
    OutcomeOptions,
    draw_coefficients,
)
from graphcrm.generator.sectors import Sector

DEFAULT_NOW: Final = datetime(2026, 11, 1, tzinfo=UTC)
DEFAULT_SECTOR_WEIGHTS: Final = {
    Sector.MANUFACTURING: 0.35,
    Sector.TEXTILE_RETAIL: 0.20,
    Sector.CONSTRUCTION: 0.15,
    Sector.SAAS: 0.30,
}
_ROW_MODELS: Final = (
    Account, Contact, Rep, ReportsTo, Influence, RepKnows, Deal, StageChange,
    CloseDateChange, DealRole, Touchpoint, ChangeSet,
)  # fmt: skip
_SECTORS: Final = tuple(Sector)

Share = Annotated[float, Field(ge=0.0, le=1.0)]


class GeneratorConfig(BaseModel):
    """What to generate. Every field has a realistic default except ``accounts``.

    Attributes
    ----------
    accounts
        Number of accounts (holding parents and subsidiaries included).
    seed
        Seed of every random stream; the same config gives the same batches.
    now
        The instant the portfolio is "as of": history ends here (never the wall clock).
    chunk_accounts
        Accounts per batch; bounds memory and the size of one store transaction.
    reps
        Number of our sellers; default one per 40 accounts (at least one per
        territory, at most 5,000).
    size_min, size_max, size_alpha
        Contacts per account follow a Pareto law with minimum ``size_min`` and
        tail exponent ``size_alpha``, capped at ``size_max``: with the defaults
        (20, 1.5, 3000) the mean is about 55, 98% of accounts have 20-300
        contacts and about 1 in 350 has more than 1,000.
    deals_per_account
        Mean deals of a 50-person account (larger accounts have more).
    committee_mean
        Mean buying-committee size (distinct people with a role on a deal).
    holding_rate
        Share of account groups that are holding groups (the first group
        always is, when there are at least four accounts).
    international_share
        Share of accounts outside Turkey.
    history_days
        Deals are created within this many days before ``now``.
    sector_weights
        Relative frequency of each sector (the first four accounts cover all four).
    outcome
        Out-of-distribution options of the outcome and of what the rows
        record of it (:class:`~graphcrm.generator.outcome.OutcomeOptions`);
        the defaults give the documented model.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    accounts: Annotated[int, Field(ge=1)]
    seed: int = 0
    now: UtcDatetime = DEFAULT_NOW
    chunk_accounts: Annotated[int, Field(ge=1)] = 200
    reps: Annotated[int, Field(ge=1)] | None = None
    size_min: Annotated[int, Field(ge=8)] = 20
    size_max: Annotated[int, Field(ge=8, le=9000)] = 3000
    size_alpha: Annotated[float, Field(gt=0.5, le=10.0)] = 1.5
    deals_per_account: Annotated[float, Field(ge=0.0, le=20.0)] = 2.0
    committee_mean: Annotated[float, Field(ge=3.0, le=15.0)] = 6.8
    holding_rate: Share = 0.04
    international_share: Share = 0.22
    history_days: Annotated[int, Field(ge=30, le=3650)] = 540
    sector_weights: dict[Sector, Annotated[float, Field(ge=0.0)]] = Field(
        default_factory=lambda: dict(DEFAULT_SECTOR_WEIGHTS)
    )
    outcome: OutcomeOptions = OutcomeOptions()

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.size_max < self.size_min:
            raise ValueError(f"size_max {self.size_max} is below size_min {self.size_min}")
        if sum(self.sector_weights.values()) <= 0:
            raise ValueError("sector_weights must give some sector a positive weight")
        return self


def outcome_coefficients(config: GeneratorConfig) -> Coefficients:
    """The outcome weights of ``config``'s portfolio.

    The documented ones, unless ``config.outcome.random_coefficients``: then
    :func:`~graphcrm.generator.outcome.draw_coefficients` from the stream
    ``f"{seed}:coefficients"``. ``hidden`` is ``config.outcome.hidden_driver``.
    """
    hidden = config.outcome.hidden_driver
    if config.outcome.random_coefficients:
        return draw_coefficients(seeded(config.seed, "coefficients"), hidden=hidden)
    if hidden:
        return Coefficients(hidden=hidden)
    return DEFAULT_COEFFICIENTS


# --- reps ---------------------------------------------------------------------------


def _territory_shares(international_share: float) -> list[tuple[str, float]]:
    tr = 1.0 - international_share
    shares = [(t, tr * w) for t, w in vocab.TR_TERRITORIES]
    shares += [(t, international_share * w) for t, w, _ in vocab.INTL_TERRITORIES]
    return shares


def _reps(config: GeneratorConfig) -> tuple[list[Rep], dict[str, tuple[str, ...]]]:
    """Our sellers, at least one per territory, in proportion to the accounts there."""
    rng = seeded(config.seed, "reps")
    total = config.reps or min(5000, max(len(vocab.TERRITORIES), math.ceil(config.accounts / 40)))
    reps: list[Rep] = []
    by_territory: dict[str, tuple[str, ...]] = {}
    seen: set[str] = set()
    for territory, share in _territory_shares(config.international_share):
        ids: list[str] = []
        for _ in range(max(1, round(total * share))):
            turkish = territory not in ("DACH", "UK", "US", "Benelux") or rng.random() < 0.15
            firsts = vocab.TR_FIRST_F if turkish else vocab.INTL_FIRST_F
            lasts = vocab.TR_LAST_F if turkish else vocab.INTL_LAST_F
            first, fs = firsts[int(rng.random() * len(firsts))]
            last, ls = lasts[int(rng.random() * len(lasts))]
            local = f"{fs}.{ls}"
            n = 2
            while local in seen:
                local = f"{fs}.{ls}{n}"
                n += 1
            seen.add(local)
            rep_id = f"R{len(reps) + 1:04d}"
            reps.append(
                construct(
                    Rep,
                    {
                        "id": rep_id,
                        "name": f"{first} {last}",
                        "email": f"{local}@graphcrm.example",
                        "territory": territory,
                    },
                )
            )
            ids.append(rep_id)
        by_territory[territory] = tuple(ids)
    return reps, by_territory


# --- the plan of accounts -------------------------------------------------------------


def _plans(config: GeneratorConfig) -> Iterator[AccountPlan]:
    """Accounts in id order; a holding's parent comes right before its subsidiaries.

    The portfolio opens with a holding group when it has at least four
    accounts, and the first four accounts cover the four sectors, so even a
    small portfolio shows every kind of account.
    """
    rng = seeded(config.seed, "plan")
    rnd = rng.random
    weights = [(s, config.sector_weights.get(s, 0.0)) for s in _SECTORS]
    total_w = sum(w for _, w in weights)

    def sector(index: int) -> Sector:
        if index < len(_SECTORS):
            return _SECTORS[index]
        x, acc = rnd() * total_w, 0.0
        for s, w in weights:
            acc += w
            if x < acc:
                return s
        return _SECTORS[-1]

    def size(cap: int) -> int:
        u = 1.0 - rnd()
        return int(min(cap, config.size_min / u ** (1.0 / config.size_alpha)))

    groups = {True: 0, False: 0}  # holding groups so far, Turkish and international
    family_offset = int(rnd() * 1000)
    i = 0
    while i < config.accounts:
        left = config.accounts - i
        holding = left >= 3 and ((i == 0 and config.accounts >= 4) or rnd() < config.holding_rate)
        if not holding:
            yield AccountPlan(i, f"A{i:06d}", sector(i), size(config.size_max))
            i += 1
            continue
        children = min(left - 1, 2 + int(rnd() * 5))
        tr = rnd() >= config.international_share
        families = vocab.TR_HOLDING_FAMILIES if tr else vocab.INTL_HOLDING_FAMILIES
        number = groups[tr]
        groups[tr] += 1
        family = families[(family_offset + number) % len(families)]
        repeat = number // len(families)
        if tr:
            country = "TR"
        else:
            _, _, countries = vocab.INTL_TERRITORIES[int(rnd() * len(vocab.INTL_TERRITORIES))]
            country = countries[0][0]
        parent = f"A{i:06d}"
        cap = min(config.size_max, 150)
        yield AccountPlan(
            i, parent, sector(i), max(config.size_min, size(cap)), family=family,
            family_repeat=repeat, is_parent=True, country=country,
        )  # fmt: skip
        for k in range(1, children + 1):
            j = i + k
            abroad = rnd() < 0.15
            child_country = country
            if abroad:
                _, _, countries = vocab.INTL_TERRITORIES[int(rnd() * len(vocab.INTL_TERRITORIES))]
                child_country = countries[int(rnd() * len(countries))][0]
            yield AccountPlan(
                j, f"A{j:06d}", sector(j), size(config.size_max), parent_id=parent, family=family,
                family_repeat=repeat, member=k, country=child_country,
            )  # fmt: skip
        i += children + 1


# --- streaming ---------------------------------------------------------------------------


def _batch(sink: Sink) -> ChangeSet:
    return construct(
        ChangeSet,
        {
            "accounts": tuple(sink.accounts),
            "contacts": tuple(sink.contacts),
            "reps": (),
            "reports_to": tuple(sink.reports_to),
            "influences": tuple(sink.influences),
            "rep_knows": tuple(sink.rep_knows),
            "deals": tuple(sink.deals),
            "stage_changes": tuple(sink.stage_changes),
            "close_date_changes": tuple(sink.close_date_changes),
            "deal_roles": tuple(sink.deal_roles),
            "touchpoints": tuple(sink.touchpoints),
        },
    )


def _only(**rows: tuple[object, ...]) -> ChangeSet:
    values: dict[str, object] = dict.fromkeys(ChangeSet.model_fields, ())
    values.update(rows)
    return construct(ChangeSet, values)


def generate_portfolio(config: GeneratorConfig) -> Iterator[ChangeSet]:
    """Stream a generated portfolio as batches to apply in order.

    The first batch holds the reps. Then, per chunk of ``config.chunk_accounts``
    accounts, one batch with the accounts and everything in them (contacts,
    reporting lines, influence edges, rep ties, deals with their stage and
    close-date history, committees, touchpoints), followed, when someone left
    one of those accounts, by a batch of the departed contacts with
    ``status=left_company`` (a batch holds each contact once). Every batch
    refers only to its own rows and earlier batches; memory stays bounded by
    one chunk.

    Parameters
    ----------
    config
        What to generate; the same config always gives the same batches.

    Examples
    --------
    >>> batches = list(generate_portfolio(GeneratorConfig(accounts=3, seed=1)))
    >>> [len(b.reps) > 0 for b in batches][:2], sum(len(b.accounts) for b in batches)
    ([True, False], 3)
    """
    return _generate(config, None)


def truth_index(config: GeneratorConfig) -> TruthIndex:
    """The generator's truth of every closed deal of ``config``'s portfolio, for the oracle.

    Regenerates the portfolio (the same rows as :func:`generate_portfolio`,
    discarded) and keeps what the rows may not carry: true stances, the hidden
    shocks, the outcome weights. See :mod:`graphcrm.generator.oracle`.
    """
    truths: list[DealTruth] = []
    for _ in _generate(config, truths):
        pass
    return TruthIndex(
        coefficients=outcome_coefficients(config),
        deals={t.deal_id: t for t in truths},
    )


def _generate(config: GeneratorConfig, truths: list[DealTruth] | None) -> Iterator[ChangeSet]:
    for model in _ROW_MODELS:
        check_constructible(model)
    reps, by_territory = _reps(config)
    yield _only(reps=tuple(reps))
    ctx = Context(
        now=int(config.now.timestamp()),
        history_days=config.history_days,
        deals_per_account=config.deals_per_account,
        committee_mean=config.committee_mean,
        international_share=config.international_share,
        reps_by_territory=by_territory,
        name_offset=seeded(config.seed, "names").randrange(1 << 30),
        seed=config.seed,
        options=config.outcome,
        coefficients=outcome_coefficients(config),
    )
    sink = Sink(truths)
    for plan in _plans(config):
        AccountBuilder(plan, ctx, seeded(config.seed, plan.index)).build(sink)
        if len(sink.accounts) >= config.chunk_accounts:
            yield from _flush(sink)
            sink = Sink(truths)
    if sink.accounts:
        yield from _flush(sink)


def _flush(sink: Sink) -> Iterator[ChangeSet]:
    yield _batch(sink)
    if sink.departures:
        yield _only(contacts=tuple(sink.departures))


def demo_config(seed: int = 7, *, now: datetime | None = None) -> GeneratorConfig:
    """The small portfolio of ``graphcrm demo``: 16 accounts in four sectors, about
    600 contacts, about 30 deals, 11 reps (``reps=6`` spread over the territories,
    at least one each). ``now`` anchors its history (default: the generator's
    fixed ``DEFAULT_NOW``); ``tests/unit/generator/test_golden.py`` checks the counts."""
    return GeneratorConfig(
        accounts=16,
        seed=seed,
        now=now or DEFAULT_NOW,
        reps=6,
        size_min=12,
        size_max=90,
        size_alpha=1.4,
        deals_per_account=2.2,
        holding_rate=0.0,
        chunk_accounts=16,
    )


def demo_portfolio(seed: int = 7, *, now: datetime | None = None) -> Iterator[ChangeSet]:
    """The demo portfolio as batches to apply in order (see :func:`demo_config`)."""
    return generate_portfolio(demo_config(seed, now=now))
