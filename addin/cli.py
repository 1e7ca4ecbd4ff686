"""`tdkt`: the command line (contracts.md §2). A thin front: parse, call addin.app, print."""

from __future__ import annotations

import atexit
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from addin import __version__, app
from addin.cli_common import emit_json as _emit_json
from addin.cli_common import rules_for as _rules
from addin.cli_errors import UsageProblem
from addin.cli_options import (
    date_option,
    force_option,
    jobs_option,
    json_option,
    rules_option,
    streaks_db_option,
)
from addin.cli_params import WORKBOOK
from addin.cli_vi import ViGroup
from addin.domain import labels as L
from addin.domain import vi_format as vi
from addin.domain.issues import Issue
from addin.domain.report_model import Report, Totals
from addin.domain.rules_text import rules_lines
from addin.io.covenant_file import covenant_lines
from addin.io.rules_json import rules_as_json
from addin.io.safe_files import describe, shown
from addin.io.xlsx_common import write_atomic

SEVERITY_LABEL = L.SEVERITY
STATUS_LABEL = {key: text.lower() for key, text in L.FILE_STATUS.items()}  # mid-sentence


@contextmanager
def _progress(total: int, label: str, quiet: bool) -> Iterator[Callable[[int], None] | None]:
    if quiet or total < 2 or not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update


def _location(issue: Issue) -> str:
    where = issue.sheet or ""
    if issue.column and issue.row:
        where += f"!{issue.column}{issue.row}"
    elif issue.row:
        where += f" dòng {issue.row}"
    return where


def _totals(totals: Totals) -> str:
    return (f"{vi.count(totals.files, 'tệp')}, {vi.count(totals.individuals, 'cá nhân')}, "
            f"{vi.count(totals.collectives, 'tập thể')}")


def _echo_issue(issue: Issue) -> None:
    where = _location(issue)
    click.echo(f"  [{SEVERITY_LABEL[issue.severity]}] {where + ' ' if where else ''}"
               f"({issue.code}): {issue.message}")


def _print_human(report: Report) -> None:
    by_file: dict[str | None, list[Issue]] = {}
    for issue in report.issues:
        by_file.setdefault(issue.file, []).append(issue)
    for f in report.files:
        head = f.path
        if f.unit:
            head += f" — {f.unit}"
        if f.period:
            head += f" — {f.period}"
        click.echo(f"{head}: {vi.count(f.individuals, 'cá nhân')}, "
                   f"{vi.count(f.collectives, 'tập thể')} — "
                   f"{STATUS_LABEL[f.status]}")
        for issue in by_file.pop(f.path, []):
            _echo_issue(issue)
    for file, issues in by_file.items():
        click.echo(file or L.WHOLE_CLUSTER)
        for issue in issues:
            _echo_issue(issue)
    counts = Counter(i.severity for i in report.issues)
    click.echo(f"Tổng: {_totals(report.totals)}; {vi.count(counts['error'], 'lỗi')}, "
               f"{vi.count(counts['warning'], 'cảnh báo')}, "
               f"{vi.count(counts['info'], 'thông tin')}.")


def _nothing(paths: list[str], what: str) -> str:
    """Why there is nothing to read; a folder of cluster folders points to `tdkt report`."""
    from addin.io.folders import folders_with_workbooks

    clusters = [f for p in paths for f in folders_with_workbooks(p)]
    if not clusters:
        return f"Không có bảng tính nào để {what}."
    names = ", ".join(shown(f.name) for f in clusters[:3]) + (", …" if len(clusters) > 3 else "")
    return (f"Không có bảng tính nào để {what} ngay trong thư mục đã chọn, nhưng các thư mục con "
            f"({names}) có: đó là thư mục của nhiều cụm, hãy dùng "
            f"tdkt report {shown(paths[0])} -o THƯ_MỤC_KẾT_QUẢ (hoặc chọn thư mục của một cụm).")


