"""Proposals that join several lines or several records.

- collective: one line quotes several records (or one batch reference shared by several)
  and their sum agrees;
- instalments: several lines quote one record and together complete it;
- subset: one line pays an unlisted combination of one counterparty's records (review);
- reversal: a returned payment and the credit it returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from accord.kit.money import format_amount
from accord.matching.engine.candidates import compatible, is_number, line_window
from accord.matching.engine.context import Context
from accord.matching.engine.hits import hits_of
from accord.matching.engine.pair import BARE, NO_RATE, PREFIXED, STRENGTH_WORDS, Pair
from accord.matching.engine.prepare import PLine, PRec
from accord.matching.engine.proposals import Proposal
from accord.matching.engine.rules import (
    COLLECTIVE,
    INSTALMENTS,
    PARTIAL,
    REVERSAL,
    SUBSET,
)
from accord.matching.engine.subsets import exact_sums, find_subsets
from accord.matching.engine.text import lookup_words, names_reaching, segments

# The most open records among which two or three that pay an exact sum are looked for
# (three take n^2 / 2 look-ups: 20,000 at this bound).
MAX_EXACT_SUM_CANDIDATES: Final = 200


def _money(minor: int, currency: str) -> str:
    return f"{format_amount(abs(minor), currency)} {currency}"


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
        found, complete = find_subsets(
            [abs(p.expected) for p in strong],
            abs(pl.minor),
            limit=limit,
            max_size=rules.max_subset_size,
            cap=rules.subset_iteration_cap,
        )
        if found:
            chosen = [strong[i] for i in found[0]]
            prop = _group(pl, chosen, recs, 80, False, ctx)
            prop.notes = (f"the line quotes {len(strong)} records; these {len(chosen)} add up",)
            if len(found) > 1 or not complete:
                prop.notes += ("other combinations of the quoted records also add up",)
            return prop
    prop = _group(pl, strong, recs, 55, False, ctx, stage=PARTIAL)
    prop.notes = (f"paid {_money(pl.minor, pl.currency)} of {_money(total, pl.currency)}",)
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
        and _in_window(recs[r], window)
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
        found, complete = find_subsets(
            values,
            target,
            limit=limit,
            max_size=rules.max_subset_size,
            cap=rules.subset_iteration_cap,
        )
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
    prop.notes = (f"paid {_money(total, pr.currency)} of {_money(target, pr.currency)}",)
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
        f"paid {_money(total, pr.currency)} of {_money(target, pr.currency)}",
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


# --- unlisted collective payments ----------------------------------------------------


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


def _in_window(pr: PRec, window: tuple[int, int] | None) -> bool:
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
        and _in_window(recs[r], window)
    ]
    limit = rules.collective_tolerance.limit(pl.minor)
    few = cands
    if len(cands) > rules.max_subset_records:
        few = _closest_names(pl, cands, ctx, rules.max_subset_records)
    if len(few) >= 2:
        cands = few
        found, complete = find_subsets(
            [abs(pr.minor) for pr in cands],
            abs(pl.minor),
            limit=limit,
            max_size=rules.max_subset_size,
            cap=rules.subset_iteration_cap,
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


# --- returned payments -----------------------------------------------------------------


# What a line's identifiers link it by: a quoted record's position, or an end-to-end id's key.
Link = int | str


def reversals(
    lines: list[PLine], links: dict[int, tuple[Link, ...]], ctx: Context
) -> list[Proposal]:
    """Pair each returned payment with the credit (or debit) it returns.

    A line flagged as a reversal that shares an identifier (end-to-end id or a quoted
    record) with exactly one earlier line of the opposite amount is a certain pair; any
    other fit is a proposal for review. `links` holds each line's identifier keys.
    """
    suspects = [pl for pl in lines if _returned(pl) or (pl.minor < 0 and links.get(pl.pos))]
    if not suspects:
        return []
    # Only the keys a suspect holds are looked up: indexing every line's keys and amounts
    # took hundreds of megabytes at a million lines, at the job's peak.
    wanted = {key for pl in suspects for key in links.get(pl.pos, ())}
    by_link: dict[Link, list[int]] = {}
    for pos in sorted(links):
        for key in links[pos]:
            if key in wanted:
                by_link.setdefault(key, []).append(pos)
    by_amount: dict[tuple[str, str, int], list[int]] | None = None
    out: list[Proposal] = []
    for pl in suspects:
        mine = set(links.get(pl.pos, ()))
        sharing = sorted({i for key in mine for i in by_link[key]})
        linked = [lines[i] for i in sharing if _may_return(pl, lines[i])]
        returned = _returned(pl)
        if not returned:
            linked = [o for o in linked if o.minor > 0]
        for o in linked:
            # The same end-to-end id coming back is the payer's bank returning the payment;
            # a refund would carry a new one.
            same_e2e = any(isinstance(k, str) for k in mine.intersection(links[o.pos]))
            certain = len(linked) == 1 and (returned or same_e2e)
            out.append(_reversal(pl, o, 101 if certain else 60, certain, ctx))
        if not linked and returned and pl.name:
            by_amount = by_amount if by_amount is not None else _returns_by_amount(lines, suspects)
            originals = [
                lines[i]
                for i in by_amount.get((pl.account, pl.currency, -pl.minor), ())
                if _may_return(pl, lines[i])
            ]
            named = [
                o for o in originals if ctx.similarity(pl.name, o.name) >= ctx.rules.name_strong
            ]
            out.extend(_reversal(pl, o, 60, False, ctx) for o in named[: ctx.rules.max_candidates])
    return out


def _may_return(pl: PLine, original: PLine) -> bool:
    """`pl` can return `original`: an earlier, unflagged line of the opposite amount."""
    return (
        original.pos != pl.pos
        and not original.line.reversal
        and original.minor == -pl.minor
        and original.account == pl.account
        and original.currency == pl.currency
        and _not_later(original.day, pl.day)
    )


def _returns_by_amount(
    lines: list[PLine], suspects: list[PLine]
) -> dict[tuple[str, str, int], list[int]]:
    """The unflagged lines by (account, currency, amount), for the amounts that a returned
    suspect with a name would return."""
    wanted = {(pl.account, pl.currency, -pl.minor) for pl in suspects if _returned(pl) and pl.name}
    amounts = {minor for _, _, minor in wanted}
    by_amount: dict[tuple[str, str, int], list[int]] = {}
    for pl in lines:
        if pl.minor in amounts and not pl.line.reversal:
            key = (pl.account, pl.currency, pl.minor)
            if key in wanted:
                by_amount.setdefault(key, []).append(pl.pos)
    return by_amount


# ISO 20022 bank transaction sub-families of returns and reversals.
_RETURN_CODES: Final = frozenset({"UPDD", "RRTN", "RPCR"})


def _returned(pl: PLine) -> bool:
    """Flagged as a reversal, or coded as a returned / unpaid payment."""
    code = pl.line.transaction_code
    return pl.line.reversal or (code is not None and code.sub_family in _RETURN_CODES)


def _reversal(pl: PLine, original: PLine, band: int, auto: bool, ctx: Context) -> Proposal:
    pair = tuple(sorted((pl.pos, original.pos)))
    prop = Proposal(
        pair,
        (),
        band,
        REVERSAL,
        auto=auto and pl.booked and original.booked and ctx.rules.may_auto(REVERSAL),
        expected=0,
    )
    if pl.day is not None and original.day is not None:
        prop.days = pl.day - original.day
    prop.notes = (f"returns bank line {original.line.bank_ref}",)
    return prop.finish(pl.minor + original.minor)


def _not_later(day: int | None, than: int | None) -> bool:
    return day is None or than is None or day <= than
