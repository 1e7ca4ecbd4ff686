"""Official forms (contracts.md §6): the corpus of tests/forms_corpus.py, in .xlsx, .xls and
.ods, read with exact counts, titles and skipped rows."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from addin.domain.cluster import consolidate
from addin.io.libreoffice import convert
from addin.io.reader import read_unit_workbook
from tests.conftest import needs_libreoffice
from tests.forms_corpus import VARIANTS, Variant, write_source

SHEET_KEYS = {"Cá nhân": "individuals", "Tập thể": "collectives", "Khen thưởng": "commendations"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every variant written as .xlsx, converted by LibreOffice where it is .xls or .ods."""
    folder = tmp_path_factory.mktemp("forms")
    made: dict[str, Path] = {}
    (folder / "src").mkdir()
    for variant in VARIANTS:
        source = write_source(variant, folder / "src")
        target = folder / f"{variant.name}{variant.suffix}"
        if variant.suffix == ".xlsx":
            shutil.copy(source, target)
        else:
            converted = convert(source, folder / "lo", variant.suffix.lstrip("."))
            shutil.move(converted, target)
        made[f"{variant.name}{variant.suffix}"] = target
    return made


def test_corpus_is_large_enough():
    assert len(VARIANTS) >= 12
    assert {v.suffix for v in VARIANTS} == {".xlsx", ".xls", ".ods"}


@needs_libreoffice
@pytest.mark.libreoffice
@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: f"{v.name}{v.suffix}")
def test_official_form_is_read_exactly(corpus, rules, variant: Variant):
    book = read_unit_workbook(corpus[f"{variant.name}{variant.suffix}"])
    assert book.readable, book.issues
    result = consolidate([book], rules)
    book = result.files[0].book  # the judged copy (records are frozen, issue 12)
    for sheet, key in SHEET_KEYS.items():
        if sheet not in variant.sheets:
            continue
        records = getattr(book, key)
        expected = variant.expected_people(sheet)
        assert [r.row for r in records] == [row for row, _, _ in expected], sheet
        if key == "commendations":
            continue
        for nom, (row, title, codes) in zip(records, expected, strict=True):
            errors = {str(i.code) for i in nom.issues if i.severity == "error"}
            assert nom.title == title, (row, nom.name, nom.title_text, nom.issues)
            assert errors == set(codes), (row, nom.name, nom.issues)
    skipped = [(i.sheet, i.row, i.message) for i in result.issues if i.code == "skipped_row"]
    expected_skips = variant.expected_skipped()
    assert [(s, r) for s, r, _ in skipped] == [(s, r) for s, r, _ in expected_skips]
    for (_, row, message), (_, _, quote) in zip(skipped, expected_skips, strict=True):
        assert message.endswith(f'"{quote}"'), (row, message, quote)
    assert all(i.severity == "info" for i in result.issues if i.code == "skipped_row")
    # Nothing else is wrong with the file: no error outside the rows that hold one.
    file_errors = {str(i.code) for i in book.issues if i.severity == "error"}
    assert file_errors == set(), book.issues
    # Every row with content is accounted for: a record or a listed skipped row.
    records = len(book.individuals) + len(book.collectives) + len(book.commendations)
    assert book.rows_read == records + len(expected_skips)


@needs_libreoffice
@pytest.mark.libreoffice
def test_consolidating_official_forms_exits_clean(corpus, tmp_path):
    """The issue's first experience: a cluster of units sending official forms (.xls, .ods,
    NFD text) with no real mistake consolidates with exit 0, nobody invented, nothing lost."""
    import json

    from click.testing import CliRunner

    from addin.cli import cli

    folder = tmp_path / "cum"
    folder.mkdir()
    for name in ("trung-doan.xls", "don-bien-phong.ods", "khong-dau.xlsx"):
        shutil.copy(corpus[name], folder / name)
    result = CliRunner().invoke(cli, ["consolidate", str(folder), "-o", str(tmp_path / "r.xlsx"),
                                      "--json"], catch_exceptions=False)
    data = json.loads(result.output)
    assert result.exit_code == 0, [i for i in data["issues"] if i["severity"] == "error"]
    assert data["totals"] == {"files": 3, "individuals": 6 + 4 + 3, "collectives": 2}
    assert data["by_title"] == {"CSTT": {"proposed": 8, "passed": 8},
                                "CSTDCS": {"proposed": 5, "passed": 5},
                                "DVTT": {"proposed": 1, "passed": 1},
                                "DVQT": {"proposed": 1, "passed": 1}}
    skipped = [i for i in data["issues"] if i["code"] == "skipped_row"]
    assert len(skipped) == sum(len(v.expected_skipped()) for v in VARIANTS
                               if f"{v.name}{v.suffix}" in {p.name for p in folder.iterdir()})
