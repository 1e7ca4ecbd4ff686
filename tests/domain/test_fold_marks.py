"""fold strips diacritics with one str.translate for Latin text (addin.domain.text): the same
key strip_diacritics gives, character by character and for texts mixing marks."""

from __future__ import annotations

import random
import unicodedata

from addin.domain.text import _NOT_WORD, _fold_text, clean, fold, strip_diacritics


def _old_fold(text: str) -> str:
    return _NOT_WORD.sub(" ", strip_diacritics(clean(text)).lower()).strip()


def test_every_latin_letter_and_mark_folds_as_strip_diacritics_folds_it():
    codes = [*range(0x20, 0x250), *range(0x300, 0x370), *range(0x1E00, 0x1F00)]
    texts = [f"a{chr(c)}b" for c in codes]
    assert [_fold_text.__wrapped__(t) for t in texts] == [_old_fold(t) for t in texts]


def test_mixed_texts_fold_as_before():
    rng = random.Random(7)
    pool = ("Nguyễn Văn Đức", "ĐẶNG THỊ ÁNH", "Hồ Quỳnh", "CSTĐ-CS", " ", "\u0301", "\u0323",
            "e\u0302\u0301", "한국", "ⅷ", "ﬁ", "Ǆ", "µ", "\u00a0", "Ω", "ß", "İ", "ĳ", "ŉ",
            # marks outside the table's blocks: the text takes strip_diacritics itself
            "\u1dc4", "\u20d7", "\ufe20", "ê\u1dc4")
    for _ in range(2000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(1, 6)))
        for form in ("NFC", "NFD"):
            t = unicodedata.normalize(form, text)
            assert _fold_text.__wrapped__(t) == _old_fold(t), t


def test_vietnamese_keys():
    assert fold("Đặng Thị Ánh  Tuyết\n(CSTĐ)") == "dang thi anh tuyet cstd"
    assert fold("Tỷ lệ (%)") == fold("TY LE %") == "ty le"


def test_a_mark_outside_the_tables_blocks_is_stripped_too():
    assert fold("Nguyê\u1dc4n") == "nguyen"
