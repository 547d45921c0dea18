from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from accord.kit.money import Money
from accord.matching.engine.model import RecordType
from accord.reconciliation.files.errors import InputFileError
from accord.reconciliation.files.ledger_csv import ledger_cells, parse_minor, read_ledger

HEADER = "id,date,amount,currency\n"


def write(tmp_path: Path, text: str, name: str = "ledger.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def read_error(path: Path) -> str:
    with pytest.raises(InputFileError) as caught:
        read_ledger(path)
    return caught.value.message


def test_columns_in_any_order_with_optional_and_metadata(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Currency,cost_centre,AMOUNT,id,type,date,account,reference,counterparty,description\n"
        "eur,CC-7,-12.5,PAY-1,Bill_Payment,2025-03-01,de89 3704 0044 0532 0130 00,R-1,"
        "Acme GmbH,office chairs\n",
    )
    ledger = read_ledger(path)
    (record,) = ledger.records
    assert record.id == "PAY-1"
    assert record.date == date(2025, 3, 1)
    assert record.amount == Money(-1250, "EUR")
    assert record.account == "DE89370400440532013000"
    assert record.type is RecordType.BILL_PAYMENT
    assert (record.reference, record.counterparty, record.description) == (
        "R-1",
        "Acme GmbH",
        "office chairs",
    )
    assert record.metadata == {"cost_centre": "CC-7"}
    assert ledger.columns[:3] == ("Currency", "cost_centre", "AMOUNT")


def test_blank_optional_values_are_none_and_blank_type_is_other(tmp_path: Path) -> None:
    path = write(tmp_path, "id,date,amount,currency,account,type\nA,2025-01-02,10,JPY,,\n")
    (record,) = read_ledger(path).records
    assert record.account is None
    assert record.type is RecordType.OTHER
    assert record.amount == Money(10, "JPY")


def test_repeated_values_are_one_object_each(tmp_path: Path) -> None:
    # A million-row ledger repeats a few thousand payers and days: each is kept once.
    path = write(
        tmp_path,
        "id,date,amount,currency,counterparty\n"
        "A,2025-01-02,10.00,EUR, Acme GmbH \nB,2025-01-02,20.00,EUR, Acme GmbH \n"
        "C,2025-01-02,30.00,EUR,\nD,2025-01-02,40.00,EUR,\n",
    )
    a, b, c, d = read_ledger(path).records
    assert a.counterparty == "Acme GmbH"
    assert a.counterparty is b.counterparty
    assert a.date is b.date
    assert c.counterparty is None
    assert d.counterparty is None


def test_equal_amounts_of_one_currency_are_one_money(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "id,date,amount,currency\n"
        "A,2025-01-02,59.00,EUR\nB,2025-01-03,59.00,EUR\nC,2025-01-04,59.00,USD\n"
        "D,2025-01-05,59.00 ,EUR\n",
    )
    a, b, c, d = read_ledger(path).records
    assert a.amount is b.amount
    assert c.amount == Money(5900, "USD")
    assert d.amount == a.amount


def test_bom_and_blank_lines_are_tolerated_and_lines_counted(tmp_path: Path) -> None:
    path = write(tmp_path, "\ufeff" + HEADER + "\nA,2025-01-02,1.00,EUR\n\nA,2025-01-02,1,EUR\n")
    assert "line 5: duplicate id 'A': already used on line 3" in read_error(path)


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("A,2025-01-02,,EUR", "line 2: amount is empty: expected a signed decimal"),
        ("A,2025-01-02,1.005,EUR", "amount '1.005': expected a signed decimal with '.' and at "
         "most 2 decimals for EUR"),
        ("A,2025-01-02,\"1,00\",EUR", "amount '1,00'"),
        ("A,2025-01-02,1e3,EUR", "amount '1e3'"),
        ("A,2025-01-02,1.00,EUX", "line 2: unknown currency 'EUX': expected an ISO 4217 code"),
        ("A,2025-01-02,1.00,", "line 2: currency is empty"),
        ("A,2025-02-30,1.00,EUR", "line 2: date '2025-02-30' is not a date: expected an ISO 8601"),
        ("A,02.01.2025,1.00,EUR", "date '02.01.2025' is not a date"),
        (",2025-01-02,1.00,EUR", "line 2: id is empty"),
        ("A;B,2025-01-02,1.00,EUR", "contains ';'"),
        ("A,2025-01-02,1.00", "line 2: 3 fields, but the header has 4"),
    ],
)  # fmt: skip
def test_bad_row_names_file_line_and_expectation(tmp_path: Path, row: str, expected: str) -> None:
    path = write(tmp_path, HEADER + row + "\n")
    message = read_error(path)
    assert message.startswith(f"{path}: line ")
    assert expected in message


