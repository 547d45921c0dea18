"""camt field values (amounts, indicators, dates) checked and converted, or a clear error.

Every function takes a `Place` (file, XML path and line of the element being read) so an
error names exactly where the bad value is and what was expected there.
"""

from __future__ import annotations

import re
import sys
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from accord.ingest.parsers.camt.spec import AmountText
from accord.ingest.parsers.errors import StatementParseError
from accord.kit.errors import BadInput
from accord.kit.money import Money, digits_to_minor, is_currency, to_minor

_RATE = re.compile(r"\d{1,11}(?:\.\d{1,10})?", re.ASCII)


class Place(NamedTuple):
    """Where in the file a value is being read: for error messages.

    A NamedTuple rather than a frozen dataclass: one is made per entry, and it is cheaper.
    """

    file: str
    path: str
    line: int | None

    def error(self, field: str, problem: str) -> StatementParseError:
        path = f"{self.path}/{field}" if field else self.path
        where = f"{path} (line {self.line})" if self.line else path
        return StatementParseError(self.file, where, problem)


def text(value: str | None) -> str | None:
    """The stripped text, or None when absent or blank."""
    if value is None:
        return None
    value = value.strip()
    return value or None


def required(value: str | None, place: Place, field: str, expected: str) -> str:
    """The text of a mandatory element, or an error saying what was expected."""
    stripped = text(value)
    if stripped is None:
        raise place.error(field, f"missing {field}: expected {expected}")
    return stripped


def currency(code: str | None, place: Place, field: str) -> str:
    """An ISO 4217 currency code from a Ccy attribute or element."""
    stripped = text(code)
    if stripped is None:
        raise place.error(field, "missing currency: expected a Ccy attribute (ISO 4217)")
    if not is_currency(stripped):
        raise place.error(field, f"unknown currency {stripped!r}: expected an ISO 4217 code")
    # One string per code for every amount read (a few hundred codes exist, so the table
    # sys.intern keeps stays small); each line would otherwise hold its own copy.
    return sys.intern(stripped)


def money(amount: AmountText | None, place: Place, field: str) -> Money:
    """An unsigned camt amount with its Ccy attribute, as Money."""
    if amount is None:
        raise place.error(field, f"missing {field}: expected an amount with a Ccy attribute")
    raw, code = amount
    value = text(raw)
    parts = amount_parts(value) if value is not None else None
    if value is None or parts is None:
        raise place.error(
            field, f"bad amount {raw!r}: expected an unsigned decimal such as 1234.56"
        )
    cur = currency(code, place, field)
    minor = digits_to_minor(*parts, cur)
    if minor is None:
        try:
            minor = to_minor(value, cur)  # raises, saying why
        except BadInput as error:
            raise place.error(field, error.message) from None
    return Money(minor, cur)


def amount_parts(value: str) -> tuple[str, str] | None:
    """The whole and fraction digits of an ISO 20022 ActiveOrHistoricCurrencyAndAmount
    (unsigned, up to 18 digits and 5 decimals, ASCII as xs:decimal), or None.

    String tests rather than a regex: a match costs more than the whole conversion.
    """
    whole, _, fraction = value.partition(".")
    if len(whole) > 18 or len(fraction) > 5 or not (whole or fraction):
        return None
    if not value.isascii() or not (whole + fraction).isdigit():
        return None
    return whole, fraction


def sign(indicator: str | None, place: Place, field: str = "CdtDbtInd") -> int:
    """+1 for CRDT, -1 for DBIT."""
    value = text(indicator)
    if value == "CRDT":
        return 1
    if value == "DBIT":
        return -1
    found = "missing" if value is None else f"found {value!r}"
    raise place.error(field, f"{found}: expected CdtDbtInd CRDT or DBIT")


def flag(value: str | None, place: Place, field: str) -> bool:
    """An xs:boolean ('true', 'false', '1', '0'); absent means false."""
    stripped = text(value)
    if stripped is None or stripped in ("false", "0"):
        return False
    if stripped in ("true", "1"):
        return True
    raise place.error(field, f"bad boolean {stripped!r}: expected true or false")


def day(value: str | None, place: Place, field: str) -> date:
    """An ISODate, optionally with a time zone (which does not change the date)."""
    if value is not None and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    stripped = required(value, place, field, "a date such as 2024-03-15")
    try:
        if len(stripped) == 10 or (len(stripped) > 10 and stripped[10] in "Z+-"):
            return date.fromisoformat(stripped[:10])
    except ValueError:
        pass
    raise place.error(field, f"bad date {stripped!r}: expected a date such as 2024-03-15")


def timestamp(value: str | None, place: Place, field: str) -> datetime:
    """An ISODateTime, kept as written (with its zone if it has one)."""
    stripped = required(value, place, field, "a date and time such as 2024-03-15T10:30:00")
    try:
        return datetime.fromisoformat(stripped)
    except ValueError:
        raise place.error(
            field, f"bad date and time {stripped!r}: expected e.g. 2024-03-15T10:30:00"
        ) from None


def date_or_time(
    day_text: str | None, time_text: str | None, place: Place, field: str
) -> date | None:
    """The date of a DateAndDateTimeChoice (Dt or DtTm), or None when neither is given.

    The texts come stripped from the walk (blank as None).
    """
    if day_text is not None:
        return day(day_text, place, f"{field}/Dt")
    if time_text is not None:
        return timestamp(time_text, place, f"{field}/DtTm").date()
    return None


def rate(value: str | None, place: Place, field: str) -> Decimal | None:
    """An exchange rate (positive decimal), or None when absent."""
    stripped = text(value)
    if stripped is None:
        return None
    if not _RATE.fullmatch(stripped):
        raise place.error(field, f"bad exchange rate {stripped!r}: expected e.g. 1.0825")
    try:
        return Decimal(stripped)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise place.error(field, f"bad exchange rate {stripped!r}") from None
