"""What a cluster report carries to the next level (issue 9 §2, review findings): every issue a
unit raised, the units' covenant scores (so the next level ranks them the same), and the scope of
each quota (a per-cluster limit stays per cluster).

Level N: a cluster folder of unit workbooks → its report. Level N+1: a folder of such reports →
the province's report. Level N+2: the province's report → the military region's."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter

from addin.app import consolidate_folder
from addin.domain.issues import Code
from addin.io.covenant_file import sample_text
from addin.io.report_input import CHAIN
from addin.io.rules_file import load_rules
from tests.conftest import IND_HEADER, collective, person, unit_sheets, write_openpyxl
from tests.sheet_rows import header_row

SCORE_HEADER = ["Mã tiêu chí", "Nội dung tiêu chí", "Điểm tối đa", "Điểm tự chấm",
                "Điểm cụm chấm", "Minh chứng"]
SCORES = {"TC01": 14, "TC02": 11.5, "TC03": 10, "TC04": 11, "TC05": 9.5, "TC06": 9, "TC07": 7,
          "TC08": 5, "TC09": 9, "TC10": 7.5, "CG01": 0, "CG02": 0, "TR01": 0, "TR02": 0}
TCVN3_NAME = "Ph¹m §øc Th¾ng"  # "Phạm Đức Thắng" typed in the legacy TCVN3 (ABC) encoding


@pytest.fixture(scope="module")
def rules(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The shipped rules book with the sample covenant (scores are checked and ranked)."""
    path = tmp_path_factory.mktemp("rules") / "tdkt-rules.toml"
    path.write_text(sample_text(), encoding="utf-8")
    return load_rules(path)


def _info(unit: str, cluster: str, headcount: Any = 60, **more: Any) -> list[list[Any]]:
    rows = [["Đơn vị", unit], ["Cụm thi đua", cluster], ["Kỳ báo cáo", "Năm 2024"],
            ["Quân số", headcount], ["Số đầu mối", 5]]
    rows += [[label, value] for label, value in more.items()]
    return [r for r in rows if r[1] is not None]


def _scores(**changes: Any) -> list[list[Any]]:
    values = {**SCORES, **changes}
    return [SCORE_HEADER] + [[code, f"Tiêu chí {code}", None, value]
                             for code, value in values.items() if value is not None]


def _write(path: Path, sheets: dict[str, list[list[Any]]],
           errors: dict[tuple[str, int, int], tuple[str, str]] | None = None) -> Path:
    """Like conftest's writers, with cells holding a formula error as Excel saves them."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if (name, r, c) in (errors or {}):
                    formula, shown = (errors or {})[(name, r, c)]
                    ws.write_formula(r, c, formula, None, shown)
                elif isinstance(value, str):
                    ws.write_string(r, c, value)
                elif value is not None:
                    ws.write(r, c, value)
    wb.close()
    return path


def _every_code_unit(path: Path) -> None:
    """One unit workbook raising every code a unit's rows, sheets and scores can raise."""
    people = [
        person(name="Nguyễn Văn Hùng", seq=1, unit="Đại đội 1"),
        person(name="", seq=2),  # missing_value
        person(name="Trần Văn Bình", seq=3, members="mười"),  # not_a_number
        person(name="Lê Văn Cường", seq=4, present=9.5),  # not_an_integer
        person(name="Phạm Văn Dũng", seq=5, agree=-1),  # negative_number
        person(name="Hoàng Văn Em", seq=6, agree=11),  # agree_exceeds_present
        person(name="Vũ Văn Giang", seq=7, present=12),  # present_exceeds_members
        person(name="Đỗ Văn Hải", seq=8, present=3, agree=3),  # quorum_not_met
        person(name="Bùi Văn Khánh", seq=9, title="Chiến sĩ xuất sắc hạng nhất"),  # unknown_title
        person(name="Đặng Văn Long", seq=10, title="Đơn vị tiên tiến"),  # wrong_title_kind
        person(name="Ngô Văn Minh", seq=11, agree=3),  # below_threshold
        person(name="Dương Văn Nam", seq=12, title="Chiến sĩ thi đua cơ sở",
               agree=9),  # prerequisite_missing
        person(name="Nguyễn Văn Hùng", seq=13, unit="Đại đội 1"),  # duplicate_person
        person(name="Lý Văn Phúc", seq=14),  # percent_mismatch (below)
        person(name="Mai Văn Quân", seq=15),  # result_mismatch (below)
        person(name="Tạ Văn Sơn", seq=16),  # formula_error in "Số phiếu đồng ý"
        person(name=TCVN3_NAME, seq=17),  # legacy_encoding
    ]
    people[13][9] = 99  # the workbook's own "Tỷ lệ (%)"
    people[14][10] = "Không đạt"  # the workbook's own "Kết quả"
    sheets = unit_sheets(people, [
        collective(name="Đại đội 1", title="Đơn vị Quyết thắng", cstt=5),  # criteria_not_met
        collective(name="Đại đội 2")], info=_info("Ban CHQS huyện Ea Kar", "Cụm A"))
    sheets["Cá nhân"][3] = [*IND_HEADER, "Cột thêm của đơn vị"]  # unexpected_column
    sheets["Cá nhân"].append([None, "Tổng cộng: 17 đồng chí"])  # skipped_row
    sheets["Khen thưởng"].append(["Thư cảm ơn của xã", "Đột xuất", "Đơn vị", 0, 1])
    # score_exceeds_max, not_a_number, negative_score, unknown_criterion, missing_criterion
    scores = _scores(TC01=16, TC03="mười", TC04=-1, TC05=None)
    scores.append(["TC99", "Tiêu chí lạ", 5, 5])
    sheets["Chấm điểm"] = scores
    _write(path, sheets, {("Cá nhân", 19, 8): ("=1/0", "#DIV/0!")})


