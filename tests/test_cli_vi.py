"""click's own words reach the user in Vietnamese: every command's help and each kind of error."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from addin.cli import cli
from addin.cli_vi import ViGroup, walk

# English that click writes by itself (help layout, built-in options, placeholders, errors).
CLICK_ENGLISH = (
    "Usage", "Options", "Commands", "Arguments", "Error:", "Missing", "Invalid value",
    "does not exist", "is a file", "is a directory", "not readable", "not writable",
    "Show this message", "Show the version", "and exit", "No such", "Try '", "for help",
    "Got unexpected", "extra argument", "requires an argument", "does not take a value",
    "is not a valid", "not in the range", "Did you mean", "Possible options", "default:",
    "required", "env var", "Aborted", ", version", "Choose from",
)
CLICK_PLACEHOLDERS = ("OPTIONS", "COMMAND", "ARGS", "TEXT", "PATH", "PATHS", "FILE", "DIRECTORY",
                      "INTEGER", "FLOAT", "RANGE", "BOOLEAN", "FOLDER", "ROOT", "FILENAME")


def english_in(text: str) -> list[str]:
    found = [p for p in CLICK_ENGLISH if p in text]
    found += [w for w in CLICK_PLACEHOLDERS if re.search(rf"\b{w}\b", text)]
    return found


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), prog_name="tdkt")
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit), result.exception
    return result.exit_code, result.output


COMMANDS = [path for path in walk(cli)]


def test_the_tree_is_walked():
    assert ("consolidate",) in COMMANDS and ("template", "unit") in COMMANDS
    assert () in COMMANDS


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "tdkt")
@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_every_help_is_vietnamese(path, flag):
    code, out = run(*path, flag)
    assert code == 0
    assert "Cách dùng: tdkt" in out
    assert "Hiện hướng dẫn này rồi thoát." in out
    assert english_in(out) == [], out


def test_root_help_lists_commands_and_version():
    code, out = run()
    assert code == 2  # click's: a group called without a command shows its help
    assert "Lệnh:" in out and "Tùy chọn:" in out and english_in(out) == []
    code, out = run("--version")
    assert code == 0 and "tdkt, phiên bản" in out and english_in(out) == []


ERRORS = {
    "no command": (["template"], "Lệnh:"),
    "unknown command": (["bogus"], "Không có lệnh 'bogus'."),
    "close command": (["consolida"], "Có phải ý là 'consolidate'?"),
    "unknown subcommand": (["template", "bogus"], "Không có lệnh 'bogus'."),
    "missing argument": (["consolidate"], "Thiếu tham số 'THƯ_MỤC_CỤM'."),
    "missing arguments": (["validate"], "Thiếu tham số 'ĐƯỜNG_DẪN...'."),
    "missing option": (["consolidate", "{dir}"], "Thiếu tùy chọn '-o' / '--output'."),
    "missing directory": (["consolidate", "{dir}/khong-co", "-o", "x.xlsx"],
                          "Thư mục '{dir}/khong-co' không tồn tại."),
    "file for directory": (["consolidate", "{file}", "-o", "x.xlsx"], "là một tệp, cần một thư mục"),
    "directory for file": (["template", "unit", "-o", "{dir}/thu-muc.xlsx"],
                           "là một thư mục, cần một tệp"),
    "option without value": (["consolidate", "{dir}", "-o"], "Tùy chọn '-o' cần một giá trị"),
    "extra argument": (["consolidate", "{dir}", "-o", "x.xlsx", "thua"],
                       "Thừa tham số không dùng đến: thua."),
    "extra arguments": (["rules", "show", "a", "b"], "Thừa tham số không dùng đến: a b."),
    "not an integer": (["report", "{dir}", "-o", "{dir}/out", "-j", "abc"],
                       "'abc' không phải một số nguyên."),
    "out of range": (["report", "{dir}", "-o", "{dir}/out", "-j", "0"],
                     "0 nằm ngoài khoảng cho phép (từ 1 trở lên)."),
    "unknown option": (["validate", "--bogus", "x"], "Không có tùy chọn '--bogus'."),
    "close option": (["validate", "--jsn", "x"], "Có phải ý là '--json'?"),
    "unknown root option": (["--bogus"], "Không có tùy chọn '--bogus'."),
    "flag with value": (["validate", "--json=1", "x"], "Tùy chọn '--json' không nhận giá trị."),
    "our own usage problem": (["rules", "show", "--rules", "{file}"], "Lỗi: Bộ quy tắc"),
}


@pytest.mark.parametrize("kind", ERRORS)
def test_every_click_error_is_vietnamese(kind, tmp_path):
    args, expected = ERRORS[kind]
    (tmp_path / "a.txt").write_text("không phải TOML = = =", encoding="utf-8")
    (tmp_path / "thu-muc.xlsx").mkdir()
    args = [a.format(dir=tmp_path, file=tmp_path / "a.txt") for a in args]
    code, out = run(*args)
    assert code == 2, out  # click's usage exit code is kept
    assert expected.format(dir=tmp_path) in out, out
    assert english_in(out) == [], out
    if kind not in ("no command",):
        assert "Lỗi: " in out


def test_usage_errors_show_usage_and_where_help_is():
    code, out = run("consolidate")
    assert "Cách dùng: tdkt consolidate [TÙY_CHỌN] THƯ_MỤC_CỤM" in out
    assert "Xem hướng dẫn: tdkt consolidate --help" in out


def test_commands_added_later_by_other_modules_are_vietnamese(tmp_path):
    """A plain click group defined elsewhere and added with add_command gets the same treatment."""

    @click.group(cls=ViGroup, context_settings={"help_option_names": ["-h", "--help"]})
    def root() -> None:
        """Gốc."""

    @click.group("history")
    def history() -> None:
        """Lịch sử."""

    @history.command("import")
    @click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
    @click.option("--db", type=click.Path(dir_okay=False), help="Tệp dữ liệu.")
    @click.option("--year", type=click.IntRange(2000, 2100), required=True)
    def import_(paths: tuple[str, ...], db: str | None, year: int) -> None:
        """Nhập."""

    root.add_command(history)
    runner = CliRunner()
    help_out = runner.invoke(root, ["history", "import", "-h"], prog_name="tdkt").output
    assert "Cách dùng: tdkt history import [TÙY_CHỌN] ĐƯỜNG_DẪN..." in help_out
    assert "--db TỆP" in help_out and "--year NĂM" in help_out
    assert "[từ 2000 đến 2100; bắt buộc]" in help_out
    assert english_in(help_out) == [], help_out
    result = runner.invoke(root, ["history", "import", str(tmp_path / "x")], prog_name="tdkt")
    assert result.exit_code == 2
    assert "Đường dẫn" in result.output and "không tồn tại" in result.output
    assert english_in(result.output) == [], result.output
    result = runner.invoke(root, ["history", "import", str(tmp_path), "--year", "1990"],
                           prog_name="tdkt")
    assert "1990 nằm ngoài khoảng cho phép (từ 2000 đến 2100)" in result.output
    assert english_in(result.output) == [], result.output


def test_ctrl_c_is_said_in_vietnamese():
    @click.group(cls=ViGroup)
    def root() -> None:
        """Gốc."""

    @root.command()
    def wait() -> None:
        raise KeyboardInterrupt

    result = CliRunner().invoke(root, ["wait"])
    assert result.exit_code == 1
    assert "Đã dừng theo yêu cầu" in result.output and english_in(result.output) == []


def test_write_refused_is_vietnamese(tmp_path):
    Path(tmp_path / "cum").mkdir()
    blocker = tmp_path / "tep"
    blocker.write_text("x", encoding="utf-8")
    # the output's folder is a file: the OS refuses, the user reads Vietnamese first
    code, out = run("consolidate", str(tmp_path / "cum"), "-o", str(blocker / "bao-cao.xlsx"))
    assert code == 2
    assert english_in(out) == [], out


def test_human_totals_are_written_the_vietnamese_way(capsys):
    from addin.cli import _print_human
    from addin.domain.cluster import FileState
    from addin.domain.report_model import FileEntry, Report, Totals

    files = tuple(FileEntry(path=f"u{i}.xlsx", unit=f"Đơn vị {i}", period="Năm 2024",
                            status=FileState.OK, sha256="0" * 64, individuals=24000,
                            collectives=1250) for i in range(2))
    _print_human(Report(files=files, totals=Totals(2, 48000, 2500)))
    out = capsys.readouterr().out
    assert "u0.xlsx — Đơn vị 0 — Năm 2024: 24.000 cá nhân, 1.250 tập thể — hợp lệ" in out
    assert "Tổng: 2 tệp, 48.000 cá nhân, 2.500 tập thể; 0 lỗi, 0 cảnh báo, 0 thông tin." in out


def test_own_messages_are_left_as_written():
    class Refused(click.ClickException):
        exit_code = 2

    @click.group(cls=ViGroup)
    def root() -> None:
        """Gốc."""

    @root.command()
    def go() -> None:
        # English cause after the Vietnamese sentence, shaped like one of click's messages
        raise Refused("Không đọc được tệp quy tắc: key is not valid.")

    result = CliRunner().invoke(root, ["go"])
    assert result.exit_code == 2
    assert result.output == "Lỗi: Không đọc được tệp quy tắc: key is not valid.\n"


def test_unknown_click_english_keeps_its_words_after_a_vietnamese_sentence():
    @click.group(cls=ViGroup)
    def root() -> None:
        """Gốc."""

    @root.command()
    def go() -> None:
        raise click.UsageError("Something new in a future click.")

    result = CliRunner().invoke(root, ["go"])
    assert result.exit_code == 2
    assert "Lỗi: Lệnh gọi không hợp lệ (chi tiết: Something new in a future click.)" in result.output


def test_messages_read_numbers_and_rules_the_vietnamese_way():
    demo = Path(__file__).resolve().parents[1] / "workbooks" / "demo" / "cum-thi-dua-so-3"
    code, out = run("validate", str(demo))
    assert code == 1
    assert "(36,36 %; Chiến sĩ tiên tiến cần từ 50 % số có mặt trở lên)" in out
    assert "(5/10 có mặt, cần từ 2/3 trở lên)" in out
    assert "không quá 10 % của 74 = 7" in out
    assert ">=" not in out and "36.36" not in out and "10%" not in out

