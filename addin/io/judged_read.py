"""Reading and judging in the same worker: each reading worker validates the books it reads
(addin.domain.cluster.judge, the one validation there is), so that validation runs in parallel
with the reading and the parent only merges (consolidate takes judged books as they are).

The rules book travels to the workers pickled once per read (a few tens of kilobytes, sent as
bytes with each file's task) and is unpickled once per worker process and rules book.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path

from addin.domain.cluster import judge
from addin.domain.judgement import adopt_key, rules_key, rules_pickle
from addin.domain.models import UnitWorkbook
from addin.domain.rules import Rules
from addin.io.reader import read_inputs

# Rules books a worker process keeps unpickled, by key: a long session (Excel) may see a few.
_KEPT = 4
_received: dict[str, Rules] = {}


@dataclass(frozen=True, slots=True)
class RulesParcel:
    """A rules book as it travels to a worker: its key (as the sending process computed it)
    and its pickle."""

    key: str
    data: bytes

    @classmethod
    def of(cls, rules: Rules) -> RulesParcel:
        return cls(rules_key(rules), rules_pickle(rules))


def _unpacked(parcel: RulesParcel) -> Rules:
    rules = _received.get(parcel.key)
    if rules is None:
        if len(_received) >= _KEPT:
            _received.clear()
        rules = _received[parcel.key] = pickle.loads(parcel.data)  # noqa: S301 - our own parent's
        adopt_key(rules, parcel.key)
    return rules


def read_judged(real: str | Path, shown: str, parcel: RulesParcel) -> list[UnitWorkbook]:
    """read_inputs, then each readable book judged by the parcel's rules book. Should judging
    fail (a broken program, not bad data), the books go back unjudged: the parent judges them
    and fails loudly there, as it would have without this worker."""
    books = read_inputs(real, shown)
    try:
        rules = _unpacked(parcel)
        return [judge(b, rules).book if b.readable and not b.skipped else b for b in books]
    except Exception:  # noqa: BLE001 - see above: the parent repeats it where it shows
        return books
