"""Bulk rows for XlsxWriter workbooks, written straight into the sheet XML.

XlsxWriter spends most of a large report's time on per-cell bookkeeping and regex escaping
(~4 s for 20,000 nominations × 18 columns). The nomination sheets are plain values in a fixed
layout, so they are written here as XML (inline strings, the styles XlsxWriter assigned) and
spliced into the package XlsxWriter produced: everything else (styles, print set-up, filters,
panes) stays XlsxWriter's. Output stays deterministic: same entries, order and timestamps.

A large bulk sheet is made and deflated ahead, in a forked child, while the parent writes the
rest of the workbook through XlsxWriter (`deflate_ahead`); the parent then writes the child's
deflated data as the sheet's entry, once it has checked that the sheet's own XML around the rows
is the XML the child deflated. The bytes are those of the serial path (tests compare them).

It depends on XlsxWriter internals, hence the exact pin in pyproject.toml (xlsxwriter==3.3.1):
a Format's `xf_index` is set when XlsxWriter first writes a cell with it; worksheet N is the
part xl/worksheets/sheetN.xml; a sheet's XML has one <dimension ref=…/> and one <sheetData>.
Anything unexpected raises SpliceError instead of writing a workbook with wrong styles or rows.
"""

from __future__ import annotations

import io
import os
import pickle
import re
import select
import signal
import sys
import threading
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from types import TracebackType
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_range
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from addin.io.cells import column_letter
from addin.io.xlsx_common import EXCEL_MAX_TEXT, fit_text

# Rows per chunk of a bulk sheet's XML: about 1 MB, big enough for zlib to work in long runs.
CHUNK_ROWS = 1000
# Seconds the thread making XML may hold the interpreter while the deflating thread waits for
# it. CPython's default (5 ms) made the deflater wait up to that long after every chunk, so
# the two threads took turns instead of overlapping: the 20,000-row sheet took 0.33 s to
# splice at 5 ms and 0.21 s at 0.2 ms (scripts/benchmark.py consolidate, 2026-11-26).
HANDOFF_SECONDS = 0.0002
# Rows of the largest bulk sheet from which it is made and deflated ahead in a forked child (the
# others are made by the parent meanwhile): a fork and the child's copy-on-write cost a few
# milliseconds, the 20,000-row sheet 0.1 s of work the parent no longer waits for.
AHEAD_MIN_ROWS = 5000
# ...and up to which: the child's copy-on-write copy of the rows' pages grows with them (about
# 40 MB at 20,000 rows); a larger sheet is made in this process.
AHEAD_MAX_ROWS = 200_000
# Seconds the parent waits for the child's parts before it stops the child and makes the
# sheets itself (the 20,000-row sheets take 0.2 s; a hung child must not hang the run).
AHEAD_TIME_LIMIT = 120.0

# The zlib level of the bulk sheets' entries. Level 2 deflates a large report's rows three times
# as fast as zlib's default (6): 20,000 nominations, 19 MB of XML, in 0.04 s instead of 0.14 s,
# for an entry 29 % larger (2.2 MB instead of 1.7 MB; level 1 is no faster and 8 % larger). The
# deflating is the one part of a report that cannot be shared between cores (issue 12). The
# other parts keep XlsxWriter's level.
BULK_DEFLATE_LEVEL = 2

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# Characters XML 1.0 cannot carry; Excel's own escape is _xHHHH_ (and "_x" must then be escaped).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_(?=x[0-9a-fA-F]{4}_)")
_ANY_ESCAPE = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_(?=x[0-9a-fA-F]{4}_)")


class SpliceError(RuntimeError):
    """The bulk rows cannot be spliced as they are (a program error, never bad input)."""


def _style_indices(formats: Sequence[Format]) -> list[int]:
    """XlsxWriter's style index of each format; a format it never wrote has none, and falling
    back to the default style would silently drop bold, borders and number formats."""
    indices = []
    for f in formats:
        if f.xf_index is None:
            raise SpliceError("định dạng chưa được XlsxWriter dùng lần nào nên chưa có chỉ số "
                              "kiểu (format never written through XlsxWriter: write it once "
                              "before splicing)")
        indices.append(f.xf_index)
    return indices


