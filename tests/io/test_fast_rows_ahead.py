"""A large report's bulk sheets are made and deflated ahead in a forked child while the rest of
the workbook is written (addin.io.fast_rows.deflate_ahead): the bytes are those of the serial
path, the child's parts are really used, and any doubt falls back to the serial path."""

from __future__ import annotations

import io
import os
import signal
import sys
import threading
import time
import zipfile
import zlib

import pytest

from addin.domain.cluster import consolidate
from addin.io import fast_rows, report
from addin.io.reader import read_unit_workbook
from addin.io.report import ReportMeta, cluster_report_bytes
from tests.conftest import collective, person, unit_sheets, write_openpyxl

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")

META = ReportMeta("Cụm 1", "Năm 2024", "01/01/2025", "rules")


@pytest.fixture()
def result(tmp_path, rules):
    books = []
    for u in range(3):
        people = [person(name=f"Người {u}-{i} <&>", seq=i + 1, agree=8 if i % 3 else 3,
                         note="ghi chú dài " * (i % 4)) for i in range(40)]
        books.append(read_unit_workbook(write_openpyxl(tmp_path / f"u{u}.xlsx",
                                                       unit_sheets(people))))
    return consolidate(books, rules)


@pytest.fixture()
def aheads(monkeypatch):
    """Every Ahead the report makes, to look at which parts it used."""
    made: list[fast_rows.Ahead] = []
    original = fast_rows.deflate_ahead

    def spy(workbook, bulks):
        made.append(original(workbook, bulks))
        return made[-1]

    monkeypatch.setattr(report, "deflate_ahead", spy)
    return made


def _serial(monkeypatch, result, rules) -> bytes:
    monkeypatch.setattr(fast_rows, "AHEAD_MIN_ROWS", sys.maxsize)
    return cluster_report_bytes(result, rules, META)


def test_the_childs_parts_are_used_and_the_bytes_are_the_serial_paths(monkeypatch, result,
                                                                      rules, aheads):
    serial = _serial(monkeypatch, result, rules)
    assert aheads[-1].pid is None and aheads[-1].used == []  # below the threshold: no child
    monkeypatch.setattr(fast_rows, "AHEAD_MIN_ROWS", 1)
    ahead = cluster_report_bytes(result, rules, META)
    assert threading.active_count() == 1, "another thread runs: the report forks no child"
    assert aheads[-1].used == ["xl/worksheets/sheet2.xml"]  # "Cá nhân" (no collectives here)
    assert ahead == serial


def test_the_child_makes_the_largest_sheet_and_the_parent_the_others_meanwhile(
        monkeypatch, tmp_path, rules, aheads):
    """With both nomination sheets, the child makes the larger ("Cá nhân") and the parent
    makes "Tập thể" before it waits for the child: the bytes are still the serial path's."""
    books = []
    for u in range(2):
        people = [person(name=f"Người {u}-{i}", seq=i + 1) for i in range(30)]
        groups = [collective(name=f"Tổ {u}-{i}") for i in range(5)]
        books.append(read_unit_workbook(write_openpyxl(
            tmp_path / f"u{u}.xlsx", unit_sheets(people, groups))))
    both = consolidate(books, rules)
    serial = _serial(monkeypatch, both, rules)
    made: list[list[str]] = []
    original = fast_rows._made_here

    def spy(package, bulks, skip):
        found = original(package, bulks, skip)
        made.append(sorted(found))
        return found

    monkeypatch.setattr(fast_rows, "_made_here", spy)
    monkeypatch.setattr(fast_rows, "AHEAD_MIN_ROWS", 1)
    ahead = cluster_report_bytes(both, rules, META)
    assert [len(b.rows) for b in aheads[-1].bulks] == [60]  # the child: "Cá nhân" only
    assert aheads[-1].used == ["xl/worksheets/sheet2.xml"]
    assert len(made) == 1 and "xl/worksheets/sheet3.xml" in made[0]  # "Tập thể", here,
    assert "xl/worksheets/sheet2.xml" not in made[0]  # before the wait, with every other part
    assert {"xl/styles.xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"} <= set(made[0])
    assert ahead == serial


def test_a_child_that_fails_leaves_the_parts_to_the_parent(monkeypatch, result, rules, aheads):
    serial = _serial(monkeypatch, result, rules)
    monkeypatch.setattr(fast_rows, "AHEAD_MIN_ROWS", 1)

    def broken(workbook, bulk):
        raise RuntimeError("child failed")

    monkeypatch.setattr(fast_rows, "_deflated_now", broken)
    assert cluster_report_bytes(result, rules, META) == serial
    assert aheads[-1].used == []


def test_xml_the_child_made_otherwise_than_close_is_not_used(monkeypatch, result, rules, aheads):
    """Were a sheet's XML at close not what the child made (a style index given later, say),
    the parent makes the sheet itself."""
    serial = _serial(monkeypatch, result, rules)
    monkeypatch.setattr(fast_rows, "AHEAD_MIN_ROWS", 1)
    original = fast_rows._sheet_xml_now
    monkeypatch.setattr(fast_rows, "_sheet_xml_now",
                        lambda workbook, index: original(workbook, index).replace(
                            b"<sheetData>", b'<sheetData><row r="1"/>', 1))
    assert cluster_report_bytes(result, rules, META) == serial
    assert aheads[-1].used == []


