"""BAI2 field values: dates, times, amounts and the sign of a type code."""

from __future__ import annotations

import re
from datetime import date

from accord.ingest.parsers.bai2.records import Bai2Error, Field, is_digits

_SIGNED = re.compile(r"[+-]?[0-9]{1,30}")
_UNSIGNED = re.compile(r"[0-9]{1,30}")
_TIME = re.compile(r"([0-9]{2})([0-9]{2})|([0-9]{2}):([0-9]{2})(?::[0-9]{2})?")

# BAI type codes with a direction (ASC X9 / BAI2 ranges, customised ranges included).
_CREDIT_RANGES = ((100, 399), (920, 959))
_DEBIT_RANGES = ((400, 699), (960, 999))


def parse_date(field: Field, what: str) -> date:
    """A YYMMDD date; years 70-99 are 1970-1999, 00-69 are 2000-2069."""
    value = field.value
    if len(value) != 6 or not is_digits(value):
        raise Bai2Error(field.line, f"{what} {value!r} is not a date: expected YYMMDD")
    year = int(value[:2])
    try:
        return date(year + (1900 if year >= 70 else 2000), int(value[2:4]), int(value[4:]))
    except ValueError:
        raise Bai2Error(field.line, f"{what} {value!r} is not a valid date (YYMMDD)") from None


def check_time(field: Field, what: str) -> None:
    """A time is blank, HHMM (0000-2400, 9999 meaning end of day) or HH:MM[:SS]."""
    value = field.value
    if not value or value == "9999":
        return
    match = _TIME.fullmatch(value)
    if match is not None:
        parts = match.group(1, 2) if match.group(1) else match.group(3, 4)
        hour, minute = int(parts[0]), int(parts[1])
        if (hour < 24 and minute < 60) or value in ("2400", "24:00"):
            return
    raise Bai2Error(field.line, f"{what} {value!r} is not a time: expected HHMM")


def parse_amount(field: Field, what: str, *, signed: bool) -> int:
    """Integer minor units; summary amounts and control totals may carry a sign."""
    value = field.value
    if not (_SIGNED if signed else _UNSIGNED).fullmatch(value):
        expected = "digits with an optional + or -" if signed else "unsigned digits"
        raise Bai2Error(field.line, f"{what} {value!r} is not an amount: expected {expected}")
    return int(value)


def parse_count(field: Field, what: str) -> int:
    value = field.value
    if not _UNSIGNED.fullmatch(value):
        raise Bai2Error(field.line, f"{what} {value!r} is not a number")
    return int(value)


def parse_type_code(field: Field) -> int:
    value = field.value
    if len(value) != 3 or not is_digits(value):
        raise Bai2Error(field.line, f"type code {value!r} is not a 3-digit BAI type code")
    return int(value)


def direction(code: int, line: int) -> int:
    """+1 for credit type codes, -1 for debit ones; other codes are not transactions."""
    if any(low <= code <= high for low, high in _CREDIT_RANGES):
        return 1
    if any(low <= code <= high for low, high in _DEBIT_RANGES):
        return -1
    raise Bai2Error(
        line,
        f"type code {code:03d} is not a transaction code: a 16 record needs a credit code "
        "(100-399, 920-959) or a debit code (400-699, 960-999)",
    )


def check_availability(funds: Field, extra: list[Field]) -> date | None:
    """Check the fields after a funds type; return the value date of type V, if given.

    S: immediate, one-day and two-or-more-day amounts; V: value date and time;
    D: number of distributions, then (days, amount) pairs.
    """
    kind = funds.value.upper()
    if kind == "V":
        day, time = extra
        check_time(time, "value time")
        return parse_date(day, "value date") if day.value else None
    amounts = extra if kind == "S" else extra[2::2]
    for days in extra[1::2] if kind == "D" else []:
        parse_count(days, "availability days")
    for amount in amounts:
        if amount.value:
            parse_amount(amount, "availability amount", signed=True)
    return None
