"""The package check reads each part once (issue 12 performance): parts checked without a tree
(shared strings, styles, content types) are refused exactly when defusedxml refuses them, with
the same message, and a workbook's parts are parsed once for the check and the scan together."""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from addin.io import package
from addin.io.reader import read_unit_workbook
from addin.io.sheet_scan import UnsafeWorkbook
from tests.conftest import person, unit_sheets, write_openpyxl

_SST = '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>{}</t></si></sst>'
DOCUMENTS = [
    _SST.format("Nguyễn Văn A").encode(),
    _SST.format("a &amp; b &#273;").encode(),
    _SST.format("a &undefined; b").encode(),
    _SST.format("<b>unclosed").encode(),
    b'<?xml version="1.0" encoding="UTF-16"?><a/>',
    '<?xml version="1.0" encoding="UTF-16"?><a/>'.encode("utf-16"),
    '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>'.encode(
        "utf-16"),
    b'<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>',
    b'<!DOCTYPE a [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><a>&lol2;</a>',
    b'<!DOCTYPE a><a/>',  # a DTD without entities: defusedxml lets it through
    b'<!DOCTYPE a SYSTEM "http://example.invalid/x.dtd"><a>&ext;</a>',
    b'<!DOCTYPE a [<!ENTITY ext SYSTEM "file:///etc/passwd">]><a>&ext;</a>',
    b'<!DOCTYPE a [<!ENTITY u SYSTEM "x" NDATA gif>]><a/>',
    b'<x:a xmlns:y="u"/>',  # an unbound prefix
    b'<a b="1" b="2"/>',
    b'<a xmlns:p="u" xmlns:q="u" p:b="1" q:b="2"/>',  # the same attribute through two prefixes
    b"\xef\xbb\xbf<a/>",
    b"<?xml version='1.0' encoding='x-unknown'?><a/>",
    b"", b"<a/><b/>", b"<a>\x00</a>", b"<a><!-- note --><?pi x?><![CDATA[<>]]></a>",
]


def _outcome(data: bytes, tree: bool) -> str | None:
    archive = zipfile.ZipFile(BytesIO(_zipped(data)))
    try:
        package._parse_xml(archive, "xl/sharedStrings.xml", tree=tree)
    except UnsafeWorkbook as exc:
        return str(exc)
    return None


def _zipped(data: bytes) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/sharedStrings.xml", data)
    return out.getvalue()


@pytest.mark.parametrize("data", DOCUMENTS)
def test_the_quick_check_refuses_what_defusedxml_refuses(data: bytes) -> None:
    assert _outcome(data, tree=False) == _outcome(data, tree=True)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(DOCUMENTS), st.integers(0, 200), st.binary(max_size=6), st.integers(0, 4))
def test_the_quick_check_on_damaged_documents(data: bytes, at: int, insert: bytes,
                                              cut: int) -> None:
    at = min(at, len(data))
    damaged = data[:at] + insert + data[at + cut:]
    assert _outcome(damaged, tree=False) == _outcome(damaged, tree=True)


def test_each_part_is_parsed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_openpyxl(tmp_path / "u.xlsx", unit_sheets([person(), person(name="B")]))
    trees: list[str] = []
    checked: list[int] = []
    fromstring, quick = package.SafeET.fromstring, package._plainly_well_formed

    def counted_tree(data: bytes) -> object:
        trees.append(data[:200].decode("utf-8", "replace"))
        return fromstring(data)

    def counted_check(data: bytes) -> bool:
        checked.append(len(data))
        return quick(data)

    monkeypatch.setattr(package.SafeET, "fromstring", counted_tree)
    monkeypatch.setattr(package, "_plainly_well_formed", counted_check)
    book = read_unit_workbook(path)
    assert len(book.individuals) == 2
    assert trees == []  # xl/workbook.xml and its relationships: read by expat alone (plain)
    with zipfile.ZipFile(path) as archive:
        expected = [n for n in ("[Content_Types].xml", "xl/sharedStrings.xml", "xl/styles.xml")
                    if n in archive.namelist()]
    assert len(checked) == len(expected)


