"""What the sector profiles share: departments most accounts have, their executives,
and the committee slot shorthand."""

from __future__ import annotations

from graphcrm.domain import Role
from graphcrm.generator.sectors import Department, Executive, Slot


def finance(weight: float) -> Department:
    return Department(
        "finance",
        "Finans",
        "Finance",
        weight,
        ("Finans Uzmanı", "Muhasebe Uzmanı", "Bütçe ve Raporlama Uzmanı"),
        ("Financial Analyst", "Accountant", "Controller"),
    )


def hr(weight: float) -> Department:
    return Department(
        "hr",
        "İnsan Kaynakları",
        "Human Resources",
        weight,
        ("İK Uzmanı", "Bordro Uzmanı", "İşe Alım Uzmanı"),
        ("HR Specialist", "Payroll Specialist", "Recruiter"),
        unit_en="HR",
    )


def it(weight: float) -> Department:
    return Department(
        "it",
        "Bilgi Teknolojileri",
        "IT",
        weight,
        ("Sistem Yöneticisi", "ERP Uzmanı", "BT Uzmanı"),
        ("System Administrator", "ERP Specialist", "IT Specialist"),
    )


def logistics(weight: float) -> Department:
    return Department(
        "logistics",
        "Lojistik",
        "Logistics",
        weight,
        ("Lojistik Uzmanı", "Depo Sorumlusu", "Sevkiyat Planlama Uzmanı"),
        ("Logistics Specialist", "Warehouse Lead", "Shipping Planner"),
    )


def sales(weight: float) -> Department:
    return Department(
        "sales",
        "Satış",
        "Sales",
        weight,
        ("Satış Temsilcisi", "İhracat Uzmanı", "Kilit Müşteri Yöneticisi"),
        ("Account Executive", "Export Specialist", "Key Account Executive"),
    )


def marketing(weight: float) -> Department:
    return Department(
        "marketing",
        "Pazarlama",
        "Marketing",
        weight,
        ("Marka Uzmanı", "Pazarlama Uzmanı", "Dijital Pazarlama Uzmanı"),
        ("Brand Specialist", "Marketing Specialist", "Digital Marketing Specialist"),
    )


def legal(weight: float) -> Department:
    return Department(
        "legal",
        "Hukuk",
        "Legal",
        weight,
        ("Avukat", "Hukuk Müşaviri", "Uyum Uzmanı"),
        ("Lawyer", "Legal Counsel", "Compliance Specialist"),
    )


def purchasing(weight: float, *, en: str = "Purchasing") -> Department:
    return Department(
        "purchasing",
        "Satın Alma",
        en,
        weight,
        ("Satın Alma Uzmanı", "Satın Alma Sorumlusu", "Tedarikçi Geliştirme Uzmanı"),
        ("Buyer", "Purchasing Specialist", "Supplier Development Specialist"),
    )


CFO = Executive("finance", "Mali İşler Direktörü (CFO)", "Chief Financial Officer")
CHRO = Executive("hr", "İnsan Kaynakları Direktörü", "Chief People Officer")


def slot(
    roles: tuple[Role, ...], depts: tuple[str, ...], lo: int, hi: int, *, top: bool = False
) -> Slot:
    return Slot(frozenset(roles), depts, (lo, hi), top)
