"""Plain values the generator produces before they are written to files."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum


class Acceptable(StrEnum):
    """What an engine may do with a true group without being wrong."""

    MATCHED = "matched"  # one `matched` row with exactly the group is the goal
    REVIEW_ONLY = "review-only"  # not determinable: any `matched` row touching it is wrong
    UNMATCHED = "unmatched"  # belongs with nothing: any `matched` row touching it is wrong


@dataclass(frozen=True, slots=True)
class AccountSpec:
    """One bank account of the organisation and the file format its bank sends."""

    key: str
    iban: str
    bic: str
    currency: str
    fmt: str  # "camt.053.001.08", "camt.053.001.02" or "mt940"
    bank_name: str


@dataclass(slots=True)
class Instructed:
    """The amount the payer instructed in another currency, and the bank's rate."""

    minor: int
    currency: str
    rate: Decimal  # 1 instructed currency = rate account currency


@dataclass(slots=True)
class Line:
    """One bank line as the bank will print it (a TxDtls or an MT940 :61: line)."""

    ref: str
    account: AccountSpec
    amount: int  # signed minor units in the account currency
    booking: date
    value: date
    family: str  # transaction family: RCDT, ICDT, RDDT, IDDT, CCRD, CHRG, INTR, TAXS, RTRN
    name: str | None = None
    cp_iban: str | None = None
    e2e: str | None = None
    scor: str | None = None
    text: str | None = None
    instructed: Instructed | None = None
    reversal: bool = False
    batch: str | None = None  # camt: lines sharing a batch id form one Ntry
    customer_ref: str | None = None  # MT940 :61: reference for the account owner
    seq: int = 0


@dataclass(frozen=True, slots=True)
class Record:
    """One ledger.csv row."""

    id: str
    date: date
    amount: int  # signed minor units in `currency`
    currency: str
    account: str  # IBAN or "" for any account
    counterparty: str
    reference: str
    type: str
    description: str


@dataclass(frozen=True, slots=True)
class Group:
    """A true group: the bank lines and records that belong together, and its kind."""

    kind: str
    bank_refs: tuple[str, ...]
    ledger_ids: tuple[str, ...]
    acceptable: Acceptable


@dataclass(slots=True)
class Block:
    """What one generation step produced; written out and then forgotten."""

    lines: list[Line] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
