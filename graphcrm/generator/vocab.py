"""Words the generator draws from: people, companies, places, touchpoint summaries.

Everything here is a constant table or a pure function. Names carry the
Turkish letters (İ ı Ş ş Ğ ğ Ç ç Ö ö Ü ü) that search and collation must get
right; e-mail addresses and domains are ASCII-folded from them.

>>> ascii_fold("Çağla Işık-Öztürk")
'Cagla Isik-Ozturk'
>>> email_local("Şükrü", "de Vries")
'sukru.devries'
"""

from __future__ import annotations

import unicodedata
from typing import Final

_FOLD = str.maketrans(
    {
        "ı": "i",
        "İ": "I",
        "ş": "s",
        "Ş": "S",
        "ğ": "g",
        "Ğ": "G",
        "ç": "c",
        "Ç": "C",
        "ö": "o",
        "Ö": "O",
        "ü": "u",
        "Ü": "U",
        "ß": "ss",
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "ł": "l",
        "Ł": "L",
    }
)


def ascii_fold(text: str) -> str:
    """``text`` with Turkish and other Latin diacritics removed."""
    folded = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return folded.encode("ascii", "ignore").decode("ascii")


def slug(text: str) -> str:
    """Lower-case ASCII letters and digits of ``text`` (for e-mail parts and domains).

    >>> slug("O'Brien & Söhne")
    'obriensohne'
    """
    return "".join(ch for ch in ascii_fold(text).lower() if ch.isalnum())


def email_local(first: str, last: str) -> str:
    """The local part ``first.last`` of an address, ASCII-folded."""
    return f"{slug(first)}.{slug(last)}"


# --- people -------------------------------------------------------------------

TR_FIRST: Final = (
    "Ahmet", "Mehmet", "Mustafa", "Ali", "Hüseyin", "Hasan", "İbrahim", "İsmail", "Ömer",
    "Osman", "Murat", "Emre", "Burak", "Serkan", "Gökhan", "Hakan", "Oğuz", "Onur", "Barış",
    "Kerem", "Can", "Cem", "Tolga", "Buğra", "Çağrı", "Doğan", "Erkan", "Kaan", "Umut", "Ümit",
    "Uğur", "Yiğit", "Şükrü", "Tayfun", "Volkan", "Levent", "Selçuk", "Sinan", "Özgür", "Ilgaz",
    "Alper", "Berk", "Arda", "Koray", "Tuncay", "Ayşe", "Fatma", "Emine", "Zeynep", "Elif",
    "Merve", "Büşra", "Kübra", "Esra", "Özge", "Özlem", "Gül", "Gülşen", "Hülya", "Şule",
    "Şebnem", "Çağla", "Ceren", "Derya", "Deniz", "Ebru", "Ezgi", "Burcu", "Aslı", "Dilek",
    "Pınar", "Sibel", "Selin", "Seda", "Tuğba", "Tülay", "Yasemin", "Nurhan", "Nilüfer", "İpek",
    "Işıl", "Gökçe", "Damla", "Melike", "Sevgi", "Songül", "Didem", "Irmak", "Öykü", "Bahar",
)  # fmt: skip

TR_LAST: Final = (
    "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın",
    "Özdemir", "Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Kara", "Koç", "Kurt", "Özkan",
    "Şimşek", "Polat", "Korkmaz", "Çakır", "Erdem", "Bulut", "Güneş", "Aktaş", "Işık", "Uçar",
    "Tunç", "Akgül", "Ünal", "Güler", "Sağlam", "Karagöz", "Özgür", "Eren", "Tekin", "Kalkan",
    "Ateş", "Başaran", "Gürbüz", "Uysal", "Bozkurt", "Çalışkan", "İnce", "İnan", "Ekinci",
    "Keskin", "Güngör", "Akın", "Oğuz", "Duman", "Acar", "Soylu", "Karadağ", "Sarıkaya",
    "Gündoğdu", "Çınar", "Türkmen", "Altıntaş", "Kocabaş", "Yücel", "Ergün", "Özçelik",
    "Kahraman", "Avcı", "Bayram", "Dinçer", "Şen", "Taş", "Yavuz", "Öner", "Göksel", "Üstün",
    "Ilıcak", "Ağaoğlu", "Erdoğdu",
)  # fmt: skip

INTL_FIRST: Final = (
    "James", "Oliver", "Charlotte", "Amelia", "Harry", "George", "Emily", "Sophie", "Thomas",
    "Lukas", "Jonas", "Felix", "Lena", "Hannah", "Anna", "Maximilian", "Jürgen", "Björn",
    "Matthias", "Katharina", "Stefan", "Sabine", "Michael", "Sarah", "David", "Jennifer",
    "Daniel", "Jessica", "Matthew", "Laura", "Jan", "Sanne", "Daan", "Lotte", "Priya", "Raj",
    "Wei", "Mei", "Carlos", "María", "José", "Lucía", "François", "Élodie", "Søren", "Zoë",
    "Chloé", "Noah", "Liam", "Olivia", "Ethan", "Ava",
)  # fmt: skip

