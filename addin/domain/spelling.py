"""Recognising a catalogue entry (a title, a commendation form) from what staff typed.

A text names an entry when, folded (no diacritics, any case, punctuation dropped) and with its
abbreviations expanded, it equals one of the entry's spellings, or else starts with one of its
prefixes ("Huân chương Chiến công hạng Ba" starts with "Huân chương"); the longest prefix wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from addin.domain.text import expand_abbreviations, fold


def spelling_keys(spelling: object, abbreviations: Mapping[str, str]) -> tuple[str, ...]:
    """The matching keys of one spelling, as typed first: folded, then with its abbreviations
    expanded ("Cờ TĐ BQP" -> "co td bqp", "co thi dua bo quoc phong")."""
    return _keys(fold(spelling), abbreviations)


def _keys(folded: str, abbreviations: Mapping[str, str]) -> tuple[str, ...]:
    if not folded:
        return ()
    expanded = expand_abbreviations(folded, abbreviations).removeprefix("danh hieu ").strip()
    return (folded,) if expanded in ("", folded) else (folded, expanded)


CACHE_LIMIT = 4096  # distinct texts remembered per matcher (a hostile file cannot grow it)


@dataclass(frozen=True)
class Matcher:
    exact: Mapping[str, str]  # key -> code
    prefixes: Mapping[str, str]  # key -> code
    abbreviations: Mapping[str, str]
    longest: int  # words in the longest prefix
    # Titles repeat on every row: each distinct folded text is resolved once.
    _seen: dict[str, str | None] = field(default_factory=dict, compare=False, hash=False)

    def match(self, text: object) -> str | None:
        folded = fold(text)
        if folded in self.exact:
            return self.exact[folded]
        if not folded:
            return None
        if folded in self._seen:
            return self._seen[folded]
        found = self._resolve(folded)
        if len(self._seen) < CACHE_LIMIT:
            self._seen[folded] = found
        return found

    def _resolve(self, folded: str) -> str | None:
        keys = _keys(folded, self.abbreviations)  # already folded: not folded twice
        for key in keys:
            if key in self.exact:
                return self.exact[key]
        # Longest prefix first, looked up word by word: cost bounded by the longest prefix,
        # whatever the length of the text.
        best: tuple[int, str] | None = None
        for key in keys:
            words = key.split(" ")
            for n in range(min(len(words) - 1, self.longest), 0, -1):
                code = self.prefixes.get(" ".join(words[:n]))
                if code is not None:
                    if best is None or n > best[0]:
                        best = (n, code)
                    break
        return best[1] if best else None


def build_matcher(entries: Iterable[tuple[str, Iterable[str], Iterable[str]]],
                  abbreviations: Mapping[str, str]) -> Matcher:
    """entries: (code, exact spellings, prefixes). Later entries never override earlier ones;
    the rules parser refuses a spelling shared by two entries."""
    exact: dict[str, str] = {}
    prefixes: dict[str, str] = {}
    for code, spellings, starts in entries:
        for spelling in spellings:
            for key in spelling_keys(spelling, abbreviations):
                exact.setdefault(key, code)
        for start in starts:
            for key in spelling_keys(start, abbreviations):
                prefixes.setdefault(key, code)
                exact.setdefault(key, code)
    longest = max((p.count(" ") + 1 for p in prefixes), default=0)
    return Matcher(exact, prefixes, dict(abbreviations), longest)


def clashes(entries: Iterable[tuple[str, Iterable[str]]],
            abbreviations: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """(spelling, code, other code) for every spelling that two entries both claim."""
    owner: dict[str, str] = {}
    found: list[tuple[str, str, str]] = []
    for code, spellings in entries:
        for spelling in spellings:
            for key in spelling_keys(spelling, abbreviations):
                if owner.setdefault(key, code) != code:
                    found.append((spelling, code, owner[key]))
    return found
