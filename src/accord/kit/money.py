"""Money as an integer of minor units plus an ISO 4217 currency. Never a float."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import cache

import pycountry

from accord.kit.errors import BadInput


def _codes(text: str) -> frozenset[str]:
    return frozenset(text.split())


# ISO 4217 minor units where they differ from 2 (list "A.1", current codes).
_EXPONENTS: dict[str, int] = {
    **dict.fromkeys(
        _codes("BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"), 0
    ),
    **dict.fromkeys(_codes("BHD IQD JOD KWD LYD OMR TND"), 3),
    **dict.fromkeys(_codes("CLF UYW"), 4),
}
# Codes without minor units (precious metals, testing, SDR); never on a bank statement.
_NON_MONETARY = _codes("XAG XAU XBA XBB XBC XBD XDR XPD XPT XSU XTS XUA XXX")
# Withdrawn ISO 4217 codes of the currencies the euro replaced: archived statements and old
# test files still carry them. ISO's historic list gives six of them no minor unit.
_WITHDRAWN = _codes("ATS BEF CYP DEM EEK ESP FIM FRF GRD IEP ITL LTL LUF LVL MTL NLG PTE SIT SKK")
_EXPONENTS.update(dict.fromkeys(_codes("BEF ESP GRD ITL LUF PTE"), 0))


class UnknownCurrency(BadInput):
    type_slug = "unknown-currency"
    title = "Unknown currency"


@cache
def is_currency(code: str) -> bool:
    """True for an ISO 4217 code of money: a current one, or a euro predecessor."""
    if len(code) != 3 or not code.isalpha() or not code.isupper() or code in _NON_MONETARY:
        return False
    return code in _WITHDRAWN or pycountry.currencies.get(alpha_3=code) is not None


def check_currency(code: str) -> str:
    """Return `code` if it is an ISO 4217 currency, else raise UnknownCurrency."""
    if not is_currency(code):
        raise UnknownCurrency(f"unknown currency {code!r}: expected an ISO 4217 code")
    return code


def exponent(currency: str) -> int:
    """Number of minor-unit digits of `currency` (2 for EUR, 0 for JPY, 3 for KWD)."""
    return _EXPONENTS.get(currency, 2)


@dataclass(frozen=True, slots=True, order=True)
class Money:
    """`minor` units of `currency`; signed."""

    minor: int
    currency: str

    @classmethod
    def of(cls, amount: Decimal | str | int, currency: str) -> Money:
        """Exact conversion; raises BadInput if `amount` has more decimals than the currency."""
        value = to_minor(amount, currency)
        return cls(value, currency)

    @property
    def decimal(self) -> Decimal:
        return Decimal(self.minor).scaleb(-exponent(self.currency))

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor - other.minor, self.currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot combine {self.currency} and {other.currency}")

    def __str__(self) -> str:
        return f"{format_amount(self.minor, self.currency)} {self.currency}"


def to_minor(amount: Decimal | str | int, currency: str) -> int:
    """Exact minor units of a decimal amount; raises BadInput when it would round."""
    try:
        value = Decimal(amount) if not isinstance(amount, Decimal) else amount
    except InvalidOperation:
        raise BadInput(f"{amount!r} is not a decimal amount") from None
    if not value.is_finite():
        raise BadInput(f"{amount!r} is not a finite amount")
    scaled = value.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        raise BadInput(f"{amount} has more decimals than {currency} allows ({exponent(currency)})")
    return int(scaled)


def digits_to_minor(whole: str, fraction: str, currency: str) -> int | None:
    """`to_minor` of an amount given as its digits (`whole` may carry a sign), in string and
    int steps rather than Decimal ones (a fifth of the cost), for parsers that checked the
    digits; None when it has more decimals than `currency` allows, but zeros."""
    digits = exponent(currency)
    if len(fraction) > digits:
        if fraction[digits:].strip("0"):
            return None
        fraction = fraction[:digits]
    return int(whole + fraction.ljust(digits, "0") or "0")


def round_to_minor(amount: Decimal, currency: str) -> int:
    """Minor units of `amount` rounded half-even (for converted amounts only)."""
    scaled = amount.scaleb(exponent(currency))
    return int(scaled.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def format_amount(minor: int, currency: str) -> str:
    """Plain decimal text with the currency's digits: 1234.50, -7, 0.125."""
    digits = exponent(currency)
    if digits == 0:
        return str(minor)
    sign = "-" if minor < 0 else ""
    whole, frac = divmod(abs(minor), 10**digits)
    return f"{sign}{whole}.{frac:0{digits}d}"
