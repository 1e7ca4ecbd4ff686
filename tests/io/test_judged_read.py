"""Validation in the reading worker: books judged where they are read give the same answer as
books judged by consolidate, are never judged twice, and name the rules book that judged them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from addin.app import consolidate_folder
from addin.domain.cluster import consolidate
from addin.domain.judgement import JudgedElsewhere, rules_key
from addin.domain.report_model import Report
from addin.domain.validation import validate_unit
from addin.io.folders import read_all, workbook_files
from addin.io.judged_read import RulesParcel, read_judged
from addin.io.rules_file import load_rules
from addin.io.sandbox import WorkerPool
from tests.conftest import INFO_ROWS, collective, person, unit_sheets, write_openpyxl

RULES = load_rules()


def _unit(path: Path, unit: str, cluster: str = "Cụm thi đua số 3", agree: int = 8,
          clean: bool = False) -> Path:
    info = [["Đơn vị", unit], ["Cụm thi đua", cluster], *INFO_ROWS[2:]]
    people = [person(name=f"Người {i}", seq=i, agree=agree - i % 4) for i in range(8)]
    if not clean:
        people.append(person(name="Người 0", seq=9))  # the same person twice: duplicate_person
        people.append(person(name="Không tên", title="Danh hiệu lạ"))  # unknown_title
    return write_openpyxl(path, unit_sheets(people, [collective(name=f"Đội {unit}")], info=info))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Units with errors, an identical copy, a unit and the report holding it, a file of another
    cluster, a file that is not a workbook."""
    root = tmp_path_factory.mktemp("judged")
    below = root / "below"
    below.mkdir()
    for k, name in enumerate(("Ban CHQS huyện Ea Kar", "Ban CHQS huyện Lắk")):
        _unit(below / f"u{k}.xlsx", name, agree=9 - k)
    consolidate_folder(str(below), str(root / "cum.xlsx"), RULES)
    given = root / "given"
    given.mkdir()
    _unit(given / "a.xlsx", "Trung đoàn 584")
    _unit(given / "b.xlsx", "Đồn Biên phòng Ya Lốp", agree=6)
    shutil.copy(given / "a.xlsx", given / "a-copy.xlsx")
    shutil.copy(below / "u0.xlsx", given / "u0.xlsx")  # also inside cum.xlsx
    shutil.copy(root / "cum.xlsx", given / "cum.xlsx")
    _unit(given / "c.xlsx", "Trung đoàn 993", agree=10, clean=True)
    _unit(given / "x.xlsx", "Trung đoàn 994", cluster="Cụm thi đua số 5")
    (given / "z.xlsx").write_bytes(b"not a workbook")
    return given


def _files(folder: Path) -> list[tuple[Path, str]]:
    return workbook_files([str(folder)])


@pytest.mark.parametrize("whole_cluster", [True, False])  # consolidate, and validate of files
def test_judged_in_the_worker_gives_consolidate_s_answer(folder, whole_cluster):
    here = consolidate(read_all(_files(folder)), RULES, whole_cluster=whole_cluster)
    there = consolidate(read_all(_files(folder), rules=RULES), RULES, whole_cluster=whole_cluster)
    assert {f.status for f in here.files} >= {"ok", "errors", "skipped", "unreadable"}
    assert there.issues == here.issues  # not one issue twice: judged books are not re-judged
    assert there.quota_checks == here.quota_checks
    assert there.counted_books == here.counted_books
    assert Report.of(there, RULES).to_json() == Report.of(here, RULES).to_json()


def test_the_worker_judges_each_readable_book_with_the_rules_it_was_given(folder):
    books = read_all(_files(folder), rules=RULES)
    judged = [b for b in books if b.judgement is not None]
    assert judged and all(b.judgement.rules == rules_key(RULES) for b in judged)
    assert all(b.judgement is None for b in books if not b.readable or b.skipped)
    assert {b.readable for b in books} == {True, False}
    own = next(b for b in books if b.path.endswith("b.xlsx"))
    assert own.judgement is not None and own.judgement.quota_checks
    assert all(n.title for n in own.individuals if n.title_text != "Danh hiệu lạ")
    assert [b for b in read_all(_files(folder)) if b.judgement is not None] == []


def test_a_judged_book_is_not_judged_again(folder):
    [book] = read_all([(folder / "b.xlsx", "b.xlsx")], rules=RULES)
    again = validate_unit(book, RULES)
    assert again.book == book
    assert again.quota_checks == list(book.judgement.quota_checks)
    # The same rules, loaded again: the same key (a digest of the book, not the object).
    assert consolidate([book], load_rules()).issues == consolidate([book], RULES).issues


def test_a_book_judged_by_other_rules_is_refused_not_judged_twice(folder, tmp_path):
    stricter = tmp_path / "tdkt-rules.toml"
    stricter.write_text('[votes.basic]\nthreshold = "90%"\n', encoding="utf-8")
    books = read_all(_files(folder), rules=RULES)
    with pytest.raises(JudgedElsewhere):
        consolidate(books, load_rules(stricter))
    with pytest.raises(JudgedElsewhere):
        validate_unit(next(b for b in books if b.judgement is not None), load_rules(stricter))


def test_judging_that_fails_leaves_the_books_to_the_parent(folder):
    broken = RulesParcel(rules_key(RULES) + "-broken", b"not a pickle")
    [book] = read_judged(folder / "b.xlsx", "b.xlsx", broken)
    assert book.judgement is None and book.individuals[0].title is None
    assert consolidate([book], RULES).issues == consolidate(
        read_all([(folder / "b.xlsx", "b.xlsx")]), RULES).issues


def test_the_rules_key_travels_to_fresh_workers_as_on_windows(folder):
    """Spawned workers (a fresh interpreter: another hash seed) keep the parent's key."""
    given = RulesParcel.of(RULES)
    named = RulesParcel("named-by-the-parent", given.data)  # the worker takes the key it is given
    pool = WorkerPool(method="spawn")
    try:
        [books, named_books] = pool.run(
            [(read_judged, (folder / "b.xlsx", "b.xlsx", parcel)) for parcel in (given, named)],
            workers=1)
    finally:
        pool.close()
    [book], [named_book] = books, named_books
    assert book.judgement is not None and book.judgement.rules == rules_key(RULES)
    assert named_book.judgement is not None
    assert named_book.judgement.rules == "named-by-the-parent"
    assert consolidate([book], RULES) == consolidate(read_all([(folder / "b.xlsx", "b.xlsx")],
                                                              rules=RULES), RULES)


def test_the_commands_judge_in_the_worker_except_with_a_history_database(folder):
    from addin.app import _read

    assert any(b.judgement is not None for b in _read(_files(folder), RULES, None))
    # With --db the streaks of every book are looked up at once, then judged in this process.
    assert all(b.judgement is None for b in _read(_files(folder), RULES, "history.sqlite"))
