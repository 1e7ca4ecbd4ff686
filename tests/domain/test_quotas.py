from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from addin.domain.quotas import check_quota, quota_limit


@pytest.mark.parametrize("base,pct,rounding,expected", [
    (60, 40, "floor", 24),
    (57, 10, "floor", 5),       # 5.7 -> 5
    (57, 10, "half_up", 6),     # 5.7 -> 6
    (55, 10, "half_up", 6),     # 5.5 -> 6 (half up)
    (54, 10, "half_up", 5),
    (4, 20, "floor", 0),        # 0.8 subordinate collectives -> 0 DVQT
    (0, 40, "floor", 0),
])
def test_quota_limit(base, pct, rounding, expected):
    assert quota_limit(base, Fraction(pct, 100), rounding) == expected


@given(base=st.integers(0, 100_000), pct=st.integers(0, 100),
       rounding=st.sampled_from(["floor", "half_up"]))
def test_limit_never_exceeds_base_times_pct_when_floored(base, pct, rounding):
    share = Fraction(pct, 100)
    limit = quota_limit(base, share, rounding)
    assert limit >= 0
    if rounding == "floor":
        assert limit <= base * share < limit + 1
    else:
        assert abs(limit - base * share) <= Fraction(1, 2)


def test_headroom_and_unknown_base(rules):
    cstt = next(q for q in rules.quotas if q.id == "CSTT")
    check = check_quota(cstt, "X", base=60, counted=20)
    assert (check.limit, check.ok, check.headroom) == (24, True, 4)
    over = check_quota(cstt, "X", base=60, counted=25)
    assert over.ok is False and over.headroom == -1
    dvqt = next(q for q in rules.quotas if q.id == "DVQT")
    unknown = check_quota(dvqt, "X", base=None, counted=1)
    assert unknown.limit is None and unknown.ok is None
