"""`tdkt history import|show|eligible|report` (contracts.md §7): a thin front over
addin.history_app. The database is --db F, else $TDKT_DB, else tdkt-lich-su.sqlite here."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from addin import app
from addin.cli_common import emit_json as _emit_json
from addin.cli_common import rules_for as _rules
from addin.cli_errors import UsageProblem
from addin.cli_options import force_option, history_db_option, json_option, rules_option
from addin.domain import labels as L
from addin.domain.errors import TdktError
from addin.domain.vi_format import title_name
from addin.io.safe_files import describe
from addin.io.xlsx_common import write_atomic

# By history_model.ImportState (a StrEnum: its values are these keys). The history modules are
# imported by the history commands only: other commands start without them (sqlite3 too).
STATUS_LABEL = {"imported": "đã nhập", "replaced": "đã nhập, thay tệp cũ",
                "unchanged": "không đổi (đã có)",
                "unreadable": L.FILE_STATUS["unreadable"].lower(),
                "skipped": "không nhập được"}


T = TypeVar("T")


def _guard(action: Callable[[], T]) -> T:
    try:
        return action()
    except TdktError as exc:  # the database, --db or -o: one Vietnamese sentence
        raise UsageProblem(str(exc)) from exc


def _writing(out: str, action: Callable[[], T]) -> T:
    """An action that writes `out`: a disk problem (read-only, full, a file where a folder
    should be) is a sentence, as for every other tdkt output."""
    try:
        return _guard(action)
    except OSError as exc:
        raise UsageProblem(f"Không ghi được {out}: {describe(exc)}") from exc


def _writable(out: str | None, force: bool) -> None:
    """As every tdkt output: never over a file tdkt did not write, unless --force."""
    if out:
        _guard(lambda: app.check_overwrite([Path(out)], force))


@click.group("history")
def history() -> None:
    """Lịch sử thi đua qua các kỳ: nhập, tra cứu, danh sách đủ điều kiện, báo cáo giai đoạn."""


@history.command("import")
@click.argument("paths", nargs=-1, required=True)
@history_db_option
@rules_option
@json_option
def import_cmd(paths: tuple[str, ...], db: str, rules_path: str | None, as_json: bool) -> None:
    """Nhập bảng tính đơn vị, thư mục cụm vào cơ sở dữ liệu lịch sử."""
    from addin import history_app as happ

    rules = _rules(rules_path, paths[0])
    result = _guard(lambda: happ.import_paths(list(paths), db, rules))
    if as_json:
        _emit_json(result.to_json())
        sys.exit(result.exit_code)
    if not result.files:
        click.echo("Không có bảng tính nào để nhập.", err=True)
    for f in result.files:
        head = f.path + (f" — {f.unit}" if f.unit else "") + (f" — {f.period}" if f.period else "")
        extra = f" (thay {f.replaced})" if f.replaced else ""
        click.echo(f"{head}: {STATUS_LABEL[f.status]}{extra}")
    for issue in result.issues:
        click.echo(f"  {issue.file} ({issue.code}): {issue.message}")
    click.echo(f"Cơ sở dữ liệu: {db}")
    sys.exit(result.exit_code)


@history.command("show")
@history_db_option
@click.option("--unit", help="Chỉ đơn vị này.")
@click.option("--person", help="Danh hiệu qua các năm của người này (họ tên hoặc số hiệu).")
@rules_option
@json_option
def show_cmd(db: str, unit: str | None, person: str | None, rules_path: str | None,
             as_json: bool) -> None:
    """Cơ sở dữ liệu đang có gì: các kỳ, các đơn vị, danh hiệu của một người theo năm."""
    from addin import history_app as happ

    view = _guard(lambda: happ.show(db, unit, person))
    if as_json:  # the JSON keeps the codes (the contract)
        _emit_json(view.to_json())
        return
    rules = _rules(rules_path)  # titles by their names, as every other output shows them
    click.echo(f"Cơ sở dữ liệu {db} (phiên bản {view.schema_version})")
    for p in view.periods:
        click.echo(f"  {p.period}: {p.files} tệp")
    for u in view.units:
        state = "" if u.in_force else " (đã bị thay)"
        click.echo(f"  {u.unit} — {u.period}: {u.file}{state}")
    for r in view.replacements:
        click.echo(f"  Thay tệp {r.unit} — {r.period}: {r.old} → {r.new} ({r.at})")
    if person and not view.persons:
        click.echo(f"Không tìm thấy ai có họ tên hoặc số hiệu “{person}” trong cơ sở dữ liệu "
                   "(kiểm tra chính tả, hoặc nhập kỳ có người này bằng tdkt history import).")
    for someone in view.persons or ():
        who = someone.name + (f", số hiệu {someone.service_no}" if someone.service_no else "") \
            + (f", sinh {someone.birth_year}" if someone.birth_year else "")
        click.echo(who)
        for t in someone.titles:
            click.echo(f"  {t.period}: {title_name(rules, t.title)} ({t.unit}) — "
                       f"{'đạt' if t.passed else 'không đạt'}")


@history.command("eligible")
@click.option("--year", "year", type=int, required=True, help="Năm đề nghị.")
@history_db_option
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False), help="Ghi bảng tính .xlsx.")
@rules_option
@json_option
@force_option
def eligible_cmd(year: int, db: str, out: str | None, rules_path: str | None,
                 as_json: bool, force: bool) -> None:
    """Ai đủ số năm liên tục để được đề nghị danh hiệu tiếp theo trong năm Y."""
    from addin import history_app as happ
    from addin.domain.history_model import EligibleList

    rules = _rules(rules_path)
    _writable(out, force)
    found = EligibleList(year, _guard(lambda: happ.eligible_list(db, year, rules)), out)
    if out:
        from addin.io.history_sheets import eligible_workbook_bytes

        _writing(out, lambda: write_atomic(out, eligible_workbook_bytes(found.rows, year, rules)))
    if as_json:
        _emit_json(found.to_json())
        return
    for r in found.rows:  # the title held by its name, as in the workbook; the JSON keeps codes
        click.echo(f"{r.award_name}: {r.name} ({r.unit}) — {title_name(rules, r.requires)} các năm "
                   f"{', '.join(str(y) for y in r.years)}"
                   + ("" if r.verified else " [quy tắc CẦN KIỂM TRA]"))
    click.echo(f"Tổng: {len(found.rows)} đề nghị đủ điều kiện năm {year}.")
    if out:
        click.echo(f"Đã ghi: {out}")


@history.command("report")
@click.option("--from", "year_from", type=int, required=True, help="Năm đầu.")
@click.option("--to", "year_to", type=int, required=True, help="Năm cuối.")
@click.option("--cluster", help="Chỉ cụm thi đua này.")
@history_db_option
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False))
@rules_option
@force_option
def report_cmd(year_from: int, year_to: int, cluster: str | None, db: str, out: str,
               rules_path: str | None, force: bool) -> None:
    """Báo cáo giai đoạn (Đại hội Thi đua Quyết thắng), hoặc một năm khi --from = --to."""
    from addin import history_app as happ

    if year_to < year_from:
        raise UsageProblem("--to phải từ --from trở đi")
    rules = _rules(rules_path)
    _writable(out, force)
    written = _writing(
        out, lambda: happ.period_report(db, year_from, year_to, cluster, out, rules))
    click.echo(f"Đã ghi báo cáo {written.period}: {out} ({written.figures.nominations} đề nghị)")
