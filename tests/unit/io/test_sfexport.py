"""The generated portfolio as Salesforce files: read back with csv and checked
against the portfolio's own rows."""

from __future__ import annotations

import csv
import re
import tomllib
from collections import Counter, defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphcrm.cli import main
from graphcrm.domain import (
    Account,
    AccountId,
    ChangeSet,
    CloseDateChange,
    Contact,
    ContactId,
    ContactStatus,
    Deal,
    DealId,
    DealRole,
    Direction,
    Rep,
    RepId,
    Role,
    Stage,
    StageChange,
    Touchpoint,
    TouchpointId,
    TouchpointKind,
)
from graphcrm.domain.roles import SALESFORCE_ROLES
from graphcrm.errors import InvalidError
from graphcrm.generator import GeneratorConfig, generate_portfolio
from graphcrm.generator.sectors import Sector
from graphcrm.io.sfexport import ExportSummary, write_salesforce_export
from graphcrm.io.sfexport_values import INDUSTRIES, ROLE_LABELS, STAGE_LABELS, sf_time, split_name
from graphcrm.io.values import sector_from_industry

# the Salesforce files of docs/import-export.md: required columns; optional ones
SPEC_TABLE = """
| `User.csv` | `Id, Name`; `Email, UserRoleId, IsActive` |
| `Account.csv` | `Id, Name`; `ParentId, Industry, BillingCountry, OwnerId, CreatedDate, IsDeleted` |
| `Contact.csv` | `Id, AccountId, LastName`; `FirstName, Title, Department, Email, Phone, ReportsToId, CreatedDate, LastModifiedDate, Left_Company__c, IsDeleted` |
| `Opportunity.csv` | `Id, AccountId, Name, StageName`; `Amount, CloseDate, IsClosed, IsWon, CurrencyIsoCode, OwnerId, CreatedDate, LastModifiedDate, Pipeline__c, Loss_Reason__c, IsDeleted` |
| `OpportunityContactRole.csv` | `OpportunityId, ContactId, Role`; `Id, IsPrimary, CreatedDate, Stance__c, IsDeleted` |
| `OpportunityHistory.csv` | `OpportunityId, StageName, CreatedDate`; `Id, CloseDate, Amount, IsDeleted` |
| `OpportunityFieldHistory.csv` | `OpportunityId, Field, CreatedDate`; `Id, OldValue, NewValue, IsDeleted` |
| `Task.csv` | `Id`; `WhoId, WhatId, AccountId, OwnerId, ActivityDate, Subject, Type, TaskSubtype, Status, CallType, Direction__c, Sentiment__c, CreatedDate, IsDeleted` |
| `Event.csv` | `Id`; `WhoId, WhatId, AccountId, OwnerId, StartDateTime, ActivityDateTime, Subject, Type, Direction__c, Sentiment__c, CreatedDate, IsDeleted` |
| `EventRelation.csv` | `EventId, RelationId`; `Id, IsInvitee, IsDeleted` |
"""  # noqa: E501
SPEC: dict[str, list[str]] = {
    name.strip(" `"): [c.strip(" `") for c in re.split(r"[;,]", columns)]
    for name, columns in (line.strip("| ").split(" | ") for line in SPEC_TABLE.strip().splitlines())
}
BOM = b"\xef\xbb\xbf"
Rows = dict[str, list[dict[str, str]]]


def _read(directory: Path) -> Rows:
    out: Rows = {}
    for name in SPEC:
        with (directory / name).open(encoding="utf-8-sig", newline="") as f:
            out[name] = list(csv.DictReader(f))
    return out


@pytest.fixture(scope="module")
def portfolio() -> list[ChangeSet]:
    """Seven accounts (a holding group among them) in batches of two, so that
    departures arrive in the batch after their contacts."""
    return list(generate_portfolio(GeneratorConfig(accounts=7, seed=11, chunk_accounts=2)))


@pytest.fixture(scope="module")
def exported(
    portfolio: list[ChangeSet], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, ExportSummary, Rows]:
    directory = tmp_path_factory.mktemp("sf") / "export"
    summary = write_salesforce_export(iter(portfolio), directory)
    return directory, summary, _read(directory)


def _all(portfolio: list[ChangeSet], name: str) -> list[object]:
    return [row for cs in portfolio for row in getattr(cs, name)]


