"""Read RATES.csv (`date,base,quote,rate`: 1 base = rate quote on date) into Rates."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

from accord.kit.money import is_currency
from accord.matching.engine.model import Rate
from accord.reconciliation.files.csvio import header_index, numbered_rows
from accord.reconciliation.files.errors import InputFileError

COLUMNS = ("date", "base", "quote", "rate")
_RATE = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def read_rates(path: Path, *, file: str | None = None) -> tuple[Rate, ...]:
    """Every rate of the file, or raise InputFileError naming the file and line.

    Other columns are ignored. A rate must be a positive decimal; the same date, base and
    quote given twice is an error (which one would apply is a guess).
    """
    name = file if file is not None else str(path)
    rows = numbered_rows(path, name)
    first = next(rows, None)
    if first is None:
        raise InputFileError(name, None, "empty file: expected a header row date,base,quote,rate")
    header_line, header = first
    index, _ = header_index(header, known=COLUMNS, required=COLUMNS, file=name, line=header_line)
    rates: list[Rate] = []
    seen: dict[tuple[date, str, str], int] = {}
    for line, row in rows:
        if len(row) != len(header):
            raise _error(name, line, f"{len(row)} fields, but the header has {len(header)}")
        rate = _rate(name, line, *(row[index[column]].strip() for column in COLUMNS))
        key = (rate.date, rate.base, rate.quote)
        if key in seen:
            raise _error(
                name,
                line,
                f"{rate.base}/{rate.quote} on {rate.date} already given on line {seen[key]}",
            )
        seen[key] = line
        rates.append(rate)
    return tuple(rates)


def _rate(file: str, line: int, day: str, base: str, quote: str, rate: str) -> Rate:
    try:
        when = date.fromisoformat(day)
    except ValueError:
        raise _error(
            file, line, f"date {day!r}: expected an ISO 8601 date like 2025-01-31"
        ) from None
    for code in (base, quote):
        if not is_currency(code.upper()):
            raise _error(file, line, f"unknown currency {code!r}: expected an ISO 4217 code")
    if base.upper() == quote.upper():
        raise _error(file, line, f"base and quote are both {base.upper()}")
    if not _RATE.fullmatch(rate) or Decimal(rate) == 0:
        raise _error(
            file, line, f"rate {rate!r}: expected a positive decimal with '.', like 1.0842"
        )
    return Rate(date=when, base=base.upper(), quote=quote.upper(), rate=Decimal(rate))


def _error(file: str, line: int, problem: str) -> InputFileError:
    return InputFileError(file, f"line {line}", problem)