INTL_LAST: Final = (
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
    "Hoffmann", "Schäfer", "Koch", "Krüger", "Smith", "Jones", "Taylor", "Brown", "Williams",
    "Wilson", "Johnson", "Davies", "Evans", "Walker", "Miller", "Davis", "Garcia", "Martinez",
    "Anderson", "Clarke", "de Vries", "Jansen", "van Dijk", "Bakker", "Visser", "Peeters",
    "Janssens", "Patel", "Chen", "Nguyen", "O'Brien", "Dubois", "Novak", "Kowalski", "Rossi",
    "Fernández", "Lindqvist",
)  # fmt: skip

# Each name with its folded e-mail part, so generation does no folding.
TR_FIRST_F: Final = tuple((n, slug(n)) for n in TR_FIRST)
TR_LAST_F: Final = tuple((n, slug(n)) for n in TR_LAST)
INTL_FIRST_F: Final = tuple((n, slug(n)) for n in INTL_FIRST)
INTL_LAST_F: Final = tuple((n, slug(n)) for n in INTL_LAST)

# --- places -------------------------------------------------------------------

# (territory, share of Turkish accounts)
TR_TERRITORIES: Final = (
    ("Marmara", 0.45),
    ("İç Anadolu", 0.20),
    ("Ege", 0.15),
    ("Akdeniz", 0.09),
    ("Karadeniz", 0.06),
    ("Güneydoğu Anadolu", 0.05),
)

# (territory, share of international accounts, ((country, share within territory), ...))
INTL_TERRITORIES: Final[tuple[tuple[str, float, tuple[tuple[str, float], ...]], ...]] = (
    ("DACH", 0.42, (("DE", 0.55), ("AT", 0.2), ("CH", 0.25))),
    ("UK", 0.22, (("GB", 1.0),)),
    ("US", 0.22, (("US", 1.0),)),
    ("Benelux", 0.14, (("NL", 0.6), ("BE", 0.4))),
)

TERRITORIES: Final = tuple(t for t, _ in TR_TERRITORIES) + tuple(t for t, _, _ in INTL_TERRITORIES)

CURRENCY: Final = {
    "TR": "TRY", "DE": "EUR", "AT": "EUR", "CH": "CHF", "GB": "GBP", "US": "USD",
    "NL": "EUR", "BE": "EUR",
}  # fmt: skip

# Rough TRY per unit, to size amounts in the local currency.
TRY_PER_UNIT: Final = {"TRY": 1.0, "EUR": 45.0, "CHF": 48.0, "GBP": 53.0, "USD": 41.0}

TLD: Final = {
    "TR": "com.tr", "DE": "de", "AT": "at", "CH": "ch", "GB": "co.uk", "US": "com",
    "NL": "nl", "BE": "be",
}  # fmt: skip

PHONE_PREFIX: Final = {
    "TR": "+90 5", "DE": "+49 15", "AT": "+43 66", "CH": "+41 7", "GB": "+44 7", "US": "+1 ",
    "NL": "+31 6", "BE": "+32 4",
}  # fmt: skip

# Share of Turkish names among the staff of accounts outside Turkey.
TURKISH_NAME_SHARE_ABROAD: Final = {"DE": 0.12, "AT": 0.10, "CH": 0.05, "NL": 0.06, "BE": 0.05}

# --- companies ------------------------------------------------------------------

TR_COMPANY_STEMS: Final = (
    "Yıldız", "Çınar", "Kardelen", "Işıklar", "Tuna", "Meriç", "Akdağ", "Özbey", "Güvenç",
    "Başkent", "Anadolu", "Ege", "Marmara", "Toros", "Uludağ", "Kaçkar", "Fırat", "Dicle",
    "Kızılırmak", "Sakarya", "Erciyes", "Palandöken", "Akçay", "Gökkuşağı", "Şafak", "Doruk",
    "Atlas", "Vega", "Orkide", "Lale", "Zümrüt", "Safir", "Yakamoz", "Poyraz", "Lodos", "Kuzey",
    "Çağdaş", "Öncü", "İlke", "İnci", "Ilgın", "Gediz", "Bakırçay", "Sarıyer", "Çamlıca",
    "Ağrı", "Göksu", "Yeşilırmak", "Özgen", "Ünye",
)  # fmt: skip

TR_HOLDING_FAMILIES: Final = (
    "Çınaroğlu", "Yıldızoğlu", "Karaağaç", "Ergüvenç", "Şahinler", "Öztürkler", "Başaranlar",
    "Kocabaşlar", "Ilgazlı", "Tunçkol", "Gürbüzler", "Akgündüz", "Sarıoğlu", "Doğanay",
    "Işıkçı", "Güneşli", "Ünalan", "Erdemir", "Çağlayan", "Özyiğit",
)  # fmt: skip

