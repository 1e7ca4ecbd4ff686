"""Macros of the TĐKT ribbon: "Kiểm tra", "Lập tổng hợp", "Tổng hợp cụm", "Xếp hạng cụm".

The logic works against addin.workbooks.BookPort; XlwingsBook adapts a live Excel workbook,
FileBook an .xlsx file, so the same code path runs inside Excel and headless in tests.
Entry points (kiem_tra, lap_tong_hop, tong_hop_cum) take an optional book for testing and
otherwise use xw.Book.caller(), called inside the function as xlwings requires.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import xlwings as xw

from addin import app
from addin.domain import labels as L
from addin.domain.issues import Issue
from addin.domain.models import UnitDraft, UnitWorkbook
from addin.domain.rules import Rules, format_ratio
from addin.domain.validation import validate_unit
from addin.io.reader import read_sheets
from addin.io.rules_file import load_rules, rules_beside
from addin.macro_errors import shown_in_excel
from addin.print_fit import fit_print_areas
from addin.workbooks import BookPort, Color, Link, as_text_cell

CHECK_SHEET = "Kiểm tra"
SUMMARY_SHEET = "Tổng hợp đơn vị"
MARK_COLORS: dict[str, str] = {"error": "#F8CBAD", "warning": "#FFE699"}
SEVERITY_LABEL = L.SEVERITY
CHECK_HEADER = ["STT", L.SHEET, "Ô", L.ISSUE_CODE, L.SEVERITY_HEADER, L.MESSAGE,
                "(đánh dấu) trang", "(đánh dấu) ô", "(đánh dấu) màu cũ"]
NO_COLOR = "không màu"


def rules_near(port: BookPort) -> Rules:
    local = rules_beside(port.path) if port.path and Path(port.path).is_absolute() else None
    return load_rules(local)


def read_book(port: BookPort) -> UnitWorkbook:
    draft = UnitDraft(path=Path(port.path).name if port.path else "(sổ đang mở)")
    read_sheets(draft, port.sheet_names(), port.values)
    return draft.freeze()


class _Formatting:
    """The template protects its sheets without allowing cell formatting, and Excel refuses to
    colour a cell there: lift each sheet's protection once, when a cell of it is first coloured,
    and put it back (same options) when the run ends."""

    def __init__(self, port: BookPort, stack: ExitStack) -> None:
        self._port, self._stack = port, stack
        self.allowed: dict[str, bool] = {}

    def can_colour(self, sheet: str) -> bool:
        if sheet not in self.allowed:
            self.allowed[sheet] = self._stack.enter_context(self._port.formatting(sheet))
        return self.allowed[sheet]


def _clear_old_marks(port: BookPort, formatting: _Formatting) -> None:
    if CHECK_SHEET not in {name for name, _ in port.sheet_names()}:
        return
    for row in port.values(CHECK_SHEET)[1:]:
        if len(row) >= 9 and row[6] and row[7] and formatting.can_colour(str(row[6])):
            color = None if row[8] in (None, "", NO_COLOR) else str(row[8])
            port.set_color(str(row[6]), str(row[7]), color)


def check_workbook(port: BookPort, rules: Rules | None = None) -> list[Issue]:
    """Validate the workbook; write the "Kiểm tra" sheet (with links to the cells) and mark the
    offending cells, after restoring the cells marked by the previous run."""
    rules = rules or rules_near(port)
    with ExitStack() as stack:
        formatting = _Formatting(port, stack)
        _clear_old_marks(port, formatting)
        return _check(port, rules, formatting)


def _check(port: BookPort, rules: Rules, formatting: _Formatting) -> list[Issue]:
    book = validate_unit(read_book(port), rules).book
    fit_print_areas(port, book)  # every filled row prints
    issues = book.all_issues()
    rows: list[list[Any]] = [list(CHECK_HEADER)]
    links: list[Link] = []
    marked: set[tuple[str, str]] = set()
    for n, issue in enumerate(issues, start=1):
        cell = f"{issue.column}{issue.row}" if issue.column and issue.row else ""
        mark_sheet, mark_cell, old = "", "", ""
        if cell and issue.sheet and issue.severity in MARK_COLORS and (issue.sheet, cell) not in marked \
                and formatting.can_colour(issue.sheet):
            marked.add((issue.sheet, cell))
            before: Color = port.cell_color(issue.sheet, cell)
            port.set_color(issue.sheet, cell, MARK_COLORS[issue.severity])
            mark_sheet, mark_cell, old = issue.sheet, cell, before or NO_COLOR
        rows.append([n, issue.sheet or "", cell or (f"dòng {issue.row}" if issue.row else ""),
                     str(issue.code), SEVERITY_LABEL[issue.severity], issue.message,
                     mark_sheet, mark_cell, old])
        if cell and issue.sheet:
            links.append(Link(row=n + 1, column=3, target=f"'{issue.sheet}'!{cell}", text=cell))
    if len(rows) == 1:
        rows.append(["", "", "", "", "", "Không phát hiện vấn đề nào.", "", "", ""])
    for sheet in sorted(name for name, ok in formatting.allowed.items() if not ok):
        rows.append(["", sheet, "", "", "", f"Trang “{sheet}” được bảo vệ bằng mật khẩu: các ô có "
                     "vấn đề không được tô màu, hãy dùng liên kết ở cột “Ô”.", "", "", ""])
    port.replace_sheet(CHECK_SHEET, rows, links, {1: 5, 2: 12, 3: 8, 4: 22, 5: 10, 6: 80},
                       hidden=(7, 8, 9))  # bookkeeping for the next run: which cells to restore
    return issues


def write_summary(port: BookPort, rules: Rules | None = None) -> UnitWorkbook:
    """Write the unit's standard summary: per title proposed/passed, and every quota."""
    rules = rules or rules_near(port)
    book, checks = validate_unit(read_book(port), rules)
    rows: list[list[Any]] = [["TỔNG HỢP ĐỀ NGHỊ DANH HIỆU THI ĐUA"],
                             [f"Đơn vị: {book.info.unit}  —  Kỳ: {book.info.period}"], [],
                             [L.CODE, L.TITLE, L.PROPOSED, L.PASSED]]
    for code, title in rules.titles.items():
        proposed = sum(1 for n in book.nominations if n.title == code)
        passed = sum(1 for n in book.nominations if n.title == code and n.passed)
        rows.append([code, title.name, proposed, passed])
    rows += [[], [L.LIMIT, L.TITLE, L.MAX_SHARE, L.BASE, L.LIMIT, L.COUNTED, L.HEADROOM,
                  L.RESULT]]
    for check in checks:
        share = (format_ratio(check.max_share) if check.max_share is not None
                 else f"tối đa {check.max_count}")
        verdict = L.QUOTA_VERDICT[check.ok]
        rows.append([check.quota_id, rules.title(check.title).name, share, check.base,
                     check.limit, check.counted, check.headroom, verdict])
    errors = sum(1 for i in book.all_issues() if i.severity == "error")
    rows += [[], [f"Số lỗi: {errors} (xem trang “{CHECK_SHEET}” sau khi chạy Kiểm tra)."]]
    # Text goes in as it is: each port keeps text from being read as a formula its own way.
    port.replace_sheet(SUMMARY_SHEET, rows, [],
                       {1: 12, 2: 30, 3: 12, 4: 10, 5: 10, 6: 10, 7: 14, 8: 14})
    return book


