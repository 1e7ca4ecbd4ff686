"""Reading unit workbooks: a file in, a UnitWorkbook of domain records out, never a traceback.

Values come from python-calamine (Rust; reads .xlsx/.xlsm/.xls/.ods), the file is read from
disk once, and every drift of contracts.md §1 is absorbed: sheet and header names compared
folded, header rows found where they are, synonyms, reordered and extra columns, blank and total
rows, numbers stored as text, NFD text and legacy TCVN3/VNI encodings.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine

from addin.domain import fields as F
from addin.domain.issues import Code, Issue, make_issue
from addin.domain.models import Commendation, UnitDraft, UnitInfo, UnitWorkbook
from addin.domain.rules import Kind
from addin.domain.text import fold
from addin.io import forms, layout, record_columns, report_input, safe_files
from addin.io.causes import detail
from addin.io.cells import column_letter, count_why, is_blank, to_count, to_text
from addin.io.package import Package, check_package, scan_sheets, sniff
from addin.io.sheet_scan import UnsafeWorkbook

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
# Workbooks a folder may hold that are not read: listed as unreadable with the reason, never
# skipped without a word.
UNSUPPORTED_SUFFIXES = {".xlsb": "bảng tính dạng nhị phân (.xlsb) chưa được hỗ trợ; hãy mở "
                                 "bằng Excel và lưu lại dạng .xlsx"}
HEADER_SCAN_ROWS = 30
# Above this size a file is not a unit workbook (and not read into memory).
MAX_FILE_BYTES = 100 * 1024 * 1024
_REQUIRED_SHEETS = ("info", "individuals", "collectives")
_NOT_DATA = {"seq", "percent", "result"}


@dataclass
class _SheetContext:
    book: UnitDraft
    sheet: str
    errors: dict[tuple[int, str], str]
    legacy: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # (col, enc) -> rows

    def issue(self, code: Code, detail: str = "", row: int | None = None,
              column: str | None = None, why: str = "") -> Issue:
        found = make_issue(code, detail, file=self.book.path, sheet=self.sheet, row=row,
                           column=column, why=why)
        return found

    def text(self, value: Any, row: int, column: str) -> str:
        text, encoding = to_text(value)
        if encoding:
            self.legacy.setdefault((column, encoding), []).append(row)
        return text

    def flush_legacy(self) -> None:
        for (column, encoding), rows in sorted(self.legacy.items()):
            first = min(rows)  # records are converted after the rows around them
            detail = f"{encoding} ({len(rows)} ô, từ dòng {first})"
            self.book.issues.append(self.issue(Code.LEGACY_ENCODING, detail, first, column))


def unreadable(path: str, reason: str, sha256: str = "") -> UnitWorkbook:
    return UnitWorkbook(path=path, sha256=sha256, readable=False,
                        issues=(make_issue(Code.UNREADABLE_FILE, reason, file=path),))


def _file_bytes(path: str | Path, shown: str) -> bytes | UnitWorkbook:
    """The file's bytes, or the unreadable book saying why not."""
    try:
        data = safe_files.read_regular(path, MAX_FILE_BYTES)  # FIFOs, devices: never opened
    except OSError as exc:
        return unreadable(shown, safe_files.describe(exc))
    if Path(path).suffix.lower() in UNSUPPORTED_SUFFIXES:
        return unreadable(shown, UNSUPPORTED_SUFFIXES[Path(path).suffix.lower()],
                          hashlib.sha256(data).hexdigest())
    return data


def read_unit_workbook(path: str | Path, display: str | None = None) -> UnitWorkbook:
    """Read one unit workbook. `display` is the path as the user gave it (used in issues)."""
    shown = safe_files.shown(display if display is not None else path)
    data = _file_bytes(path, shown)
    return data if isinstance(data, UnitWorkbook) else read_unit_bytes(data, shown)


def read_inputs(path: str | Path, display: str | None = None) -> list[UnitWorkbook]:
    """The unit workbooks in one input file: the unit itself, or, for a cluster report made
    by tdkt, every unit it contains (addin.io.report_input)."""
    shown = safe_files.shown(display if display is not None else path)
    data = _file_bytes(path, shown)
    if isinstance(data, UnitWorkbook):
        return [data]
    opened = _open(data, shown)
    if isinstance(opened, UnitWorkbook):
        return [opened]
    digest, workbook, package = opened
    names = [m.name for m in workbook.sheets_metadata]
    if not report_input.is_cluster_report(names):
        return [_unit_book(data, shown, digest, workbook, package)]

    def load(name: str) -> list[list[Any]]:
        rows: list[list[Any]] = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        return rows

    try:
        return report_input.expand_report(shown, digest, names, load, _report_table)
    except Exception as exc:  # a damaged sheet part of the report
        return [unreadable(shown, f"báo cáo cụm bị hỏng {detail(exc)}", digest)]


