"""Issue 13 §2 (a Vietnamese interface) and issue 12 §7 (shared options once): `tdkt rules show`
reads as Vietnamese, English causes come after a Vietnamese sentence, options are defined once."""

from __future__ import annotations

import json
import re

import click
from click.testing import CliRunner

from addin.cli import cli
from addin.cli_vi import walk
from addin.io.rules_file import load_rules
from addin.io.rules_json import rules_as_json


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_rules_show_has_no_english_words_and_explains_the_mark_once():
    code, out = invoke("rules", "show")
    assert code == 0
    for english in ("headcount", "subunits", "floor", "half_up", "của titles", ">="):
        assert english not in out, english
    assert "quân số (làm tròn xuống)" in out and "từ 70 % số có mặt trở lên" in out
    assert out.count("CẦN KIỂM TRA") == 1  # said once, in the legend
    rules = load_rules()
    marked = [line for line in out.splitlines() if line.startswith("  ? ")]
    to_check = sum(not t.vote.verified for t in rules.titles.values())
    assert len(marked) > to_check  # one compact mark per rule still to check
    assert "  ? Chiến sĩ tiên tiến (CSTT): phiếu đồng ý" in out  # the title's name, then its code
    assert "Chiến sĩ tiên tiến → Chiến sĩ thi đua cơ sở" in out  # chains by name, not codes
    assert "CSTT → CSTDCS" not in out


def test_rules_json_lives_beside_the_rules_and_the_cli_uses_it():
    code, out = invoke("rules", "show", "--json")
    assert code == 0 and json.loads(out) == json.loads(json.dumps(rules_as_json(load_rules()),
                                                                  ensure_ascii=False))
    import addin.cli as cli_module

    assert not hasattr(cli_module, "rules_as_json") or \
        cli_module.rules_as_json.__module__ == "addin.io.rules_json"


def test_shared_options_are_defined_once():
    """--rules, --json, --db, --date, --jobs, --force: the same help and type everywhere."""
    seen: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for path in walk(cli):
        command: click.Command = cli
        for name in path:
            assert isinstance(command, click.Group)
            command = command.commands[name]
        for param in command.params:
            if isinstance(param, click.Option) and param.opts[0] in (
                    "--rules", "--json", "--date", "--jobs", "--force"):
                key = (param.opts[0], "")
                seen.setdefault(key, set()).add((param.help or "", repr(param.type)))
    assert set(k for k, _ in seen) == {"--rules", "--json", "--date", "--jobs", "--force"}
    assert all(len(variants) == 1 for variants in seen.values()), seen


def test_a_damaged_workbook_is_explained_in_vietnamese_first(tmp_path):
    bad = tmp_path / "hong.xlsx"
    bad.write_bytes(b"Ho ten,Danh hieu\nAn,CSTT\n")  # a CSV saved as .xlsx
    _, out = invoke("validate", str(bad), "--json")
    message = json.loads(out)["issues"][0]["message"]
    assert not message.endswith("(CalamineError)")
    head, _, cause = message.partition("(chi tiết kỹ thuật:")
    assert "không phải tệp Excel" in head and "lưu lại" in head and "CalamineError" in cause


def test_a_broken_rules_file_keeps_the_cause_after_the_vietnamese(tmp_path):
    rules = tmp_path / "r.toml"
    rules.write_text('[votes.basic]\nthreshold = "60%"\nthreshold = "70%"\n', encoding="utf-8")
    code, out = invoke("rules", "show", "--rules", str(rules))
    assert code == 2
    assert re.search(r"sai cú pháp TOML ở dòng 3, cột \d+ \(chi tiết kỹ thuật: .+\)", out), out


def test_a_file_that_is_not_a_history_database(tmp_path):
    db = tmp_path / "lich-su.sqlite"
    db.write_text("không phải cơ sở dữ liệu", encoding="utf-8")
    code, out = invoke("history", "show", "--db", str(db))
    assert code == 2
    head, _, cause = out.partition("(chi tiết kỹ thuật:")
    assert "không phải cơ sở dữ liệu lịch sử" in head and "not a database" in cause

