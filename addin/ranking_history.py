"""Scores and ranks kept with the period in the history database (issue 15 point 4): when
`consolidate` or `report` is given `--db`, each unit's self, cluster and used score and its rank
go to the database's `scores` table (issue 14), replacing what that unit had for the period."""

from __future__ import annotations

from fractions import Fraction

from addin.domain.cluster import ClusterResult
from addin.domain.cluster_ranking import cluster_ranking
from addin.domain.periods import parse_period
from addin.domain.rules import Rules
from addin.io import history_db as hdb


def _points(value: Fraction | None) -> float | None:
    return None if value is None else float(value)  # 0.5 steps: exact in binary


def store_ranking(db: str, result: ClusterResult, rules: Rules) -> int:
    """Write the cluster's ranking for its period; the number of units stored (0 when the
    period is not recognisable or no unit has a score sheet)."""
    period = parse_period(result.period)
    if period is None:
        return 0
    ranking = cluster_ranking(result.counted_books, rules)
    stored = [u for u in ranking.units if u.self_total is not None or u.rank is not None]
    if not stored:
        return 0
    conn = hdb.connect(db)
    try:
        for unit in stored:
            hdb.write_score(conn, unit.unit, period, result.cluster_name,
                            _points(unit.self_total), _points(unit.cluster_total),
                            _points(unit.used_total), unit.rank)
    finally:
        conn.close()
    return len(stored)
