"""The English sentences of the translation catalogue (:mod:`graphcrm.viz.i18n`), for
the tests that read a page in Turkish and fail on any of them (HTTP and browser)."""

from __future__ import annotations

import re

from graphcrm.viz.i18n import _M


def english_sentences() -> set[str]:
    """The literal pieces (between placeholders) of every English message that differs
    from its Turkish one, long enough to be a sentence and not a name or a code."""
    out = set()
    for en, tr in _M.values():
        if en == tr:
            continue
        for piece in re.split(r"\{[^}]*\}", en):
            piece = piece.strip(" .,:;()·")
            if len(piece) >= 8 and " " in piece and piece not in tr:
                out.add(piece)
    return out


def leaked(text: str, english: set[str]) -> list[str]:
    """The sentences of ``english`` found in ``text`` (whitespace folded)."""
    flat = " ".join(text.split())
    return sorted(e for e in english if e in flat)
