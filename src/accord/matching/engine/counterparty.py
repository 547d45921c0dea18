"""A payer's open records found by name (`same_counterparty`), and the unlisted
combination of them that one line may pay (`subset`, for review)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from accord.matching.engine.candidates import compatible, line_window
from accord.matching.engine.context import Context
from accord.matching.engine.hits import hits_of
from accord.matching.engine.prepare import PLine, PRec
from accord.matching.engine.proposals import Proposal
from accord.matching.engine.rules import SUBSET
from accord.matching.engine.subsets import exact_sums, subsets_within_rules
from accord.matching.engine.text import lookup_words, names_reaching

# The most open records among which two or three that pay an exact sum are looked for
# (three take n^2 / 2 look-ups: 20,000 at this bound).
MAX_EXACT_SUM_CANDIDATES: Final = 200


def same_counterparty(pl: PLine, ctx: Context) -> Sequence[int]:
    """Records whose counterparty name strongly matches the line's, via the name index:
    the names sharing one of its less common words, or its two rarest words together.
    Found once per name and account (payers pay many times)."""
    if not pl.name:
        return []
    key = (pl.name, pl.account)
    found = ctx.counterparty_records.get(key)
    if found is None:
        found = _same_counterparty(pl.name, pl.account, ctx)
        ctx.remember_counterparty(key, found)
    return found


def _same_counterparty(line_name: str, line_account: str, ctx: Context) -> list[int]:
    index, rules = ctx.index, ctx.rules
    names: set[str] = {line_name}
    words = [_as_the_ledger_spells(word, line_account, ctx) for word in lookup_words(line_name)]
    for account in (line_account, ""):
        lists = sorted(
            (hits for tok in words if (hits := index.name_tokens.get((account, tok)))),
            key=len,
        )
        for hits in lists:
            if len(hits) <= rules.max_candidates:
                names.update(hits)
        # Every word on many names (a common surname, trade and town): the names with the
        # two rarest of them, or the three rarest, when they are few.
        if len(lists) >= 2 and len(lists[0]) > rules.max_candidates:
            few = rules.max_candidates // 5
            common = ctx.name_set(lists[0]).intersection(lists[1])
            if len(common) > few and len(lists) >= 3:
                common = common.intersection(ctx.name_set(lists[2]))
            if len(common) <= few:
                names.update(common)
    out: list[int] = []
    ordered = sorted(names)
    reached = names_reaching(line_name, ordered, rules.name_strong)
    for name, strong in zip(ordered, reached, strict=True):
        if strong:
            out.extend(hits_of(index.names.get(name)))
    return sorted(out)


def _as_the_ledger_spells(word: str, account: str, ctx: Context) -> str:
    """A word of the line's name as the records' names spell it, where none has it as is."""
    tokens = ctx.index.name_tokens
    if len(word) < 5 or (account, word) in tokens or ("", word) in tokens:
        return word
    return ctx.ledger_spelling(word) or word


def record_in_window(pr: PRec, window: tuple[int, int] | None) -> bool:
    """The record is dated within `window` (a line's amount window, `line_window`)."""
    return window is None or window[0] <= pr.day <= window[1]


def subset(pl: PLine, recs: list[PRec], taken: set[int], ctx: Context) -> Proposal | None:
    """A combination of one counterparty's open records that adds up to the line (review)."""
    rules = ctx.rules
    window = line_window(pl, rules)
    cands = [
        recs[r]
        for r in same_counterparty(pl, ctx)
        if r not in taken
        and compatible(pl, recs[r])
        and recs[r].currency == pl.currency
        and record_in_window(recs[r], window)
    ]
    limit = rules.collective_tolerance.limit(pl.minor)
    few = cands
    if len(cands) > rules.max_subset_records:
        few = _closest_names(pl, cands, ctx, rules.max_subset_records)
    if len(few) >= 2:
        cands = few
        found, complete = subsets_within_rules(
            [abs(pr.minor) for pr in cands], abs(pl.minor), limit, rules
        )
    elif len(cands) > rules.max_subset_records and not limit:
        # One name holds more open records than a full search takes: two or three of
        # them that pay the amount exactly.
        cands = _closest_names(pl, cands, ctx, MAX_EXACT_SUM_CANDIDATES)
        found = exact_sums([abs(pr.minor) for pr in cands], abs(pl.minor), min_size=2)
        complete = True
    else:
        return None
    if not found:
        return None
    chosen = [cands[i] for i in found[0]]
    prop = Proposal(
        (pl.pos,),
        tuple(pr.pos for pr in chosen),
        40,
        SUBSET,
        auto=False,
        expected=sum(pr.minor for pr in chosen),
    )
    prop.sim = min(ctx.similarity(pl.name, pr.name) for pr in chosen)
    prop.days = max(pl.day - pr.day for pr in chosen) if pl.day is not None else None
    notes = [f"{len(chosen)} open records of this counterparty add up to the payment"]
    if len(found) > 1 or not complete:
        notes.append("other combinations add up too")
    prop.notes = tuple(notes)
    return prop.finish(pl.minor)


def _closest_names(pl: PLine, cands: list[PRec], ctx: Context, limit: int) -> list[PRec]:
    """The records of the names most like the line's, at most `limit` of them: whole
    groups of equally similar names, the most similar first (the payer's own records
    among those of its namesakes)."""
    by_sim: dict[float, list[PRec]] = {}
    for pr in cands:
        by_sim.setdefault(ctx.similarity(pl.name, pr.name), []).append(pr)
    kept: list[PRec] = []
    for sim in sorted(by_sim, reverse=True):
        if len(kept) + len(by_sim[sim]) > limit:
            break
        kept.extend(by_sim[sim])
    return sorted(kept, key=lambda pr: pr.pos)
