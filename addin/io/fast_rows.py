"""Bulk rows for XlsxWriter workbooks, written straight into the sheet XML.

XlsxWriter spends most of a large report's time on per-cell bookkeeping and regex escaping
(~4 s for 20,000 nominations × 18 columns). The nomination sheets are plain values in a fixed
layout, so they are written here as XML (inline strings, the styles XlsxWriter assigned) and
spliced into the package XlsxWriter produced: everything else (styles, print set-up, filters,
panes) stays XlsxWriter's. Output stays deterministic: same entries, order and timestamps.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field

from xlsxwriter.format import Format

from addin.io.cells import column_letter
from addin.io.xlsx_common import EXCEL_MAX_TEXT, fit_text

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# Characters XML 1.0 cannot carry; Excel's own escape is _xHHHH_ (and "_x" must then be escaped).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_(?=x[0-9a-fA-F]{4}_)")
_ANY_ESCAPE = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_(?=x[0-9a-fA-F]{4}_)")


def _control_escape(match: re.Match[str]) -> str:
    ch = match.group(0)
    return "_x005F_" if ch == "_" else f"_x{ord(ch):04X}_"


def escape_text(text: str) -> str:
    if not _ANY_ESCAPE.search(text):  # the common case: one scan, no copy
        return text
    text = _CONTROL.sub(_control_escape, text)
    for ch, entity in _ESCAPES.items():
        text = text.replace(ch, entity)
    return text


@dataclass
class BulkRows:
    """Rows to splice into one worksheet, from `first_row` (0-based) down.

    Each row is its values and a tuple of formats, one per column; rows share those tuples
    (a report has a handful of row styles), so style indices are looked up once per tuple.
    """

    sheet_index: int  # position of the worksheet in the workbook (0-based)
    first_row: int
    width: int
    rows: list[tuple[Sequence[object], Sequence[Format]]] = field(default_factory=list)
    # Row offset -> height in points, for rows of wrapped text (addin.io.sheet_spec).
    heights: dict[int, float] = field(default_factory=dict)

    def xml(self) -> bytes:
        letters = [column_letter(c) for c in range(self.width)]
        styles: dict[int, list[int]] = {}
        parts: list[str] = []
        append = parts.append
        for offset, (values, formats) in enumerate(self.rows):
            n = self.first_row + offset + 1
            indices = styles.get(id(formats))
            if indices is None:
                indices = styles[id(formats)] = [f.xf_index or 0 for f in formats]
            height = self.heights.get(offset)
            append(f'<row r="{n}" spans="1:{self.width}">' if height is None else
                   f'<row r="{n}" spans="1:{self.width}" ht="{height:g}" customHeight="1">')
            for c, value in enumerate(values):
                head = f'<c r="{letters[c]}{n}" s="{indices[c]}"'
                if value is None or value == "":
                    append(head + "/>")
                elif isinstance(value, str):
                    if len(value) > EXCEL_MAX_TEXT:
                        value = fit_text(value)
                    space = ' xml:space="preserve"' if value[0].isspace() or value[-1].isspace() \
                        else ""
                    append(f'{head} t="inlineStr"><is><t{space}>{escape_text(value)}</t></is></c>')
                elif isinstance(value, bool):
                    append(f'{head} t="b"><v>{int(value)}</v></c>')
                elif isinstance(value, int):
                    append(f"{head}><v>{value}</v></c>")
                elif isinstance(value, float):
                    append(f"{head}><v>{value:.16G}</v></c>")
                else:
                    raise TypeError(f"cannot write {type(value).__name__} in a cell")
            append("</row>")
        return "".join(parts).encode("utf-8")

    @property
    def last_row(self) -> int:
        return self.first_row + len(self.rows) - 1


_DIMENSION = re.compile(rb'<dimension ref="[^"]*"/>')


def _splice(xml: bytes, bulk: BulkRows) -> bytes:
    rows = bulk.xml()
    if b"<sheetData/>" in xml:
        xml = xml.replace(b"<sheetData/>", b"<sheetData>" + rows + b"</sheetData>", 1)
    else:
        xml = xml.replace(b"</sheetData>", rows + b"</sheetData>", 1)
    if bulk.rows:
        ref = f"A1:{column_letter(bulk.width - 1)}{bulk.last_row + 1}".encode()
        xml = _DIMENSION.sub(b'<dimension ref="' + ref + b'"/>', xml, count=1)
    return xml


def splice_rows(package: bytes, bulks: Sequence[BulkRows]) -> bytes:
    """Insert the bulk rows after the rows XlsxWriter wrote in each sheet."""
    by_part = {f"xl/worksheets/sheet{b.sheet_index + 1}.xml": b for b in bulks if b.rows}
    if not by_part:
        return package
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, \
            zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename in by_part:
                data = _splice(data, by_part[info.filename])
            target.writestr(info, data, compress_type=info.compress_type)
    return out.getvalue()
