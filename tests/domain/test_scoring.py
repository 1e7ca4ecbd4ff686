"""Covenant scoring: validated totals, ranking with the covenant's tie-breaks, proposals, suy tôn,
the chair rotation (contracts.md §8, §9)."""

from __future__ import annotations

import copy
from fractions import Fraction as Q
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from addin.domain.covenant import covenant_from_mapping
from addin.domain.issues import Code
from addin.domain.rules import RulesError
from addin.domain.scoring import Candidate, ScoreLine, ScoreSheet, rank_units, score_unit

COVENANT: dict[str, Any] = {
    "name": "Giao ước thử", "source": "thử", "verified": False, "step": 0.5,
    "bonus_cap": 4, "penalty_cap": 6,
    "tie_break": ["criterion:A", "penalty", "dvqt", "vote"],
    "rotation": ["Đơn vị 1", "Đơn vị 2", "Đơn vị 3"], "chair": "Đơn vị 3",
    "flag": {"count": 1, "min_score": 15}, "merit": {"count": 2, "min_score": 10},
    "suy_ton": {"threshold": "50%", "comparison": ">", "denominator": "present",
                "quorum": "2/3", "source": "thử", "verified": False},
    "criteria": [
        {"code": "A", "text": "Tiêu chí A", "max": 10},
        {"code": "B", "text": "Tiêu chí B", "max": 10},
        {"code": "C", "text": "Tiêu chí C", "max": 5},
        {"code": "X", "text": "Cộng X", "max": 3, "kind": "bonus"},
        {"code": "Y", "text": "Cộng Y", "max": 3, "kind": "bonus"},
        {"code": "P", "text": "Trừ P", "max": 5, "kind": "penalty"},
        {"code": "R", "text": "Trừ R", "max": 5, "kind": "penalty"},
    ],
}


def covenant(**changes: Any):
    data = copy.deepcopy(COVENANT)
    data.update(changes)
    return covenant_from_mapping(data)


def sheet(scores: dict[str, Any], cluster: dict[str, Any] | None = None, unit: str = "u"
          ) -> ScoreSheet:
    lines = []
    for r, (code, value) in enumerate(scores.items(), start=5):
        lines.append(ScoreLine(row=r, code=code, self_score=None if value is None else Q(str(value)),
                               cluster_score=(Q(str(cluster[code])) if cluster and code in cluster
                                              else None),
                               columns={"code": "A", "self": "D", "cluster": "E", "max": "C"}))
    return ScoreSheet(file=f"{unit}.xlsx", sheet="Chấm điểm", lines=tuple(lines))


def full(a: Any = 10, b: Any = 10, c: Any = 5, x: Any = 0, y: Any = 0, p: Any = 0, r: Any = 0):
    return {"A": a, "B": b, "C": c, "X": x, "Y": y, "P": p, "R": r}


def codes(result) -> list[str]:
    return [str(i.code) for i in result.issues]


# -- totals and validation ---------------------------------------------------------------------
def test_half_points_add_exactly_and_caps_apply():
    cov = covenant()
    result = score_unit(sheet(full(a=9.5, b=7.5, c=4.5, x=3, y=3, p=5, r=2)), cov)
    assert codes(result) == []
    used = result.used
    assert used.base == Q(43, 2)
    assert used.bonus == 4  # 6 capped at 4
    assert used.penalty == 6 and used.penalty_points == 7  # 7 capped at 6
    assert used.total == Q(43, 2) + 4 - 6


def test_scores_at_the_maximum_pass_above_fail():
    cov = covenant()
    assert codes(score_unit(sheet(full(a=10, c=5, x=3, p=5)), cov)) == []
    result = score_unit(sheet(full(a=10.5, c=6, x=3.5)), cov)
    assert codes(result) == ["score_exceeds_max"] * 3
    assert [(i.row, i.column) for i in result.issues] == [(5, "D"), (7, "D"), (8, "D")]
    assert not result.valid


def test_negative_and_off_step_scores():
    cov = covenant()
    result = score_unit(sheet(full(a=-1, b=7.3, c=2.25)), cov)
    assert codes(result) == ["negative_score", "not_a_number", "not_a_number"]