INTL_COMPANY_STEMS: Final = (
    "Northwind", "Bluebridge", "Albion", "Hudson", "Rheintal", "Alpenblick", "Brightline",
    "Harbor", "Summit", "Kestrel", "Meridian", "Thames", "Elbtal", "Isar", "Lakeside", "Redwood",
    "Granite", "Silverline", "Beacon", "Crescent", "Oakridge", "Linden", "Falkenberg", "Adler",
    "Sternberg", "Waldner", "Hollander", "Zuiderlicht", "Maasland", "Schelde", "Ashford",
    "Blackwater", "Bridgeport", "Cedarbrook", "Clearwater", "Eastgate", "Fairhaven", "Foxley",
    "Greenway", "Highfield", "Ironbridge", "Kingsmere", "Larkspur", "Millbrook", "Northgate",
    "Pinecrest", "Riverton", "Stonebridge", "Westbury", "Windmere", "Bergmann", "Donautal",
    "Edelstein", "Felsberg", "Hochwald", "Kranich", "Lindenhof", "Mainfeld", "Rosenau",
    "Seeberg", "Tannenberg", "Weidmann",
)  # fmt: skip

INTL_HOLDING_FAMILIES: Final = (
    "Albrecht",
    "Whitmore",
    "Van der Berg",
    "Harrington",
    "Lindqvist",
    "Castellane",
    "Oberhauser",
    "Pemberton",
)

TR_SUFFIXES: Final = ("A.Ş.", "San. ve Tic. A.Ş.", "Ltd. Şti.")
INTL_SUFFIXES: Final = {
    "DE": ("GmbH", "AG", "GmbH & Co. KG"),
    "AT": ("GmbH", "AG"),
    "CH": ("AG", "SA"),
    "GB": ("Ltd", "plc"),
    "US": ("Inc.", "LLC", "Corp."),
    "NL": ("B.V.", "N.V."),
    "BE": ("NV", "BV"),
}
GERMAN_SPEAKING: Final = frozenset({"DE", "AT", "CH"})

# --- touchpoints ------------------------------------------------------------------

SUMMARIES_TR: Final = {
    "email": (
        "Teklif revizyonu gönderildi",
        "Toplantı notları ve sonraki adımlar paylaşıldı",
        "Fiyat listesi ve ödeme koşulları iletildi",
        "Referans müşteri bilgileri gönderildi",
        "Sözleşme taslağı hukuk ekibine iletildi",
        "Müşteri ek doküman talep etti",
        "Takip e-postası: karar takvimi soruldu",
    ),
    "call": (
        "Keşif görüşmesi: mevcut süreç ve ağrı noktaları",
        "Bütçe döngüsü konuşuldu",
        "Karar verici haritası netleştirildi",
        "İtirazlar ele alındı",
        "Kısa durum görüşmesi",
        "İndirim talebi görüşüldü",
    ),
    "meeting": (
        "Yerinde toplantı: ihtiyaç analizi",
        "Satın alma ekibiyle müzakere toplantısı",
        "Yönetim sunumu yapıldı",
        "Teknik değerlendirme toplantısı",
        "Karar komitesiyle tanışma toplantısı",
    ),
    "linkedin": (
        "LinkedIn bağlantı isteği kabul edildi",
        "LinkedIn üzerinden vaka çalışması paylaşıldı",
        "LinkedIn mesajı: webinar daveti",
    ),
    "demo": (
        "Ürün demosu yapıldı",
        "Teknik ekip için detaylı demo",
        "Yönetime kısa demo sunuldu",
    ),
    "poc": (
        "POC kurulumu başlatıldı",
        "POC ara sonuçları değerlendirildi",
        "POC başarı kriterleri üzerinde anlaşıldı",
    ),
}

SUMMARIES_EN: Final = {
    "email": (
        "Sent the revised proposal",
        "Shared meeting notes and next steps",
        "Sent pricing and payment terms",
        "Shared customer references",
        "Sent the contract draft to legal",
        "Customer asked for additional documents",
        "Follow-up: asked about the decision timeline",
    ),
    "call": (
        "Discovery call: current process and pain points",
        "Discussed the budget cycle",
        "Clarified the decision-maker map",
        "Handled objections",
        "Quick status call",
        "Discussed the discount request",
    ),
    "meeting": (
        "On-site meeting: needs analysis",
        "Negotiation meeting with purchasing",
        "Executive presentation",
        "Technical evaluation meeting",
        "Intro meeting with the buying committee",
    ),
    "linkedin": (
        "LinkedIn connection accepted",
        "Shared a case study on LinkedIn",
        "LinkedIn message: webinar invitation",
    ),
    "demo": (
        "Product demo",
        "Deep-dive demo for the technical team",
        "Short demo for the leadership team",
    ),
    "poc": (
        "POC set up",
        "Reviewed interim POC results",
        "Agreed POC success criteria",
    ),
}

ACCOUNT_TOUCH_TR: Final = (
    "Bülten ve etkinlik daveti gönderildi",
    "Sektör raporu paylaşıldı",
    "Yıllık ilişki görüşmesi",
    "LinkedIn üzerinden tebrik mesajı",
)
ACCOUNT_TOUCH_EN: Final = (
    "Sent newsletter and event invitation",
    "Shared an industry report",
    "Annual relationship check-in",
    "Congratulated on LinkedIn",
)
