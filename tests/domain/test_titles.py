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
    # TT 118/2023/TT-BQP: three levels of Cờ thi đua; a bare "Cờ thi đua" (old workbooks) is
    # the military-region level, as it always was counted.
    "CTD": ["Cờ thi đua", "co thi dua", "CTD", "CTĐ", "Cờ thi đua cấp Quân khu",
            "Cờ thi đua của Quân khu 5", "Cờ TĐ QK", "Cờ thi đua của Bộ Tư lệnh Bộ đội Biên phòng",
            "Cờ thi đua của Tổng cục Chính trị", "Cờ thi đua cấp quân khu, quân chủng, tổng cục",
            "Cờ thi đua của đơn vị trực thuộc Bộ Quốc phòng"],
    "CTDBQP": ["Cờ thi đua của Bộ Quốc phòng", "Cờ TĐ BQP", "CTĐ BQP", "Cờ thi đua Bộ Quốc phòng",
               "CTĐBQP", "co thi dua bo quoc phong"],
    "CTDCP": ["Cờ thi đua của Chính phủ", "Cờ TĐ CP", "Cờ thi đua Chính phủ", "CTĐCP"],
    "VMTDMMTB": ["Đơn vị vững mạnh toàn diện “Mẫu mực, tiêu biểu”",
                 "Đơn vị vững mạnh toàn diện Mẫu mực, tiêu biểu", "VMTD MMTB", "ĐV VMTD MMTB",
                 "Đơn vị VMTD \"Mẫu mực, tiêu biểu\"", "don vi vung manh toan dien mau muc tieu bieu"],
    "DVHLG": ["Đơn vị huấn luyện giỏi", "ĐVHLG", "ĐV huấn luyện giỏi", "ĐƠN VỊ HUẤN LUYỆN GIỎI",
              "Danh hiệu Đơn vị huấn luyện giỏi"],
    "DVVHTB": ["Đơn vị văn hóa tiêu biểu", "Đơn vị văn hoá tiêu biểu", "ĐVVHTB",
               "ĐV văn hóa tiêu biểu"],
}


@pytest.mark.parametrize("code,text", [(c, t) for c, ts in SPELLINGS.items() for t in ts])
def test_every_spelling_is_recognised(rules, code, text):
    assert recognise_title(text, rules) == code


@pytest.mark.parametrize("text", ["", "   ", "Chiến sĩ", "Giấy khen", "xyz", None, 15, "Cờ",
                                  "Đơn vị", "Bằng khen của Bộ Quốc phòng"])
def test_non_titles_are_not_recognised(rules, text):
    assert recognise_title(text, rules) is None