def test_a_report_that_fails_before_its_splice_stops_the_child(monkeypatch, result, rules,
                                                               aheads):
    monkeypatch.setattr(fast_rows, "AHEAD_MIN_ROWS", 1)
    monkeypatch.setattr(fast_rows, "_deflated_now", lambda workbook, bulk: time.sleep(60))

    def failing(*args, **kwargs):
        raise RuntimeError("the quota sheet failed")

    monkeypatch.setattr(report, "_quota_sheet", failing)
    with pytest.raises(RuntimeError, match="quota sheet"):
        cluster_report_bytes(result, rules, META)
    ahead = aheads[-1]
    assert ahead.pid is None and ahead.fd is None  # reaped, pipe closed
    assert ahead.status is not None and os.WIFSIGNALED(ahead.status)  # killed, not waited for
    assert os.WTERMSIG(ahead.status) == signal.SIGKILL


def test_the_zip_entry_writer_keeps_the_fields_the_parts_are_written_through():
    """fast_rows writes a deflated part through zipfile's private entry fields; on a Python
    without them it deflates in the parent instead. CPython 3.11 (CI, Debian) has them."""
    assert fast_rows._entry_fields_known()


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_a_fork_that_fails_leaves_the_parts_to_the_parent(monkeypatch, result, rules, aheads):
    """EAGAIN (a process limit) or ENOMEM: the report is written all the same, nothing leaks."""
    serial = _serial(monkeypatch, result, rules)
    monkeypatch.setattr(fast_rows, "AHEAD_MIN_ROWS", 1)

    def refused():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refused)
    before = _open_fds()
    assert cluster_report_bytes(result, rules, META) == serial
    assert aheads[-1].pid is None and aheads[-1].used == [] and _open_fds() == before


def test_no_child_is_forked_while_another_thread_runs(monkeypatch, result, rules, aheads):
    serial = _serial(monkeypatch, result, rules)
    monkeypatch.setattr(fast_rows, "AHEAD_MIN_ROWS", 1)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert cluster_report_bytes(result, rules, META) == serial
    finally:
        stop.set()
        other.join()
    assert aheads[-1].workbook is None and aheads[-1].status is None  # never forked


def test_a_child_that_hangs_is_stopped_and_the_parent_makes_the_parts(monkeypatch, result, rules,
                                                                      aheads):
    serial = _serial(monkeypatch, result, rules)
    monkeypatch.setattr(fast_rows, "AHEAD_MIN_ROWS", 1)
    monkeypatch.setattr(fast_rows, "AHEAD_TIME_LIMIT", 0.5)
    monkeypatch.setattr(fast_rows, "_deflated_now", lambda workbook, bulk: time.sleep(60))
    assert cluster_report_bytes(result, rules, META) == serial
    ahead = aheads[-1]
    assert ahead.used == [] and ahead.pid is None and ahead.fd is None
    assert ahead.status is not None and os.WTERMSIG(ahead.status) == signal.SIGKILL


def test_deflated_data_goes_only_into_a_deflated_entry():
    """A sheet entry stored uncompressed (no writer tdkt uses does that) takes the rows
    itself: deflated data in a stored entry would make a broken file."""
    from tests.io.test_fast_rows import _book

    package, bulk = _book(rows=5)
    stored = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, \
            zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            info.compress_type = zipfile.ZIP_STORED
            target.writestr(info, data)
    with zipfile.ZipFile(stored) as book:
        head, tail = fast_rows._around(book.read("xl/worksheets/sheet1.xml"), bulk)
    xml = head + bulk.xml() + tail
    compressor = zlib.compressobj(fast_rows.BULK_DEFLATE_LEVEL, zlib.DEFLATED, -15)
    part = fast_rows.Deflated(head, tail, zlib.crc32(xml), len(xml),
                              compressor.compress(xml) + compressor.flush())
    spliced = fast_rows._spliced(stored.getvalue(), [bulk], streamed=True,
                                 ready={"xl/worksheets/sheet1.xml": part})
    with zipfile.ZipFile(io.BytesIO(spliced)) as book:
        assert book.testzip() is None
        assert book.read("xl/worksheets/sheet1.xml") == xml


def test_a_zip_writer_without_the_known_fields_gets_the_same_bytes_by_writestr(
        monkeypatch, result, rules, aheads):
    """Where a Python's zip entry writer does not keep the fields _write_deflated sets, every
    path (the child's, the parent's meanwhile, the serial one) falls back to writestr: the same
    bytes, and nothing of the child's is used."""
    serial = _serial(monkeypatch, result, rules)
    monkeypatch.setattr(fast_rows, "AHEAD_MIN_ROWS", 1)
    monkeypatch.setattr(fast_rows, "_entry_fields_known", lambda: False)
    assert cluster_report_bytes(result, rules, META) == serial
    assert aheads[-1].used == []
    monkeypatch.setattr(fast_rows, "AHEAD_MIN_ROWS", sys.maxsize)
    assert cluster_report_bytes(result, rules, META) == serial
