"""The naive baseline: exact amount within a date window, first come first served.

Bank lines are read with Accord's own statement parsers (so it sees exactly what Accord
sees); records come from ledger.csv. Lines are taken in booking-date order; each takes the
earliest unused record of the same currency and exact amount, on the same account or on
any account, dated at most `BEFORE` days after and `AFTER` days before the line. Every
pair is written as a `matched` row of a contract matches.csv.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from bench.scenarios.writers import money

BEFORE = 7  # a record may be dated up to a week after the line
AFTER = 60  # a line may come up to 60 days after the record


@dataclass(frozen=True, slots=True)
class SimpleLine:
    ref: str
    account: str
    currency: str
    amount: int
    day: date


@dataclass(frozen=True, slots=True)
class SimpleRecord:
    id: str
    account: str
    currency: str
    amount: int
    day: date


def read_lines(statements: list[Path]) -> list[SimpleLine]:
    """All booked lines of the statements, via Accord's `read_statement_file`."""
    from accord.ingest.parsers import read_statement_file

    out: list[SimpleLine] = []
    for path in statements:
        parsed = read_statement_file(path.read_bytes(), filename=path.name)
        for st in parsed.statements:
            for line in st.lines:
                day = line.booking_date or line.value_date or date.min
                out.append(
                    SimpleLine(
                        line.bank_ref, line.account, line.amount.currency, line.amount.minor, day
                    )
                )
    return out


def read_records(ledger: Path) -> list[SimpleRecord]:
    with ledger.open(encoding="utf-8", newline="") as handle:
        return [
            SimpleRecord(
                r["id"],
                r["account"],
                r["currency"],
                int(Decimal(r["amount"]).scaleb(2)),
                date.fromisoformat(r["date"]),
            )
            for r in csv.DictReader(handle)
        ]


def match(lines: list[SimpleLine], records: list[SimpleRecord]) -> list[tuple[str, str]]:
    """(bank_ref, record id) pairs, first come first served."""
    index: dict[tuple[str, int], list[SimpleRecord]] = defaultdict(list)
    for rec in sorted(records, key=lambda r: (r.day, r.id)):
        index[(rec.currency, rec.amount)].append(rec)
    used: set[str] = set()
    pairs = []
    for line in sorted(lines, key=lambda x: (x.day, x.ref)):
        for rec in index.get((line.currency, line.amount), ()):
            gap = (line.day - rec.day).days
            if rec.id in used or not -BEFORE <= gap <= AFTER:
                continue
            if rec.account and rec.account != line.account:
                continue
            used.add(rec.id)
            pairs.append((line.ref, rec.id))
            break
    return pairs


def run(statements: list[Path], ledger: Path, out: Path) -> None:
    """Match and write `out/matches.csv` in the contract's columns."""
    lines = read_lines(statements)
    amounts = {x.ref: x.amount for x in lines}
    pairs = match(lines, read_records(ledger))
    write_pairs(
        out, [(ref, rid, "matched", "naive-amount-date", amounts[ref], 0) for ref, rid in pairs]
    )


def write_pairs(out: Path, rows: list[tuple[str, str, str, str, int, int]]) -> None:
    """Write rows (bank_ref, ledger_id, status, rule, bank minor, ledger minor) as matches.csv."""
    out.mkdir(parents=True, exist_ok=True)
    with (out / "matches.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(
            (
                "match_id",
                "status",
                "bank_refs",
                "ledger_ids",
                "rule",
                "confidence",
                "difference",
                "explanation",
            )
        )
        for n, (ref, rid, status, rule, bank, ledger) in enumerate(rows, 1):
            writer.writerow(
                (
                    f"M{n:07d}",
                    status,
                    ref,
                    rid,
                    rule,
                    "1.00",
                    money(bank - ledger) if ledger else "0.00",
                    rule,
                )
            )
