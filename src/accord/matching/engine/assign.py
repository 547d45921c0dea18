"""Global assignment: proposals best-first, with both-way uniqueness for `matched`.

A proposal is taken when none of its lines or records is taken yet. It is `matched` only
when its stage may auto-match and no other proposal of comparable strength (within
`Rules.margin` bands) competes for any of its lines or records, unless that rival is
already impossible because a `matched` proposal holds one of its items. Anything else
is `review`. Nothing is decided first-come-first-served: the order is the evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from accord.matching.engine.proposals import Proposal
from accord.matching.engine.rules import AMOUNT_NAME, FX_NAME, REVERSAL, Rules


@dataclass(slots=True)
class Decision:
    prop: Proposal
    matched: bool
    rivals: list[tuple[Proposal, bool]] = field(default_factory=list)  # (rival, comparable)


@dataclass(slots=True)
class Assignment:
    decisions: list[Decision]
    line_owner: dict[int, Decision]
    rec_owner: dict[int, Decision]
    lost_line: dict[int, Proposal]  # the best proposal a line was part of but lost
    lost_rec: dict[int, Proposal]


def _dedupe(props: Sequence[Proposal]) -> list[Proposal]:
    best: dict[tuple[tuple[int, ...], tuple[int, ...]], Proposal] = {}
    for p in props:
        key = (p.lines, p.recs)
        old = best.get(key)
        if old is None or p.order < old.order:
            best[key] = p
    return sorted(best.values(), key=lambda p: p.order)


# Stages whose evidence names no record: amount and counterparty only.
_UNIDENTIFIED = frozenset({AMOUNT_NAME, FX_NAME})


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
    ordered = _dedupe(props)
    for p in ordered:
        p.order = ()  # position in `ordered` keeps the order from here on
    by_line: dict[int, list[int]] = {}
    by_rec: dict[int, list[int]] = {}
    for k, p in enumerate(ordered):
        for i in p.lines:
            by_line.setdefault(i, []).append(k)
        for r in p.recs:
            by_rec.setdefault(r, []).append(k)
    out = Assignment([], {}, {}, {}, {})
    locked_lines: set[int] = set()
    locked_recs: set[int] = set()
    line_owner, rec_owner = out.line_owner, out.rec_owner
    for k, p in enumerate(ordered):
        if _taken(p.lines, line_owner) or _taken(p.recs, rec_owner):
            _note_loss(p, out)
            continue
        rivals = _rivals(k, p, ordered, by_line, by_rec)
        flagged: list[tuple[Proposal, bool]] = []
        contested = False
        for q in rivals:
            alive = not (
                any(i in locked_lines for i in q.lines) or any(r in locked_recs for r in q.recs)
            )
            comparable = alive and _competes(p, q, rules)
            contested |= comparable
            flagged.append((q, comparable))
        decision = Decision(p, p.auto and not contested, flagged)
        out.decisions.append(decision)
        for i in p.lines:
            out.line_owner[i] = decision
        for r in p.recs:
            out.rec_owner[r] = decision
        if decision.matched:
            locked_lines.update(p.lines)
            locked_recs.update(p.recs)
    return out


def _taken(items: tuple[int, ...], owner: dict[int, Decision]) -> bool:
    return not owner.keys().isdisjoint(items)


def _rivals(
    k: int,
    p: Proposal,
    ordered: Sequence[Proposal],
    by_line: dict[int, list[int]],
    by_rec: dict[int, list[int]],
) -> list[Proposal]:
    if len(p.lines) == 1 and len(p.recs) <= 1:
        alone = len(by_line[p.lines[0]]) == 1 and (not p.recs or len(by_rec[p.recs[0]]) == 1)
        if alone:
            return []
    seen: set[int] = {k}
    found: list[int] = []
    for i in p.lines:
        for q in by_line[i]:
            if q not in seen:
                seen.add(q)
                found.append(q)
    for r in p.recs:
        for q in by_rec[r]:
            if q not in seen:
                seen.add(q)
                found.append(q)
    found.sort()
    return [ordered[q] for q in found]


def _note_loss(p: Proposal, out: Assignment) -> None:
    for i in p.lines:
        if i not in out.line_owner:
            out.lost_line.setdefault(i, p)
    for r in p.recs:
        if r not in out.rec_owner:
            out.lost_rec.setdefault(r, p)
