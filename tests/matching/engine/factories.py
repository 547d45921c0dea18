"""Small typed factories for engine tests: a bank line or a ledger record in one call."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from accord.ingest.parsers.model import BankLine, LineStatus, Party, SourceLocation
from accord.kit.money import Money
from accord.matching.engine.model import LedgerRecord, Rate, RecordType

ACCOUNT = "DE89370400440532013000"
DAY = date(2025, 3, 10)


def line(
    ref: str,
    amount: str,
    *,
    currency: str = "EUR",
    account: str = ACCOUNT,
    day: date = DAY,
    remittance: str | None = None,
    name: str | None = None,
    e2e: str | None = None,
    creditor_reference: str | None = None,
    customer_ref: str | None = None,
    reversal: bool = False,
    instructed: tuple[str, str] | None = None,
    exchange_rate: str | None = None,
    charges: str | None = None,
    pending: bool = False,
    entry: int = 0,
) -> BankLine:
    """A booked bank line; `amount` is signed (credit +, debit -)."""
    return BankLine(
        bank_ref=ref,
        account=account,
        amount=Money.of(amount, currency),
        booking_date=day,
        value_date=day,
        status=LineStatus.PENDING if pending else LineStatus.BOOKED,
        source=SourceLocation("stmt.xml", 0, entry),
        reversal=reversal,
        end_to_end_id=e2e,
        creditor_reference=creditor_reference,
        remittance=remittance,
        counterparty=Party(name=name) if name else None,
        instructed_amount=Money.of(instructed[0], instructed[1]) if instructed else None,
        exchange_rate=Decimal(exchange_rate) if exchange_rate else None,
        charges=Money.of(charges, currency) if charges else None,
        customer_ref=customer_ref,
    )


def record(
    rid: str,
    amount: str,
    *,
    currency: str = "EUR",
    day: date = DAY - timedelta(days=10),
    account: str | None = None,
    name: str | None = None,
    reference: str | None = None,
    kind: RecordType = RecordType.INVOICE,
) -> LedgerRecord:
    """An open ledger record; `amount` is signed (+ money in, - money out)."""
    return LedgerRecord(
        id=rid,
        date=day,
        amount=Money.of(amount, currency),
        account=account,
        counterparty=name,
        reference=reference,
        type=kind,
    )


def rate(day: date, base: str, quote: str, value: str) -> Rate:
    return Rate(day, base, quote, Decimal(value))
