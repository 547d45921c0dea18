"""Turning decisions into the engine's frozen results, in a deterministic order."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Final

from accord.kit.frozen import builder
from accord.kit.money import Money
from accord.matching.engine.assign import Assignment, Decision
from accord.matching.engine.explain import explain, money
from accord.matching.engine.model import (
    Alternative,
    EngineResult,
    Evidence,
    Match,
    MatchStatus,
    UnmatchedLine,
    UnmatchedRecord,
)
from accord.matching.engine.prepare import (
    PLine,
    PRec,
    line_sort_key,
    norm_account,
    record_sort_key,
)
from accord.matching.engine.proposals import DOUBLE_PAYMENT, Proposal
from accord.matching.engine.rules import REVERSAL

MAX_ALTERNATIVES: Final = 5
_CENT: Final = Decimal("0.01")
_CONFIDENCE: Final = {b: (Decimal(min(b, 100)) / 100).quantize(_CENT) for b in range(102)}
# A review never looks as sure as an automatic match.
_REVIEW_CONFIDENCE: Final = {
    b: (Decimal(min(b, 100) * 6 // 10) / 100).quantize(_CENT) for b in range(102)
}
_PENDING: Final = "pending line: not yet booked"
# The results' constructors, built faster (accord.kit.frozen): a match makes up to seven.
_build_match: Final = builder(Match)
_build_evidence: Final = builder(Evidence)
_build_alternative: Final = builder(Alternative)
_build_unmatched_line: Final = builder(UnmatchedLine)
_build_unmatched_record: Final = builder(UnmatchedRecord)


def match_id(idents: Sequence[str], ledger_ids: Sequence[str]) -> str:
    """Stable id: a hash of the sorted line identities and ledger ids."""
    text = "\x1e".join(sorted(idents)) + "\x1d" + "\x1e".join(sorted(ledger_ids))
    return "m_" + hashlib.sha256(text.encode()).hexdigest()[:16]


def build_result(
    a: Assignment,
    lines: list[PLine],
    recs: list[PRec],
    crowded: Mapping[int, int],
    *,
    tied: bool,
) -> EngineResult:
    """Every decision as a match and every leftover with its reason, in `sort_result`'s order.

    `lines` and `records` are in canonical order (by their sort keys), so when no two share
    a sort key, ordering matches by their first line's position gives that order unsorted;
    `tied` says two do (`Prepared.tied`, `RecordBook.tied`), and then the result is sorted.
    The assignment is taken apart on the way, each decision dropped once it is a match (at
    a million lines, they weigh as much as the matches): `a` is empty afterwards.
    """
    left_lines = [
        _build_unmatched_line(pl.line, line_reason(pl, a, lines, recs, crowded.get(pl.pos, 0)))
        for pl in lines
        if pl.pos not in a.line_owner
    ]
    left_recs = [
        _build_unmatched_record(pr.rec, record_reason(pr, a, lines, recs))
        for pr in recs
        if pr.pos not in a.rec_owner
    ]
    for owners in (a.line_owner, a.rec_owner, a.lost_line, a.lost_rec):
        owners.clear()
    # By first line: a line belongs to one decision at most, so a list by position orders
    # them without a sort (at a million lines, two seconds of key calls).
    by_first: list[Decision | None] = [None] * len(lines)
    for decision in a.decisions:
        by_first[decision.prop.lines[0]] = decision
    a.decisions.clear()
    matches: list[Match] = []
    for pos in range(len(by_first)):
        found = by_first[pos]
        if found is not None:
            by_first[pos] = None
            matches.append(build_match(found, lines, recs))
    if tied:
        return sort_result(matches, left_lines, left_recs)
    return EngineResult(tuple(matches), tuple(left_lines), tuple(left_recs))


def build_match(d: Decision, lines: list[PLine], recs: list[PRec]) -> Match:
    p = d.prop
    mlines = [lines[i] for i in p.lines]
    mrecs = [recs[r] for r in p.recs]
    total = mlines[0].minor if len(mlines) == 1 else sum(pl.minor for pl in mlines)
    difference = _difference(total - p.expected, mlines[0].currency)
    bank_lines = tuple([pl.line for pl in mlines])
    records = tuple([pr.rec for pr in mrecs])
    bank_refs = tuple([line.bank_ref for line in bank_lines])
    ledger_ids = tuple([rec.id for rec in records])
    rivals = d.rivals
    evidence = _build_evidence(
        identifiers=p.evidence_ids(lambda r: recs[r].label),
        amount_difference=difference,
        days_apart=p.days,
        name_similarity=round(p.sim, 1) if p.sim is not None else None,
        fx_rate=p.fx_rate,
        fx_source=p.fx_source,
        alternatives=_alternatives(rivals, d.comparable, lines, recs) if rivals else (),
        notes=p.notes if all(pl.booked for pl in mlines) else (*p.notes, _PENDING),
    )
    explanation = explain(
        p,
        mlines,
        mrecs,
        total=total,
        matched=d.matched,
        rivals=_as_plausible(rivals, d.comparable),
        all_recs=recs,
    )
    return _build_match(
        match_id=match_id([pl.ident for pl in mlines], ledger_ids),
        status=MatchStatus.MATCHED if d.matched else MatchStatus.REVIEW,
        bank_refs=bank_refs,
        ledger_ids=ledger_ids,
        rule=p.stage,
        confidence=(_CONFIDENCE if d.matched else _REVIEW_CONFIDENCE)[p.band],
        difference=difference,
        explanation=explanation,
        evidence=evidence,
        lines=bank_lines,
        records=records,
    )


@functools.lru_cache(maxsize=4096)  # most differences are zero or a known fee
def _difference(minor: int, currency: str) -> Money:
    return Money(minor, currency)


def _as_plausible(rivals: Sequence[Proposal], comparable: Sequence[bool]) -> Sequence[Proposal]:
    if not rivals:
        return ()
    return [q for q, close in zip(rivals, comparable, strict=True) if close]


def _alternatives(
    rivals: Sequence[Proposal],
    comparable: Sequence[bool],
    lines: list[PLine],
    recs: list[PRec],
) -> tuple[Alternative, ...]:
    return tuple(
        [
            _build_alternative(
                tuple([lines[i].line.bank_ref for i in q.lines]),
                tuple([recs[r].rec.id for r in q.recs]),
                _rival_reason(close, q.stage, q.band),
            )
            for q, close in zip(
                rivals[:MAX_ALTERNATIVES], comparable[:MAX_ALTERNATIVES], strict=True
            )
        ]
    )


@functools.lru_cache(maxsize=1024)  # a few stages and bands: one string each, not one per rival
def _rival_reason(comparable: bool, stage: str, band: int) -> str:
    kind = "as plausible" if comparable else "weaker evidence"
    return f"{kind}: {stage} (strength {band})"


def line_reason(
    pl: PLine, a: Assignment, lines: list[PLine], recs: list[PRec], crowded: int
) -> str:
    """Why a bank line is left unmatched."""
    if pl.minor == 0:
        return "zero amount: nothing to match"
    lost = a.lost_line.get(pl.pos)
    if lost is not None and lost.stage == REVERSAL:
        other = next(i for i in lost.lines if i != pl.pos)
        owner = a.line_owner.get(other)
        state = f", which is {_verb(owner)} for {_labels(owner, recs)}" if owner else ""
        return f"looks like a return of bank line {lines[other].line.bank_ref}{state}"
    if lost is not None:
        taken = [r for r in lost.recs if r in a.rec_owner]
        if taken:
            owner = a.rec_owner[taken[0]]
            verb = "matched" if owner.matched else "proposed"
            refs = ", ".join(lines[i].line.bank_ref for i in owner.prop.lines)
            label = recs[taken[0]].label
            if DOUBLE_PAYMENT in lost.notes or lost.band >= 82:
                return f"possible double payment: {label} is already {verb} for bank line {refs}"
            return f"its best candidate {label} is {verb} for bank line {refs}"
        return "its candidates are taken by better matches"
    if pl.line.reversal:
        return "returned payment: the payment it returns is not among the open lines"
    if crowded:
        return f"{crowded} open records have this amount and nothing singles one out"
    return "no open record with this reference or amount"


def _verb(d: Decision) -> str:
    return "matched" if d.matched else "proposed"


def _labels(d: Decision, recs: list[PRec]) -> str:
    return ", ".join(recs[r].label for r in d.prop.recs) or "a returned payment"


def record_reason(pr: PRec, a: Assignment, lines: list[PLine], recs: list[PRec]) -> str:
    """Why a ledger record is left unmatched."""
    lost = a.lost_rec.get(pr.pos)
    if lost is not None:
        taken = [i for i in lost.lines if i in a.line_owner]
        if taken:
            owner = a.line_owner[taken[0]]
            verb = "matched" if owner.matched else "proposed"
            labels = ", ".join(recs[r].label for r in owner.prop.recs) or "its returned payment"
            return (
                f"the bank line that fits it ({lines[taken[0]].line.bank_ref}, "
                f"{money(lines[taken[0]].minor, lines[taken[0]].currency)}) is {verb} for {labels}"
            )
    return "no bank line found"


def _match_key(m: Match) -> tuple[object, ...]:
    first = m.lines[0]
    return (*line_sort_key(first, norm_account(first.account) or ""), m.match_id)


def sort_result(
    matches: Sequence[Match],
    unmatched_lines: Sequence[UnmatchedLine],
    unmatched_records: Sequence[UnmatchedRecord],
) -> EngineResult:
    """Matches by their first line's (account, date, bank_ref); leftovers in input order."""
    return EngineResult(
        matches=tuple(sorted(matches, key=_match_key)),
        unmatched_lines=tuple(
            sorted(
                unmatched_lines,
                key=lambda u: (
                    *line_sort_key(u.line, norm_account(u.line.account) or ""),
                    u.reason,
                ),
            )
        ),
        unmatched_records=tuple(
            sorted(unmatched_records, key=lambda u: (*record_sort_key(u.record), u.reason))
        ),
    )


def merge_results(results: Sequence[EngineResult]) -> EngineResult:
    """One result from several partitions' results, in the same order `reconcile` uses."""
    return sort_result(
        [m for r in results for m in r.matches],
        [u for r in results for u in r.unmatched_lines],
        [u for r in results for u in r.unmatched_records],
    )