def _build_cluster_a(folder: Path) -> None:
    folder.mkdir(parents=True)
    _every_code_unit(folder / "u1.xlsx")
    shutil.copy(folder / "u1.xlsx", folder / "u1 (ban sao).xlsx")  # duplicate_file
    # quota_exceeded (3 CSTT of 5 people), missing_sheet, a person also in u1 (across files)
    small = unit_sheets([person(name=f"Chiến sĩ {i}", seq=i) for i in range(3)]
                        + [person(name="Nguyễn Văn Hùng", seq=4, unit="Đại đội 1")],
                        info=_info("Ban CHQS huyện Lắk", "Cụm A", headcount=5))
    del small["Tập thể"]
    small["Chấm điểm"] = _scores(TC02=12)
    write_openpyxl(folder / "u2.xlsx", small)
    # missing_column, missing_value on "Thông tin", then the same unit sent twice: duplicate_unit
    rows = unit_sheets([person(name="Kiều Văn Tú")], info=_info("Ban CHQS huyện M'Đrắk", "Cụm A",
                                                                 headcount=None))
    rows["Cá nhân"] = [[h for h in row if h != "Số có mặt"] if i == 3 else row[:7] + row[8:]
                       for i, row in enumerate(rows["Cá nhân"])]
    write_openpyxl(folder / "u3.xlsx", rows)
    write_openpyxl(folder / "u4.xlsx", unit_sheets(
        [person(name="Kiều Văn Tú", agree=9)], info=_info("Ban CHQS huyện M'Đrắk", "Cụm A")))
    (folder / "hong.xlsx").write_text("không phải bảng tính", encoding="utf-8")  # unreadable


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory, rules: Any) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("chain")
    _build_cluster_a(root / "cum-a")
    for folder in ("tinh", "quan-khu"):
        (root / folder).mkdir()
    level_n = consolidate_folder(str(root / "cum-a"), str(root / "tinh" / "cum-a.xlsx"), rules)
    level_n1 = consolidate_folder(str(root / "tinh"), str(root / "quan-khu" / "tinh.xlsx"), rules)
    level_n2 = consolidate_folder(str(root / "quan-khu"), str(root / "qk.xlsx"), rules)
    return {"root": root, "n": level_n.report.to_json(), "n1": level_n1.report.to_json(),
            "n2": level_n2.report.to_json()}


def _issues(payload: dict[str, Any]) -> Counter[tuple[Any, ...]]:
    """Issues modulo the file chain: the unit's own file (the last link), then what and where."""
    found: Counter[tuple[Any, ...]] = Counter()
    for i in payload["issues"]:
        file = i["file"].split(CHAIN)[-1] if i["file"] else None
        found[(file, i["sheet"], i["row"], i["column"], i["code"], i["severity"],
               i["message"])] += 1
    return found


UNIT_CODES = {c.value for c in Code} - {
    # need a history database (tdkt history): covered by tests/history
    "streak_mismatch", "streak_unverified", "ambiguous_person", "period_unparsed",
    # folder-level decisions not made by consolidate today
    "wrong_cluster", "mixed_period", "several_clusters"}


def test_the_corpus_raises_every_code_a_unit_file_can_raise(chain):
    assert {i["code"] for i in chain["n"]["issues"]} == UNIT_CODES


@pytest.mark.parametrize("level", ["n1", "n2"])
def test_every_unit_issue_comes_back_at_the_next_levels(chain, level):
    assert _issues(chain[level]) == _issues(chain["n"])


def test_carried_issues_keep_their_columns(chain):
    columns = {(i["code"], i["column"]) for i in chain["n1"]["issues"]}
    assert {("not_a_number", "G"), ("agree_exceeds_present", "I"), ("formula_error", "I"),
            ("score_exceeds_max", "D"), ("legacy_encoding", "B")} <= columns


