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
    assert len(trees) == 2  # xl/workbook.xml and its relationships, once each
    assert any("<workbook" in t for t in trees) and any("Relationships" in t for t in trees)
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
