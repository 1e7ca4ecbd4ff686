"""The safety scan's faster expressions (issue 12 performance) decide exactly as the ones they
replaced, on any bytes: the r-attribute count is the same, and the prefixed-tag hint finds
something whenever the exact expression does."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from addin.io.sheet_scan import _ANY_R, _PREFIXED, _PREFIXED_HINT

_ORIGINAL_ANY_R = re.compile(rb"\sr\s*=")
_PIECES = st.sampled_from([b"<c", b"<row", b"<x:c", b"<x:row", b"</x:c>", b"<a:dimension",
                           b":c", b":row", b"dimension", b" ", b"\t", b"\n", b"\r", b"\x0b",
                           b"\x0c", b"/", b">", b"<", b"r", b"=", b" r=", b"rr", b"\x85", b"\xa0",
                           b"a", b"_", b"-", b".", b"ref"])
_XML = st.lists(_PIECES, max_size=40).map(b"".join)


@settings(max_examples=500, deadline=None)
@given(_XML)
def test_the_r_attribute_count_is_unchanged(xml: bytes) -> None:
    assert len(_ANY_R.findall(xml)) == len(_ORIGINAL_ANY_R.findall(xml)), xml


@settings(max_examples=500, deadline=None)
@given(_XML)
def test_the_prefixed_hint_never_misses_a_prefixed_tag(xml: bytes) -> None:
    if _PREFIXED.search(xml):
        assert _PREFIXED_HINT.search(xml), xml


def test_the_expressions_on_what_writers_write() -> None:
    plain = b'<row r="4" spans="1:3"><c r="A4" s="1"><v>1</v></c></row><pageMargins header="0.3"/>'
    assert len(_ANY_R.findall(plain)) == 2
    assert _PREFIXED_HINT.search(b'<x:c r="A1"/>') and _PREFIXED.search(b'<x:c r="A1"/>')
    assert _PREFIXED_HINT.search(plain) is None
