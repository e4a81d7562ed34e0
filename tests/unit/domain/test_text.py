from __future__ import annotations

import pytest

from graphcrm.domain.text import tr_fold, tr_lower, tr_sort_key


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("İSTANBUL", "istanbul"),
        ("ISPARTA", "ısparta"),
        ("Işık", "ışık"),
        ("ŞİŞLİ ÇAĞ ÖĞÜ", "şişli çağ öğü"),
        ("abc", "abc"),
    ],
)
def test_tr_fold_uses_turkish_i_rules(raw: str, folded: str) -> None:
    assert tr_fold(raw) == folded


def test_tr_lower_differs_from_python_lower_on_dotted_capital_i() -> None:
    assert "İ".lower() != "i"  # Python adds a combining dot
    assert tr_lower("İ") == "i"
    assert tr_lower("I") == "ı"


def test_fold_normalises_decomposed_input() -> None:
    decomposed = "S\u0327eker"  # S + combining cedilla
    assert tr_fold(decomposed) == tr_fold("Şeker") == "şeker"


def test_turkish_alphabetical_order() -> None:
    names = ["Zafer", "Şule", "Sude", "Ömer", "Oya", "İlker", "Irmak", "Ğ", "Gül", "Çetin", "Cem"]
    expected = [
        "Cem",
        "Çetin",
        "Gül",
        "Ğ",
        "Irmak",
        "İlker",
        "Oya",
        "Ömer",
        "Sude",
        "Şule",
        "Zafer",
    ]
    assert sorted(names, key=tr_sort_key) == expected


def test_sort_is_case_insensitive_and_puts_digits_first() -> None:
    assert sorted(["ışık", "Ilık", "2 Kat", "abc"], key=tr_sort_key)[0] == "2 Kat"
    assert tr_sort_key("IŞIK") == tr_sort_key("ışık")


def test_foreign_letters_sort_with_their_base_letter() -> None:
    assert sorted(["f", "é", "d"], key=tr_sort_key) == ["d", "é", "f"]
    assert sorted(["x", "w", "z", "v", "y"], key=tr_sort_key) == ["v", "w", "x", "y", "z"]
