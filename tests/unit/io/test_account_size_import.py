"""Salesforce and HubSpot imports read an account's city, employee count and annual
revenue; a bad figure rejects the row naming the column; a file without the columns
keeps what is stored."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from graphcrm.domain import AccountId
from graphcrm.io.hubspot import import_hubspot
from graphcrm.io.salesforce import import_salesforce
from graphcrm.store.port import GraphStore


def test_salesforce_account_csv(store: GraphStore, tmp_path: Path) -> None:
    (tmp_path / "Account.csv").write_text(
        "Id,Name,BillingCountry,BillingCity,NumberOfEmployees,AnnualRevenue\n"
        "001000000000001AAA,Şişecam,Turkey,İSTANBUL,12000,2500000000.50\n"
        "001000000000002AAA,Küçük,Turkey,,,\n"
        "001000000000003AAA,Kötü,Turkey,Bursa,çok,-5\n",
        encoding="utf-8",
    )
    report = import_salesforce(store, tmp_path, actor="t")
    big = store.get_account(AccountId("001000000000001AAA"))
    assert (big.city, big.employees, big.annual_revenue) == (
        "İSTANBUL",
        12000,
        Decimal("2500000000.50"),
    )
    small = store.get_account(AccountId("001000000000002AAA"))
    assert (small.city, small.employees, small.annual_revenue) == (None, None, None)
    fields = {(p.where, p.field) for p in report.problems}
    assert fields == {
        ("Account.csv line 4", "NumberOfEmployees"),
        ("Account.csv line 4", "AnnualRevenue"),
    }

    # A later file without the columns keeps the stored figures.
    later = tmp_path / "later"
    later.mkdir()
    (later / "Account.csv").write_text(
        "Id,Name\n001000000000001AAA,Şişecam A.Ş.\n", encoding="utf-8"
    )
    assert import_salesforce(store, later, actor="t").ok
    kept = store.get_account(AccountId("001000000000001AAA"))
    assert (kept.name, kept.city, kept.employees) == ("Şişecam A.Ş.", "İSTANBUL", 12000)


def test_hubspot_companies_csv(store: GraphStore, tmp_path: Path) -> None:
    (tmp_path / "companies.csv").write_text(
        "Record ID,Company name,Country/Region,City,Number of Employees,Annual Revenue\n"
        "101,Iğdır Tarım,Turkey,Iğdır,45,1200000\n",
        encoding="utf-8",
    )
    assert import_hubspot(store, tmp_path, actor="t").ok
    a = store.get_account(AccountId("101"))
    assert (a.city, a.employees, a.annual_revenue) == ("Iğdır", 45, Decimal("1200000"))