def _open(data: bytes, shown: str) -> UnitWorkbook | tuple[str, Any, Package | None]:
    """(SHA-256, calamine workbook, the checked zip package if it is one), or the unreadable
    book saying why not."""
    digest = hashlib.sha256(data).hexdigest()
    kind = sniff(data)
    if kind == "encrypted":
        return unreadable(shown, "tệp được bảo vệ bằng mật khẩu", digest)
    try:
        package = check_package(data)
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except UnsafeWorkbook as exc:
        return unreadable(shown, str(exc), digest)
    except Exception as exc:  # calamine raises several types for non-workbooks and damage
        reason = ("không phải tệp Excel hoặc tệp bị hỏng: mở bằng Excel rồi lưu lại dạng .xlsx, "
                  "hoặc xin đơn vị gửi lại tệp")
        return unreadable(shown, f"{reason} {detail(exc)}", digest)
    return digest, workbook, package


def read_unit_bytes(data: bytes, shown: str) -> UnitWorkbook:
    opened = _open(data, shown)
    if isinstance(opened, UnitWorkbook):
        return opened
    return _unit_book(data, shown, *opened)


def _unit_book(data: bytes, shown: str, digest: str, workbook: Any,
               package: Package | None = None) -> UnitWorkbook:
    book = UnitDraft(path=shown, sha256=digest)
    try:
        _read_sheets(book, workbook, data, package)
    except UnsafeWorkbook as exc:
        return unreadable(shown, str(exc), digest)
    return book.freeze()


def _find_sheets(sheets: list[tuple[str, bool]]) -> dict[str, str]:
    """Sheet key -> actual sheet name; visible sheets win over hidden ones."""
    found: dict[str, str] = {}
    for name, _visible in sorted(sheets, key=lambda s: 0 if s[1] else 1):
        key = layout.SHEET_INDEX.get(fold(name))
        if key and key not in found:
            found[key] = name
    return found


def _read_sheets(book: UnitDraft, workbook: Any, data: bytes,
                 package: Package | None = None) -> None:
    names = [(m.name, str(m.visible).endswith("Visible")) for m in workbook.sheets_metadata]
    wanted = _find_sheets(names)
    errors = scan_sheets(data, set(wanted.values()), package)

    def load(name: str) -> list[list[Any]]:
        rows: list[list[Any]] = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        return rows

    read_sheets(book, names, load, errors)


def read_sheets(book: UnitDraft, names: list[tuple[str, bool]],
                load: Callable[[str], list[list[Any]]],
                errors: Mapping[str, Mapping[tuple[int, str], str]] | None = None) -> None:
    """Fill `book` from sheets given as rows of values: the part of reading that does not
    depend on where the values come from (a file through calamine, or a live Excel workbook
    through xlwings). `names` lists (sheet name, visible); `load` returns a sheet's rows."""
    sheets = _find_sheets(names)
    for key in _REQUIRED_SHEETS:
        if key not in sheets:
            book.issues.append(make_issue(Code.MISSING_SHEET, f'"{layout.CANONICAL_SHEET[key]}"',
                                          file=book.path, sheet=layout.CANONICAL_SHEET[key]))
    for key, name in sheets.items():
        try:
            rows = load(name)
        except Exception as exc:  # a damaged sheet part: the rest of the file still counts
            book.issues.append(make_issue(Code.UNREADABLE_FILE,
                                          f'trang "{name}" bị hỏng {detail(exc)}',
                                          file=book.path, sheet=name))
            continue
        ctx = _SheetContext(book, name, dict((errors or {}).get(name, {})))
        if key == "info":
            _read_info(ctx, rows)
        elif key == "scores":
            from addin.io.scores_reader import read_scores  # builds on this module's helpers

            book.scores = read_scores(rows, book.path, name, ctx.errors, ctx.text)
        else:
            _read_table(ctx, key, rows)
        ctx.flush_legacy()


def table_kind(rows: list[list[Any]]) -> Kind | None:
    """Whether rows hold a "Cá nhân" or a "Tập thể" table, by the reader's own header
    detection: the table whose header is found with its name column and the most columns."""
    best: tuple[bool, int] | None = None
    chosen: Kind | None = None
    for kind, key, name in (("individual", "individuals", "full_name"),
                            ("collective", "collectives", "name")):
        index, _, required = layout.TABLES[key]
        found = _find_header(rows, index, required)
        if found is None:
            continue
        score = (name in found[1].values(), len(found[1]))
        if best is None or score > best:
            best, chosen = score, kind  # type: ignore[assignment]
    return chosen


