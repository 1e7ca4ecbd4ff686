"""`--pdf` prints numbers the Vietnamese way whatever the machine's locale (issue 13 §2):
LibreOffice runs with a vi-VN profile, so "0.00" prints 77,78 and General prints 1,5."""

from __future__ import annotations

import re

import pytest

from addin import app
from addin.io.libreoffice import convert
from tests.conftest import needs_libreoffice, person, unit_sheets, write_openpyxl
from tests.io.test_print_pages import needs_poppler, pdf_pages

pytestmark = [pytest.mark.libreoffice, needs_libreoffice, needs_poppler]


@pytest.mark.parametrize("machine", ["C.UTF-8", "en_US.UTF-8"])
def test_the_report_prints_decimal_commas_on_any_machine(tmp_path, rules, monkeypatch, machine):
    monkeypatch.setenv("LC_ALL", machine)
    monkeypatch.setenv("LANG", machine)
    folder = tmp_path / "cum-3"
    folder.mkdir()
    write_openpyxl(folder / "don-vi.xlsx", unit_sheets([
        person(name="Nguyễn Văn An", members=11, present=9, agree=7, seq=1),
        person(name="Trần Văn Bình", members=10, present=8, agree=8, seq=2)]))
    out = tmp_path / "bao-cao.xlsx"
    app.consolidate_folder(str(folder), str(out), rules, date="20/11/2026")
    text = "\n".join(pdf_pages(convert(out, tmp_path / "pdf", "pdf")))
    assert "77,78" in text and "100,00" in text  # the vote shares, "0.00" formats
    assert not re.search(r"\b(77\.78|100\.00)\b", text)
