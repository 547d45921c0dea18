"""Candidate generation: for one bank line, the records its evidence points at, and what
agrees between the line and each of them (`evaluate`).

Candidates come only from index lookups (identifiers and references found in the texts:
`references`; exact amounts, amounts less a known fee, converted amounts: here), are
filtered by hard rules (sign, account, date window) and capped; a capped list is noted as
crowded, never scanned.
"""

from __future__ import annotations

import heapq
import itertools
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from decimal import Decimal

from accord.matching.engine.context import SHORT_LIST, Context
from accord.matching.engine.fx import convert, implied_rate
from accord.matching.engine.hits import hits_of
from accord.matching.engine.pair import (
    BARE,
    EXACT,
    FEE,
    FX,
    ID,
    NO_RATE,
    OVER,
    PREFIXED,
    SHORT,
    Pair,
)
from accord.matching.engine.prepare import PLine, PRec
from accord.matching.engine.rules import Rules
from accord.matching.engine.text import (
    lookup_words,
    name_in_text,
    ref_key,
    text_words,
)

# --- amounts -------------------------------------------------------------------------


def amount_hits(
    ctx: Context,
    currency: str,
    account: str,
    minor: int,
    window: tuple[int, int] | None = None,
) -> list[int]:
    """Records of `currency` for `account` or any account with exactly `minor`, dated
    within `window` (inclusive) if given, by position."""
    out = [
        r
        for hits in amount_lists(ctx, currency, account, minor)
        for r in ctx.in_window(hits, window)
    ]
    return sorted(out) if len(out) > 1 else out


def amount_lists(ctx: Context, currency: str, account: str, minor: int) -> list[Sequence[int]]:
    """The index's lists of the records of `currency` with exactly `minor` that a line on
    `account` may use (its own account's and those valid on any), the empty ones left out."""
    lists: list[Sequence[int]] = []
    for acc in _reachable(account):
        by_amount = ctx.index.amount.get((currency, acc))
        hits = hits_of(by_amount.get(minor)) if by_amount is not None else ()
        if hits:
            lists.append(hits)
    return lists


def _reachable(account: str) -> tuple[str, ...]:
    """Index keys of the records a line on `account` may use: its own and those of any account."""
    return (account, "") if account else ("",)


def named_on_amount(pl: PLine, ctx: Context) -> list[int]:
    """Records with exactly the line's amount, dated within its amount window, whose
    counterparty strongly resembles the line's, by position: when many records share the
    amount, only the name can still single one out. Those with the very same name always
    count; others are found by the rarest words of the name (`Context.sharing_words`)."""
    if not pl.name:
        return []
    recs = ctx.prep.records
    words = frozenset(lookup_words(pl.name))
    window = line_window(pl, ctx.rules)
    found = [
        r
        for r in ctx.in_window(hits_of(ctx.index.names.get(pl.name)), window)
        if recs[r].minor == pl.minor and recs[r].currency == pl.currency
    ]
    if words:
        for hits in amount_lists(ctx, pl.currency, pl.account, pl.minor):
            found.extend(ctx.sharing_words(hits, words, window))
    strong = ctx.rules.name_strong
    return sorted(r for r in set(found) if ctx.similarity(pl.name, recs[r].name) >= strong)


def line_window(pl: PLine, rules: Rules) -> tuple[int, int] | None:
    """The days a record may be dated for an amount-only candidate of the line."""
    if pl.day is None:
        return None
    return pl.day - rules.amount_days_after, pl.day + rules.amount_days_before


def amount_window(pl: PLine, ctx: Context, exclude: dict[int, Pair]) -> tuple[list[int], int]:
    """Records of the line's currency and account (or any) with exactly its amount, dated
    within the amount window, not in `exclude`: (those records by position, their count).

    The records are listed only when there are at most `max_candidates`; past that the
    line is crowded and only the count matters. Long lists are searched by date through
    a sorted copy made once, so a common amount costs a bisection, not a scan.
    """
    if pl.minor == 0:
        return [], 0
    rules = ctx.rules
    window = line_window(pl, rules)
    lists = amount_lists(ctx, pl.currency, pl.account, pl.minor)
    if not lists:
        return [], 0
    excluded = sum(1 for r in exclude if _same_amount(pl, r, window, ctx))
    if any(len(hits) > SHORT_LIST for hits in lists):  # a common amount: count, then list
        count = sum(ctx.count_in_window(hits, window) for hits in lists) - excluded
        if count > rules.max_candidates:
            return [], count
    spans = [ctx.in_window(hits, window) for hits in lists]
    count = sum(len(span) for span in spans) - excluded
    if count > rules.max_candidates:
        return [], count
    found = sorted(r for span in spans for r in span if r not in exclude)
    return found, count


