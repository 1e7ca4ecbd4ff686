"""A bulk sheet too large for a plain zip entry (over 2 GiB of XML) still makes a package: the
streamed write must not lose what `writestr` did, which marks such an entry ZIP64 by its size.
The limit is lowered here so that a small sheet stands for a huge one."""

from __future__ import annotations

import io
import zipfile

import openpyxl

from addin.io import fast_rows
from addin.io.fast_rows import splice_rows
from tests.io.test_fast_rows import _book, written_whole


def test_a_sheet_over_the_zip64_limit_is_written_as_writestr_would(monkeypatch):
    package, bulk = _book(rows=2 * fast_rows.CHUNK_ROWS + 7)
    sheet_bytes = len(bulk.xml())
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", sheet_bytes // 2)  # the sheet is "over 2 GiB"
    spliced = splice_rows(package, [bulk])
    assert spliced == written_whole(package, bulk)
    sheet = openpyxl.load_workbook(io.BytesIO(spliced), read_only=True)["Bảng"]
    assert sheet.max_row == 2 * fast_rows.CHUNK_ROWS + 7 + 2


def test_a_sheet_just_under_the_limit_is_still_streamed_as_writestr_would(monkeypatch):
    """writestr marks an entry ZIP64 from 1/1.05 of the limit (its compressed size may grow):
    the streamed write follows the same rule, so the bytes never depend on the path taken."""
    package, bulk = _book(rows=2 * fast_rows.CHUNK_ROWS + 7)
    with zipfile.ZipFile(io.BytesIO(written_whole(package, bulk))) as whole:
        size = whole.getinfo("xl/worksheets/sheet1.xml").file_size
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", int(size * 1.02))  # size < limit < size * 1.05
    assert splice_rows(package, [bulk]) == written_whole(package, bulk)
