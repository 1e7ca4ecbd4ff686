"""The "Giao ước" sheet of the cluster template: the covenant written as a form staff can read
and edit, and read back into the same mapping as the `[covenant]` table of tdkt-rules.toml (so
both go through covenant_from_mapping; a test proves they give the same covenant)."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from addin.domain import labels as L
from addin.domain.covenant import CRITERION_KINDS, KIND_LABEL, Covenant, covenant_from_mapping
from addin.domain.rules import RulesError, format_ratio
from addin.domain.text import fold
from addin.io.cells import is_blank, to_text
from addin.io.sheet_spec import Column, Styled, set_widths, write_table
from addin.io.xlsx_common import Styles, print_setup, write_text

SHEET_COVENANT = L.SHEET_COVENANT
YES, NO = "Có", "Không"
LIST_SEPARATOR = ";"
# (key in the [covenant] table, label on the sheet, kind of value)
FIELDS: tuple[tuple[str, str, str], ...] = (
    ("name", "Tên giao ước", "text"),
    ("sample", "Giao ước mẫu", "flag"),
    ("source", "Căn cứ", "text"),
    ("verified", "Đã đối chiếu văn bản", "flag"),
    ("step", "Bước chấm điểm", "points"),
    ("bonus_cap", "Điểm cộng tối đa", "points"),
    ("penalty_cap", "Điểm trừ tối đa", "points"),
    ("tie_break", "Thứ tự phân định khi bằng điểm", "list"),
    ("flag.count", "Số đơn vị đề nghị Cờ thi đua", "integer"),
    ("flag.min_score", "Điểm tối thiểu đề nghị Cờ thi đua", "points"),
    ("merit.count", "Số đơn vị đề nghị Bằng khen", "integer"),
    ("merit.min_score", "Điểm tối thiểu đề nghị Bằng khen", "points"),
    ("suy_ton.threshold", "Tỷ lệ phiếu suy tôn", "ratio"),
    ("suy_ton.comparison", "So sánh tỷ lệ phiếu (>= hoặc >)", "text"),
    ("suy_ton.denominator", "Mẫu số (present: số có mặt; members: tổng số)", "text"),
    ("suy_ton.quorum", "Túc số dự họp", "ratio"),
    ("suy_ton.source", "Căn cứ biểu quyết suy tôn", "text"),
    ("suy_ton.verified", "Căn cứ suy tôn đã đối chiếu", "flag"),
    ("rotation", "Thứ tự luân phiên Cụm trưởng", "list"),
    ("chair", "Cụm trưởng năm nay", "text"),
    # the conference's suy tôn ballot: left blank until the vote
    ("ballot.members", "Suy tôn: số đại biểu", "ballot"),
    ("ballot.present", "Suy tôn: số đại biểu có mặt", "ballot"),
    ("ballot.votes", "Suy tôn: số phiếu (đơn vị: số phiếu; …)", "votes"),
)
# The criteria table, declared (addin.io.sheet_spec); the fields above share its columns.
CRITERIA_COLUMNS = (
    Column("code", "Mã tiêu chí", 40, "input"), Column("text", "Nội dung tiêu chí", 62, wrap=True),
    Column("group", "Nhóm", 32, "input"), Column("kind", "Loại", 11, "input"),
    Column("max", "Điểm tối đa", 11, "input"))
CRITERIA_HEADERS = tuple(c.header for c in CRITERIA_COLUMNS)
FIRST_FIELD_ROW = 3  # 0-based
_LABELS = {fold(label): (key, kind) for key, label, kind in FIELDS}
_KIND_BY_LABEL = {fold(label): kind for kind, label in KIND_LABEL.items()}


def _number(value: Fraction) -> int | float:
    return int(value) if value.denominator == 1 else float(value)


def _field_value(covenant: Covenant, key: str) -> Any:
    head, _, tail = key.partition(".")
    if head == "ballot":
        if covenant.ballot is None:
            return None
        if tail == "votes":
            return f"{LIST_SEPARATOR} ".join(f"{unit}: {n}" for unit, n in
                                             covenant.ballot.votes.items())
    obj: Any = getattr(covenant, head)
    value = getattr(obj, tail) if tail else obj
    if key.startswith("suy_ton.") and tail in ("threshold", "quorum"):
        return format_ratio(value)
    return value


def criteria_first_row(covenant: Covenant) -> int:
    """0-based row of the first criterion on the sheet (the live ranking links to it)."""
    return FIRST_FIELD_ROW + len(FIELDS) + 2


def write_covenant_sheet(workbook: Workbook, styles: Styles, covenant: Covenant) -> Worksheet:
    sheet = workbook.add_worksheet(SHEET_COVENANT)
    set_widths(sheet, CRITERIA_COLUMNS)
    sheet.merge_range(0, 0, 0, 4, "GIAO ƯỚC THI ĐUA CỦA CỤM", styles.title)
    sheet.merge_range(1, 0, 1, 4, "Sửa ô màu vàng theo giao ước đã ký. Danh sách ngăn cách bằng "
                      "dấu “;”. Phân định khi bằng điểm: criterion:<mã> (điểm tiêu chí cao hơn), "
                      "penalty (ít điểm trừ hơn), dvqt (nhiều Đơn vị Quyết thắng hơn), vote "
                      "(hội nghị biểu quyết).", styles.wrap)
    sheet.set_row(1, 45)
    for r, (key, label, kind) in enumerate(FIELDS, start=FIRST_FIELD_ROW):
        sheet.write_string(r, 0, label, styles.label)
        value = _field_value(covenant, key)
        if kind == "flag":
            sheet.write_string(r, 1, YES if value else NO, styles.input)
            sheet.data_validation(r, 1, r, 1, {"validate": "list", "source": [YES, NO]})
        elif kind == "list":
            write_text(sheet, r, 1, f"{LIST_SEPARATOR} ".join(value), styles.input)
        elif kind in ("points", "integer"):
            sheet.write_number(r, 1, _number(Fraction(value)), styles.input)
        elif kind == "ballot" and value is not None:
            sheet.write_number(r, 1, value, styles.input_int)
        else:
            write_text(sheet, r, 1, value, styles.input)
    top = criteria_first_row(covenant) - 1
    write_table(sheet, styles, top, CRITERIA_COLUMNS, (
        [c.code, Styled(c.text, "input_wrap"), c.group, KIND_LABEL[c.kind], _number(c.max)]
        for c in covenant.criteria))  # a long criterion wraps in its input cell
    last = top + len(covenant.criteria)
    sheet.data_validation(top + 1, 3, last, 3, {"validate": "list",
                                                "source": [KIND_LABEL[k] for k in CRITERION_KINDS]})
    print_setup(sheet, 0, 0)
    sheet.set_portrait()
    return sheet


# ----------------------------------------------------------------------------------------------
def _convert(kind: str, value: Any, where: str) -> Any:
    if kind == "flag":
        text = fold(to_text(value)[0])
        if text in (fold(YES), "true", "x", "1"):
            return True
        if text in (fold(NO), "false", "", "0"):
            return False
        raise RulesError(f"{where}: ghi “{YES}” hoặc “{NO}”, không phải {value!r}")
    if kind == "list":
        return [p.strip() for p in to_text(value)[0].split(LIST_SEPARATOR) if p.strip()]
    if kind == "votes":
        votes: dict[str, Any] = {}
        for part in to_text(value)[0].split(LIST_SEPARATOR):
            unit, sep, count = part.rpartition(":")
            if not part.strip():
                continue
            if not sep or not unit.strip():
                raise RulesError(f"{where}: ghi “tên đơn vị: số phiếu”, không phải {part!r}")
            number = count.strip()
            votes[unit.strip()] = int(number) if number.isdigit() else number
        return votes
    if kind in ("integer", "ballot") and isinstance(value, float) and value.is_integer():
        return int(value)
    if kind == "ratio" and isinstance(value, float) and 0 <= value <= 1:
        return f"{Fraction(str(value)) * 100}%"  # Excel turned "50%" into 0.5
    if kind in ("points", "integer", "ratio", "ballot") and isinstance(value, int | float):
        return value
    return to_text(value)[0]


def covenant_mapping_from_rows(rows: list[list[Any]], sheet: str = SHEET_COVENANT
                               ) -> dict[str, Any]:
    """The `[covenant]` mapping written on a "Giao ước" sheet given as rows of values."""
    data: dict[str, Any] = {}
    criteria: list[dict[str, Any]] = []
    in_table = False
    for r, row in enumerate(rows):
        cells = list(row) + [None] * (5 - len(row))
        first = fold(to_text(cells[0])[0])
        where = f"{sheet}!B{r + 1}"
        if not in_table and first == fold(CRITERIA_HEADERS[0]):
            in_table = True
            continue
        if in_table:
            if all(is_blank(v) for v in cells[:5]):
                continue
            kind_text = fold(to_text(cells[3])[0])
            item: dict[str, Any] = {"code": to_text(cells[0])[0], "text": to_text(cells[1])[0],
                                    "group": to_text(cells[2])[0],
                                    "kind": _KIND_BY_LABEL.get(kind_text, kind_text or
                                                               "criterion"),
                                    "max": cells[4] if not is_blank(cells[4]) else ""}
            criteria.append(item)
            continue
        if first in _LABELS:
            key, kind = _LABELS[first]
            if kind in ("ballot", "votes") and is_blank(cells[1]):
                continue  # no vote held yet
            value = _convert(kind, cells[1], where)
            head, _, tail = key.partition(".")
            if tail:
                data.setdefault(head, {})[tail] = value
            else:
                data[key] = value
    data["criteria"] = criteria
    return data


def covenant_from_rows(rows: list[list[Any]], sheet: str = SHEET_COVENANT) -> Covenant:
    return covenant_from_mapping(covenant_mapping_from_rows(rows, sheet), sheet)


def find_covenant_sheet(names: list[tuple[str, bool]],
                        load: Callable[[str], list[list[Any]]]) -> Covenant | None:
    """The covenant of a workbook that has a "Giao ước" sheet (None when it has none)."""
    for name, _visible in names:
        if fold(name) == fold(SHEET_COVENANT):
            return covenant_from_rows(load(name), name)
    return None
