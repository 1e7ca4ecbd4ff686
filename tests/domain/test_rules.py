from fractions import Fraction

import pytest

from addin.domain.rules import RulesError, merge, parse_ratio, rules_from_mapping
from addin.io.rules_file import default_mapping, load_rules


def test_default_book_has_every_number_of_the_domain_primer(rules):
    t = rules.titles
    assert [c for c in t] == ["CSTT", "LDTT", "CSTDCS", "CSTDTQ", "CSTDTQG", "DVTT", "TTLDTT",
                              "DVQT", "TTLDXS", "CTD", "CTDBQP", "CTDCP", "VMTDMMTB", "DVHLG",
                              "DVVHTB"]
    assert t["CSTT"].vote.threshold == Fraction(1, 2) and t["CSTT"].vote.quorum == Fraction(2, 3)
    assert t["CSTDCS"].vote.threshold == Fraction(7, 10) and t["CSTDCS"].requires_initiative
    assert t["CSTDTQ"].vote.threshold == Fraction(9, 10)
    assert t["CSTDTQ"].vote.denominator == "members" and t["CSTDTQ"].min_streak == 3
    assert t["CSTDTQG"].min_streak == 2
    assert t["DVTT"].criteria.min_cstt_share == Fraction(1, 2)
    assert t["DVTT"].criteria.comparison == ">"
    assert t["DVQT"].criteria.min_cstt_share == Fraction(7, 10) and t["DVQT"].criteria.min_cstdcs == 1
    quotas = {q.id: q for q in rules.quotas}
    assert quotas["CSTT"].max_share == Fraction(2, 5) and quotas["CSTT"].base == "headcount"
    assert quotas["CSTT"].counts == ("CSTT", "CSTDCS", "CSTDTQ", "CSTDTQG")
    assert quotas["LDTT"].max_share == Fraction(7, 10)
    assert quotas["CSTDCS"].max_share == Fraction(1, 10)
    assert quotas["CSTDCS-dan-su"].max_share == Fraction(15, 100)
    assert not quotas["CSTDCS-dan-su"].enabled
    assert quotas["DVQT"].base == "subunits" and quotas["DVQT"].max_share == Fraction(1, 5)
    assert quotas["CTD"].max_count == 1 and quotas["CTD"].scopes == ("cluster",)


def test_every_rule_says_its_source_and_whether_verified(rules):
    for title in rules.titles.values():
        assert title.source and title.vote.source
        assert isinstance(title.vote.verified, bool)
    for quota in rules.quotas:
        assert quota.source and isinstance(quota.verified, bool)


@pytest.mark.parametrize("text,expected", [("50%", Fraction(1, 2)), ("2/3", Fraction(2, 3)),
                                           ("66.67%", Fraction(6667, 10000)), (70, Fraction(7, 10))])
def test_parse_ratio(text, expected):
    assert parse_ratio(text, "k") == expected


def test_override_changes_only_what_it_names(tmp_path):
    override = tmp_path / "my.toml"
    override.write_text('[votes.basic]\nthreshold = "60%"\n\n[[quotas]]\nid = "CSTT"\nmax = "35%"\n'
                        '\n[[quotas]]\nid = "CSTDCS-dan-su"\nenabled = true\n', encoding="utf-8")
    rules = load_rules(override)
    assert rules.titles["CSTT"].vote.threshold == Fraction(3, 5)
    assert rules.titles["CSTT"].vote.quorum == Fraction(2, 3)  # untouched
    quotas = {q.id: q for q in rules.quotas}
    assert quotas["CSTT"].max_share == Fraction(35, 100)
    assert quotas["CSTT"].counts == ("CSTT", "CSTDCS", "CSTDTQ", "CSTDTQG")
    assert quotas["CSTDCS-dan-su"].enabled
    assert len(rules.quotas) == len(load_rules().quotas)


@pytest.mark.parametrize("override,key", [
    ({"votes": {"basic": {"threshold": "abc"}}}, "votes.basic.threshold"),
    ({"votes": {"basic": {"comparison": "=>"}}}, "votes.basic.comparison"),
    ({"votes": {"high": {"quorum": "3/2"}}}, "votes.high.quorum"),
    ({"titles": {"CSTT": {"vote": "nope"}}}, "titles.CSTT.vote"),
    ({"titles": {"CSTT": {"kind": "group"}}}, "titles.CSTT.kind"),
    ({"titles": {"CSTDTQ": {"min_streak": -1}}}, "titles.CSTDTQ.min_streak"),
    ({"quotas": [{"id": "CSTT", "counts": ["XYZ"]}]}, "counts"),
    ({"quotas": [{"id": "new", "title": "CSTT", "counts": ["CSTT"], "source": "s",
                  "verified": False}]}, "quotas[6]"),
    ({"display": {"percent_decimals": "two"}}, "display.percent_decimals"),
    ({"book": {"name": 5}}, "book.name"),
])
def test_bad_rules_name_the_key(override, key):
    with pytest.raises(RulesError, match=key.replace("[", r"\[").replace("]", r"\]")):
        rules_from_mapping(merge(default_mapping(), override))


def test_bad_toml_file_is_a_rules_error(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[votes.basic\nthreshold = ", encoding="utf-8")
    with pytest.raises(RulesError, match="bad.toml"):
        load_rules(bad)
    with pytest.raises(RulesError, match="không đọc được"):
        load_rules(tmp_path / "missing.toml")
