"""Title recognition: any spelling staff type ("CSTĐCS", "Chiến sỹ tiên tiến", "cstd co so",
"Cờ TĐ BQP") maps to the code of the rules book, or to None when the text names no known title.
"""

from __future__ import annotations

from functools import lru_cache

from addin.domain.rules import Rules
from addin.domain.spelling import Matcher, build_matcher


@lru_cache(maxsize=64)
def _matcher(rules: Rules) -> Matcher:
    return build_matcher(((code, (code, t.name, *t.synonyms), t.prefixes)
                          for code, t in rules.titles.items()), rules.abbreviations)


def recognise_title(text: object, rules: Rules) -> str | None:
    """Return the title code that `text` names, or None."""
    return _matcher(rules).match(text)