def test_files_keep_their_status_at_the_next_level(chain):
    def statuses(payload: dict[str, Any]) -> list[tuple[str, str]]:
        return sorted((Path(f["path"].split(CHAIN)[-1]).name, f["status"])
                      for f in payload["files"])

    assert statuses(chain["n1"]) == statuses(chain["n"])
    assert statuses(chain["n2"]) == statuses(chain["n"])


# ---------------------------------------------------------------------------------- ranking
def _scored_unit(path: Path, unit: str, cluster: str, **scores: Any) -> None:
    sheets = unit_sheets([person(name=f"{unit} 1")], [collective(name=f"{unit} đội")],
                         info=_info(unit, cluster))
    sheets["Chấm điểm"] = _scores(**scores)
    write_openpyxl(path, sheets)


def _ranking(report: Path) -> list[tuple[Any, ...]]:
    sheet = openpyxl.load_workbook(report)["Xếp hạng"]
    rows = list(sheet.iter_rows(min_row=header_row(sheet, "Hạng") + 1, max_col=8,
                                values_only=True))
    return [r for r in rows[:next((i for i, r in enumerate(rows) if r[1] is None), len(rows))]]


def test_the_next_level_ranks_the_units_on_their_carried_scores(tmp_path, rules):
    units = {"cum-b": [("Đồn Biên phòng Ya Lốp", {"TC01": 15}), ("Trung đoàn 584", {}),
                       ("Đồn Biên phòng Ia Rvê", {"TC02": 12, "CG01": 2})],
             "cum-c": [("Ban CHQS huyện Lắk", {"TC01": 15}),  # ties Ya Lốp: the covenant decides
                       ("Ban CHQS huyện Krông Bông", {"TC03": 16})]}  # over its maximum: unranked
    all_units, tinh, up = tmp_path / "all", tmp_path / "tinh", tmp_path / "up"
    for folder in (all_units, tinh, up):
        folder.mkdir()
    for cluster, members in units.items():
        (tmp_path / cluster).mkdir()
        for k, (unit, scores) in enumerate(members):
            _scored_unit(tmp_path / cluster / f"u{k}.xlsx", unit, cluster, **scores)
            shutil.copy(tmp_path / cluster / f"u{k}.xlsx", all_units / f"{cluster}-{k}.xlsx")
        consolidate_folder(str(tmp_path / cluster), str(tinh / f"{cluster}.xlsx"), rules)
    consolidate_folder(str(all_units), str(tmp_path / "direct.xlsx"), rules)
    consolidate_folder(str(tinh), str(tmp_path / "province.xlsx"), rules)
    consolidate_folder(str(tinh), str(up / "province.xlsx"), rules)
    consolidate_folder(str(up), str(tmp_path / "region.xlsx"), rules)
    direct = _ranking(tmp_path / "direct.xlsx")
    assert [r[0] for r in direct] == [1, 2, 2, 4, None]  # scores were read and ranked
    assert _ranking(tmp_path / "province.xlsx") == direct
    assert _ranking(tmp_path / "region.xlsx") == direct
    # One cluster's report read back alone ranks its units as the cluster did.
    only_b = tmp_path / "only-b"
    only_b.mkdir()
    shutil.copy(tinh / "cum-b.xlsx", only_b / "cum-b.xlsx")
    consolidate_folder(str(only_b), str(tmp_path / "b-again.xlsx"), rules)
    assert _ranking(tmp_path / "b-again.xlsx") == _ranking(tinh / "cum-b.xlsx")


# ----------------------------------------------------------------------------------- quotas
def _flag_unit(path: Path, unit: str, cluster: str) -> None:
    """A unit proposing its collective for the Cờ thi đua (one per cluster)."""
    flag = collective(name=f"{unit}", title="Cờ thi đua", headcount=20, cstt=18, cstdcs=2)
    write_openpyxl(path, unit_sheets([person(name=f"{unit} 1")], [flag],
                                     info=_info(unit, cluster)))


