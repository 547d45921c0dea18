"""One shared object per distinct value among the lines of one file.

Lines repeat their dates, counterparties, currencies and often their amounts (the same
payers, the same days). A parser that gave each line its own copies would hold thousands
of equal objects; these values are frozen, so lines may share one instead. A parser makes
one Interner per file: its tables live only as long as that parse, never across files.
"""

from __future__ import annotations

from datetime import date

from accord.ingest.parsers.model import Party, TransactionCode
from accord.kit.money import Money


class Interner:
    """Hands back, for each value, an equal one already handed out in this file, if any."""

    __slots__ = ("_codes", "_dates", "_money", "_numbers", "_parties", "_texts")

    def __init__(self) -> None:
        self._texts: dict[str, str] = {}
        self._dates: dict[date, date] = {}
        self._money: dict[str, dict[int, Money]] = {}
        self._parties: dict[str | None, Party] = {}
        self._numbers: dict[int, int] = {}
        self._codes: dict[tuple[str, str], TransactionCode] = {}

    def text(self, value: str | None) -> str | None:
        if value is None:
            return None
        return self._texts.setdefault(value, value)

    def date(self, value: date | None) -> date | None:
        if value is None:
            return None
        return self._dates.setdefault(value, value)

    def number(self, value: int) -> int:
        """Positions past 256 (CPython caches only small ints) repeat across statements."""
        return self._numbers.setdefault(value, value)

    def money(self, value: Money) -> Money:
        # By currency, then by the minor units the Money holds anyway: no key object per
        # amount, and no call to Money's own __hash__ and __eq__ (Python code).
        by_minor = self._money.get(value.currency)
        if by_minor is None:
            by_minor = self._money[value.currency] = {}
        found = by_minor.get(value.minor)
        if found is None:
            currency = self._texts.setdefault(value.currency, value.currency)
            if currency is not value.currency:
                value = Money(value.minor, currency)
            found = by_minor[value.minor] = value
        return found

    def party(self, name: str | None, account: str | None, bank: str | None) -> Party:
        # Kept by name (else account, else bank), the last party made for each: a name
        # nearly always comes with the same account and bank, and a key the Party holds
        # anyway costs no memory of its own (a tuple key would, for every distinct party).
        key = name or account or bank
        found = self._parties.get(key)
        if found is None or found.name != name or found.account != account or found.bank != bank:
            found = self._parties[key] = Party(name, self.text(account), self.text(bank))
        return found

    def code(self, proprietary: str, issuer: str) -> TransactionCode:
        """A code from `issuer`'s own list (MT940, BAI2, OFX and CSV codes are of this kind)."""
        key = (proprietary, issuer)
        found = self._codes.get(key)
        if found is None:
            found = self._codes[key] = TransactionCode(proprietary=proprietary, issuer=issuer)
        return found
