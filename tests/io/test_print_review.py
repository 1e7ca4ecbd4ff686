"""Review of session 6's print changes (pages6b): the blank cluster template prints the rows a
chair types, every sheet of the cluster summary is fitted to its page width (contracts.md §5),
a rules book changed by a rules file says so wherever it is named, and the print measures are
written once."""

from __future__ import annotations

import io
import math
from pathlib import Path

import openpyxl
import pytest

from addin import app
from addin.domain import vi_format as vi
from addin.domain.rules_text import rules_lines
from addin.io.cluster_template import cluster_template_bytes
from addin.io.rules_file import LOCAL_RULES_NAME, load_rules
from addin.io.unit_template import GUIDE_SHEET, RULES_SHEET, unit_workbook_bytes
from tests.conftest import collective, person, unit_sheets, write_openpyxl

DEFAULT_NAME = "Quân đội nhân dân Việt Nam (mặc định), phiên bản 2026.1"
MODIFIED = f"{DEFAULT_NAME}, có sửa đổi theo {LOCAL_RULES_NAME}"
LISTS = {"Cá nhân": "R", "Tập thể": "P", "Nguồn": "O"}  # the last printed column of each


def _template(rules):
    return openpyxl.load_workbook(io.BytesIO(cluster_template_bytes(rules)))


def test_the_blank_cluster_templates_lists_print_the_rows_typed_under_their_header(rules):
    """The print areas ended at the header row ('Cá nhân'!$A$1:$R$8): nothing a chair typed
    under it printed. They now run 10,000 rows down, still ending at the last printed column."""
    book = _template(rules)
    for name, last_col in LISTS.items():
        sheet = book[name]
        header = int(sheet.print_title_rows.split(":")[0].lstrip("$"))
        area = sheet.print_area.split("!")[1]
        first, last = area.split(":")
        assert first == "$A$1" and last.startswith(f"${last_col}$"), (name, area)
        assert int(last.split("$")[2]) >= header + 10_000, (name, area)


def _every_sheet_fits_its_width(book: openpyxl.Workbook) -> None:
    for sheet in book.worksheets:
        if sheet.sheet_state != "visible":
            continue
        props = sheet.sheet_properties.pageSetUpPr
        assert props is not None and props.fitToPage, sheet.title
        setup = sheet.page_setup  # fitToWidth: 1 when not written
        assert (setup.fitToWidth or 1, setup.fitToHeight) == (1, 0), sheet.title
        assert setup.scale is None, sheet.title
        assert not sheet.col_breaks.brk, sheet.title


def test_every_sheet_of_the_cluster_template_is_fitted_to_its_page_width(rules):
    """contracts.md §5: "fits to page width". The template's "Tổng hợp" (15 titles) printed in
    two bands at a fixed 76 % with a column break."""
    _every_sheet_fits_its_width(_template(rules))


def test_a_summary_of_many_titles_is_fitted_to_its_page_width(tmp_path, rules):
    """More than 8 titles proposed: one page wide, the pairs of columns 6 wide (they printed
    in bands at a fixed scale)."""
    from addin.io.report import SUMMARY_PAIR_MIN

    codes = list(rules.titles)
    people = [person(name=f"Người {i}", seq=i, title=rules.titles[c].name,
                     initiative="Sáng kiến", streak=5)
              for i, c in enumerate(codes[:8], 1)]
    groups = [collective(name=f"Ban {i}", title=rules.titles[c].name)
              for i, c in enumerate(codes[8:], 1)]
    folder = tmp_path / "cum"
    folder.mkdir()
    write_openpyxl(folder / "don-vi.xlsx", unit_sheets(people, groups))
    out = tmp_path / "bao-cao.xlsx"
    app.consolidate_folder(str(folder), str(out), rules, date="20/11/2026")
    book = openpyxl.load_workbook(out)
    _every_sheet_fits_its_width(book)
    summary = book["Tổng hợp"]
    pairs = summary.column_dimensions["E"]  # openpyxl groups columns of one width
    assert pairs.width == SUMMARY_PAIR_MIN + 0.7109375  # XlsxWriter's width of 6
    assert pairs.max - pairs.min + 1 >= 2 * 9, (pairs.min, pairs.max)


def _cluster(root: Path, name: str, override: str | None) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    write_openpyxl(folder / "don-vi.xlsx", unit_sheets([person()], []))
    if override is not None:
        (folder / LOCAL_RULES_NAME).write_text(override, encoding="utf-8")
    return folder


def _sub_heading(path: Path) -> str:
    book = openpyxl.load_workbook(path, read_only=True)
    found = next(str(v) for row in book["Tổng hợp"].iter_rows(values_only=True) for v in row
                 if isinstance(v, str) and v.startswith("Kỳ báo cáo"))
    book.close()
    return found


