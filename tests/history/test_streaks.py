"""Persons across periods, declared streaks checked with --db, eligibility lists."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from addin import history_app as happ
from addin.cli import cli
from addin.domain.periods import parse_period
from addin.domain.persons import KnownPerson, PersonIndex, PersonRef
from addin.domain.rules import Rules
from addin.domain.streaks import Record, proven_streak
from tests.history.builders import P, unit_file


def chain(rules: Rules, chain_id: str):  # noqa: ANN201
    return next(c for c in rules.chains if c.id == chain_id)


# ---------------------------------------------------------------------------------- pure parts
def test_periods_are_parsed_however_typed() -> None:
    assert parse_period("Năm 2024") == parse_period("TONG KET NAM 2024")
    assert parse_period("6 tháng đầu năm 2024").kind == "h1"
    assert parse_period("Sáu tháng cuối năm 2023").kind == "h2"
    span = parse_period("Giai đoạn 2019–2024")
    assert (span.kind, span.start, span.end) == ("span", 2019, 2024)
    assert span.label == "Giai đoạn 2019–2024"
    assert parse_period("Quý III/2024") is None and parse_period("") is None
    assert parse_period("2024-2019") is None


def test_streak_walks_back_and_says_why_it_stopped(rules: Rules) -> None:
    cstdtq = chain(rules, "CSTDTQ")
    covered = frozenset(range(2018, 2024))
    record = Record({2019: frozenset({"CSTT"}), 2020: frozenset({"CSTDCS"}),
                     2021: frozenset({"CSTDCS"}), 2022: frozenset({"CSTDCS"}),
                     2023: frozenset({"CSTDCS"})}, covered)
    s = proven_streak(record, cstdtq, 2024)
    assert (s.count, s.years, s.complete, s.broken_at) == (4, (2023, 2022, 2021, 2020), True, 2019)
    # Receiving CSTDTQ in 2021 starts the count again (the cycle).
    cycled = Record({**record.years, 2021: frozenset({"CSTDTQ"})}, covered)
    s = proven_streak(cycled, cstdtq, 2024)
    assert (s.count, s.restarted_at) == (2, 2021)
    # A year the history does not hold is "not enough data", not a break.
    gap = Record({y: t for y, t in record.years.items() if y >= 2022}, frozenset({2022, 2023}))
    s = proven_streak(gap, cstdtq, 2024)
    assert (s.count, s.complete, s.missing) == (2, False, 2021)
    # CSTDTQ twice in a row means two cycles of three years.
    tq = Record({2017: frozenset({"CSTDTQ"}), 2020: frozenset({"CSTDTQ"}),
                 2023: frozenset({"CSTDTQ"})}, frozenset(range(2015, 2024)))
    assert proven_streak(tq, chain(rules, "CSTDTQG"), 2024).count == 3


def test_person_identity_service_number_name_birth_unit() -> None:
    index = PersonIndex([
        KnownPerson(1, "SH1", "nguyễn văn an", 1990, {"don vi a"}),
        KnownPerson(2, "", "trần văn hải", 1990, {"don vi a"}),
        KnownPerson(3, "", "trần văn hải", 1995, {"don vi a"}),
        KnownPerson(4, "", "trần văn hưng", None, {"don vi a"}),
    ])
    moved = index.match(PersonRef("Nguyễn Văn An", "Đơn vị B", "sh1"))
    assert (moved.person_id, moved.moved) == (1, True)
    assert index.match(PersonRef("TRẦN  VĂN HẢI", "Đơn vị A")).candidates == (2, 3)
    assert index.match(PersonRef("Trần Văn Hải", "Đơn vị A", birth_year=1995)).person_id == 3
    assert index.match(PersonRef("Trần Văn Hải", "Đơn vị B")).person_id is None  # not there
    # Diacritics stay: Hưng is not Hùng; NFD text is the same person.
    assert index.match(PersonRef("Trần Văn Hùng", "Đơn vị A")).person_id is None
    nfd = "Tra\u0302\u0300n Va\u0306n Hu\u031bng"
    assert index.match(PersonRef(nfd, "Đơn vị A")).person_id == 4
    # Another service number is another person, even with the same name.
    assert index.match(PersonRef("Nguyễn Văn An", "Đơn vị A", "SH2")).person_id is None


# ---------------------------------------------------------------------------- the database
def history(tmp: Path, rules: Rules) -> Path:
    """Unit A: 2021–2023; unit B: 2023 only; unit C: 2022–2023. Bùi Văn Em moves A → C."""
    db = tmp / "ls.sqlite"
    a = {2021: [P("Nguyễn Văn An", "CSTDCS", "SH-1"), P("Lê Văn Bình", "CSTT"),
                P("Trần Văn Hải", "CSTDCS", birth_year=1990),
                P("Trần Văn Hải", "CSTT", birth_year=1995), P("Bùi Văn Em", "CSTDCS", "SH-5")],
         2022: [P("Nguyễn Văn An", "CSTDCS", "SH-1"), P("Lê Văn Bình", "CSTDCS"),
                P("Trần Văn Hải", "CSTDCS", birth_year=1990),
                P("Trần Văn Hải", "CSTT", birth_year=1995), P("Bùi Văn Em", "CSTDCS", "SH-5")],
         2023: [P("Nguyễn Văn An", "CSTDCS", "SH-1"), P("Lê Văn Bình", "CSTDCS"),
                P("Trần Văn Hải", "CSTDCS", birth_year=1990),
                P("Trần Văn Hải", "CSTT", birth_year=1995),
                # failed vote: proposed, not held
                P("Đỗ Văn Giang", "CSTDCS", agree=5)]}
    for year, people in a.items():
        unit_file(tmp / "in" / f"a-{year}.xlsx", "Đơn vị A", f"Năm {year}", people,
                  [("Ban Tham mưu", "DVQT")])
    unit_file(tmp / "in" / "b-2023.xlsx", "Đơn vị B", "Năm 2023", [P("Phạm Văn Cường", "CSTDCS")])
    unit_file(tmp / "in" / "c-2022.xlsx", "Đơn vị C", "Năm 2022", [P("Hồ Văn Phúc")],
              [("Ban Hậu cần", "DVQT")])
    unit_file(tmp / "in" / "c-2023.xlsx", "Đơn vị C", "Năm 2023",
              [P("Bùi Văn Em", "CSTDCS", "SH-5")], [("Ban Hậu cần", "DVTT")])
    # A 6-month report is progress, never a title held.
    unit_file(tmp / "in" / "b-2022-h1.xlsx", "Đơn vị B", "6 tháng đầu năm 2022",
              [P("Phạm Văn Cường", "CSTDCS")])
    out = happ.import_paths([str(tmp / "in")], str(db), rules)
    assert out.exit_code == 0, out.to_json()
    return db


def run(args: list[str]) -> tuple[int, dict]:
    result = CliRunner().invoke(cli, args)
    return result.exit_code, json.loads(result.output)


def test_declared_streaks_are_checked_against_the_database(tmp_path: Path, rules: Rules) -> None:
    db = history(tmp_path, rules)
    claims = {"Đơn vị A": [P("Nguyễn Văn An", "CSTDTQ", "SH-1", streak=3),   # proven
                           P("Lê Văn Bình", "CSTDTQ", streak=3),             # 2021: only CSTT
                           P("Trần Văn Hải", "CSTDTQ", streak=3),            # two of them
                           P("Trần Văn Hải", "CSTDTQ", birth_year=1990, streak=3),  # proven
                           P("Vũ Văn Mới", "CSTDTQ", streak=3),              # not in the reports
                           P("Đỗ Văn Giang", "CSTDTQ", streak=3)],           # 2023 failed
              "Đơn vị B": [P("Phạm Văn Cường", "CSTDTQ", streak=3)],         # 2022 not held
              "Đơn vị C": [P("Bùi Văn Em", "CSTDTQ", "SH-5", streak=3)]}     # moved A → C
    for unit, people in claims.items():
        unit_file(tmp_path / "2024" / f"{unit}.xlsx", unit, "Năm 2024", people)
    code, data = run(["validate", str(tmp_path / "2024"), "--db", str(db), "--json"])
    found = {(i["file"].rsplit("/", 1)[-1], i["row"], i["code"]) for i in data["issues"]
             if i["code"] in ("streak_mismatch", "streak_unverified", "ambiguous_person")}
    assert found == {("Đơn vị A.xlsx", 3, "streak_mismatch"),
                     ("Đơn vị A.xlsx", 4, "ambiguous_person"),
                     ("Đơn vị A.xlsx", 6, "streak_mismatch"),
                     ("Đơn vị A.xlsx", 7, "streak_mismatch"),
                     ("Đơn vị B.xlsx", 2, "streak_unverified")}
    assert code == 1
    mismatch = next(i for i in data["issues"] if i["code"] == "streak_mismatch")
    assert "2022, 2023" in mismatch["message"] and mismatch["column"] == "M"
    # A mismatch is an error: that row no longer passes. Without --db nothing is checked.
    code, plain = run(["validate", str(tmp_path / "2024"), "--json"])
    assert not {i["code"] for i in plain["issues"]} & {"streak_mismatch", "streak_unverified"}
    assert plain["by_title"]["CSTDTQ"]["passed"] == data["by_title"]["CSTDTQ"]["passed"] + 3


def test_consolidate_with_a_missing_database_is_a_usage_error(tmp_path: Path) -> None:
    unit_file(tmp_path / "in" / "a.xlsx", "Đơn vị A", "Năm 2024", [P("An")])
    result = CliRunner().invoke(cli, ["consolidate", str(tmp_path / "in"), "-o",
                                      str(tmp_path / "out.xlsx"), "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2


def test_eligibility_lists_exactly_the_people_the_history_proves(tmp_path: Path,
                                                                  rules: Rules) -> None:
    db = history(tmp_path, rules)
    xlsx = tmp_path / "du-dieu-kien.xlsx"
    code, data = run(["history", "eligible", "--year", "2024", "--db", str(db), "-o", str(xlsx),
                      "--json"])
    assert code == 0
    got = {(r["chain"], r["name"], r["unit"], tuple(r["years"])) for r in data["eligible"]}
    assert got == {
        ("CSTDTQ", "Nguyễn Văn An", "Đơn vị A", (2021, 2022, 2023)),
        ("CSTDTQ", "Trần Văn Hải", "Đơn vị A", (2021, 2022, 2023)),
        ("CSTDTQ", "Bùi Văn Em", "Đơn vị C", (2021, 2022, 2023)),  # followed across units
        ("BKBQP-ca-nhan", "Nguyễn Văn An", "Đơn vị A", (2022, 2023)),
        ("BKBQP-ca-nhan", "Trần Văn Hải", "Đơn vị A", (2022, 2023)),
        ("BKBQP-ca-nhan", "Lê Văn Bình", "Đơn vị A", (2022, 2023)),
        ("BKBQP-ca-nhan", "Bùi Văn Em", "Đơn vị C", (2022, 2023)),
        ("BKBQP-tap-the", "Ban Tham mưu", "Đơn vị A", (2022, 2023)),
    }
    hai = [r for r in data["eligible"] if r["name"] == "Trần Văn Hải"]
    assert {r["birth_year"] for r in hai} == {1990}
    import openpyxl

    wb = openpyxl.load_workbook(xlsx)
    ws = wb.active
    assert ws.auto_filter.ref is not None
    names = [ws.cell(r, 3).value for r in range(1, ws.max_row + 1)]
    assert names.count("Nguyễn Văn An") == 2 and "Bùi Văn Em" in names
    # "Danh hiệu đã đạt liên tục" names the title held (the list showed CSTDCS, DVQT); the
    # JSON keeps the code
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "STT")
    column = [ws.cell(header, c).value for c in range(1, ws.max_column + 1)].index(
        "Danh hiệu đã đạt liên tục") + 1
    held = {ws.cell(r, 3).value: ws.cell(r, column).value
            for r in range(header + 1, ws.max_row + 1)}
    assert held["Bùi Văn Em"] == rules.titles["CSTDCS"].name == "Chiến sĩ thi đua cơ sở"
    assert held["Ban Tham mưu"] == rules.titles["DVQT"].name == "Đơn vị Quyết thắng"
    assert {r["requires"] for r in data["eligible"]} == {"CSTDCS", "DVQT"}
    # In 2023 only 2021–2022 count: nobody has three years yet.
    code, data = run(["history", "eligible", "--year", "2023", "--db", str(db), "--json"])
    assert not [r for r in data["eligible"] if r["chain"] == "CSTDTQ"]


def test_the_terminal_names_titles_as_every_other_output_does(tmp_path: Path,
                                                             rules: Rules) -> None:
    """`tdkt history eligible` without -o printed "… — CSTDCS các năm 2021, 2022, 2023" and
    `tdkt history show --person` "Năm 2021: CSTDCS (Đơn vị A)": title codes on the terminal,
    where the workbook and every other output name the title. The JSON keeps the codes."""
    db = history(tmp_path, rules)
    runner = CliRunner()
    listed = runner.invoke(cli, ["history", "eligible", "--year", "2024", "--db", str(db)])
    assert listed.exit_code == 0, listed.output
    em = [line for line in listed.output.splitlines() if "Bùi Văn Em" in line]
    assert em and all("Chiến sĩ thi đua cơ sở các năm 2022, 2023" in line
                      or "Chiến sĩ thi đua cơ sở các năm 2021, 2022, 2023" in line
                      for line in em), em
    assert "Đơn vị Quyết thắng các năm 2022, 2023" in listed.output
    codes = re.compile(r"\b(CSTDCS|CSTT|DVQT|DVTT|CSTDTQ)\b")
    assert not codes.search(listed.output), listed.output
    shown = runner.invoke(cli, ["history", "show", "--db", str(db), "--person", "sh-5"])
    assert shown.exit_code == 0, shown.output
    assert "Năm 2021: Chiến sĩ thi đua cơ sở (Đơn vị A) — đạt" in shown.output
    assert not codes.search(shown.output), shown.output
    code, data = run(["history", "show", "--db", str(db), "--person", "sh-5", "--json"])
    assert {t["title"] for p in data["persons"] for t in p["titles"]} == {"CSTDCS"}


def test_show_a_person_and_ambiguous_rows_at_import(tmp_path: Path, rules: Rules) -> None:
    db = history(tmp_path, rules)
    code, data = run(["history", "show", "--db", str(db), "--person", "sh-5", "--json"])
    assert code == 0
    (em,) = data["persons"]
    assert [(t["period"], t["unit"]) for t in em["titles"]] == [
        ("Năm 2021", "Đơn vị A"), ("Năm 2022", "Đơn vị A"), ("Năm 2023", "Đơn vị C")]
    unit_file(tmp_path / "amb" / "a-2024.xlsx", "Đơn vị A", "Năm 2024",
              [P("Trần Văn Hải", "CSTT")])
    out = happ.import_paths([str(tmp_path / "amb")], str(db), rules)
    assert [i.code for i in out.issues] == ["ambiguous_person"]


def test_report_and_consolidate_check_streaks_with_db(tmp_path: Path, rules: Rules) -> None:
    db = history(tmp_path, rules)
    unit_file(tmp_path / "root" / "cum-1" / "a.xlsx", "Đơn vị A", "Năm 2024",
              [P("Lê Văn Bình", "CSTDTQ", streak=3)])
    code, data = run(["report", str(tmp_path / "root"), "-o", str(tmp_path / "out"), "--db",
                      str(db), "--json"])
    assert code == 1 and [i["code"] for i in data["issues"]].count("streak_mismatch") == 1
    code, data = run(["consolidate", str(tmp_path / "root" / "cum-1"), "-o",
                      str(tmp_path / "c.xlsx"), "--db", str(db), "--json"])
    assert code == 1 and [i["code"] for i in data["issues"]].count("streak_mismatch") == 1
    code, data = run(["consolidate", str(tmp_path / "root" / "cum-1"), "-o",
                      str(tmp_path / "c2.xlsx"), "--json"])
    assert "streak_mismatch" not in [i["code"] for i in data["issues"]]
