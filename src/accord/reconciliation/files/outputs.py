"""Write matches.csv, unmatched_bank.csv, unmatched_ledger.csv and summary.json into a folder.

Fixed formatting so the same inputs give the same bytes: UTF-8 without BOM, `\\n` line
ends, minimal quoting, amounts as plain decimals with the currency's digits, JSON with
sorted keys and an indent of 2.
"""

from __future__ import annotations

import csv
import functools
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path

from accord.ingest.parsers.model import BankLine, TransactionCode
from accord.kit.money import Money, format_amount
from accord.matching.engine.model import EngineResult, Match, MatchStatus, UnmatchedRecord
from accord.reconciliation.files.ledger_csv import Ledger, ledger_cells

MATCHES = "matches.csv"
UNMATCHED_BANK = "unmatched_bank.csv"
UNMATCHED_LEDGER = "unmatched_ledger.csv"
SUMMARY = "summary.json"
OUTPUT_FILES = (MATCHES, UNMATCHED_BANK, UNMATCHED_LEDGER, SUMMARY)

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
    summary: Mapping[str, object],
) -> None:
    """Write the four files into `directory` (an empty, private folder), fsynced.

    `line_order` gives each bank ref's position in the job's canonical line order; matches
    and unmatched lines are written in that order, unmatched records in ledger order.
    """
    ordered = _in_line_order(result.matches, line_order)
    _write_csv(directory / MATCHES, MATCH_COLUMNS, map(match_row, ordered))
    unmatched_lines = sorted(result.unmatched_lines, key=lambda u: line_order[u.line.bank_ref])
    _write_csv(
        directory / UNMATCHED_BANK,
        BANK_COLUMNS,
        (bank_row(u.line, u.reason) for u in unmatched_lines),
    )
    cells = ledger_cells(ledger.columns)
    _write_csv(
        directory / UNMATCHED_LEDGER,
        (*ledger.columns, "reason"),
        ([*cells(u.record), one_line(u.reason)] for u in _in_ledger_order(result, ledger)),
    )
    text = json.dumps(summary, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    _write_text(directory / SUMMARY, text)


def _in_ledger_order(result: EngineResult, ledger: Ledger) -> list[UnmatchedRecord]:
    unmatched = {u.record.id: u for u in result.unmatched_records}
    ordered = [unmatched[record.id] for record in ledger.records if record.id in unmatched]
    if len(ordered) != len(result.unmatched_records):
        raise ValueError("an unmatched record is not in the ledger, or twice in the result")
    return ordered


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(header)
        writer.writerows(rows)
        handle.flush()
        os.fsync(handle.fileno())


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