def test_unknown_missing_and_repeated_criteria():
    cov = covenant()
    scores = full()
    del scores["C"]
    scores["Z9"] = 3
    result = score_unit(sheet(scores), cov)
    assert sorted(codes(result)) == ["missing_criterion", "unknown_criterion"]
    missing = next(i for i in result.issues if i.code == Code.MISSING_CRITERION)
    assert "C" in missing.message and missing.row is None
    lines = [*sheet(full()).lines, ScoreLine(row=20, code="a", self_score=Q(1))]
    result = score_unit(ScoreSheet("f", "Chấm điểm", tuple(lines)), cov)
    assert codes(result) == ["unknown_criterion"] and result.issues[0].row == 20


def test_blank_self_score_on_a_criterion_is_missing_but_blank_bonus_is_zero():
    cov = covenant()
    result = score_unit(sheet(full(a=None, x=None, p=None)), cov)
    assert codes(result) == ["missing_value"]
    result = score_unit(sheet(full(x=None, p=None)), cov)
    assert codes(result) == [] and result.used.total == 25


def test_cluster_score_is_used_where_given():
    cov = covenant()
    result = score_unit(sheet(full(a=10, b=9), cluster={"A": 8, "P": 1}), cov)
    assert result.self_totals.total == 24
    assert result.cluster_totals.total == 8 + 9 + 5 - 1
    assert result.used is result.cluster_totals
    above = score_unit(sheet(full(), cluster={"B": 11}), cov)
    assert codes(above) == ["score_exceeds_max"] and above.issues[0].column == "E"


def test_without_covenant_the_sheets_own_maxima_count():
    lines = [ScoreLine(row=5, code="1", max=Q(10), self_score=Q(10)),
             ScoreLine(row=6, code="2", max=Q(5), self_score=Q(6)),
             ScoreLine(row=7, code="3", max=None, self_score=Q(1))]
    result = score_unit(ScoreSheet("f", "Chấm điểm", tuple(lines)), None)
    assert codes(result) == ["score_exceeds_max", "missing_value"]
    ok = score_unit(ScoreSheet("f", "Chấm điểm", lines[:1] + [
        ScoreLine(row=6, code="2", max=Q(5), self_score=Q("2.3"))]), None)
    assert codes(ok) == [] and ok.used.total == Q("12.3")


# -- ranking -----------------------------------------------------------------------------------
def cand(unit: str, scores: dict[str, Any], dvqt: int = 0, cov=None, cluster=None) -> Candidate:
    return Candidate(unit=unit, file=f"{unit}.xlsx",
                     score=score_unit(sheet(scores, cluster, unit), cov or covenant()), dvqt=dvqt)


def ties_at_every_level() -> list[Candidate]:
    return [
        # total 27: separated by criterion A
        cand("A-hơn", full(a=10, b=9, x=2)), cand("A-kém", full(a=9, b=10, x=2)),
        # total 24: same A, separated by fewer penalty points (bonus makes up the total)
        cand("Ít trừ", full(a=8, b=8, c=5, x=3)), cand("Nhiều trừ", full(a=8, b=10, c=5, x=3, y=3, p=3)),
        # total 21: same A, same penalty, separated by DVQT results
        cand("Nhiều ĐVQT", full(a=7, b=9, c=5), dvqt=2),
        cand("Ít ĐVQT", full(a=7, b=9.5, c=4.5), dvqt=1),
        # total 20.5: tied on everything: share the rank, a vote is needed
        cand("Hòa 1", full(a=6.5, b=9, c=5), dvqt=1), cand("Hòa 2", full(a=6.5, b=10, c=4), dvqt=1),
        # below them
        cand("Cuối", full(a=5, b=5, c=0)),
    ]


def test_ties_broken_at_every_level_with_exact_ranks():
    ranking = rank_units(ties_at_every_level(), covenant())
    got = {u.unit: (u.rank, u.vote_needed) for u in ranking.units}
    assert got == {
        "A-hơn": (1, False), "A-kém": (2, False),
        "Ít trừ": (3, False), "Nhiều trừ": (4, False),
        "Nhiều ĐVQT": (5, False), "Ít ĐVQT": (6, False),
        "Hòa 1": (7, True), "Hòa 2": (7, True),
        "Cuối": (9, False),
    }
    notes = {u.unit: u.tie_note for u in ranking.units}
    # the criterion by its text, its code in brackets (a code alone means nothing on paper)
    assert "tiêu chí “Tiêu chí A” (A)" in notes["A-kém"] and "điểm trừ" in notes["Nhiều trừ"]
    assert "Đơn vị Quyết thắng" in notes["Ít ĐVQT"] and "biểu quyết" in notes["Hòa 1"]
    assert notes["Cuối"] == ""