def test_a_per_cluster_limit_stays_per_cluster_at_the_next_level(tmp_path, rules):
    tinh = tmp_path / "tinh"
    tinh.mkdir()
    clusters = {"cum-1": ["Ban CHQS huyện Ea Kar"], "cum-2": ["Ban CHQS huyện Lắk"],
                "cum-3": ["Đồn Biên phòng Ya Lốp", "Đồn Biên phòng Ia Rvê"]}  # two flags
    flags_over: dict[str, list[str]] = {}
    for cluster, members in clusters.items():
        (tmp_path / cluster).mkdir()
        for k, unit in enumerate(members):
            _flag_unit(tmp_path / cluster / f"u{k}.xlsx", unit, cluster)
        level = consolidate_folder(str(tmp_path / cluster), str(tinh / f"{cluster}.xlsx"), rules)
        flags_over[cluster] = [i.message for i in level.report.issues
                               if i.code == "quota_exceeded"]
    assert [bool(v) for v in flags_over.values()] == [False, False, True]
    up = tmp_path / "quan-khu"
    up.mkdir()
    province = consolidate_folder(str(tinh), str(up / "tinh.xlsx"), rules)
    region = consolidate_folder(str(up), str(tmp_path / "qk.xlsx"), rules)
    for report in (province.report, region.report):
        over = [i for i in report.issues if i.code == "quota_exceeded"]
        assert len(over) == 1 and "cum-3" in over[0].message, over  # only the cluster of two
        ctd = [q for q in report.quotas if q.quota == "CTD"]
        assert sorted((q.counted, q.ok) for q in ctd) == [(1, True), (1, True), (2, False)]
    sheet = openpyxl.load_workbook(up / "tinh.xlsx")["Hạn mức"]
    top = header_row(sheet, "STT")
    header = [c.value for c in sheet[top]]
    rows = [r for r in sheet.iter_rows(min_row=top + 1, values_only=True) if r[3] == "CTD"]
    cluster_c = header.index("Cụm thi đua")
    assert sorted((r[cluster_c], r[header.index("Đã đạt")]) for r in rows) == [
        ("cum-1", 1), ("cum-2", 1), ("cum-3", 2)]


def test_a_copy_skipped_below_is_never_imported_into_the_history(chain, rules, tmp_path):
    from addin.history_app import import_paths

    report = chain["root"] / "tinh" / "cum-a.xlsx"
    files = import_paths([str(report)], str(tmp_path / "h.sqlite"), rules).files
    status = {Path(f.path.split(CHAIN)[-1]).name: f.status for f in files}
    assert status["u1.xlsx"] == "skipped" and status["u1 (ban sao).xlsx"] == "imported"
    # The one replacement is u3 by u4 (two files of one unit, both counted below).
    assert [Path(f.path).name for f in files if f.replaced] == ["u4.xlsx"]


def test_clusters_of_the_same_name_in_two_provinces_are_two_clusters(tmp_path, rules):
    region = tmp_path / "quan-khu"
    region.mkdir()
    for province in ("dak-lak", "gia-lai"):
        cluster, reports = tmp_path / province / "cum-3", tmp_path / province / "reports"
        cluster.mkdir(parents=True)
        reports.mkdir()
        _flag_unit(cluster / "u.xlsx", f"Ban CHQS {province}", "Cụm thi đua số 3")
        consolidate_folder(str(cluster), str(reports / "cum-3.xlsx"), rules)
        consolidate_folder(str(reports), str(region / f"{province}.xlsx"), rules)
    outcome = consolidate_folder(str(region), str(tmp_path / "qk.xlsx"), rules)
    assert [i for i in outcome.report.issues if i.code == "quota_exceeded"] == []
    ctd = [q for q in outcome.report.quotas if q.quota == "CTD" and q.unit is None]
    assert [(q.counted, q.ok) for q in ctd] == [(1, True), (1, True)]


def test_unit_files_of_several_clusters_keep_their_own_limits(tmp_path, rules):
    """A province consolidating its clusters' unit files directly (no reports): the Cờ thi đua
    limit (one per cluster) is counted per cluster, not across the province."""
    tinh = tmp_path / "tinh"
    tinh.mkdir()
    units = [("Ban CHQS huyện Ea Kar", "Cụm thi đua số 1", True),
             ("Ban CHQS huyện Krông Ana", "Cụm thi đua số 1", False),
             ("Ban CHQS huyện Lắk", "Cụm TĐ 2", True), ("Ban CHQS huyện M'Drắk", "Cụm TĐ 2", False),
             ("Đồn Biên phòng Ya Lốp", "Cụm thi đua số 3", True),
             ("Đồn Biên phòng Ia Rvê", "cụm thi đua số 3", True)]  # cluster 3: two flags
    for k, (unit, cluster, flag) in enumerate(units):
        if flag:
            _flag_unit(tinh / f"u{k}.xlsx", unit, cluster)
        else:
            write_openpyxl(tinh / f"u{k}.xlsx", unit_sheets([person(name=f"{unit} 1")], [],
                                                            info=_info(unit, cluster)))
    report = consolidate_folder(str(tinh), str(tmp_path / "tinh.xlsx"), rules).report
    assert any(i.code == "several_clusters" for i in report.issues)
    over = [i for i in report.issues if i.code == "quota_exceeded"]
    assert len(over) == 1 and "số 3" in over[0].message, over
    ctd = [q for q in report.quotas if q.quota == "CTD"]
    assert sorted((q.cluster, q.counted, q.ok) for q in ctd) == [
        ("Cụm TĐ 2", 1, True), ("Cụm thi đua số 1", 1, True), ("Cụm thi đua số 3", 2, False)]
