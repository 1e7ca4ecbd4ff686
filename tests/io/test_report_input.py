"""A cluster report is also an input: level N's reports consolidate at level N+1 with the same
totals as the units themselves, with the provenance chain, and nobody counted twice."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from addin.app import consolidate_folder, report_root
from addin.io.report_input import CHAIN
from addin.io.rules_file import load_rules
from tests.conftest import collective, person, unit_sheets, write_openpyxl
from tests.sheet_rows import header_row

RULES = load_rules()
CLUSTERS = {"cum-1": ("Ban CHQS huyện Ea Kar", "Ban CHQS huyện Lắk"),
            "cum-2": ("Đồn Biên phòng Ya Lốp", "Trung đoàn 584")}


def _unit(path: Path, unit: str, cluster: str, k: int) -> None:
    info = [["Đơn vị", unit], ["Cụm thi đua", cluster], ["Kỳ báo cáo", "Năm 2024"],
            ["Quân số", 20 + k], ["Số đầu mối", 3 + k], ["Ngày lập", "15/12/2024"]]
    people = [person(name=f"{unit} {i}", seq=i, agree=5 + i, rank="Trung sĩ") for i in range(6)]
    people.append(person(name=f"{unit} CSTĐCS", title="CSTĐ cơ sở", agree=9,
                         initiative="Sáng kiến" if k % 2 else ""))  # an error in half of them
    sheets = unit_sheets(people, [collective(name=f"Đội {k}"), collective(
        name=f"Tổ {k}", title="Đơn vị Quyết thắng", cstt=8)], info=info)
    sheets["Khen thưởng"].append(["Bằng khen", "Đột xuất", "Khen cao", k, 2 * k])
    write_openpyxl(path, sheets)


@pytest.fixture(scope="module")
def levels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """units/<cluster>/*.xlsx; all/ (every unit in one folder); tinh/<cluster>.xlsx (level N
    reports); vung/tinh.xlsx (the province's report, level N+1)."""
    root = tmp_path_factory.mktemp("levels")
    (root / "all").mkdir()
    (root / "tinh").mkdir()
    (root / "vung").mkdir()
    k = 0
    for cluster, units in CLUSTERS.items():
        folder = root / "units" / cluster
        folder.mkdir(parents=True)
        for unit in units:
            _unit(folder / f"u{k}.xlsx", unit, cluster, k)
            shutil.copy(folder / f"u{k}.xlsx", root / "all" / f"u{k}.xlsx")
            k += 1
        consolidate_folder(str(folder), str(root / "tinh" / f"{cluster}.xlsx"), RULES)
    consolidate_folder(str(root / "tinh"), str(root / "vung" / "tinh.xlsx"), RULES)
    return root


def _comparable(payload: dict) -> dict:
    unit_of = {f["path"]: f["unit"] for f in payload["files"]}

    def last_link(path: str | None) -> str | None:
        return Path(path.split(CHAIN)[-1]).name if path else path

    return {
        "totals": {k: v for k, v in payload["totals"].items() if k != "files"},
        "by_title": payload["by_title"],
        # Unit quotas; a cluster's quotas stay per cluster up the levels, while a folder of
        # every unit is one cluster (tests/io/test_report_chain_losses.py compares those).
        "quotas": sorted((q["unit"], q["quota"], q["base"], q["limit"], q["counted"],
                          q["ok"]) for q in payload["quotas"] if q["unit"]),
        # Where: file, sheet and row; the unit's "Thông tin" rows are not in a report, so an
        # issue there keeps its file only at the next level.
        "issues": sorted((last_link(i["file"]) or "", *(("", 0) if i["sheet"] in (
            None, "Thông tin") else (i["sheet"], i["row"] or 0)), i["code"])
                         for i in payload["issues"]),
        "units": sorted(u for u in unit_of.values() if u),
    }


def _commendation_totals(report: Path) -> list[tuple]:
    sheet = openpyxl.load_workbook(report, data_only=True)["Khen thưởng"]
    first = header_row(sheet, "STT") + 1
    return [tuple(r[1:6]) for r in sheet.iter_rows(min_row=first, values_only=True) if r[1]]


def test_reports_of_a_level_consolidate_like_the_units(levels, tmp_path):
    direct = consolidate_folder(str(levels / "all"), str(tmp_path / "direct.xlsx"), RULES)
    province = consolidate_folder(str(levels / "tinh"), str(tmp_path / "tinh.xlsx"), RULES)
    region = consolidate_folder(str(levels / "vung"), str(tmp_path / "vung.xlsx"), RULES)
    assert direct.report.totals.individuals == 28
    assert direct.report.totals.collectives == 8
    assert _comparable(province.report.to_json()) == _comparable(direct.report.to_json())
    assert _comparable(region.report.to_json()) == _comparable(direct.report.to_json())
    assert province.exit_code == region.exit_code == direct.exit_code == 1
    assert (_commendation_totals(tmp_path / "tinh.xlsx")
            == _commendation_totals(tmp_path / "vung.xlsx")
            == _commendation_totals(tmp_path / "direct.xlsx"))


def test_provenance_chain_back_to_the_unit_file_and_row(levels, tmp_path):
    consolidate_folder(str(levels / "vung"), str(tmp_path / "vung.xlsx"), RULES)
    sheet = openpyxl.load_workbook(tmp_path / "vung.xlsx")["Cá nhân"]
    top = header_row(sheet, "STT")
    header = [c.value for c in sheet[top]]
    file_c, row_c = header.index("Tệp nguồn"), header.index("Dòng nguồn")
    rows = [r for r in sheet.iter_rows(min_row=top + 1, values_only=True)]
    first = rows[0]
    links = first[file_c].split(CHAIN)
    assert [Path(p).name for p in links] == ["tinh.xlsx", "cum-1.xlsx", "u0.xlsx"]
    assert Path(links[-1]).parent.name == "cum-1"
    # The row is the person's row in the unit's own file (header on row 4: first person row 5).
    source = openpyxl.load_workbook(levels / "units" / "cum-1" / "u0.xlsx")["Cá nhân"]
    assert source.cell(first[row_c], 2).value == first[1]
    assert {r[row_c] for r in rows} == set(range(5, 12))


def test_identity_columns_travel_up_the_levels(tmp_path):
    """Số hiệu quân nhân and Năm sinh (contracts.md §6) reach the next level's report."""
    units, level1, level2 = (tmp_path / n for n in ("cum", "tinh", "vung"))
    for folder in (units, level1, level2):
        folder.mkdir()
    sheets = unit_sheets([person()])
    sheets["Cá nhân"][3] = [*sheets["Cá nhân"][3], "Số hiệu quân nhân", "Năm sinh"]
    sheets["Cá nhân"][4] = [*sheets["Cá nhân"][4], "12-345-678", 1990]
    write_openpyxl(units / "u.xlsx", sheets)
    consolidate_folder(str(units), str(level1 / "cum.xlsx"), RULES)
    consolidate_folder(str(level1), str(level2 / "tinh.xlsx"), RULES)
    consolidate_folder(str(level2), str(tmp_path / "vung.xlsx"), RULES)
    sheet = openpyxl.load_workbook(tmp_path / "vung.xlsx")["Cá nhân"]
    top = header_row(sheet, "STT")
    header = [c.value for c in sheet[top]]
    row = [c.value for c in sheet[top + 1]]
    assert (row[header.index("Số hiệu quân nhân")], row[header.index("Năm sinh")]) == (
        "12-345-678", 1990)


def test_a_unit_and_a_report_containing_it_count_it_once(levels, tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(levels / "tinh" / "cum-1.xlsx", folder / "cum-1.xlsx")
    shutil.copy(levels / "units" / "cum-1" / "u0.xlsx", folder / "u0.xlsx")  # also in cum-1
    for name in ("u2.xlsx", "u3.xlsx"):  # cum-2 given as its units, not its report
        shutil.copy(levels / "units" / "cum-2" / name, folder / name)
    mixed = consolidate_folder(str(folder), str(tmp_path / "m.xlsx"), RULES)
    direct = consolidate_folder(str(levels / "all"), str(tmp_path / "d.xlsx"), RULES)
    assert mixed.report.totals.individuals == direct.report.totals.individuals
    assert mixed.report.by_title == direct.report.by_title
    dup = [i for i in mixed.report.issues if i.code == "duplicate_unit"]
    assert len(dup) == 1 and dup[0].file.endswith(f"cum-1.xlsx{CHAIN}" +
                                                     str(levels / "units" / "cum-1" / "u0.xlsx"))
    skipped = [f for f in mixed.report.files if f.status == "skipped"]
    assert [f.path for f in skipped] == [dup[0].file]


def test_report_command_takes_folders_of_reports(levels, tmp_path):
    root = tmp_path / "quan-khu"
    (root / "tinh-a").mkdir(parents=True)
    shutil.copy(levels / "tinh" / "cum-1.xlsx", root / "tinh-a" / "cum-1.xlsx")
    shutil.copy(levels / "tinh" / "cum-2.xlsx", root / "tinh-a" / "cum-2.xlsx")
    outcome = report_root(str(root), str(tmp_path / "out"), None, jobs=1)
    assert outcome.report.totals.individuals == 28
    assert [c.name for c in outcome.report.clusters] == ["tinh-a"]



def test_the_same_report_twice_is_a_duplicate_file(levels, tmp_path):
    folder = tmp_path / "twice"
    folder.mkdir()
    shutil.copy(levels / "tinh" / "cum-2.xlsx", folder / "cum-2.xlsx")
    shutil.copy(levels / "tinh" / "cum-2.xlsx", folder / "cum-2 (1).xlsx")  # sent twice
    outcome = consolidate_folder(str(folder), str(tmp_path / "t.xlsx"), RULES)
    codes = [i.code for i in outcome.report.issues if i.code.startswith("duplicate")]
    assert codes == ["duplicate_file", "duplicate_file"]  # one per unit of the copy
    assert outcome.report.totals.individuals == 14


def test_a_clash_inside_one_report_is_judged_as_at_its_own_level(tmp_path):
    """Two different files of one unit in a cluster: both counted with duplicate_unit at the
    cluster, and the same at the next level (the totals stay identical)."""
    cluster, up = tmp_path / "cum", tmp_path / "tinh"
    up.mkdir()
    cluster.mkdir()
    _unit(cluster / "a.xlsx", "Ban CHQS huyện Ea Kar", "cum", 0)
    _unit(cluster / "b.xlsx", "Ban CHQS huyện Ea Kar", "cum", 1)  # same unit, other content
    level_n = consolidate_folder(str(cluster), str(up / "cum.xlsx"), RULES)
    level_n1 = consolidate_folder(str(up), str(tmp_path / "t.xlsx"), RULES)
    assert _comparable(level_n1.report.to_json()) == _comparable(level_n.report.to_json())
    assert [i.code for i in level_n1.report.issues].count("duplicate_unit") == 1


def test_the_reader_finds_the_report_sheets_by_the_writers_names(tmp_path, monkeypatch):
    """The report's sheet names live once (addin.domain.labels): renamed there, the report is
    written under the new names and the next level still reads it back whole."""
    from addin.domain import labels as L
    from addin.io import sandbox

    renamed = {"SHEET_SUMMARY": "Tổng hợp cụm", "SHEET_SOURCES": "Các tệp nguồn",
               "SHEET_ISSUES": "Kết quả kiểm tra"}
    for name, text in renamed.items():
        monkeypatch.setattr(L, name, text)
    # files are read by worker processes: workers forked after the renaming (closed after)
    monkeypatch.setattr(sandbox, "_POOL", None)
    try:
        _round_trip_renamed(tmp_path, renamed)
    finally:
        if sandbox._POOL is not None:
            sandbox._POOL.close()


def _round_trip_renamed(tmp_path: Path, renamed: dict[str, str]) -> None:
    units, reports = tmp_path / "units", tmp_path / "reports"
    units.mkdir()
    reports.mkdir()
    for k, unit in enumerate(CLUSTERS["cum-1"]):
        _unit(units / f"u{k}.xlsx", unit, "cum-1", k)
    direct = consolidate_folder(str(units), str(reports / "cum-1.xlsx"), RULES)
    names = openpyxl.load_workbook(reports / "cum-1.xlsx", read_only=True).sheetnames
    assert names[0] == renamed["SHEET_SUMMARY"]
    assert {renamed["SHEET_SOURCES"], renamed["SHEET_ISSUES"]} <= set(names)
    again = consolidate_folder(str(reports), str(tmp_path / "next.xlsx"), RULES)
    assert again.report.totals.individuals == direct.report.totals.individuals == 14
    assert _comparable(again.report.to_json()) == _comparable(direct.report.to_json())
