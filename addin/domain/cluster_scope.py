"""Which workbooks of a cluster folder belong to the cluster (contracts §9 `wrong_cluster`,
`mixed_period`), and when a folder is a higher level gathering several clusters.

A unit file of another cluster, or of another period, dropped into a cluster's folder used to be
counted without a word. The cluster is the one most files name; a file naming another cluster
is a stray: not counted, with an error saying why. How sure that is depends on the command:

- `tdkt report ROOT`: each subfolder IS one cluster (contracts §7), so every file naming
  another cluster than most is a stray.
- `tdkt consolidate DIR`: the folder may also be a province gathering its clusters' units. It
  is one cluster when one cluster holds a clear majority (the rules book's `[folders]
  one_cluster_share` of the files naming a cluster, 2/3 as shipped), or when the other clusters
  are each a lone file; then the others are strays. Otherwise (several clusters, none with a
  clear majority) it is a higher level: every file
  counts, and an info issue (`several_clusters`) says so, so it is never silent.

A folder holding a cluster report (units read out of it carry `source_report`) is a higher
level by design: its units belong to different clusters; the same info issue names them. The
period is the one most files hold (a tie: the latest); a file of another period is not counted.
A file that leaves "Cụm thi đua" or "Kỳ báo cáo" empty is not judged here (`missing_value` says
so elsewhere).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, TypeVar

from addin.domain.issues import Code, Issue, info_issue, make_issue
from addin.domain.models import UnitWorkbook
from addin.domain.periods import Period, parse_period
from addin.domain.text import fold

# Words that only say "cluster" ("Cụm thi đua số 3", "Cụm TĐ 3", "cụm 3" name the same cluster).
_FILLER = frozenset({"cum", "thi", "dua", "td", "so"})
_WORD = re.compile(r"\w+", re.UNICODE)
K = TypeVar("K")
# A folder given to `consolidate` is one cluster when one cluster names at least this share of
# its files (5 of 7 are a cluster with two strays; 3 of 5 are a province's two clusters). A
# heuristic of the tool about folders, not a rule of the regulations: it lives here.


def cluster_key(name: str) -> str:
    """A cluster name compared without case, diacritics and the words that only say "cụm"."""
    words = [w for w in _WORD.findall(fold(name)) if w not in _FILLER]
    return " ".join(words) or fold(name)


def period_key(text: str) -> tuple[int, Period | None, str]:
    """A period compared by meaning when recognised ("Năm 2024" = "NAM 2024" = "2024"), else by
    its folded text; orders recognised periods by time, after unrecognised ones."""
    parsed = parse_period(text)
    return (1, parsed, "") if parsed is not None else (0, None, fold(text))


def _majority(books: list[UnitWorkbook], key: Callable[[UnitWorkbook], K | None],
                 order: Callable[[K], Any] | None) -> K | None:
    """The key most books hold; a tie goes to the greatest under `order`, or to nobody."""
    counts: Counter[K] = Counter(k for b in books if (k := key(b)) is not None)
    if not counts:
        return None
    top = max(counts.values())
    leaders = [k for k, n in counts.items() if n == top]
    if len(leaders) == 1:
        return leaders[0]
    return max(leaders, key=order) if order is not None else None


def _cluster_of(book: UnitWorkbook) -> str | None:
    return cluster_key(book.info.cluster) if book.info.cluster.strip() else None


def _period_of(book: UnitWorkbook) -> tuple[int, Period | None, str] | None:
    return period_key(book.info.period) if book.info.period.strip() else None


def _period_order(key: tuple[int, Period | None, str]) -> object:
    recognised, period, text = key
    return (recognised, (period.start, period.end, period.kind) if period else (0, 0, ""), text)


@dataclass(frozen=True)
class Scope:
    """What the folder is: the books (by id) not counted with the issue saying why, and the
    notes about the folder itself (a higher level of several clusters)."""

    strays: dict[int, Issue] = field(default_factory=dict)
    notes: tuple[Issue, ...] = ()


def out_of_scope(books: Iterable[UnitWorkbook], majority: Fraction, one_cluster: bool = False
                 ) -> Scope:
    """Which books are not counted in this folder. `majority`: the share of the files naming a
    cluster that makes the folder that cluster's (rules book, `[folders]`). `one_cluster`: the
    folder is one cluster by contract (a subfolder of `tdkt report`), so every minority
    cluster's file is a stray."""
    readable = [b for b in books if b.readable and not b.skipped]  # not copies left out below
    own = [b for b in readable if not b.source_report]
    named = Counter(k for b in own if (k := _cluster_of(b)) is not None)
    cluster = _majority(own, _cluster_of, None)
    # Reports in the folder, or several clusters with none in a clear majority: a higher level.
    higher = len(own) < len(readable) or cluster is None or not (
        one_cluster or len(named) == 1
        or Fraction(named[cluster], sum(named.values())) >= majority)
    cluster_name = next((b.info.cluster for b in own if _cluster_of(b) == cluster), "")
    period = _majority(readable, _period_of, _period_order)
    period_name = next((b.info.period for b in readable if _period_of(b) == period), "")
    found: dict[int, Issue] = {}
    for book in readable:
        mine = _cluster_of(book)
        # At a higher level a lone file of another cluster is still a stray (no cluster is
        # gathered from one file beside a majority).
        stray_here = not higher or (len(own) == len(readable) and named[mine or ""] == 1)
        if (cluster is not None and not book.source_report and mine is not None
                and mine != cluster and stray_here):
            found[id(book)] = info_issue(
                Code.WRONG_CLUSTER,
                f'tệp ghi "{book.info.cluster}", các tệp khác trong thư mục ghi "{cluster_name}"',
                book.info, "cluster", file=book.path)
        elif (mine_p := _period_of(book)) is not None and mine_p != period:
            found[id(book)] = info_issue(
                Code.MIXED_PERIOD, f'tệp ghi "{book.info.period}", kỳ của cụm là "{period_name}"',
                book.info, "period", file=book.path)
    counted = [b for b in readable if id(b) not in found]
    return Scope(found, _several_clusters(counted) if higher else ())


def _several_clusters(books: list[UnitWorkbook]) -> tuple[Issue, ...]:
    """The info note of a higher level: how many clusters, and the files of each (units out of
    reports are told apart by the report chain they came through)."""
    files: Counter[tuple[str, str]] = Counter()
    names: dict[tuple[str, str], str] = {}
    for book in books:
        if (key := _cluster_of(book)) is not None:
            scoped = (book.cluster_scope if book.source_report else "", key)
            files[scoped] += 1
            names.setdefault(scoped, book.info.cluster.strip())
    if len(files) < 2:
        return ()
    listed = "; ".join(f"{names[k]}: {n} tệp" for k, n in sorted(
        files.items(), key=lambda kv: (-kv[1], names[kv[0]])))
    return (make_issue(Code.SEVERAL_CLUSTERS, f"{len(files)} cụm ({listed})"),)
