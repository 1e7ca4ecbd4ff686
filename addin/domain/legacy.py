"""Legacy Vietnamese encodings typed into Excel before Unicode: TCVN3 (ABC) and VNI-Windows.

Those fonts (.VnTime, VNI-Times) drew Vietnamese glyphs over Windows-1252 code points, so a
cell that looks right on the typist's PC holds text such as "NguyÔn V¨n Hïng" (TCVN3) or
"Nguyeãn Vaên Huøng" (VNI). Here it is recognised and converted back to Unicode.

Detection is conservative: a text is converted only when it is not plausible Vietnamese as it
stands and exactly one of the conversions makes it so. Real Unicode text that happens to use
only Latin-1 letters ("Hoàng", "Hoà Bình") is left alone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

# ---------------------------------------------------------------------------------------------
# Building blocks of the Vietnamese alphabet: base vowels and the five tone marks (combining).
_TONES = {"acute": "\u0301", "grave": "\u0300", "hook": "\u0309", "tilde": "\u0303", "dot": "\u0323"}
_BASE_VOWELS = "aăâeêioôơuưy"


def _compose(base: str, tone: str | None) -> str:
    return unicodedata.normalize("NFC", base + (_TONES[tone] if tone else ""))


# ---------------------------------------------------------------------------------------------
# TCVN3 (TCVN 5712:1993, VN3 "ABC"): one byte per letter, lower case plus Ă Â Ê Ô Ơ Ư Đ.
# Byte values 0xA1-0xFE as the glibc TCVN5712-1 converter defines them (checked in the tests
# against `iconv -f TCVN5712-1`). Excel keeps them as the Windows-1252 characters of the bytes.
_TCVN3_BYTES: dict[int, str] = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}
TCVN3_TABLE: dict[str, str] = {bytes([b]).decode("cp1252"): u for b, u in _TCVN3_BYTES.items()}


def _tcvn3_decode(text: str) -> str:
    out: list[str] = []
    for ch in text:
        uni = TCVN3_TABLE.get(ch)
        if uni is None:
            out.append(ch)
            continue
        # VN3 has no accented capitals: "A¸" (capital base + lower toned letter) means "Á".
        if out and out[-1].isupper():
            base = unicodedata.normalize("NFD", uni)
            if base[0] == unicodedata.normalize("NFD", out[-1].lower())[0] and len(base) > 1:
                out[-1] = unicodedata.normalize("NFC", base.upper())
                continue
        out.append(uni)
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# VNI-Windows: a base letter followed by a mark character; i, ỵ, đ, ơ, ư are single characters.
_VNI_VOWEL = {"a": "a", "ă": "aê", "â": "aâ", "e": "e", "ê": "eâ", "o": "o", "ô": "oâ",
              "ơ": "ô", "u": "u", "ư": "ö", "y": "y"}
_VNI_TONE_PLAIN = {"acute": "ù", "grave": "ø", "hook": "û", "tilde": "õ", "dot": "ï"}
_VNI_TONE_CIRCUMFLEX = {"acute": "á", "grave": "à", "hook": "å", "tilde": "ã", "dot": "ä"}
_VNI_TONE_BREVE = {"acute": "é", "grave": "è", "hook": "ú", "tilde": "ü", "dot": "ë"}
_VNI_I = {None: "i", "acute": "í", "grave": "ì", "hook": "æ", "tilde": "ó", "dot": "ò"}


def _vni_sequence(vowel: str, tone: str | None) -> str:
    if vowel == "i":
        return _VNI_I[tone]
    if vowel == "y" and tone == "dot":
        return "î"
    if tone is None:
        return _VNI_VOWEL[vowel]
    if vowel in "âêô":
        return _VNI_VOWEL[vowel][0] + _VNI_TONE_CIRCUMFLEX[tone]
    if vowel == "ă":
        return "a" + _VNI_TONE_BREVE[tone]
    return _VNI_VOWEL[vowel] + _VNI_TONE_PLAIN[tone]


def _build_vni_table() -> dict[str, str]:
    table: dict[str, str] = {"ñ": "đ", "Ñ": "Đ"}
    for vowel in _BASE_VOWELS:
        for tone in (None, *_TONES):
            uni = _compose(vowel, tone)
            seq = _vni_sequence(vowel, tone)
            if seq != uni:
                table[seq] = uni
                table[seq.upper()] = uni.upper()
    return table


VNI_TABLE: dict[str, str] = _build_vni_table()
_VNI_PATTERN = re.compile("|".join(re.escape(k) for k in sorted(VNI_TABLE, key=len, reverse=True)))


_VNI_PAIR = re.compile("|".join(re.escape(k) for k in VNI_TABLE if len(k) == 2))


def _vni_decode(text: str) -> str:
    return _VNI_PATTERN.sub(lambda m: VNI_TABLE[m.group(0)], text)


def encode_vni(text: str) -> str:
    """Unicode -> VNI-Windows (as Excel would hold it); used to build test data."""
    reverse: dict[str, str] = {}
    for seq, uni in VNI_TABLE.items():
        if uni not in reverse or len(seq) < len(reverse[uni]):
            reverse[uni] = seq
    return "".join(reverse.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


def encode_tcvn3(text: str) -> str:
    """Unicode -> TCVN3 (capitals with tones written as base capital + lower toned letter)."""
    reverse = {uni: ch for ch, uni in TCVN3_TABLE.items()}
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in reverse:
            out.append(reverse[ch])
        elif ch.isupper() and ch.lower() in reverse:
            decomposed = unicodedata.normalize("NFD", ch)
            base = decomposed[0]
            out.append(base + reverse[ch.lower()])
        else:
            out.append(ch)
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Plausibility: is a text Vietnamese as written?
_VN_LETTERS = set(
    "".join(_compose(v, t) for v in _BASE_VOWELS for t in (None, *_TONES)) + "đ"
)
_VN_LETTERS |= {ch.upper() for ch in _VN_LETTERS}
_VN_ONLY = {ch for ch in _VN_LETTERS if ord(ch) > 0xFF}  # never produced by Windows-1252
_NUCLEI = set(
    "a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi oo ôi ơi ua uâ uê ui "
    "uô uơ uy ưa ưi ưu ươ yê iêu oai oay oeo uây uôi ươi ươu uya uyê uyu yêu uyêu".split()
)
_VOWEL_RUN = re.compile(f"[{_BASE_VOWELS}]+")
_TONE_MARKS = set(_TONES.values())


def _implausibility(text: str) -> int:
    score = 0
    for ch in text:
        if ord(ch) > 0x7E and ch not in _VN_LETTERS and not ch.isspace() and ch != "\u00a0":
            score += 10  # a symbol or foreign letter where a Vietnamese letter belongs
    for word in text.split():
        decomposed = unicodedata.normalize("NFD", word.lower())
        if sum(1 for ch in decomposed if ch in _TONE_MARKS) > 1:
            score += 1
        bare = unicodedata.normalize(
            "NFC", "".join(ch for ch in decomposed if ch not in _TONE_MARKS)
        )
        for run in _VOWEL_RUN.findall(bare):
            if run not in _NUCLEI:
                score += 1
    return score


def _vni_evidence(text: str) -> bool:
    """A VNI vowel+mark pair in VNI's own casing: lower+lower, or upper+upper in an all-caps
    word. TCVN3 lower-case letters look like capitals ("YÕn" is TCVN3 "Yến"), never the reverse."""
    for word in text.split():
        all_caps = not any(ch.islower() for ch in word)
        for match in _VNI_PAIR.finditer(word):
            pair = match.group(0)
            if pair.islower() or (pair.isupper() and all_caps):
                return True
    return False


_DECODERS: dict[str, Callable[[str], str]] = {"TCVN3": _tcvn3_decode, "VNI": _vni_decode}


def detect_and_convert(text: str) -> tuple[str, str | None]:
    """Return (unicode_text, encoding) where encoding is "TCVN3", "VNI" or None (unchanged)."""
    if text.isascii() or any(ch in _VN_ONLY for ch in text):
        return text, None
    original = _implausibility(text)
    if original == 0:
        return text, None
    plausible: list[tuple[str, str]] = []
    for name, decode in _DECODERS.items():
        converted = decode(text)
        if converted != text and _implausibility(converted) == 0:
            plausible.append((converted, name))
    if len(plausible) == 1:
        return plausible[0]
    if len(plausible) == 2:
        # Both read as Vietnamese ("Kroâng": TCVN3 "Kroõng", VNI "Krông"). A vowel followed by
        # a VNI mark is the stronger evidence; otherwise TCVN3, the official standard, wins.
        wanted = "VNI" if _vni_evidence(text) else "TCVN3"
        return next(p for p in plausible if p[1] == wanted)
    return text, None
