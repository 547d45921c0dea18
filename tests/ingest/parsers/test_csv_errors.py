"""Every way a CSV file can be wrong: a StatementParseError naming file, line and column."""

from __future__ import annotations

from typing import Any

import pytest

from accord.ingest.parsers.errors import StatementParseError
from tests.ingest.parsers.csv_support import csv_text, make_profile, parse

HEADER = "Date,Amount,Currency"
WITH_BALANCE = {"date": "Date", "amount": "Amount", "currency": "Currency", "balance": "Bal"}
SPLIT = {"date": "Date", "debit": "Debit", "credit": "Credit", "currency": "Currency"}
INDICATOR = {"date": "Date", "amount": "Amount", "currency": "Currency", "indicator": "DC"}
WITH_ID = {"date": "Date", "amount": "Amount", "currency": "Currency", "bank_ref": "Id"}


def failure(content: str | bytes, **profile: Any) -> StatementParseError:
    with pytest.raises(StatementParseError) as caught:
        parse(make_profile(**profile), content, filename="bank.csv")
    assert caught.value.file == "bank.csv"
    assert str(caught.value).startswith("bank.csv: ")
    return caught.value


@pytest.mark.parametrize(
    ("rows", "line", "fragments"),
    [
        (["2024-13-01,1.00,EUR"], 2, ['column "Date" (date)', "'%Y-%m-%d'", "2024-13-01"]),
        (["2023-02-29,1.00,EUR"], 2, ['column "Date"', "2023-02-29"]),
        (["0024-01-01,1.00,EUR"], 2, ['column "Date"']),
        ([",1.00,EUR"], 2, ['column "Date"', "expected a date"]),
        (["2024-01-02,1.00,EUR", "2024-01-02,1.0.0,EUR"], 3, ['column "Amount" (amount)', "1.0.0"]),
        (["2024-01-02,,EUR"], 2, ['column "Amount"', "expected an amount"]),
        (["2024-01-02,12e3,EUR"], 2, ['column "Amount"', "12e3"]),
        (["2024-01-02,NaN,EUR"], 2, ['column "Amount"']),
        (["2024-01-02,1234567890123456789,EUR"], 2, ['column "Amount"', "18 digits"]),
        (["2024-01-02,1.234,EUR"], 2, ['column "Amount"', "at most 2 decimals for EUR"]),
        (["2024-01-02,1.5,JPY"], 2, ['column "Amount"', "at most 0 decimals for JPY"]),
        (["2024-01-02,1.00,EURO"], 2, ['column "Currency" (currency)', "ISO 4217", "EURO"]),
        (["2024-01-02,1.00,XAU"], 2, ['column "Currency"', "XAU"]),
        (["2024-01-02,1.00,"], 2, ['column "Currency"', "ISO 4217"]),
        (["2024-01-02,1.00"], 2, ["expected at least 3 fields", 'column "Currency"', "found 2"]),
        (["2024-01-02,1.00,EUR", "lonely"], 3, ["expected at least 3 fields", "found 1"]),
    ],
)
def test_bad_cells_name_line_column_and_expectation(
    rows: list[str], line: int, fragments: list[str]
) -> None:
    error = failure(csv_text(HEADER, *rows))
    assert error.where == f"line {line}"
    for fragment in fragments:
        assert fragment in error.problem


def test_missing_column_names_the_header_line_and_what_it_has() -> None:
    error = failure(csv_text("Datum,Amount,Currency", "2024-01-02,1.00,EUR"))
    assert error.where == "line 1"
    assert 'column "Date" (date) is not in the header' in error.problem
    assert "'Datum'" in error.problem


def test_missing_column_after_skipped_lines_names_the_physical_header_line() -> None:
    error = failure(csv_text("meta", "meta", "Date,Sum,Currency"), skip_lines=2)
    assert error.where == "line 3"
    assert 'column "Amount" (amount)' in error.problem


def test_duplicate_header_name_is_ambiguous() -> None:
    error = failure(csv_text("Date,Amount,Currency,Amount", "2024-01-02,1,EUR,2"))
    assert error.where == "line 1"
    assert 'column "Amount" (amount) appears more than once' in error.problem


def test_empty_file_has_no_header() -> None:
    error = failure(b"")
    assert error.where == "line 1"
    assert "expected the header row" in error.problem


def test_undecodable_bytes_name_the_line_and_the_encoding() -> None:
    data = csv_text(HEADER, "2024-01-02,1.00,EUR", "2024-01-03,2.00,EUR").encode()
    data = data.replace(b"2.00", b"2\x81.00")
    error = failure(data, encoding="cp1252")
    assert error.where == "line 3"
    assert "0x81" in error.problem
    assert "cp1252" in error.problem


def test_blank_balance_on_a_row_is_an_error_when_the_column_is_mapped() -> None:
    error = failure(csv_text(HEADER + ",Bal", "2024-01-02,1.00,EUR,"), columns=WITH_BALANCE)
    assert error.where == "line 2"
    assert 'column "Bal" (balance): expected an amount' in error.problem


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        ("2024-01-02,,,EUR", "expected an amount in the debit or the credit column"),
        ("2024-01-02,1.00,2.00,EUR", 'column "Credit" (credit): expected an empty or zero'),
    ],
)
def test_debit_and_credit_must_hold_exactly_one_amount(row: str, fragment: str) -> None:
    error = failure(csv_text("Date,Debit,Credit,Currency", row), columns=SPLIT)
    assert error.where == "line 2"
    assert fragment in error.problem


def test_unknown_indicator_value_lists_the_known_ones() -> None:
    error = failure(
        csv_text(HEADER + ",DC", "2024-01-02,1.00,EUR,X"),
        columns=INDICATOR,
        debit_values=["D"],
        credit_values=["C"],
    )
    assert error.where == "line 2"
    assert "column \"DC\" (indicator): expected one of ['C', 'D'], found 'X'" in error.problem


def test_repeated_bank_reference_is_an_error_naming_both_lines() -> None:
    text = csv_text(HEADER + ",Id", "2024-01-02,1.00,EUR,A", "2024-01-03,2.00,EUR,A")
    error = failure(text, columns=WITH_ID)
    assert error.where == "line 3"
    assert "'A' is already used on line 2" in error.problem


def test_field_too_large_for_csv_is_a_parse_error() -> None:
    error = failure(csv_text(HEADER, '2024-01-02,1.00,"' + "x" * 200_000 + '"'))
    assert error.where == "line 2"
    assert "not valid CSV" in error.problem


def test_unterminated_quote_is_reported() -> None:
    text = HEADER + '\n2024-01-02,1.00,"EUR\n'
    error = failure(text)
    assert error.where == "line 2"


def test_no_header_row_too_few_fields_names_the_index() -> None:
    columns = {"date": 0, "amount": 1, "currency": 4}
    error = failure(csv_text("2024-01-02,1.00,EUR"), columns=columns, header=False)
    assert error.where == "line 1"
    assert 'column "#4" is field 5' in error.problem


def test_text_after_a_closing_quote_is_malformed_csv() -> None:
    error = failure(csv_text(HEADER, '2024-01-02,1.00,"EUR"X'))
    assert error.where == "line 2"
    assert "not valid CSV" in error.problem
