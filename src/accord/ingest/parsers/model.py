"""The normalised statement model every parser produces.

Plain frozen values: no I/O, no framework. Amounts are signed from the account holder's
view (credit +, debit -) as integer minor units with a currency.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from accord.kit.money import Money


class LineStatus(StrEnum):
    BOOKED = "booked"
    PENDING = "pending"


@dataclass(frozen=True, slots=True)
class SourceLocation:
    """Where a value came from, for error messages and the audit trail.

    `line` is the 1-based line in the file where the entry starts (None where the format
    has no meaningful lines); `path` is an XML path such as
    ``/Document/BkToCstmrStmt/Stmt[1]/Ntry[3]/NtryDtls/TxDtls[2]`` for XML formats.
    `statement_index` and `entry_index` are 0-based positions in the file / statement.
    """

    file: str
    statement_index: int
    entry_index: int
    line: int | None = None
    path: str | None = None

    def describe(self) -> str:
        where = f"line {self.line}" if self.line is not None else (self.path or "")
        return f"{self.file}: {where}" if where else self.file


@dataclass(frozen=True, slots=True)
class TransactionCode:
    """Bank transaction code: ISO 20022 domain/family/sub-family and/or a proprietary code.

    `proprietary` holds SWIFT/MT940 codes (`NTRF`, GVC `166`), BAI2 type codes (`165`),
    OFX TRNTYPE (`DEBIT`) and camt `Prtry/Cd`; `issuer` says whose list it is from.
    """

    domain: str | None = None
    family: str | None = None
    sub_family: str | None = None
    proprietary: str | None = None
    issuer: str | None = None


@dataclass(frozen=True, slots=True)
class Party:
    """The other side of a line: name, account (IBAN or number) and bank (BIC or id)."""

    name: str | None = None
    account: str | None = None
    bank: str | None = None


@dataclass(frozen=True, slots=True)
class BankLine:
    """One booked or pending movement on a bank account.

    `bank_ref` is the bank's id for the line as defined by the reconcile-files contract;
    where the file has none, `bank_ref_derived` is True and the ref is
    ``{statement_id}/{entry_index+1}`` (or ``.../{entry}.{tx}`` for split batch entries).
    `account` repeats the statement account's id (IBAN, else number) so a line stands alone.
    """

    bank_ref: str
    account: str
    amount: Money
    booking_date: date | None
    value_date: date | None
    status: LineStatus
    source: SourceLocation
    bank_ref_derived: bool = False
    reversal: bool = False
    transaction_code: TransactionCode | None = None
    end_to_end_id: str | None = None
    mandate_id: str | None = None
    creditor_reference: str | None = None
    remittance: str | None = None
    counterparty: Party | None = None
    instructed_amount: Money | None = None
    exchange_rate: Decimal | None = None
    charges: Money | None = None
    customer_ref: str | None = None
    additional_info: str | None = None


@dataclass(frozen=True, slots=True)
class Account:
    """The statement's own account. `id` is the IBAN if known, else the account number."""

    iban: str | None
    number: str | None
    currency: str
    bank: str | None = None
    name: str | None = None

    @property
    def id(self) -> str:
        return self.iban or self.number or ""


@dataclass(frozen=True, slots=True)
class Balance:
    amount: Money
    date: date | None


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement, report or notification for one account.

    `format` names the message exactly (``camt.053.001.08``, ``mt940``, ``bai2``,
    ``ofx``, ``csv:<profile>``). Balances are None where the file gives none.
    """

    format: str
    id: str
    account: Account
    lines: tuple[BankLine, ...]
    source: SourceLocation
    sequence: str | None = None
    created_at: datetime | None = None
    period_start: date | None = None
    period_end: date | None = None
    opening_booked: Balance | None = None
    closing_booked: Balance | None = None
    opening_available: Balance | None = None
    closing_available: Balance | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """Everything read from one file, complete: parsers never return part of a file."""

    file: str
    format: str
    statements: tuple[Statement, ...]
