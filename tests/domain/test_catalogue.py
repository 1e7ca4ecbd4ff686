"""The army's title catalogue (Thông tư 118/2023/TT-BQP), families of titles, and the
commendation-forms catalogue: rules-book data, recognised from what staff type."""

from __future__ import annotations

from dataclasses import replace

import pytest

from addin.domain.commendation_forms import group_commendations, recognise_form, recognise_forms
from addin.domain.models import Commendation, UnitWorkbook
from addin.domain.rules import RulesError, merge, rules_from_mapping
from addin.domain.titles import recognise_title
from addin.io.rules_file import default_mapping

# The list of TT 118/2023/TT-BQP as the legal-news digest of 30/12/2023 gives it (domain.md).
TT118_INDIVIDUALS = ["Chiến sĩ thi đua toàn quốc", "Chiến sĩ thi đua toàn quân",
                     "Chiến sĩ thi đua cơ sở", "Chiến sĩ tiên tiến", "Lao động tiên tiến"]
TT118_COLLECTIVES = [
    "Cờ thi đua của Chính phủ", "Cờ thi đua của Bộ Quốc phòng",
    "Cờ thi đua của Bộ Tổng Tham mưu, Tổng cục Chính trị, tổng cục, quân khu, quân đoàn, "
    "quân chủng, binh chủng", "Đơn vị Quyết thắng", "Tập thể lao động xuất sắc",
    "Đơn vị tiên tiến", "Tập thể lao động tiên tiến",
    "Đơn vị vững mạnh toàn diện Mẫu mực, tiêu biểu", "Đơn vị huấn luyện giỏi",
    "Đơn vị văn hóa tiêu biểu"]


def test_every_title_of_the_circular_is_in_the_book(rules):
    individual = [recognise_title(t, rules) for t in TT118_INDIVIDUALS]
    collective = [recognise_title(t, rules) for t in TT118_COLLECTIVES]
    assert None not in individual + collective
    assert len(set(individual + collective)) == len(rules.titles) == 15
    assert {rules.title(c).kind for c in individual} == {"individual"}
    assert {rules.title(c).kind for c in collective} == {"collective"}


def test_three_flag_levels_are_distinct_titles_of_one_ladder(rules):
    flags = [recognise_title(t, rules) for t in ("Cờ thi đua cấp quân khu, quân chủng, tổng cục",
                                                 "Cờ thi đua của Bộ Quốc phòng",
                                                 "Cờ thi đua của Chính phủ")]
    assert flags == ["CTD", "CTDBQP", "CTDCP"]
    family = rules.family_of("CTD")
    assert family.titles == ("DVTT", "DVQT", "CTD", "CTDBQP", "CTDCP")
    assert rules.family_of("CTDCP") is family


def test_new_titles_say_their_source_and_that_only_a_digest_confirms_them(rules):
    for code in ("CTD", "CTDBQP", "CTDCP", "VMTDMMTB", "DVHLG", "DVVHTB"):
        title = rules.title(code)
        assert "118/2023" in title.source and title.verified is False
    for family in rules.families.values():
        assert family.source and isinstance(family.verified, bool)
    for form in rules.forms.values():
        assert form.source and isinstance(form.verified, bool) and form.level


def test_titles_awarded_alongside_are_families_of_their_own(rules):
    for code in ("VMTDMMTB", "DVHLG", "DVVHTB"):
        assert rules.family_of(code).titles == (code,)
    assert rules.family_of("DVQT") is not rules.family_of("DVHLG")


def test_quota_counts_follow_the_family_unless_the_book_says_otherwise(rules):
    quotas = {q.id: q for q in rules.quotas}
    assert quotas["DVQT"].counts == ("DVQT", "CTD", "CTDBQP", "CTDCP")
    assert quotas["CTD"].counts == ("CTD", "CTDBQP", "CTDCP")
    for quota in rules.quotas:
        assert not {"VMTDMMTB", "DVHLG", "DVVHTB"} & set(quota.counts)
    override = {"quotas": [
        {"id": "DVHLG", "title": "DVHLG", "max": "30%", "base": "subunits", "source": "s",
         "verified": False},
        {"id": "DVQT", "counts": ["DVQT", "DVHLG"]}]}
    changed = {q.id: q for q in rules_from_mapping(merge(default_mapping(), override)).quotas}
    assert changed["DVHLG"].counts == ("DVHLG",)
    assert changed["DVQT"].counts == ("DVQT", "DVHLG")


