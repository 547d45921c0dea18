"""CsvStatementParser: a CSV export read with a column profile into statements.

One statement per (account, currency) found in the file, in order of first appearance.
Its id is ``{profile}:{account or -}:{currency}:{first date}..{last date}:{digest}`` where
the digest is the first 8 hex digits of the SHA-256 of the statement's data rows, so two
different exports of the same period never share ids. Lines without an id column value get
``{statement id}/{n}`` (n = 1-based data row of the file, header and blank lines not
counted) and a fee split off a row gets ``{line ref}/fee``; both are marked derived.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import BinaryIO, ClassVar

from accord.ingest.parsers.csv.profile import CsvProfile
from accord.ingest.parsers.csv.rows import Cells, Row, read_row
from accord.ingest.parsers.csv.table import Layout, Record, decode, records, resolve
from accord.ingest.parsers.errors import StatementParseError
from accord.ingest.parsers.interner import Interner
from accord.ingest.parsers.model import (
    Account,
    Balance,
    BankLine,
    ParsedFile,
    SourceLocation,
    Statement,
    TransactionCode,
)

_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")
FEE_CODE = "FEE"


class CsvStatementParser:
    """Reads CSV with one column profile. CSV has no signature: `sniff` never claims it."""

    name: ClassVar[str] = "csv"

    def __init__(self, profile: CsvProfile) -> None:
        self.profile = profile

    def sniff(self, head: bytes) -> bool:
        """Always False: a CSV file is only read when the caller names its profile."""
        return False

    def parse(self, source: BinaryIO, *, filename: str) -> ParsedFile:
        """Every statement in the file, or StatementParseError naming file, line, column."""
        profile = self.profile
        text = decode(source.read(), profile, filename)
        stream = records(text, profile, filename)
        header = None
        if profile.header:
            header = next(stream, None)
            if header is None:
                raise StatementParseError(
                    filename,
                    f"line {profile.skip_lines + 1}",
                    f"expected the header row of CSV profile {profile.name!r}, "
                    "found no rows at all",
                )
        layout = resolve(profile, header, filename)
        rows = _read_rows(stream, layout, profile, filename)
        statements = _statements(rows, profile, filename)
        return ParsedFile(file=filename, format=f"csv:{profile.name}", statements=statements)


def _read_rows(
    stream: Iterator[Record], layout: Layout, profile: CsvProfile, filename: str
) -> list[Row]:
    rows: list[Row] = []
    shared = Interner()
    for number, record in enumerate(stream, start=1):
        row = read_row(number, Cells(record, layout, profile, filename, shared))
        if row is not None:
            rows.append(row)
    return rows


def _statements(rows: list[Row], profile: CsvProfile, filename: str) -> tuple[Statement, ...]:
    groups: dict[tuple[str | None, str], list[Row]] = {}
    for row in rows:
        groups.setdefault((row.account, row.currency), []).append(row)
    seen: dict[str, int] = {}
    return tuple(
        _statement(index, group, profile, filename, seen)
        for index, group in enumerate(groups.values())
    )


def _statement(
    index: int, group: list[Row], profile: CsvProfile, filename: str, seen: dict[str, int]
) -> Statement:
    first = group[0]
    account = _account(first.account, first.currency)
    dates = [row.line.booking_date for row in group if row.line.booking_date is not None]
    start, end = min(dates), max(dates)
    statement_id = (
        f"{profile.name}:{first.account or '-'}:{first.currency}:"
        f"{start.isoformat()}..{end.isoformat()}:{_digest(group)}"
    )
    lines: list[BankLine] = []
    for row in group:
        lines.extend(_lines(row, statement_id, account.id, index, len(lines), profile, seen))
    opening, closing = _balances(group, profile)
    return Statement(
        format=f"csv:{profile.name}",
        id=statement_id,
        account=account,
        lines=tuple(lines),
        source=SourceLocation(filename, index, 0, line=first.record.line),
        period_start=start,
        period_end=end,
        opening_booked=opening,
        closing_booked=closing,
    )


def _digest(group: list[Row]) -> str:
    content = "\n".join("\x1f".join(row.record.fields) for row in group)
    return hashlib.sha256(content.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def _lines(
    row: Row,
    statement_id: str,
    account_id: str,
    statement_index: int,
    entry_index: int,
    profile: CsvProfile,
    seen: dict[str, int],
) -> list[BankLine]:
    """The row's line, and its fee as a second line when the profile splits fees off."""
    source_file = row.line.source.file
    source = SourceLocation(source_file, statement_index, entry_index, line=row.record.line)
    ref, derived = row.bank_ref, False
    if ref is None:
        ref, derived = f"{statement_id}/{row.number}", True
    _claim(ref, row, seen, source_file)
    line = replace(
        row.line, bank_ref=ref, bank_ref_derived=derived, account=account_id, source=source
    )
    if row.fee is None:
        return [line]
    fee = replace(
        line,
        bank_ref=f"{ref}/fee",
        bank_ref_derived=True,
        amount=row.fee,
        source=SourceLocation(source_file, statement_index, entry_index + 1, line=source.line),
        transaction_code=TransactionCode(proprietary=FEE_CODE, issuer=profile.name),
        remittance=f"fee for {ref}",
        counterparty=None,
        end_to_end_id=None,
        mandate_id=None,
        creditor_reference=None,
        customer_ref=None,
        instructed_amount=None,
    )
    return [line, fee]


def _claim(ref: str, row: Row, seen: dict[str, int], filename: str) -> None:
    """Bank references identify lines: the same one on two rows is a wrong id column."""
    if ref in seen:
        raise StatementParseError(
            filename,
            f"line {row.record.line}",
            f"bank reference {ref!r} is already used on line {seen[ref]}: expected a "
            "column with a unique id per row (or no bank_ref column)",
        )
    seen[ref] = row.record.line


def _balances(group: list[Row], profile: CsvProfile) -> tuple[Balance | None, Balance | None]:
    """Opening = oldest row's balance minus what it moved; closing = newest row's balance."""
    oldest, newest = group[0], group[-1]
    if profile.row_order == "newest_first":
        oldest, newest = newest, oldest
    if oldest.balance is None or newest.balance is None:
        return None, None
    opening = Balance(oldest.balance - oldest.total, oldest.line.booking_date)
    return opening, Balance(newest.balance, newest.line.booking_date)


def _account(value: str | None, currency: str) -> Account:
    if value is not None and _is_iban(value.upper()):
        return Account(iban=value.upper(), number=None, currency=currency)
    return Account(iban=None, number=value, currency=currency)


def _is_iban(value: str) -> bool:
    if not _IBAN.fullmatch(value):
        return False
    moved = value[4:] + value[:4]
    digits = "".join(str(int(char, 36)) for char in moved)
    return int(digits) % 97 == 1