def index_sheet_formats(sheet: Worksheet) -> None:
    """Give every format the sheet's own columns, rows and cells use its style index now, in
    the order its XML meets them, instead of when the workbook closes: a sheet whose XML is
    made ahead (deflate_ahead) must not depend on the sheets written after it."""
    for col in sorted(sheet.col_info):
        if sheet.col_info[col].column_format is not None:
            sheet.col_info[col].column_format._get_xf_index()  # noqa: SLF001
    for row in sorted(set(sheet.table) | set(sheet.row_info)):
        info = sheet.row_info.get(row)
        if info is not None and info.row_format is not None:
            info.row_format._get_xf_index()  # noqa: SLF001
        cells = sheet.table.get(row, {})
        for col in sorted(cells):
            fmt = cells[col].format
            if fmt is not None:
                fmt._get_xf_index()  # noqa: SLF001


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


# What sends a row to the cell-by-cell path (which writes the same bytes, more slowly), found in
# its non-empty texts joined by "\n": a character to escape, "_x" (which may open "_xHHHH_"), or
# a text that starts or ends with white space (then "\n" has white space beside it, or the
# joined texts start or end with it; a "\n" inside a text may also send its row there). One
# character class and literals: the regular-expression engine scans for them at C speed.
_TO_ESCAPE = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPACE_AT_JOIN = re.compile(r"\n(?:(?<=\s\n)|\s)")  # the literal first: memchr's speed


def _tails(formats: Sequence[Format]) -> list[tuple[str, str, str, str]]:
    """Per column, what follows '<c r="B7' in a styled cell: bare, blank, text, number."""
    return [(f'" s="{i}"', f'" s="{i}"/>', f'" s="{i}" t="inlineStr"><is><t>', f'" s="{i}"><v>')
            for i in _style_indices(formats)]


def _height_attributes(points: float) -> str:
    return f' ht="{points:g}" customHeight="1"'


def _no_texts(_values: Sequence[object]) -> str:
    return ""


@dataclass(frozen=True, slots=True)
class _RowTemplate:
    """The XML of every row of one shape (formats, each value's type and truth) as one
    %-template over (row number, height attributes, *values), whose slots `pick` takes from
    that tuple in order (the template's own text is tags, column letters and style numbers: no
    "%"); no template where a value's type has none (the row is written cell by cell)."""

    template: str | None
    pick: Callable[[tuple[object, ...]], tuple[object, ...]]
    texts: Callable[[Sequence[object]], str]  # the row's non-empty texts, joined by "\n"

    @classmethod
    def of(cls, width: int, opens: Sequence[str], tails: Sequence[tuple[str, str, str, str]],
           types: tuple[type, ...], truths: tuple[bool, ...]) -> _RowTemplate:
        parts = [f'<row r="%s" spans="1:{width}"%s>']
        slots = [0, 1]  # in the tuple (row number, height attributes, *values)
        texts_at: list[int] = []
        for c, (kind, truth) in enumerate(zip(types, truths, strict=True)):
            style, blank, text, number = tails[c]
            head = opens[c] + "%s"
            slots.append(0)
            if kind is type(None) or (kind is str and not truth):
                parts.append(head + blank)
                continue
            if kind is str:
                parts.append(head + text + "%s</t></is></c>")
                texts_at.append(c)
            elif kind is int:
                parts.append(head + number + "%s</v></c>")
            elif kind is bool:  # as _cell writes them
                parts.append(head + style + ' t="b"><v>%d</v></c>')
            elif kind is float:
                parts.append(head + style + "><v>%.16G</v></c>")
            else:
                return cls(None, itemgetter(0, 1), _no_texts)
            slots.append(c + 2)
        parts.append("</row>")
        texts: Callable[[Sequence[object]], str]
        if len(texts_at) == 1:
            texts = itemgetter(texts_at[0])
        elif texts_at:
            each = itemgetter(*texts_at)
            texts = lambda values: "\n".join(each(values))  # noqa: E731
        else:
            texts = _no_texts
        return cls("".join(parts), itemgetter(*slots), texts)


