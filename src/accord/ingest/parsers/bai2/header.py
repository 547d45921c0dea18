"""BAI2 file and group headers, account identifiers and their summaries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from accord.ingest.parsers.bai2.records import (
    Bai2Error,
    Field,
    Record,
    availability_width,
    is_digits,
    plain_fields,
)
from accord.ingest.parsers.bai2.values import (
    check_availability,
    check_time,
    parse_amount,
    parse_date,
    parse_type_code,
)
from accord.kit.errors import BadInput
from accord.kit.money import check_currency

DEFAULT_CURRENCY = "USD"


@dataclass(frozen=True, slots=True)
class FileHeader:
    sender: str
    receiver: str
    created: date
    file_id: str


@dataclass(frozen=True, slots=True)
class GroupHeader:
    number: int
    receiver: str
    originator: str
    status: str
    as_of: date
    currency: str
    modifier: str


@dataclass(frozen=True, slots=True)
class Summary:
    code: int
    amount: int | None
    line: int


@dataclass(frozen=True, slots=True)
class AccountIdentifier:
    number: str
    currency: str
    summaries: tuple[Summary, ...]


def _padded(record: Record, size: int) -> list[Field]:
    fields = plain_fields(record)
    return fields + [Field("", record.pieces[-1].line)] * (size - len(fields))


def currency_of(field: Field, default: str) -> str:
    if not field.value:
        return default
    try:
        return check_currency(field.value.upper())
    except BadInput as error:
        raise Bai2Error(field.line, error.message) from None


def file_header(record: Record) -> FileHeader:
    """01: sender, receiver, creation date and time, file id, record length, block, version."""
    sender, receiver, created, time, file_id, _length, _block, version = _padded(record, 8)[:8]
    if version.value != "2":
        raise Bai2Error(
            version.line, f"BAI version {version.value!r}: only BAI2 (version 2) is read"
        )
    check_time(time, "file creation time")
    return FileHeader(
        sender.value, receiver.value, parse_date(created, "file creation date"), file_id.value
    )


def group_header(record: Record, number: int) -> GroupHeader:
    """02: receiver, originator, status, as-of date and time, currency, as-of modifier."""
    receiver, originator, status, as_of, time, currency, modifier = _padded(record, 7)[:7]
    if status.value not in ("1", "3", "4"):
        raise Bai2Error(
            status.line,
            f"group status {status.value!r}: expected 1 (update), 3 (correction) or 4 (test); "
            "2 (deletion of data sent before) is not read",
        )
    if modifier.value not in ("", "1", "2", "3", "4"):
        raise Bai2Error(modifier.line, f"as-of-date modifier {modifier.value!r}: expected 1-4")
    check_time(time, "as-of time")
    return GroupHeader(
        number=number,
        receiver=receiver.value,
        originator=originator.value,
        status=status.value,
        as_of=parse_date(as_of, "as-of date"),
        currency=currency_of(currency, DEFAULT_CURRENCY),
        modifier=modifier.value,
    )


def _summaries(fields: list[Field]) -> list[Summary]:
    """Type code, amount, item count, funds type (and its availability) repeated."""
    found: list[Summary] = []
    index = 0
    while index < len(fields) and any(field.value for field in fields[index:]):
        group = fields[index : index + 4]
        group += [Field("", fields[-1].line)] * (4 - len(group))
        code, amount, count, funds = group
        start = index + 4
        width = availability_width(funds, fields[start] if start < len(fields) else None)
        extra = fields[start : start + width]
        if len(extra) < width:
            raise Bai2Error(funds.line, f"funds type {funds.value} needs {width} more fields")
        check_availability(funds, extra)
        index = start + width
        if not code.value and not amount.value:
            continue
        if count.value and not is_digits(count.value):
            raise Bai2Error(count.line, f"item count {count.value!r} is not a number")
        value = parse_amount(amount, "summary amount", signed=True) if amount.value else None
        found.append(Summary(parse_type_code(code), value, code.line))
    return found


def account_identifier(record: Record, group: GroupHeader) -> AccountIdentifier:
    """03: account number, currency, then summary and status fields."""
    fields = plain_fields(record)
    number = fields[0]
    if not number.value:
        raise Bai2Error(number.line, "account identifier without an account number")
    currency = currency_of(fields[1], group.currency) if len(fields) > 1 else group.currency
    return AccountIdentifier(number.value, currency, tuple(_summaries(fields[2:])))
