"""The small message catalogue of the views and pages: English and Turkish.

Every key exists in both languages (a test checks it). :func:`negotiate`
picks the language from an explicit choice (``?lang=``) or an
``Accept-Language`` header; English is the fallback.

>>> negotiate(None, "tr-TR,tr;q=0.9,en;q=0.8")
'tr'
>>> negotiate("en", "tr")
'en'
>>> Messages("tr")("org_chart")
'Organizasyon şeması'
"""

from __future__ import annotations

from typing import Final, Literal, get_args

from graphcrm.analytics import HealthBand, RiskCode
from graphcrm.domain import Role, Stage

Lang = Literal["en", "tr"]
LANGS: Final[tuple[Lang, ...]] = get_args(Lang)
DEFAULT_LANG: Final[Lang] = "en"

_M: Final[dict[str, tuple[str, str]]] = {
    # views
    "org_chart": ("Org chart", "Organizasyon şeması"),
    "influence_map": ("Influence map", "Etki haritası"),
    "deal_view": ("Buying committee", "Satın alma komitesi"),
    "as_of": ("As of", "Tarih itibarıyla"),
    "title": ("Title", "Unvan"),
    "department": ("Department", "Departman"),
    "seniority": ("Seniority", "Kıdem"),
    "status": ("Status", "Durum"),
    "roles": ("Roles", "Roller"),
    "stance": ("Stance", "Tutum"),
    "influence": ("Influence", "Etki"),
    "authority": ("Authority", "Yetki"),
    "brokerage": ("Brokerage", "Aracılık"),
    "engagement": ("Engagement", "Etkileşim"),
    "health": ("Health", "Sağlık"),
    "decision_maker": ("Decision-maker likelihood", "Karar verici olasılığı"),
    "left_company": ("left the company", "şirketten ayrıldı"),
    "active": ("active", "aktif"),
    "hidden_influencer": ("Hidden influencer", "Gizli etkileyici"),
    "our_rep": ("Our rep", "Temsilcimiz"),
    "warm_path": ("Strongest warm path", "En güçlü sıcak yol"),
    "no_warm_path": ("No warm path found", "Sıcak yol bulunamadı"),
    "risk_factors": ("Risk factors", "Risk etkenleri"),
    "no_risk_factors": ("No risk factors", "Risk etkeni yok"),
    "points": ("points", "puan"),
    "details": ("Details", "Ayrıntılar"),
    "click_a_node": ("Click a person to see the details.", "Ayrıntılar için bir kişiye tıklayın."),
    "click_to_expand": ("click to expand", "açmak için tıklayın"),
    "expand_all": ("Expand all", "Tümünü aç"),
    "legend": ("Legend", "Açıklama"),
    "solid_line": ("Solid reporting line", "Doğrudan bağlılık"),
    "dotted_line": ("Dotted reporting line", "Noktalı (ikincil) bağlılık"),
    "knows": ("Our rep knows", "Temsilcimiz tanıyor"),
    "stance_-2": ("Opposes", "Karşı"),
    "stance_-1": ("Sceptical", "Şüpheli"),
    "stance_0": ("Neutral", "Tarafsız"),
    "stance_1": ("Supportive", "Destekçi"),
    "stance_2": ("Champions", "Savunucu"),
    "stance_none": ("Not on the deal", "Fırsatta yok"),
    "kind_advises": ("advises", "danışmanlık eder"),
    "kind_trusts": ("is trusted by", "güvenilir"),
    "kind_sponsors": ("sponsors", "destekler"),
    "kind_opposes": ("opposes", "karşı çıkar"),
    "strength": ("Strength", "Güç"),
    "inferred": ("inferred", "çıkarsanan"),
    "inferred_tie": (
        "Inferred tie (shared touchpoints, reporting lines)",
        "Çıkarsanan bağ (ortak temaslar, bağlılık hatları)",
    ),
    "people": ("people", "kişi"),
    "no_ties_omitted": ("People without ties, not drawn", "Bağı olmayan, çizilmeyen kişiler"),
    # pages
    "accounts": ("Accounts", "Müşteriler"),
    "account": ("Account", "Müşteri"),
    "deal": ("Deal", "Fırsat"),
    "deals": ("Deals", "Fırsatlar"),
    "open_deals": ("Open deals by risk", "Riske göre açık fırsatlar"),
    "territory": ("Territory", "Bölge"),
    "sector": ("Sector", "Sektör"),
    "all": ("All", "Tümü"),
    "filter": ("Filter", "Filtrele"),
    "name": ("Name", "Ad"),
    "stage": ("Stage", "Aşama"),
    "amount": ("Amount", "Tutar"),
    "risk": ("Risk", "Risk"),
    "expected_close": ("Expected close", "Beklenen kapanış"),
    "hierarchy": ("Account hierarchy", "Müşteri hiyerarşisi"),
    "rollup": ("Roll-up", "Toplam"),
    "contacts": ("Contacts", "Kişiler"),
    "subsidiaries": ("Accounts in the group", "Gruptaki müşteriler"),
    "pipeline": ("Open pipeline", "Açık satış hunisi"),
    "follow_ups": ("Follow-ups due", "Vadesi gelen takipler"),
    "no_follow_ups": ("Nothing is due.", "Vadesi gelen takip yok."),
    "overdue": ("overdue", "gecikmiş"),
    "days_since": ("days since last touch", "son temastan beri gün"),
    "never_touched": ("never touched", "hiç temas yok"),
    "stage_history": ("Stage history", "Aşama geçmişi"),
    "close_date_history": ("Close-date changes", "Kapanış tarihi değişiklikleri"),
    "evidence": ("Evidence", "Kanıt"),
    "what_if": ("What if", "Ya olursa"),
    "what_if_help": (
        "Remove a person from the committee and see the new risk.",
        "Bir kişiyi komiteden çıkarın ve yeni riski görün.",
    ),
    "remove_contact": ("Remove", "Çıkar"),
    "new_risk": ("New risk", "Yeni risk"),
    "change": ("Change", "Değişim"),
    "before": ("Before", "Önce"),
    "after": ("After", "Sonra"),
    "when": ("When", "Ne zaman"),
    "from": ("From", "Önceki"),
    "to": ("To", "Sonraki"),
    "no_open_deals": ("No open deals.", "Açık fırsat yok."),
    "not_found": ("Not found", "Bulunamadı"),
    "not_found_text": (
        "There is nothing here, or you may not see it.",
        "Burada bir şey yok ya da görme yetkiniz yok.",
    ),
    "unauthorized": ("Sign in with an API key", "API anahtarıyla giriş yapın"),
    "unauthorized_text": (
        "Open this page with ?key=YOUR_KEY once; a cookie keeps you signed in.",
        "Bu sayfayı bir kez ?key=ANAHTARINIZ ile açın; bir çerez oturumu açık tutar.",
    ),
    "forbidden": ("Not allowed", "İzin yok"),
    "invalid": ("Invalid request", "Geçersiz istek"),
    "language": ("Language", "Dil"),
    "health_good": ("good", "iyi"),
    "health_fair": ("fair", "orta"),
    "health_poor": ("poor", "zayıf"),
    "account_health": ("Account health", "Müşteri sağlığı"),
    "executive_coverage": ("Executive coverage", "Üst yönetim kapsamı"),
    "coverage": ("Coverage", "Kapsam"),
}