def _same_amount(pl: PLine, r: int, window: tuple[int, int] | None, ctx: Context) -> bool:
    """Whether record `r` is one of the line's `amount_window` records (before exclusion)."""
    pr = ctx.prep.records[r]
    if pr.minor != pl.minor or pr.currency != pl.currency:
        return False
    if ctx.accounts[r] not in _reachable(pl.account):
        return False
    return window is None or window[0] <= pr.day <= window[1]


def fee_and_instructed_candidates(
    pl: PLine, ctx: Context, exclude: Mapping[int, object]
) -> list[int]:
    """The first `max_candidates` records, by position and not in `exclude`, whose amount is
    the line's plus a known bank fee or plus the charges the bank reports (for incoming
    lines), or the instructed amount the bank reports in another currency; dated within the
    line's amount window, and compatible with the line (`compatible`).

    At a million records such an amount is often common, with thousands of records in the
    window: they are not sorted, only the first few picked out.
    """
    rules = ctx.rules
    amounts: set[tuple[str, int]] = set()
    if pl.minor > 0:  # incoming transfers arrive short by the banks' charges
        amounts.update((pl.currency, pl.minor + fee) for fee in rules.fee_amounts(pl.currency))
        charges = pl.line.charges
        if charges is not None and charges.currency == pl.currency and charges.minor:
            amounts.add((pl.currency, pl.minor + abs(charges.minor)))
    instructed = pl.line.instructed_amount
    if instructed is not None and instructed.currency != pl.currency:
        amounts.add((instructed.currency, instructed.minor))
    window = line_window(pl, rules)
    spans: list[Sequence[int]] = []
    for currency, minor in sorted(amounts):
        # A record is compatible when it moves money the line's way (its account is one of
        # `_reachable`'s): all records of an amount, or none.
        if minor == 0 or (minor > 0) != (pl.minor > 0):
            continue
        spans.extend(
            ctx.in_window(hits, window) for hits in amount_lists(ctx, currency, pl.account, minor)
        )
    limit = rules.max_candidates
    first = heapq.nsmallest(limit + len(exclude), itertools.chain.from_iterable(spans))
    return [r for r in first if r not in exclude][:limit]


def fx_range_candidates(pl: PLine, ctx: Context, limit: int) -> list[int]:
    """Records in other currencies whose converted amount lies within the FX tolerance."""
    if not ctx.rates or pl.day is None:
        return []
    out: list[int] = []
    for cur, account in sorted(ctx.index.amount):
        if cur == pl.currency or account not in (pl.account, ""):
            continue
        rate = ctx.rates.rate(pl.currency, cur, pl.day)
        if rate is None:
            continue
        centre = convert(pl.minor, pl.currency, rate, cur)
        spread = int(abs(centre) * ctx.rules.fx_tolerance) + 1
        amounts, positions = _sorted_amounts(ctx, (cur, account))
        lo = bisect_left(amounts, centre - spread)
        hi = bisect_right(amounts, centre + spread)
        if hi - lo <= limit:
            out.extend(positions[lo:hi])
    return sorted(out)


def _sorted_amounts(ctx: Context, key: tuple[str, str]) -> tuple[list[int], array[int]]:
    found = ctx.sorted_amounts.get(key)
    if found is None:
        pairs = sorted(
            (minor, pos) for minor, hits in ctx.index.amount[key].items() for pos in hits_of(hits)
        )
        # Positions fit an array; amounts may not (a ledger may hold any number of digits).
        found = ([p[0] for p in pairs], array("q", [p[1] for p in pairs]))
        ctx.sorted_amounts[key] = found
    return found


# --- evaluating one line against one record ------------------------------------------


def compatible(pl: PLine, pr: PRec) -> bool:
    """Hard filters: same direction of money, and the record's account if it names one."""
    if (pl.minor > 0) != (pr.minor > 0) or pr.minor == 0:
        return False
    return pr.account is None or pr.account == pl.account


def evaluate(pl: PLine, pr: PRec, strength: int, ctx: Context) -> Pair:
    """Compare amounts (converting when needed), names and dates of a line and a record."""
    pair = Pair(pr.pos, strength)
    if pl.day is not None:
        pair.days = pl.day - pr.day
    _amount(pl, pr, pair, ctx)
    if strength == BARE and pair.aclass == OVER:
        pair.number = is_number(pr)
    pair.sim = sim = _name(pl, pr, ctx)
    if sim == 100.0 and pl.name and _name_may_decide(pair):
        # Only between names of the very same words: in a name the bank cut short or
        # misspelt, the last word may look like a legal form (`BAKKER VERPACKUNG AS` for
        # Aschaffenburg).
        pair.other_form = ctx.other_legal_form(pl, pr)
    return pair


