"""The product's jobs, independent of any front: validate, consolidate a cluster, report many.

The CLI, the macros and the tests call these; each returns data (an Outcome: the typed Report,
whose `to_json()` is the JSON of contracts.md §3, and an exit code) and never prints.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from addin.collector import collector_paused
from addin.domain import vi_format as vi
from addin.domain.cluster import ClusterResult, consolidate
from addin.domain.errors import TdktError
from addin.domain.issues import Code, Issue, make_issue
from addin.domain.models import UnitWorkbook
from addin.domain.report_model import ClusterOutput, Report
from addin.domain.rules import Rules
from addin.io.covenant_file import cluster_rules_checked
from addin.io.folders import read_all, subfolders
from addin.io.folders import workbook_files as workbook_files  # the CLI counts files with it
from addin.io.output_set import commit, staged_path, write_outputs
from addin.io.report import ReportMeta, cluster_report_bytes
from addin.io.rollup import ClusterSummary, rollup_bytes
from addin.io.rules_file import load_rules, rules_beside
from addin.io.safe_files import describe, shown
from addin.io.sandbox import prepare_worker
from addin.io.xlsx_common import write_atomic, written_by_tdkt

if TYPE_CHECKING:  # the history database is loaded only with --db
    from addin.ranking_history import StoredRanking

Progress = Callable[[int], None]
ROLLUP_NAME = "tong-hop-cac-cum.xlsx"
EXIT_OK, EXIT_ERRORS, EXIT_NOTHING = 0, 1, 2


class RefusedOutput(TdktError, ValueError):
    """The output would overwrite or land among the inputs."""


class OutputNotWritten(TdktError):
    """The work was done but its output could not be written (open in Excel…): `outcome`
    still holds what was found, for the user to read."""

    def __init__(self, problem: TdktError, outcome: Outcome) -> None:
        super().__init__(problem.message, problem.cause)
        self.outcome = outcome


class MissingInput(TdktError):
    """A path the user named is not there."""


def check_inputs(paths: list[str]) -> None:
    """Refuse paths that do not exist, naming each (exit 2 at the command line)."""
    missing = [shown(p) for p in paths if not os.path.lexists(p)]
    if missing:
        raise MissingInput(f"không tìm thấy {', '.join(missing)}: kiểm tra lại đường dẫn "
                           "(tên thư mục, tên tệp, ổ đĩa)")


@dataclass(frozen=True, slots=True)
class Outcome:
    """What validate, consolidate and report did: the fronts read the Report's fields, and print
    `report.to_json()` for --json (contracts.md §3); the history jobs return their own types
    (addin.domain.history_model)."""

    report: Report
    exit_code: int


# ----------------------------------------------------------------------------------------------
def report_of(results: list[ClusterResult], rules: Rules, output: str | None,
              extra_issues: list[Issue] | None = None) -> Report:
    """The Report of some cluster results; its `to_json()` is the JSON of contracts.md §3."""
    return Report.merge([Report.of(r, rules) for r in results], rules, output, extra_issues or ())


# ----------------------------------------------------------------------------------------------
_DATE_PATTERNS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S")


def parse_date(text: str) -> dt.date | None:
    text = text.strip()
    for pattern in _DATE_PATTERNS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def report_date(result: ClusterResult, given: str | None) -> str:
    """The date printed on a report: as given, else the latest "Ngày lập" of the inputs (so the
    same inputs give the same bytes on any day)."""
    if given:
        return given
    dates = [d for b in result.counted_books if (d := parse_date(b.info.prepared_on))]
    return max(dates).strftime("%d/%m/%Y") if dates else ""


def meta_for(result: ClusterResult, rules: Rules, date: str | None,
             fallback_cluster: str = "") -> ReportMeta:
    return ReportMeta(cluster=result.cluster_name or fallback_cluster, period=result.period,
                      date=report_date(result, date),
                      rules_label=vi.rules_book_name(rules), details=rules.report)


def check_output(out: Path, inputs: list[Path]) -> None:
    """Refuse an output that is an input, or sits inside an input folder."""
    target = out.resolve()
    for given in inputs:
        source = given.resolve()
        if target == source:
            raise RefusedOutput(f"tệp kết quả {out} trùng với tệp đầu vào")
        if source.is_dir() and source in target.parents:
            raise RefusedOutput(f"tệp kết quả {out} nằm trong thư mục đầu vào {given}")


def check_overwrite(outputs: list[Path], force: bool) -> None:
    """Refuse to replace an existing file tdkt did not write (a user's own workbook given as
    -o by mistake), unless forced. An empty file holds nothing to lose."""
    for out in outputs:
        if force or not os.path.lexists(out):
            continue
        if out.is_file() and (out.stat().st_size == 0 or written_by_tdkt(out)):
            continue
        raise RefusedOutput(f"{shown(out)} đã tồn tại và không phải tệp do tdkt tạo ra: không ghi "
                            "đè (chọn tên khác, hoặc thêm --force nếu chắc chắn muốn ghi đè)")


# ----------------------------------------------------------------------------------------------
def _consolidate(books: list[UnitWorkbook], rules: Rules, db: str | None,
                 whole_cluster: bool = True, one_cluster: bool = False) -> ClusterResult:
    """consolidate, with the declared streaks checked against the history database (--db)."""
    if not db:
        return consolidate(books, rules, whole_cluster=whole_cluster, one_cluster=one_cluster)
    from addin.history_app import streak_history

    return consolidate(books, rules, streak_history(books, rules, db), whole_cluster,
                       one_cluster)


def _read(files: list[tuple[Path, str]], rules: Rules, db: str | None,
          progress: Progress | None = None, jobs: int | None = None) -> list[UnitWorkbook]:
    """Read the files, each reading worker judging its books too (in parallel), except with a
    history database: the streaks of every book are looked up at once, then judged here."""
    return read_all(files, progress, jobs, rules=None if db else rules)


def _store_ranking(db: str | None, result: ClusterResult, rules: Rules) -> None:
    """With --db, the cluster's scores and ranks are kept with the period (contracts.md §8)."""
    if db:
        from addin.ranking_history import store_ranking

        store_ranking(db, result, rules)