def test_ranking_never_depends_on_file_order():
    forward = rank_units(ties_at_every_level(), covenant())
    backward = rank_units(list(reversed(ties_at_every_level())), covenant())
    assert forward == backward


def test_proposals_follow_rank_minimum_and_places():
    ranking = rank_units(ties_at_every_level(), covenant())
    got = {u.unit: u.proposal for u in ranking.units}
    assert got["A-hơn"] == "Cờ thi đua"
    assert got["A-kém"] == "Bằng khen" and got["Ít trừ"] == "Bằng khen"
    assert got["Nhiều trừ"] == "" and "Ngoài số suất" in ranking.units[3].reason
    low = rank_units([cand("Thấp", full(a=4, b=5, c=0))], covenant())
    assert low.units[0].proposal == "" and "tối thiểu" in low.units[0].reason
    assert ranking.leader is not None and ranking.leader.unit == "A-hơn"


def test_a_tie_on_the_flag_goes_to_the_vote_and_the_ballot_settles_it():
    units = [cand("Một", full(a=9, b=9, c=5)), cand("Hai", full(a=9, b=9.5, c=4.5)),
             cand("Ba", full(a=5, b=9, c=5))]
    ranking = rank_units(units, covenant())
    first = [u for u in ranking.units if u.rank == 1]
    assert [u.unit for u in first] == ["Hai", "Một"]
    assert all(u.proposal == "Cờ thi đua" and u.vote_needed for u in first)
    assert ranking.leader is None
    ballot = {"members": 3, "present": 3, "votes": {"Một": 2, "Hai": 1}}
    voted = rank_units([cand(u.unit, s, cov=covenant(ballot=ballot)) for u, s in (
        (units[0], full(a=9, b=9, c=5)), (units[1], full(a=9, b=9.5, c=4.5)),
        (units[2], full(a=5, b=9, c=5)))], covenant(ballot=ballot))
    by = {u.unit: u for u in voted.units}
    assert by["Một"].proposal == "Cờ thi đua" and not by["Một"].vote_needed
    assert by["Một"].suy_ton.startswith("Được suy tôn: 2/3")
    assert by["Hai"].proposal == "Bằng khen" and "Không đủ phiếu" in by["Hai"].suy_ton
    assert voted.leader is not None and voted.leader.unit == "Một"


def test_a_failed_suy_ton_vote_gives_no_flag():
    ballot = {"members": 9, "present": 9, "votes": {"Một": 4}}
    cov = covenant(ballot=ballot)
    ranking = rank_units([cand("Một", full(), cov=cov)], cov)
    assert ranking.units[0].proposal == "Bằng khen"
    assert ranking.units[0].suy_ton.startswith("Không đủ phiếu suy tôn: 4/9")


def test_units_with_errors_or_no_sheet_are_listed_not_ranked():
    bad = cand("Lỗi", full(a=11))
    none = Candidate("Chưa chấm", "c.xlsx", None)
    ranking = rank_units([bad, none, cand("Tốt", full())], covenant())
    by = {u.unit: u for u in ranking.units}
    assert by["Tốt"].rank == 1 and by["Lỗi"].rank is None and by["Chưa chấm"].rank is None
    assert "có lỗi" in by["Lỗi"].reason and "Chưa có bảng" in by["Chưa chấm"].reason
    assert [u.unit for u in ranking.units][0] == "Tốt"


def test_a_cluster_with_no_scores_at_all():
    ranking = rank_units([Candidate("A", "a.xlsx", None), Candidate("B", "b.xlsx", None)],
                         covenant())
    assert all(u.rank is None for u in ranking.units)
    assert any("Chưa có đơn vị nào" in n for n in ranking.notes)
    assert ranking.leader is None
    assert rank_units([], None).units == ()


def test_without_covenant_equal_totals_share_a_rank():
    def plain(unit: str, *scores: float) -> Candidate:
        lines = [ScoreLine(row=5 + i, code=str(i), max=Q(10), self_score=Q(str(s)))
                 for i, s in enumerate(scores)]
        return Candidate(unit, unit, score_unit(ScoreSheet(unit, "Chấm điểm", tuple(lines)), None))

    ranking = rank_units([plain("B", 9, 8.5), plain("A", 8.5, 9), plain("C", 10, 9)], None)
    assert [(u.unit, u.rank, u.vote_needed) for u in ranking.units] == [
        ("C", 1, False), ("A", 2, True), ("B", 2, True)]
    assert all(u.proposal == "" for u in ranking.units)
    assert any("đồng hạng" in n for n in ranking.notes)
    assert ranking.next_chair is None