def _final_contacts(portfolio: list[ChangeSet]) -> dict[str, Contact]:
    """Each contact as it stands after every batch (later rows win)."""
    return {c.id: c for cs in portfolio for c in cs.contacts}


def test_files_are_utf8_with_bom_crlf_and_the_spec_headers(
    exported: tuple[Path, ExportSummary, Rows],
) -> None:
    directory, summary, _ = exported
    assert summary.files == (*SPEC, "mapping.toml")
    for name, header in SPEC.items():
        data = (directory / name).read_bytes()
        assert data.startswith(BOM), name
        assert data[len(BOM) :].split(b"\r\n", 1)[0].decode() == ",".join(header), name
        # the generator's texts are one line each: every line end is CRLF
        assert data.count(b"\n") == data.count(b"\r\n") > 0, name


def test_row_counts_are_the_portfolios(
    portfolio: list[ChangeSet], exported: tuple[Path, ExportSummary, Rows]
) -> None:
    _, summary, rows = exported
    touchpoints = [tp for tp in _all(portfolio, "touchpoints") if isinstance(tp, Touchpoint)]
    events = [tp for tp in touchpoints if tp.kind in ("meeting", "demo", "poc")]
    open_roles = [
        r for r in _all(portfolio, "deal_roles") if isinstance(r, DealRole) and r.valid_to is None
    ]
    expected = {
        "User.csv": len(_all(portfolio, "reps")),
        "Account.csv": len(_all(portfolio, "accounts")),
        "Contact.csv": len(_final_contacts(portfolio)),
        "Opportunity.csv": len(_all(portfolio, "deals")),
        "OpportunityHistory.csv": len(_all(portfolio, "stage_changes")),
        "OpportunityFieldHistory.csv": len(_all(portfolio, "close_date_changes")),
        "OpportunityContactRole.csv": sum(len(r.roles) for r in open_roles),
        "Event.csv": len(events),
        "Task.csv": len(touchpoints) - len(events),
        "EventRelation.csv": sum(
            len(tp.contact_ids) - 1 + max(0, len(tp.rep_ids) - 1) for tp in events
        ),
    }
    assert {name: len(r) for name, r in rows.items()} == expected
    assert summary.rows == expected
    assert all(expected.values())  # the portfolio has rows of every kind
    assert summary.dropped["influences"] == len(_all(portfolio, "influences"))
    assert summary.dropped["rep_knows"] == len(_all(portfolio, "rep_knows"))
    assert summary.dropped["task_contacts"] == sum(
        len(tp.contact_ids) - 1 for tp in touchpoints if tp not in events
    )
    assert len(_all(portfolio, "contacts")) > len(_final_contacts(portfolio))  # departures


def test_history_has_a_row_per_stage_change_ending_at_the_current_stage(
    portfolio: list[ChangeSet], exported: tuple[Path, ExportSummary, Rows]
) -> None:
    _, _, rows = exported
    changes: defaultdict[str, list[StageChange]] = defaultdict(list)
    for ch in _all(portfolio, "stage_changes"):
        assert isinstance(ch, StageChange)
        changes[ch.deal_id].append(ch)
    history: defaultdict[str, list[dict[str, str]]] = defaultdict(list)
    for h in rows["OpportunityHistory.csv"]:
        history[h["OpportunityId"]].append(h)
    deals = {d.id: d for d in _all(portfolio, "deals") if isinstance(d, Deal)}
    for opp in rows["Opportunity.csv"]:
        deal = deals[DealId(opp["Id"])]
        mine, theirs = history[opp["Id"]], sorted(changes[deal.id], key=lambda c: c.at)
        assert [h["StageName"] for h in mine] == [STAGE_LABELS[c.to_stage] for c in theirs]
        assert [h["CreatedDate"] for h in mine] == [sf_time(c.at) for c in theirs]
        assert mine[-1]["StageName"] == opp["StageName"] == STAGE_LABELS[deal.stage]
        assert opp["CreatedDate"] == mine[0]["CreatedDate"]
        assert opp["LastModifiedDate"] == mine[-1]["CreatedDate"]
        assert (opp["IsClosed"], opp["IsWon"]) == (
            str(deal.stage.is_closed).lower(),
            str(deal.stage is Stage.CLOSED_WON).lower(),
        )
        assert Decimal(opp["Amount"]) == deal.amount
        assert opp["CloseDate"] == (deal.expected_close.isoformat() if deal.expected_close else "")
        # the first row carries the first estimate; the last, once closed, the actual date
        assert all(h["CloseDate"] for h in mine)
        if deal.stage.is_closed:
            assert mine[-1]["CloseDate"] == opp["CloseDate"]
        assert opp["Loss_Reason__c"] == (deal.loss_reason or "")
    assert any(
        o["StageName"] == "Closed Lost" and o["Loss_Reason__c"] for o in rows["Opportunity.csv"]
    )


