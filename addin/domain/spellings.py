"""Every spelling of each title that a spreadsheet lookup can match, generated from the engine.

The unit template decides titles with Excel formulas (MATCH on a list), which cannot fold
diacritics or expand abbreviations the way addin.domain.titles does. So the template's list is
generated here from the rules book: each name, code and synonym, as written and without
diacritics, with the book's abbreviations written as initials ("CSTĐ cơ sở", "CSTD co so",
"ĐVQT") or as the key itself, and with single-word respellings ("sĩ" → "sỹ"). A spelling is
kept only when the engine itself recognises it as that title, so the template never knows a
spelling the engine does not; MATCH ignores case, and the template's TRIM handles the spaces.
"""

from __future__ import annotations

import unicodedata
from itertools import product

from addin.domain.rules import Rules
from addin.domain.spelling import spelling_keys
from addin.domain.text import clean, fold, strip_diacritics
from addin.domain.titles import recognise_title


def _respell(word: str, key: str) -> str:
    """'sĩ' respelled as key 'sy' -> 'sỹ': base letters swapped, tone marks kept."""
    decomposed = unicodedata.normalize("NFD", word)
    bases = [i for i, ch in enumerate(decomposed) if not unicodedata.combining(ch)]
    if len(bases) != len(key):
        return key
    chars = list(decomposed)
    for i, letter in zip(bases, key, strict=True):
        chars[i] = letter.upper() if chars[i].isupper() else letter
    return unicodedata.normalize("NFC", "".join(chars))


def _initials(words: list[str]) -> str:
    return "".join(w[0] for w in words).upper()


def _word_choices(words: list[str], abbreviations: dict[str, str]) -> list[list[str]]:
    """Per position, the ways a staff member writes that stretch of words. A multi-word
    abbreviation covers several words: its choices sit on its first word and the words it
    covers get an empty choice (handled by `_forms`)."""
    folded = [fold(w) for w in words]
    choices = [[w, strip_diacritics(w)] for w in words]
    for key, expansion in abbreviations.items():
        target = expansion.split()
        if len(target) == 1:
            for i, f in enumerate(folded):
                if f == target[0] and key != f:
                    choices[i] += [_respell(words[i], key), key]
    return choices


def _abbreviated(words: list[str], abbreviations: dict[str, str]) -> list[list[str]]:
    """The word lists with one or two multi-word stretches written as initials or keys."""
    folded = [fold(w) for w in words]
    results: list[list[str]] = []
    spans: list[tuple[int, int, list[str]]] = []
    for key, expansion in abbreviations.items():
        target = expansion.split()
        if len(target) < 2:
            continue
        for start in range(len(words) - len(target) + 1):
            if folded[start:start + len(target)] == target:
                stretch = words[start:start + len(target)]
                spans.append((start, start + len(target), [_initials(stretch), key.upper()]))
    for a in range(len(spans)):
        for b in range(a, len(spans)):
            chosen = [spans[a]] if a == b else [spans[a], spans[b]]
            if len(chosen) == 2 and not (chosen[0][1] <= chosen[1][0]
                                         or chosen[1][1] <= chosen[0][0]):
                continue  # overlapping stretches
            for picks in product(*(s[2] for s in chosen)):
                out: list[str] = []
                i = 0
                for (start, end, _), pick in sorted(zip(chosen, picks, strict=True)):
                    out += words[i:start] + [pick]
                    i = end
                results.append(out + words[i:])
    return results


def _forms(spelling: str, abbreviations: dict[str, str]) -> list[str]:
    words = clean(spelling).split()
    forms: list[str] = []
    for variant in [words, *_abbreviated(words, abbreviations)]:
        choices = _word_choices(variant, abbreviations)
        # Whole-spelling forms (as written, no diacritics) and single-word respellings.
        forms.append(" ".join(c[0] for c in choices))
        forms.append(" ".join(c[1] for c in choices))
        for i, c in enumerate(choices):
            for alternative in c[2:]:
                forms.append(" ".join([*(x[0] for x in choices[:i]), alternative,
                                       *(x[0] for x in choices[i + 1:])]))
                forms.append(" ".join([*(x[1] for x in choices[:i]), alternative,
                                       *(x[1] for x in choices[i + 1:])]))
    return forms


def lookup_spellings(rules: Rules) -> list[tuple[str, str]]:
    """(spelling, title code) pairs for a case-insensitive lookup, in a stable order; each
    one recognised by the engine as that code."""
    found: dict[str, tuple[str, str]] = {}
    abbreviations = dict(sorted(rules.abbreviations.items()))
    for code, title in rules.titles.items():
        for spelling in (title.name, code, *title.synonyms):
            for form in _forms(spelling, abbreviations):
                key = form.casefold()
                if key and key not in found and recognise_title(form, rules) == code:
                    found[key] = (form, code)
    # Grouped by title, in the book's order: the sheet finds one title's spellings as one block.
    order = {code: i for i, code in enumerate(rules.titles)}
    return sorted(found.values(), key=lambda pair: order[pair[1]])


# A word the engine needs after a prefix ("Cờ thi đua của Quân khu" + "5"): a prefix names a
# title only when more text follows it.
_FOLLOWING_WORD = "5"


def _claimed_keys(rules: Rules, code: str) -> list[str]:
    """Every key (exact spelling or prefix) of the titles other than `code`."""
    keys: list[str] = []
    for other, title in rules.titles.items():
        if other != code:
            for spelling in (other, title.name, *title.synonyms, *title.prefixes):
                keys += spelling_keys(spelling, rules.abbreviations)
    return keys


def prefix_spellings(rules: Rules) -> list[tuple[str, str]]:
    """(prefix, title code) pairs for a spreadsheet's "starts with this, then a space" test:
    each prefix of the rules book in the forms of `lookup_spellings`, kept only when the engine
    reads "<prefix> <word>" as that title and no other title claims a longer text starting so
    (the longest-prefix and exact-first rules of the engine then never disagree with a plain
    "starts with" test; a text the sheet cannot decide is left unrecognised, never misread)."""
    found: dict[str, tuple[str, str]] = {}
    abbreviations = dict(sorted(rules.abbreviations.items()))
    for code, title in rules.titles.items():
        others = _claimed_keys(rules, code)
        for prefix in title.prefixes:
            for form in _forms(prefix, abbreviations):
                key = form.casefold()
                if not key or key in found:
                    continue
                if recognise_title(f"{form} {_FOLLOWING_WORD}", rules) != code:
                    continue
                mine = spelling_keys(form, abbreviations)
                if any(other.startswith(f"{k} ") or other == k for k in mine for other in others):
                    continue
                found[key] = (form, code)
    return list(found.values())
