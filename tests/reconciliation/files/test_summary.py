"""summary.json: statuses, counts and totals per account and currency."""

from __future__ import annotations

from datetime import date

from accord.kit.money import Money
from accord.matching.engine.model import (
    EngineResult,
    LedgerRecord,
    MatchStatus,
    UnmatchedLine,
    UnmatchedRecord,
)
from accord.matching.engine.rules import DEFAULT_RULES
from accord.reconciliation.files.ledger_csv import Ledger
from accord.reconciliation.files.statements import Statements
from accord.reconciliation.files.summary import build_summary, decided
from tests.reconciliation.files.test_outputs import line, match

IBAN = "DE89370400440532013000"


def _record(rid: str, minor: int, account: str | None = None) -> LedgerRecord:
    return LedgerRecord(rid, date(2025, 1, 1), Money(minor, "EUR"), account=account)


def test_matched_beats_review_whatever_the_order() -> None:
    review = match("m1", ("B1",), ("R1",), status=MatchStatus.REVIEW)
    matched = match("m2", ("B1", "B2"), ("R1",))
    for matches in ((review, matched), (matched, review)):
        lines, records = decided(EngineResult(matches, (), ()))
        assert lines == {"B1": "matched", "B2": "matched"}
        assert records == {"R1": "matched"}


def test_totals_per_account_currency_and_status() -> None:
    lines = (line("B1", 1000), line("B2", -250), line("B3", 99))
    records = (_record("R1", 1000), _record("R2", -250, IBAN), _record("R3", 7))
    result = EngineResult(
        matches=(
            match("m1", ("B1",), ("R1",)),
            match("m2", ("B2",), ("R2",), status=MatchStatus.REVIEW, rule="amount"),
        ),
        unmatched_lines=(UnmatchedLine(lines[2], "none"),),
        unmatched_records=(UnmatchedRecord(records[2], "none"),),
    )
    summary = build_summary(
        statements=Statements(files=(), lines=lines, renamed_refs=0),
        ledger=Ledger("ledger.csv", ("id",), records),
        ledger_sha256="0" * 64,
        rates=None,
        rules=None,
        result=result,
        rule_set=DEFAULT_RULES,
        options={},
    )
    assert summary["bank"] == [
        {
            "account": IBAN,
            "currency": "EUR",
            "lines": 3,
            "amount": "8.49",
            "matched": {"lines": 1, "amount": "10.00"},
            "review": {"lines": 1, "amount": "-2.50"},
            "unmatched": {"lines": 1, "amount": "0.99"},
        }
    ]
    assert [(g["account"], g["records"], g["amount"]) for g in summary["ledger"]] == [  # type: ignore[attr-defined]
        (None, 2, "10.07"),
        (IBAN, 1, "-2.50"),
    ]
    assert summary["matches"] == {
        "matched": 1,
        "review": 1,
        "by_rule": {
            "reference": {"matched": 1, "review": 0},
            "amount": {"matched": 0, "review": 1},
        },
        "unmatched_bank_lines": 1,
        "unmatched_ledger_records": 1,
    }
