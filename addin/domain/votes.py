"""Vote shares: display percentage and the exact pass/fail decision of a title's rule."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache

from addin.domain.rules import Comparison, VoteRule


def meets(part: int, whole: int, ratio: Fraction, comparison: Comparison) -> bool:
    """part/whole against ratio in integer arithmetic: part*den >= num*whole (or >)."""
    left = part * ratio.denominator
    right = ratio.numerator * whole
    return left > right if comparison == ">" else left >= right


def display_percent(part: int, whole: int, decimals: int) -> float | None:
    """part/whole in %, rounded half-up to `decimals` places; None when whole is 0."""
    if whole <= 0:
        return None
    exact = Decimal(part * 100) / Decimal(whole)
    return float(exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def denominator_of(rule: VoteRule, members: int, present: int) -> int:
    return members if rule.denominator == "members" else present


def quorum_met(rule: VoteRule, members: int, present: int) -> bool:
    return meets(present, members, rule.quorum, ">=")


@dataclass(frozen=True)
class VoteOutcome:
    percent: float | None  # display only
    quorum_ok: bool
    reached: bool  # the share reached the threshold (quorum met, counts consistent)
    agree_too_high: bool
    present_too_high: bool


@lru_cache(maxsize=1 << 14)
def evaluate_vote(
    rule: VoteRule, members: int, present: int, agree: int, decimals: int
) -> VoteOutcome:
    """Decide one vote. Counts must be whole numbers ≥ 0 (the caller has checked). Cached: the
    same council sizes and counts recur on many rows (the outcome is an immutable value)."""
    denominator = denominator_of(rule, members, present)
    present_too_high = present > members
    # With all council members as denominator, absentees may answer in writing: agree is
    # bounded by the members then, not by those present.
    agree_too_high = agree > denominator
    quorum_ok = quorum_met(rule, members, present)
    reached = (
        denominator > 0
        and not agree_too_high
        and not present_too_high
        and quorum_ok
        and meets(agree, denominator, rule.threshold, rule.comparison)
    )
    return VoteOutcome(
        percent=display_percent(agree, denominator, decimals),
        quorum_ok=quorum_ok,
        reached=reached,
        agree_too_high=agree_too_high,
        present_too_high=present_too_high,
    )