def _cell(head: str, value: object) -> str:
    """One cell of any value the fast cases of BulkRows.xml leave (texts that need escaping,
    spaces kept or cutting; booleans, floats); `head` is '<c r="B7" s="3"'."""
    if isinstance(value, str):
        text = value if len(value) <= EXCEL_MAX_TEXT else fit_text(value)
        space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
        return f'{head} t="inlineStr"><is><t{space}>{escape_text(text)}</t></is></c>'
    if isinstance(value, bool):
        return f'{head} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int):
        return f"{head}><v>{value}</v></c>"
    if isinstance(value, float):
        return f"{head}><v>{value:.16G}</v></c>"
    raise TypeError(f"cannot write {type(value).__name__} in a cell")


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
        return b"".join(self.xml_chunks())

    def xml_chunks(self, rows_per_chunk: int = CHUNK_ROWS) -> Iterator[bytes]:
        """The rows' XML, a chunk of rows at a time (compressed while the next is made). Rows
        of one shape share a template (_RowTemplate); a row whose texts need escaping, keep
        spaces or are cut is written cell by cell (`_row_by_cells`): the same bytes."""
        opens = [f'<c r="{column_letter(c)}' for c in range(self.width)]  # + row + tail
        # id(formats) -> per column, the tails of a blank, a plain text and a number cell.
        tails_of: dict[int, list[tuple[str, str, str, str]]] = {}
        shapes: dict[tuple[int, tuple[type, ...], tuple[bool, ...]], _RowTemplate] = {}
        heights = {offset: _height_attributes(points) for offset, points in self.heights.items()}
        first = self.first_row + 1
        rows = self.rows
        for start in range(0, max(len(rows), 1), rows_per_chunk):
            parts: list[str] = []
            append = parts.append
            for row, (values, formats) in enumerate(rows[start:start + rows_per_chunk],
                                                    first + start):
                key = (id(formats), tuple(map(type, values)), tuple(map(bool, values)))
                shape = shapes.get(key)
                if shape is None:
                    tails = tails_of.get(id(formats))
                    if tails is None:
                        tails = tails_of[id(formats)] = _tails(formats)
                    if len(values) != self.width or len(tails) != self.width:
                        raise SpliceError(f"row {row}: {len(values)} values and {len(tails)} "
                                          f"formats for a table {self.width} columns wide")
                    shape = shapes[key] = _RowTemplate.of(self.width, opens, tails, key[1],
                                                          key[2])
                ht = heights.get(row - first, "")
                texts = shape.texts(values)
                if shape.template is None or len(texts) > EXCEL_MAX_TEXT or \
                        texts[:1].isspace() or texts[-1:].isspace() or \
                        "_x" in texts or _TO_ESCAPE.search(texts) or _SPACE_AT_JOIN.search(texts):
                    append(self._row_by_cells(row, ht, values, opens, tails_of[id(formats)]))
                else:
                    append(shape.template % shape.pick((row, ht, *values)))
            yield "".join(parts).encode("utf-8")

    def _row_by_cells(self, row: int, ht: str, values: Sequence[object], opens: Sequence[str],
                      tails: Sequence[tuple[str, str, str, str]]) -> str:
        n = str(row)
        cells = [f'<row r="{n}" spans="1:{self.width}"{ht}>']
        for c, value in enumerate(values):
            style, blank, _text, _number = tails[c]
            cells.append(opens[c] + n + blank if value is None or value == "" else
                         _cell(opens[c] + n + style, value))
        cells.append("</row>")
        return "".join(cells)

    @property
    def last_row(self) -> int:
        return self.first_row + len(self.rows) - 1


_DIMENSION = re.compile(rb'<dimension ref="[^"]*"/>')
_ROW_NUMBER = re.compile(rb'<row r="(\d+)"')