def test_every_reference_names_a_written_row(exported: tuple[Path, ExportSummary, Rows]) -> None:
    _, _, rows = exported

    def ids(name: str) -> set[str]:
        return {r["Id"] for r in rows[name]}

    users, accounts, contacts = ids("User.csv"), ids("Account.csv"), ids("Contact.csv")
    opportunities, events = ids("Opportunity.csv"), ids("Event.csv")
    for a in rows["Account.csv"]:
        assert a["OwnerId"] in users
        assert a["ParentId"] in accounts | {""}
    assert any(a["ParentId"] for a in rows["Account.csv"])
    for c in rows["Contact.csv"]:
        assert c["AccountId"] in accounts
        assert c["ReportsToId"] in contacts | {""}
    for o in rows["Opportunity.csv"]:
        assert o["AccountId"] in accounts
        assert o["OwnerId"] in users
    for name in (
        "OpportunityContactRole.csv",
        "OpportunityHistory.csv",
        "OpportunityFieldHistory.csv",
    ):
        assert {r["OpportunityId"] for r in rows[name]} <= opportunities
    assert {r["ContactId"] for r in rows["OpportunityContactRole.csv"]} <= contacts
    for name in ("Task.csv", "Event.csv"):
        for t in rows[name]:
            assert t["WhoId"] in contacts
            assert t["AccountId"] in accounts
            assert t["WhatId"] in opportunities | {""}
            assert t["OwnerId"] in users
    for r in rows["EventRelation.csv"]:
        assert r["EventId"] in events
        assert r["RelationId"] in contacts | users
        assert r["IsInvitee"] == "true"


def test_contacts_keep_their_names_and_departures_are_flagged(
    portfolio: list[ChangeSet], exported: tuple[Path, ExportSummary, Rows]
) -> None:
    directory, _, rows = exported
    final = _final_contacts(portfolio)
    first_seen: dict[str, Contact] = {}
    for cs in portfolio:
        for c in cs.contacts:
            first_seen.setdefault(c.id, c)
    raw = (directory / "Contact.csv").read_bytes()
    turkish = 0
    for row in rows["Contact.csv"]:
        c = final[row["Id"]]
        name = f"{row['FirstName']} {row['LastName']}" if row["FirstName"] else row["LastName"]
        assert name.encode("utf-8") == c.name.encode("utf-8")
        if set(c.name) & set("İıŞşĞğÖöÜüÇç"):
            turkish += 1
            assert f"{row['LastName']},{row['FirstName']},".encode() in raw
        created = first_seen[row["Id"]].status_from
        assert created is not None
        assert row["CreatedDate"] == sf_time(created)
        left = c.status is ContactStatus.LEFT_COMPANY
        assert row["Left_Company__c"] == str(left).lower()
        assert row["IsDeleted"] == "false"  # a person who left is not a deleted record
        if left:
            assert c.status_from is not None
            assert row["LastModifiedDate"] == sf_time(c.status_from)
            assert row["ReportsToId"] == ""
        else:
            assert row["LastModifiedDate"] >= row["CreatedDate"]
    assert turkish > 10
    assert any(r["Left_Company__c"] == "true" for r in rows["Contact.csv"])
    assert any(r["ReportsToId"] for r in rows["Contact.csv"])


def test_accounts_read_back_as_their_sector_and_country(
    portfolio: list[ChangeSet], exported: tuple[Path, ExportSummary, Rows]
) -> None:
    _, _, rows = exported
    accounts = {a.id: a for a in _all(portfolio, "accounts") if isinstance(a, Account)}
    for row in rows["Account.csv"]:
        a = accounts[AccountId(row["Id"])]
        assert sector_from_industry(row["Industry"]) == a.sector
        assert row["BillingCountry"] == a.country
        assert row["CreatedDate"]
        mine = [c["CreatedDate"] for c in rows["Contact.csv"] if c["AccountId"] == a.id]
        assert row["CreatedDate"] == min(mine)  # the CEO, there from the start
    for sector in Sector:
        assert sector_from_industry(INDUSTRIES[sector.value]) == sector.value