@collector_paused()
def validate_paths(paths: list[str], rules: Rules, strict: bool = False,
                   progress: Progress | None = None, db: str | None = None) -> Outcome:
    check_inputs(paths)
    unlisted: list[tuple[str, str]] = []
    files = workbook_files(paths, unlisted)
    listing = [make_issue(Code.UNREADABLE_FILE, f"không đọc được thư mục ({why})", file=folder)
               for folder, why in unlisted]
    if not files:
        return Outcome(report_of([], rules, None, listing),
                       EXIT_ERRORS if listing else EXIT_NOTHING)
    # Files are checked one by one: cluster-wide checks belong to consolidation.
    result = _consolidate(_read(files, rules, db, progress), rules, db, whole_cluster=False)
    report = report_of([result], rules, None, listing)
    severities = report.severities()
    failed = "error" in severities or (strict and "warning" in severities)
    return Outcome(report, EXIT_ERRORS if failed else EXIT_OK)


@collector_paused()
def consolidate_folder(folder: str, out: str, rules: Rules, date: str | None = None,
                       progress: Progress | None = None, force: bool = False,
                       db: str | None = None) -> Outcome:
    check_inputs([folder])
    check_output(Path(out), [Path(folder)])
    check_overwrite([Path(out)], force)
    files = workbook_files([folder])
    if not files:
        return Outcome(Report(), EXIT_NOTHING)
    result = _consolidate(_read(files, rules, db, progress), rules, db)
    data = cluster_report_bytes(result, rules, meta_for(result, rules, date,
                                                         shown(Path(folder).name)))
    try:
        write_outputs({Path(out): data})
    except TdktError as exc:
        raise OutputNotWritten(exc, Outcome(report_of([result], rules, None),
                                            EXIT_NOTHING)) from exc
    _store_ranking(db, result, rules)  # once the report stands: no ranks of a run that failed
    return Outcome(report_of([result], rules, shown(out)),
                   EXIT_ERRORS if result.has_errors else EXIT_OK)


# ----------------------------------------------------------------------------------------------
_UNSAFE_NAME = re.compile(r"[^\w\-. ]+", re.UNICODE)


def report_name(folder_name: str) -> str:
    """A safe output file name for a cluster folder (no separators, no leading dots)."""
    cleaned = _UNSAFE_NAME.sub("_", folder_name).strip(" ._") or "cum"
    return f"{cleaned}.xlsx"


@dataclass(frozen=True)
class ClusterJob:
    """What one cluster's job sends back to `report_root`."""

    report: Report
    summary: ClusterSummary | None
    failed: bool
    ranking: StoredRanking | None = None  # with --db: stored by the parent, in folder order


@collector_paused()
def _cluster_job(folder: str, out: str, rules_path: str | None, date: str | None,
                 db: str | None = None, write_to: str | None = None, read_jobs: int = 1
                 ) -> ClusterJob:
    """One cluster, in a worker process: read (with `read_jobs` reading workers: the cores the
    clusters leave free), consolidate, write (to `write_to`, where the report waits to be
    renamed to `out` with the others); return what the roll-up and the JSON need (the records
    themselves stay in the worker), and with --db the ranking the parent stores."""
    rules, bad_covenant = cluster_rules_checked(rules_path, folder)  # the folder's covenant
    try:
        files = workbook_files([folder])
    except OSError as exc:  # the folder cannot be listed: say so, the other clusters go on
        issue = make_issue(Code.UNREADABLE_FILE, f"không đọc được thư mục ({describe(exc)})",
                           file=shown(folder))
        return ClusterJob(Report(issues=(issue,)), None, True)
    if not files:
        return ClusterJob(Report(), None, False)
    # A subfolder of ROOT is one cluster by contract.
    result = _consolidate(_read(files, rules, db, jobs=read_jobs), rules, db, one_cluster=True)
    result = replace(result, cluster_issues=(*result.cluster_issues, *bad_covenant))
    ranking = None
    if db:
        from addin.ranking_history import ranking_of

        ranking = ranking_of(result, rules)
    name = shown(Path(folder).name)
    meta = meta_for(result, rules, date, name)
    # The rows are made ahead in a forked child only where a core is free (`read_jobs`).
    write_atomic(write_to or out, cluster_report_bytes(result, rules, meta,
                                                       ahead=read_jobs > 1))
    summary = ClusterSummary.of(name, shown(out), result, rules, meta)
    return ClusterJob(Report.of(result, rules, shown(out)), summary, result.has_errors, ranking)


