"""Every issue about a "Thông tin" value points at that value's cell (column B of the row the
reader found its label on), and at the sheet alone when the row was not found: one helper,
`issues.info_issue`, used by each check below."""

from dataclasses import replace

import pytest

from addin import history_app
from addin.domain.cluster import consolidate
from addin.domain.cluster_scope import out_of_scope
from addin.domain.issues import Code, Issue, info_issue
from addin.domain.models import Nomination, UnitInfo, UnitWorkbook
from addin.domain.persons import PersonIndex
from addin.domain.rules import Rules
from addin.domain.streaks import StreakHistory
from addin.domain.validation import unit_quotas, validate_info

ROWS = {"unit": 3, "cluster": 4, "period": 5, "headcount": 6, "subunits": 7}


def book(path: str, rows: dict[str, int], **info: object) -> UnitWorkbook:
    facts: dict[str, object] = dict(unit="Đơn vị A", cluster="Cụm 3", period="Năm 2024",
                                    headcount=30, sheet="Thông tin", rows=rows)
    facts.update(info)
    return UnitWorkbook(path=path, sha256=path, info=UnitInfo(**facts))  # type: ignore[arg-type]


def where(issue: Issue) -> tuple[str | None, str | None, int | None, str | None]:
    return issue.file, issue.sheet, issue.row, issue.column


def test_the_helper_points_at_column_b_of_the_row_found_else_at_the_sheet() -> None:
    info = UnitInfo(sheet="Thông tin", rows={"period": 9})
    found = info_issue(Code.PERIOD_UNPARSED, '"Quý III"', info, "period", file="a.xlsx")
    assert where(found) == ("a.xlsx", "Thông tin", 9, "B")
    assert found.message == 'Không nhận ra kỳ báo cáo "Quý III"' and found.severity == "error"
    missing = info_issue(Code.MISSING_VALUE, '"Đơn vị"', info, "unit", file="a.xlsx")
    assert where(missing) == ("a.xlsx", "Thông tin", None, None)


def _missing_info(b: UnitWorkbook, rules: Rules) -> list[Issue]:
    return validate_info(b.info, b.path)


def _missing_base(b: UnitWorkbook, rules: Rules) -> list[Issue]:
    # A passing Đơn vị Quyết thắng needs "Số đầu mối" for its quota: not typed here.
    dvqt = Nomination(kind="collective", file=b.path, sheet="Tập thể", row=5, name="Đại đội 1",
                      title_text="Đơn vị quyết thắng", title="DVQT", passed=True)
    return unit_quotas(replace(b, collectives=(dvqt,)), rules)[1]


def _unparsed_period(b: UnitWorkbook, rules: Rules) -> list[Issue]:
    return StreakHistory(PersonIndex(), {}, {}, rules).for_book(b)[1]


def _duplicate_unit(b: UnitWorkbook, rules: Rules) -> list[Issue]:
    first = replace(b, path="a.xlsx", sha256="a")  # read first: b.xlsx is the second
    return list(consolidate([first, b], rules).issues)


def _wrong_cluster(b: UnitWorkbook, rules: Rules) -> list[Issue]:
    others = [replace(b, path=f"o{i}.xlsx", info=replace(b.info, cluster="Cụm 5"))
              for i in range(3)]
    return list(out_of_scope([*others, b], rules.folders.one_cluster_share).strays.values())


def _mixed_period(b: UnitWorkbook, rules: Rules) -> list[Issue]:
    others = [replace(b, path=f"o{i}.xlsx", info=replace(b.info, period="Năm 2023"))
              for i in range(3)]
    return list(out_of_scope([*others, b], rules.folders.one_cluster_share).strays.values())


def _history_import(b: UnitWorkbook, rules: Rules) -> list[Issue]:
    return history_app._prepare_book(b, rules)[1]


CHECKS = {
    "missing_value": (_missing_info, {"unit": ""}, "unit"),
    "missing_value (quota base)": (_missing_base, {"subunits": None}, "subunits"),
    "period_unparsed (streaks)": (_unparsed_period, {"period": "Quý III"}, "period"),
    "duplicate_unit": (_duplicate_unit, {}, "unit"),
    "wrong_cluster": (_wrong_cluster, {}, "cluster"),
    "mixed_period": (_mixed_period, {}, "period"),
    "period_unparsed (history import)": (_history_import, {"period": "Quý III"}, "period"),
}


@pytest.mark.parametrize("name", list(CHECKS))
@pytest.mark.parametrize("rows_known", [True, False])
def test_each_check_points_at_the_value_cell_of_its_row(name: str, rows_known: bool,
                                                         rules: Rules) -> None:
    check, info, key = CHECKS[name]
    b = book("b.xlsx", ROWS if rows_known else {}, **info)
    found = [i for i in check(b, rules) if i.file == "b.xlsx"]
    code = name.split()[0]
    assert [str(i.code) for i in found] == [code]
    expected_row = ROWS[key] if rows_known else None
    assert where(found[0]) == ("b.xlsx", "Thông tin", expected_row,
                               "B" if rows_known else None)
