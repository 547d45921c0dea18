"""summary.json: what was read, what was decided, counts and totals per account and currency.

Amounts are strings with the currency's digits (JSON numbers would invite floats).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

import accord
from accord.ingest.parsers import balance_difference
from accord.ingest.parsers.model import Balance, Statement
from accord.kit.money import Money, format_amount
from accord.matching.engine.model import EngineResult, MatchStatus
from accord.matching.engine.rules import Rules
from accord.reconciliation.files.ledger_csv import Ledger
from accord.reconciliation.files.statements import Statements

STATUSES = ("matched", "review", "unmatched")


@dataclass(frozen=True, slots=True)
class InputFile:
    file: str
    sha256: str


def build_summary(
    *,
    statements: Statements,
    ledger: Ledger,
    ledger_sha256: str,
    rates: InputFile | None,
    rules: InputFile | None,
    result: EngineResult,
    rule_set: Rules,
    options: Mapping[str, object],
) -> dict[str, object]:
    """The summary document; every value is derived from the inputs (no clock, no host)."""
    line_status, record_status = decided(result)
    return {
        "accord_version": accord.__version__,
        "options": dict(options),
        "inputs": {
            "statements": [
                _statement_file(f.file, f.sha256, f.parsed.statements) for f in statements.files
            ],
            "ledger": {"file": ledger.file, "sha256": ledger_sha256},
            "rates": _input(rates),
            "rules": _input(rules),
        },
        "bank": _totals(
            (
                (line.account, line.amount, line_status.get(line.bank_ref, "unmatched"))
                for line in statements.lines
            ),
            "lines",
        ),
        "ledger": _totals(
            (
                (record.account or "", record.amount, record_status.get(record.id, "unmatched"))
                for record in ledger.records
            ),
            "records",
        ),
        "matches": _match_counts(result),
        "renamed_bank_refs": statements.renamed_refs,
        "rules_fingerprint": rules_fingerprint(rule_set),
    }


def rules_fingerprint(rules: Rules) -> str:
    """SHA-256 of the effective rules in a canonical form: it changes when any rule does,
    including a default that a new Accord version changes."""
    text = json.dumps(_plain(rules), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _plain(value: object) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, frozenset | set):
        return sorted((_plain(v) for v in value), key=repr)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    return value


def decided(result: EngineResult) -> tuple[dict[str, str], dict[str, str]]:
    """Status of each bank ref and ledger id in a match: `matched` beats `review`."""
    lines: dict[str, str] = {}
    records: dict[str, str] = {}
    # Review first, so that matched overwrites it.
    for wanted in (MatchStatus.REVIEW, MatchStatus.MATCHED):
        chosen = [match for match in result.matches if match.status == wanted]
        lines.update(dict.fromkeys([ref for m in chosen for ref in m.bank_refs], wanted.value))
        records.update(dict.fromkeys([i for m in chosen for i in m.ledger_ids], wanted.value))
    return lines, records


def _totals(items: Iterable[tuple[str, Money, str]], noun: str) -> list[dict[str, object]]:
    counts: dict[tuple[str, str, str], int] = {}
    sums: dict[tuple[str, str, str], int] = {}
    for account, amount, status in items:
        key = (account, amount.currency, status)
        counts[key] = counts.get(key, 0) + 1
        sums[key] = sums.get(key, 0) + amount.minor
    groups = sorted({(account, currency) for account, currency, _ in counts})
    return [_group_totals(account, currency, counts, sums, noun) for account, currency in groups]


def _group_totals(
    account: str,
    currency: str,
    counts: Mapping[tuple[str, str, str], int],
    sums: Mapping[tuple[str, str, str], int],
    noun: str,
) -> dict[str, object]:
    keys = [(account, currency, status) for status in STATUSES]
    return {
        "account": account or None,
        "currency": currency,
        noun: sum(counts.get(key, 0) for key in keys),
        "amount": format_amount(sum(sums.get(key, 0) for key in keys), currency),
        **{
            key[2]: {
                noun: counts.get(key, 0),
                "amount": format_amount(sums.get(key, 0), currency),
            }
            for key in keys
        },
    }


def _match_counts(result: EngineResult) -> dict[str, object]:
    pairs = Counter([(match.rule, match.status) for match in result.matches])
    by_rule = {
        rule: {s.value: pairs[rule, s] for s in MatchStatus}
        for rule in dict.fromkeys(rule for rule, _ in pairs)
    }
    return {
        **{s.value: sum(c[s.value] for c in by_rule.values()) for s in MatchStatus},
        "by_rule": by_rule,
        "unmatched_bank_lines": len(result.unmatched_lines),
        "unmatched_ledger_records": len(result.unmatched_records),
    }


def _statement_file(file: str, sha256: str, statements: Iterable[Statement]) -> dict[str, object]:
    return {"file": file, "sha256": sha256, "statements": [_statement(s) for s in statements]}


def _statement(statement: Statement) -> dict[str, object]:
    difference = balance_difference(statement)
    return {
        "id": statement.id,
        "format": statement.format,
        "account": statement.account.id,
        "currency": statement.account.currency,
        "lines": len(statement.lines),
        "opening_booked": _balance(statement.opening_booked),
        "closing_booked": _balance(statement.closing_booked),
        # null: not checked (the statement lacks a balance); "0.00": balanced.
        "balance_difference": _amount(difference),
    }


def _balance(balance: Balance | None) -> str | None:
    return _amount(balance.amount) if balance is not None else None


def _amount(money: Money | None) -> str | None:
    return format_amount(money.minor, money.currency) if money is not None else None


def _input(info: InputFile | None) -> dict[str, str] | None:
    return {"file": info.file, "sha256": info.sha256} if info is not None else None
