"""Exchange rates: the bank's own figures first, else the rates file.

Rates are looked up at the line's date, or the nearest earlier date within
`Rules.fx_rate_max_age_days`; an inverse pair is used when only that one is given.
No triangulation through a third currency: a conversion Accord cannot justify from the
inputs is not made.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from decimal import Decimal

from accord.kit.money import exponent, round_to_minor
from accord.matching.engine.model import Rate


class RateTable:
    """Daily rates by pair, searchable by date."""

    def __init__(self, rates: Sequence[Rate], max_age_days: int) -> None:
        by_pair: dict[tuple[str, str], dict[int, Decimal]] = {}
        for r in rates:
            if r.rate > 0:
                # Duplicate (date, pair) rows: keep the larger, so input order is irrelevant.
                days = by_pair.setdefault((r.base, r.quote), {})
                day = r.date.toordinal()
                days[day] = max(days.get(day, r.rate), r.rate)
        self._days: dict[tuple[str, str], list[int]] = {}
        self._rates: dict[tuple[str, str], list[Decimal]] = {}
        for pair, days in by_pair.items():
            ordered = sorted(days)
            self._days[pair] = ordered
            self._rates[pair] = [days[d] for d in ordered]
        self._max_age = max_age_days
        self._cache: dict[tuple[str, str, int], Decimal | None] = {}

    def __bool__(self) -> bool:
        return bool(self._days)

    def rate(self, base: str, quote: str, day: int) -> Decimal | None:
        """1 `base` in `quote` on `day` (ordinal), or None when no usable rate exists."""
        key = (base, quote, day)
        if key in self._cache:
            return self._cache[key]
        found = self._direct(base, quote, day)
        if found is None:
            inverse = self._direct(quote, base, day)
            found = (Decimal(1) / inverse) if inverse else None
        self._cache[key] = found
        return found

    def _direct(self, base: str, quote: str, day: int) -> Decimal | None:
        days = self._days.get((base, quote))
        if not days:
            return None
        i = bisect_right(days, day) - 1
        if i < 0 or day - days[i] > self._max_age:
            return None
        return self._rates[(base, quote)][i]


def convert(minor: int, currency: str, rate: Decimal, to_currency: str) -> int:
    """`minor` units of `currency` in `to_currency` at `rate`, rounded half-even."""
    amount = Decimal(minor).scaleb(-exponent(currency)) * rate
    return round_to_minor(amount, to_currency)


def implied_rate(from_minor: int, from_cur: str, to_minor: int, to_cur: str) -> Decimal:
    """The rate 1 `from_cur` = x `to_cur` implied by two amounts (six significant places)."""
    a = Decimal(from_minor).scaleb(-exponent(from_cur))
    b = Decimal(to_minor).scaleb(-exponent(to_cur))
    return (b / a).quantize(Decimal("0.000001")) if a else Decimal(0)