def test_labels_are_in_the_mapping_or_salesforces_own(
    exported: tuple[Path, ExportSummary, Rows],
) -> None:
    directory, _, rows = exported
    mapping = tomllib.loads((directory / "mapping.toml").read_text(encoding="utf-8"))
    assert mapping["stages"] == {label: stage.value for stage, label in STAGE_LABELS.items()}
    for role, label in ROLE_LABELS.items():
        if label in SALESFORCE_ROLES:
            assert SALESFORCE_ROLES[label] == {role}
        else:
            assert mapping["roles"][label] == [role.value]
    assert set(mapping["roles"]) == {"Champion", "Blocker", "Legal and Compliance"}
    assert set(ROLE_LABELS) == set(Role)
    written = {r["Role"] for r in rows["OpportunityContactRole.csv"]}
    assert "Champion" in written
    assert "Economic Buyer" in written
    assert {o["StageName"] for o in rows["Opportunity.csv"]} <= set(mapping["stages"])


def test_the_same_portfolio_gives_the_same_bytes(
    portfolio: list[ChangeSet], exported: tuple[Path, ExportSummary, Rows], tmp_path: Path
) -> None:
    first, _, _ = exported
    write_salesforce_export(
        generate_portfolio(GeneratorConfig(accounts=7, seed=11, chunk_accounts=2)), tmp_path
    )
    for name in (*SPEC, "mapping.toml"):
        assert (tmp_path / name).read_bytes() == (first / name).read_bytes(), name


# --- hand-made batches ----------------------------------------------------------------

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
A, D = AccountId("A-1"), DealId("D-1")
C = [ContactId(f"C-{i}") for i in range(4)]
R = [RepId("R-1"), RepId("R-2")]
SUMMARY = 'Görüşme, "teklif" konuşuldu;\nikinci satır\r\nüçüncü: İĞÜŞÖÇ ığüşöç'


def _small() -> ChangeSet:
    return ChangeSet(
        reps=tuple(Rep(id=r, name=f"Rep {r}") for r in R),
        accounts=(Account(id=A, name="Anadolu, Tekstil A.Ş.", sector="banking", owner_id=R[0]),),
        contacts=tuple(
            Contact(id=c, account_id=A, name=f"Şule {i} Öztürk", status_from=T0)
            for i, c in enumerate(C)
        ),
        deals=(Deal(id=D, account_id=A, name="Deal", stage=Stage.PROPOSAL, owner_id=R[0]),),
        stage_changes=(
            StageChange(deal_id=D, at=T0, from_stage=None, to_stage=Stage.PROSPECTING),
            StageChange(
                deal_id=D,
                at=T0.replace(day=5),
                from_stage=Stage.PROSPECTING,
                to_stage=Stage.PROPOSAL,
            ),
        ),
        deal_roles=(
            DealRole(
                deal_id=D,
                contact_id=C[0],
                roles=frozenset({Role.CHAMPION, Role.ECONOMIC_BUYER}),
                is_primary=True,
                stance=2,
                valid_from=T0,
            ),
        ),
        touchpoints=(
            Touchpoint(
                id=TouchpointId("T-1"),
                account_id=A,
                kind=TouchpointKind.CALL,
                direction=Direction.INBOUND,
                at=T0,
                contact_ids=(C[0], C[1]),
                rep_ids=(R[0],),
                summary=SUMMARY,
                sentiment=-0.5,
            ),
            Touchpoint(
                id=TouchpointId("T-2"),
                account_id=A,
                kind=TouchpointKind.POC,
                direction=Direction.TWO_WAY,
                at=T0,
                contact_ids=(C[1], C[2], C[3]),
                rep_ids=(R[0], R[1]),
                deal_id=D,
                summary=SUMMARY,
            ),
        ),
    )


