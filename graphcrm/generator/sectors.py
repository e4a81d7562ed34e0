"""Sector profiles: how each of our markets organises itself and buys.

Each profile fixes the departments an account has (with Turkish and English
names and titles), its C-suite, the template of a buying committee, the sales
cycle length, touchpoint cadence, staff turnover, deal sizes, competitors and
the words of deal names, loss reasons and touchpoint summaries.

==================  =================================================  =============
sector              who decides                                        cycle (days)
==================  =================================================  =============
manufacturing       production, purchasing, quality, finance           45-90
textile_retail      merchandising, buying, category managers           90-120
construction        project manager, architect, engineer, investor,    180-365
                    tender committee
saas                CTO / IT director, CFO, business owner, security   90-180
==================  =================================================  =============

>>> PROFILES[Sector.MANUFACTURING].cycle_days
(45, 90)
>>> PROFILES[Sector.TEXTILE_RETAIL].department("category").manager_tr
'Kategori Müdürü'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from graphcrm.domain import Role, TouchpointKind


class Sector(StrEnum):
    """The sectors of our market; ``Account.sector`` carries the value."""

    MANUFACTURING = "manufacturing"
    TEXTILE_RETAIL = "textile_retail"
    CONSTRUCTION = "construction"
    SAAS = "saas"


@dataclass(frozen=True, slots=True)
class Department:
    """A department, its names and the titles of its people.

    ``unit_*`` is the stem of titles ("Kalite" -> "Kalite Müdürü", "Quality
    Manager"); ``manager_*`` overrides the manager title where the trade has its
    own ("Kategori Müdürü", "Project Manager").
    """

    key: str
    tr: str
    en: str
    weight: float
    ic_tr: tuple[str, ...]
    ic_en: tuple[str, ...]
    unit_tr: str = ""
    unit_en: str = ""
    manager_tr: str = ""
    manager_en: str = ""

    def __post_init__(self) -> None:
        if not self.unit_tr:
            object.__setattr__(self, "unit_tr", self.tr)
        if not self.unit_en:
            object.__setattr__(self, "unit_en", self.en)
        if not self.manager_tr:
            object.__setattr__(self, "manager_tr", f"{self.unit_tr} Müdürü")
        if not self.manager_en:
            object.__setattr__(self, "manager_en", f"{self.unit_en} Manager")

    def title(self, level: int, tr: bool, pick: int) -> str:
        """The title of someone at seniority ``level`` (2 = VP .. 5 = IC) here."""
        if level == 2:
            return f"Genel Müdür Yardımcısı ({self.unit_tr})" if tr else f"VP {self.unit_en}"
        if level == 3:
            return f"{self.unit_tr} Direktörü" if tr else f"{self.unit_en} Director"
        if level == 4:
            return self.manager_tr if tr else self.manager_en
        titles = self.ic_tr if tr else self.ic_en
        return titles[pick % len(titles)]


@dataclass(frozen=True, slots=True)
class Executive:
    """A C-level role that heads department ``dept``."""

    dept: str
    tr: str
    en: str


@dataclass(frozen=True, slots=True)
class Slot:
    """One seat of the buying-committee template.

    ``levels`` is the range of seniority levels (1 = C-level .. 5 = individual
    contributor) looked for in ``depts``; ``most_senior`` picks the most senior
    candidate instead of a random one.
    """

    roles: frozenset[Role]
    depts: tuple[str, ...]
    levels: tuple[int, int]
    most_senior: bool = False


@dataclass(frozen=True, slots=True)
class SectorProfile:
    """Everything the generator knows about one sector."""

    sector: Sector
    departments: tuple[Department, ...]
    core: int
    c_suite: tuple[Executive, ...]
    committee: tuple[Slot, ...]
    extra_roles: tuple[Role, ...]
    extra_depts: tuple[str, ...]
    cycle_days: tuple[int, int]
    touch_gap_days: float
    departure_rate: float
    rotation_depts: frozenset[str]
    champion_loss_rate: float
    role_change_rate: float
    blocker_rate: float
    blocker_depts: tuple[str, ...]
    amount_tiers_try: tuple[tuple[float, float], ...]
    deal_titles_tr: tuple[str, ...]
    deal_titles_en: tuple[str, ...]
    competitors: tuple[str, ...]
    loss_reasons_tr: tuple[str, ...]
    loss_reasons_en: tuple[str, ...]
    summaries_tr: tuple[str, ...]
    summaries_en: tuple[str, ...]
    kind_weights: tuple[tuple[TouchpointKind, float], ...]
    words_tr: tuple[str, ...]
    words_de: tuple[str, ...]
    words_en: tuple[str, ...]
    _by_key: dict[str, Department] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_key.update({d.key: d for d in self.departments})

    def department(self, key: str) -> Department:
        return self._by_key[key]

    def has_department(self, key: str) -> bool:
        return key in self._by_key


# --- shared departments ---------------------------------------------------------


def _finance(weight: float) -> Department:
    return Department(
        "finance",
        "Finans",
        "Finance",
        weight,
        ("Finans Uzmanı", "Muhasebe Uzmanı", "Bütçe ve Raporlama Uzmanı"),
        ("Financial Analyst", "Accountant", "Controller"),
    )


def _hr(weight: float) -> Department:
    return Department(
        "hr",
        "İnsan Kaynakları",
        "Human Resources",
        weight,
        ("İK Uzmanı", "Bordro Uzmanı", "İşe Alım Uzmanı"),
        ("HR Specialist", "Payroll Specialist", "Recruiter"),
        unit_en="HR",
    )


def _it(weight: float) -> Department:
    return Department(
        "it",
        "Bilgi Teknolojileri",
        "IT",
        weight,
        ("Sistem Yöneticisi", "ERP Uzmanı", "BT Uzmanı"),
        ("System Administrator", "ERP Specialist", "IT Specialist"),
    )


def _logistics(weight: float) -> Department:
    return Department(
        "logistics",
        "Lojistik",
        "Logistics",
        weight,
        ("Lojistik Uzmanı", "Depo Sorumlusu", "Sevkiyat Planlama Uzmanı"),
        ("Logistics Specialist", "Warehouse Lead", "Shipping Planner"),
    )


def _sales(weight: float) -> Department:
    return Department(
        "sales",
        "Satış",
        "Sales",
        weight,
        ("Satış Temsilcisi", "İhracat Uzmanı", "Kilit Müşteri Yöneticisi"),
        ("Account Executive", "Export Specialist", "Key Account Executive"),
    )


def _marketing(weight: float) -> Department:
    return Department(
        "marketing",
        "Pazarlama",
        "Marketing",
        weight,
        ("Marka Uzmanı", "Pazarlama Uzmanı", "Dijital Pazarlama Uzmanı"),
        ("Brand Specialist", "Marketing Specialist", "Digital Marketing Specialist"),
    )


def _legal(weight: float) -> Department:
    return Department(
        "legal",
        "Hukuk",
        "Legal",
        weight,
        ("Avukat", "Hukuk Müşaviri", "Uyum Uzmanı"),
        ("Lawyer", "Legal Counsel", "Compliance Specialist"),
    )


def _purchasing(weight: float, *, en: str = "Purchasing") -> Department:
    return Department(
        "purchasing",
        "Satın Alma",
        en,
        weight,
        ("Satın Alma Uzmanı", "Satın Alma Sorumlusu", "Tedarikçi Geliştirme Uzmanı"),
        ("Buyer", "Purchasing Specialist", "Supplier Development Specialist"),
    )


_CFO = Executive("finance", "Mali İşler Direktörü (CFO)", "Chief Financial Officer")
_CHRO = Executive("hr", "İnsan Kaynakları Direktörü", "Chief People Officer")

R = Role
E, C, M, L, D, P = (
    TouchpointKind.EMAIL,
    TouchpointKind.CALL,
    TouchpointKind.MEETING,
    TouchpointKind.LINKEDIN,
    TouchpointKind.DEMO,
    TouchpointKind.POC,
)


def _slot(
    roles: tuple[Role, ...], depts: tuple[str, ...], lo: int, hi: int, *, top: bool = False
) -> Slot:
    return Slot(frozenset(roles), depts, (lo, hi), top)


MANUFACTURING: Final = SectorProfile(
    sector=Sector.MANUFACTURING,
    departments=(
        Department(
            "production",
            "Üretim",
            "Production",
            0.30,
            ("Üretim Mühendisi", "Vardiya Şefi", "Üretim Planlama Uzmanı", "Proses Mühendisi"),
            ("Production Engineer", "Shift Supervisor", "Production Planner", "Process Engineer"),
        ),
        _purchasing(0.08),
        Department(
            "quality",
            "Kalite",
            "Quality",
            0.10,
            ("Kalite Mühendisi", "Kalite Kontrol Uzmanı", "Tedarikçi Kalite Mühendisi"),
            ("Quality Engineer", "Quality Control Specialist", "Supplier Quality Engineer"),
        ),
        _finance(0.06),
        Department(
            "rnd",
            "Ar-Ge",
            "R&D",
            0.08,
            ("Ar-Ge Mühendisi", "Tasarım Mühendisi", "Test Mühendisi"),
            ("R&D Engineer", "Design Engineer", "Test Engineer"),
        ),
        Department(
            "planning",
            "Planlama",
            "Planning",
            0.05,
            ("Planlama Uzmanı", "Malzeme Planlama Uzmanı"),
            ("Planner", "Materials Planner"),
        ),
        Department(
            "maintenance",
            "Bakım",
            "Maintenance",
            0.08,
            ("Bakım Mühendisi", "Bakım Teknisyeni"),
            ("Maintenance Engineer", "Maintenance Technician"),
        ),
        _logistics(0.06),
        _sales(0.08),
        _hr(0.04),
        _it(0.04),
    ),
    core=4,
    c_suite=(
        _CFO,
        Executive("production", "Fabrika Direktörü (COO)", "Chief Operating Officer"),
        Executive("it", "Bilgi Teknolojileri Direktörü (CIO)", "Chief Information Officer"),
        _CHRO,
    ),
    committee=(
        _slot((R.DECISION_MAKER,), ("production",), 1, 3, top=True),
        _slot((R.ECONOMIC_BUYER,), ("finance",), 1, 3, top=True),
        _slot((R.TECHNICAL_BUYER,), ("quality",), 3, 4),
        _slot((R.EVALUATOR,), ("purchasing",), 3, 5),
        _slot((R.BUSINESS_USER,), ("production", "planning"), 4, 5),
        _slot((R.INFLUENCER,), ("rnd", "planning", "maintenance"), 3, 5),
        _slot((R.EVALUATOR,), ("purchasing", "quality"), 4, 5),
        _slot((R.LEGAL_AND_COMPLIANCE,), ("finance",), 3, 5),
    ),
    extra_roles=(R.BUSINESS_USER, R.EVALUATOR, R.INFLUENCER, R.OTHER),
    extra_depts=("production", "purchasing", "quality", "maintenance"),
    cycle_days=(45, 90),
    touch_gap_days=5.0,
    departure_rate=0.08,
    rotation_depts=frozenset(),
    champion_loss_rate=0.10,
    role_change_rate=0.07,
    blocker_rate=0.30,
    blocker_depts=("purchasing", "quality", "finance"),
    amount_tiers_try=((500_000, 2_000_000), (2_000_000, 8_000_000), (8_000_000, 30_000_000)),
    deal_titles_tr=(
        "Yıllık tedarik anlaşması – Kademe {tier}",
        "Pilot üretim ve numune onayı – Kademe {tier}",
        "Hat modernizasyonu {year} – Kademe {tier}",
    ),
    deal_titles_en=(
        "Annual supply agreement – Tier {tier}",
        "Pilot run and sample approval – Tier {tier}",
        "Line modernisation {year} – Tier {tier}",
    ),
    competitors=(
        "Körfez Makina",
        "Demirsan Endüstri",
        "Hansa Industrietechnik",
        "Nordic Precision",
        "Anka Metal",
    ),
    loss_reasons_tr=(
        "Fiyat rakipten yüksek",
        "Numune onayı alınamadı",
        "Teslim süresi uzun bulundu",
    ),
    loss_reasons_en=("Price above competitor", "Sample not approved", "Lead time too long"),
    summaries_tr=(
        "Numune onayı için üretim hattı ziyareti",
        "Teknik şartname revizyonu görüşüldü",
        "Yıllık hacim tahmini ve kademeli fiyatlandırma konuşuldu",
        "Tedarikçi portalı kaydı tamamlandı",
    ),
    summaries_en=(
        "Plant visit for sample approval",
        "Reviewed the technical specification revision",
        "Discussed annual volume forecast and tiered pricing",
        "Completed vendor portal registration",
    ),
    kind_weights=((E, 0.34), (C, 0.26), (M, 0.26), (L, 0.06), (D, 0.05), (P, 0.03)),
    words_tr=(
        "Makina",
        "Metal",
        "Plastik",
        "Kimya",
        "Döküm",
        "Otomotiv",
        "Elektrik",
        "Ambalaj",
        "Hidrolik",
    ),
    words_de=("Maschinenbau", "Metallwerk", "Präzisionstechnik", "Kunststofftechnik"),
    words_en=("Manufacturing", "Precision", "Industries", "Engineering", "Components"),
)

TEXTILE_RETAIL: Final = SectorProfile(
    sector=Sector.TEXTILE_RETAIL,
    departments=(
        Department(
            "merchandising",
            "Merchandising",
            "Merchandising",
            0.12,
            ("Merchandiser", "Kıdemli Merchandiser", "Ürün Planlama Uzmanı"),
            ("Merchandiser", "Senior Merchandiser", "Assortment Planner"),
        ),
        Department(
            "purchasing",
            "Satın Alma",
            "Buying",
            0.12,
            ("Alıcı", "Kıdemli Alıcı", "Tedarik Uzmanı"),
            ("Buyer", "Senior Buyer", "Sourcing Specialist"),
        ),
        Department(
            "category",
            "Kategori Yönetimi",
            "Category Management",
            0.08,
            ("Kategori Uzmanı", "Kategori Analisti"),
            ("Category Specialist", "Category Analyst"),
            unit_tr="Kategori",
            unit_en="Category",
        ),
        _finance(0.05),
        Department(
            "design",
            "Tasarım",
            "Design",
            0.08,
            ("Tasarımcı", "Kalıp Uzmanı", "Kumaş Uzmanı"),
            ("Designer", "Pattern Maker", "Fabric Specialist"),
        ),
        Department(
            "stores",
            "Mağaza Operasyonları",
            "Store Operations",
            0.25,
            ("Bölge Satış Sorumlusu", "Görsel Düzenleme Uzmanı", "Mağaza Sorumlusu"),
            ("Area Sales Lead", "Visual Merchandiser", "Store Lead"),
        ),
        Department(
            "ecommerce",
            "E-ticaret",
            "E-commerce",
            0.08,
            ("E-ticaret Uzmanı", "Pazaryeri Uzmanı"),
            ("E-commerce Specialist", "Marketplace Specialist"),
        ),
        _logistics(0.10),
        _marketing(0.06),
        _hr(0.03),
        _it(0.03),
    ),
    core=4,
    c_suite=(
        _CFO,
        Executive("merchandising", "Ticaret Direktörü (CCO)", "Chief Commercial Officer"),
        Executive("stores", "Perakende Direktörü", "Chief Retail Officer"),
        _CHRO,
    ),
    committee=(
        _slot((R.DECISION_MAKER,), ("merchandising",), 1, 3, top=True),
        _slot((R.ECONOMIC_BUYER,), ("finance", "purchasing"), 1, 3, top=True),
        _slot((R.EVALUATOR,), ("category",), 3, 4),
        _slot((R.BUSINESS_USER,), ("purchasing",), 4, 5),
        _slot((R.INFLUENCER,), ("design",), 3, 5),
        _slot((R.EVALUATOR,), ("category", "merchandising"), 3, 5),
        _slot((R.BUSINESS_USER,), ("stores", "ecommerce"), 3, 5),
    ),
    extra_roles=(R.BUSINESS_USER, R.EVALUATOR, R.INFLUENCER, R.OTHER),
    extra_depts=("purchasing", "merchandising", "category", "design"),
    cycle_days=(90, 120),
    touch_gap_days=7.0,
    departure_rate=0.20,
    rotation_depts=frozenset({"purchasing", "merchandising", "category"}),
    champion_loss_rate=0.22,
    role_change_rate=0.12,
    blocker_rate=0.30,
    blocker_depts=("purchasing", "design", "finance"),
    amount_tiers_try=((300_000, 1_500_000), (1_500_000, 6_000_000), (6_000_000, 20_000_000)),
    deal_titles_tr=(
        "{season} koleksiyonu – kumaş tedariki",
        "{season} sezonu – özel etiket üretimi",
        "{season} – yeniden sipariş programı",
    ),
    deal_titles_en=(
        "{season} collection – fabric supply",
        "{season} – private-label production",
        "{season} – re-order programme",
    ),
    competitors=("Modaline Tekstil", "Bursa İplik", "Texpro Sourcing", "Lumen Apparel Tech"),
    loss_reasons_tr=(
        "Sezon takvimine yetişilemedi",
        "Koleksiyon revizyonunda elendi",
        "Fiyat rakipten yüksek",
    ),
    loss_reasons_en=(
        "Missed the season calendar",
        "Dropped in the collection review",
        "Price above competitor",
    ),
    summaries_tr=(
        "Koleksiyon inceleme toplantısı",
        "Numune onayı ve yeniden sipariş akışı konuşuldu",
        "Sezon takvimi netleştirildi",
        "Yeni alıcıyla tanışma toplantısı",
    ),
    summaries_en=(
        "Collection review meeting",
        "Discussed sample approval and the re-order workflow",
        "Agreed the season calendar",
        "Intro meeting with the new buyer",
    ),
    kind_weights=((E, 0.36), (C, 0.24), (M, 0.28), (L, 0.08), (D, 0.03), (P, 0.01)),
    words_tr=("Tekstil", "Konfeksiyon", "Moda", "Giyim", "Örme", "Denim", "Mağazacılık"),
    words_de=("Textil", "Moden", "Bekleidung"),
    words_en=("Apparel", "Textiles", "Fashion", "Retail"),
)

CONSTRUCTION: Final = SectorProfile(
    sector=Sector.CONSTRUCTION,
    departments=(
        Department(
            "project",
            "Proje Yönetimi",
            "Project Management",
            0.20,
            ("Proje Mühendisi", "Planlama Mühendisi", "Proje Koordinatörü"),
            ("Project Engineer", "Planning Engineer", "Project Coordinator"),
            unit_tr="Proje",
            unit_en="Project",
        ),
        Department(
            "architecture",
            "Mimari Tasarım",
            "Architecture",
            0.08,
            ("Mimar", "Kıdemli Mimar", "İç Mimar"),
            ("Architect", "Senior Architect", "Interior Architect"),
        ),
        Department(
            "engineering",
            "Mühendislik",
            "Engineering",
            0.14,
            ("İnşaat Mühendisi", "Makine Mühendisi", "Elektrik Mühendisi", "Statik Mühendisi"),
            ("Civil Engineer", "Mechanical Engineer", "Electrical Engineer", "Structural Engineer"),
        ),
        Department(
            "investment",
            "Yatırım",
            "Investment",
            0.04,
            ("Yatırım Uzmanı", "Finansal Analist"),
            ("Investment Analyst", "Financial Analyst"),
        ),
        Department(
            "tender",
            "İhale ve Sözleşmeler",
            "Tenders & Contracts",
            0.05,
            ("İhale Uzmanı", "Sözleşme Uzmanı", "Metraj Uzmanı"),
            ("Tender Specialist", "Contracts Specialist", "Quantity Surveyor"),
            unit_tr="İhale",
            unit_en="Tender",
        ),
        _finance(0.05),
        Department(
            "site",
            "Şantiye",
            "Site Operations",
            0.30,
            ("Şantiye Mühendisi", "Saha Sorumlusu", "Formen"),
            ("Site Engineer", "Site Lead", "Foreman"),
            unit_en="Site",
        ),
        _purchasing(0.05, en="Procurement"),
        _legal(0.02),
        Department(
            "hse",
            "İş Sağlığı ve Güvenliği",
            "Health, Safety & Environment",
            0.03,
            ("İSG Uzmanı", "Çevre Mühendisi"),
            ("HSE Specialist", "Environmental Engineer"),
            unit_en="HSE",
        ),
    ),
    core=6,
    c_suite=(
        _CFO,
        Executive("investment", "Yatırım Direktörü", "Chief Investment Officer"),
        Executive("engineering", "Teknik Direktör", "Chief Technical Officer"),
        Executive("legal", "Hukuk Direktörü", "General Counsel"),
    ),
    committee=(
        _slot((R.DECISION_MAKER,), ("project",), 2, 4, top=True),
        _slot((R.ECONOMIC_BUYER,), ("investment",), 1, 3, top=True),
        _slot((R.TECHNICAL_BUYER,), ("architecture",), 3, 5),
        _slot((R.EVALUATOR,), ("engineering",), 3, 5),
        _slot((R.DECISION_MAKER,), ("tender",), 2, 4),
        _slot((R.LEGAL_AND_COMPLIANCE,), ("tender", "legal"), 3, 5),
        _slot((R.EVALUATOR,), ("engineering",), 4, 5),
        _slot((R.BUSINESS_USER,), ("site",), 3, 5),
    ),
    extra_roles=(R.EVALUATOR, R.INFLUENCER, R.BUSINESS_USER, R.OTHER),
    extra_depts=("engineering", "project", "site", "tender"),
    cycle_days=(180, 365),
    touch_gap_days=11.0,
    departure_rate=0.10,
    rotation_depts=frozenset(),
    champion_loss_rate=0.12,
    role_change_rate=0.07,
    blocker_rate=0.30,
    blocker_depts=("tender", "engineering", "finance"),
    amount_tiers_try=((3_000_000, 12_000_000), (12_000_000, 40_000_000), (40_000_000, 150_000_000)),
    deal_titles_tr=(
        "{project} – cephe sistemleri",
        "{project} – mekanik tesisat",
        "{project} – asansör sistemleri",
        "{project} – yapı otomasyonu",
    ),
    deal_titles_en=(
        "{project} – facade systems",
        "{project} – MEP works",
        "{project} – elevator systems",
        "{project} – building automation",
    ),
    competitors=("Yapıtek Cephe", "Kuzey Yapı Sistemleri", "Bauwerk Systeme", "Atlas Facade Group"),
    loss_reasons_tr=("İhale kaybedildi", "Proje ertelendi", "Teknik şartnameye uyum sağlanamadı"),
    loss_reasons_en=(
        "Lost the tender",
        "Project postponed",
        "Did not meet the technical specification",
    ),
    summaries_tr=(
        "Şantiye ziyareti ve ön proje değerlendirmesi",
        "İhale dokümanları incelendi",
        "Mimarla teknik dosya revizyonu",
        "Yatırımcı sunumu",
    ),
    summaries_en=(
        "Site visit and preliminary design review",
        "Reviewed the tender documents",
        "Technical file revision with the architect",
        "Investor presentation",
    ),
    kind_weights=((E, 0.32), (C, 0.24), (M, 0.34), (L, 0.06), (D, 0.03), (P, 0.01)),
    words_tr=("İnşaat", "Yapı", "Taahhüt", "Gayrimenkul", "Altyapı"),
    words_de=("Bau", "Bauunternehmung", "Hochbau"),
    words_en=("Construction", "Builders", "Infrastructure"),
)

SAAS: Final = SectorProfile(
    sector=Sector.SAAS,
    departments=(
        _it(0.12),
        Department(
            "security",
            "Bilgi Güvenliği",
            "Information Security",
            0.05,
            ("Bilgi Güvenliği Uzmanı", "SOC Analisti", "KVKK Uyum Uzmanı"),
            ("Security Engineer", "SOC Analyst", "Compliance Specialist"),
            unit_en="Security",
        ),
        _finance(0.05),
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
        _sales(0.10),
        _marketing(0.06),
        _legal(0.02),
        _hr(0.04),
    ),
    core=4,
    c_suite=(
        _CFO,
        Executive("it", "Bilgi Teknolojileri Direktörü (CTO)", "Chief Technology Officer"),
        Executive("operations", "Operasyon Direktörü (COO)", "Chief Operating Officer"),
        Executive(
            "security", "Bilgi Güvenliği Direktörü (CISO)", "Chief Information Security Officer"
        ),
    ),
    committee=(
        _slot((R.DECISION_MAKER, R.TECHNICAL_BUYER), ("it",), 1, 3, top=True),
        _slot((R.ECONOMIC_BUYER,), ("finance",), 1, 2, top=True),
        _slot((R.EXECUTIVE_SPONSOR, R.BUSINESS_USER), ("operations",), 1, 3, top=True),
        _slot((R.LEGAL_AND_COMPLIANCE, R.EVALUATOR), ("security",), 2, 4),
        _slot((R.EVALUATOR,), ("it", "engineering"), 4, 5),
        _slot((R.EVALUATOR,), ("security",), 4, 5),
        _slot((R.BUSINESS_USER,), ("operations", "customer"), 4, 5),
        _slot((R.LEGAL_AND_COMPLIANCE,), ("legal",), 3, 4),
    ),
    extra_roles=(R.EVALUATOR, R.BUSINESS_USER, R.INFLUENCER, R.OTHER),
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
    kind_weights=((E, 0.32), (C, 0.22), (M, 0.16), (L, 0.08), (D, 0.14), (P, 0.08)),
    words_tr=("Yazılım", "Bilişim", "Teknoloji", "Dijital", "Veri", "Bulut"),
    words_de=("Software", "Systeme", "Digital"),
    words_en=("Software", "Technologies", "Systems", "Digital", "Cloud"),
)

PROFILES: Final[dict[Sector, SectorProfile]] = {
    p.sector: p for p in (MANUFACTURING, TEXTILE_RETAIL, CONSTRUCTION, SAAS)
}

EXECUTIVE_DEPT_TR: Final = "Genel Müdürlük"
EXECUTIVE_DEPT_EN: Final = "Executive Management"
CEO_TR: Final = "Genel Müdür"
CEO_EN: Final = "Chief Executive Officer"

CONSTRUCTION_PROJECTS_TR: Final = (
    "Ataşehir Konut Projesi",
    "Kartal Ofis Kulesi",
    "İzmir Lojistik Merkezi",
    "Ankara Şehir Hastanesi Ek Binası",
    "Bursa OSB Fabrika Binası",
    "Antalya Otel Kompleksi",
    "Trabzon Karma Yaşam Projesi",
    "Gaziantep Alışveriş Merkezi",
    "Eskişehir Kampüs Projesi",
)
CONSTRUCTION_PROJECTS_EN: Final = (
    "Riverside Residences",
    "Harbour Office Tower",
    "North Logistics Hub",
    "City Hospital Campus",
    "Westgate Retail Park",
    "Lakeside Mixed-Use Scheme",
    "Airport Business Park",
)
