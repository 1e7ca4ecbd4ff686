"""Scores and ranks kept with the period in the history database (issue 15 point 4): when
`consolidate` or `report` is given `--db`, each unit's self, cluster and used score and its rank
go to the database's `scores` table (issue 14), replacing what that unit had for the period.

`tdkt report` ranks its clusters in worker processes: each worker only computes its ranking
(`ranking_of`); the parent writes them all (`write_rankings`, one connection for the run) one
cluster after the other, in folder order, so two runs store the same rows in the same order
(same database bytes) and no two processes wait on each other for the write lock."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from addin.domain.cluster import ClusterResult
from addin.domain.cluster_ranking import cluster_ranking
from addin.domain.periods import Period, parse_period
from addin.domain.rules import Rules
from addin.io import history_db as hdb


def _points(value: Fraction | None) -> float | None:
    return None if value is None else float(value)  # 0.5 steps: exact in binary


@dataclass(frozen=True, slots=True)
class StoredScore:
    """One unit's scores and rank as the database keeps them."""

    unit: str
    self_score: float | None
    cluster_score: float | None
    score_used: float | None
    rank: int | None


@dataclass(frozen=True, slots=True)
class StoredRanking:
    """What one cluster's ranking puts in the database (small: it travels back from a worker)."""

    period: Period
    cluster: str
    units: tuple[StoredScore, ...]


def ranking_of(result: ClusterResult, rules: Rules) -> StoredRanking | None:
    """The cluster's ranking as stored for its period; None when the period is not recognisable
    or no unit has a score sheet (nothing to store)."""
    period = parse_period(result.period)
    if period is None:
        return None
    ranking = cluster_ranking(result.counted_books, rules)
    stored = tuple(StoredScore(u.unit, _points(u.self_total), _points(u.cluster_total),
                             _points(u.used_total), u.rank)
                   for u in ranking.units if u.self_total is not None or u.rank is not None)
    return StoredRanking(period, result.cluster_name, stored) if stored else None


def write_rankings(db: str, rankings: Iterable[StoredRanking]) -> int:
    """Write the clusters' rankings in their order, through one connection for the whole run
    (none when there is nothing to write); the number of units stored."""
    todo = list(rankings)
    if not todo:
        return 0
    conn = hdb.connect(db)
    try:
        for ranking in todo:
            for unit in ranking.units:
                hdb.write_score(conn, unit.unit, ranking.period, ranking.cluster,
                                unit.self_score, unit.cluster_score, unit.score_used, unit.rank)
    finally:
        conn.close()
    return sum(len(ranking.units) for ranking in todo)


def store_ranking(db: str, result: ClusterResult, rules: Rules) -> int:
    """Write the cluster's ranking for its period; the number of units stored (0 when the
    period is not recognisable or no unit has a score sheet)."""
    ranking = ranking_of(result, rules)
    return write_rankings(db, [ranking] if ranking is not None else [])
