"""One data record -> one money movement, read through the profile's column layout."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from accord.ingest.parsers.csv.profile import CsvProfile
from accord.ingest.parsers.csv.table import Layout, Record
from accord.ingest.parsers.csv.values import CellError, parse_date, parse_decimal
from accord.ingest.parsers.errors import StatementParseError
from accord.ingest.parsers.interner import Interner
from accord.ingest.parsers.model import (
    BankLine,
    LineStatus,
    Party,
    SourceLocation,
    TransactionCode,
)
from accord.kit.errors import BadInput
from accord.kit.money import Money, exponent, is_currency

# SEPA's placeholder for "the payer gave no end-to-end id"; it identifies nothing.
NOT_PROVIDED = "NOTPROVIDED"


@dataclass(frozen=True, slots=True)
class Row:
    """A data row read completely. `line.bank_ref` and `line.source` are provisional."""

    number: int
    record: Record
    account: str | None
    currency: str
    line: BankLine
    bank_ref: str | None
    fee: Money | None
    balance: Money | None

    @property
    def total(self) -> Money:
        """What the row moved on the balance: the amount plus its fee."""
        return self.line.amount + self.fee if self.fee is not None else self.line.amount


class Cells:
    """The cells of one record by field name, raising errors that name line and column.

    Dates, amounts and parties come back shared (`shared` is the file's Interner).
    """

    def __init__(
        self,
        record: Record,
        layout: Layout,
        profile: CsvProfile,
        filename: str,
        shared: Interner,
    ):
        self.record = record
        self.layout = layout
        self.profile = profile
        self.filename = filename
        self.shared = shared

    def fail(self, field_name: str, expected: str, found: str) -> StatementParseError:
        index = self.layout.indexes.get(field_name, (-1,))[0]
        column = self.layout.label(index)
        return StatementParseError(
            self.filename,
            f"line {self.record.line}",
            f'column "{column}" ({field_name}): expected {expected}, found {found!r}',
        )

    def check_width(self) -> None:
        """Every mapped column must exist in the record (extra trailing fields are fine)."""
        found, used = len(self.record.fields), self.layout.used
        if used and found <= used[-1]:
            missing = next(i for i in used if i >= found)
            raise StatementParseError(
                self.filename,
                f"line {self.record.line}",
                f"expected at least {used[-1] + 1} fields (column "
                f'"{self.layout.label(missing)}" is field {missing + 1}), found {found}',
            )

    def skipped(self) -> bool:
        return any(self.record.fields[i].strip() in values for i, values in self.layout.skip)

    def text(self, field_name: str) -> str | None:
        """The stripped cell (several columns joined by a space), or None when blank."""
        indexes = self.layout.indexes.get(field_name)
        if not indexes:
            return None
        if len(indexes) == 1:
            return self.record.fields[indexes[0]].strip() or None
        parts = (self.record.fields[i].strip() for i in indexes)
        return " ".join(part for part in parts if part) or None

    def required(self, field_name: str, expected: str) -> str:
        value = self.text(field_name)
        if value is None:
            raise self.fail(field_name, expected, "")
        return value

    def date(self, field_name: str) -> date | None:
        value = self.text(field_name)
        if value is None:
            return None
        try:
            day = parse_date(value, self.profile.date_formats)
        except CellError as exc:
            raise self.fail(field_name, exc.expected, value) from None
        return self.shared.date(day)

    def decimal(self, field_name: str) -> Decimal | None:
        value = self.text(field_name)
        if value is None:
            return None
        try:
            return parse_decimal(
                value, decimal=self.profile.decimal, thousands=self.profile.thousands
            )
        except CellError as exc:
            raise self.fail(field_name, exc.expected, value) from None

    def money(self, field_name: str, amount: Decimal, currency: str) -> Money:
        try:
            money = Money.of(amount, currency)
        except BadInput:
            places = exponent(currency)
            expected = f"an amount with at most {places} decimals for {currency}"
            raise self.fail(field_name, expected, self.text(field_name) or "") from None
        return self.shared.money(money)

    def currency(self, field_name: str) -> str | None:
        value = self.text(field_name)
        if value is None:
            return None
        code = value.upper()
        if not is_currency(code):
            raise self.fail(field_name, "an ISO 4217 currency code such as EUR", value)
        return code


def read_row(number: int, cells: Cells) -> Row | None:
    """The row's movement, or None when a skip rule says it is not one."""
    cells.check_width()
    if cells.skipped():
        return None
    profile = cells.profile
    currency = profile.currency or cells.currency("currency")
    if currency is None:
        raise cells.fail("currency", "an ISO 4217 currency code such as EUR", "")
    account = profile.account or _account(cells)
    amount = cells.money(_amount_field(cells), _signed(profile, _amount(cells)), currency)
    line = _bank_line(cells, amount)
    return Row(
        number=number,
        record=cells.record,
        account=account,
        currency=currency,
        line=line,
        bank_ref=cells.text("bank_ref"),
        fee=_optional_money(cells, "fee", currency, keep_zero=False),
        balance=_optional_money(cells, "balance", currency, keep_zero=True),
    )


def _bank_line(cells: Cells, amount: Money) -> BankLine:
    """The line with everything but its final bank reference, account and position."""
    booking_date = cells.date("date")
    if booking_date is None:
        expected = f"a date in the format {cells.profile.date_formats[0]!r}"
        raise cells.fail("date", expected, "")
    return BankLine(
        bank_ref="",
        account="",
        amount=amount,
        booking_date=booking_date,
        value_date=cells.date("value_date"),
        status=_status(cells),
        source=SourceLocation(cells.filename, 0, 0, line=cells.record.line),
        transaction_code=_transaction_code(cells),
        end_to_end_id=_end_to_end(cells),
        mandate_id=cells.text("mandate_id"),
        creditor_reference=cells.text("creditor_reference"),
        remittance=cells.text("remittance"),
        counterparty=_counterparty(cells),
        instructed_amount=_instructed(cells, amount),
        customer_ref=cells.text("customer_ref"),
    )


def _account(cells: Cells) -> str | None:
    if "account" not in cells.layout.indexes:
        return None
    return cells.required("account", "the account's IBAN or number").replace(" ", "")


def _amount_field(cells: Cells) -> str:
    if cells.profile.columns.amount is not None:
        return "amount"
    return "debit" if cells.decimal("debit") else "credit"


def _signed(profile: CsvProfile, value: Decimal) -> Decimal:
    return -value if profile.sign == "inverted" else value


def _amount(cells: Cells) -> Decimal:
    """The signed amount before the profile's sign convention: credit +, debit -."""
    profile = cells.profile
    if profile.columns.amount is None:
        return _debit_credit(cells)
    value = cells.decimal("amount")
    if value is None:
        raise cells.fail("amount", "an amount", "")
    if profile.columns.indicator is None:
        return value
    flag = cells.required("indicator", "a debit/credit indicator")
    if flag in profile.debit_values:
        return -abs(value)
    if flag in profile.credit_values:
        return abs(value)
    allowed = sorted(profile.debit_values | profile.credit_values)
    raise cells.fail("indicator", f"one of {allowed}", flag)


def _debit_credit(cells: Cells) -> Decimal:
    """Separate columns: the magnitude of one of them, debit as money out."""
    debit, credit = cells.decimal("debit"), cells.decimal("credit")
    if debit is None and credit is None:
        raise cells.fail("debit", "an amount in the debit or the credit column", "")
    if debit and credit:
        raise cells.fail("credit", "an empty or zero credit when the debit has an amount", "")
    return abs(credit or Decimal(0)) - abs(debit or Decimal(0))


def _optional_money(
    cells: Cells, field_name: str, currency: str, *, keep_zero: bool
) -> Money | None:
    if field_name not in cells.layout.indexes:
        return None
    value = cells.decimal(field_name)
    if value is None:
        if keep_zero:  # a mapped balance must be on every row: it gives the balances
            raise cells.fail(field_name, "an amount", "")
        return None
    if not value and not keep_zero:
        return None
    return cells.money(field_name, _signed(cells.profile, value), currency)


def _status(cells: Cells) -> LineStatus:
    value = cells.text("status")
    if value is not None and value in cells.profile.pending_values:
        return LineStatus.PENDING
    return LineStatus.BOOKED


def _transaction_code(cells: Cells) -> TransactionCode | None:
    value = cells.text("transaction_code")
    return cells.shared.code(value, cells.profile.name) if value else None


def _end_to_end(cells: Cells) -> str | None:
    value = cells.text("end_to_end_id")
    return None if value is None or value.upper() == NOT_PROVIDED else value


def _counterparty(cells: Cells) -> Party | None:
    name = cells.text("counterparty_name")
    account = cells.text("counterparty_account")
    bank = cells.text("counterparty_bank")
    if name is None and account is None and bank is None:
        return None
    return cells.shared.party(name, account, bank)


def _instructed(cells: Cells, amount: Money) -> Money | None:
    """The original-currency amount, signed like the line (exports differ in its sign)."""
    currency = cells.currency("instructed_currency")
    value = cells.decimal("instructed_amount")
    if currency is None or value is None or not value or currency == amount.currency:
        return None
    magnitude = abs(value)
    return cells.money("instructed_amount", -magnitude if amount.minor < 0 else magnitude, currency)
