"""Read LEDGER.csv into LedgerRecords in one pass, and write a record back as a CSV row.

Columns (any order, names matched case-insensitively): id, date, amount, currency are
required; account, counterparty, reference, type, description are optional; any other
column is kept in `LedgerRecord.metadata` under its header name.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from accord.kit.frozen import builder
from accord.kit.money import Money, digits_to_minor, exponent, format_amount, is_currency
from accord.matching.engine.model import LedgerRecord, RecordType
from accord.reconciliation.files.csvio import Row, header_index, numbered_rows
from accord.reconciliation.files.errors import InputFileError

REQUIRED = ("id", "date", "amount", "currency")
OPTIONAL = ("account", "counterparty", "reference", "type", "description")
KNOWN = REQUIRED + OPTIONAL
_REQ_TEXT = ", ".join(REQUIRED)

_AMOUNT = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
_TYPES = {kind.value: kind for kind in RecordType}
# Shared by every record without extra columns: a million empty dicts cost ~64 MB.
_NO_METADATA: dict[str, str] = {}
_build_record = builder(LedgerRecord)  # `LedgerRecord(...)`, faster (accord.kit.frozen)


@dataclass(frozen=True, slots=True)
class Ledger:
    """The records of one ledger file and its header (stripped names, file order)."""

    file: str
    columns: tuple[str, ...]
    records: tuple[LedgerRecord, ...]


def read_ledger(path: Path, *, file: str | None = None) -> Ledger:
    """Read every record of LEDGER.csv, or raise InputFileError naming the file and line."""
    name = file if file is not None else str(path)
    rows = numbered_rows(path, name)
    first = next(rows, None)
    if first is None:
        raise InputFileError(name, None, f"empty file: expected a header row with {_REQ_TEXT}")
    header_line, header = first
    index, others = header_index(
        header, known=KNOWN, required=REQUIRED, file=name, line=header_line
    )
    fields = _Fields(name, len(header), index, others)
    records = _records(rows, fields)
    return Ledger(name, tuple(column.strip() for column in header), tuple(records))


def _records(rows: Iterator[Row], fields: _Fields) -> list[LedgerRecord]:
    """Records from rows. The hot loop of a million-row ledger: locals and caches only;
    every check that fails goes to `_Fields`, which names the line and the problem."""
    i_id, i_date, i_amount, i_currency = (fields.position(c) for c in REQUIRED)
    i_account, i_party, i_ref, i_type, i_text = (fields.position(c) for c in OPTIONAL)
    width, others, records, seen = fields.width, fields.others, fields.records, fields.seen
    dates, currencies, kinds = fields.dates, fields.currencies, fields.kinds
    accounts: dict[str, str | None] = {"": None}
    parties: dict[str, str | None] = {}  # one string per counterparty: payers repeat
    amounts_in: dict[str, dict[str, Money]] = {}  # currency -> amount text -> one Money
    for line, row in rows:
        if len(row) != width:
            raise fields.error(line, f"{len(row)} fields, but the header has {width}")
        row.append("")  # the value of every optional column the file lacks
        record_id = row[i_id].strip()
        if not record_id or record_id in seen or ";" in record_id:
            raise fields.id_error(line, record_id)
        seen.add(record_id)
        fields.lines.append(line)
        currency = currencies.get(row[i_currency]) or fields.currency(line, row[i_currency])
        amounts = amounts_in.get(currency) or amounts_in.setdefault(currency, {})
        money = amounts.get(row[i_amount])
        if money is None:
            minor = parse_minor(row[i_amount].strip(), currency)
            if minor is None:
                raise fields.amount_error(line, row[i_amount].strip(), currency)
            money = amounts[row[i_amount]] = Money(minor, currency)
        account = row[i_account]
        reference = row[i_ref].strip()
        records.append(
            _build_record(
                record_id,
                dates.get(row[i_date]) or fields.date(line, row[i_date]),
                money,
                accounts[account] if account in accounts else fields.account(account, accounts),
                parties.get(row[i_party]) or parties.setdefault(row[i_party], _text(row[i_party])),
                record_id if reference == record_id else reference or None,  # one string
                kinds.get(row[i_type]) or fields.kind(line, row[i_type]),
                row[i_text].strip() or None,
                {name: row[pos] for name, pos in others} if others else _NO_METADATA,
            )
        )
    return records


class _Fields:
    """Column positions, caches of checked values, and the errors of the row loop."""

    def __init__(
        self, file: str, width: int, index: dict[str, int], others: list[tuple[str, int]]
    ) -> None:
        self.file = file
        self.width = width
        self.index = index
        self.others = others
        self.records: list[LedgerRecord] = []
        self.lines: list[int] = []
        self.seen: set[str] = set()
        # Raw text -> checked value: a ledger repeats few dates, currencies, types, accounts.
        self.dates: dict[str, date] = {}
        self.currencies: dict[str, str] = {}
        self.kinds: dict[str, RecordType] = {}

    def position(self, column: str) -> int:
        """Where the column is in a row; absent columns read the blank appended to each row."""
        return self.index.get(column, self.width)

    def error(self, line: int, problem: str) -> InputFileError:
        return InputFileError(self.file, f"line {line}", problem)

    def id_error(self, line: int, record_id: str) -> InputFileError:
        if not record_id:
            return self.error(line, "id is empty: every record needs a unique id")
        if record_id in self.seen:
            first = next(i for i, r in enumerate(self.records) if r.id == record_id)
            return self.error(
                line, f"duplicate id {record_id!r}: already used on line {self.lines[first]}"
            )
        return self.error(line, f"id {record_id!r} contains ';', which separates ids in outputs")

    def currency(self, line: int, raw: str) -> str:
        text = raw.strip()
        code = text.upper()
        if not is_currency(code):
            found = f"unknown currency {text!r}" if text else "currency is empty"
            raise self.error(line, f"{found}: expected an ISO 4217 code such as EUR or USD")
        self.currencies[raw] = code
        return code

    def date(self, line: int, raw: str) -> date:
        text = raw.strip()
        try:
            day = date.fromisoformat(text)
        except ValueError:
            found = f"date {text!r} is not a date" if text else "date is empty"
            raise self.error(line, f"{found}: expected an ISO 8601 date like 2025-01-31") from None
        self.dates[raw] = day
        return day

    def amount_error(self, line: int, text: str, currency: str) -> InputFileError:
        found = f"amount {text!r}" if text else "amount is empty"
        return self.error(
            line,
            f"{found}: expected a signed decimal with '.' and at most "
            f"{exponent(currency)} decimals for {currency}, like -1234.50",
        )

    def account(self, raw: str, accounts: dict[str, str | None]) -> str | None:
        # IBANs are printed in groups of four; the bank's files carry them without spaces.
        account = "".join(raw.split()).upper() or None
        accounts[raw] = account
        return account

    def kind(self, line: int, raw: str) -> RecordType:
        text = raw.strip().lower() or "other"
        kind = _TYPES.get(text)
        if kind is None:
            raise self.error(
                line, f"type {text!r} is not one of {', '.join(_TYPES)} (blank means other)"
            )
        self.kinds[raw] = kind
        return kind


def _text(raw: str) -> str | None:
    return raw.strip() or None


def parse_minor(text: str, currency: str) -> int | None:
    """Exact minor units of a plain decimal like -1234.50, or None if it is not one."""
    if not _AMOUNT.fullmatch(text):
        return None
    whole, _, fraction = text.partition(".")
    return digits_to_minor(whole, fraction, currency)


Cell = object  # what csv.writer takes: str() of it is written, None as an empty cell


def ledger_cells(columns: Sequence[str]) -> Callable[[LedgerRecord], list[Cell]]:
    """A function giving a record's cells under `columns` (the file's header), values as
    Accord read them: dates ISO, amounts with the currency's digits, type lower case.

    Built once per file: a million rows x ten columns make per-cell dispatch the cost.
    """
    getters = [_cell_getter(column) for column in columns]
    return lambda record: [get(record) for get in getters]


def _cell_getter(column: str) -> Callable[[LedgerRecord], Cell]:
    key = column.lower()
    if key == "amount":
        return _amount_text
    if key == "currency":
        return operator.attrgetter("amount.currency")
    if key in KNOWN:
        # str() of a date is ISO 8601 and of a RecordType its value; None writes as blank.
        return operator.attrgetter(key)
    return lambda record: record.metadata.get(column, "")


def _amount_text(record: LedgerRecord) -> str:
    return format_amount(record.amount.minor, record.amount.currency)