@pytest.mark.parametrize("dtd_first", [True, False])
def test_a_part_stored_twice_is_refused(tmp_path: Path, dtd_first: bool) -> None:
    """OPC part names are unique. Readers disagree on which copy of a duplicated part they use,
    so a package could pass the check with one copy and be parsed with the other (a DTD)."""
    import warnings

    path = write_openpyxl(tmp_path / "u.xlsx", unit_sheets([person()]))
    hostile = (b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x "boom">]>'
               b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>')
    out = tmp_path / "twice.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target, \
            warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name: that is the point
        plain = source.read("xl/sharedStrings.xml") if "xl/sharedStrings.xml" in \
            source.namelist() else b'<sst xmlns="http://schemas.openxmlformats.org/' \
                                   b'spreadsheetml/2006/main"/>'
        for name in source.namelist():
            if name != "xl/sharedStrings.xml":
                target.writestr(name, source.read(name))
        for data in ((hostile, plain) if dtd_first else (plain, hostile)):
            target.writestr("xl/sharedStrings.xml", data)
    with pytest.raises(UnsafeWorkbook, match="hai phần cùng tên"):
        package.check_package(out.read_bytes())
    book = read_unit_workbook(out)
    assert not book.readable and "hai phần cùng tên" in book.issues[0].message


# The workbook's sheets and relationships read by expat alone (session 8): the same attributes,
# in the same order, as the tree gave them, and the same refusal.
_WB = ('<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
       '<sheets>{}</sheets></workbook>')
WORKBOOKS = [
    _WB.format('<sheet name="Thông tin" sheetId="1" r:id="rId1"/>'
               '<sheet name="Cá nhân" sheetId="2" r:id="rId2" state="hidden"/>').encode(),
    _WB.format('<sheet name="a &amp; b" r:id="rId1"/><x:sheet xmlns:x="u" name="other"/>'
               '<sheet xmlns="" name="no namespace"/><sheet xml:space="preserve" name="x"/>'
               '<r:sheet name="wrong namespace"/><group><sheet name="deep"/></group>').encode(),
    _WB.format('<sheet name="a" r:id="rId1" r:id="rId2"/>').encode(),  # an attribute twice
    _WB.format('<sheet name="&e;"/>').encode(),
    b'<!DOCTYPE w><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheets><sheet name="a"/></sheets></workbook>',  # a DTD defusedxml lets through
    b'<!DOCTYPE w [<!ENTITY e "x">]><workbook xmlns="http://schemas.openxmlformats.org/'
    b'spreadsheetml/2006/main"><sheets><sheet name="&e;"/></sheets></workbook>',
    b'<!DOCTYPE w [<!ATTLIST sheet name CDATA "default">]><workbook xmlns="http://schemas.'
    b'openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet/></sheets></workbook>',
    '<?xml version="1.0" encoding="UTF-16"?>'.encode("utf-16") + _WB.format(
        '<sheet name="Tập thể"/>').encode("utf-16"),
    ('<?xml version="1.0" encoding="UTF-16"?>' + _WB.format('<sheet name="Tập thể"/>')).encode(
        "utf-16"),
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="t" Target="worksheets/sheet1.xml"/>'
    b'<Relationship Id="rId2" Target="/xl/worksheets/sheet2.xml" TargetMode="Internal"/>'
    b'</Relationships>',
    *DOCUMENTS,
]


def _elements_outcome(data: bytes, tag: str, tree: bool) -> object:
    archive = zipfile.ZipFile(BytesIO(_zipped(data)))
    try:
        if tree:
            root = package._parse_xml(archive, "xl/sharedStrings.xml")
            return None if root is None else [dict(e.attrib) for e in root.iter(tag)]
        return package._elements(archive, "xl/sharedStrings.xml", tag)
    except UnsafeWorkbook as exc:
        return str(exc)


@pytest.mark.parametrize("data", WORKBOOKS)
@pytest.mark.parametrize("tag", [package._SHEET, package._RELATIONSHIP])
def test_elements_are_read_as_the_tree_gave_them(data: bytes, tag: str) -> None:
    assert _elements_outcome(data, tag, tree=False) == _elements_outcome(data, tag, tree=True)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(WORKBOOKS), st.integers(0, 400), st.binary(max_size=6), st.integers(0, 4))
def test_elements_of_damaged_documents(data: bytes, at: int, insert: bytes, cut: int) -> None:
    at = min(at, len(data))
    damaged = data[:at] + insert + data[at + cut:]
    for tag in (package._SHEET, package._RELATIONSHIP):
        assert _elements_outcome(damaged, tag, tree=False) == _elements_outcome(damaged, tag,
                                                                               tree=True)


def test_a_missing_part_has_no_elements() -> None:
    archive = zipfile.ZipFile(BytesIO(_zipped(b"<a/>")))
    assert package._elements(archive, "xl/workbook.xml", package._SHEET) is None
