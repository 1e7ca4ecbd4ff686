"""Which workbooks of a cluster folder belong to the cluster (contracts §9 `wrong_cluster`,
`mixed_period`).

A unit file of another cluster, or of another period, dropped into a cluster's folder used to be
counted without a word. The cluster is the one most files name, and a lone file naming another
cluster is a stray: not counted, with an error saying why. No cluster most files name (a tie),
or two or more files of another cluster, make the folder a higher level gathering several
clusters' units (a province consolidating its units directly): nothing is judged. The period
is the one most files hold (a tie: the latest); a file of another period is not counted.

A folder holding a cluster report (units read out of it carry `source_report`) is exempt from
`wrong_cluster`: it is a higher-level roll-up, whose units belong to different clusters by design.
A file that leaves "Cụm thi đua" or "Kỳ báo cáo" empty is not judged here (`missing_value` says
so elsewhere).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from addin.domain.issues import Code, Issue, make_issue
from addin.domain.models import UnitWorkbook
from addin.domain.periods import Period, parse_period
from addin.domain.text import fold

# Words that only say "cluster" ("Cụm thi đua số 3", "Cụm TĐ 3", "cụm 3" name the same cluster).
_FILLER = frozenset({"cum", "thi", "dua", "td", "so"})
_WORD = re.compile(r"\w+", re.UNICODE)
K = TypeVar("K")


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


def out_of_scope(books: Iterable[UnitWorkbook]) -> dict[int, Issue]:
    """The books (by id) that are not counted in this cluster, each with the issue saying why."""
    readable = [b for b in books if b.readable and not b.skipped]  # not copies left out below
    own = [b for b in readable if not b.source_report]
    # A folder holding a cluster report, or units of several clusters evenly, is a higher level
    # (a roll-up of clusters): no cluster to judge against.
    higher = len(own) < len(readable)
    cluster = None if higher else _majority(own, _cluster_of, None)
    # A stray is a lone file: two or more units of another cluster are that cluster's units,
    # gathered with the others at a higher level (a province consolidating its units directly).
    named = Counter(k for b in own if (k := _cluster_of(b)) is not None)
    cluster_name = next((b.info.cluster for b in own if _cluster_of(b) == cluster), "")
    period = _majority(readable, _period_of, _period_order)
    period_name = next((b.info.period for b in readable if _period_of(b) == period), "")
    found: dict[int, Issue] = {}
    for book in readable:
        mine = _cluster_of(book)
        if (cluster is not None and not book.source_report and mine is not None
                and mine != cluster and named[mine] == 1):
            row = book.info.rows.get("cluster")
            found[id(book)] = make_issue(
                Code.WRONG_CLUSTER,
                f'tệp ghi "{book.info.cluster}", các tệp khác trong thư mục ghi "{cluster_name}"',
                file=book.path, sheet=book.info.sheet, row=row,
                column="B" if row else None)
        elif (mine_p := _period_of(book)) is not None and mine_p != period:
            row = book.info.rows.get("period")
            found[id(book)] = make_issue(
                Code.MIXED_PERIOD,
                f'tệp ghi "{book.info.period}", kỳ của cụm là "{period_name}"',
                file=book.path, sheet=book.info.sheet, row=row,
                column="B" if row else None)
    return found
