"""Write matches.csv, unmatched_bank.csv, unmatched_ledger.csv and summary.json into a folder.

Fixed formatting so the same inputs give the same bytes: UTF-8 without BOM, `\\n` line
ends, minimal quoting, amounts as plain decimals with the currency's digits, JSON with
sorted keys and an indent of 2. The four files are independent: when they are large, they are
shared out between this process and a forked worker (`parallel.map_split`), same bytes.
"""

from __future__ import annotations

import csv
import functools
import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from accord.ingest.parsers.model import BankLine, TransactionCode
from accord.kit.money import Money, format_amount
from accord.matching.engine.model import (
    EngineResult,
    Match,
    MatchStatus,
    UnmatchedLine,
    UnmatchedRecord,
)
from accord.reconciliation.files.ledger_csv import Ledger, ledger_cells
from accord.reconciliation.files.parallel import map_split

MATCHES = "matches.csv"
UNMATCHED_BANK = "unmatched_bank.csv"
UNMATCHED_LEDGER = "unmatched_ledger.csv"
SUMMARY = "summary.json"
OUTPUT_FILES = (MATCHES, UNMATCHED_BANK, UNMATCHED_LEDGER, SUMMARY)

# CPU microseconds to write a row (for summary.json: per bank line and ledger record read).
# Measured at 100k lines (CPU seconds, 2026-12-07, rows by `csv_line`): matches.csv 85k rows
# 0.32, unmatched_bank.csv 9k rows 0.058, unmatched_ledger.csv 9k rows 0.068, summary.json
# of 216k lines and records 0.26.
MICROS_PER_ROW = {MATCHES: 3.8, UNMATCHED_BANK: 6.3, UNMATCHED_LEDGER: 7.5, SUMMARY: 1.2}
# The worker's share (estimated CPU microseconds) below which one process writes everything
# as fast. Measured (wall seconds, idle machine, one process -> two; the fork costs +30% CPU):
# 10k lines (worker's share 0.041) 0.086 -> 0.079, plus 0.01 to see that a core is spare;
# 20k lines (0.083) 0.164 -> 0.138; 100k lines (0.41) 0.89 -> 0.66. Pages both processes
# touch are copied (+280 MB at 100k), still below the peak of matching on two cores.
PARALLEL_MIN_MICROS = 60_000
# All writing (estimated CPU microseconds) above which one process writes everything: the
# pages the worker copies grow with the job (+280 MB at 100k lines; at 1M, +2.5 GB for the
# machine, its peak, against 4 s saved of a 187 s job), and the time saved does not.
PARALLEL_MAX_MICROS = 3_000_000

MATCH_COLUMNS = (
    "match_id", "status", "bank_refs", "ledger_ids", "rule", "confidence", "difference",
    "explanation",
)  # fmt: skip
BANK_COLUMNS = (
    "bank_ref", "bank_ref_derived", "account", "currency", "amount", "booking_date",
    "value_date", "status", "reversal", "counterparty", "counterparty_account",
    "counterparty_bank", "end_to_end_id", "mandate_id", "creditor_reference", "customer_ref",
    "remittance", "additional_info", "transaction_code", "instructed_amount",
    "instructed_currency", "exchange_rate", "charges", "charges_currency", "source", "reason",
)  # fmt: skip


def write_outputs(
    directory: Path,
    *,
    result: EngineResult,
    ledger: Ledger,
    line_order: Mapping[str, int],
    summary: Callable[[], Mapping[str, object]],
    parallel_min_micros: int = PARALLEL_MIN_MICROS,
    parallel_max_micros: int = PARALLEL_MAX_MICROS,
) -> None:
    """Write the four files into `directory` (an empty, private folder), fsynced.

    `line_order` gives each bank ref's position in the job's canonical line order; matches
    and unmatched lines are written in that order, unmatched records in ledger order.
    `summary()` builds the summary document, in whichever process writes summary.json.
    Files are written in a worker process too when its share weighs at least
    `parallel_min_micros` and all of them at most `parallel_max_micros`; the bytes are the
    same either way.
    """
    files = _Files(directory, result, ledger, line_order, summary)
    weights = [round(files.rows(name) * MICROS_PER_ROW[name]) for name in OUTPUT_FILES]
    if sum(weights) > parallel_max_micros:
        for name in OUTPUT_FILES:
            files.write(name)
        return
    map_split(files.write, OUTPUT_FILES, weights, min_share=parallel_min_micros)


@dataclass(frozen=True, slots=True)
class _Files:
    """What the four files are made of; each is written on its own, in either process."""

    directory: Path
    result: EngineResult
    ledger: Ledger
    line_order: Mapping[str, int]
    summary: Callable[[], Mapping[str, object]]

    def rows(self, name: str) -> int:
        if name == SUMMARY:
            return len(self.line_order) + len(self.ledger.records)
        return {
            MATCHES: len(self.result.matches),
            UNMATCHED_BANK: len(self.result.unmatched_lines),
            UNMATCHED_LEDGER: len(self.result.unmatched_records),
        }[name]

    def write(self, name: str) -> None:
        path = self.directory / name
        if name == MATCHES:
            ordered = _in_line_order(self.result.matches, self.line_order)
            _write_csv(path, MATCH_COLUMNS, map(match_row, ordered), texts=True)
        elif name == UNMATCHED_BANK:
            lines = sorted(self.result.unmatched_lines, key=self._line_position)
            rows = (bank_row(u.line, u.reason) for u in lines)
            _write_csv(path, BANK_COLUMNS, rows, texts=True)
        elif name == UNMATCHED_LEDGER:
            records = _in_ledger_order(self.result, self.ledger)
            cells = ledger_cells(self.ledger.columns)
            header = (*self.ledger.columns, "reason")
            _write_csv(path, header, ([*cells(u.record), one_line(u.reason)] for u in records))
        else:
            text = json.dumps(self.summary(), sort_keys=True, indent=2, ensure_ascii=False)
            _write_text(path, text + "\n")

    def _line_position(self, unmatched: UnmatchedLine) -> int:
        return self.line_order[unmatched.line.bank_ref]


