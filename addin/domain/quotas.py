"""Quotas ("không quá X%"): the limit for a base, and whether the passing nominations fit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from addin.domain import labels as L
from addin.domain.rules import QuotaRule, Rounding, Rules


def quota_limit(base: int, share: Fraction, rounding: Rounding) -> int:
    """floor(base × share) by default, or round-half-up; exact integer arithmetic."""
    if base < 0:
        raise ValueError("base must be ≥ 0")
    num, den = share.numerator, share.denominator
    if rounding == "half_up":
        return (2 * base * num + den) // (2 * den)
    return (base * num) // den


@dataclass(frozen=True)
class QuotaCheck:
    quota_id: str
    title: str
    unit: str | None  # None for the whole cluster
    base: int | None  # None when the base is unknown (e.g. Số đầu mối not given)
    max_share: Fraction | None
    max_count: int | None
    limit: int | None
    counted: int
    cluster: str | None = None  # the unit's or the checked cluster's name (cụm thi đua)

    @property
    def ok(self) -> bool | None:
        return None if self.limit is None else self.counted <= self.limit

    @property
    def headroom(self) -> int | None:
        """How many more may still pass (negative when over)."""
        return None if self.limit is None else self.limit - self.counted


def count_for(rule: QuotaRule, passed_by_title: Mapping[str, int]) -> int:
    return sum(passed_by_title.get(code, 0) for code in rule.counts)


def base_for(
    rule: QuotaRule, headcount: int | None, subunits: int | None, passed: Mapping[str, int]
) -> int | None:
    if rule.base == "headcount":
        return headcount
    if rule.base == "subunits":
        return subunits
    if rule.base == "titles":
        return sum(passed.get(code, 0) for code in rule.base_titles)
    return None


def check_quota(rule: QuotaRule, unit: str | None, base: int | None, counted: int) -> QuotaCheck:
    if rule.max_count is not None:
        limit: int | None = rule.max_count
    elif base is None or rule.max_share is None:
        limit = None
    else:
        limit = quota_limit(base, rule.max_share, rule.rounding)
    return QuotaCheck(rule.id, rule.title, unit, base, rule.max_share, rule.max_count, limit,
                      counted)


def sum_bases(bases: Iterable[int | None]) -> int | None:
    """Cluster base: the sum of the units' bases, unknown if any unit's is unknown."""
    total = 0
    for base in bases:
        if base is None:
            return None
        total += base
    return total


def quota_counts_note(rules: Rules, quota_ids: Iterable[str], sheet: str = L.SHEET_SUMMARY
                      ) -> list[str]:
    """The note under a quota table: which titles each of its quotas counts as "Đã đạt" (the
    rules book's `counts`: the title and those above it in its family), in the rules book's
    order, once each; no line when there is no quota. `sheet`: where "Đạt" per title is."""
    shown = set(quota_ids)
    lines = [L.quota_counts_line(q.id, rules.title(q.title).name,
                                 [rules.title(code).name for code in q.counts])
             for q in rules.quotas if q.id in shown]
    return [L.quota_counts_head(sheet), *lines] if lines else []
