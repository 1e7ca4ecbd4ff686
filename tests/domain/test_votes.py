from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from addin.domain.rules import VoteRule
from addin.domain.votes import display_percent, evaluate_vote, meets, quorum_met


def rule(threshold: str = "50%", comparison: str = ">=", denominator: str = "present",
         quorum: Fraction = Fraction(2, 3)) -> VoteRule:
    from addin.domain.rules import parse_ratio

    return VoteRule("t", parse_ratio(threshold, "t"), comparison, denominator, quorum,  # type: ignore[arg-type]
                    False, "test", True)


@pytest.mark.parametrize("agree,whole,threshold,comparison,expected", [
    (7, 10, "70%", ">=", True),     # exactly 70% passes "từ 70% trở lên"
    (7, 10, "70%", ">", False),     # but not "trên 70%"
    (5, 10, "50%", ">=", True),     # exactly 50%
    (5, 10, "50%", ">", False),
    (6, 9, "2/3", ">=", True),      # exactly 2/3
    (5, 9, "2/3", ">=", False),
    (899, 1000, "90%", ">=", False),  # 89.9% vs 90%
    (900, 1000, "90%", ">=", True),
    (2, 3, "66.67%", ">=", False),  # 2/3 = 66.666…% is below 66.67%: no float rounding
])
def test_threshold_edges(agree, whole, threshold, comparison, expected):
    from addin.domain.rules import parse_ratio

    assert meets(agree, whole, parse_ratio(threshold, "t"), comparison) is expected


def test_quorum_six_of_nine_meets_two_thirds():
    assert quorum_met(rule(), members=9, present=6)
    assert not quorum_met(rule(), members=9, present=5)


def test_all_members_denominator_fails_nine_of_eleven():
    national = rule("90%", denominator="members")
    outcome = evaluate_vote(national, members=11, present=9, agree=9, decimals=2)
    assert outcome.quorum_ok and not outcome.reached
    assert outcome.percent == 81.82


def test_agree_above_present_is_flagged_and_fails():
    outcome = evaluate_vote(rule(), members=10, present=7, agree=8, decimals=2)
    assert outcome.agree_too_high and not outcome.reached


def test_members_denominator_allows_written_answers_of_absentees():
    national = rule("90%", denominator="members")
    outcome = evaluate_vote(national, members=10, present=8, agree=9, decimals=2)
    assert not outcome.agree_too_high and outcome.reached


def test_zero_present_has_no_share():
    outcome = evaluate_vote(rule(), members=0, present=0, agree=0, decimals=2)
    assert outcome.percent is None and not outcome.reached


def test_display_rounds_half_up():
    assert display_percent(1, 8, 2) == 12.5
    assert display_percent(2, 3, 2) == 66.67
    assert display_percent(1, 6, 2) == 16.67
    assert display_percent(1, 200, 2) == 0.5
    assert display_percent(1, 0, 2) is None


counts = st.integers(min_value=0, max_value=500)


@given(agree=counts, whole=st.integers(min_value=1, max_value=500))
def test_share_always_within_0_and_100(agree, whole):
    agree = min(agree, whole)
    pct = display_percent(agree, whole, 2)
    assert pct is not None and 0 <= pct <= 100


@given(members=st.integers(1, 60), data=st.data(),
       threshold=st.sampled_from(["50%", "70%", "90%", "2/3"]),
       comparison=st.sampled_from([">=", ">"]),
       denominator=st.sampled_from(["present", "members"]))
def test_passing_is_monotone_in_agree(members, data, threshold, comparison, denominator):
    present = data.draw(st.integers(0, members))
    r = rule(threshold, comparison, denominator)
    bound = members if denominator == "members" else present
    results = [evaluate_vote(r, members, present, a, 2).reached for a in range(bound + 1)]
    # once reached, every higher count of agreeing votes also reaches the threshold
    assert results == sorted(results)


@given(agree=counts, whole=st.integers(1, 500),
       pct=st.integers(0, 100))
def test_meets_agrees_with_exact_fractions(agree, whole, pct):
    ratio = Fraction(pct, 100)
    assert meets(agree, whole, ratio, ">=") == (Fraction(agree, whole) >= ratio)
    assert meets(agree, whole, ratio, ">") == (Fraction(agree, whole) > ratio)


def test_cached_votes_tell_apart_rules_of_one_id():
    # A VoteRule hashes by its id alone (evaluate_vote's cache key, hashed per row); a user's
    # rules book may give the same id another threshold, and the cache must not mix them.
    lenient, strict = rule("50%"), rule("90%")
    assert hash(lenient) == hash(strict) and lenient != strict
    assert evaluate_vote(lenient, 10, 10, 6, 2).reached
    assert not evaluate_vote(strict, 10, 10, 6, 2).reached
    assert evaluate_vote(lenient, 10, 10, 6, 2).reached
