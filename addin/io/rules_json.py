"""The rules book as JSON (`tdkt rules show --json`): every number with its source and whether
it was verified. Beside the rules loader, for any front that needs it (not the CLI's own)."""

from __future__ import annotations

from typing import Any

from addin.domain.rules import Rules, format_ratio
from addin.io.covenant_file import covenant_json


def rules_as_json(rules: Rules) -> dict[str, Any]:
    return {
        "book": {"name": rules.name, "label": rules.label, "version": rules.version,
                 "note": rules.note},
        "titles": [{
            "code": t.code, "name": t.name, "kind": t.kind, "synonyms": list(t.synonyms),
            "vote": {"rule": t.vote.id, "threshold": format_ratio(t.vote.threshold),
                     "comparison": t.vote.comparison, "denominator": t.vote.denominator,
                     "quorum": format_ratio(t.vote.quorum), "secret_ballot": t.vote.secret_ballot,
                     "source": t.vote.source, "verified": t.vote.verified},
            "requires_initiative": t.requires_initiative, "min_streak": t.min_streak,
            "criteria": None if t.criteria is None else {
                "min_cstt_share": format_ratio(t.criteria.min_cstt_share),
                "comparison": t.criteria.comparison, "min_cstdcs": t.criteria.min_cstdcs,
                "max_disciplined": t.criteria.max_disciplined, "source": t.criteria.source,
                "verified": t.criteria.verified},
            "source": t.source, "verified": t.verified,
            "family": rules.family_of(t.code).id, "prefixes": list(t.prefixes),
        } for t in rules.titles.values()],
        "families": [{"id": f.id, "name": f.name, "titles": list(f.titles), "source": f.source,
                      "verified": f.verified} for f in rules.families.values()],
        "forms": [{"code": f.code, "name": f.name, "level": f.level, "authority": f.authority,
                   "synonyms": list(f.synonyms), "prefixes": list(f.prefixes),
                   "source": f.source, "verified": f.verified} for f in rules.forms.values()],
        "quotas": [{
            "id": q.id, "title": q.title,
            "max": format_ratio(q.max_share) if q.max_share is not None else None,
            "max_count": q.max_count, "base": q.base, "base_titles": list(q.base_titles),
            "counts": list(q.counts), "rounding": q.rounding, "scopes": list(q.scopes),
            "enabled": q.enabled, "source": q.source, "verified": q.verified,
        } for q in rules.quotas],
        "display": {"percent_decimals": rules.percent_decimals, "source": rules.display_source,
                    "verified": rules.display_verified},
        "folders": {"one_cluster_share": format_ratio(rules.folders.one_cluster_share),
                    "source": rules.folders.source, "verified": rules.folders.verified},
        "covenant": covenant_json(rules.covenant),
    }