def test_next_chair_follows_the_rotation_and_wraps():
    assert covenant().next_chair() == "Đơn vị 1"
    assert covenant(chair="đơn vị 1").next_chair() == "Đơn vị 2"
    assert covenant(rotation=[], chair="").next_chair() is None


# -- the covenant as data ----------------------------------------------------------------------
@pytest.mark.parametrize(("changes", "key"), [
    ({"step": 0}, "covenant.step"),
    ({"bonus_cap": 0}, "covenant.bonus_cap"),
    ({"tie_break": ["criterion:Z"]}, "covenant.tie_break[0]"),
    ({"tie_break": ["vote", "penalty"]}, "covenant.tie_break[0]"),
    ({"tie_break": ["luck"]}, "covenant.tie_break[0]"),
    ({"chair": "Đơn vị 9"}, "covenant.chair"),
    ({"criteria": []}, "covenant.criteria"),
    ({"criteria": [{"code": "A", "text": "a", "max": 7.25}]}, "covenant.criteria[0].max"),
    ({"criteria": [{"code": "A", "text": "a", "max": 5}, {"code": "a", "text": "b", "max": 5}]},
     "covenant.criteria[1].code"),
    ({"criteria": [{"code": "A", "text": "a", "max": 5, "kind": "extra"}]},
     "covenant.criteria[0].kind"),
    ({"flag": {"count": -1}}, "covenant.flag.count"),
    ({"bonus_capp": 5}, "covenant.bonus_capp"),
    ({"criteria": [{"code": "A", "text": "a", "max": 5, "maxi": 6}]},
     "covenant.criteria[0].maxi"),
    ({"ballot": {"members": 3, "present": 4, "votes": {}}}, "covenant.ballot.present"),
    ({"ballot": {"members": 5, "present": 4, "votes": {"X": 5}}}, "covenant.ballot.votes.X"),
])
def test_a_bad_covenant_names_the_key(changes, key):
    with pytest.raises(RulesError) as err:
        covenant(**changes)
    assert str(err.value).startswith(key + ":"), str(err.value)


def test_the_shipped_sample_covenant():
    from addin.io.covenant_file import sample_covenant

    cov = sample_covenant()
    assert cov.sample and not cov.verified
    assert cov.base_max == 100 and 8 <= len(cov.of_kind("criterion")) <= 12
    assert cov.bonus_cap <= 5 and cov.of_kind("penalty") and cov.penalty_cap > 0


# -- properties --------------------------------------------------------------------------------

_HALVES = st.integers(min_value=0, max_value=10).map(lambda n: n / 2)
_UNIT = st.fixed_dictionaries({"a": _HALVES, "b": _HALVES, "x": st.sampled_from([0, 1, 3]),
                               "p": st.sampled_from([0, 1, 2.5]),
                               "dvqt": st.integers(min_value=0, max_value=2)})


@settings(max_examples=60, deadline=None)
@given(st.lists(_UNIT, min_size=1, max_size=7), st.randoms(use_true_random=False))
def test_ranking_properties(units, rnd):
    cov = covenant()
    cands = [cand(f"U{i}", full(a=u["a"], b=u["b"], c=0, x=u["x"], p=u["p"]), u["dvqt"], cov)
             for i, u in enumerate(units)]
    ranking = rank_units(cands, cov)
    shuffled = list(cands)
    rnd.shuffle(shuffled)
    assert rank_units(shuffled, cov) == ranking  # never file order
    by = {u.unit: u for u in ranking.units}
    keys = {c.unit: (c.score.used.total, c.score.used.by_code["A"], -c.score.used.penalty_points,
                     c.dvqt) for c in cands}
    for name, unit in by.items():
        ahead = sum(1 for other in keys.values() if other > keys[name])
        assert unit.rank == 1 + ahead
        tied = sum(1 for other in keys.values() if other == keys[name]) > 1
        assert unit.vote_needed == tied  # no ballot here: only a full tie needs a vote
    flags = [u for u in ranking.units if u.proposal == "Cờ thi đua" and not u.vote_needed]
    merits = [u for u in ranking.units if u.proposal == "Bằng khen" and not u.vote_needed]
    assert len(flags) <= cov.flag.count and len(merits) <= cov.merit.count
    assert all(u.used_total >= cov.flag.min_score for u in flags)
    assert all(u.used_total >= cov.merit.min_score for u in merits)
