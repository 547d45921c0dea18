"""One sentence a finance person understands, for every match and every leftover."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from accord.kit.money import exponent
from accord.matching.engine.model import RecordType
from accord.matching.engine.pair import BARE
from accord.matching.engine.prepare import PLine, PRec
from accord.matching.engine.proposals import Proposal
from accord.matching.engine.rules import (
    AMOUNT,
    AMOUNT_NAME,
    COLLECTIVE,
    FEE_NAME,
    FX_AMOUNT,
    FX_NAME,
    IDENTIFIER,
    INSTALMENTS,
    OVERPAYMENT,
    PARTIAL,
    REFERENCE,
    REFERENCE_FEE,
    REFERENCE_FX,
    REVERSAL,
    SUBSET,
)

# Stages whose notes, on a review, say why it is not automatic (a partial payment's say
# what its explanation says already).
_NOTED: Final = frozenset(
    {
        IDENTIFIER,
        REFERENCE,
        REFERENCE_FX,
        REFERENCE_FEE,
        AMOUNT_NAME,
        FX_NAME,
        COLLECTIVE,
        INSTALMENTS,
    }
)


def money(minor: int, currency: str) -> str:
    """`1,250.00 EUR`: digits grouped for reading, never for parsing (sign dropped)."""
    digits = exponent(currency)
    if not digits:
        return f"{_grouped(abs(minor))} {currency}"
    if digits == 2:  # most currencies: the cents from a table, not a format spec
        whole, cents = divmod(abs(minor), 100)
        return f"{_grouped(whole)}.{_CENTS[cents]} {currency}"
    unit, fraction = _FRACTIONS[digits]
    whole, frac = divmod(abs(minor), unit)
    return f"{_grouped(whole)}.{frac:{fraction}} {currency}"


def _grouped(whole: int) -> str:
    # Formatting with `,` costs about 0.8 µs; most amounts are below a million.
    if whole < 1000:
        return str(whole)
    if whole < 1_000_000:
        return f"{whole // 1000},{_THREE_DIGITS[whole % 1000]}"
    return f"{whole:,}"


# digits after the point -> (10 ** digits, their format)
_FRACTIONS: Final = {digits: (10**digits, f"0{digits}d") for digits in range(1, 5)}
_CENTS: Final = [f"{cents:02d}" for cents in range(100)]
_THREE_DIGITS: Final = [f"{n:03d}" for n in range(1000)]


_DATE_WORD: Final = {
    RecordType.INVOICE: "invoice date",
    RecordType.PAYOUT: "payout date",
    RecordType.REFUND: "refund date",
}


def _labels(recs: list[PRec]) -> str:
    if len(recs) == 1:
        return recs[0].label
    shown = [pr.label for pr in recs[:5]]
    more = f" and {len(recs) - 5} more" if len(recs) > 5 else ""
    return ", ".join(shown) + more


def _tail(p: Proposal, lines: list[PLine], recs: list[PRec]) -> str:
    paid = _paid(p.days, recs[0].rec.type) if p.days is not None and recs else ""
    party = lines[0].line.counterparty
    name = party.name if party else None
    if not name:
        return f"; {paid}" if paid else ""
    by = f"by {name}" if p.sim is None else f"by {name} (name {p.sim:.0f}% similar)"
    return f"; {paid} {by}" if paid else f"; {by}"


def _paid(days: int, kind: RecordType) -> str:
    word = _DATE_WORD.get(kind, "record date")
    if days == 0:
        return f"paid on the {word}"
    side = "after" if days > 0 else "before"
    unit = "day" if abs(days) == 1 else "days"
    return f"paid {abs(days)} {unit} {side} the {word}"


def explain(
    p: Proposal,
    lines: list[PLine],
    recs: list[PRec],
    *,
    total: int,
    matched: bool,
    rivals: Sequence[Proposal],
    all_recs: list[PRec],
) -> str:
    """The explanation column of a match; `total` is the sum of the lines' amounts."""
    text = _body(p, lines, recs, total) + _tail(p, lines, recs) + "."
    if matched:
        return text
    if p.notes and p.stage in _NOTED:
        text = f"{text[:-1]}; {'; '.join(p.notes)}."
    if rivals:
        others = sorted(
            {all_recs[r].label for q in rivals for r in q.recs} - {r.label for r in recs}
        )
        own_lines = set(p.lines)
        if others:
            text = f"{text[:-1]}; also plausible: {', '.join(others[:5])}."
        elif any(not own_lines.issuperset(q.lines) for q in rivals):
            text = f"{text[:-1]}; another bank line fits the same record."
    return "Review: " + text[0].lower() + text[1:] if not text.startswith("Review") else text


def _body(p: Proposal, lines: list[PLine], recs: list[PRec], total: int) -> str:
    stage, labels, cur = p.stage, _labels(recs), lines[0].currency
    amt = money(total, cur)
    expected = amt if p.expected == total else money(p.expected, cur)
    if stage == IDENTIFIER:
        return f"The bank's identifier equals {labels} and the amount {amt} agrees"
    if stage == REFERENCE:
        return f"Reference {labels} in the payment details and the amount {amt} agree"
    if stage == REFERENCE_FX:
        rec = recs[0]
        if p.fx_rate is None:
            return f"Reference {labels} is quoted but no exchange rate for {rec.currency} is known"
        return (
            f"Reference {labels} is quoted and {money(rec.minor, rec.currency)} converts to "
            f"{expected} at {p.fx_rate:.6g} ({_source(p)}), near the {amt} received"
        )
    if stage == REFERENCE_FEE:
        fee = money(p.fee, cur)
        return f"Reference {labels} is quoted; {amt} is {expected} less a bank fee of {fee}"
    if stage == COLLECTIVE:
        fee = f" less a bank fee of {money(p.fee, cur)}" if p.fee else ""
        return (
            f"One payment of {amt} quotes {len(recs)} records ({labels}) totalling {expected}{fee}"
        )
    if stage == INSTALMENTS:
        return f"{len(lines)} payments quoting {labels} add up to its {expected}"
    if stage == REVERSAL:
        return (
            f"Returned payment: {lines[-1].line.bank_ref} and {lines[0].line.bank_ref} cancel out"
        )
    if stage in (PARTIAL, OVERPAYMENT):
        if abs(total) > abs(p.expected):
            over = money(total - p.expected, cur)
            quoted = "The number of" if p.strength == BARE else "Reference"
            return f"{quoted} {labels} is quoted; {amt} over-pays its {expected} by {over}"
        return f"Partially paid: {amt} of {expected} for {labels}"
    if stage in (AMOUNT_NAME, FX_NAME):
        how = "converted amount" if stage == FX_NAME else "amount"
        return f"The {how} {amt} and the counterparty agree with {labels}, which no reference names"
    if stage == FEE_NAME:
        return f"{amt} is {expected} of {labels} less a usual bank fee; no reference is quoted"
    if stage == SUBSET:
        return (
            f"{len(recs)} open records ({labels}) of this counterparty add up to this "
            f"payment of {amt}, which lists none of them"
        )
    if stage in (AMOUNT, FX_AMOUNT):
        return f"Only the amount {amt} agrees with {labels}"
    return f"{labels} fits this payment of {amt}"


def _source(p: Proposal) -> str:
    return "the bank's own rate" if p.fx_source == "bank" else "rates file"


__all__ = ["explain", "money"]