def _report_table(rows: list[list[Any]], key: str, file: str, sheet: str) -> UnitWorkbook:
    """A table of tdkt's own report: every row under the header is a record (a person named
    like a total or a footer line stays one; the report has no form rows)."""
    book = UnitDraft(path=file)
    ctx = _SheetContext(book, sheet, {})
    _read_table(ctx, key, rows, official_form=False)
    return book.freeze()


def read_table(rows: list[list[Any]], kind: str, file: str = "", sheet: str = "") -> UnitWorkbook:
    """One "Cá nhân" or "Tập thể" table (header row included) as a workbook of its records."""
    book = UnitDraft(path=file)
    ctx = _SheetContext(book, sheet, {})
    _read_table(ctx, "individuals" if kind == "individual" else "collectives", rows)
    ctx.flush_legacy()
    return book.freeze()


# ----------------------------------------------------------------------------------------------
def _read_info(ctx: _SheetContext, rows: list[list[Any]]) -> None:
    values: dict[str, Any] = {}
    found_rows: dict[str, int] = {}
    invalid: set[str] = set()
    for r, row in enumerate(rows):
        excel_row = r + 1
        if not row or is_blank(row[0]):
            continue
        key = layout.INFO_INDEX.get(fold(row[0]))
        if key is None or key == "_helper" or key in found_rows:
            continue
        found_rows[key] = excel_row
        value = next((v for v in row[1:] if not is_blank(v)), None)
        value_col = "B"
        for c, v in enumerate(row[1:], start=1):
            if not is_blank(v):
                value_col = column_letter(c)
                break
        if (excel_row, value_col) in ctx.errors:
            ctx.book.issues.append(ctx.issue(Code.FORMULA_ERROR, ctx.errors[(excel_row, value_col)],
                                             excel_row, value_col))
            invalid.add(key)
            continue
        if key in F.INFO_INTEGERS:
            number, code = to_count(value)
            if code:
                ctx.book.issues.append(ctx.issue(code, f'"{F.INFO_LABELS[key]}"', excel_row,
                                                 value_col, count_why(value, code)))
                invalid.add(key)
            values[key] = number
        else:
            values[key] = ctx.text(value, excel_row, value_col)
    ctx.book.info = UnitInfo(sheet=ctx.sheet, rows=found_rows, invalid=frozenset(invalid),
                             **values)


# ----------------------------------------------------------------------------------------------
def _header_texts(rows: list[list[Any]], r: int) -> list[str]:
    """Header texts of row r; an empty cell takes the text of the cell above (two-row headers
    with vertically merged cells)."""
    row = rows[r]
    above = rows[r - 1] if r > 0 else []
    size = len(above)
    texts = []
    for c, value in enumerate(row):  # cells.is_blank written out: every cell of the top rows
        if value is None or isinstance(value, str) and not value.strip():
            value = above[c] if c < size else None
            if value is None or isinstance(value, str) and not value.strip():
                value = ""
        texts.append(str(value))
    return texts


def _find_header(rows: list[list[Any]], index: dict[str, str], required: tuple[str, ...]
                 ) -> tuple[int, dict[int, str], list[tuple[int, str]]] | None:
    """(row index, column -> key, unknown columns) of the most header-like row near the top."""
    best: tuple[int, int, dict[int, str], list[tuple[int, str]]] | None = None
    for r in range(min(HEADER_SCAN_ROWS, len(rows))):
        if best is not None and r > best[0] + 2:
            break  # past a found header (and the second row of a two-row one): data
        mapping: dict[int, str] = {}
        unknown: list[tuple[int, str]] = []
        for c, text in enumerate(_header_texts(rows, r)):
            if not text:
                continue
            key = index.get(fold(text))
            if key is None:
                unknown.append((c, text))
            elif key != "_helper" and key not in mapping.values():
                mapping[c] = key
        score = len(mapping)
        if score >= 2 and any(k in required for k in mapping.values()):
            if best is None or score > best[1]:
                best = (r, score, mapping, unknown)
    if best is None:
        return None
    return best[0], best[2], best[3]


