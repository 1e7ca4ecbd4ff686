"""Title recognition: any spelling staff type ("CSTĐCS", "Chiến sỹ tiên tiến", "cstd co so")
maps to the code of the rules book, or to None when the text names no known title."""

from __future__ import annotations

from functools import lru_cache

from addin.domain.rules import Rules
from addin.domain.text import fold


def _expand(folded: str, abbreviations: tuple[tuple[str, str], ...]) -> str:
    table = dict(abbreviations)
    words: list[str] = []
    for word in folded.split():
        words.append(table.get(word, word))
    expanded = " ".join(words)
    return expanded.removeprefix("danh hieu ").strip()


@lru_cache(maxsize=64)
def _index(rules: Rules) -> dict[str, str]:
    abbreviations = tuple(sorted(rules.abbreviations.items()))
    index: dict[str, str] = {}
    for code, title in rules.titles.items():
        for spelling in (code, title.name, *title.synonyms):
            index[_expand(fold(spelling), abbreviations)] = code
            index[fold(spelling)] = code
    return index


def recognise_title(text: object, rules: Rules) -> str | None:
    """Return the title code that `text` names, or None."""
    folded = fold(text)
    if not folded:
        return None
    index = _index(rules)
    if folded in index:
        return index[folded]
    return index.get(_expand(folded, tuple(sorted(rules.abbreviations.items()))))
