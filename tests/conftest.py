"""Shared fixtures: the default rules book, and builders of real .xlsx files (openpyxl and
xlsxwriter) in any layout a unit might send."""

from __future__ import annotations

import inspect
import os
import re
import shutil
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter

from addin.domain import fields as F
from addin.domain.rules import Rules
from addin.io.rules_file import load_rules


class TextLiteral(str):
    """A string cell that must stay text even when it starts with "=" (formula injection)."""


Sheets = Mapping[str, Sequence[Sequence[Any]]]

INFO_ROWS = [["Đơn vị", "Ban CHQS huyện Ea Kar"], ["Cụm thi đua", "Cụm thi đua số 3"],
             ["Kỳ báo cáo", "Năm 2024"], ["Quân số", 60], ["Số đầu mối", 5]]
# The contract's headers, in the template's order (the canonical labels of addin.domain.fields).
# Tuples: a test that changes a header must copy it, never change it for the other tests.
IND_HEADER = tuple(v for k, v in F.INDIVIDUAL_LABELS.items()
                   if k not in ("service_no", "birth_year"))  # optional §6 columns left out
COL_HEADER = tuple(F.COLLECTIVE_LABELS.values())


def person(name: str = "Nguyễn Văn Hùng", title: str = "Chiến sĩ tiên tiến", members: Any = 10,
           present: Any = 10, agree: Any = 8, rank: str = "Trung sĩ", initiative: str = "",
           streak: Any = None, seq: int = 1, unit: str = "", note: str = "") -> list[Any]:
    return [seq, name, rank, "Chiến sĩ", unit, title, members, present, agree, None, None,
            initiative, streak, note]


def collective(name: str = "Ban Tham mưu", title: str = "Đơn vị tiên tiến", headcount: Any = 20,
               cstt: Any = 15, cstdcs: Any = 1, disciplined: Any = 0, members: Any = 10,
               present: Any = 10, agree: Any = 9) -> list[Any]:
    return [1, name, title, headcount, cstt, cstdcs, disciplined, members, present, agree, None,
            None, ""]


def unit_sheets(individuals: Sequence[Sequence[Any]] = (), collectives: Sequence[Sequence[Any]] = (),
                info: Sequence[Sequence[Any]] | None = None, title_rows: int = 3) -> dict[str, list]:
    """A unit workbook in the contract's layout, with `title_rows` rows above each header."""
    top = [["DANH SÁCH"]] + [[] for _ in range(title_rows - 1)] if title_rows else []
    return {
        "Thông tin": [list(r) for r in (INFO_ROWS if info is None else info)],
        "Cá nhân": top + [list(IND_HEADER)] + [list(r) for r in individuals],
        "Tập thể": top + [list(COL_HEADER)] + [list(r) for r in collectives],
        "Khen thưởng": [["Hình thức khen thưởng", "Loại", "Cấp khen", "Số tập thể", "Số cá nhân"],
                        ["Giấy khen", "Thường xuyên", "Đơn vị", 2, 5]],
    }


def write_openpyxl(path: Path, sheets: Sheets, merged: Mapping[str, Sequence[str]] | None = None,
                   hidden: Sequence[str] = ()) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = ws.cell(r, c, value)
                if isinstance(value, TextLiteral):
                    cell.data_type = "s"
        for ref in (merged or {}).get(name, ()):
            ws.merge_cells(ref)
        if name in hidden:
            ws.sheet_state = "hidden"
    wb.save(path)
    return path


def write_xlsxwriter(path: Path, sheets: Sheets) -> Path:
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, TextLiteral):
                    ws.write_string(r, c, value)
                elif isinstance(value, str) and value.startswith("="):
                    ws.write_formula(r, c, value)
                elif isinstance(value, str):
                    ws.write_string(r, c, value)
                else:
                    ws.write(r, c, value)
    wb.close()
    return path


@pytest.fixture(scope="session")
def rules() -> Rules:
    return load_rules()


Writer = Callable[[Path, Sheets], Path]


@pytest.fixture(params=["openpyxl", "xlsxwriter"])
def writer(request: pytest.FixtureRequest) -> Writer:
    return write_openpyxl if request.param == "openpyxl" else write_xlsxwriter