def _around(xml: bytes, bulk: BulkRows) -> tuple[bytes, bytes]:
    """XlsxWriter's sheet XML cut where the bulk rows go (after its own rows), with the used
    range made to cover them: the sheet is head + rows + tail."""
    dimension = _DIMENSION.findall(xml)
    if len(dimension) != 1 or xml.count(b"<sheetData") != 1:
        raise SpliceError(f"sheet {bulk.sheet_index + 1}: not the XML XlsxWriter 3.3.1 writes")
    written = [int(n) for n in _ROW_NUMBER.findall(xml)]
    if written and max(written) > bulk.first_row:  # Excel rows are 1-based, first_row 0-based
        raise SpliceError(f"sheet {bulk.sheet_index + 1}: XlsxWriter wrote row {max(written)}, "
                          f"at or below the first bulk row {bulk.first_row + 1}")
    # The used range: A1 to the bulk's last row and column (the header block above is narrower).
    ref = xl_range(0, 0, bulk.last_row, bulk.width - 1).encode()
    xml = _DIMENSION.sub(b'<dimension ref="' + ref + b'"/>', xml, count=1)
    if b"<sheetData/>" in xml:
        head, tail = xml.split(b"<sheetData/>", 1)
        return head + b"<sheetData>", b"</sheetData>" + tail
    head, tail = xml.split(b"</sheetData>", 1)
    return head, b"</sheetData>" + tail


def _stream(head: bytes, bulk: BulkRows, tail: bytes, write: Callable[[bytes], object]) -> None:
    """head + the rows' XML + tail into `write`, which runs in a second thread (zlib lets go of
    the interpreter while it compresses) while this one makes the next chunk of rows."""
    size = len(head) + len(tail)
    with ThreadPoolExecutor(max_workers=1) as deflater, _quick_handoff():
        pending = deflater.submit(write, head)
        for chunk in bulk.xml_chunks():
            pending.result()
            size += len(chunk)
            if size * 1.05 > zipfile.ZIP64_LIMIT:  # writestr's rule for a ZIP64 entry
                raise _NeedsZip64  # (what is written so far closes as a plain entry)
            pending = deflater.submit(write, chunk)
        pending.result()
        write(tail)


@dataclass(frozen=True, slots=True)
class Deflated:
    """A bulk sheet's part made and deflated ahead: the sheet's own XML around the rows (to
    check against the XML XlsxWriter writes at close), and the entry's data."""

    head: bytes
    tail: bytes
    crc: int
    size: int
    data: bytes


class _Deflater:
    """What a zip entry opened for writing does to its data: CRC-32, size, raw deflate."""

    def __init__(self, level: int = BULK_DEFLATE_LEVEL) -> None:
        # zipfile's compressor for ZIP_DEFLATED at that level (raw deflate): the bytes writestr
        # gives with that compresslevel (zlib's default, -1, where it is given none)
        self.compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
        self.crc = 0
        self.size = 0
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.crc = zlib.crc32(data, self.crc)
        self.size += len(data)
        self.parts.append(self.compressor.compress(data))

    def finished(self, head: bytes = b"", tail: bytes = b"") -> Deflated:
        """Everything written, as an entry's data (`head`, `tail`: a bulk sheet's own XML)."""
        self.parts.append(self.compressor.flush())
        return Deflated(head, tail, self.crc, self.size, b"".join(self.parts))


def _sheet_xml_now(workbook: Workbook, index: int) -> bytes:
    """The worksheet's XML as close() will write it: XlsxWriter 3.3.1's _store_workbook marks
    the selected and active sheets, then each sheet assembles its XML. Spends the sheet's
    writer state: for a forked child only."""
    sheets = workbook.worksheets()
    if workbook.worksheet_meta.activesheet == 0:
        sheets[0].selected = 1
        sheets[0].hidden = 0
    sheet = sheets[index]
    if sheet.index == workbook.worksheet_meta.activesheet:
        sheet.active = 1
    handle = io.StringIO()
    sheet._set_xml_writer(handle)  # noqa: SLF001 - XlsxWriter's own packager does this
    sheet._assemble_xml_file()  # noqa: SLF001
    return handle.getvalue().encode("utf-8")


