"""Collective payments: one line that pays several records, quoted or found by the
payer's name, and the records it pays in part (`partial`)."""

from __future__ import annotations

from collections.abc import Sequence

from accord.matching.engine.candidates import compatible, line_window
from accord.matching.engine.context import Context
from accord.matching.engine.counterparty import (
    MAX_EXACT_SUM_CANDIDATES,
    record_in_window,
    same_counterparty,
)
from accord.matching.engine.hits import hits_of
from accord.matching.engine.pair import BARE, NO_RATE, PREFIXED, STRENGTH_WORDS, Pair
from accord.matching.engine.prepare import PLine, PRec
from accord.matching.engine.proposals import Proposal, paid_note
from accord.matching.engine.rules import COLLECTIVE, PARTIAL
from accord.matching.engine.subsets import exact_sums, subsets_within_rules
from accord.matching.engine.text import segments


def collective(pl: PLine, pairs: Sequence[Pair], recs: list[PRec], ctx: Context) -> Proposal | None:
    """One line that quotes several records."""
    strong = sorted(
        (p for p in pairs if p.strength >= PREFIXED and p.aclass != NO_RATE), key=lambda p: p.rec
    )
    if len(strong) < 2:
        return _bare_collective(pl, pairs, recs, ctx)
    rules = ctx.rules
    total = sum(p.expected for p in strong)
    fx = any(p.fx_rate is not None for p in strong)
    limit = rules.collective_tolerance.limit(total)
    if fx:
        limit = max(limit, int(abs(total) * rules.fx_tolerance))
    shortfall = abs(total) - abs(pl.minor)
    if abs(pl.minor - total) <= limit:
        return _group(pl, strong, recs, 85 if fx else 92, True, ctx)
    if pl.minor > 0 and shortfall > 0 and shortfall in rules.fee_amounts(pl.currency):
        prop = _group(pl, strong, recs, 82, True, ctx)
        prop.fee = shortfall
        return prop
    completed = _complete_cut_list(pl, strong, pairs, recs, ctx)
    if completed is not None:
        return completed
    if len(strong) <= rules.max_subset_records:
        found, complete = subsets_within_rules(
            [abs(p.expected) for p in strong], abs(pl.minor), limit, rules
        )
        if found:
            chosen = [strong[i] for i in found[0]]
            prop = _group(pl, chosen, recs, 80, False, ctx)
            prop.notes = (f"the line quotes {len(strong)} records; these {len(chosen)} add up",)
            if len(found) > 1 or not complete:
                prop.notes += ("other combinations of the quoted records also add up",)
            return prop
    prop = _group(pl, strong, recs, 55, False, ctx, stage=PARTIAL)
    prop.notes = (paid_note(pl.minor, total, pl.currency),)
    return prop


def _complete_cut_list(
    pl: PLine, strong: Sequence[Pair], pairs: Sequence[Pair], recs: list[PRec], ctx: Context
) -> Proposal | None:
    """A list cut at the bank's length limit: the missing record pays the exact remainder.

    Only when a text is at the limit, and exactly one combination (1-3) of other open
    records pays the remainder: records of the quoted records' counterparty (the ledger's
    name for the payer) or of the line's (a strong name), dated within the amount window.
    Found among more of them than `max_subset_records`, it is for review.
    """
    rules = ctx.rules
    if not _list_is_cut(pl, ctx) or any(p.fx_rate is not None for p in strong):
        return None
    remainder = pl.minor - sum(p.expected for p in strong)
    if (remainder > 0) != (pl.minor > 0) or not remainder:
        return None
    listed = {p.rec for p in strong}
    window = line_window(pl, rules)
    # The quoted records name the payer as the ledger writes it, the line as its bank does.
    named = {recs[r].name for r in listed if recs[r].name}
    kin = {r for name in named for r in hits_of(ctx.index.names.get(name))}
    others = [
        r
        for r in sorted(kin.union(same_counterparty(pl, ctx)))
        if r not in listed
        and compatible(pl, recs[r])
        and recs[r].currency == pl.currency
        and record_in_window(recs[r], window)
    ]
    if not others or len(others) > MAX_EXACT_SUM_CANDIDATES:
        return None
    found = exact_sums([abs(recs[r].minor) for r in others], abs(remainder))
    if len(found) != 1:
        return None
    # Among many open records of one payer, one exact sum may still be a coincidence.
    certain = len(others) <= rules.max_subset_records
    extras = []
    for i in found[0]:
        extra = Pair(others[i], 0)
        extra.expected = recs[others[i]].minor
        extra.sim = ctx.similarity(pl.name, recs[others[i]].name) if pl.name else None
        extras.append(extra)
    chosen = sorted([*strong, *extras], key=lambda p: p.rec)
    prop = _group(pl, chosen, recs, 84, certain, ctx)
    labels = ", ".join(recs[p.rec].label for p in extras)
    prop.notes = (
        f"the list is cut short; {labels} of the same counterparty pay the exact remainder",
    )
    if not certain:
        prop.notes += (f"found among {len(others)} open records of this counterparty",)
    return prop


def _list_is_cut(pl: PLine, ctx: Context) -> bool:
    """The text ends in the middle of an invoice word: the list went on past the cut."""
    line = pl.line
    text = line.remittance or line.additional_info or ""
    segs = segments(text.upper())
    if not segs or segs[-1].isdigit():
        return False
    last = segs[-1]
    return any(k.startswith(last) for k in ctx.index.generic)


def _bare_collective(
    pl: PLine, pairs: Sequence[Pair], recs: list[PRec], ctx: Context
) -> Proposal | None:
    """Bare numbers of one counterparty's records whose sum is exactly the payment.

    A bare number is only evidence; the exact total and the strong name corroborate it.
    """
    rules = ctx.rules
    bare = sorted(
        (
            p
            for p in pairs
            if p.strength == BARE
            and rules.strong_name(p.sim)
            and p.fx_rate is None
            and p.aclass != NO_RATE
        ),
        key=lambda p: p.rec,
    )
    if len(bare) < 2:
        return None
    total = sum(p.expected for p in bare)
    if abs(pl.minor - total) > rules.collective_tolerance.limit(total):
        return None
    prop = _group(pl, bare, recs, 74, True, ctx)
    prop.notes = ("the numbers in the text, the exact total and the name agree",)
    return prop


def _group(
    pl: PLine,
    chosen: Sequence[Pair],
    recs: list[PRec],
    band: int,
    auto: bool,
    ctx: Context,
    stage: str = COLLECTIVE,
) -> Proposal:
    rules = ctx.rules
    prop = Proposal(
        (pl.pos,),
        tuple(p.rec for p in chosen),
        band,
        stage,
        auto=auto and pl.booked and rules.may_auto(stage),
        expected=sum(p.expected for p in chosen),
    )
    prop.ids = tuple(
        f"{STRENGTH_WORDS[p.strength]}={recs[p.rec].label}" for p in chosen if p.strength
    )
    prop.days = max((p.days for p in chosen if p.days is not None), default=None)
    rates = [p for p in chosen if p.fx_rate is not None]
    if rates:
        prop.fx_rate, prop.fx_source = rates[0].fx_rate, rates[0].fx_source
    sims = [p.sim for p in chosen if p.sim is not None]
    prop.sim = min(sims) if sims else None
    return prop.finish(pl.minor)