def soffice_available() -> bool:
    return shutil.which("soffice") is not None


# On CI LibreOffice is installed by .ci/run: there a missing soffice fails instead of skipping.
needs_libreoffice = pytest.mark.skipif(
    not soffice_available() and not os.environ.get("CI"),
    reason="LibreOffice (soffice) is not installed")


# ----------------------------------------------------------------------------------------------
# The fast inner loop, `pytest -m "not slow"` (issue 12 §9): one rule marks what is slow, so a
# new test is classified by what it does, not by someone remembering a marker. Slow: anything
# needing LibreOffice; starting a process (subprocess, the interpreter, the xlwings remote
# engine, the cluster process pool, killing workers); whole jobs (validate, consolidate,
# report, history import, the demo) and whole workbooks written (templates, reports, the
# file-based macro book);
# property-based hunts (hypothesis). What a test calls counts: its own source, that of the
# test helpers it names (one level), e.g. a module's `run(...)` wrapping subprocess, and that of
# the fixtures it uses (a fixture that builds the add-in or imports into a database).
_SLOW_SIGNS = re.compile(
    r"\bsubprocess\b|sys\.executable|os\.kill|\bsignal\.|\bSIGKILL\b|\bconvert\(|to_pdf|"
    r"soffice|libreoffice|xlwings|\bdemo\b|\bDEMO\b|@given\b|WorkerPool|Process\(|threading|"
    r"\"(?:consolidate|report|demo|history|template|validate)\"|consolidate_folder|report_root|"
    r"import_paths|_bytes\(|FileBook|ranking_sheets|write_templates|tong_hop_cum|xep_hang_cum|"
    r"write_demo|demo_history")


def _sources(function: object) -> list[str]:
    """The test's source and that of the helpers (functions of the tests package) it names."""
    try:
        found = [inspect.getsource(function)]  # type: ignore[arg-type]
    except (OSError, TypeError):
        return []
    code, names = getattr(function, "__code__", None), getattr(function, "__globals__", {})
    for name in code.co_names if code is not None else ():
        helper = names.get(name)
        if inspect.isfunction(helper) and helper.__module__.startswith("tests"):
            try:
                found.append(inspect.getsource(helper))
            except (OSError, TypeError):
                continue
    return found


def _fixture_sources(item: pytest.Item) -> list[str]:
    """The sources of the test's fixtures of this project (and the helpers they name)."""
    info = getattr(item, "_fixtureinfo", None)
    found: list[str] = []
    for name, defs in (info.name2fixturedefs.items() if info is not None else ()):
        for fixture in defs:
            if name != "_fast_tests_start_no_process" and \
                    getattr(fixture.func, "__module__", "").startswith("tests"):
                found += _sources(fixture.func)
    return found


def _needs_libreoffice(item: pytest.Item) -> bool:
    return item.get_closest_marker("libreoffice") is not None or any(
        "LibreOffice" in str(mark.kwargs.get("reason", "")) for mark in item.iter_markers("skipif"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if _needs_libreoffice(item):
            item.add_marker(pytest.mark.libreoffice)
            item.add_marker(pytest.mark.slow)
        elif any(_SLOW_SIGNS.search(text) for text in
                 _sources(getattr(item, "function", None)) + _fixture_sources(item)):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _fast_tests_start_no_process(request: pytest.FixtureRequest,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The rule above, enforced: a test it leaves in the fast loop fails if it starts a
    process (fork, exec, spawn), so a misclassified test shows itself instead of slowing the
    loop down or hanging it without LibreOffice."""
    if request.node.get_closest_marker("slow") is not None:
        return

    def refused(*args: object, **kwargs: object) -> Any:
        raise AssertionError("a test of the fast loop started a process: it belongs to the slow "
                             "ones (tests/conftest.py, _SLOW_SIGNS)")

    import subprocess

    monkeypatch.setattr(os, "fork", refused)
    monkeypatch.setattr(os, "posix_spawn", refused, raising=False)
    monkeypatch.setattr(subprocess.Popen, "_execute_child", refused)
