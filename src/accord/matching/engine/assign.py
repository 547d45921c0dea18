"""Global assignment: proposals best-first, with both-way uniqueness for `matched`.

A proposal is taken when none of its lines or records is taken yet. It is `matched` only
when its stage may auto-match and no other proposal of comparable strength (within
`Rules.margin` bands) competes for any of its lines or records, unless that rival is
already impossible because a `matched` proposal holds one of its items. Anything else
is `review`. Nothing is decided first-come-first-served: the order is the evidence.
"""

from __future__ import annotations

import itertools
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from accord.matching.engine.proposals import Proposal
from accord.matching.engine.rules import AMOUNT_NAME, FX_NAME, REVERSAL, Rules


@dataclass(slots=True)
class Decision:
    """A proposal taken, and the proposals that held one of its lines or records, in rank
    order, each with whether it was as plausible (alive and within the margin)."""

    prop: Proposal
    matched: bool
    rivals: tuple[Proposal, ...] = ()
    comparable: tuple[bool, ...] = ()  # two tuples, not a pair per rival: 48 bytes less each


class Owners:
    """The decision holding each line (or record), by position: a list, at a million lines
    a fifth of the memory of a dict. Positions past its end are held by none."""

    __slots__ = ("_by_pos",)

    def __init__(self, size: int = 0) -> None:
        self._by_pos: list[Decision | None] = [None] * size

    def __contains__(self, pos: int) -> bool:
        return self.get(pos) is not None

    def get(self, pos: int) -> Decision | None:
        return self._by_pos[pos] if pos < len(self._by_pos) else None

    def __getitem__(self, pos: int) -> Decision:
        found = self.get(pos)
        if found is None:
            raise KeyError(pos)
        return found

    def __setitem__(self, pos: int, decision: Decision) -> None:
        self._by_pos[pos] = decision

    def holds_any(self, positions: tuple[int, ...]) -> bool:
        return any(self.get(pos) is not None for pos in positions)

    def clear(self) -> None:
        self._by_pos = []


@dataclass(slots=True)
class Assignment:
    decisions: list[Decision]
    line_owner: Owners
    rec_owner: Owners
    lost_line: dict[int, Proposal]  # the best proposal a line was part of but lost
    lost_rec: dict[int, Proposal]


def _ranked(best: list[Proposal]) -> tuple[list[Proposal], _Holders, _Holders]:
    """`best` (from `_best_per_items`) best first, and the holders of their lines and of
    their records; from `VECTORISED_FROM` proposals on by numpy (`_ranked_vectorised`)."""
    if len(best) >= VECTORISED_FROM:
        found = _ranked_vectorised(best)
        if found is not None:
            return found
    ordered = _ranked_by_sorts(best)
    by_line = _Holders(*_holders_counted([p.lines for p in ordered]))
    return ordered, by_line, _Holders(*_holders_counted([p.recs for p in ordered]))


def _best_per_items(props: Sequence[Proposal]) -> list[Proposal]:
    """The best proposal for each (lines, records), in (lines, records) order.

    Proposals come nearly in line order (each line's together), so sorting them by lines
    costs little, and then only one line's proposals are sorted by records (sorting all of
    them by records first scrambled them: at a million lines, seconds of comparisons).
    Duplicates are then side by side: a dict of them hashed two million tuples and weighed
    a tenth of the job's peak.
    """
    best: list[Proposal] = []
    ordered = sorted(props, key=_lines)
    n = len(ordered)
    i = 0
    while i < n:
        lines = ordered[i].lines
        j = i + 1
        while j < n and ordered[j].lines == lines:
            j += 1
        if j == i + 1:  # a line's only proposal (most are): nothing to sort or compare
            best.append(ordered[i])
        else:
            for _, same in itertools.groupby(sorted(ordered[i:j], key=_recs), key=_recs):
                found = list(same)
                best.append(found[0] if len(found) == 1 else min(found, key=Proposal.order))
        i = j
    return best


def _ranked_by_sorts(props: Sequence[Proposal]) -> list[Proposal]:
    """The proposals in `Proposal.order`, band by band; `props` come in (lines, records)
    order, as `_best_per_items` gives them.

    A band is ranked by stable sorts, least significant part of the order first, which
    ranks as one sort by the order's tuples without making a tuple per proposal (at a
    million lines, a band's key tuples took a few hundred megabytes at once).
    """
    by_band: dict[int, list[Proposal]] = {}
    for p in props:
        by_band.setdefault(p.band, []).append(p)
    ranked: list[Proposal] = []
    for band in sorted(by_band, reverse=True):
        same = by_band.pop(band)
        same.sort(key=_days_apart)
        same.sort(key=_closeness)
        same.sort(key=_gap)
        ranked.extend(same)
    return ranked


def _recs(p: Proposal) -> tuple[int, ...]:
    return p.recs


def _lines(p: Proposal) -> tuple[int, ...]:
    return p.lines


