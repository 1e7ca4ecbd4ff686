"""Every Vietnamese label of a verdict, a status or a severity is written once, in
addin.domain.labels: a copy retyped elsewhere drifts the day one of them is reworded."""

from __future__ import annotations

import ast
from pathlib import Path

from addin.domain import fields as F
from addin.domain import labels as L

ADDIN = Path(__file__).resolve().parent.parent / "addin"

# Texts that only ever mean the label (a plain "Đạt" is also a person's name in the demo, "Thông
# tin" a sheet's name); statuses and verdicts in any letter case (the CLI writes them mid-sentence).
EXACT = {*L.SEVERITY.values(), L.CLUSTER_WIDE, L.ISSUE_CODE, L.FILE_STATE, L.SEVERITY_HEADER,
         # headers the report writes and its reader (or the unit template) finds again
         L.TITLE_CODE, L.ROWS_READ, L.ROWS_SKIPPED, L.QUOTA_ID, L.BASE, L.COUNTED,
         L.SHEET_COVENANT, L.DIGEST}
ANY_CASE = {*L.FILE_STATUS.values(), *L.QUOTA_VERDICT.values(), L.QUOTA_UNKNOWN,
            L.TOTAL, L.MATCH, L.NOT_COUNTED, L.VERIFIED, L.UNVERIFIED, L.BY_VOTE.strip(" ()"),
            L.HEADROOM, L.MAX_SHARE}
SHEET_NAMES = {"Thông tin"}  # a sheet of the unit workbook, named in addin.domain.fields


def _retyped(path: Path, root: Path = ADDIN.parent) -> list[str]:
    """The string constants of `path` that are a guarded label (surrounding spaces and
    brackets aside)."""
    any_case = {text.casefold() for text in ANY_CASE}
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        text = node.value.strip(" ()[]")
        if text in EXACT - SHEET_NAMES or text.casefold() in any_case:
            found.append(f"{path.relative_to(root)}:{node.lineno}: {node.value!r}")
    return found


def test_labels_are_not_retyped_outside_the_labels_module() -> None:
    own = ADDIN / "domain" / "labels.py"
    copies = [hit for path in sorted(ADDIN.rglob("*.py")) if path != own
              for hit in _retyped(path)]
    assert copies == [], "nhãn gõ lại ngoài addin/domain/labels.py:\n" + "\n".join(copies)


def test_the_guard_sees_a_retyped_label(tmp_path: Path) -> None:
    copy = tmp_path / "copy.py"
    copy.write_text('STATUS = {"ok": "hợp lệ", "x": "Trong hạn mức"}\n', encoding="utf-8")
    assert [hit.split(": ", 1)[1] for hit in _retyped(copy, tmp_path)] == ["'hợp lệ'", "'Trong hạn mức'"]


# The cluster report's writers and its reader: sheet names and the headers a unit workbook shares
# come from addin.domain.labels and fields (the reader finds what the writer wrote by them).
REPORT_MODULES = ("report.py", "report_input.py", "rollup.py", "live_ranking.py")
REPORT_TEXTS = {L.SHEET_SUMMARY, L.SHEET_ISSUES, L.SHEET_SOURCES, L.SHEET_QUOTAS, L.TITLE,
                L.RESULT, L.LIMIT, *(v for k, v in F.INFO_LABELS.items()),
                *(v for k, v in F.COMMENDATION_LABELS.items() if k != "seq"),
                *(v for k, v in F.INDIVIDUAL_LABELS.items() if k != "seq")}


def test_report_sheets_and_headers_are_named_once() -> None:
    copies = []
    for name in REPORT_MODULES:
        path = ADDIN / "io" / name
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                    and node.value in REPORT_TEXTS):
                copies.append(f"{name}:{node.lineno}: {node.value!r}")
    assert copies == [], "tên trang, tiêu đề gõ lại:\n" + "\n".join(copies)


def test_the_header_texts_of_the_unit_workbook_are_written_once() -> None:
    """The title and vote columns of "Cá nhân" and "Tập thể" (Danh hiệu đề nghị, Tổng số thành
    viên, Số có mặt, Số phiếu đồng ý, Tỷ lệ (%), Kết quả) were typed in both sheets' labels;
    they are fields.TITLE_LABEL and fields.VOTE_LABELS. Short words that head several sheets'
    own columns (STT, Ghi chú; "Đơn vị" and "Quân số" of the report and of a row) stay apart."""
    path = ADDIN / "domain" / "fields.py"
    texts = [value.value for table in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(table, ast.Dict) for value in table.values
             if isinstance(value, ast.Constant) and isinstance(value.value, str)]
    shared = {"STT", "Ghi chú", "Đơn vị", "Quân số"}
    twice = sorted({t for t in texts if texts.count(t) > 1} - shared)
    assert twice == [], twice
    for labels in (F.INDIVIDUAL_LABELS, F.COLLECTIVE_LABELS):
        keys = list(labels)
        start = keys.index("members")
        assert keys[start:start + len(F.VOTE_LABELS)] == list(F.VOTE_LABELS)
        assert labels["title"] == F.TITLE_LABEL
