import pytest

from addin.domain.titles import recognise_title

SPELLINGS = {
    "CSTT": ["CSTT", "Chiến sĩ tiên tiến", "Chiến sỹ tiên tiến", "CHIẾN SĨ TIÊN TIẾN",
             "chien si tien tien", "  Chiến   sĩ tiên tiến  ", "cstt", "Danh hiệu Chiến sĩ tiên tiến",
             "Chie\u0302\u0301n si\u0303 tie\u0302\u0301n tie\u0302\u0301n"],  # NFD
    "LDTT": ["LDTT", "LĐTT", "Lao động tiên tiến", "lao dong tien tien"],
    "CSTDCS": ["CSTDCS", "CSTĐCS", "CSTĐ cơ sở", "CS thi đua cơ sở", "Chiến sĩ thi đua cơ sở",
               "Chiến sỹ thi đua cơ sở", "CHIEN SI THI DUA CO SO", "cstđ cơ sở "],
    "CSTDTQ": ["CSTĐTQ", "CSTĐ toàn quân", "Chiến sĩ thi đua toàn quân"],
    "CSTDTQG": ["CSTĐTQG", "CSTĐ toàn quốc", "Chiến sỹ thi đua toàn quốc"],
    "DVTT": ["DVTT", "ĐVTT", "Đơn vị tiên tiến", "don vi tien tien"],
    "TTLDTT": ["TTLĐTT", "Tập thể lao động tiên tiến"],
    "DVQT": ["ĐVQT", "Đơn vị Quyết thắng", "ĐƠN VỊ QUYẾT THẮNG", "Don vi quyet thang"],
    "TTLDXS": ["TTLĐXS", "Tập thể lao động xuất sắc"],
    "CTD": ["Cờ thi đua", "Cờ thi đua của Bộ Quốc phòng", "co thi dua"],
}


@pytest.mark.parametrize("code,text", [(c, t) for c, ts in SPELLINGS.items() for t in ts])
def test_every_spelling_is_recognised(rules, code, text):
    assert recognise_title(text, rules) == code


@pytest.mark.parametrize("text", ["", "   ", "Chiến sĩ", "Giấy khen", "xyz", None, 15])
def test_non_titles_are_not_recognised(rules, text):
    assert recognise_title(text, rules) is None