def _days_apart(p: Proposal) -> int:
    return abs(p.days or 0)


def _closeness(p: Proposal) -> float:
    return -(p.sim or 0.0)


def _gap(p: Proposal) -> int:
    return p.gap


# Stages whose evidence names no record: amount and counterparty only.
_UNIDENTIFIED: Final = frozenset({AMOUNT_NAME, FX_NAME})


def _competes(p: Proposal, q: Proposal, rules: Rules) -> bool:
    if p.stage == REVERSAL or q.stage == REVERSAL:
        return p.stage == q.stage
    if p.stage in _UNIDENTIFIED and q.lines != p.lines and not set(q.recs).isdisjoint(p.recs):
        # Another bank line fits the same record and nothing identifies the record: it
        # may be the payment, this one a second one. A person decides, whatever the bands.
        return True
    return q.band >= p.band - rules.margin


def assign(props: Sequence[Proposal], rules: Rules) -> Assignment:
    """Decide which proposals become matches, and which of those are `matched`."""
    ordered, by_line, by_rec = _ranked(_best_per_items(props))
    out = Assignment([], Owners(by_line.count()), Owners(by_rec.count()), {}, {})
    # 1 where a `matched` decision holds the line (record): a byte each, not a set entry.
    locked_lines = bytearray(by_line.count())
    locked_recs = bytearray(by_rec.count())
    line_owner, rec_owner = out.line_owner, out.rec_owner
    for k, p in enumerate(ordered):
        if line_owner.holds_any(p.lines) or rec_owner.holds_any(p.recs):
            _note_loss(p, out)
            continue
        if by_line.alone[k] and by_rec.alone[k]:
            rivals: tuple[Proposal, ...] = ()
        else:
            rivals = _rivals(k, p, ordered, by_line, by_rec)
        comparable = tuple(
            [
                not _any_set(q.lines, locked_lines)
                and not _any_set(q.recs, locked_recs)
                and _competes(p, q, rules)
                for q in rivals
            ]
        )
        decision = Decision(p, p.auto and not any(comparable), rivals, comparable)
        out.decisions.append(decision)
        for i in p.lines:
            line_owner[i] = decision
        for r in p.recs:
            rec_owner[r] = decision
        if decision.matched:
            for i in p.lines:
                locked_lines[i] = 1
            for r in p.recs:
                locked_recs[r] = 1
    return out


def _any_set(items: tuple[int, ...], flags: bytearray) -> bool:
    return any(flags[i] for i in items)


class _Holders:
    """For each line (or record), the positions of the proposals holding it, ascending, and
    for each proposal whether it alone holds its lines (records).

    One flat array with each item's start in it: at a million lines, a tenth of the memory
    of a dict of lists, and the assignment's peak.
    """

    __slots__ = ("alone", "flat", "start")

    def __init__(self, alone: bytearray, flat: array[int], start: array[int]) -> None:
        self.alone, self.flat, self.start = alone, flat, start

    def count(self) -> int:
        """How many lines (records) there are: one more than the highest position held."""
        return len(self.start) - 1

    def __getitem__(self, item: int) -> Sequence[int]:
        return self.flat[self.start[item] : self.start[item + 1]]


# Proposals from which they are ranked and their holders built with numpy (importing it
# costs more than it saves on fewer). Measured (compiled, 2026-12-07): both holders of 200k
# shuffled proposals, 0.48 s counted, 0.29 s with numpy and its import; the ranking and
# holders of the 100k job's 189k proposals, 0.40 s with numpy and its import against 0.54 s
# by key sorts and numpy holders; of ten times as many, 2.6 s against 6.1 s.
VECTORISED_FROM: Final = 150_000
# Holders are sorted as one int per (item, owner) pair, item * count + owner, below this.
PAIRS_IN_AN_INT: Final = 2**62


def _holders_counted(held: Sequence[tuple[int, ...]]) -> tuple[bytearray, array[int], array[int]]:
    """`_Holders`' arrays for proposals holding `held[k]` at position k, by a counting sort,
    counted in a list (compiled, reading an array entry makes an int object; a small count
    in a list is a shared one). No builtin per proposal: compiled code looks `max` up by
    name at each call (at 20k lines, a third of the assignment)."""
    size = 0  # one more than the highest item held
    for t in held:
        for i in t:
            if i >= size:
                size = i + 1
    counts = [0] * (size + 1)
    for t in held:
        for i in t:
            counts[i + 1] += 1
    # Most proposals taken have no rivals: they need not look their items up.
    alone = bytearray(len(held))
    for k, t in enumerate(held):
        if all(counts[i + 1] == 1 for i in t):
            alone[k] = 1
    total = 0
    for i in range(size + 1):
        total += counts[i]
        counts[i] = total
    start = array("q", counts)
    free = counts  # each item's next slot: k ascending
    flat = array("q", bytes(8 * total))
    for k, t in enumerate(held):
        for i in t:
            flat[free[i]] = k
            free[i] += 1
    return alone, flat, start