def _name_may_decide(pair: Pair) -> bool:
    """Whether the name may decide the pair: amount + name (an exact or converted amount,
    no reference), or digits two series may share with a conversion at the file's rate."""
    if pair.strength < PREFIXED:
        return pair.aclass in (EXACT, FX)
    return pair.strength == PREFIXED and pair.aclass == FX


def is_number(pr: PRec) -> bool:
    """The record's whole reference is a number (`101443`): quoted, it is found bare."""
    return ref_key(pr.label).isdigit()


def _amount(pl: PLine, pr: PRec, pair: Pair, ctx: Context) -> None:
    rules = ctx.rules
    if pr.currency == pl.currency:
        pair.expected = pr.minor
        if pair.strength == ID:
            tol = rules.identifier_tolerance
        elif pair.strength >= PREFIXED:
            tol = rules.reference_tolerance
        else:
            tol = rules.amount_tolerance
        _classify(pl, pair, tol.limit(pr.minor), ctx)
        return
    _convert(pl, pr, pair, ctx)
    if pair.fx_rate is None:
        pair.aclass = NO_RATE
        return
    limit = int(abs(pair.expected) * rules.fx_tolerance)
    if pair.fx_source == "bank":
        limit = max(1, abs(pair.expected) // 2000)
    diff = pl.minor - pair.expected
    if abs(diff) <= limit:
        pair.aclass = FX
    else:
        pair.aclass = SHORT if abs(pl.minor) < abs(pair.expected) else OVER


def _classify(pl: PLine, pair: Pair, limit: int, ctx: Context) -> None:
    diff = pl.minor - pair.expected
    if abs(diff) <= limit:
        pair.aclass = EXACT
        return
    shortfall = abs(pair.expected) - abs(pl.minor)
    charges = pl.line.charges
    charged = (
        charges is not None and charges.currency == pl.currency and shortfall == abs(charges.minor)
    )
    known_fee = shortfall > 0 and pl.minor > 0 and shortfall in ctx.rules.fee_amounts(pl.currency)
    if (charged or known_fee) and not _says_part_payment(pl, ctx):
        pair.aclass, pair.fee = FEE, shortfall
    else:
        pair.aclass = SHORT if shortfall > 0 else OVER


def _says_part_payment(pl: PLine, ctx: Context) -> bool:
    """Whether the line's texts call it a part payment (`Teilzahlung 1`, an instalment):
    then what it leaves open is still owed, whatever a bank's fee would have been."""
    if pl.part_payment is None:
        words = pl.words or _text_words(pl)  # not kept: most lines never need them again
        pl.part_payment = any(word in words for word in ctx.part_payment_words)
    return pl.part_payment


def _text_words(pl: PLine) -> str:
    """The line's remittance and additional information as words (`text_words`)."""
    line = pl.line
    return text_words(" ".join(t for t in (line.remittance, line.additional_info) if t))


def _convert(pl: PLine, pr: PRec, pair: Pair, ctx: Context) -> None:
    line = pl.line
    instructed = line.instructed_amount
    if instructed is not None and instructed.currency == pr.currency and instructed.minor:
        rate = implied_rate(instructed.minor, instructed.currency, pl.minor, pl.currency)
        if instructed.minor == pr.minor:
            pair.expected = pl.minor
        else:
            pair.expected = convert(pr.minor, pr.currency, rate, pl.currency)
        pair.fx_rate = line.exchange_rate if line.exchange_rate else rate
        pair.fx_source = "bank"
        return
    if line.exchange_rate:
        best = _bank_rate(pl, pr, line.exchange_rate)
        pair.expected, pair.fx_rate, pair.fx_source = best[0], best[1], "bank"
        return
    if pl.day is None:
        return
    table_rate = ctx.rates.rate(pr.currency, pl.currency, pl.day)
    if table_rate is not None:
        pair.expected = convert(pr.minor, pr.currency, table_rate, pl.currency)
        pair.fx_rate, pair.fx_source = table_rate, "rates-file"


def _bank_rate(pl: PLine, pr: PRec, rate: Decimal) -> tuple[int, Decimal]:
    """A bare bank rate may be quoted either way round: use the reading that fits better."""
    direct = convert(pr.minor, pr.currency, rate, pl.currency)
    inverse_rate = Decimal(1) / rate
    inverse = convert(pr.minor, pr.currency, inverse_rate, pl.currency)
    if abs(inverse - pl.minor) < abs(direct - pl.minor):
        return inverse, inverse_rate
    return direct, rate


def _name(pl: PLine, pr: PRec, ctx: Context) -> float | None:
    if not pr.name:
        return None
    if pl.name:
        return ctx.similarity(pl.name, pr.name)
    if pl.words is None:
        pl.words = _text_words(pl)
    return 90.0 if name_in_text(pr.name, pl.words) else None
