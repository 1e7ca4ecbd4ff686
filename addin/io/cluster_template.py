"""The blank cluster template: the summary workbook's layout with no unit in it yet, plus the
covenant ("Giao ước") and a live ranking in native formulas (contracts.md §8)."""

from __future__ import annotations

from collections.abc import Sequence

from addin.domain import vi_format as vi
from addin.domain.cluster import ClusterResult
from addin.domain.rules import Rules
from addin.io.covenant_file import covenant_or_sample
from addin.io.live_ranking import LiveRanking, LiveUnit
from addin.io.report import ReportMeta, cluster_report_bytes


def cluster_template_bytes(rules: Rules, units: Sequence[LiveUnit] = ()) -> bytes:
    empty = ClusterResult(files=(), quota_checks=(), cluster_issues=())
    meta = ReportMeta(cluster="", period="", date="", rules_label=vi.rules_book_name(rules))
    covenant, sample = covenant_or_sample(rules)
    return cluster_report_bytes(empty, rules, meta, LiveRanking(covenant, sample, units))
