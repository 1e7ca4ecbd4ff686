"""BulkRows.xml's fast cases (issue 12 performance) write exactly the bytes of the general
per-cell path it had before: checked against that path, kept here as the reference, on rows of
any values a report holds (texts needing escapes, spaces kept, long texts, numbers, booleans)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from xlsxwriter.format import Format

from addin.io.cells import column_letter
from addin.io.fast_rows import BulkRows, escape_text
from addin.io.xlsx_common import EXCEL_MAX_TEXT, fit_text


def _reference_xml(bulk: BulkRows, indices: dict[int, list[int]]) -> bytes:
    """The per-cell writer as it was (without its checks), the bytes to match."""
    parts = []
    for offset, (values, formats) in enumerate(bulk.rows):
        n = str(bulk.first_row + offset + 1)
        height = bulk.heights.get(offset)
        parts.append(f'<row r="{n}" spans="1:{bulk.width}">' if height is None else
                     f'<row r="{n}" spans="1:{bulk.width}" ht="{height:g}" customHeight="1">')
        for c, value in enumerate(values):
            head = f'<c r="{column_letter(c)}{n}" s="{indices[id(formats)][c]}"'
            if value is None or value == "":
                parts.append(head + "/>")
            elif isinstance(value, str):
                text = value if len(value) <= EXCEL_MAX_TEXT else fit_text(value)
                space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
                parts.append(f'{head} t="inlineStr"><is><t{space}>{escape_text(text)}</t></is></c>')
            elif isinstance(value, bool):
                parts.append(f'{head} t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, int):
                parts.append(f"{head}><v>{value}</v></c>")
            else:
                parts.append(f"{head}><v>{value:.16G}</v></c>")
        parts.append("</row>")
    return "".join(parts).encode("utf-8")


def _formats(*indices: int) -> tuple[Format, ...]:
    formats = []
    for i in indices:
        f = Format()
        f.xf_index = i
        formats.append(f)
    return tuple(formats)


_TEXT = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["Nguyễn Văn A", " lề trái", "lề phải ", "a & b", "<x>", "_x0041_", "_x00",
                     "\x01", "\n", "dòng\nhai", "\u00a0", "x" * (EXCEL_MAX_TEXT + 3), "50%", "%s",
                     "{0}", "a\n b", "b \nc", "\t", "\x1c", "x" * (EXCEL_MAX_TEXT // 2 + 1)]))
_VALUE = st.one_of(st.none(), st.just(""), _TEXT, st.integers(-10**6, 10**12), st.booleans(),
                   st.floats(), st.sampled_from([70.0, 62.5, 81.81999999999999, -0.0, 1e16]))
WIDTH = 4


# Rows of one shape (formats, each value's type and truth) share a template: the strategy draws
# few shapes and many rows so that rows of one shape with other values follow one another.
_SHAPED_ROW = st.lists(st.one_of(st.none(), st.just(""), st.sampled_from(["Đạt", "a b", "CSTT"]),
                                 st.integers(0, 99), st.sampled_from([70.0, 62.5])),
                       min_size=WIDTH, max_size=WIDTH)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.lists(_VALUE, min_size=WIDTH, max_size=WIDTH), _SHAPED_ROW),
                max_size=12),
       st.dictionaries(st.integers(0, 11), st.sampled_from([15.0, 30.5, 45.0]), max_size=4),
       st.integers(0, 40), st.integers(1, 5))
def test_the_fast_cases_write_the_bytes_of_the_general_path(rows, heights, first_row,
                                                            chunk) -> None:
    styles = (_formats(1, 2, 3, 4), _formats(5, 5, 6, 7))
    bulk = BulkRows(sheet_index=0, first_row=first_row, width=WIDTH, heights=heights)
    for r, values in enumerate(rows):
        bulk.rows.append((values, styles[r % 2]))
    indices = {id(f): [x.xf_index for x in f] for f in styles}
    assert bulk.xml() == _reference_xml(bulk, indices)
    assert b"".join(bulk.xml_chunks(rows_per_chunk=chunk)) == bulk.xml()


# Every white-space character (str.isspace and the regular expressions' \s agree on all of
# Unicode) at a text's start or end, beside another text of the row: the template path must
# leave such rows to the per-cell writer (xml:space="preserve"), wherever the text stands.
_SPACES = [chr(c) for c in range(0x110000) if chr(c).isspace()]


@pytest.mark.parametrize("space", _SPACES, ids=lambda c: f"U+{ord(c):04X}")
def test_white_space_at_a_texts_end_beside_another_text_keeps_its_bytes(space) -> None:
    styles = (_formats(1, 2, 3, 4),)
    rows = [["a" + space, "b", 1, None], ["a", space + "b", 1, None], ["a", space, "b", 2],
            [space + "a", "b", "c", space], ["a", "b" + space, "", "c"]]
    bulk = BulkRows(sheet_index=0, first_row=0, width=WIDTH)
    for values in rows:
        bulk.rows.append((values, styles[0]))
    assert bulk.xml() == _reference_xml(bulk, {id(styles[0]): [1, 2, 3, 4]})
