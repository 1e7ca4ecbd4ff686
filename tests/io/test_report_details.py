"""Who issues and signs the printed reports (issue 13 §1): the `[bao_cao]` table of a cluster's
tdkt-rules.toml (ROOT's for the roll-up) puts the issuing unit, the place and the names on the
pages; without it the cluster's name heads the page and dots and blank lines are left to fill."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from addin import app
from addin.domain import labels as L
from addin.domain.rules import RulesError
from addin.io.libreoffice import convert
from addin.io.rules_file import load_rules
from tests.conftest import needs_libreoffice, person, unit_sheets, write_openpyxl
from tests.io.test_print_pages import DEMO, needs_poppler, pdf_pages

CLUSTER_TOML = """[bao_cao]
don_vi = "Bộ CHQS tỉnh Đắk Lắk"
dia_danh = "Buôn Ma Thuột"
nguoi_lap_bieu = "Thiếu tá Lê Thị Bình"
chuc_danh_ky = "Cụm trưởng"
nguoi_ky = "Đại tá Nguyễn Văn An"
"""
ROOT_TOML = """[bao_cao]
don_vi = "Quân khu 5"
dia_danh = "Đà Nẵng"
nguoi_lap_bieu = "Trung tá Phạm Văn Cường"
nguoi_ky = "Thiếu tướng Trần Văn Dũng"
"""


def test_the_rules_parser_reads_the_report_details(tmp_path):
    path = tmp_path / "tdkt-rules.toml"
    path.write_text(CLUSTER_TOML, encoding="utf-8")
    details = load_rules(path).report
    assert (details.issuer, details.place, details.preparer, details.signer_role,
            details.signer) == ("Bộ CHQS tỉnh Đắk Lắk", "Buôn Ma Thuột", "Thiếu tá Lê Thị Bình",
                                "Cụm trưởng", "Đại tá Nguyễn Văn An")
    assert load_rules().report.issuer == ""  # the shipped book names nobody


def test_a_misspelt_report_key_is_refused_in_vietnamese(tmp_path):
    path = tmp_path / "tdkt-rules.toml"
    path.write_text('[bao_cao]\nnguoi_lap = "Lê Thị Bình"\n', encoding="utf-8")
    with pytest.raises(RulesError, match=r'bao_cao\.nguoi_lap: khóa không có.*"nguoi_lap_bieu"'):
        load_rules(path)
    path.write_text('[bao_cao]\nnguoi_ky = 5\n', encoding="utf-8")
    with pytest.raises(RulesError, match=r"bao_cao\.nguoi_ky: cần văn bản"):
        load_rules(path)


def _root(tmp_path: Path, with_details: bool) -> Path:
    root = tmp_path / ("co-ten" if with_details else "khong-ten")
    for name in ("cum-thi-dua-so-3", "cum-thi-dua-so-4"):
        folder = root / name
        folder.mkdir(parents=True)
        write_openpyxl(folder / "don-vi.xlsx", unit_sheets([person(seq=1)]))
    if with_details:
        (root / "cum-thi-dua-so-3" / "tdkt-rules.toml").write_text(CLUSTER_TOML, "utf-8")
        (root / "tdkt-rules.toml").write_text(ROOT_TOML, encoding="utf-8")
    return root


@pytest.mark.libreoffice
@needs_libreoffice
@needs_poppler
def test_the_printed_pages_carry_the_issuer_place_and_names(tmp_path):
    out = tmp_path / "ket-qua"
    app.report_root(str(_root(tmp_path, True)), str(out), None, jobs=1, date="20/11/2026")
    cluster = pdf_pages(convert(out / "cum-thi-dua-so-3.xlsx", tmp_path / "pdf", "pdf"))
    for page in cluster:
        if L.NATION in page:  # each sheet's first page has the header
            assert "BỘ CHQS TỈNH ĐẮK LẮK" in page and "CỤM THI ĐUA SỐ 3" not in page.split(
                L.NATION)[0]
            assert "Buôn Ma Thuột, ngày 20 tháng 11 năm 2026" in page
    text = "\n".join(cluster)
    assert text.count("Đại tá Nguyễn Văn An") >= 3 and text.count("Thiếu tá Lê Thị Bình") >= 3
    assert "CỤM TRƯỞNG" in text
    # The other cluster has no [bao_cao] of its own: ROOT's names it (the file the reports read)
    other = "\n".join(pdf_pages(convert(out / "cum-thi-dua-so-4.xlsx", tmp_path / "pdf", "pdf")))
    assert "QUÂN KHU 5" in other and "Đà Nẵng, ngày 20" in other
    rollup = "\n".join(pdf_pages(convert(out / "tong-hop-cac-cum.xlsx", tmp_path / "pdf",
                                         "pdf")))
    for words in ("QUÂN KHU 5", "Đà Nẵng, ngày 20 tháng 11 năm 2026", "Trung tá Phạm Văn Cường",
                  "Thiếu tướng Trần Văn Dũng", L.COMMANDER):
        assert words in rollup, words
    assert L.UNNAMED_ISSUER not in rollup


@pytest.mark.libreoffice
@needs_libreoffice
@needs_poppler
def test_without_details_the_cluster_name_heads_the_page_and_dots_are_left(tmp_path):
    out = tmp_path / "ket-qua"
    app.report_root(str(_root(tmp_path, False)), str(out), None, jobs=1, date="20/11/2026")
    first = pdf_pages(convert(out / "cum-thi-dua-so-3.xlsx", tmp_path / "pdf", "pdf"))[0]
    assert "CỤM THI ĐUA SỐ 3" in first
    assert f"{L.PLACE_BLANK}, ngày 20 tháng 11 năm 2026" in first


@pytest.mark.libreoffice
@needs_libreoffice
@needs_poppler
def test_a_signature_block_is_never_split_from_its_names(tmp_path):
    """The demo's first page is full (table, chart): the block moves to the next page whole,
    rather than leaving the names alone on a page of their own."""
    root = tmp_path / "demo"
    shutil.copytree(DEMO, root)
    (root / "cum-thi-dua-so-3" / "tdkt-rules.toml").write_text(CLUSTER_TOML, encoding="utf-8")
    out = tmp_path / "ket-qua"
    app.report_root(str(root), str(out), None, jobs=1, date="20/11/2026")
    pages = pdf_pages(convert(out / "cum-thi-dua-so-3.xlsx", tmp_path / "pdf", "pdf"))
    signed = [i for i, page in enumerate(pages) if L.PREPARER in page]
    named = [i for i, page in enumerate(pages) if "Đại tá Nguyễn Văn An" in page]
    assert signed == named and len(signed) == 3  # Tổng hợp, Hạn mức, Xếp hạng
    for i in signed:
        assert "Thiếu tá Lê Thị Bình" in pages[i] and L.SIGN_HINT in pages[i]
