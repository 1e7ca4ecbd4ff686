"""The rules-book parser rejects what it does not read (issue 11): a key nobody asks for is a
misspelling or a stale override, and silently ignoring it makes an override look applied."""

from __future__ import annotations

import pytest

from addin.domain.rules import MAX_DECIMALS, RulesError, _Reader, merge, rules_from_mapping
from addin.io.rules_file import default_mapping


def test_a_key_read_through_the_reader_is_known_without_a_list():
    """How engineers add keys: reading them (present or defaulted) is what makes them known."""
    reader = _Reader({"threshold": "50%", "new_key": 3, "nested": {"inner": True}}, "votes.x")
    reader.ratio("threshold")
    reader.integer("new_key", 0)
    reader.integer("absent_key", 0)  # defaulted: known too
    reader.table("nested").flag("inner")
    reader.check_unknown()


def test_an_unread_key_names_the_nearest_known_one():
    reader = _Reader({"treshold": "50%"}, "votes.basic")
    reader.raw("threshold", None)
    with pytest.raises(RulesError, match=r'votes\.basic\.treshold: .*có phải "threshold"'):
        reader.check_unknown()


def test_nested_unknown_keys_are_found():
    reader = _Reader({"inner": {"ok": 1, "oops": 2}}, "")
    reader.table("inner").integer("ok")
    with pytest.raises(RulesError, match=r"inner\.oops"):
        reader.check_unknown()


@pytest.mark.parametrize("override,words", [
    ({"votes": {"basic": {"treshold": "60%"}}}, ["votes.basic.treshold", '"threshold"']),
    ({"vote": {"high": {"threshold": "60%"}}}, ["vote:", '"votes"']),
    ({"titles": {"CSTT": {"nmae": "x"}}}, ["titles.CSTT.nmae", '"name"']),
    ({"quotas": [{"id": "CSTT", "rounding_": "floor"}]}, ["quotas[0].rounding_", '"rounding"']),
    ({"votes": {"basic": {"threshold": float("nan")}}}, ["votes.basic.threshold", "hữu hạn"]),
    ({"votes": {"basic": {"quorum": float("-inf")}}}, ["votes.basic.quorum", "hữu hạn"]),
    ({"display": {"percent_decimals": MAX_DECIMALS + 1}}, ["display.percent_decimals"]),
    ({"titles": {"CSTT": {"order": 10**12}}}, ["titles.CSTT.order"]),
    ({"quotas": [{"id": "CTD", "max_count": 10**12}]}, ["quotas[5].max_count", "từ 0 đến"]),
])
def test_overrides_that_would_do_nothing_or_break_later_are_refused(override, words):
    with pytest.raises(RulesError) as caught:
        rules_from_mapping(merge(default_mapping(), override))
    assert all(w in str(caught.value) for w in words), str(caught.value)
    assert "expected" not in str(caught.value)


def test_the_shipped_book_has_no_unread_key():
    assert rules_from_mapping(default_mapping()).display_verified is True


def test_the_display_rule_shows_its_source_and_whether_it_was_verified():
    """Every rule of the book with a source says whether it was checked: the display rounding
    too (it was parsed, then shown nowhere)."""
    from addin.domain.rules_text import rules_lines, summary
    from addin.io.rules_json import rules_as_json

    book = rules_from_mapping(merge(default_mapping(), {"display": {"verified": False}}))
    lines = rules_lines(book)
    shown = next(i for i, line in enumerate(lines) if "tỷ lệ phiếu: 2 chữ số thập phân" in line)
    assert lines[shown].startswith("  ? ") and "nguồn:" in lines[shown + 1]
    assert rules_as_json(book)["display"]["verified"] is False
    assert summary(book)[1] == summary(rules_from_mapping(default_mapping()))[1] + 1
