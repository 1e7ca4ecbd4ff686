"""The history jobs return frozen typed objects; `--json` is their `to_json()`, with the keys
and key order that `tdkt history … --json` has always printed (contracts.md §7)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from addin import history_app as happ
from addin.cli import cli
from addin.domain.history_model import ImportState, SubjectKind
from addin.domain.rules import Rules
from tests.history.builders import P, unit_file

FILE_KEYS = ["path", "unit", "period", "status", "sha256", "individuals", "collectives",
             "replaced"]
ELIGIBLE_KEYS = ["kind", "name", "unit", "service_no", "birth_year", "chain", "requires", "award",
                 "award_name", "years", "source", "verified"]


def _history(folder: Path) -> None:
    for y in (2021, 2022, 2023):
        unit_file(folder / f"a-{y}.xlsx", "Đơn vị A", f"Năm {y}",
                  [P("Nguyễn Văn An", "CSTDCS", "SH-1"), P("Lê Văn Bình")],
                  [("Ban Tham mưu", "DVQT")])


def _json(args: list[str]) -> Any:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)


def test_json_keeps_its_keys_and_order(tmp_path: Path) -> None:
    _history(tmp_path / "in")
    db = str(tmp_path / "ls.sqlite")
    imported = _json(["history", "import", str(tmp_path / "in"), "--db", db, "--json"])
    assert list(imported) == ["files", "issues", "db"]
    assert [list(f) for f in imported["files"]] == [FILE_KEYS] * 3
    replacement = tmp_path / "moi.xlsx"
    replacement.write_bytes((tmp_path / "in" / "a-2023.xlsx").read_bytes() + b"x")
    replaced = _json(["history", "import", str(replacement), "--db", db, "--json"])
    (entry,) = replaced["files"]
    assert (entry["status"], entry["replaced"]) == ("replaced", str(tmp_path / "in" / "a-2023.xlsx"))

    shown = _json(["history", "show", "--db", db, "--json"])
    assert list(shown) == ["db", "schema_version", "periods", "units", "replacements"]
    assert list(shown["units"][0]) == ["unit", "period", "file", "sha256", "in_force",
                                       "imported_at"]
    assert list(shown["replacements"][0]) == ["unit", "period", "old", "new", "at"]
    person = _json(["history", "show", "--db", db, "--person", "Nguyễn Văn An", "--json"])
    assert list(person)[-1] == "persons"
    (who,) = person["persons"]
    assert list(who) == ["name", "service_no", "birth_year", "titles"]
    assert who["titles"][0] == {"period": "Năm 2021", "unit": "Đơn vị A", "title": "CSTDCS",
                                "passed": True}

    found = _json(["history", "eligible", "--year", "2024", "--db", db, "--json"])
    assert list(found) == ["year", "eligible", "output"]
    rows = found["eligible"]
    assert rows and all(list(r) == ELIGIBLE_KEYS for r in rows)
    an = [r for r in rows if r["name"] == "Nguyễn Văn An"]
    assert an and all(r["kind"] == "individual" and set(r["years"]) <= {2021, 2022, 2023}
                      for r in an)


def test_the_results_are_frozen_and_typed(tmp_path: Path, rules: Rules) -> None:
    _history(tmp_path / "in")
    db = str(tmp_path / "ls.sqlite")
    result = happ.import_paths([str(tmp_path / "in")], db, rules)
    assert {f.status for f in result.files} == {ImportState.IMPORTED} and not result.failed
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.files[0].status = ImportState.SKIPPED
    again = happ.import_paths([str(tmp_path / "in"), str(tmp_path / "nope.xlsx")], db, rules)
    assert [f.status for f in again.files] == [ImportState.UNCHANGED] * 3 + [
        ImportState.UNREADABLE]
    assert again.failed and again.exit_code == 1
    rows = happ.eligible_list(db, 2024, rules)
    assert {r.kind for r in rows} == {SubjectKind.INDIVIDUAL, SubjectKind.COLLECTIVE}
    view = happ.show(db, None, None)
    assert view.persons is None and "persons" not in view.to_json()
    out = tmp_path / "bc.xlsx"
    report = happ.period_report(db, 2021, 2023, None, str(out), rules)
    assert (report.period, report.output, report.figures.units) == ("giai đoạn 2021–2023", str(out), 1)
    # The figures are typed; the JSON stays one flat object with the keys in this order.
    assert report.to_json() == {"period": "giai đoạn 2021–2023", "output": str(out),
                                **dataclasses.asdict(report.figures)}
    assert list(report.to_json()) == ["period", "output", "nominations", "units",
                                      "model_people", "model_collectives", "ranked_units"]


def test_the_cli_names_every_import_state():
    """addin.cli_history keys its labels by the states' values (it does not import the history
    modules at start): every state has its label."""
    from addin.cli_history import STATUS_LABEL

    assert set(STATUS_LABEL) == {s.value for s in ImportState}
    assert all(STATUS_LABEL[s] for s in ImportState)  # a StrEnum finds its value's label
