"""Looking inside an .xlsx/.xlsm package before any parser does: safety limits, and the cells
that hold Excel errors (#REF!, #DIV/0!…), which value readers silently turn into blanks."""

from __future__ import annotations

import io
import zipfile
import zlib
from posixpath import dirname, join, normpath

from defusedxml import ElementTree as SafeET  # refuses DTDs, entities and external references

from addin.io.sheet_scan import UnsafeWorkbook, scan_sheet_xml

# Limits: a unit workbook is a few MB; these leave two orders of magnitude of headroom.
MAX_PARTS = 10_000
MAX_UNCOMPRESSED = 256 * 1024 * 1024
MAX_RATIO = 200  # uncompressed/compressed, checked on parts larger than RATIO_FLOOR
RATIO_FLOOR = 16 * 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"

def sniff(data: bytes) -> str:
    if data.startswith(ZIP_MAGIC):
        return "zip"
    if data.startswith(CFB_MAGIC):
        return "encrypted" if _ENCRYPTED_MARK in data else "cfb"
    return "other"


def _check_limits(archive: zipfile.ZipFile) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_PARTS:
        raise UnsafeWorkbook(f"tệp có quá nhiều phần ({len(infos)})")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise UnsafeWorkbook(f"phần {info.filename} nén bất thường (nghi “bom nén”)")
    if total > MAX_UNCOMPRESSED:
        raise UnsafeWorkbook(f"dung lượng giải nén quá lớn ({total // 2**20} MB)")


def _parse_xml(archive: zipfile.ZipFile, name: str) -> SafeET.Element | None:
    try:
        data = archive.read(name)
    except KeyError:
        return None
    try:
        return SafeET.fromstring(data)
    except Exception as exc:  # defusedxml raises its own types for DTDs and entities
        raise UnsafeWorkbook(f"phần {name} không hợp lệ hoặc không an toàn ({type(exc).__name__})"
                             ) from exc


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> part path inside the package."""
    workbook = _parse_xml(archive, "xl/workbook.xml")
    rels = _parse_xml(archive, "xl/_rels/workbook.xml.rels")
    if workbook is None or rels is None:
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_NS_PKG_REL}Relationship")}
    parts: dict[str, str] = {}
    for sheet in workbook.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_NS_REL}id"), "")
        if not target:
            continue
        path = target.lstrip("/") if target.startswith("/") else normpath(join(dirname(
            "xl/workbook.xml"), target))
        parts[sheet.get("name", "")] = path
    return parts


def _open(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise UnsafeWorkbook("tệp nén bị hỏng hoặc không đầy đủ") from exc


def check_package(data: bytes) -> None:
    """Refuse zip bombs, DTD/entity tricks and broken packages before any parser runs.

    Raises UnsafeWorkbook. Files that are not zip packages (.xls, .ods…) pass through.
    """
    if sniff(data) != "zip":
        return
    with _open(data) as archive:
        _check_limits(archive)
        names = set(archive.namelist())
        for name in ("[Content_Types].xml", "xl/workbook.xml", "xl/sharedStrings.xml",
                     "xl/styles.xml"):
            if name in names:
                _parse_xml(archive, name)
        for part in _sheet_parts(archive).values():
            if part in names:
                with archive.open(part) as stream:
                    head = stream.read(4096)
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise UnsafeWorkbook(f"phần {part} khai báo DTD/thực thể XML (không an toàn)")


def scan_sheets(data: bytes, sheets: set[str]) -> dict[str, dict[tuple[int, str], str]]:
    """Check the extent of the given sheets (raises UnsafeWorkbook) and find their error
    cells: sheet name -> {(excel_row, column_letter): "#DIV/0!"}."""
    if sniff(data) != "zip":
        return {}
    found: dict[str, dict[tuple[int, str], str]] = {}
    with _open(data) as archive:
        for sheet, part in _sheet_parts(archive).items():
            if sheet not in sheets:
                continue
            try:
                info = archive.getinfo(part)
            except KeyError:
                continue
            try:
                with archive.open(info) as stream:
                    errors = scan_sheet_xml(sheet, stream)
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
                raise UnsafeWorkbook(f"phần {part} bị hỏng") from exc
            if errors:
                found[sheet] = errors
    return found