def consolidate_to_report(folder: str | Path, rules: Rules | None = None) -> app.Outcome:
    """Consolidate a cluster folder into "Tong-hop-<folder>.xlsx" next to the folder."""
    folder = Path(folder)
    rules = rules or load_rules(rules_beside(folder))
    out = folder.parent / f"Tong-hop-{folder.name}.xlsx"
    return app.consolidate_folder(str(folder), str(out), rules)


# ---------------------------------------------------------------------------------------------
# Inside Excel
def _hex(color: Any) -> Color:
    if color is None:
        return None
    if isinstance(color, str):
        return color if color.startswith("#") else f"#{color}"
    r, g, b = color
    return f"#{r:02X}{g:02X}{b:02X}"


class XlwingsBook:
    """BookPort over an xlwings Book (desktop Excel through COM, or xlwings' remote engine)."""

    def __init__(self, book: Any) -> None:
        self.book = book

    @property
    def path(self) -> str:
        try:
            return str(self.book.fullname)
        except Exception:  # engines without a file behind the book
            return ""

    def sheet_names(self) -> list[tuple[str, bool]]:
        return [(s.name, bool(s.visible)) for s in self.book.sheets]

    def values(self, sheet: str) -> list[list[Any]]:
        used = self.book.sheets[sheet].used_range
        data = used.options(ndim=2).value or []
        pad_cols = [None] * (used.column - 1)
        rows = [[None] * 0 for _ in range(used.row - 1)]
        return rows + [pad_cols + list(row) for row in data]

    def replace_sheet(self, sheet: str, rows: list[list[Any]], links: list[Link],
                      widths: dict[int, float], hidden: tuple[int, ...] = ()) -> None:
        names = [s.name for s in self.book.sheets]
        if sheet in names:
            target = self.book.sheets[sheet]
            target.clear()
        else:
            target = self.book.sheets.add(sheet, after=self.book.sheets[len(names) - 1])
        width = max(len(r) for r in rows)
        grid = [[as_text_cell(v) for v in row] + [None] * (width - len(row)) for row in rows]
        target["A1"].options(ndim=2).value = grid
        for link in links:
            target.range((link.row, link.column)).add_hyperlink(f"#{link.target}", link.text)
        try:
            for c, value in widths.items():
                target.range((1, c)).column_width = value
        except NotImplementedError:  # not every engine sets widths; autofit instead
            target.autofit()
        for c in hidden:
            try:
                target.range((1, c)).api.EntireColumn.Hidden = True  # desktop Excel (COM)
            except Exception:  # engines without COM keep the columns visible
                break

    def cell_color(self, sheet: str, cell: str) -> Color:
        try:
            return _hex(self.book.sheets[sheet][cell].color)
        except NotImplementedError:  # the remote engine cannot read colours synchronously
            return None

    def set_color(self, sheet: str, cell: str, color: Color) -> None:
        self.book.sheets[sheet][cell].color = color

    def print_area(self, sheet: str) -> str | None:
        try:
            return str(self.book.sheets[sheet].api.PageSetup.PrintArea) or None  # desktop Excel
        except Exception:  # engines without COM have no page set-up
            return None

    def set_print_area(self, sheet: str, cells: str, name: str) -> None:
        with self.formatting(sheet):  # a protected sheet may refuse page set-up
            try:
                self.book.sheets[sheet].api.PageSetup.PrintArea = cells
                # "'Sheet'!NAME" makes the name sheet-local, as the template defines it
                self.book.api.Names.Add(f"'{sheet}'!{name}", f"='{sheet}'!{cells}")
            except Exception:  # engines without COM have no page set-up
                return

    @contextmanager
    def formatting(self, sheet: str) -> Iterator[bool]:
        try:
            api = self.book.sheets[sheet].api  # desktop Excel: the COM Worksheet
            locked = bool(api.ProtectContents) and not bool(api.Protection.AllowFormattingCells)
        except Exception:  # engines without COM have no protection to lift
            yield True
            return
        if not locked:
            yield True
            return
        p = api.Protection
        # Worksheet.Protect's positional parameters after Password, read back before unprotecting
        options = (api.ProtectDrawingObjects, True, api.ProtectScenarios, api.ProtectionMode,
                   p.AllowFormattingCells, p.AllowFormattingColumns, p.AllowFormattingRows,
                   p.AllowInsertingColumns, p.AllowInsertingRows, p.AllowInsertingHyperlinks,
                   p.AllowDeletingColumns, p.AllowDeletingRows, p.AllowSorting, p.AllowFiltering,
                   p.AllowUsingPivotTables)
        selection = api.EnableSelection
        try:
            api.Unprotect("")
        except Exception:  # protected with a password: leave the sheet as it is
            yield False
            return
        try:
            yield True
        finally:
            api.Protect("", *options)
            api.EnableSelection = selection