def _deflated(head: bytes, bulk: BulkRows, tail: bytes) -> Deflated:
    """head + the rows' XML + tail, deflated as it is made (fed in chunks, zlib gives the same
    bytes as in one piece). Raises _NeedsZip64 for a sheet too large for a plain entry."""
    sink = _Deflater()
    _stream(head, bulk, tail, sink.write)
    return sink.finished(head, tail)


def _deflated_now(workbook: Workbook, bulk: BulkRows) -> Deflated | None:
    head, tail = _around(_sheet_xml_now(workbook, bulk.sheet_index), bulk)
    try:
        return _deflated(head, bulk, tail)
    except _NeedsZip64:
        return None  # the parent's own path handles a sheet that large


def _part_name(bulk: BulkRows) -> str:
    return f"xl/worksheets/sheet{bulk.sheet_index + 1}.xml"


class Ahead:
    """Bulk sheets made and deflated in a forked child while this process writes the rest of
    the workbook: forked on entering the `with` block (see deflate_ahead), stopped and reaped
    on leaving it. Inactive (no child) where deflate_ahead says so, or if the fork fails."""

    def __init__(self, workbook: Workbook | None = None, bulks: Sequence[BulkRows] = ()) -> None:
        self.workbook = workbook
        self.bulks = bulks
        self.pid: int | None = None
        self.fd: int | None = None
        self.used: list[str] = []  # parts written from the child's data (what tests look at)
        self.status: int | None = None  # the child's wait status, once reaped

    def __enter__(self) -> Ahead:
        if self.workbook is None:
            return self
        # Ctrl+C waits until the child exists and is known here (then __exit__ stops it).
        blocked = hasattr(signal, "pthread_sigmask")
        if blocked:
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            self._fork(self.workbook, self.bulks)
        finally:
            if blocked:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        return self

    def _fork(self, workbook: Workbook, bulks: Sequence[BulkRows]) -> None:
        try:
            read, write = os.pipe()
        except OSError:
            return  # no pipe to be had (descriptors used up): the parent makes the sheets
        parent = os.getpid()
        try:
            pid = os.fork()
        except OSError:  # no process to be had (EAGAIN: a process limit; ENOMEM): likewise
            os.close(read)
            os.close(write)
            return
        if pid == 0:  # the child: never returns
            _child(read, write, parent, workbook, bulks)
        os.close(write)
        self.pid, self.fd = pid, read

    def collect(self) -> dict[str, Deflated]:
        """The child's parts (empty if it failed or overran: the parent then makes them)."""
        if self.pid is None or self.fd is None:
            return {}
        chunks: list[bytes] = []
        deadline = time.monotonic() + AHEAD_TIME_LIMIT
        while (left := deadline - time.monotonic()) > 0:
            if not select.select([self.fd], [], [], left)[0]:
                break  # overran: stopped below, the parent makes the sheets
            chunk = os.read(self.fd, 1 << 20)
            if not chunk:
                os.close(self.fd)
                self.fd = None
                self._reap()
                try:
                    parts = pickle.loads(b"".join(chunks))  # noqa: S301 - our own child's
                except Exception:  # noqa: BLE001 - a child that died halfway
                    return {}
                return parts if isinstance(parts, dict) else {}
            chunks.append(chunk)
        self._stop()
        return {}

    def _reap(self) -> None:
        if self.pid is not None:
            try:
                self.status = os.waitpid(self.pid, 0)[1]
            except ChildProcessError:
                pass
            self.pid = None

    def _stop(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._reap()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 trace: TracebackType | None) -> None:
        """A report that failed before its splice: the child is stopped, not left behind."""
        self._stop()