def _finish(outcome: app.Outcome, as_json: bool, what: str, paths: list[str]) -> None:
    report = outcome.report
    if as_json:
        _emit_json(report.to_json())
    else:
        if outcome.exit_code == app.EXIT_NOTHING and not report.files:
            click.echo(_nothing(paths, what), err=True)
        else:
            _print_human(report)
            if report.output:
                click.echo(f"Đã ghi: {report.output}")
    sys.exit(outcome.exit_code)


def _not_written(exc: app.OutputNotWritten, as_json: bool,
                 show: Callable[[Report], None]) -> None:
    """The work was done but not written (open in Excel…): still show what was found."""
    if as_json:
        _emit_json(exc.outcome.report.to_json())
    else:
        show(exc.outcome.report)
    raise UsageProblem(str(exc)) from exc


# ViGroup: click's own words (usage, errors) in Vietnamese for every command, added later too.
@click.group(cls=ViGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tdkt", message="%(prog)s, phiên bản %(version)s")
def cli() -> None:
    """tdkt — kiểm tra, tổng hợp báo cáo thi đua, khen thưởng từ các bảng tính Excel."""


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@rules_option
@json_option
@click.option("--strict", is_flag=True, help="Cảnh báo cũng tính là lỗi (mã thoát 1).")
@streaks_db_option
def validate(paths: tuple[str, ...], rules_path: str | None, as_json: bool, strict: bool,
             db: str | None) -> None:
    """Kiểm tra các bảng tính đơn vị (tệp hoặc thư mục)."""
    rules = _rules(rules_path, paths[0])
    files = app.workbook_files(list(paths), [])  # unlistable folders: reported by validate_paths
    with _progress(len(files), "Đang kiểm tra", as_json) as progress:
        outcome = app.validate_paths(list(paths), rules, strict, progress, db)
    _finish(outcome, as_json, "kiểm tra", list(paths))


def _maybe_pdf(path: str, force: bool) -> None:
    """The PDF is an extra: when it cannot be written, say so and keep the report's exit code
    and JSON (the workbook was written)."""
    from addin.io.libreoffice import LibreOfficeError, print_pdf

    try:
        produced = print_pdf(path, force)
        click.echo(shown(f"Đã xuất PDF: {produced}"), err=True)
    except FileExistsError as exc:
        click.echo(shown(f"Cảnh báo: không ghi đè {exc}: tệp PDF này không do tdkt in ra "
                         "(chọn tên khác, hoặc thêm --force)."), err=True)
    except (LibreOfficeError, OSError) as exc:
        click.echo(shown(f"Cảnh báo: không xuất được PDF: {exc}"), err=True)


@cli.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("-o", "--output", "out", required=True, type=WORKBOOK,
              help="Tệp báo cáo tổng hợp cụm (.xlsx).")
@rules_option
@json_option
@date_option
@click.option("--pdf", is_flag=True, help="Xuất thêm PDF để in (cần LibreOffice).")
@force_option
@streaks_db_option
def consolidate(folder: str, out: str, rules_path: str | None, as_json: bool, date: str | None,
                pdf: bool, force: bool, db: str | None) -> None:
    """Tổng hợp các bảng tính đơn vị trong một thư mục cụm thành báo cáo cụm."""
    rules = _rules(rules_path, folder)
    try:
        files = app.workbook_files([folder])
    except OSError as exc:
        raise UsageProblem(f"Không đọc được thư mục {folder}: {describe(exc)}") from exc
    try:
        with _progress(len(files), "Đang tổng hợp", as_json) as progress:
            outcome = app.consolidate_folder(folder, out, rules, date, progress, force, db)
    except app.OutputNotWritten as exc:
        _not_written(exc, as_json, _print_human)
    except app.RefusedOutput as exc:
        raise UsageProblem(str(exc)) from exc
    except OSError as exc:
        raise UsageProblem(f"Không ghi được {out}: {describe(exc)}") from exc
    if pdf and outcome.report.output:
        _maybe_pdf(out, force)
    _finish(outcome, as_json, "tổng hợp", [folder])


@cli.command()
@click.argument("root", type=click.Path(exists=True, file_okay=False))
@click.option("-o", "--output", "outdir", required=True, type=click.Path(file_okay=False),
              help="Thư mục ghi báo cáo các cụm và bản tổng hợp.")
@jobs_option
@rules_option
@json_option
@date_option
@force_option
@streaks_db_option
def report(root: str, outdir: str, jobs: int | None, rules_path: str | None, as_json: bool,
           date: str | None, force: bool, db: str | None) -> None:
    """Lập báo cáo cho mọi cụm (mỗi thư mục con là một cụm) và bản tổng hợp các cụm."""
    try:
        folders = app.cluster_folders(root)
    except OSError as exc:
        raise UsageProblem(f"Không đọc được thư mục {root}: {describe(exc)}") from exc
    # Fail early, in this process, on rules every cluster uses (--rules, ROOT's own file); a
    # cluster's own broken tdkt-rules.toml is an issue of that cluster, the others go on.
    _rules(app.cluster_rules(root, root, rules_path))
    try:
        with _progress(len(folders), "Đang lập báo cáo", as_json) as progress:
            outcome = app.report_root(root, outdir, rules_path, jobs, date, progress, force, db)
    except app.OutputNotWritten as exc:
        _not_written(exc, as_json, _print_report)
    except app.RefusedOutput as exc:
        raise UsageProblem(str(exc)) from exc
    except OSError as exc:
        raise UsageProblem(f"Không ghi được vào {outdir}: {describe(exc)}") from exc
    if as_json:
        _emit_json(outcome.report.to_json())
        sys.exit(outcome.exit_code)
    if not outcome.report.files:
        click.echo("Không có cụm nào có bảng tính để lập báo cáo.", err=True)
        if app.workbook_files([root]):  # ROOT is itself one cluster's folder
            click.echo(shown(f"{root} chứa bảng tính của đơn vị: đó là thư mục của một cụm, hãy "
                             f"dùng tdkt consolidate {root} -o BAO_CAO.xlsx."), err=True)
        sys.exit(outcome.exit_code)
    _print_report(outcome.report)
    sys.exit(outcome.exit_code)


def _print_report(report: Report) -> None:
    for cluster in report.clusters or ():
        click.echo(f"{cluster.name}: {cluster.output}")
    for name in report.empty_clusters or ():
        click.echo(f"{name}: thư mục không có bảng tính nào — không lập báo cáo cho cụm này.")
    errors = [i for i in report.issues if i.severity == "error"]
    if not report.rollup:  # not written: the errors are all the user gets
        for issue in errors:
            click.echo(f"  [{SEVERITY_LABEL['error']}] {issue.file or L.WHOLE_CLUSTER} "
                       f"{_location(issue)} ({issue.code}): {issue.message}")
    click.echo(f"Tổng: {_totals(report.totals)}; {vi.count(len(errors), 'lỗi')}.")
    if report.rollup:
        click.echo(f"Bản tổng hợp các cụm: {report.rollup}")


@cli.group()
def template() -> None:
    """Ghi mẫu trống (đơn vị hoặc cụm)."""


def _write_output(out: str, data: Callable[[], bytes], force: bool) -> None:
    """Write a template, refusing to replace a file tdkt did not write; disk problems (read-only,
    full) are messages, not tracebacks."""
    try:
        app.check_overwrite([Path(out)], force)
        write_atomic(out, data())
    except app.RefusedOutput as exc:
        raise UsageProblem(str(exc)) from exc
    except OSError as exc:
        raise UsageProblem(f"Không ghi được {out}: {describe(exc)}") from exc


@template.command("unit")
@click.option("-o", "--output", "out", required=True, type=WORKBOOK)
@rules_option
@force_option
def template_unit(out: str, rules_path: str | None, force: bool) -> None:
    """Mẫu báo cáo của đơn vị (có danh sách chọn, công thức tự tính)."""
    from addin.io.unit_template import unit_workbook_bytes

    rules = _rules(rules_path)
    _write_output(out, lambda: unit_workbook_bytes(rules), force)
    click.echo(shown(f"Đã ghi mẫu đơn vị: {out}"))


@template.command("cluster")
@click.option("-o", "--output", "out", required=True, type=WORKBOOK)
@rules_option
@force_option
def template_cluster(out: str, rules_path: str | None, force: bool) -> None:
    """Mẫu báo cáo tổng hợp của cụm (trống)."""
    from addin.io.cluster_template import cluster_template_bytes

    rules = _rules(rules_path)
    _write_output(out, lambda: cluster_template_bytes(rules), force)
    click.echo(shown(f"Đã ghi mẫu cụm: {out}"))


@cli.group("rules")
def rules_group() -> None:
    """Bộ quy tắc (ngưỡng phiếu, tỷ lệ xét tặng, danh hiệu)."""


@rules_group.command("show")
@rules_option
@json_option
def rules_show(rules_path: str | None, as_json: bool) -> None:
    """In bộ quy tắc đang áp dụng, kèm nguồn và mức kiểm chứng của từng mức."""
    rules = _rules(rules_path)
    if as_json:
        _emit_json(rules_as_json(rules))
        return
    for line in rules_lines(rules, shown(rules_path) if rules_path else ""):
        click.echo(line)
    for line in covenant_lines(rules.covenant):
        click.echo(line)


@cli.command()
@click.option("-o", "--output", "out", default="tdkt-demo", show_default=True,
              type=click.Path(file_okay=False), help="Thư mục ghi dữ liệu mẫu và kết quả.")
def demo(out: str) -> None:
    """Tạo cụm thi đua mẫu rồi chạy tổng hợp và lập báo cáo trên đó."""
    try:
        _demo(out)
    except app.RefusedOutput as exc:
        raise UsageProblem(str(exc)) from exc
    except OSError as exc:  # a read-only or full disk: a message, not a traceback
        raise UsageProblem(f"Không ghi được dữ liệu mẫu vào {out}: {describe(exc)}") from exc


def _demo(out: str) -> None:
    from addin.demo import write_demo
    from addin.demo_history import run as demo_reports

    rules = _rules(None)
    root = Path(out)
    clusters = write_demo(root / "cac-cum", rules)
    done = demo_reports(root, rules)  # the history first: the cluster reports store their ranks
    consolidated, results = done.consolidated, root / "ket-qua"
    click.echo(shown(f"Cụm mẫu: {clusters[0]} ({len(consolidated.files)} tệp)"))
    severities = Counter(i.severity for i in consolidated.issues)
    click.echo(shown(f"  tổng hợp: {consolidated.output} — {consolidated.totals.individuals} "
                     f"cá nhân, {severities['error']} lỗi, {severities['warning']} cảnh báo "
                     "(dữ liệu mẫu cố ý có lỗi)"))
    click.echo(f"  lập báo cáo {len(clusters)} cụm: {done.rolled.rollup}")
    click.echo(shown(f"  lịch sử 2019–2024: {done.files} tệp vào {done.db}; "
                     f"{len(done.claims)} khai man số năm liên tục; "
                     f"{len(done.eligible)} đủ điều kiện năm 2024; "
                     f"báo cáo đại hội: {done.report} (xếp hạng thi đua của "
                     f"{done.figures.ranked_units} đơn vị)"))
    click.echo(shown(f"Xem kết quả trong thư mục {results}"))


from addin.cli_history import history  # noqa: E402  (needs the helpers above)

cli.add_command(history)


def _utf8_streams() -> None:
    """Vietnamese text must survive `tdkt … > file` on Windows, where a pipe or file gets the ANSI
    code page (cp1252 cannot encode "ồ"): always write UTF-8, whatever the console."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8")


def main() -> None:
    _utf8_streams()
    try:
        cli(prog_name="tdkt")
    except SystemExit as done:
        _leave(done.code)


def _leave(code: object) -> None:
    """End the process without tearing the interpreter down: every output is written and
    closed by now, and freeing a large run's records one by one took 0.03-0.05 s of the
    command's time (mypy ends the same way). Streams are flushed and exit handlers (the
    reading workers' pool) run first."""
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:  # none at all under pythonw or a scheduled task
                stream.flush()
        except (OSError, ValueError):  # a closed pipe: the exit status still says how it went
            code = code or 1
    atexit._run_exitfuncs()
    os._exit(code or 0)


if __name__ == "__main__":
    main()