def _read_table(ctx: _SheetContext, key: str, rows: list[list[Any]],
                official_form: bool = True) -> None:
    """Records of one table; with `official_form`, the rows of official forms that are not
    records (addin.io.forms) are recognised and listed as skipped_row."""
    index, labels, required = layout.TABLES[key]
    found = _find_header(rows, index, required)
    if found is None:
        for name in required:
            ctx.book.issues.append(ctx.issue(Code.MISSING_COLUMN, f'"{labels[name]}"'))
        return
    header_r, mapping, unknown = found
    for c, text in unknown:
        ctx.book.issues.append(ctx.issue(Code.UNEXPECTED_COLUMN, f'"{text}"', header_r + 1,
                                         column_letter(c)))
    columns = {k: column_letter(c) for c, k in mapping.items()}
    sections: tuple[str, ...] = ()
    in_footer = seen_record = False
    rows_before = ctx.book.rows_read
    data_columns = [c for c, k in mapping.items() if k not in _NOT_DATA]
    counts = forms.count_columns(mapping)
    # Records are converted column by column once all rows are known (addin.io.record_columns).
    records: list[list[Any]] = []
    record_rows: list[int] = []
    record_sections: list[tuple[str, ...]] = []
    issue_slots: list[int] = []  # where each record's issues go among the book's (commendations)
    for r in range(header_r + 1, len(rows)):
        row = rows[r]
        if _blank_row(row):
            continue
        if ctx.book.rows_read == rows_before and forms.is_numbering_row(row):
            continue  # a column-number row, under the header before anything else
        kind = forms.classify(row, mapping, in_footer, counts) if official_form else None
        if kind is None:
            if _has_data(row, data_columns) or (ctx.errors and any(
                    (r + 1, column_letter(c)) in ctx.errors for c in mapping)):
                seen_record = True
                ctx.book.rows_read += 1
                records.append(row)
                record_rows.append(r + 1)
                record_sections.append(sections)
                issue_slots.append(len(ctx.book.issues))
                continue
            if not forms.has_text(row):
                continue  # a pre-typed STT or a formula's empty output: not a row at all
            kind = "footer" if in_footer else "other"  # text outside the table's columns
        elif kind == "section":
            section = forms.section_of(row, forms.data_columns(mapping))
            sections = (*sections, section.text if section else forms.row_text(row))
        elif kind == "total" and seen_record and forms.is_grand_total(
                (forms.first_text(row) or (0, ""))[1]):
            in_footer = True  # a grand total closes the table: what follows is the footer
        in_footer = in_footer or kind == "footer"
        _skip(ctx, r, row)
    if key == "commendations":
        _commendations(ctx, records, record_rows, issue_slots, mapping, columns)
    elif records:
        table_kind: Kind = "individual" if key == "individuals" else "collective"
        (ctx.book.individuals if key == "individuals" else ctx.book.collectives).extend(
            record_columns.nominations(ctx, table_kind, ctx.book.path, ctx.sheet, records,
                                       record_rows, record_sections, mapping, columns))
    for name in required:
        if name not in mapping.values() and not (name == "title" and sections):
            ctx.book.issues.append(ctx.issue(Code.MISSING_COLUMN, f'"{labels[name]}"',
                                             header_r + 1))


def _blank_row(row: list[Any]) -> bool:
    """Every cell blank (cells.is_blank), deciding at the first filled cell."""
    for value in row:
        if value is not None and not (isinstance(value, str) and not value.strip()):
            return False
    return True


def _has_data(row: list[Any], data_columns: list[int]) -> bool:
    """A record's own column filled (not STT, the percent or the result)."""
    size = len(row)
    for c in data_columns:
        if c < size:
            value = row[c]
            if value is not None and not (isinstance(value, str) and not value.strip()):
                return True
    return False


def _skip(ctx: _SheetContext, r: int, row: list[Any]) -> None:
    """A row that is not a record: listed once, quoting its text (contracts.md §6)."""
    ctx.book.rows_read += 1
    ctx.book.rows_skipped += 1
    first = forms.first_text(row)
    column = column_letter(first[0]) if first else None
    text = forms.row_text([ctx.text(v, r + 1, column_letter(c)) if isinstance(v, str)
                           else to_text(v)[0] for c, v in enumerate(row)])
    ctx.book.issues.append(ctx.issue(Code.SKIPPED_ROW, f'"{text}"', r + 1, column))


def _commendations(ctx: _SheetContext, records: list[list[Any]], excel_rows: list[int],
                   slots: list[int], mapping: dict[int, str], columns: dict[str, str]) -> None:
    """Commendation records; each one's issues go into the book's list where its row stood
    among the skipped rows' (`slots`)."""
    done = record_columns.convert(ctx, records, excel_rows, mapping, columns,
                                  F.COMMENDATION_LABELS)
    placed: list[tuple[int, list[Issue]]] = []
    for i, excel_row in enumerate(excel_rows):
        out = {key: values[i] for key, values in done.values.items()}
        issues = done.issues.get(i, [])
        if not out.get("form") and "form" not in done.invalid.get(i, ()):
            issues.append(ctx.issue(Code.MISSING_VALUE, f'"{F.COMMENDATION_LABELS["form"]}"',
                                    excel_row, columns.get("form")))
        out.pop("seq", None)
        placed.append((slots[i], issues))
        ctx.book.commendations.append(Commendation(file=ctx.book.path, sheet=ctx.sheet,
                                                   row=excel_row, columns=columns, **out))
    for slot, issues in reversed(placed):
        ctx.book.issues[slot:slot] = issues
