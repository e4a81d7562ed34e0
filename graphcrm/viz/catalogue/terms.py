"""The names of the domain's terms: sectors, seniorities, roles, stages, risk
signals, win-probability feature groups, touchpoint kinds."""

from __future__ import annotations

from typing import Final

from graphcrm.analytics import SignalCode
from graphcrm.domain import Role, Seniority, Stage, TouchpointKind

SECTOR: Final[dict[str, tuple[str, str]]] = {
    "manufacturing": ("Manufacturing", "İmalat"),
    "textile_retail": ("Textile and retail", "Tekstil ve perakende"),
    "construction": ("Construction", "İnşaat"),
    "saas": ("Software (SaaS)", "Yazılım (SaaS)"),
    "other": ("Other", "Diğer"),
}
"""The sectors of ``Account.sector`` the product knows (another shows as written)."""

SENIORITY: Final[dict[Seniority, tuple[str, str]]] = {
    Seniority.C_LEVEL: ("C-level", "Üst yönetim (C düzeyi)"),
    Seniority.VP: ("Vice president", "Genel müdür yardımcısı"),
    Seniority.DIRECTOR: ("Director", "Direktör"),
    Seniority.MANAGER: ("Manager", "Müdür"),
    Seniority.INDIVIDUAL_CONTRIBUTOR: ("Individual contributor", "Uzman"),
}

ROLE: Final[dict[Role, tuple[str, str]]] = {
    Role.ECONOMIC_BUYER: ("Economic Buyer", "Bütçe Sahibi"),
    Role.DECISION_MAKER: ("Decision Maker", "Karar Verici"),
    Role.EXECUTIVE_SPONSOR: ("Executive Sponsor", "Üst Düzey Sponsor"),
    Role.CHAMPION: ("Champion", "Savunucu"),
    Role.INFLUENCER: ("Influencer", "Etkileyici"),
    Role.TECHNICAL_BUYER: ("Technical Buyer", "Teknik Alıcı"),
    Role.EVALUATOR: ("Evaluator", "Değerlendirici"),
    Role.BUSINESS_USER: ("Business User", "İş Kullanıcısı"),
    Role.LEGAL_AND_COMPLIANCE: ("Legal & Compliance", "Hukuk ve Uyum"),
    Role.BLOCKER: ("Blocker", "Engelleyici"),
    Role.OTHER: ("Other", "Diğer"),
}

STAGE: Final[dict[Stage, tuple[str, str]]] = {
    Stage.PROSPECTING: ("Prospecting", "Aday belirleme"),
    Stage.NEEDS_ANALYSIS: ("Needs analysis", "İhtiyaç analizi"),
    Stage.PROPOSAL: ("Proposal", "Teklif"),
    Stage.PRESENTATION: ("Presentation", "Sunum"),
    Stage.NEGOTIATION: ("Negotiation", "Pazarlık"),
    Stage.DECISION: ("Decision", "Karar"),
    Stage.CLOSING: ("Closing", "Kapanış"),
    Stage.CLOSED_WON: ("Won", "Kazanıldı"),
    Stage.CLOSED_LOST: ("Lost", "Kaybedildi"),
}

SIGNAL: Final[dict[SignalCode, tuple[str, str]]] = {
    SignalCode.NO_CHAMPION: ("No champion", "Savunucu yok"),
    SignalCode.CHAMPION_LEFT: ("Champion left", "Savunucu ayrıldı"),
    SignalCode.WEAK_CHAMPION: ("Weak champion", "Zayıf savunucu"),
    SignalCode.ECONOMIC_BUYER_UNKNOWN: ("Economic buyer unknown", "Bütçe sahibi bilinmiyor"),
    SignalCode.ECONOMIC_BUYER_NOT_ENGAGED: (
        "Economic buyer not engaged",
        "Bütçe sahibiyle etkileşim yok",
    ),
    SignalCode.ECONOMIC_BUYER_HOSTILE: (
        "Economic buyer opposes the deal",
        "Bütçe sahibi anlaşmaya karşı",
    ),
    SignalCode.CHAMPION_NO_PATH_TO_ECONOMIC_BUYER: (
        "Champion has no path to the economic buyer",
        "Savunucunun bütçe sahibine yolu yok",
    ),
    SignalCode.SINGLE_THREADED: ("Single-threaded", "Tek bağlantılı"),
    SignalCode.OPPONENT: ("Opponent", "Karşı çıkan var"),
    SignalCode.DECISION_MAKERS_UNCOVERED: (
        "Decision makers not covered",
        "Karar vericilere ulaşılmamış",
    ),
    SignalCode.STALE_ENGAGEMENT: ("Stale engagement", "Etkileşim bayatladı"),
    SignalCode.STAKEHOLDER_CHURN: ("Stakeholder churn", "Paydaş değişimi"),
    SignalCode.STAGE_REGRESSION: ("Stage went backwards", "Aşama geriledi"),
    SignalCode.CLOSE_DATE_SLIPPED: ("Close date slipped", "Kapanış tarihi kaydı"),
    SignalCode.GRIDLOCK: ("Gridlock", "Tıkanıklık"),
}


GROUP: Final[dict[str, tuple[str, str]]] = {
    "champion": ("Champion", "Savunucu"),
    "economic_buyer": ("Economic buyer", "Bütçe sahibi"),
    "threading": ("Multi-threading", "Çoklu temas"),
    "opposition": ("Opposition", "Karşı çıkanlar"),
    "silence": ("Silence", "Sessizlik"),
    "pace": ("Pace", "Tempo"),
    "history": ("Stage and close-date history", "Aşama ve kapanış tarihi geçmişi"),
    "churn": ("Stakeholder churn", "Paydaş değişimi"),
}
"""The win-probability feature groups (``graphcrm.analytics.winprob.GRAPH_FEATURES``)."""

TOUCH: Final[dict[TouchpointKind, tuple[str, str]]] = {
    TouchpointKind.EMAIL: ("Email", "E-posta"),
    TouchpointKind.CALL: ("Call", "Arama"),
    TouchpointKind.MEETING: ("Meeting", "Toplantı"),
    TouchpointKind.LINKEDIN: ("LinkedIn", "LinkedIn"),
    TouchpointKind.DEMO: ("Demo", "Demo"),
    TouchpointKind.POC: ("Proof of concept", "Kavram kanıtlama (PoC)"),
    TouchpointKind.OTHER: ("Other", "Diğer"),
}
