"""Writes this directory's Salesforce-shaped export (run: python tests/data/salesforce-org/make.py).

A small Turkish org as Salesforce's Data Export writes it: UTF-8 with a BOM, CRLF,
ISO times with zone, 18-character ids in the object files and 15-character ids in
the activity files (as reports write them), deleted rows, custom picklist values
(``Champion``, ``Technical Evaluator``, a ``Teknik Değerlendirme`` stage) and columns
graphcrm ignores. ``mapping.toml`` maps the custom values. ``newer/`` is the same org
exported three weeks later (for incremental imports).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

HERE = Path(__file__).resolve().parent
_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def id18(id15: str) -> str:
    out = id15
    for block in range(3):
        bits = sum(1 << i for i, ch in enumerate(id15[block * 5 : block * 5 + 5]) if ch.isupper())
        out += _SUFFIX[bits]
    return out


def sid(prefix: str, n: int) -> str:
    """A 15-character id: key prefix, pod, and a number with mixed case."""
    return f"{prefix}5g0000Xy{n:04d}"


AYSE_REP, CAN_REP = sid("005", 1), sid("005", 2)
HOLDING, EGE = sid("001", 1), sid("001", 2)
MEHMET, AYSE, ISMAIL, SULE, GOKHAN, OMER, ZEYNEP = (sid("003", n) for n in range(1, 8))
LEAD = sid("00Q", 1)
ERP, DEPO, BAKIM = sid("006", 1), sid("006", 2), sid("006", 3)
UNKNOWN_CONTACT = sid("003", 99)
UNKNOWN_OPP = sid("006", 99)


def write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))


def org(directory: Path, *, newer: bool) -> None:
    directory.mkdir(exist_ok=True)
    L = id18  # object files carry 18-character ids
    write(
        directory / "User.csv",
        ["Id", "Name", "Email", "UserRoleId", "IsActive"],
        [
            [L(AYSE_REP), "Ayşe Kaya", "ayse.kaya@satici.com.tr", "", "true"],
            [L(CAN_REP), "Can Demir", "can.demir@satici.com.tr", "", "true"],
        ],
    )
    write(
        directory / "Account.csv",
        [
            "Id",
            "IsDeleted",
            "Name",
            "ParentId",
            "Industry",
            "BillingCountry",
            "OwnerId",
            "CreatedDate",
            "Description",
        ],
        [
            [
                L(HOLDING),
                "false",
                "Anadolu Holding A.Ş.",
                "",
                "Manufacturing",
                "Türkiye",
                L(AYSE_REP),
                "2025-01-10T08:00:00.000Z",
                'Grup şirketi,\r\n"çok" satırlı not',
            ],
            [
                L(EGE),
                "false",
                "Ege Gıda Sanayi A.Ş.",
                "",
                "Food & Beverage",
                "TR",
                L(CAN_REP),
                "2025-02-20T08:00:00.000Z",
                "",
            ],
        ],
    )
    ismail_account = L(EGE) if newer else L(HOLDING)
    contacts = [
        [
            L(MEHMET),
            "false",
            L(HOLDING),
            "Mehmet",
            "Öztürk",
            "Genel Müdür",
            "Genel Müdürlük",
            "mehmet.ozturk@anadolu.com.tr",
            "",
            "2025-01-10T09:00:00.000Z",
            "2025-01-10T09:00:00.000Z",
        ],
        [
            L(AYSE),
            "true" if newer else "false",
            L(HOLDING),
            "Ayşe",
            "Yılmaz",
            "Mali İşler Direktörü",
            "Finans",
            "ayse.yilmaz@anadolu.com.tr",
            L(MEHMET),
            "2025-01-10T09:05:00.000Z",
            "2025-11-20T10:00:00.000Z" if newer else "2025-01-10T09:05:00.000Z",
        ],
        [
            L(ISMAIL),
            "false",
            ismail_account,
            "İsmail",
            "Çelik",
            "Satınalma Müdürü",
            "Satınalma",
            "ismail.celik@anadolu.com.tr",
            L(AYSE),
            "2025-01-12T09:00:00.000+0300",
            "2025-11-21T08:00:00.000Z" if newer else "2025-01-12T06:00:00.000Z",
        ],
        [
            L(SULE),
            "false",
            L(HOLDING),
            "Şule",
            "Erdoğan",
            "Bilgi Teknolojileri Direktörü",
            "BT",
            "sule.erdogan@anadolu.com.tr",
            L(MEHMET),
            "2025-06-01T07:30:00.000Z",
            "2025-06-01T07:30:00.000Z",
        ],
        [
            L(GOKHAN),
            "true",
            L(HOLDING),
            "Gökhan",
            "Işık",
            "Depo Şefi",
            "Lojistik",
            "",
            "",
            "2025-01-15T09:00:00.000Z",
            "2025-03-01T09:00:00.000Z",
        ],
        [
            L(OMER),
            "false",
            L(EGE),
            "Ömer",
            "Güneş",
            "Genel Müdür",
            "",
            "omer@egegida.com.tr",
            "",
            "2025-02-20T09:00:00.000Z",
            "2025-02-20T09:00:00.000Z",
        ],
        [
            L(ZEYNEP),
            "false",
            L(EGE),
            "Zeynep",
            "Aydın",
            "Operasyon Müdürü",
            "Operasyon",
            "",
            L(OMER),
            "2025-02-21T09:00:00.000Z",
            "2025-02-21T09:00:00.000Z",
        ],
    ]
    write(
        directory / "Contact.csv",
        [
            "Id",
            "IsDeleted",
            "AccountId",
            "FirstName",
            "LastName",
            "Title",
            "Department",
            "Email",
            "ReportsToId",
            "CreatedDate",
            "LastModifiedDate",
        ],
        contacts,
    )
    erp_stage = "Closed Won" if newer else "Negotiation/Review"
    write(
        directory / "Opportunity.csv",
        [
            "Id",
            "IsDeleted",
            "AccountId",
            "Name",
            "StageName",
            "Amount",
            "CloseDate",
            "IsClosed",
            "IsWon",
            "CurrencyIsoCode",
            "OwnerId",
            "CreatedDate",
            "LastModifiedDate",
            "Loss_Reason__c",
            "Probability",
        ],
        [
            [
                L(ERP),
                "false",
                L(HOLDING),
                "Anadolu – ERP Dönüşümü",
                erp_stage,
                "1250000.50",
                "2025-11-28" if newer else "2025-12-15",
                "true" if newer else "false",
                "true" if newer else "false",
                "TRY",
                L(AYSE_REP),
                "2025-02-01T10:00:00.000Z",
                "2025-11-28T15:00:00.000Z" if newer else "2025-06-10T12:00:00.000Z",
                "",
                "75",
            ],
            [
                L(DEPO),
                "false",
                L(EGE),
                "Ege – Depo Otomasyonu",
                "Closed Lost",
                "640000",
                "2025-09-30",
                "true",
                "false",
                "EUR",
                L(CAN_REP),
                "2025-03-01T10:00:00.000Z",
                "2025-09-30T16:00:00.000Z",
                "Fiyat: rakip %20 daha ucuz",
                "0",
            ],
            [
                L(BAKIM),
                "true",
                L(HOLDING),
                "Anadolu – Bakım",
                "Prospecting",
                "10000",
                "2026-01-31",
                "false",
                "false",
                "TRY",
                L(AYSE_REP),
                "2025-04-01T10:00:00.000Z",
                "2025-04-02T10:00:00.000Z",
                "",
                "10",
            ],
        ],
    )
    history = [
        [L(ERP), "Prospecting", "2025-12-15", "1250000.50", "2025-02-01T10:00:00.000Z"],
        [L(ERP), "Needs Analysis", "2025-12-15", "1250000.50", "2025-03-01T10:00:00.000Z"],
        [L(ERP), "Proposal/Price Quote", "2025-12-31", "1250000.50", "2025-04-15T10:00:00.000Z"],
        [L(ERP), "Needs Analysis", "2025-12-31", "1250000.50", "2025-05-01T10:00:00.000Z"],
        [L(ERP), "Negotiation/Review", "2025-12-15", "1250000.50", "2025-06-10T12:00:00.000Z"],
        [L(DEPO), "Qualification", "2025-09-30", "640000", "2025-03-01T10:00:00.000Z"],
        [L(DEPO), "Teknik Değerlendirme", "2025-09-30", "640000", "2025-05-20T10:00:00.000Z"],
        [L(DEPO), "Closed Lost", "2025-09-30", "640000", "2025-09-30T16:00:00.000Z"],
        [UNKNOWN_OPP, "Prospecting", "2025-10-01", "1", "2025-10-01T10:00:00.000Z"],
    ]
    if newer:
        history.append(
            [L(ERP), "Closed Won", "2025-11-28", "1250000.50", "2025-11-28T15:00:00.000Z"]
        )
    write(
        directory / "OpportunityHistory.csv",
        ["OpportunityId", "StageName", "CloseDate", "Amount", "CreatedDate"],
        history,
    )
    write(
        directory / "OpportunityContactRole.csv",
        [
            "Id",
            "OpportunityId",
            "ContactId",
            "Role",
            "IsPrimary",
            "CreatedDate",
            "LastModifiedDate",
            "IsDeleted",
        ],
        [
            [
                "00K1",
                L(ERP),
                L(MEHMET),
                "Economic Buyer",
                "true",
                "2025-02-01T10:05:00.000Z",
                "2025-02-01T10:05:00.000Z",
                "false",
            ],
            [
                "00K2",
                L(ERP),
                L(AYSE),
                "Champion",
                "false",
                "2025-02-10T10:05:00.000Z",
                "2025-02-10T10:05:00.000Z",
                "false",
            ],
            [
                "00K3",
                L(ERP),
                L(ISMAIL),
                "Technical Evaluator",
                "false",
                "2025-03-05T10:05:00.000Z",
                "2025-03-05T10:05:00.000Z",
                "false",
            ],
            [
                "00K4",
                L(ERP),
                L(SULE),
                "Evaluator",
                "false",
                "2025-06-02T10:05:00.000Z",
                "2025-06-02T10:05:00.000Z",
                "false",
            ],
            [
                "00K5",
                L(DEPO),
                L(OMER),
                "Decision Maker",
                "true",
                "2025-03-01T10:05:00.000Z",
                "2025-03-01T10:05:00.000Z",
                "false",
            ],
            [
                "00K6",
                L(DEPO),
                L(ZEYNEP),
                "Sponsor Adayı",
                "false",
                "2025-03-02T10:05:00.000Z",
                "2025-03-02T10:05:00.000Z",
                "false",
            ],
            [
                "00K7",
                L(DEPO),
                L(ZEYNEP),
                "Influencer",
                "false",
                "2025-03-02T10:06:00.000Z",
                "2025-03-02T10:06:00.000Z",
                "true",
            ],
        ],
    )
    s = str  # activity files use 15-character ids, as reports write them
    tasks = [
        [
            "00T1",
            s(AYSE),
            s(ERP),
            s(HOLDING),
            s(AYSE_REP),
            "2025-10-20",
            "Call: fiyat görüşmesi",
            "Call",
            "Call",
            "Completed",
            "Outbound",
            "2025-10-20T11:00:00.000Z",
            "false",
            "Görüşme notu:\r\nİndirim talebi var.",
        ],
        [
            "00T2",
            s(AYSE),
            s(ERP),
            s(HOLDING),
            s(AYSE_REP),
            "2025-10-27",
            "Email: Teklif revizyonu",
            "Email",
            "Email",
            "Completed",
            "",
            "2025-10-27T08:30:00.000Z",
            "false",
            "",
        ],
        [
            "00T3",
            s(MEHMET),
            s(ERP),
            "",
            s(AYSE_REP),
            "2025-11-03",
            "Re: Teklif",
            "Email",
            "Email",
            "Completed",
            "",
            "2025-11-03T09:00:00.000+0300",
            "false",
            "",
        ],
        [
            "00T4",
            s(ISMAIL),
            s(ERP),
            s(HOLDING),
            s(CAN_REP),
            "2025-12-20",
            "Demo planı",
            "Call",
            "Call",
            "Not Started",
            "",
            "2025-11-01T09:00:00.000Z",
            "false",
            "",
        ],
        [
            "00T5",
            s(SULE),
            "",
            s(HOLDING),
            s(AYSE_REP),
            "2025-10-01",
            "Silinmiş",
            "Call",
            "Call",
            "Completed",
            "",
            "2025-10-01T09:00:00.000Z",
            "true",
            "",
        ],
        [
            "00T6",
            LEAD,
            "",
            "",
            s(AYSE_REP),
            "2025-10-02",
            "Lead araması",
            "Call",
            "Call",
            "Completed",
            "Outbound",
            "2025-10-02T09:00:00.000Z",
            "false",
            "",
        ],
        [
            "00T7",
            UNKNOWN_CONTACT,
            "",
            s(HOLDING),
            s(AYSE_REP),
            "2025-10-03",
            "Bilinmeyen kişi",
            "Call",
            "Call",
            "Completed",
            "Outbound",
            "2025-10-03T09:00:00.000Z",
            "false",
            "",
        ],
        [
            "00T8",
            s(OMER),
            s(DEPO),
            s(EGE),
            s(CAN_REP),
            "30.09.2025",
            "Kayıp görüşmesi",
            "Call",
            "Call",
            "Completed",
            "Inbound",
            "",
            "false",
            "",
        ],
        [
            "00T9",
            s(OMER),
            s(DEPO),
            s(EGE),
            s(CAN_REP),
            "2025-05-21",
            "Teknik sunum sonrası",
            "Call",
            "Call",
            "Completed",
            "Inbound",
            "2025-05-21T13:00:00.000Z",
            "false",
            "",
        ],
    ]
    if newer:
        tasks.append(
            [
                "00TA",
                s(MEHMET),
                s(ERP),
                s(HOLDING),
                s(AYSE_REP),
                "2025-11-27",
                "Call: imza",
                "Call",
                "Call",
                "Completed",
                "Inbound",
                "2025-11-27T10:00:00.000Z",
                "false",
                "",
            ]
        )
    write(
        directory / "Task.csv",
        [
            "Id",
            "WhoId",
            "WhatId",
            "AccountId",
            "OwnerId",
            "ActivityDate",
            "Subject",
            "Type",
            "TaskSubtype",
            "Status",
            "CallType",
            "CreatedDate",
            "IsDeleted",
            "Description",
        ],
        tasks,
    )
    write(
        directory / "Event.csv",
        [
            "Id",
            "WhoId",
            "WhatId",
            "AccountId",
            "OwnerId",
            "StartDateTime",
            "EndDateTime",
            "Subject",
            "Type",
            "CreatedDate",
            "IsDeleted",
        ],
        [
            [
                "00U1",
                s(MEHMET),
                s(ERP),
                s(HOLDING),
                s(AYSE_REP),
                "2025-11-05T07:00:00.000Z",
                "2025-11-05T08:30:00.000Z",
                "Yönetim sunumu",
                "Meeting",
                "2025-10-30T10:00:00.000Z",
                "false",
            ],
            [
                "00U2",
                s(OMER),
                s(DEPO),
                s(EGE),
                s(CAN_REP),
                "2025-05-20T09:00:00.000Z",
                "2025-05-20T10:00:00.000Z",
                "Teknik değerlendirme toplantısı",
                "Demo",
                "2025-05-10T10:00:00.000Z",
                "false",
            ],
        ],
    )
    write(
        directory / "EventRelation.csv",
        ["Id", "EventId", "RelationId", "IsInvitee", "IsDeleted"],
        [
            ["0RE1", "00U1", s(AYSE), "true", "false"],
            ["0RE2", "00U1", s(SULE), "true", "false"],
            ["0RE3", "00U1", s(CAN_REP), "true", "false"],
            ["0RE4", "00U2", s(ZEYNEP), "true", "false"],
            ["0RE5", "00U9", s(ZEYNEP), "true", "false"],
        ],
    )


MAPPING = """\
# The org's custom picklist values (docs/import-export.md, "Mapping files")
[roles]
"Technical Evaluator" = ["technical_buyer", "evaluator"]

[stages]
"Teknik Değerlendirme" = "presentation"
"""

if __name__ == "__main__":
    org(HERE / "older", newer=False)
    org(HERE / "newer", newer=True)
    (HERE / "mapping.toml").write_text(MAPPING, encoding="utf-8")