def test_unknown_type_is_bad_input(tmp_path: Path) -> None:
    path = write(tmp_path, "id,date,amount,currency,type\nA,2025-01-02,1.00,EUR,credit_note\n")
    assert "line 2: type 'credit_note' is not one of invoice, payment" in read_error(path)


def test_missing_required_column_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "id,date,currency\nA,2025-01-02,EUR\n")
    assert read_error(path) == (
        f"{path}: line 1: missing column amount: expected a header row with "
        "id, date, amount, currency (any order)"
    )


def test_column_given_twice_is_bad_input(tmp_path: Path) -> None:
    path = write(tmp_path, "id,date,amount,currency,Amount\n")
    assert "line 1: column 'Amount' appears twice" in read_error(path)


def test_empty_file_is_bad_input(tmp_path: Path) -> None:
    assert "empty file: expected a header row" in read_error(write(tmp_path, ""))


def test_non_utf8_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "ledger.csv"
    path.write_bytes(HEADER.encode() + b"A,2025-01-02,1.00,EUR\nB,2025-01-02,1.00,EUR,\xe9\n")
    assert read_error(path) == f"{path}: line 3: not UTF-8 text"


def test_broken_quoting_is_bad_input(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + 'A,2025-01-02,"1.00"x,EUR\n')
    assert "line 2: not valid CSV" in read_error(path)


def test_missing_file_is_bad_input(tmp_path: Path) -> None:
    assert "cannot read the file" in read_error(tmp_path / "absent.csv")


def test_quoted_field_spanning_lines_keeps_later_line_numbers_right(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "id,date,amount,currency,description\n"
        'A,2025-01-02,1.00,EUR,"two\nlines"\n'
        "B,2025-01-02,x,EUR,\n",
    )
    assert "line 4: amount 'x'" in read_error(path)


def test_ledger_cells_write_back_the_columns_in_file_order(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "note,id,Amount,currency,date,type,account\nfirst,A,+7.5,eur,2025-01-02,,\n",
    )
    ledger = read_ledger(path)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(
        ledger_cells(ledger.columns)(ledger.records[0])
    )
    assert buffer.getvalue() == "first,A,7.50,EUR,2025-01-02,other,\n"


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("12.34", "EUR", 1234),
        ("-0.5", "EUR", -50),
        ("+3", "EUR", 300),
        ("7.000", "EUR", 700),
        ("12.0", "JPY", 12),
        ("1.234", "KWD", 1234),
        ("12.345", "EUR", None),
        ("1_000", "EUR", None),
        (" 1", "EUR", None),
        (".5", "EUR", None),
        ("", "EUR", None),
    ],
)
def test_parse_minor_is_exact_or_refuses(text: str, currency: str, minor: int | None) -> None:
    assert parse_minor(text, currency) == minor


def test_windows_line_ends_and_header_only_files_are_read(tmp_path: Path) -> None:
    path = tmp_path / "ledger.csv"
    path.write_bytes(b"id,date,amount,currency\r\nA,2025-01-02,1.00,EUR\r\n")
    assert [r.id for r in read_ledger(path).records] == ["A"]
    assert read_ledger(write(tmp_path, HEADER, "empty.csv")).records == ()
