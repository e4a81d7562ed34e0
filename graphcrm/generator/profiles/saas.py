"""SaaS: the sector profile (:class:`~graphcrm.generator.sectors.SectorProfile`)."""

from __future__ import annotations

from typing import Final

from graphcrm.domain import Role, TouchpointKind
from graphcrm.generator.profiles.common import (
    CFO,
    finance,
    hr,
    it,
    legal,
    marketing,
    sales,
    slot,
)
from graphcrm.generator.sectors import Department, Executive, Sector, SectorProfile

SAAS: Final = SectorProfile(
    sector=Sector.SAAS,
    departments=(
        it(0.12),
        Department(
            "security",
            "Bilgi Güvenliği",
            "Information Security",
            0.05,
            ("Bilgi Güvenliği Uzmanı", "SOC Analisti", "KVKK Uyum Uzmanı"),
            ("Security Engineer", "SOC Analyst", "Compliance Specialist"),
            unit_en="Security",
        ),
        finance(0.05),
        Department(
            "operations",
            "Operasyon",
            "Operations",
            0.15,
            ("Operasyon Uzmanı", "Süreç Geliştirme Uzmanı", "İş Analisti"),
            ("Operations Specialist", "Process Improvement Specialist", "Business Analyst"),
        ),
        Department(
            "engineering",
            "Yazılım Geliştirme",
            "Software Engineering",
            0.20,
            ("Yazılım Geliştirici", "Kıdemli Yazılım Geliştirici", "DevOps Mühendisi"),
            ("Software Engineer", "Senior Software Engineer", "DevOps Engineer"),
            unit_en="Engineering",
        ),
        Department(
            "product",
            "Ürün Yönetimi",
            "Product",
            0.07,
            ("Ürün Sahibi", "UX Tasarımcısı"),
            ("Product Owner", "UX Designer"),
            unit_tr="Ürün",
        ),
        Department(
            "customer",
            "Müşteri Hizmetleri",
            "Customer Success",
            0.14,
            ("Müşteri Temsilcisi", "Müşteri Başarı Uzmanı"),
            ("Customer Support Specialist", "Customer Success Specialist"),
        ),
        sales(0.10),
        marketing(0.06),
        legal(0.02),
        hr(0.04),
    ),
    core=4,
    c_suite=(
        CFO,
        Executive("it", "Bilgi Teknolojileri Direktörü (CTO)", "Chief Technology Officer"),
        Executive("operations", "Operasyon Direktörü (COO)", "Chief Operating Officer"),
        Executive(
            "security", "Bilgi Güvenliği Direktörü (CISO)", "Chief Information Security Officer"
        ),
    ),
    committee=(
        slot((Role.DECISION_MAKER, Role.TECHNICAL_BUYER), ("it",), 1, 3, top=True),
        slot((Role.ECONOMIC_BUYER,), ("finance",), 1, 2, top=True),
        slot((Role.EXECUTIVE_SPONSOR, Role.BUSINESS_USER), ("operations",), 1, 3, top=True),
        slot((Role.LEGAL_AND_COMPLIANCE, Role.EVALUATOR), ("security",), 2, 4),
        slot((Role.EVALUATOR,), ("it", "engineering"), 4, 5),
        slot((Role.EVALUATOR,), ("security",), 4, 5),
        slot((Role.BUSINESS_USER,), ("operations", "customer"), 4, 5),
        slot((Role.LEGAL_AND_COMPLIANCE,), ("legal",), 3, 4),
    ),
    extra_roles=(Role.EVALUATOR, Role.BUSINESS_USER, Role.INFLUENCER, Role.OTHER),
    extra_depts=("it", "engineering", "operations", "product"),
    cycle_days=(90, 180),
    touch_gap_days=7.0,
    departure_rate=0.12,
    rotation_depts=frozenset(),
    champion_loss_rate=0.12,
    role_change_rate=0.07,
    blocker_rate=0.30,
    blocker_depts=("security", "it", "legal"),
    amount_tiers_try=((150_000, 600_000), (600_000, 2_500_000), (2_500_000, 10_000_000)),
    deal_titles_tr=(
        "Platform lisansı – yıllık sözleşme {year}",
        "Güvenlik modülü genişlemesi {year}",
        "Kurumsal lisans yenileme ve genişleme {year}",
    ),
    deal_titles_en=(
        "Platform subscription – ACV {year}",
        "Security module expansion {year}",
        "Enterprise renewal and expansion {year}",
    ),
    competitors=("CloudPeak", "Datavia", "Securo", "Orbis Suite", "Nimbus Systems"),
    loss_reasons_tr=(
        "Güvenlik değerlendirmesi (KVKK/SOC 2) geçilemedi",
        "Entegrasyon gereksinimleri karşılanamadı",
        "Rakip daha düşük fiyat verdi",
    ),
    loss_reasons_en=(
        "Failed the security review (GDPR/SOC 2)",
        "Integration requirements not met",
        "Competitor undercut on price",
    ),
    summaries_tr=(
        "Güvenlik anketi (KVKK/ISO 27001) yanıtlandı",
        "API entegrasyon gereksinimleri konuşuldu",
        "Deneme sürümü kullanım verileri paylaşıldı",
        "SOC 2 raporu talep edildi",
    ),
    summaries_en=(
        "Answered the security questionnaire (GDPR/ISO 27001)",
        "Discussed API integration requirements",
        "Shared trial usage data",
        "SOC 2 report requested",
    ),
    kind_weights=(
        (TouchpointKind.EMAIL, 0.32),
        (TouchpointKind.CALL, 0.22),
        (TouchpointKind.MEETING, 0.16),
        (TouchpointKind.LINKEDIN, 0.08),
        (TouchpointKind.DEMO, 0.14),
        (TouchpointKind.POC, 0.08),
    ),
    words_tr=("Yazılım", "Bilişim", "Teknoloji", "Dijital", "Veri", "Bulut"),
    words_de=("Software", "Systeme", "Digital"),
    words_en=("Software", "Technologies", "Systems", "Digital", "Cloud"),
)
