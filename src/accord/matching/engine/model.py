"""Values the matching engine takes and returns. Pure and frozen.

Bank lines are `accord.ingest.parsers.model.BankLine`; this module adds the ledger side,
exchange rates and the engine's results.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from accord.ingest.parsers.model import BankLine
from accord.kit.money import Money


class RecordType(StrEnum):
    INVOICE = "invoice"
    PAYMENT = "payment"
    BILL_PAYMENT = "bill_payment"
    REFUND = "refund"
    PAYOUT = "payout"
    FEE = "fee"
    TRANSFER = "transfer"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class LedgerRecord:
    """An internal record: money expected in (+) or out (-) of one account (or any: None)."""

    id: str
    date: date
    amount: Money
    account: str | None = None
    counterparty: str | None = None
    reference: str | None = None
    type: RecordType = RecordType.OTHER
    description: str | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Rate:
    """1 `base` = `rate` `quote` on `date`."""

    date: date
    base: str
    quote: str
    rate: Decimal


class MatchStatus(StrEnum):
    MATCHED = "matched"  # safe to post without review
    REVIEW = "review"  # a proposal a person must confirm


@dataclass(frozen=True, slots=True)
class Alternative:
    """A candidate that was considered and lost, and why."""

    bank_refs: tuple[str, ...]
    ledger_ids: tuple[str, ...]
    reason: str


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a match was made: what agreed, by how much, and what it beat."""

    identifiers: tuple[str, ...] = ()  # e.g. "end_to_end_id=E2E-1", "reference=INV-2025-00123"
    amount_difference: Money | None = None
    days_apart: int | None = None
    name_similarity: float | None = None
    fx_rate: Decimal | None = None
    fx_source: str | None = None  # "bank" (instructed amount / rate) or "rates-file"
    alternatives: tuple[Alternative, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Match:
    match_id: str
    status: MatchStatus
    bank_refs: tuple[str, ...]
    ledger_ids: tuple[str, ...]
    rule: str
    confidence: Decimal  # 0..1, two decimals
    difference: Money  # bank total - ledger total, in the bank account's currency
    explanation: str
    evidence: Evidence
    # The matched values themselves, in the order of bank_refs / ledger_ids.
    lines: tuple[BankLine, ...] = ()
    records: tuple[LedgerRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class UnmatchedLine:
    line: BankLine
    reason: str


@dataclass(frozen=True, slots=True)
class UnmatchedRecord:
    record: LedgerRecord
    reason: str


@dataclass(frozen=True, slots=True)
class EngineResult:
    matches: tuple[Match, ...]
    unmatched_lines: tuple[UnmatchedLine, ...]
    unmatched_records: tuple[UnmatchedRecord, ...]
