"""Text: Turkish-aware folding and collation, and reading a TOML settings file.

Python's ``str.lower`` maps ``I`` to ``i`` and ``İ`` to ``i̇`` (with a combining
dot); Turkish maps ``I`` to ``ı`` and ``İ`` to ``i``. Search and sort in
graphcrm use the Turkish rules everywhere, and both stores persist the folded
and sort-key forms computed here, so that SQLite and Neo4j order and match
names identically.

>>> tr_fold("İSTANBUL Işık")
'istanbul ışık'
>>> sorted(["Zeynep", "Çağla", "Ümit", "Ilgaz", "İpek", "Can"], key=tr_sort_key)
['Can', 'Çağla', 'Ilgaz', 'İpek', 'Ümit', 'Zeynep']
"""

from __future__ import annotations

import tomllib
import unicodedata

from graphcrm.errors import InvalidError, Problem

TURKISH_ALPHABET = "abcçdefgğhıijklmnoöprsştuüvyz"
# Latin letters that Turkish lacks sort after the nearest Turkish letter.
_EXTRA = {"q": ("p", 1), "w": ("v", 1), "x": ("v", 2)}
_BASE = 0x2000  # private run of code points for the collation key; below surrogates
_RANK: dict[str, str] = {}
for _i, _ch in enumerate(TURKISH_ALPHABET):
    _RANK[_ch] = chr(_BASE + 4 * _i)
for _ch, (_after, _offset) in _EXTRA.items():
    _RANK[_ch] = chr(ord(_RANK[_after]) + _offset)


def tr_lower(text: str) -> str:
    """Lower-case ``text`` with the Turkish rules for dotted and dotless i."""
    return text.replace("I", "ı").replace("İ", "i").lower()


def tr_fold(text: str) -> str:
    """Fold ``text`` for case-insensitive Turkish search (NFC, Turkish lower case)."""
    return unicodedata.normalize("NFC", tr_lower(unicodedata.normalize("NFC", text)))


def match_key(text: str) -> str:
    """``text`` folded for matching labels and names typed by hand: Turkish lower case
    (``İ`` -> ``i``, ``I`` -> ``ı``), then dotless ``ı`` as ``i`` (so ``PUBLIC``, typed
    on an English keyboard, matches ``Public``, and ``ISTANBUL`` ``İstanbul``), spaces
    collapsed.

    >>> match_key("  ISTANBUL  Işık ") == match_key("İstanbul ışık")
    True
    """
    return " ".join(tr_fold(text).replace("ı", "i").split())


def _slow_rank(ch: str) -> str:
    rank = _RANK.get(ch)
    if rank is None:
        rank = _RANK.get(unicodedata.normalize("NFKD", ch)[:1])
    if rank is None:
        # General punctuation (U+2000-U+20FF) shares the key's private run:
        # fold it to one code point just below the letters.
        rank = chr(_BASE - 1) if _BASE <= ord(ch) < _BASE + 0x100 else ch
    return rank


# The key is computed with one ``str.translate`` (C speed); characters outside
# this table are rare and go through ``_slow_rank`` once each, then are cached.
_TABLE: dict[int, str] = {ord(ch): _slow_rank(ch) for ch in map(chr, range(0x250))}
_KNOWN: set[str] = {chr(code) for code in _TABLE}


def tr_sort_key(text: str) -> str:
    """A string whose code-point order is Turkish alphabetical order of ``text``.

    Letters outside the Turkish alphabet sort by their base letter
    (``é`` as ``e``); digits, spaces and punctuation sort before letters.
    """
    folded = tr_fold(text)
    if not folded.isascii():
        for ch in set(folded) - _KNOWN:
            _TABLE[ord(ch)] = _slow_rank(ch)
            _KNOWN.add(ch)
    return folded.translate(_TABLE)


def read_toml(text: str | bytes, *, source: str, max_bytes: int) -> dict[str, object]:
    """A settings file's TOML (bytes: UTF-8, a BOM allowed, at most ``max_bytes``).

    Raises
    ------
    InvalidError
        Too large, not UTF-8 or not TOML, naming ``source``.
    """
    if isinstance(text, bytes):
        if len(text) > max_bytes:
            raise InvalidError([Problem(source, "", f"larger than {max_bytes:,} bytes")])
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise InvalidError([Problem(source, "", f"not UTF-8 ({e.reason})")]) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise InvalidError([Problem(source, "", f"not valid TOML: {e}")]) from None
