"""The typed Report (addin.domain.report_model): its JSON is contracts.md §3 byte for byte as the
dict payloads of before built it (kept below as the reference), on the demo clusters."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from addin.domain.cluster import ClusterResult, FileState, consolidate
from addin.domain.report_model import Report
from addin.domain.rules import Rules
from addin.io.folders import read_all, workbook_files
from addin.io.rules_file import load_rules, rules_beside

DEMO = Path(__file__).resolve().parent.parent / "workbooks" / "demo"


# The payload code as it was before the Report object (issue 12 §2), as the reference.
def _reference_one(result: ClusterResult, rules: Rules) -> dict[str, Any]:
    files = [{"path": f.book.path, "unit": f.book.info.unit or None,
              "period": f.book.info.period or None, "status": f.status,
              "sha256": f.book.sha256 or None, "individuals": len(f.book.individuals),
              "collectives": len(f.book.collectives)} for f in result.files]
    counted = [f for f in files if f["status"] in ("ok", "errors")]
    quotas = [{"cluster": result.cluster_name or None, "unit": c.unit, "title": c.title,
               "quota": c.quota_id, "base": c.base,
               "max_pct": None if c.max_share is None else float(c.max_share * 100),
               "max_count": c.max_count, "limit": c.limit, "counted": c.counted, "ok": c.ok}
              for c in result.quota_checks]
    return {"files": files,
            "totals": {"files": len(files), "individuals": sum(f["individuals"] for f in counted),
                       "collectives": sum(f["collectives"] for f in counted)},
            "by_title": result.by_title(rules), "quotas": quotas,
            "issues": [i.as_dict() for i in result.issues]}


def _reference(parts: list[dict[str, Any]], rules: Rules, output: str | None) -> dict[str, Any]:
    by_title: Counter[tuple[str, str]] = Counter()
    merged: dict[str, Any] = {"files": [], "totals": {"files": 0, "individuals": 0,
                                                      "collectives": 0},
                              "by_title": {}, "quotas": [], "issues": [], "output": output}
    for part in parts:
        for key in ("files", "quotas", "issues"):
            merged[key].extend(part[key])
        for key in ("files", "individuals", "collectives"):
            merged["totals"][key] += part["totals"][key]
        for code, counts in part["by_title"].items():
            by_title[(code, "proposed")] += counts["proposed"]
            by_title[(code, "passed")] += counts["passed"]
    merged["by_title"] = {code: {"proposed": by_title[(code, "proposed")],
                                 "passed": by_title[(code, "passed")]}
                          for code in rules.titles if by_title[(code, "proposed")]}
    return merged


def _dumped(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def _demo_results() -> list[tuple[ClusterResult, Rules]]:
    found = []
    for folder in sorted(p for p in DEMO.iterdir() if p.is_dir()):
        rules = load_rules(rules_beside(folder))
        found.append((consolidate(read_all(workbook_files([str(folder)])), rules), rules))
    return found


def test_report_json_is_the_contract_byte_for_byte_on_the_demo():
    results = _demo_results()
    assert len(results) == 2
    for result, rules in results:
        report = Report.of(result, rules)
        expected = _reference([_reference_one(result, rules)], rules, "ra.xlsx")
        assert _dumped(Report.merge([report], rules, "ra.xlsx").to_json()) == _dumped(expected)
        assert {f.status for f in report.files} <= set(FileState)
        assert report.has_errors == result.has_errors
    rules = results[0][1]
    merged = Report.merge([Report.of(r, rules) for r, _ in results], rules, "out")
    expected = _reference([_reference_one(r, rules) for r, _ in results], rules, "out")
    assert _dumped(merged.to_json()) == _dumped(expected)
    assert merged.totals.files == sum(len(r.files) for r, _ in results)


def test_report_carries_typed_fields_and_the_cluster_ranking():
    result, rules = _demo_results()[0]
    report = Report.of(result, rules)
    assert any(f.status is FileState.ERRORS for f in report.files)
    assert all(q.quota for q in report.quotas) and report.by_title
    assert report.rankings and {r.unit for r in report.rankings} <= {
        f.unit for f in report.files}
    assert "rankings" not in report.to_json()  # not part of contracts.md §3


def test_report_json_with_skipped_and_unreadable_files(tmp_path):
    folder = tmp_path / "cum"
    folder.mkdir()
    source = sorted(p for p in DEMO.iterdir() if p.is_dir())[0]
    for path in sorted(source.glob("*.xlsx"))[:2]:
        (folder / path.name).write_bytes(path.read_bytes())
    first = sorted(folder.glob("*.xlsx"))[0]
    (folder / f"copy-{first.name}").write_bytes(first.read_bytes())  # skipped: duplicate_file
    (folder / "hong.xlsx").write_bytes(b"not a workbook")  # unreadable
    rules = load_rules()
    result = consolidate(read_all(workbook_files([str(folder)])), rules)
    report = Report.of(result, rules)
    assert {FileState.SKIPPED, FileState.UNREADABLE} <= {f.status for f in report.files}
    expected = _reference([_reference_one(result, rules)], rules, None)
    assert _dumped(Report.merge([report], rules).to_json()) == _dumped(expected)
