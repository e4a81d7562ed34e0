"""Assignment rules on city, region and size bands, worked by hand.

The rules (first match wins)::

    [regions]  Marmara = İstanbul, Bursa, Kocaeli;  Ege = İzmir, Manisa
    1 "Büyük hesaplar"  employees_min = 1000                   -> Kurumsal
    2 "Yüksek ciro"     revenue_min = 50 000 000                -> Kurumsal
    3 "Iğdır"           city = "IĞDIR"                          -> Doğu
    4 "Marmara"         region = "Marmara"                      -> Marmara
    5 "Ege"             region = ["Ege"]                        -> Ege
    6 "KOBİ"            employees_max = 49, revenue_max = 5 000 000 -> KOBİ

=====  ==========  =========  ===========  =====================================
id     city        employees  revenue      territory (rule)
=====  ==========  =========  ===========  =====================================
A-1    ISTANBUL    5000       -            Kurumsal (1)
A-2    istanbul    999        60 000 000   Kurumsal (2; 999 is under rule 1's band)
A-3    Iğdır       -          -            Doğu (3: IĞDIR folds as Iğdır)
A-4    İZMİR       200        -            Ege (5: İZMİR folds as İzmir)
A-5    Ankara      1000       -            Kurumsal (1: the bound is included)
A-6    Bursa       -          -            Marmara (4: no figure, no band matches)
A-7    -           49         5 000 000    KOBİ (6: both bounds included)
A-8    Ankara      50         1000         none: stays in Eski (50 > 49)
A-9    -           10         -            none: revenue unknown, rule 6 needs it
=====  ==========  =========  ===========  =====================================
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from graphcrm.domain import Account, AccountId
from graphcrm.errors import InvalidError
from graphcrm.services.territories import TerritoryRules, plan_assignment

RULES = """
[regions]
Marmara = ["İstanbul", "Bursa", "Kocaeli"]
Ege = ["İzmir", "Manisa"]

[[rule]]
name = "Büyük hesaplar"
territory = "Kurumsal"
employees_min = 1000

[[rule]]
name = "Yüksek ciro"
territory = "Kurumsal"
revenue_min = "50000000"

[[rule]]
name = "Iğdır"
territory = "Doğu"
city = "IĞDIR"

[[rule]]
name = "Marmara"
territory = "Marmara"
region = "Marmara"

[[rule]]
name = "Ege"
territory = "Ege"
region = ["Ege"]

[[rule]]
name = "KOBİ"
territory = "KOBİ"
employees_max = 49
revenue_max = 5000000
"""


def account(id_: str, city: str | None, employees: int | None, revenue: str | None) -> Account:
    return Account(
        id=AccountId(id_),
        name=f"Hesap {id_}",
        country="TR",
        territory="Eski",
        city=city,
        employees=employees,
        annual_revenue=None if revenue is None else Decimal(revenue),
    )


PORTFOLIO = [
    account("A-1", "ISTANBUL", 5000, None),
    account("A-2", "istanbul", 999, "60000000"),
    account("A-3", "Iğdır", None, None),
    account("A-4", "İZMİR", 200, None),
    account("A-5", "Ankara", 1000, None),
    account("A-6", "Bursa", None, None),
    account("A-7", None, 49, "5000000"),
    account("A-8", "Ankara", 50, "1000"),
    account("A-9", None, 10, None),
]


def test_each_rule_type_assigns_as_worked_by_hand() -> None:
    rules = TerritoryRules.from_toml(RULES)
    moved = {m.account_id: (m.before, m.after, m.rule) for m in plan_assignment(rules, PORTFOLIO)}
    assert moved == {
        "A-1": ("Eski", "Kurumsal", "Büyük hesaplar"),
        "A-2": ("Eski", "Kurumsal", "Yüksek ciro"),
        "A-3": ("Eski", "Doğu", "Iğdır"),
        "A-4": ("Eski", "Ege", "Ege"),
        "A-5": ("Eski", "Kurumsal", "Büyük hesaplar"),
        "A-6": ("Eski", "Marmara", "Marmara"),
        "A-7": ("Eski", "KOBİ", "KOBİ"),
    }


def test_a_region_lists_any_of_several_and_cities_fold_the_turkish_way() -> None:
    rules = TerritoryRules.from_toml(
        '[regions]\nEge = ["İzmir"]\nAkdeniz = ["Antalya"]\n'
        '[[rule]]\nterritory = "Güney-Batı"\nregion = ["Ege", "Akdeniz"]\n'
    )
    accounts = [account("B-1", "izmir", None, None), account("B-2", "ANTALYA", None, None)]
    accounts.append(account("B-3", "Izmir", None, None))  # dotless I folds to ı, read as i
    assert [m.account_id for m in plan_assignment(rules, accounts)] == ["B-1", "B-2", "B-3"]


@pytest.mark.parametrize(
    ("text", "key", "message"),
    [
        ('[[rule]]\nterritory = "X"\nregion = "Marmara"', "rule.1.region", "not in [regions]"),
        (
            '[[rule]]\nterritory = "X"\nemployees_min = 10\nemployees_max = 9',
            "rule.1",
            "employees_min (10) is above employees_max (9)",
        ),
        (
            '[[rule]]\nterritory = "X"\nrevenue_min = 10\nrevenue_max = "9.5"',
            "rule.1",
            "revenue_min (10) is above revenue_max (9.5)",
        ),
        ('[[rule]]\nterritory = "X"\nemployees_min = -1', "rule.1.employees_min", "greater"),
        ('[[rule]]\nterritory = "X"\nemployees_max = "many"', "rule.1.employees_max", "integer"),
        ('[[rule]]\nterritory = "X"\nrevenue_min = -5', "rule.1.revenue_min", "greater"),
        ('[[rule]]\nterritory = "X"\ncity = []', "rule.1.city", "at least 1"),
        ('[[rule]]\nterritory = "X"\ntown = "Bursa"', "rule.1.town", "unknown key"),
        ('[regions]\nMarmara = []\n[[rule]]\nterritory = "X"', "regions.Marmara", "at least 1"),
        ('zones = 1\n[[rule]]\nterritory = "X"', "zones", "unknown key"),
    ],
)
def test_bad_rules_are_refused_by_key(text: str, key: str, message: str) -> None:
    with pytest.raises(InvalidError) as caught:
        TerritoryRules.from_toml(text, source="rules.toml")
    problems = [(p.field, p.message) for p in caught.value.problems]
    assert any(field == key and message in text_ for field, text_ in problems), problems