def deflate_ahead(workbook: Workbook, bulks: Sequence[BulkRows]) -> Ahead:
    """An Ahead that forks, on entering its `with` block, a child to make and deflate the
    largest bulk sheet while this process writes the rest of the workbook (call once every
    sheet of the bulks is written, before close); splice_rows makes the other bulk sheets here
    while the child works. Linux only (fork is the cheap, documented-safe way there; macOS and
    Windows make the sheets here), and not with other threads running (a fork copies none of
    them, and a lock one holds stays held in the child), for fewer rows than the fork costs,
    or for so many that the child's copy of the rows would cost too much memory."""
    largest = max(bulks, key=lambda b: len(b.rows), default=None)
    if largest is None or not sys.platform.startswith("linux") or \
            threading.active_count() != 1 or \
            not AHEAD_MIN_ROWS <= len(largest.rows) <= AHEAD_MAX_ROWS:
        return Ahead()
    for formats in {id(f): f for _values, f in largest.rows}.values():
        _style_indices(formats)  # a format without its index fails here, in the parent, loudly
    return Ahead(workbook, [largest])


def _child(read: int, write: int, parent: int, workbook: Workbook,
           bulks: Sequence[BulkRows]) -> None:
    status = 1
    try:
        os.close(read)
        from addin.io.sandbox import prepare_worker

        prepare_worker(parent)  # dies with the parent
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle
        parts: dict[str, Any] = {}
        for bulk in bulks:
            if bulk.rows:
                deflated = _deflated_now(workbook, bulk)
                if deflated is not None:
                    parts[_part_name(bulk)] = deflated
        with os.fdopen(write, "wb") as pipe:
            pipe.write(pickle.dumps(parts, protocol=pickle.HIGHEST_PROTOCOL))
        status = 0
    finally:  # whatever happened: no exit handlers, no flushing of the parent's buffers
        os._exit(status)


class _AlreadyDeflated:
    """A zip entry's compressor whose data was deflated elsewhere: it gives that data once
    the entry is closed (zipfile then writes the entry's header as for any other)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def compress(self, data: bytes) -> bytes:
        raise SpliceError("a deflated part takes no more data")

    def flush(self) -> bytes:
        return self.data


def _entry_fields_known() -> bool:
    """Whether this Python's zip entry writer keeps its CRC, size and compressor where
    `_write_deflated` sets them (CPython 3.8 to 3.13 do); if not, the parent deflates."""
    with zipfile.ZipFile(io.BytesIO(), "w", compression=zipfile.ZIP_DEFLATED) as probe, \
            probe.open("probe", mode="w") as entry:
        return all(hasattr(entry, name) for name in ("_compressor", "_crc", "_file_size"))


def _write_deflated(target: zipfile.ZipFile, info: zipfile.ZipInfo, part: Deflated) -> None:
    with target.open(info, mode="w") as sheet:
        entry: Any = sheet  # zipfile's _ZipWriteFile (private: see _entry_fields_known)
        entry._compressor = _AlreadyDeflated(part.data)
        entry._crc = part.crc
        entry._file_size = part.size


_handoff_lock = threading.Lock()
_handoff_users = 0  # splices streaming now, in any thread
_handoff_before = 0.0  # the process's own interval, put back when the last one ends


@contextmanager
def _quick_handoff() -> Iterator[None]:
    """The interpreter passes between threads every HANDOFF_SECONDS while this lasts. The
    interval is the whole process's: splices in several threads share one lowering, and the
    interval found before the first is put back after the last."""
    global _handoff_users, _handoff_before
    with _handoff_lock:
        if _handoff_users == 0:
            _handoff_before = sys.getswitchinterval()
            sys.setswitchinterval(min(_handoff_before, HANDOFF_SECONDS))
        _handoff_users += 1
    try:
        yield
    finally:
        with _handoff_lock:
            _handoff_users -= 1
            if _handoff_users == 0:
                sys.setswitchinterval(_handoff_before)


class _NeedsZip64(Exception):
    """A streamed sheet grew past what a plain zip entry holds (about 2 GiB of XML): its entry
    must be marked ZIP64 before its data, which only the sheet's whole size tells."""