def test_multi_line_texts_survive_and_participants_are_related(tmp_path: Path) -> None:
    summary = write_salesforce_export([_small()], tmp_path)
    rows = _read(tmp_path)
    (task,) = rows["Task.csv"]
    assert task["Subject"] == SUMMARY
    assert (task["Type"], task["TaskSubtype"], task["CallType"]) == ("Call", "Call", "Inbound")
    assert (task["Direction__c"], task["Sentiment__c"], task["Status"]) == (
        "Inbound",
        "-0.5",
        "Completed",
    )
    assert (task["ActivityDate"], task["CreatedDate"]) == ("2026-03-01", "2026-03-01T09:30:00.000Z")
    assert (task["WhoId"], task["WhatId"]) == (C[0], "")
    (event,) = rows["Event.csv"]
    assert event["Subject"] == SUMMARY
    assert (event["Type"], event["Direction__c"], event["WhoId"], event["WhatId"]) == (
        "POC", "Two-way", C[1], D,
    )  # fmt: skip
    assert event["StartDateTime"] == event["ActivityDateTime"] == "2026-03-01T09:30:00.000Z"
    assert [r["RelationId"] for r in rows["EventRelation.csv"]] == [C[2], C[3], R[1]]
    assert summary.dropped == {"task_contacts": 1}
    roles = rows["OpportunityContactRole.csv"]
    assert sorted(r["Role"] for r in roles) == ["Champion", "Economic Buyer"]
    assert {(r["ContactId"], r["IsPrimary"], r["Stance__c"]) for r in roles} == {
        (C[0], "true", "2")
    }
    (account,) = rows["Account.csv"]
    assert (account["Name"], account["Industry"]) == ("Anadolu, Tekstil A.Ş.", "banking")
    assert account["CreatedDate"] == "2026-03-01T09:30:00.000Z"
    history = rows["OpportunityHistory.csv"]
    assert [h["StageName"] for h in history] == ["Prospecting", "Proposal"]
    assert {h["CloseDate"] for h in history} == {""}  # no expected close, no slips


def test_a_deals_history_outside_its_batch_is_an_error(tmp_path: Path) -> None:
    cs = _small()
    later = ChangeSet(
        stage_changes=(
            StageChange(
                deal_id=D, at=T0.replace(day=9), from_stage=Stage.PROPOSAL, to_stage=Stage.CLOSING
            ),
        )
    )
    with pytest.raises(InvalidError, match="deal_id: the deal is not in this batch"):
        write_salesforce_export([cs, later], tmp_path)


def test_close_date_in_force_at_each_stage_change(tmp_path: Path) -> None:
    cs = _small().model_copy(
        update={
            "deals": (
                Deal(
                    id=D,
                    account_id=A,
                    name="Deal",
                    stage=Stage.PROPOSAL,
                    expected_close=date(2026, 6, 1),
                ),
            ),
            "close_date_changes": (
                CloseDateChange(
                    deal_id=D,
                    at=T0.replace(day=3),
                    from_date=date(2026, 4, 1),
                    to_date=date(2026, 6, 1),
                ),
            ),
        }
    )
    write_salesforce_export([cs], tmp_path)
    rows = _read(tmp_path)
    assert [h["CloseDate"] for h in rows["OpportunityHistory.csv"]] == ["2026-04-01", "2026-06-01"]
    (slip,) = rows["OpportunityFieldHistory.csv"]
    assert (slip["Field"], slip["OldValue"], slip["NewValue"]) == (
        "CloseDate",
        "2026-04-01",
        "2026-06-01",
    )


def test_split_name_gives_the_name_back() -> None:
    for name in (
        "Ayşe Nur Yılmaz",
        "Jan de Vries",
        "Cher",
        "Ömer  Çelik",
        "de la Cruz",
        "İpek Işık",
    ):
        first, last = split_name(name)
        assert last
        assert (f"{first} {last}" if first else last) == name


# --- the CLI -------------------------------------------------------------------------------


def test_cli_generate_export_salesforce_writes_files_not_the_store(tmp_path: Path) -> None:
    store = tmp_path / "never.sqlite3"
    out = tmp_path / "sf"
    result = CliRunner().invoke(
        main,
        ["--store", f"sqlite://{store}", "generate", "--accounts", "3", "--seed", "5",
         "--export", "salesforce", str(out)],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Exported 3 generated accounts" in result.output
    assert "11 files" in result.output
    assert not store.exists()
    assert len(_read(out)["Account.csv"]) == 3
    assert (out / "mapping.toml").is_file()
    bad = CliRunner().invoke(main, ["generate", "--export", "hubspot", str(out)])
    assert bad.exit_code == 2
    assert Counter(p.name for p in out.iterdir()) == Counter([*SPEC, "mapping.toml"])
