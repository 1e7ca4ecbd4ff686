"""The blank cluster template: the summary workbook's layout with no unit in it yet."""

from __future__ import annotations

from addin.domain.cluster import ClusterResult
from addin.domain.rules import Rules
from addin.io.report import ReportMeta, cluster_report_bytes


def cluster_template_bytes(rules: Rules) -> bytes:
    empty = ClusterResult(files=[], quota_checks=[], cluster_issues=[])
    meta = ReportMeta(cluster="", period="", date="", rules_label=f"{rules.name} {rules.version}")
    return cluster_report_bytes(empty, rules, meta)