def _ranked_vectorised(best: list[Proposal]) -> tuple[list[Proposal], _Holders, _Holders] | None:
    """`_ranked`'s result by numpy, or None where a key does not fit an array (a gap
    beyond 64 bits, a similarity that is not a number).

    The proposals are read once, in (lines, records) order, near the order they lie in
    memory; the ranking and the holders are then sorts of arrays. Read in rank order, each
    proposal was a cache miss, a pass for each key and each holder (at a million lines,
    seconds each).
    """
    import numpy as np  # only for large assignments: importing it takes 0.1-0.3 s

    n = len(best)
    bands, gaps, sims, days = [0] * n, [0] * n, [0.0] * n, [0] * n
    line_counts, rec_counts = bytearray(n), bytearray(n)
    lines: list[int] = []
    recs: list[int] = []
    for k in range(n):
        p = best[k]
        bands[k], gaps[k], days[k] = p.band, p.gap, abs(p.days or 0)
        sim = p.sim
        if sim is not None:
            sims[k] = sim
        if len(p.lines) > 255 or len(p.recs) > 255:
            return None
        line_counts[k], rec_counts[k] = len(p.lines), len(p.recs)
        lines.extend(p.lines)
        recs.extend(p.recs)
    try:
        gap_keys = np.array(gaps, dtype=np.int64)
    except OverflowError:
        return None
    sim_keys = np.array(sims, dtype=np.float64)
    if np.isnan(sim_keys).any():
        return None
    # Stable, last key first: band, then gap, closeness and days apart, then `best`'s order.
    day_keys, band_keys = np.array(days, dtype=np.int64), np.array(bands, dtype=np.int64)
    order = np.lexsort((day_keys, -sim_keys, gap_keys, -band_keys))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n, dtype=np.int64)
    by_rank: list[int] = order.tolist()  # typed: compiled, `best[k]` is then read directly
    ordered = [best[k] for k in by_rank]
    line_owners = np.repeat(rank, np.frombuffer(line_counts, dtype=np.uint8))
    rec_owners = np.repeat(rank, np.frombuffer(rec_counts, dtype=np.uint8))
    by_line = _Holders(*_holders_of(np.array(lines, dtype=np.int64), line_owners, n))
    by_rec = _Holders(*_holders_of(np.array(recs, dtype=np.int64), rec_owners, n))
    return ordered, by_line, by_rec


def _holders_of(
    items: Any, owners: Any, count: int, pairs_limit: int = PAIRS_IN_AN_INT
) -> tuple[bytearray, array[int], array[int]]:
    """`_Holders`' arrays from numpy arrays: each item held, and the position of the
    proposal holding it (of `count`). Sorted by item and owner as one int where the
    pairs stay below `pairs_limit`, else by a lexsort of the two (the same arrays)."""
    import numpy as np

    size = int(items.max()) + 1 if len(items) else 0
    counts = np.bincount(items, minlength=size)
    shared = np.bincount(owners[counts[items] > 1], minlength=count)
    start = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(counts, out=start[1:])
    if size * count < pairs_limit:
        # Each (item, owner) as one int, sorted: at a million lines, 0.04 s where the
        # lexsort of the two, a stable sort of each, took 0.6 s.
        pairs = items * count + owners
        pairs.sort()
        flat = pairs % count
    else:
        flat = owners[np.lexsort((owners, items))]
    return bytearray((shared == 0).astype(np.uint8).tobytes()), _int64s(flat), _int64s(start)


def _int64s(values: Any) -> array[int]:
    found = array("q")
    found.frombytes(values.astype("int64").tobytes())
    return found


def _rivals(
    k: int,
    p: Proposal,
    ordered: list[Proposal],  # a list, not any sequence: compiled, read by index directly
    by_line: _Holders,
    by_rec: _Holders,
) -> tuple[Proposal, ...]:
    lines, recs = p.lines, p.recs
    if len(lines) == 1 and len(recs) <= 1:
        on_line = by_line[lines[0]]
        if not recs:
            found = [q for q in on_line if q != k]
        elif len(on_line) == 1:
            found = [q for q in by_rec[recs[0]] if q != k]
        else:
            found = sorted({*on_line, *by_rec[recs[0]]} - {k})
        return tuple([ordered[q] for q in found])
    seen: set[int] = {k}
    for i in lines:
        seen.update(by_line[i])
    for r in recs:
        seen.update(by_rec[r])
    seen.discard(k)
    return tuple([ordered[q] for q in sorted(seen)])


def _note_loss(p: Proposal, out: Assignment) -> None:
    for i in p.lines:
        if i not in out.line_owner:
            out.lost_line.setdefault(i, p)
    for r in p.recs:
        if r not in out.rec_owner:
            out.lost_rec.setdefault(r, p)