def splice_rows(package: bytes, bulks: Sequence[BulkRows], ahead: Ahead | None = None
                ) -> bytes:
    """Insert the bulk rows after the rows XlsxWriter wrote in each sheet (`ahead`: the sheets
    a forked child made and deflated meanwhile, used where their XML is the sheet's; the other
    bulk sheets are made here before the child's are waited for)."""
    made: dict[str, Deflated] = {}
    if ahead is not None and ahead.pid is not None:
        try:
            made = _made_here(package, [b for b in bulks if all(b is not a for a in ahead.bulks)],
                              ahead.bulks)
        except _NeedsZip64:
            made = {}  # left to _spliced's own rule for a sheet that large
    ready = ahead.collect() if ahead is not None else {}
    try:
        return _spliced(package, bulks, streamed=True, ready=ready, ahead=ahead, made=made)
    except _NeedsZip64:  # a sheet of over 2 GiB: made in one piece and written as writestr does
        return _spliced(package, bulks, streamed=False)


def _made_here(package: bytes, bulks: Sequence[BulkRows], skip: Sequence[BulkRows]
               ) -> dict[str, Deflated]:
    """The package's deflated parts made ready now, while the child makes `skip`'s: the
    `bulks` sheets with their rows, every other part (not a bulk sheet) deflated as writestr
    deflates it, so that writing the package once the child is done copies them."""
    if not _entry_fields_known():
        return {}
    parts = {_part_name(b): b for b in bulks if b.rows}
    theirs = {_part_name(b) for b in skip}
    made: dict[str, Deflated] = {}
    with zipfile.ZipFile(io.BytesIO(package)) as source:
        for info in source.infolist():
            name = info.filename
            if info.compress_type != zipfile.ZIP_DEFLATED or name in theirs:
                continue
            bulk = parts.get(name)
            if bulk is not None:
                head, tail = _around(source.read(name), bulk)
                made[name] = _deflated(head, bulk, tail)
            else:
                plain = _Deflater(zlib.Z_DEFAULT_COMPRESSION)
                plain.write(source.read(name))
                made[name] = plain.finished()
    return made


def _spliced(package: bytes, bulks: Sequence[BulkRows], streamed: bool,
             ready: dict[str, Deflated] | None = None, ahead: Ahead | None = None,
             made: dict[str, Deflated] | None = None) -> bytes:
    by_part = {_part_name(b): b for b in bulks if b.rows}
    if not by_part:
        return package
    # Streamed: each bulk sheet deflated as its rows are made (or by the child, `ready`) and
    # handed to zipfile as deflated data; else (a sheet over 2 GiB, or a Python whose zip entry
    # writer is not the one _write_deflated knows) made whole and written by writestr.
    streamed = streamed and _entry_fields_known()
    out = io.BytesIO()
    done: set[str] = set()
    with zipfile.ZipFile(io.BytesIO(package)) as source, \
            zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            bulk = by_part.get(info.filename)
            if bulk is None:
                part = (made or {}).get(info.filename) if streamed else None
                if part is not None and info.compress_type == zipfile.ZIP_DEFLATED:
                    _write_deflated(target, info, part)  # deflated while the child worked
                else:
                    target.writestr(info, source.read(info.filename),
                                    compress_type=info.compress_type)
                continue
            done.add(info.filename)
            head, tail = _around(source.read(info.filename), bulk)
            if streamed and info.compress_type == zipfile.ZIP_DEFLATED:
                part = (ready or {}).get(info.filename)
                if part is not None and (part.head, part.tail) == (head, tail):
                    if ahead is not None:
                        ahead.used.append(info.filename)
                else:  # made here: while the child worked (`made`), or now
                    part = (made or {}).get(info.filename) or _deflated(head, bulk, tail)
                _write_deflated(target, info, part)
            else:
                target.writestr(info, head + bulk.xml() + tail, compress_type=info.compress_type,
                                compresslevel=BULK_DEFLATE_LEVEL)
    if done != set(by_part):
        raise SpliceError(f"no such sheet part: {', '.join(sorted(set(by_part) - done))}")
    return out.getvalue()
