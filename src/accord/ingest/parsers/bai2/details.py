"""BAI2 transaction details (16 records) as bank lines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from accord.ingest.parsers.bai2.header import AccountIdentifier
from accord.ingest.parsers.bai2.records import Record, detail_fields
from accord.ingest.parsers.bai2.text import read_text
from accord.ingest.parsers.bai2.values import (
    check_availability,
    direction,
    parse_amount,
    parse_type_code,
)
from accord.ingest.parsers.interner import Interner
from accord.ingest.parsers.model import BankLine, LineStatus, Party, SourceLocation
from accord.kit.money import Money


@dataclass(frozen=True, slots=True)
class DetailContext:
    """What every line of one account shares."""

    file: str
    statement_id: str
    statement_index: int
    account: AccountIdentifier
    as_of: date
    shared: Interner


@dataclass(frozen=True, slots=True)
class Detail:
    line: BankLine
    amount: int  # as written (unsigned), for the account control total


def read_detail(record: Record, index: int, context: DetailContext) -> Detail:
    """One 16 record (with its 88 continuations) as a bank line.

    The sign comes from the type code; the booking date is the group's as-of date and the
    value date that of funds type V, else the as-of date.
    """
    split = detail_fields(record)
    code_field, amount_field, funds = split.fields[:3]
    code = parse_type_code(code_field)
    sign = direction(code, code_field.line)
    amount = parse_amount(amount_field, "detail amount", signed=False)
    value_date = check_availability(funds, list(split.fields[3:-2]))
    bank_ref, customer_ref = (field.value for field in split.fields[-2:])
    info = read_text(split.text, credit=sign > 0) if split.text else None
    shared = context.shared
    line = BankLine(
        bank_ref=bank_ref or f"{context.statement_id}/{index + 1}",
        bank_ref_derived=not bank_ref,
        account=context.account.number,
        amount=shared.money(Money(sign * amount, context.account.currency)),
        booking_date=context.as_of,
        value_date=shared.date(value_date) or context.as_of,
        status=LineStatus.BOOKED,
        source=SourceLocation(context.file, context.statement_index, index, line=record.line),
        transaction_code=shared.code(f"{code:03d}", "BAI"),
        customer_ref=customer_ref or None,
        remittance=info.remittance if info else None,
        end_to_end_id=info.end_to_end_id if info else None,
        counterparty=_shared_party(info.counterparty, shared) if info else None,
        additional_info=split.text,
    )
    return Detail(line, amount)


def _shared_party(party: Party | None, shared: Interner) -> Party | None:
    return shared.party(party.name, party.account, party.bank) if party is not None else None