def _in_ledger_order(result: EngineResult, ledger: Ledger) -> list[UnmatchedRecord]:
    unmatched = {u.record.id: u for u in result.unmatched_records}
    ordered = [unmatched[record.id] for record in ledger.records if record.id in unmatched]
    if len(ordered) != len(result.unmatched_records):
        raise ValueError("an unmatched record is not in the ledger, or twice in the result")
    return ordered


def _write_csv(
    path: Path, header: Sequence[str], rows: Iterable[Sequence[object]], *, texts: bool = False
) -> None:
    """`rows` as `csv.writer` writes them; `texts`: every cell is a str, so that a row is
    formatted by `csv_line` where it can be."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(header)
        if texts:
            write = handle.write
            for row in rows:
                line = csv_line(row)  # type: ignore[arg-type]
                if line is None:
                    writer.writerow(row)
                else:
                    write(line)
        else:
            writer.writerows(rows)
        handle.flush()
        os.fsync(handle.fileno())


def csv_line(cells: Sequence[str]) -> str | None:
    """The row as `_write_csv`'s `csv.writer` writes it, or None where that writer decides.

    The writer tests every character of every cell against the delimiter, the quote and
    the line terminator (at 100k lines, a fifth of writing the outputs); here a cell is
    tested once for each. A cell with `,`, `"` or a line break is quoted, its quotes
    doubled. Rows with a carriage return, or of one empty cell, are left to the writer.
    """
    text = ",".join(cells)
    if not text or "\r" in text:
        return None
    if '"' not in text and "\n" not in text and text.count(",") == len(cells) - 1:
        return text + "\n"
    return ",".join([_csv_cell(cell) for cell in cells]) + "\n"


def _csv_cell(cell: str) -> str:
    if "," in cell or '"' in cell or "\n" in cell:
        return '"' + cell.replace('"', '""') + '"'
    return cell


def _write_text(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _in_line_order(matches: Sequence[Match], line_order: Mapping[str, int]) -> list[Match]:
    """Matches by their earliest bank line, then id; those without a line last."""
    last = len(line_order)

    def position(match: Match) -> tuple[int, str]:
        refs = match.bank_refs
        if len(refs) == 1:
            return line_order[refs[0]], match.match_id
        return min((line_order[ref] for ref in refs), default=last), match.match_id

    return sorted(matches, key=position)


def match_row(match: Match) -> tuple[str, ...]:
    """One matches.csv row: refs and ids joined with `;`, confidence with two decimals."""
    difference = match.difference
    return (
        match.match_id,
        _STATUS_TEXT[match.status],
        ";".join(match.bank_refs),
        ";".join(match.ledger_ids),
        match.rule,
        _confidence(match.confidence),
        _amount(difference.minor, difference.currency),
        one_line(match.explanation),
    )


def bank_row(line: BankLine, reason: str) -> list[str]:
    """One unmatched_bank.csv row (BANK_COLUMNS) for a line."""
    party = line.counterparty
    return [
        line.bank_ref,
        _flag(line.bank_ref_derived),
        line.account,
        line.amount.currency,
        format_amount(line.amount.minor, line.amount.currency),
        line.booking_date.isoformat() if line.booking_date else "",
        line.value_date.isoformat() if line.value_date else "",
        line.status.value,
        _flag(line.reversal),
        (party.name or "") if party else "",
        (party.account or "") if party else "",
        (party.bank or "") if party else "",
        line.end_to_end_id or "",
        line.mandate_id or "",
        line.creditor_reference or "",
        line.customer_ref or "",
        line.remittance or "",
        line.additional_info or "",
        transaction_code_text(line.transaction_code),
        *_money(line.instructed_amount),
        format(line.exchange_rate, "f") if line.exchange_rate is not None else "",
        *_money(line.charges),
        line.source.describe(),
        one_line(reason),
    ]


def transaction_code_text(code: TransactionCode | None) -> str:
    """`PMNT/RCDT/ESCT`, `SWIFT:NTRF`, or both separated by a space."""
    if code is None:
        return ""
    iso = "/".join(part for part in (code.domain, code.family, code.sub_family) if part)
    proprietary = code.proprietary or ""
    if proprietary and code.issuer:
        proprietary = f"{code.issuer}:{proprietary}"
    return " ".join(part for part in (iso, proprietary) if part)


_STATUS_TEXT = {status: status.value for status in MatchStatus}


@functools.lru_cache(maxsize=256)
def _confidence(value: Decimal) -> str:
    return f"{value:.2f}"


@functools.lru_cache(maxsize=4096)
def _amount(minor: int, currency: str) -> str:
    # Most differences are a few small values; zero above all.
    return format_amount(minor, currency)


def one_line(text: str) -> str:
    """The text with line breaks turned into spaces (a CSV cell read by people and tools)."""
    return " ".join(text.splitlines())


def _money(value: Money | None) -> tuple[str, str]:
    if value is None:
        return "", ""
    return format_amount(value.minor, value.currency), value.currency


def _flag(value: bool) -> str:
    return "true" if value else "false"