def cluster_rules(root: str, folder: str | Path, explicit: str | None) -> str | None:
    """The rules file of one cluster of `tdkt report`: --rules, else the cluster folder's own
    tdkt-rules.toml, else the one in ROOT, else none (the shipped book)."""
    found = explicit or rules_beside(folder) or rules_beside(root)
    return str(found) if found else None


def cluster_folders(root: str) -> list[Path]:
    return subfolders(root)


@collector_paused()
def report_root(root: str, outdir: str, rules_path: str | None, jobs: int | None = None,
                date: str | None = None, progress: Progress | None = None,
                force: bool = False, db: str | None = None) -> Outcome:
    """`rules_path` is --rules; without it each cluster uses its own folder's rules file."""
    rules = load_rules(cluster_rules(root, root, rules_path))  # the roll-up's
    out_dir = Path(outdir)
    check_output(out_dir / ROLLUP_NAME, [Path(root)])
    folders = cluster_folders(root)
    if not folders:
        return Outcome(Report(), EXIT_NOTHING)
    out_dir.mkdir(parents=True, exist_ok=True)
    workers = max(1, min(jobs or os.cpu_count() or 1, len(folders)))
    read_jobs = max(1, (jobs or os.cpu_count() or 1) // workers)  # fewer clusters than cores
    jobs_done: list[ClusterJob] = []
    outputs = [str(out_dir / report_name(f.name)) for f in folders]
    if len(set(outputs)) != len(outputs):  # two folder names cleaned to the same file name
        outputs = [str(out_dir / f"{i + 1:03d}-{report_name(f.name)}")
                   for i, f in enumerate(folders)]
    check_overwrite([Path(o) for o in outputs] + [out_dir / ROLLUP_NAME], force)
    # Every output is written beside its target first, then all are renamed in (or none).
    staged = {o: str(staged_path(Path(o))) for o in outputs}
    if workers == 1:
        for folder, out in zip(folders, outputs, strict=True):
            jobs_done.append(_cluster_job(str(folder), out,
                                          cluster_rules(root, folder, rules_path), date, db,
                                          staged[out], read_jobs))
            if progress:
                progress(1)
    else:
        # Workers die with this process; each reads its files in contained workers of its own.
        with ProcessPoolExecutor(max_workers=workers, initializer=prepare_worker,
                                 initargs=(os.getpid(),)) as pool:
            futures = [pool.submit(_cluster_job, str(f), o, cluster_rules(root, f, rules_path),
                                   date, db, staged[o], read_jobs)
                       for f, o in zip(folders, outputs, strict=True)]
            for future, folder, out in zip(futures, folders, outputs, strict=True):
                try:
                    jobs_done.append(future.result())
                except BrokenProcessPool:  # a worker died (killed, out of memory): redo here
                    jobs_done.append(_cluster_job(str(folder), out,
                                                  cluster_rules(root, folder, rules_path), date,
                                                  db, staged[out]))
                if progress:
                    progress(1)
    parts = [(job.report, job.summary, job.failed) for job in jobs_done]
    summaries = [s for _, s, _ in parts if s is not None]
    written = {Path(o): Path(staged[o]) for o, (_, s, _) in zip(outputs, parts, strict=True)
               if s is not None}
    if not summaries:
        return Outcome(Report.merge([p for p, _, _ in parts], rules), EXIT_NOTHING)
    rollup_path = out_dir / ROLLUP_NAME
    try:
        written[rollup_path] = staged_path(rollup_path)
        write_atomic(written[rollup_path], rollup_bytes(summaries, rules, date))
        commit(written)
    except (TdktError, OSError) as exc:
        for path in written.values():
            path.unlink(missing_ok=True)
        problem = exc if isinstance(exc, TdktError) else TdktError(
            f"Không ghi được {shown(rollup_path)}: {describe(exc)}")
        raise OutputNotWritten(problem, Outcome(Report.merge(
            [p for p, _, _ in parts], rules), EXIT_NOTHING)) from exc
    if db:  # once the reports stand; one writer, in folder order: the same rows every run
        from addin.ranking_history import write_rankings

        write_rankings(db, (job.ranking for job in jobs_done if job.ranking is not None))
    empty = tuple(shown(f.name) for f, (part, summary, _) in zip(folders, parts, strict=True)
                  if summary is None and not part.files and not part.issues)
    report = replace(Report.merge([p for p, _, _ in parts], rules, shown(out_dir)),
                     clusters=tuple(ClusterOutput(s.name, s.output) for s in summaries),
                     empty_clusters=empty, rollup=shown(rollup_path))
    any_errors = any(e for _, _, e in parts)
    return Outcome(report, EXIT_ERRORS if any_errors else EXIT_OK)
