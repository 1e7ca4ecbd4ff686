import shutil
import subprocess
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from addin.domain.legacy import (
    _DECODERS,
    _TCVN3_BYTES,
    _implausibility,
    detect_and_convert,
    encode_tcvn3,
    encode_vni,
)

NAMES = ["Nguyễn Văn Hùng", "Phạm Đức Thắng", "Mường Khương", "Trần Thị Ánh Tuyết",
         "Đặng Quốc Huy", "Lê Ỷ Lan", "Hoàng Thuỳ Linh", "Chiến sĩ thi đua cơ sở",
         "Ban CHQS huyện M'Đrắk", "Đồn Biên phòng Mường Khương", "Võ Nguyên Giáp", "Đại uý",
         "Thượng tá", "Krông Bông", "Bùi Thị Xuân", "Thanh Hóa", "ĐƠN VỊ QUYẾT THẮNG"]


def test_known_tcvn3_spellings():
    assert detect_and_convert("NguyÔn V¨n Hïng") == ("Nguyễn Văn Hùng", "TCVN3")
    assert detect_and_convert("Ph¹m §øc Th¾ng") == ("Phạm Đức Thắng", "TCVN3")
    assert detect_and_convert("M\u00adêng Kh\u00ad¬ng") == ("Mường Khương", "TCVN3")


def test_known_vni_spellings():
    assert detect_and_convert("Nguyeãn Vaên Huøng") == ("Nguyễn Văn Hùng", "VNI")
    assert detect_and_convert("Phaïm Ñöùc Thaéng") == ("Phạm Đức Thắng", "VNI")
    assert detect_and_convert("Möôøng Khöông") == ("Mường Khương", "VNI")


@pytest.mark.parametrize("name", NAMES)
def test_round_trips(name):
    assert detect_and_convert(encode_tcvn3(name)) == (name, "TCVN3")
    assert detect_and_convert(encode_vni(name)) == (name, "VNI")


@pytest.mark.parametrize("text", NAMES + ["Hoàng", "Hoà Bình", "Toàn", "Ea Kar", "Café",
                                          "Renée", "Y Bih Niê", "H'Hen Niê", "12/2024", ""])
def test_unicode_text_is_left_alone(text):
    assert detect_and_convert(text) == (text, None)


@pytest.mark.skipif(shutil.which("iconv") is None, reason="glibc iconv not available")
def test_tcvn3_table_matches_glibc_converter():
    """Each byte of our TCVN3 table decodes as glibc's TCVN5712-1 decodes it."""
    for byte, expected in _TCVN3_BYTES.items():
        out = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=bytes([byte]),
                             capture_output=True, check=True).stdout.decode()
        assert unicodedata.normalize("NFC", out) == expected, hex(byte)


SYLLABLES = ["Nguyễn", "Văn", "Hùng", "Thị", "Ngọc", "Đức", "Thắng", "Mường", "Khương", "Lê",
             "Trần", "Hoàng", "Phạm", "Quốc", "Huy", "Yến", "Bảo", "Thuỷ", "Ánh", "Dũng",
             "Hiếu", "Tuấn", "Xuân", "Khoa", "Sơn", "Phượng", "Nhung", "Ổn", "Ước"]


@given(st.lists(st.sampled_from(SYLLABLES), min_size=1, max_size=5))
def test_random_names_never_convert_wrongly(words):
    """Legacy text converts back to the name. The only exceptions are spellings that are
    ambiguous without a dictionary: the legacy text is itself plausible Vietnamese (VNI "Sôn"
    for "Sơn": left alone), or both encodings read as Vietnamese (TCVN3 "Thuû" = "Thuỷ", VNI
    "Thuû" = "Thủ"). A longer name almost always carries a telltale letter (see below)."""
    name = " ".join(words)
    for encoded in (encode_tcvn3(name), encode_vni(name)):
        out, _ = detect_and_convert(encoded)
        readings = {decode(encoded) for decode in _DECODERS.values()}
        plausible = {r for r in readings if r != encoded and _implausibility(r) == 0}
        assert out == name or (out == encoded and _implausibility(encoded) == 0) or (
            len(plausible) == 2 and out in plausible)


def test_names_with_a_telltale_letter_always_round_trip():
    for name in NAMES:
        for encoded in (encode_tcvn3(name), encode_vni(name)):
            assert detect_and_convert(encoded)[0] == name
