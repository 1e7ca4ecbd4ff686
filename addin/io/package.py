"""Looking inside an .xlsx/.xlsm package before any parser does: safety limits, and the cells
that hold Excel errors (#REF!, #DIV/0!…), which value readers silently turn into blanks."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections import Counter
from posixpath import dirname, join, normpath
from typing import Any
from xml.parsers import expat

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
_SHEET, _RELATIONSHIP = f"{_NS_MAIN}sheet", f"{_NS_PKG_REL}Relationship"
_RELS = "xl/_rels/workbook.xml.rels"

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


class _NotPlain(Exception):
    """A declaration the quick check leaves to defusedxml (a DOCTYPE, an entity)."""


def _raise_not_plain(*_args: object) -> None:
    raise _NotPlain


_not_plain: Any = _raise_not_plain  # one handler for expat's several signatures


def _plain_parser() -> Any:
    """An expat parser, with the namespace handling ElementTree asks for, that raises _NotPlain
    at any DOCTYPE or entity declaration (those are defusedxml's to judge)."""
    parser = expat.ParserCreate(None, "}")
    parser.StartDoctypeDeclHandler = _not_plain
    parser.EntityDeclHandler = _not_plain
    parser.UnparsedEntityDeclHandler = _not_plain
    parser.ExternalEntityRefHandler = _not_plain
    return parser


def _plainly_well_formed(data: bytes) -> bool:
    """Whether `data` is well-formed XML without any DOCTYPE: checked by expat alone, without
    building a tree (a workbook's shared strings are most of its XML). True means defusedxml
    would parse it without complaint (it forbids nothing in such a document, and expat, the
    parser under it, already refuses what is not well-formed); False leaves the decision, and
    the exact error, to defusedxml."""
    parser = _plain_parser()
    try:
        parser.Parse(data, True)
    except Exception:  # not well-formed, a declaration, an unknown encoding…
        return False
    return True


def _parse_xml(archive: zipfile.ZipFile, name: str, tree: bool = True) -> SafeET.Element | None:
    """The part's XML (None when the package has no such part); raises UnsafeWorkbook when it
    is not XML or declares entities. Without `tree`, only the check (returns None)."""
    try:
        data = archive.read(name)
    except KeyError:
        return None
    if not tree and _plainly_well_formed(data):
        return None
    try:
        return SafeET.fromstring(data)
    except Exception as exc:  # defusedxml raises its own types for DTDs and entities
        raise UnsafeWorkbook(f"phần {name} không hợp lệ hoặc không an toàn ({type(exc).__name__})"
                             ) from exc


Attributes = dict[str, str]


def _elements(archive: zipfile.ZipFile, name: str, tag: str) -> list[Attributes] | None:
    """The attributes of each `tag` element (ElementTree's "{namespace}local" names) of the
    part, in document order, as ElementTree's tree of it gives them (None when the package has
    no such part); raises UnsafeWorkbook as _parse_xml does. A plain document (what
    _plainly_well_formed accepts) is read by expat alone, without building a tree."""
    try:
        data = archive.read(name)
    except KeyError:
        return None
    found: list[Attributes] = []
    wanted = tag[1:]  # expat's "namespace}local", with the separator ElementTree asks for

    def start(element: str, attributes: Attributes) -> None:
        if element == wanted:
            found.append({"{" + k if "}" in k else k: v for k, v in attributes.items()})

    parser = _plain_parser()
    parser.StartElementHandler = start
    try:
        parser.Parse(data, True)
    except Exception:  # not plain: defusedxml decides, and says why, as it did
        tree = _parse_xml(archive, name)
        return None if tree is None else [dict(e.attrib) for e in tree.iter(tag)]
    return found


def _sheet_parts(sheets: list[Attributes] | None, relationships: list[Attributes] | None
                 ) -> dict[str, str]:
    """Sheet name -> part path inside the package, from the workbook's sheet elements and its
    relationships (_elements)."""
    if sheets is None or relationships is None:
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in relationships}
    parts: dict[str, str] = {}
    for sheet in sheets:
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


class Package:
    """An .xlsx/.xlsm package opened once: checked before any parser runs (`check`), then its
    sheets scanned (`scan`), each part read and parsed once."""

    def __init__(self, data: bytes) -> None:
        self.archive = _open(data)
        self._parts: dict[str, str] | None = None

    def check(self) -> None:
        """Refuse zip bombs, DTD/entity tricks and broken packages. Raises UnsafeWorkbook."""
        archive = self.archive
        _check_limits(archive)
        listed = archive.namelist()
        names = set(listed)
        if len(names) != len(listed):  # OPC part names are unique; readers differ on which copy
            twice = sorted(n for n, k in Counter(listed).items() if k > 1)
            raise UnsafeWorkbook(f"tệp nén có hai phần cùng tên ({', '.join(twice[:3])}): tệp "
                                 "bị làm giả hoặc hỏng")
        sheets = None
        for name in ("[Content_Types].xml", "xl/workbook.xml", "xl/sharedStrings.xml",
                     "xl/styles.xml"):
            if name in names:
                if name == "xl/workbook.xml":
                    sheets = _elements(archive, name, _SHEET)
                else:
                    _parse_xml(archive, name, tree=False)
        self._parts = _sheet_parts(sheets, _elements(archive, _RELS, _RELATIONSHIP))
        for part in self._parts.values():
            if part in names:
                with archive.open(part) as stream:
                    head = stream.read(4096)
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise UnsafeWorkbook(f"phần {part} khai báo DTD/thực thể XML (không an toàn)")

    def parts(self) -> dict[str, str]:
        """Sheet name -> part path inside the package."""
        if self._parts is None:
            self._parts = _sheet_parts(_elements(self.archive, "xl/workbook.xml", _SHEET),
                                       _elements(self.archive, _RELS, _RELATIONSHIP))
        return self._parts

    def scan(self, sheets: set[str]) -> dict[str, dict[tuple[int, str], str]]:
        """Check the extent of the given sheets (raises UnsafeWorkbook) and find their error
        cells: sheet name -> {(excel_row, column_letter): "#DIV/0!"}."""
        found: dict[str, dict[tuple[int, str], str]] = {}
        for sheet, part in self.parts().items():
            if sheet not in sheets:
                continue
            try:
                info = self.archive.getinfo(part)
            except KeyError:
                continue
            try:
                with self.archive.open(info) as stream:
                    errors = scan_sheet_xml(sheet, stream)
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
                raise UnsafeWorkbook(f"phần {part} bị hỏng") from exc
            if errors:
                found[sheet] = errors
        return found


def check_package(data: bytes) -> Package | None:
    """Refuse zip bombs, DTD/entity tricks and broken packages before any parser runs.

    Raises UnsafeWorkbook. Files that are not zip packages (.xls, .ods…) pass through (None);
    a package is returned open, for `scan_sheets`.
    """
    if sniff(data) != "zip":
        return None
    package = Package(data)
    package.check()
    return package


def scan_sheets(data: bytes, sheets: set[str], package: Package | None = None
                ) -> dict[str, dict[tuple[int, str], str]]:
    """Check the extent of the given sheets (raises UnsafeWorkbook) and find their error
    cells: sheet name -> {(excel_row, column_letter): "#DIV/0!"}. `package`: the one
    check_package opened, if at hand."""
    if sniff(data) != "zip":
        return {}
    return (package or Package(data)).scan(sheets)