@pytest.mark.parametrize("override,key", [
    ({"titles": {"DVHLG": {"synonyms": ["Cờ thi đua"]}}}, "titles.DVHLG"),
    ({"titles": {"DVHLG": {"synonyms": ["CSTDCS"]}}}, "titles.DVHLG"),
    ({"forms": {"GK": {"prefixes": ["Bằng khen BQP"]}}}, "forms.GK"),
    ({"families": {"x": {"name": "x", "titles": ["XYZ"], "source": "s", "verified": False}}},
     "families.x.titles"),
    ({"families": {"x": {"name": "x", "titles": ["DVQT"], "source": "s",
                         "verified": False}}}, "families.x.titles: DVQT đã thuộc families.don-vi"),
    ({"forms": {"GK": {"order": "first"}}}, "forms.GK.order"),
    ({"forms": {"GK": {"prefixs": ["Giấy khen"]}}}, "forms.GK.prefixs"),  # misspelt: refused
    ({"families": {"don-vi": {"title": ["DVQT"]}}}, "families.don-vi.title"),
])
def test_bad_catalogue_data_names_the_key(override, key):
    with pytest.raises(RulesError, match=key):
        rules_from_mapping(merge(default_mapping(), override))


FORM_SPELLINGS = {
    "HC": ["Huân chương Bảo vệ Tổ quốc hạng Ba", "HUÂN CHƯƠNG CHIẾN CÔNG HẠNG NHÌ",
           "huan chuong quan cong"],
    "HUYC": ["Huy chương Chiến sĩ vẻ vang hạng Ba", "Huy chương Quân kỳ quyết thắng"],
    "BKTTG": ["Bằng khen của Thủ tướng Chính phủ", "BK TTg", "BKTTg", "Bằng khen Thủ tướng"],
    "BKBQP": ["Bằng khen của Bộ trưởng Bộ Quốc phòng", "Bằng khen của Bộ Quốc phòng", "BK BQP",
              "BKBQP", "Bằng khen Bộ Quốc phòng (đột xuất)", "bang khen bo quoc phong"],
    "BKQK": ["Bằng khen của Tư lệnh Quân khu 5", "Bằng khen cấp quân khu",
             "Bằng khen của Bộ Tư lệnh Bộ đội Biên phòng"],
    "BKTINH": ["Bằng khen của Chủ tịch UBND tỉnh Đắk Lắk", "Bằng khen UBND tỉnh"],
    "GK": ["Giấy khen", "Giấy khen của Chỉ huy trưởng", "GK", "Giấy khen Trung đoàn 9"],
    "KNC": ["Kỷ niệm chương Vì sự nghiệp xây dựng Quân đội nhân dân Việt Nam"],
    "DHVD": ["Anh hùng Lực lượng vũ trang nhân dân"],
}


@pytest.mark.parametrize("code,text", [(c, t) for c, ts in FORM_SPELLINGS.items() for t in ts])
def test_form_spellings_are_recognised(rules, code, text):
    assert recognise_form(text, rules) == code


@pytest.mark.parametrize("text", ["", "Bằng khen", "Khen thưởng", "Cờ thi đua", None, 3])
def test_non_forms_are_not_recognised(rules, text):
    assert recognise_form(text, rules) is None


def _line(form: str, collectives: int, individuals: int, row: int, kind: str = "Thường xuyên",
          level: str = "") -> Commendation:
    return Commendation(file="u.xlsx", sheet="Khen thưởng", row=row, form=form, kind=kind,
                        level=level, collectives=collectives, individuals=individuals,
                        columns={"form": "B"})


def _book() -> UnitWorkbook:
    return UnitWorkbook(path="u.xlsx", commendations=(
        _line("Bằng khen của Bộ Quốc phòng", 1, 2, 5),
        _line("BK BQP", 0, 3, 6, kind="thường xuyên"),
        _line("Bằng khen của Bộ trưởng Bộ Quốc phòng", 0, 1, 7, kind="Đột xuất"),
        _line("Giấy khen của Chỉ huy trưởng", 2, 9, 8, level="Đơn vị"),
        _line("Bằng khen của Hội Cựu chiến binh huyện", 0, 1, 9),
    ))


def test_commendations_group_by_the_real_form_and_unknown_forms_stay_as_typed(rules):
    unvalidated = group_commendations([_book()], rules)  # no form codes set yet
    judged, issues = recognise_forms(_book().commendations, rules)
    book = replace(_book(), commendations=judged)
    assert [(str(i.code), i.severity, i.row, i.column) for i in issues] == [
        ("unknown_form", "warning", 9, "B")]
    groups = group_commendations([book], rules)
    assert [(g.code, g.form, g.kind, g.level, g.collectives, g.individuals) for g in groups] == [
        ("BKBQP", "Bằng khen của Bộ trưởng Bộ Quốc phòng", "Thường xuyên", "Khen cao", 1, 5),
        ("BKBQP", "Bằng khen của Bộ trưởng Bộ Quốc phòng", "Đột xuất", "Khen cao", 0, 1),
        ("GK", "Giấy khen", "Thường xuyên", "Đơn vị", 2, 9),
        (None, "Bằng khen của Hội Cựu chiến binh huyện", "Thường xuyên", "", 0, 1),
    ]
    assert groups[0].typed == {"Bằng khen của Bộ Quốc phòng", "BK BQP"}
    assert sum(g.individuals for g in groups) == 2 + 3 + 1 + 9 + 1  # nothing vanishes
    assert [(g.code, g.form, g.individuals) for g in unvalidated] == [
        (g.code, g.form, g.individuals) for g in groups]
