"""What agrees between one bank line and one record: how the record's reference was found
for the line (its strength) and how their amounts agree (its class).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

# Reference strength: how a record's reference was found for a line.
ID: Final = 4  # an identifier field (end-to-end id, creditor reference, customer ref) equals it
FULL: Final = 3  # the whole reference appears in a text
PREFIXED: Final = 2  # its digits appear after its own prefix or an invoice word
BARE: Final = 1  # only its digits appear: evidence, never proof

# Amount agreement of a record with a line (in the line's currency).
EXACT: Final = "exact"
FEE: Final = "fee"
FX: Final = "fx"
SHORT: Final = "short"
OVER: Final = "over"
NO_RATE: Final = "no-rate"

STRENGTH_WORDS: Final = {ID: "identifier", FULL: "reference", PREFIXED: "reference", BARE: "number"}


class Pair:
    """What agrees between one line and one record."""

    __slots__ = (
        "aclass",
        "days",
        "expected",
        "fee",
        "fx_rate",
        "fx_source",
        "number",
        "other_form",
        "rec",
        "shared",
        "sim",
        "strength",
    )

    def __init__(self, rec: int, strength: int) -> None:
        self.rec = rec
        self.strength = strength
        self.shared = False  # its reference is shared with another open record
        self.aclass = OVER
        self.expected = 0
        self.fee = 0
        self.fx_rate: Decimal | None = None
        self.fx_source: str | None = None
        self.sim: float | None = None
        self.other_form = False  # the names have the same words but different legal forms
        self.number = False  # found bare and over-paid, the record's whole reference is it
        self.days: int | None = None
