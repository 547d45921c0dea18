"""The references a bank line quotes: its identifier fields, and whole references, prefixed
and bare numbers found in its texts, each looked up in the record index with the strength
it was found at.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from accord.matching.engine.context import Context
from accord.matching.engine.hits import Hits, hits_of
from accord.matching.engine.index import Index
from accord.matching.engine.pair import BARE, FULL, ID, PREFIXED
from accord.matching.engine.prepare import PLine
from accord.matching.engine.rules import Rules
from accord.matching.engine.text import groups_key, is_valid_rf, ref_key, segments, strip_zeros

_FILLERS: Final = frozenset({"NO", "NR", "NUM", "NUMBER", "NUMMER", "NBR", "N"})


class _Sink:
    """Collects reference hits for one line, counting only records its account can use."""

    __slots__ = ("acc", "crowded", "ctx", "found", "shared")

    def __init__(self, ctx: Context, acc: str) -> None:
        self.found: dict[int, int] = {}
        self.shared: set[int] = set()
        self.ctx = ctx
        self.acc = acc
        self.crowded = False

    def add(self, hits: Hits | Sequence[int] | None, strength: int, cap: int) -> bool:
        """Record hits at `strength`; none when more than `cap` usable records share the key.

        Returns whether any usable record was recorded.
        """
        if hits is None:
            return False
        seq = self.ctx.usable(hits, self.acc)
        if len(seq) > cap:
            self.crowded = True
            return False
        found = self.found
        for r in seq:
            if found.get(r, 0) < strength:
                found[r] = strength
        return bool(seq)


def find_references(pl: PLine, ctx: Context) -> tuple[dict[int, int], set[int]]:
    """Records whose reference the line quotes, with the strength; and those found only
    through digits several records share after a generic invoice word."""
    line, index, rules = pl.line, ctx.index, ctx.rules
    sink = _Sink(ctx, pl.account)
    texts: list[str] = []
    for value in (line.end_to_end_id, line.creditor_reference, line.customer_ref):
        if not value:
            continue
        key = ref_key(value)
        if not key or key in ctx.ignored:
            continue
        strength = PREFIXED if key.isdigit() else ID
        sink.add(index.full.get(key), strength, rules.max_group_records)
        if is_valid_rf(key):
            sink.add(index.full.get(key[4:]), ID, rules.max_group_records)
        texts.append(value)
    texts.extend(t for t in (line.remittance, line.additional_info) if t)
    for text in texts:
        _scan_text(text, index, rules, sink)
        for pattern in ctx.patterns:
            for m in pattern.finditer(text):
                sink.add(index.full.get(ref_key(m.group(0))), FULL, rules.max_candidates)
    shared = {r for r in sink.shared if sink.found[r] == PREFIXED}
    return sink.found, shared


def _scan_text(text: str, index: Index, rules: Rules, sink: _Sink) -> None:
    upper = text.upper()
    segs = segments(upper)
    n = len(segs)
    if not n:
        return
    # A reference touching the end of a text at the bank's length limit may be cut short.
    cut = n - 1 if len(text) >= rules.truncation_length and upper.rstrip().endswith(segs[-1]) else n
    full, first, keywords = index.full, index.first, index.keywords
    group_cap, cap = rules.max_group_records, rules.max_candidates
    for i, seg in enumerate(segs):
        explained = False  # a whole reference starts here: its digits need no other reading
        if seg in first:
            joined = seg
            for j in range(i, min(n, i + index.max_segments)):
                if j > i:
                    joined += segs[j]
                hits = full.get(joined)
                if hits is not None:
                    weak = j >= cut or joined.isdigit()
                    added = sink.add(hits, BARE if weak else FULL, cap if weak else group_cap)
                    explained |= added and not weak
        if seg.isdigit():
            if len(seg) >= 3 and i < cut:
                sink.add(index.bare.get(strip_zeros(seg)), BARE, cap)
        elif not explained and seg in keywords:
            _scan_phrase(segs, i, cut, index, sink, cap)


def _scan_phrase(
    segs: Sequence[str], i: int, cut: int, index: Index, sink: _Sink, cap: int
) -> None:
    """Digit groups after an invoice word or a record prefix: `Rechnung 123/2025`.

    When the word is some record's own prefix (`Inv.-Nr. 2025-00165` and INV-2025-00165),
    records with another prefix and the same digits (RE-165/2025) are not counted.
    """
    n = len(segs)
    word = index.keywords[segs[i]]
    k = i + 1
    if k < n and segs[k] in _FILLERS:
        k += 1
    groups: list[str] = []
    # The number is the longest run of digit groups that names a record: in
    # `Rechnung 187807/2025` it is RE-187807/2025, not also a record numbered 187807.
    longest: tuple[Sequence[int], int] | None = None
    while k < n and segs[k].isdigit() and len(groups) < 4:
        groups.append(strip_zeros(segs[k]))
        hits = hits_of(index.groups.get(groups_key(groups)))
        if hits:
            usable = sink.ctx.usable(hits, sink.acc)
            own = [r for r in usable if word in index.prefixes[r]]
            # Another record's prefix is no invoice word for records outside its series.
            chosen = own or (usable if word in index.generic else [])
            if chosen:
                longest = (chosen, BARE if k >= cut else PREFIXED)
        k += 1
    if longest is not None:
        chosen, strength = longest
        if sink.add(chosen, strength, cap) and len(chosen) > 1:
            # `Rechnung 8571/2025` with INV-2025-08571 and RE-8571/2025 open: the number
            # names neither for certain; only an exact amount can choose.
            sink.shared.update(chosen)
    if len(groups) == 1:
        # `INV00123` for INV-2025-00123: the record's own prefix and its serial number only.
        strength = BARE if k - 1 >= cut else PREFIXED
        sink.add(index.serial.get(f"{word}|{groups[0]}"), strength, cap)