_ROLE: Final[dict[Role, tuple[str, str]]] = {
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

_STAGE: Final[dict[Stage, tuple[str, str]]] = {
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

_RISK: Final[dict[RiskCode, tuple[str, str]]] = {
    RiskCode.NO_CHAMPION: ("No champion", "Savunucu yok"),
    RiskCode.CHAMPION_LEFT: ("Champion left", "Savunucu ayrıldı"),
    RiskCode.WEAK_CHAMPION: ("Weak champion", "Zayıf savunucu"),
    RiskCode.ECONOMIC_BUYER_UNKNOWN: ("Economic buyer unknown", "Bütçe sahibi bilinmiyor"),
    RiskCode.ECONOMIC_BUYER_NOT_ENGAGED: (
        "Economic buyer not engaged",
        "Bütçe sahibiyle etkileşim yok",
    ),
    RiskCode.ECONOMIC_BUYER_HOSTILE: (
        "Economic buyer opposes the deal",
        "Bütçe sahibi anlaşmaya karşı",
    ),
    RiskCode.CHAMPION_NO_PATH_TO_ECONOMIC_BUYER: (
        "Champion has no path to the economic buyer",
        "Savunucunun bütçe sahibine yolu yok",
    ),
    RiskCode.SINGLE_THREADED: ("Single-threaded", "Tek bağlantılı"),
    RiskCode.OPPONENT: ("Opponent", "Karşı çıkan var"),
    RiskCode.DECISION_MAKERS_UNCOVERED: (
        "Decision makers not covered",
        "Karar vericilere ulaşılmamış",
    ),
    RiskCode.STALE_ENGAGEMENT: ("Stale engagement", "Etkileşim bayatladı"),
    RiskCode.STAKEHOLDER_CHURN: ("Stakeholder churn", "Paydaş değişimi"),
    RiskCode.STAGE_REGRESSION: ("Stage went backwards", "Aşama geriledi"),
    RiskCode.CLOSE_DATE_SLIPPED: ("Close date slipped", "Kapanış tarihi kaydı"),
    RiskCode.GRIDLOCK: ("Gridlock", "Tıkanıklık"),
}


def _index(lang: Lang) -> int:
    return LANGS.index(lang)


class Messages:
    """The catalogue in one language; call it with a key.

    Raises ``KeyError`` for an unknown key: a typo is a bug, not a blank label.
    """

    __slots__ = ("lang",)

    def __init__(self, lang: Lang = DEFAULT_LANG) -> None:
        self.lang: Lang = lang

    def __call__(self, key: str) -> str:
        return _M[key][_index(self.lang)]

    def role(self, role: Role) -> str:
        return _ROLE[role][_index(self.lang)]

    def stage(self, stage: Stage) -> str:
        return _STAGE[stage][_index(self.lang)]

    def risk(self, code: RiskCode) -> str:
        return _RISK[code][_index(self.lang)]

    def stance(self, stance: int | None) -> str:
        return self("stance_none" if stance is None else f"stance_{stance}")

    def band(self, band: HealthBand) -> str:
        return self(f"health_{band.value}")

    def catalogue(self) -> dict[str, str]:
        """Every plain message in this language (for scripts that label things)."""
        return {key: pair[_index(self.lang)] for key, pair in _M.items()}


def catalogue_keys() -> frozenset[str]:
    """The keys of the plain messages."""
    return frozenset(_M)


def negotiate(explicit: str | None, accept_language: str | None) -> Lang:
    """The language to answer in: ``explicit`` if supported, else the best
    ``Accept-Language`` match (by q-value, then order), else English."""
    if explicit:
        choice = explicit.strip().lower()
        for lang in LANGS:
            if choice == lang:
                return lang
    if accept_language:
        ranked: list[tuple[float, int, str]] = []
        for i, part in enumerate(accept_language.split(",")):
            tag, _, params = part.strip().partition(";")
            q = 1.0
            params = params.strip()
            if params.startswith("q="):
                try:
                    q = float(params[2:])
                except ValueError:
                    q = 0.0
            ranked.append((-q, i, tag.strip().lower()))
        for neg_q, _, tag in sorted(ranked):
            primary = tag.split("-")[0]
            if neg_q < 0 and primary in LANGS:
                return LANGS[LANGS.index(primary)]
    return DEFAULT_LANG
