"""Reading one cell: amounts with a profile's separators, dates with its patterns.

The functions raise CellError with what was expected; the parser adds file, line and column.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from functools import cache

MAX_DIGITS = 18  # keeps minor units within a signed 64-bit integer for every currency
MIN_YEAR = 1900  # a two-digit year read with %Y (year 0026) is a wrong pattern, not a date


class CellError(Exception):
    """A cell that does not hold what its column should; `expected` says what should be."""

    def __init__(self, expected: str) -> None:
        super().__init__(expected)
        self.expected = expected


@cache
def _amount_pattern(decimal: str, thousands: str) -> re.Pattern[str]:
    grouped = rf"[0-9]{{1,3}}(?:{re.escape(thousands)}[0-9]{{3}})+|" if thousands else ""
    return re.compile(
        rf"(?P<sign>[+-]?)\s*(?P<whole>{grouped}[0-9]+)"
        rf"(?:{re.escape(decimal)}(?P<frac>[0-9]+))?(?P<trailing>-?)",
        re.ASCII,
    )


def describe_amount_format(decimal: str, thousands: str) -> str:
    """An example amount in this format, for error messages: ``-1.234,56``."""
    return f"-1{thousands}234{decimal}56"


def parse_decimal(text: str, *, decimal: str, thousands: str) -> Decimal:
    """A signed decimal written with these separators (``-1.234,56``, ``12,50-``)."""
    match = _amount_pattern(decimal, thousands).fullmatch(text.strip())
    if match is None or (match["sign"] and match["trailing"]):
        raise CellError(f"an amount like {describe_amount_format(decimal, thousands)}")
    whole = match["whole"].replace(thousands, "") if thousands else match["whole"]
    frac = match["frac"] or ""
    if len(whole.lstrip("0")) + len(frac) > MAX_DIGITS:
        raise CellError(f"an amount of at most {MAX_DIGITS} digits")
    negative = match["sign"] == "-" or match["trailing"] == "-"
    value = Decimal(f"{whole}.{frac}" if frac else whole)
    return -value if negative else value


def parse_date(text: str, formats: tuple[str, ...]) -> date:
    """The date in `text` read with the first of `formats` that fits it."""
    value = text.strip()
    for pattern in formats:
        try:
            parsed = datetime.strptime(value, pattern)  # noqa: DTZ007 - only the date is kept
        except ValueError:
            continue
        if parsed.year >= MIN_YEAR:
            return parsed.date()
    shown = " or ".join(repr(pattern) for pattern in formats)
    raise CellError(f"a date in the format {shown}")