@pytest.mark.parametrize(("override", "named"), [
    ('[votes.basic]\nthreshold = "60%"\n', MODIFIED),
    (None, DEFAULT_NAME),
    ('[bao_cao]\nnguoi_ky = "Nguyễn Văn A"\n', DEFAULT_NAME),  # the report's details only
    ('[book]\nlabel = "Cụm 3"\n[votes.basic]\nthreshold = "60%"\n', "Cụm 3, phiên bản 2026.1"),
])
def test_a_rules_book_changed_by_a_rules_file_is_printed_as_modified(tmp_path, override, named):
    """A tdkt-rules.toml that changes a rule and leaves the label was printed under the
    default's name, "Quân đội nhân dân Việt Nam (mặc định), phiên bản 2026.1"."""
    folder = _cluster(tmp_path / "cac-cum", "cum-a", override)
    rules_file = folder / LOCAL_RULES_NAME
    rules = load_rules(rules_file if rules_file.exists() else None)
    assert vi.rules_book_name(rules) == named
    out = tmp_path / "bao-cao.xlsx"
    app.consolidate_folder(str(folder), str(out), rules, date="20/11/2026")
    assert f"Bộ quy tắc: {named}" in _sub_heading(out)
    # `tdkt report`: the cluster folder's own file, layered over the default
    app.report_root(str(folder.parent), str(tmp_path / "ket-qua"), None, jobs=1, date="20/11/2026")
    assert f"Bộ quy tắc: {named}" in _sub_heading(tmp_path / "ket-qua" / "cum-a.xlsx")


def test_the_rules_book_has_one_name_in_the_unit_template_and_rules_show(tmp_path):
    """The unit template's "Quy tắc" sheet said "QUY TẮC BÌNH XÉT — … (phiên bản 2026.1)" and
    `tdkt rules show` "… (quan-doi, phiên bản 2026.1)": composed apart from the printed pages,
    neither said the book was modified."""
    override = tmp_path / LOCAL_RULES_NAME
    override.write_text('[votes.basic]\nthreshold = "60%"\n', encoding="utf-8")
    for rules, name in ((load_rules(), DEFAULT_NAME), (load_rules(override), MODIFIED)):
        book = openpyxl.load_workbook(io.BytesIO(unit_workbook_bytes(rules)))
        assert book[RULES_SHEET]["A1"].value == f"QUY TẮC BÌNH XÉT — {name}"
        guide = [str(c.value) for row in book[GUIDE_SHEET].iter_rows() for c in row
                 if isinstance(c.value, str) and c.value.startswith("Bộ quy tắc: ")]
        assert guide and all(g.startswith(f"Bộ quy tắc: {name}. ") for g in guide), guide
        assert rules_lines(rules)[0] == f"Bộ quy tắc: {name} (mã quan-doi)"


def test_the_print_measures_are_written_once():
    """Excel's 7 w + 5 pixels, LibreOffice's 5.5 pt a width unit and the 8 pt minimum were
    written again where they were used (sheet_spec.column_pt, report.CHART_PX_PER_UNIT,
    chart_label_pt's 8 beside MIN_PRINT_SCALE = 0.73)."""
    from addin.io.report import CHART_PX_PER_UNIT, chart_label_pt
    from addin.io.sheet_spec import (
        FONT_PT,
        MIN_PRINT_SCALE,
        MIN_PRINTED_PT,
        NOTE_MARGIN_PT,
        PADDING_PX,
        PADDING_WIDTH,
        PT_PER_PX,
        PT_PER_WIDTH,
        PX_PER_WIDTH,
        column_pt,
    )

    assert CHART_PX_PER_UNIT == PX_PER_WIDTH == 7 and PADDING_PX == 5 and PT_PER_PX == 0.75
    assert PT_PER_WIDTH == FONT_PT / 2 == 5.5 and PADDING_WIDTH == 5 / 7
    assert MIN_PRINT_SCALE == math.ceil(100 * MIN_PRINTED_PT / FONT_PT) / 100 == 0.73
    assert FONT_PT * MIN_PRINT_SCALE >= MIN_PRINTED_PT
    assert column_pt([10.0, 4.0]) == 0.75 * (7 * 14 + 10) - NOTE_MARGIN_PT
    for scale in (0.5, MIN_PRINT_SCALE, 0.9, 1.0):
        assert chart_label_pt(scale) * scale >= MIN_PRINTED_PT - 0.01


def test_a_charts_labels_are_the_smallest_size_that_prints_at_8_pt():
    """chart_label_pt took 0.001 off 8 / scale so that 8 / 0.8 = 10.000000000000002 gave 10, not
    11: a print scale is a whole percent, and the size is now worked out in whole numbers."""
    from addin.io.report import CHART_LABEL_PT, chart_label_pt
    from addin.io.sheet_spec import MIN_PRINTED_PT

    assert chart_label_pt(0.8) == 10 and chart_label_pt(0.5) == 16
    hundredths = round(100 * MIN_PRINTED_PT)
    for percent in range(10, 101):
        size = chart_label_pt(percent / 100)
        assert size * percent >= hundredths  # prints at 8 pt at least
        assert size == CHART_LABEL_PT or (size - 1) * percent < hundredths  # the smallest


def test_rules_show_names_the_modifying_file_once(tmp_path):
    """`tdkt rules show --rules F` said the change twice: "…, có sửa đổi theo tdkt-rules.toml
    (mã quan-doi) — ghi đè bởi F". The name says it once, with the path the user gave."""
    override = tmp_path / LOCAL_RULES_NAME
    override.write_text('[votes.basic]\nthreshold = "60%"\n', encoding="utf-8")
    shown = str(override)
    first = rules_lines(load_rules(override), shown)[0]
    assert first == f"Bộ quy tắc: {DEFAULT_NAME}, có sửa đổi theo {shown} (mã quan-doi)"
    assert first.count("tdkt-rules.toml") == 1
    plain = tmp_path / "nhan.toml"  # names its own label: not "modified", the path still shown
    plain.write_text('[book]\nlabel = "Cụm 3"\n[votes.basic]\nthreshold = "60%"\n',
                     encoding="utf-8")
    assert rules_lines(load_rules(plain), str(plain))[0].endswith(f" — ghi đè bởi {plain}")
