"""The rules book as a person reads it (`tdkt rules show`): Vietnamese words for every key
(vi_format), titles by name, and whether each rule was checked against its text — explained
once at the top, then one mark per rule (a "?" before a rule still to check)."""

from __future__ import annotations

from addin.domain import labels as L
from addin.domain import vi_format as vi
from addin.domain.rules import Rules, Title

TO_CHECK, CHECKED = "?", " "
LEGEND = ("Dấu “?” đầu dòng: mức CẦN KIỂM TRA — lấy theo văn bản đã bị thay thế, theo bản tóm "
          "tắt hoặc theo thông lệ, chưa đối chiếu được với văn bản hiện hành. tdkt vẫn áp dụng "
          "mức đó; đơn vị đối chiếu văn bản rồi ghi đè trong tdkt-rules.toml nếu khác. "
          "Không có dấu: đã kiểm chứng.")
_SOURCE_INDENT = " " * 8
SCOPE_WORDS = {"unit": "mỗi đơn vị", "cluster": "toàn cụm"}


def mark(verified: bool) -> str:
    return CHECKED if verified else TO_CHECK


def _names(rules: Rules, codes: tuple[str, ...] | list[str]) -> str:
    return ", ".join(vi.title_name(rules, c) for c in codes)


def _vote(title: Title) -> str:
    v = title.vote
    share = f"{vi.share(v.threshold)} {vi.words(vi.DENOMINATOR_WORDS, v.denominator)}"
    text = (f"phiếu đồng ý {vi.compared(v.comparison, share)}, dự họp tối thiểu "
            f"{vi.ratio(v.quorum)} thành viên")
    extra = []
    if title.requires_initiative:
        extra.append("cần sáng kiến, đề tài")
    if title.min_streak:
        extra.append(f"{title.min_streak} năm liên tục đạt danh hiệu trước")
    return "; ".join([text, *extra])


def _criteria(rules: Rules, title: Title) -> str:
    c = title.criteria
    if c is None:
        return ""
    share = f"{vi.share(c.min_cstt_share)} quân số"
    parts = [f"số đạt {vi.title_name(rules, 'CSTT')} {vi.compared(c.comparison, share)}"]
    if c.min_cstdcs:
        parts.append(f"ít nhất {c.min_cstdcs} {vi.title_name(rules, 'CSTDCS')}")
    if c.max_disciplined is None:  # the book sets no bound
        parts.append(f"số bị kỷ luật {L.NO_LIMIT}")
    else:
        parts.append(f"số bị kỷ luật không quá {c.max_disciplined}" if c.max_disciplined
                     else "không ai bị kỷ luật")
    return ", ".join(parts)


def title_conditions(rules: Rules, title: Title) -> str:
    """A title's conditions in one sentence (the template's "Quy tắc" sheet): the vote, then
    the collective's conditions on its members, if any."""
    criteria = _criteria(rules, title)
    return _vote(title) + (f"; tập thể: {criteria}" if criteria else "")


def _entry(verified: bool, head: str, source: str) -> list[str]:
    return [f"  {mark(verified)} {head}", f"{_SOURCE_INDENT}nguồn: {source}"]


def summary(rules: Rules) -> tuple[int, int]:
    """(verified, to check) over every rule that carries a source."""
    flags = [t.vote.verified for t in rules.titles.values()]
    flags += [t.verified for t in rules.titles.values()]
    flags += [t.criteria.verified for t in rules.titles.values() if t.criteria]
    flags += [f.verified for f in rules.families.values()]
    flags += [f.verified for f in rules.forms.values()]
    flags += [q.verified for q in rules.quotas]
    flags += [rules.folders.verified, rules.display_verified]
    return sum(flags), len(flags) - sum(flags)


def rules_lines(rules: Rules, overridden_by: str = "") -> list[str]:
    """Every rule, with its source and its mark, in Vietnamese."""
    if rules.modified_by and overridden_by:  # one mention of the file: the name says it
        lines = [f"Bộ quy tắc: {vi.rules_book_name(rules, overridden_by)} (mã {rules.name})"]
    else:
        lines = [f"Bộ quy tắc: {vi.rules_book_name(rules)} (mã {rules.name})"
                 + (f" — ghi đè bởi {overridden_by}" if overridden_by else "")]
    if rules.note:
        lines.append(rules.note)
    checked, to_check = summary(rules)
    lines += ["", LEGEND, f"{L.VERIFIED} {checked} mức, {L.TO_CHECK} {to_check} mức."]
    lines += ["", "Ngưỡng phiếu theo danh hiệu:"]
    for t in rules.titles.values():
        lines += _entry(t.vote.verified, f"{t.name} ({t.code}): {_vote(t)}", t.vote.source)
        if t.criteria is not None:
            lines += _entry(t.criteria.verified, f"{t.name}, tiêu chuẩn tập thể: "
                            f"{_criteria(rules, t)}", t.criteria.source)
    lines += ["", "Danh mục danh hiệu theo nhóm (trong một nhóm chỉ đề nghị một danh hiệu, cao "
              "nhất; khác nhóm được xét cùng):"]
    for family in rules.families.values():
        chain = " → ".join(vi.title_name(rules, c) for c in family.titles)
        lines += _entry(family.verified, f"{family.name}: {chain}", family.source)
    lines += ["", "Danh hiệu và cách viết được nhận:"]
    for t in rules.titles.values():
        spellings = ", ".join((*t.synonyms, *(f"{p}…" for p in t.prefixes)))
        lines += _entry(t.verified, f"{t.name} ({t.code})"
                        + (f": {spellings}" if spellings else ""), t.source)
    lines += ["", "Hình thức khen thưởng (trang “Khen thưởng”):"]
    for f in rules.forms.values():
        spellings = ", ".join((*f.synonyms, *(f"{p}…" for p in f.prefixes)))
        lines += _entry(f.verified, f"{f.name} ({f.code}) — {f.level}, {f.authority}"
                        + (f"; cách viết: {spellings}" if spellings else ""), f.source)
    lines += ["", "Tỷ lệ xét tặng (hạn mức):"]
    for q in rules.quotas:
        if q.max_share is not None:
            base = (f"số {_names(rules, q.base_titles)}" if q.base == "titles" and q.base_titles
                    else vi.words(vi.BASE_WORDS, q.base))
            limit = (f"không quá {vi.ratio(q.max_share)} {base} "
                     f"({vi.words(vi.ROUNDING_WORDS, q.rounding)})")
        else:
            limit = f"tối đa {q.max_count}"
        where = ", ".join(vi.words(SCOPE_WORDS, s) for s in q.scopes)
        state = "" if q.enabled else " — đang tắt"
        lines += _entry(q.verified, f"{vi.title_name(rules, q.title)} (hạn mức {q.id}, {where}): "
                        f"{limit}; tính: {_names(rules, q.counts)}{state}", q.source)
    share = vi.compared(">=", vi.ratio(rules.folders.one_cluster_share))
    lines += ["", "Gộp một thư mục (tdkt consolidate):"]
    lines += _entry(rules.folders.verified, f"là một cụm khi cụm được ghi nhiều nhất có {share} "
                    "số tệp có ghi cụm; nếu không, là cấp trên gộp nhiều cụm",
                    rules.folders.source)
    lines += ["", "Hiển thị:"]
    lines += _entry(rules.display_verified, f"tỷ lệ phiếu: {rules.percent_decimals} chữ số thập phân",
                    rules.display_source)
    return lines
