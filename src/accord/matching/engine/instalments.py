"""Instalments: several lines that each quote only one record and together complete it,
with lines that quote only its bare number in the payer's name joining them for review."""

from __future__ import annotations

from collections.abc import Sequence

from accord.matching.engine.candidates import is_number
from accord.matching.engine.context import Context
from accord.matching.engine.prepare import PLine, PRec
from accord.matching.engine.proposals import Proposal, paid_note
from accord.matching.engine.rules import INSTALMENTS, PARTIAL
from accord.matching.engine.subsets import find_subsets, subsets_within_rules


def instalments(
    pr: PRec,
    line_pos: Sequence[int],
    lines: list[PLine],
    ctx: Context,
    weak: Sequence[int] = (),
) -> Proposal | None:
    """Several lines of one account that each quote only `pr` and pay part of it; `weak`
    lines quote only its bare number, in the payer's name, and join them for review."""
    if not line_pos:
        return _weak_only(pr, weak, lines, ctx)
    if len(line_pos) < 2:
        completed = _completed_by_weak(pr, line_pos, weak, lines, ctx)
        return completed or (_partly_paid(pr, line_pos, weak, lines, ctx) if weak else None)
    rules = ctx.rules
    values = [abs(lines[i].minor) for i in line_pos]
    target = abs(pr.minor)
    limit = rules.collective_tolerance.limit(target)
    total = sum(values)
    if abs(total - target) <= limit:
        return _instal(pr, line_pos, lines, 90, ctx, INSTALMENTS)
    if len(line_pos) <= rules.max_subset_records:
        found, complete = subsets_within_rules(values, target, limit, rules)
        if found:
            prop = _instal(pr, [line_pos[i] for i in found[0]], lines, 80, ctx, INSTALMENTS)
            prop.auto = False
            prop.notes = (f"{len(line_pos)} payments quote it; these {len(found[0])} complete it",)
            if len(found) > 1 or not complete:
                prop.notes += ("other combinations of these payments also complete it",)
            return prop
    completed = _completed_by_weak(pr, line_pos, weak, lines, ctx)
    return completed or _partly_paid(pr, line_pos, weak, lines, ctx)


def _partly_paid(
    pr: PRec, line_pos: Sequence[int], weak: Sequence[int], lines: list[PLine], ctx: Context
) -> Proposal:
    """The lines quoting `pr` that pay part of it: those in its counterparty's name when
    others quote it too (another payer's digits are no instalment of this record), with
    the lines quoting only its number as long as they do not pay too much."""
    target = abs(pr.minor)
    own = [i for i in line_pos if not _other_payer(lines[i], pr, ctx)] or list(line_pos)
    paid = sum(abs(lines[i].minor) for i in own)
    weak_paid = sum(abs(lines[i].minor) for i in weak)
    extra = list(weak) if paid + weak_paid <= target else []
    prop = _instal(pr, [*own, *extra], lines, 55, ctx, PARTIAL)
    total = paid + (weak_paid if extra else 0)
    prop.notes = (paid_note(total, target, pr.currency),)
    if extra:
        refs, verb = _refs_quoting(extra, lines)
        prop.notes += (f"{refs} {verb} only its number",)
    return prop


def _refs_quoting(positions: Sequence[int], lines: list[PLine]) -> tuple[str, str]:
    """The lines' bank refs in line order, and the verb that agrees with them: ("B3",
    "quotes"), ("B3, B4", "quote")."""
    refs = ", ".join(lines[i].line.bank_ref for i in sorted(positions))
    return refs, "quotes" if len(positions) == 1 else "quote"


def _other_payer(pl: PLine, pr: PRec, ctx: Context) -> bool:
    """The line names a payer unlike the record's counterparty."""
    return bool(pl.name and pr.name) and not ctx.rules.strong_name(ctx.similarity(pl.name, pr.name))


def _completed_by_weak(
    pr: PRec, line_pos: Sequence[int], weak: Sequence[int], lines: list[PLine], ctx: Context
) -> Proposal | None:
    """The lines that quote `pr`, and the one combination (1-3) of lines quoting only its
    bare number that pays the exact rest (review: digits alone are never proof)."""
    rules = ctx.rules
    rest = abs(pr.minor) - sum(abs(lines[i].minor) for i in line_pos)
    if not weak or rest <= 0 or len(weak) > rules.max_subset_records:
        return None
    found, complete = find_subsets(
        [abs(lines[i].minor) for i in weak],
        rest,
        min_size=1,
        max_size=3,
        cap=rules.subset_iteration_cap,
    )
    if len(found) != 1 or not complete:
        return None
    extra = [weak[i] for i in found[0]]
    prop = _instal(pr, [*line_pos, *extra], lines, 60, ctx, INSTALMENTS)
    prop.auto = False
    refs, verb = _refs_quoting(extra, lines)
    prop.notes = (f"completed by {refs}, which {verb} only its number",)
    return prop


def _weak_only(pr: PRec, weak: Sequence[int], lines: list[PLine], ctx: Context) -> Proposal | None:
    """Lines that quote only `pr`'s number, its whole reference, in the payer's name, and
    pay part of it or all of it together (review: digits alone are never proof)."""
    if not weak or len(weak) > ctx.rules.max_subset_records or not is_number(pr):
        return None
    target = abs(pr.minor)
    total = sum(abs(lines[i].minor) for i in weak)
    only = "the payment quotes" if len(weak) == 1 else f"the {len(weak)} payments quote"
    if abs(total - target) <= ctx.rules.collective_tolerance.limit(target):
        prop = _instal(pr, weak, lines, 60, ctx, INSTALMENTS)
        prop.auto = False
        prop.notes = (f"{only} only its number",)
        return prop
    if total > target:
        return None
    prop = _instal(pr, weak, lines, 50, ctx, PARTIAL)
    prop.notes = (
        paid_note(total, target, pr.currency),
        f"{only} only its number",
    )
    return prop


def _instal(
    pr: PRec, line_pos: Sequence[int], lines: list[PLine], band: int, ctx: Context, stage: str
) -> Proposal:
    chosen = sorted(line_pos)
    booked = all(lines[i].booked for i in chosen)
    prop = Proposal(
        tuple(chosen),
        (pr.pos,),
        band,
        stage,
        auto=booked and ctx.rules.may_auto(stage),
        expected=pr.minor,
    )
    prop.ids = (f"reference={pr.label}",)
    days = [d for d in (lines[i].day for i in chosen) if d is not None]
    prop.days = (max(days) - pr.day) if days else None
    sims = [ctx.similarity(lines[i].name, pr.name) for i in chosen if lines[i].name and pr.name]
    prop.sim = min(sims) if sims else None
    return prop.finish(sum(lines[i].minor for i in chosen))
