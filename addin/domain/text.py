"""Text normalisation: what a cell means, independent of how it was typed."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache

_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def clean(value: object) -> str:
    """NFC, trimmed, every run of white space (NBSP and line breaks too) folded to one space."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    return _SPACES.sub(" ", text).strip()


def strip_diacritics(text: str) -> str:
    """'Đơn vị Quyết thắng' -> 'Don vi Quyet thang' (đ/Đ are letters of their own, not marks)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=1)
def _marks_table() -> dict[int, str]:
    """strip_diacritics of each character of the Latin blocks and the combining marks, where
    it changes the character: as one str.translate, what it does to a text of these blocks
    (decomposing a text decomposes each character; only the order of the marks, which go,
    can differ). Made on first use (a few milliseconds), not at import."""
    blocks = (range(0x80, 0x250), range(0x300, 0x370), range(0x1E00, 0x1F00))
    table: dict[int, str] = {}
    for code in (c for block in blocks for c in block):
        stripped = strip_diacritics(chr(code))
        if stripped != chr(code):
            table[code] = stripped
    return table


# A character outside those blocks: such a text takes strip_diacritics itself.
_OTHER_SCRIPT = re.compile(r"[^\x00-\u024f\u0300-\u036f\u1e00-\u1eff]")


def fold(value: object) -> str:
    """Matching key: no diacritics, lower case, punctuation dropped, single spaces.

    'Tỷ lệ (%)', 'TY LE %' and 'tỷ  lệ\\n(%)' all fold to 'ty le'.
    """
    if value is None:
        return ""
    return _fold_text(value if isinstance(value, str) else str(value))


@lru_cache(maxsize=1 << 16)
def _fold_text(text: str) -> str:
    # Cached: headers, titles, ranks and units repeat on every row of every workbook.
    cleaned = clean(text)
    folded = (strip_diacritics(cleaned) if _OTHER_SCRIPT.search(cleaned) else
              cleaned.translate(_marks_table())).lower()
    return _NOT_WORD.sub(" ", folded).strip()


@lru_cache(maxsize=1 << 16)
def person_key(name: str, rank: str, unit: str) -> tuple[str, str, str]:
    """Identity of a person for duplicate detection: normalised name, rank and unit. Cached:
    a cluster's people are compared within their unit's file, then across the files."""
    return (fold(name), fold(rank), fold(unit))


def expand_abbreviations(folded: str, table: Mapping[str, str]) -> str:
    """Replace each abbreviated word of a folded text by its expansion ('cstd co so' ->
    'chien si thi dua co so'); the table's keys and values are folded."""
    return " ".join(table.get(word, word) for word in folded.split())