def _caller(book: Any) -> XlwingsBook:
    return XlwingsBook(book if book is not None else xw.Book.caller())


def _excel_book(book: Any) -> Any:
    """The xlwings Book a macro's failure is shown in."""
    return book if book is not None else xw.Book.caller()


in_excel = shown_in_excel(_excel_book)  # errors as one Vietnamese sentence in Excel


@xw.script
@in_excel
def kiem_tra(book: Any = None) -> None:
    """Ribbon "Kiểm tra": validate the active unit workbook and mark the problems."""
    check_workbook(_caller(book))


@xw.script
@in_excel
def lap_tong_hop(book: Any = None) -> None:
    """Ribbon "Lập tổng hợp": write the standard summary sheet into the active workbook."""
    write_summary(_caller(book))


def _choose_folder(book: XlwingsBook) -> str | None:
    dialog = book.book.app.api.FileDialog(4)  # msoFileDialogFolderPicker (Windows COM only)
    dialog.Title = "Chọn thư mục chứa báo cáo của các đơn vị trong cụm"
    if dialog.Show() != -1:
        return None
    return str(dialog.SelectedItems(1))


@xw.script
@in_excel
def tong_hop_cum(book: Any = None, folder: str | None = None) -> str | None:
    """Ribbon "Tổng hợp cụm": consolidate a chosen folder into a new cluster report and open it.
    Returns the report's path (None when cancelled or nothing was written)."""
    port = _caller(book)
    chosen = folder or _choose_folder(port)
    if not chosen:
        return None
    outcome = consolidate_to_report(chosen)
    output = outcome.report.output
    if output and folder is None:
        xw.Book(output)  # open it in Excel
    return output


@xw.script
@in_excel
def xep_hang_cum(book: Any = None, folder: str | None = None) -> str | None:
    """Ribbon "Xếp hạng cụm": pick the cluster's folder; its units' ranking (covenant from this
    workbook's "Giao ước" sheet, else the folder's tdkt-rules.toml) goes into this workbook."""
    from addin.ranking_macro import RANKING_SHEET, rank_folder

    port = _caller(book)
    chosen = folder or _choose_folder(port)
    if not chosen:
        return None
    app.check_inputs([chosen])  # a folder gone since it was chosen: one sentence, not a trace
    rank_folder(port, chosen)
    return RANKING_SHEET


if __name__ == "__main__":  # debugging inside Excel: python -m addin.macros with a book open
    xw.Book("mau-don-vi.xlsx").set_mock_caller()
    kiem_tra()
