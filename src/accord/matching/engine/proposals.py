"""Proposals: candidate groups with an evidence pattern mapped to a discrete band.

A band (0-101) plays the role of Business Central's rule table: identifiers outrank
references, references outrank amounts, amounts outrank names. Within a band the order
only decides which of several equally plausible proposals a person sees first; it never
turns a tie into an automatic match.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Final

from accord.kit.money import Money
from accord.matching.engine.pair import (
    BARE,
    EXACT,
    FEE,
    FULL,
    FX,
    ID,
    NO_RATE,
    OVER,
    PREFIXED,
    STRENGTH_WORDS,
    Pair,
)
from accord.matching.engine.rules import (
    AMOUNT,
    AMOUNT_NAME,
    FEE_NAME,
    FX_AMOUNT,
    FX_NAME,
    IDENTIFIER,
    OVERPAYMENT,
    PARTIAL,
    REFERENCE,
    REFERENCE_FEE,
    REFERENCE_FX,
    Rules,
)

DOUBLE_PAYMENT: Final = "possible double payment"
# Why a one-to-one proposal whose stage may auto-match is for review (its notes).
SHARED_NUMBER: Final = ("the number quoted also fits a record of another series",)
CLOSE_NAME: Final = ("the name is close, not the same",)
OTHER_FORM: Final = ("the name agrees but states another legal form",)


def paid_note(paid: int, total: int, currency: str) -> str:
    """`paid 40.00 EUR of 100.00 EUR`: what lines pay of what records ask, part paid."""
    return f"paid {Money(abs(paid), currency)} of {Money(abs(total), currency)}"


# Proposal's attributes, in the order `__reduce__` sends them and `_rebuild` takes them.
_FIELDS: Final = (
    "auto",
    "band",
    "days",
    "expected",
    "fee",
    "fx_rate",
    "fx_source",
    "gap",
    "ids",
    "lines",
    "notes",
    "recs",
    "sim",
    "stage",
    "strength",
)


class Proposal:
    """n lines <-> m records, with the evidence that proposes them."""

    __slots__ = _FIELDS

    def __init__(
        self,
        lines: tuple[int, ...],
        recs: tuple[int, ...],
        band: int,
        stage: str,
        *,
        auto: bool,
        expected: int,
    ) -> None:
        self.lines = lines
        self.recs = recs
        self.band = band
        self.stage = stage
        self.auto = auto
        self.expected = expected  # ledger total in the line currency
        self.ids: tuple[str, ...] = ()  # identifiers that agreed, where several records
        self.strength = 0  # how the one record's reference was found, else 0
        self.sim: float | None = None
        self.days: int | None = None
        self.fee = 0
        self.fx_rate: Decimal | None = None
        self.fx_source: str | None = None
        self.notes: tuple[str, ...] = ()
        self.gap = 0  # distance of the line total from `expected`

    def __reduce__(self) -> tuple[object, ...]:
        # By field values: about four times faster both ways than pickle's default for slots,
        # and each read and set as a typed attribute, not looked up by name.
        return _rebuild, (
            self.auto,
            self.band,
            self.days,
            self.expected,
            self.fee,
            self.fx_rate,
            self.fx_source,
            self.gap,
            self.ids,
            self.lines,
            self.notes,
            self.recs,
            self.sim,
            self.stage,
            self.strength,
        )

    def finish(self, line_total: int) -> Proposal:
        """Fix the distance of the lines' total from the records' (it orders proposals)."""
        self.gap = abs(line_total - self.expected)
        return self

    def evidence_ids(self, label: Callable[[int], str]) -> tuple[str, ...]:
        """The identifiers that agreed, as `kind=reference` texts."""
        if self.ids or not self.strength:
            return self.ids
        return (f"{STRENGTH_WORDS[self.strength]}={label(self.recs[0])}",)

    def order(self) -> tuple[object, ...]:
        """Band, then closeness of amount, name and date, then ids: best first."""
        return (
            -self.band,
            self.gap,
            -(self.sim or 0.0),
            abs(self.days or 0),
            self.lines,
            self.recs,
        )


def _rebuild(
    auto: bool,
    band: int,
    days: int | None,
    expected: int,
    fee: int,
    fx_rate: Decimal | None,
    fx_source: str | None,
    gap: int,
    ids: tuple[str, ...],
    lines: tuple[int, ...],
    notes: tuple[str, ...],
    recs: tuple[int, ...],
    sim: float | None,
    stage: str,
    strength: int,
) -> Proposal:
    # Through the constructor: compiled (mypyc), the class has no usable __new__.
    prop = Proposal(lines, recs, band, stage, auto=auto, expected=expected)
    prop.days, prop.fee, prop.fx_rate, prop.fx_source = days, fee, fx_rate, fx_source
    prop.gap, prop.ids, prop.notes, prop.sim, prop.strength = gap, ids, notes, sim, strength
    return prop


def _band(pair: Pair, line_minor: int, rules: Rules) -> tuple[int, str, bool] | None:
    """(band, stage, may-auto) for one line and one record, or None if not worth proposing."""
    s, a, sim = pair.strength, pair.aclass, pair.sim
    strong = rules.strong_name(sim)
    certain = sim is not None and sim >= rules.name_auto and not pair.other_form
    if s >= PREFIXED:
        # Digits two series share need the name too: the amount may be a coincidence.
        sure = not pair.shared or strong
        if a == EXACT:
            return {ID: 100, FULL: 95, PREFIXED: 90}[s], IDENTIFIER if s == ID else REFERENCE, sure
        if a == FX:
            # Of conversions, only the bank's own that lands on the amount received is as
            # good as an exact amount; a rates-file rate leaves a tolerance, so digits two
            # series share need the name to agree as for amount + name.
            bank = pair.fx_source == "bank"
            landed = bank and pair.expected == line_minor
            sure = not pair.shared or (sure and landed) or (not bank and certain)
            return (88 if bank else 85), REFERENCE_FX, sure
        if a == FEE:
            return 82, REFERENCE_FEE, sure
        if a == NO_RATE:
            return 50, REFERENCE_FX, False
        # Short or over: any amount is plausible, so the name tells which of two series
        # sharing the digits is meant, before the amount's distance does.
        return (55 if sure else 50), PARTIAL, False
    if a == EXACT:
        if strong:
            return (75 if s == BARE else 70), AMOUNT_NAME, certain
        if sim is not None and sim >= rules.name_weak:
            # Close enough to block an amount-name match of a look-alike counterparty.
            return 56, AMOUNT, False
        if s == BARE:
            return 40, AMOUNT, False
        return (30 if sim is None else 20), AMOUNT, False
    if a == FX:
        return (64 if s == BARE else 62, FX_NAME, certain) if strong else (25, FX_AMOUNT, False)
    if a == FEE and strong:
        return 55, FEE_NAME, False
    if a == OVER and pair.number and strong:
        # The record's number and the payer's name, and more than its amount: an
        # over-payment, or a payment for more than this record. A person decides; quoted
        # references paid short or over (55) come first.
        return 54, OVERPAYMENT, False
    return None


def in_window(pair: Pair, rules: Rules) -> bool:
    """The date window of the pair's kind of evidence (references allow a wider one)."""
    if pair.days is None:
        return True
    if pair.strength >= PREFIXED:
        return -rules.reference_days_before <= pair.days <= rules.reference_days_after
    return -rules.amount_days_before <= pair.days <= rules.amount_days_after


def one_to_one(
    line: tuple[int, ...],
    rec: tuple[int, ...],
    line_minor: int,
    booked: bool,
    pair: Pair,
    rules: Rules,
) -> Proposal | None:
    """The proposal one line and one record (`(position,)` each) make on their own, if any."""
    found = _band(pair, line_minor, rules)
    if found is None:
        return None
    band, stage, auto = found
    prop = Proposal(
        line,
        rec,
        band,
        stage,
        auto=auto and booked and rules.may_auto(stage),
        expected=pair.expected,
    )
    prop.strength = pair.strength
    prop.sim, prop.days, prop.fee = pair.sim, pair.days, pair.fee
    prop.fx_rate, prop.fx_source = pair.fx_rate, pair.fx_source
    if not auto:
        if pair.shared and stage in (REFERENCE, REFERENCE_FX, REFERENCE_FEE):
            prop.notes = SHARED_NUMBER
        elif stage in (AMOUNT_NAME, FX_NAME):
            prop.notes = OTHER_FORM if pair.other_form else CLOSE_NAME
    return prop.finish(line_minor)


__all__ = ["FULL", "Proposal", "in_window", "one_to_one"]
