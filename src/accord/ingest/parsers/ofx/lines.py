"""OFX STMTTRN elements as bank lines."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from accord.ingest.parsers.interner import Interner
from accord.ingest.parsers.model import BankLine, LineStatus, Party, SourceLocation
from accord.ingest.parsers.ofx.tree import Node, OfxError
from accord.ingest.parsers.ofx.values import (
    convert,
    optional_date,
    parse_currency,
    parse_date,
    parse_decimal,
    parse_money,
)
from accord.kit.money import Money


@dataclass(frozen=True, slots=True)
class LineContext:
    file: str
    statement_id: str
    statement_index: int
    account: str
    currency: str
    shared: Interner


@dataclass(frozen=True, slots=True)
class _Conversion:
    amount: Money
    instructed: Money | None = None
    rate: Decimal | None = None


def _conversion(trn: Node, currency: str) -> _Conversion:
    """TRNAMT in the account currency, or converted where the bank reports a currency.

    ORIGCURRENCY: TRNAMT is in the account currency (CURDEF) and the original amount is
    TRNAMT / CURRATE in CURSYM. CURRENCY: TRNAMT is in CURSYM and the account amount is
    TRNAMT * CURRATE (CURRATE is the ratio of CURDEF to CURSYM).
    """
    amount_node = trn.require("TRNAMT", "the signed amount")
    foreign = trn.child("ORIGCURRENCY") or trn.child("CURRENCY")
    if foreign is None:
        return _Conversion(parse_money(amount_node, currency))
    rate = parse_decimal(foreign.require("CURRATE", "the exchange rate"))
    if rate <= 0:
        raise OfxError(foreign.line, f"CURRATE {rate} must be positive")
    other = parse_currency(foreign.require("CURSYM", "the ISO 4217 currency"))
    amount = parse_decimal(amount_node)
    if foreign.name == "ORIGCURRENCY":
        return _Conversion(
            parse_money(amount_node, currency), convert(amount, 1 / rate, other), rate
        )
    return _Conversion(convert(amount, rate, currency), parse_money(amount_node, other), rate)


def _counterparty(trn: Node, shared: Interner) -> Party | None:
    payee = trn.child("PAYEE")
    name = trn.value("NAME") or (payee.value("NAME") if payee is not None else None)
    to = trn.child("BANKACCTTO") or trn.child("CCACCTTO")
    account = to.value("ACCTID") if to is not None else None
    bank = to.value("BANKID") if to is not None else None
    if name is None and account is None:
        return None
    return shared.party(name, account, bank)


def _additional(trn: Node) -> str | None:
    parts = [f"{key}: {trn.value(key)}" for key in ("REFNUM", "SRVRTID", "SIC") if trn.value(key)]
    user_date = optional_date(trn, "DTUSER")
    if user_date is not None:
        parts.append(f"DTUSER: {user_date.isoformat()}")
    return "; ".join(parts) or None


def read_line(trn: Node, index: int, context: LineContext) -> BankLine:
    """One STMTTRN: FITID is the bank reference (derived from the position when absent)."""
    if trn.child("CORRECTACTION") is not None or trn.child("CORRECTFITID") is not None:
        raise OfxError(trn.line, "corrections (CORRECTFITID / CORRECTACTION) are not supported")
    trntype = trn.required_value("TRNTYPE", "the transaction type (DEBIT, CREDIT, ...)")
    posted = parse_date(trn.require("DTPOSTED", "the date posted"))
    money = _conversion(trn, context.currency)
    fitid = trn.value("FITID")
    shared = context.shared
    return BankLine(
        bank_ref=fitid or f"{context.statement_id}/{index + 1}",
        bank_ref_derived=fitid is None,
        account=context.account,
        amount=shared.money(money.amount),
        booking_date=shared.date(posted),
        value_date=shared.date(optional_date(trn, "DTAVAIL")),
        status=LineStatus.BOOKED,
        source=SourceLocation(context.file, context.statement_index, index, line=trn.line),
        transaction_code=shared.code(trntype.upper(), "OFX"),
        customer_ref=trn.value("CHECKNUM"),
        remittance=trn.value("MEMO"),
        counterparty=_counterparty(trn, shared),
        instructed_amount=money.instructed,
        exchange_rate=money.rate,
        additional_info=_additional(trn),
    )
