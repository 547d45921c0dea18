"""Focused behaviours of the CSV parser, one layout feature per test, on small made-up files."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest

from accord.ingest.parsers import read_statement_file
from accord.ingest.parsers.balances import balance_difference
from accord.ingest.parsers.csv import CsvStatementParser, load_profile
from accord.ingest.parsers.errors import StatementParseError, UnbalancedStatement
from accord.ingest.parsers.model import LineStatus
from accord.kit.money import Money
from tests.ingest.parsers.csv_support import csv_text, make_profile, parse
from tests.ingest.parsers.sharing import assert_shared

EUR = "EUR"


def eur(amount: str) -> Money:
    return Money.of(amount, EUR)


def test_decimal_comma_with_dot_thousands() -> None:
    profile = make_profile(delimiter=";", decimal=",", thousands=".")
    text = csv_text("Date;Amount;Currency", "2024-01-02;1.234,56;EUR", "2024-01-03;-0,5;EUR")
    lines = parse(profile, text).statements[0].lines
    assert [line.amount for line in lines] == [eur("1234.56"), eur("-0.50")]


@pytest.mark.parametrize(
    ("thousands", "cell", "expected"),
    [
        (",", "12,345,678.90", "12345678.90"),
        (",", "999.99", "999.99"),
        (" ", "1 000.00", "1000.00"),
        ("'", "1'000.05", "1000.05"),
        ("", "1000", "1000"),
    ],
)
def test_thousands_separators_in_groups_of_three(thousands: str, cell: str, expected: str) -> None:
    profile = make_profile(thousands=thousands)
    text = csv_text("Date,Amount,Currency", f'2024-01-02,"{cell}",EUR')
    assert parse(profile, text).statements[0].lines[0].amount == eur(expected)


@pytest.mark.parametrize("cell", ["1,23.45", "12,3456.00", "1.234,56", "1,,000.00"])
def test_misplaced_thousands_separator_is_an_error_not_a_guess(cell: str) -> None:
    profile = make_profile(thousands=",")
    text = csv_text("Date,Amount,Currency", f'2024-01-02,"{cell}",EUR')
    with pytest.raises(StatementParseError, match=r'column "Amount".*-1,234\.56'):
        parse(profile, text)


@pytest.mark.parametrize(("cell", "expected"), [("+12.00", "12.00"), ("12.00-", "-12.00")])
def test_leading_plus_and_trailing_minus_signs(cell: str, expected: str) -> None:
    text = csv_text("Date,Amount,Currency", f"2024-01-02,{cell},EUR")
    assert parse(make_profile(), text).statements[0].lines[0].amount == eur(expected)


def test_separate_debit_and_credit_columns_give_the_direction() -> None:
    profile = make_profile({"date": "Date", "debit": "Out", "credit": "In"}, currency="EUR")
    text = csv_text("Date,Out,In", "2024-01-02,12.00,", "2024-01-03,,-3.00", "2024-01-04,0.00,7")
    lines = parse(profile, text).statements[0].lines
    # The column says the direction; a stray sign on the figure does not flip it.
    assert [line.amount for line in lines] == [eur("-12.00"), eur("3.00"), eur("7.00")]


def test_indicator_column_signs_an_unsigned_amount() -> None:
    columns = {"date": "Date", "amount": "Amount", "indicator": "DC"}
    profile = make_profile(
        columns, currency="EUR", debit_values=["S", "D"], credit_values=["H", "C"]
    )
    text = csv_text("Date,Amount,DC", "2024-01-02,5.00,S", "2024-01-02,-6.00,H", "2024-01-02,7,D")
    lines = parse(profile, text).statements[0].lines
    assert [line.amount for line in lines] == [eur("-5.00"), eur("6.00"), eur("-7.00")]


def test_inverted_sign_flips_amounts_and_balances_of_a_credit_card_export() -> None:
    columns = {"date": "Date", "amount": "Amount", "balance": "Owed"}
    profile = make_profile(columns, currency="EUR", sign="inverted")
    # A purchase raises what is owed; a repayment lowers it.
    text = csv_text("Date,Amount,Owed", "2024-01-02,40.00,140.00", "2024-01-05,-100.00,40.00")
    statement = parse(profile, text).statements[0]
    assert [line.amount for line in statement.lines] == [eur("-40.00"), eur("100.00")]
    assert statement.opening_booked is not None
    assert statement.opening_booked.amount == eur("-100.00")
    assert statement.closing_booked is not None
    assert statement.closing_booked.amount == eur("-40.00")
    assert balance_difference(statement) == eur("0")


def test_multi_currency_rows_split_into_statements_in_order_of_appearance() -> None:
    text = csv_text(
        "Date,Amount,Currency",
        "2024-01-02,1.00,EUR",
        "2024-01-02,2.00,USD",
        "2024-01-03,3.00,eur",
    )
    statements = parse(make_profile(), text).statements
    assert [s.account.currency for s in statements] == ["EUR", "USD"]
    assert [line.amount.minor for line in statements[0].lines] == [100, 300]
    assert [line.source.line for line in statements[0].lines] == [2, 4]
    assert [
        (line.source.statement_index, line.source.entry_index) for line in statements[0].lines
    ] == [
        (0, 0),
        (0, 1),
    ]
    assert statements[1].lines[0].source.statement_index == 1


def test_account_column_splits_statements_and_recognises_ibans() -> None:
    columns = {"date": "Date", "amount": "Amount", "currency": "Currency", "account": "Account"}
    text = csv_text(
        "Date,Amount,Currency,Account",
        "2024-01-02,1.00,EUR,DE89 3704 0044 0532 0130 00",
        "2024-01-02,2.00,EUR,12345678",
    )
    statements = parse(make_profile(columns), text).statements
    assert [s.account.iban for s in statements] == ["DE89370400440532013000", None]
    assert [s.account.number for s in statements] == [None, "12345678"]
    assert statements[0].lines[0].account == "DE89370400440532013000"
    assert statements[0].id.startswith("test:DE89370400440532013000:EUR:2024-01-02..2024-01-02:")


def test_fixed_account_from_the_profile() -> None:
    profile = make_profile(account="12345678")
    text = csv_text("Date,Amount,Currency", "2024-01-02,1.00,EUR")
    statement = parse(profile, text).statements[0]
    assert statement.account.number == "12345678"
    assert statement.lines[0].account == "12345678"


def test_instructed_amount_takes_the_sign_of_the_line_and_ignores_same_currency() -> None:
    columns = {
        "date": "Date",
        "amount": "Amount",
        "instructed_amount": "Orig",
        "instructed_currency": "OrigCur",
    }
    profile = make_profile(columns, currency="EUR")
    text = csv_text(
        "Date,Amount,Orig,OrigCur",
        "2024-01-02,-9.20,10.00,USD",
        "2024-01-02,5.00,5.00,EUR",
        "2024-01-02,5.00,0,USD",
        "2024-01-02,1000.00,-1000000,JPY",
    )
    lines = parse(profile, text).statements[0].lines
    assert [line.instructed_amount for line in lines] == [
        Money.of("-10.00", "USD"),
        None,
        None,
        Money.of("1000000", "JPY"),
    ]


def test_cp1252_umlauts_in_a_sparkasse_export() -> None:
    header = (
        '"Auftragskonto";"Buchungstag";"Valutadatum";"Buchungstext";"Verwendungszweck";'
        '"Glaeubiger ID";"Mandatsreferenz";"Kundenreferenz (End-to-End)";"Sammlerreferenz";'
        '"Lastschrift Ursprungsbetrag";"Auslagenersatz Ruecklastschrift";'
        '"Beguenstigter/Zahlungspflichtiger";"Kontonummer/IBAN";"BIC (SWIFT-Code)";"Betrag";'
        '"Waehrung";"Info"'
    )
    rows = [
        '"DE89370400440532013000";"01.10.24";"01.10.24";"FOLGELASTSCHRIFT";"Miete Oktober";'
        '"DE98ZZZ09999999999";"M-42";"E2E-7";"";"";"";"Hausverwaltung Müller GmbH";'
        '"DE02120300000000202051";"BYLADEM1001";"-1.850,00";"EUR";"Umsatz gebucht"',
        '"DE89370400440532013000";"02.10.24";"";"GUTSCHRIFT";"Rechnung 2024-17 Grüße";'
        '"";"";"NOTPROVIDED";"";"";"";"Bäckerei Weiß";"DE02500105170137075030";"";'
        '"120,50";"EUR";"Umsatz vorgemerkt"',
    ]
    data = csv_text(header, *rows).encode("cp1252")
    statement = parse(load_profile("sparkasse-camt"), data).statements[0]
    rent, bakery = statement.lines
    assert statement.account.iban == "DE89370400440532013000"
    assert rent.amount == eur("-1850.00")
    assert rent.counterparty is not None
    assert rent.counterparty.name == "Hausverwaltung Müller GmbH"
    assert rent.counterparty.bank == "BYLADEM1001"
    assert (rent.mandate_id, rent.end_to_end_id) == ("M-42", "E2E-7")
    assert rent.value_date == date(2024, 10, 1)
    assert rent.transaction_code is not None
    assert rent.transaction_code.proprietary == "FOLGELASTSCHRIFT"
    assert rent.status is LineStatus.BOOKED
    assert bakery.remittance == "Rechnung 2024-17 Grüße"
    assert bakery.end_to_end_id is None  # SEPA's NOTPROVIDED placeholder
    assert bakery.value_date is None
    assert bakery.status is LineStatus.PENDING
    assert rent.bank_ref_derived
    assert rent.bank_ref == f"{statement.id}/1"


def test_utf8_profile_rejects_cp1252_bytes_naming_the_line() -> None:
    data = b"Date,Amount,Currency\r\n2024-01-02,1.00,EUR\r\n" + b"2024-01-03,2.00,EUR \xfc\r\n"
    with pytest.raises(StatementParseError) as caught:
        parse(make_profile(), data)
    assert caught.value.where == "line 3"
    assert "0xfc" in caught.value.problem
    assert "utf-8" in caught.value.problem


def test_latin1_profile_reads_any_byte() -> None:
    columns = {"date": "Date", "amount": "Amount", "remittance": ["Text"]}
    profile = make_profile(columns, currency="EUR", encoding="latin-1")
    data = "Date,Amount,Text\n2024-01-02,1.00,Caf\xe9\n".encode("latin-1")
    assert parse(profile, data).statements[0].lines[0].remittance == "Café"


def test_byte_order_mark_does_not_hide_the_first_header_name() -> None:
    data = b"\xef\xbb\xbf" + csv_text("Date,Amount,Currency", "2024-01-02,1.00,EUR").encode()
    assert len(parse(make_profile(encoding="utf-8"), data).statements[0].lines) == 1


def test_metadata_lines_and_footer_are_skipped_and_lines_are_physical() -> None:
    profile = make_profile(skip_lines=3, skip_footer_lines=1)
    text = csv_text(
        "Account: 12345",
        'Period: "2024-01',  # an unbalanced quote in a skipped line must not matter
        "",
        "Date,Amount,Currency",
        "2024-01-02,1.00,EUR",
        "",
        "2024-01-03,2.00,EUR",
        "Closing balance,3.00,",
    )
    lines = parse(profile, text + "\r\n\r\n").statements[0].lines
    assert [line.source.line for line in lines] == [5, 7]
    assert [line.amount.minor for line in lines] == [100, 200]


def test_quoted_line_breaks_keep_later_line_numbers_physical() -> None:
    columns = {"date": "Date", "amount": "Amount", "currency": "Currency", "remittance": "Text"}
    text = csv_text(
        "Date,Amount,Currency,Text", '2024-01-02,1.00,EUR,"two\r\nlines"', "2024-01-03,x,EUR,"
    )
    with pytest.raises(StatementParseError) as caught:
        parse(make_profile(columns), text)
    assert caught.value.where == "line 4"


def test_newest_first_files_take_the_opening_balance_from_the_last_row() -> None:
    columns = {"date": "Date", "amount": "Amount", "balance": "Balance"}
    profile = make_profile(columns, currency="EUR", row_order="newest_first")
    text = csv_text("Date,Amount,Balance", "2024-01-05,-30.00,80.00", "2024-01-03,10.00,110.00")
    statement = parse(profile, text).statements[0]
    assert statement.opening_booked is not None
    assert statement.opening_booked.amount == eur("100.00")
    assert statement.opening_booked.date == date(2024, 1, 3)
    assert statement.closing_booked is not None
    assert statement.closing_booked.amount == eur("80.00")
    assert balance_difference(statement) == eur("0")


def test_oldest_first_mismatch_is_left_for_the_balance_check() -> None:
    columns = {"date": "Date", "amount": "Amount", "balance": "Balance"}
    profile = make_profile(columns, currency="EUR")
    text = csv_text("Date,Amount,Balance", "2024-01-03,10.00,110.00", "2024-01-05,-30.00,79.00")
    assert balance_difference(parse(profile, text).statements[0]) == eur("1.00")


def test_skip_rules_drop_rows_that_move_no_money_but_keep_row_numbers() -> None:
    columns = {"date": "Date", "amount": "Amount", "currency": "Currency"}
    profile = make_profile(columns, skip=[{"column": "Impact", "values": ["Memo"]}])
    text = csv_text(
        "Date,Amount,Currency,Impact",
        "2024-01-02,5.00,EUR,Credit",
        "2024-01-02,oops,EUR,Memo",
        "2024-01-03,-1.00,EUR,Debit",
    )
    statement = parse(profile, text).statements[0]
    assert [line.amount.minor for line in statement.lines] == [500, -100]
    assert [line.bank_ref for line in statement.lines] == [f"{statement.id}/1", f"{statement.id}/3"]


def test_derived_refs_and_statement_ids_follow_the_documented_shape() -> None:
    text = csv_text("Date,Amount,Currency", "2024-01-03,1.00,EUR", "2024-01-02,2.00,EUR")
    statement = parse(make_profile(), text).statements[0]
    prefix, digest = statement.id.rsplit(":", 1)
    assert prefix == "test:-:EUR:2024-01-02..2024-01-03"
    assert len(digest) == 8
    assert (statement.period_start, statement.period_end) == (date(2024, 1, 2), date(2024, 1, 3))
    assert all(line.bank_ref_derived for line in statement.lines)
    assert [line.bank_ref for line in statement.lines] == [f"{statement.id}/1", f"{statement.id}/2"]


def test_same_period_with_different_rows_gets_a_different_statement_id() -> None:
    first = csv_text("Date,Amount,Currency", "2024-01-02,1.00,EUR")
    second = csv_text("Date,Amount,Currency", "2024-01-02,1.01,EUR")
    again = parse(make_profile(), first).statements[0].id
    assert parse(make_profile(), first).statements[0].id == again
    assert parse(make_profile(), second).statements[0].id != again


def test_blank_id_cell_falls_back_to_a_derived_ref() -> None:
    columns = {"date": "Date", "amount": "Amount", "currency": "Currency", "bank_ref": "Id"}
    text = csv_text("Date,Amount,Currency,Id", "2024-01-02,1.00,EUR,A1", "2024-01-02,2.00,EUR,")
    statement = parse(make_profile(columns), text).statements[0]
    assert [(line.bank_ref, line.bank_ref_derived) for line in statement.lines] == [
        ("A1", False),
        (f"{statement.id}/2", True),
    ]


def test_zero_fee_makes_no_fee_line() -> None:
    columns = {"date": "Date", "amount": "Gross", "currency": "Currency", "fee": "Fee"}
    text = csv_text("Date,Gross,Currency,Fee", "2024-01-02,10.00,EUR,0.00", "2024-01-02,5,EUR,")
    assert len(parse(make_profile(columns), text).statements[0].lines) == 2


def test_optional_columns_are_read_when_present_and_ignored_when_absent() -> None:
    profile = load_profile("amount")
    minimal = csv_text("Date,Amount,Currency", "2024-01-02,-5.00,EUR")
    assert parse(profile, minimal).statements[0].lines[0].remittance is None
    fuller = csv_text(
        "Date,Amount,Currency,Description,Transaction ID,Balance",
        "2024-01-02,-5.00,EUR,Coffee,T-1,95.00",
    )
    statement = parse(profile, fuller).statements[0]
    assert statement.lines[0].remittance == "Coffee"
    assert statement.lines[0].bank_ref == "T-1"
    assert statement.opening_booked is not None
    assert statement.opening_booked.amount == eur("100.00")


def test_generic_debit_credit_profile() -> None:
    text = csv_text(
        "Date,Description,Debit,Credit,Currency",
        "2024-01-02,Rent,850.00,,EUR",
        '2024-01-03,Pay,,"1,000.00",EUR',
    )
    lines = parse(load_profile("debit-credit"), text).statements[0].lines
    assert [line.amount for line in lines] == [eur("-850.00"), eur("1000.00")]
    assert [line.remittance for line in lines] == ["Rent", "Pay"]


def test_several_date_formats_are_tried_in_order() -> None:
    profile = make_profile(date_formats=["%d.%m.%y", "%d.%m.%Y"], delimiter=";", decimal=",")
    text = csv_text("Date;Amount;Currency", "01.10.24;1;EUR", "02.10.2024;1;EUR")
    lines = parse(profile, text).statements[0].lines
    assert [line.booking_date for line in lines] == [date(2024, 10, 1), date(2024, 10, 2)]


def test_value_date_is_read_when_mapped() -> None:
    columns = {"date": "Date", "value_date": "Valuta", "amount": "Amount", "currency": "Currency"}
    text = csv_text("Date,Valuta,Amount,Currency", "2024-01-02,2024-01-04,1.00,EUR")
    line = parse(make_profile(columns), text).statements[0].lines[0]
    assert line.value_date == date(2024, 1, 4)


def test_blank_lines_between_rows_are_ignored() -> None:
    text = csv_text("Date,Amount,Currency", "", "2024-01-02,1.00,EUR", ",,", "2024-01-03,2.00,EUR")
    assert len(parse(make_profile(), text).statements[0].lines) == 2


def test_header_only_gives_no_statements() -> None:
    parsed = parse(make_profile(), csv_text("Date,Amount,Currency"))
    assert parsed.statements == ()
    assert parsed.format == "csv:test"


def test_rows_may_be_shorter_than_the_header_when_mapped_columns_are_present() -> None:
    text = csv_text("Date,Amount,Currency,,,", "2024-01-02,1.00,EUR")
    assert len(parse(make_profile(), text).statements[0].lines) == 1


def test_zero_decimal_currency_amounts() -> None:
    text = csv_text("Date,Amount,Currency", '2024-01-02,"1,500",JPY')
    line = parse(make_profile(thousands=","), text).statements[0].lines[0]
    assert line.amount == Money(1500, "JPY")


def test_sniff_never_claims_a_file() -> None:
    assert CsvStatementParser(make_profile()).sniff(b"Date,Amount,Currency\r\n") is False
    assert CsvStatementParser.name == "csv"


BALANCED_COLUMNS = {"date": "Date", "amount": "Amount", "balance": "Balance"}


def test_wrong_running_balance_fails_the_reconcile_balance_check() -> None:
    profile = make_profile(BALANCED_COLUMNS, currency="EUR")
    text = csv_text("Date,Amount,Balance", "2024-01-03,10.00,110.00", "2024-01-05,-30.00,79.00")
    with pytest.raises(UnbalancedStatement, match=r"79\.00 EUR"):
        read_statement_file(text.encode(), filename="t.csv", csv_profile=profile)
    parsed = read_statement_file(
        text.encode(), filename="t.csv", csv_profile=profile, allow_unbalanced=True
    )
    assert len(parsed.statements[0].lines) == 2


def test_csv_inside_a_zip_is_read_with_the_profile() -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("march.csv", csv_text("Date,Amount,Currency", "2024-03-01,1.00,EUR"))
    parsed = read_statement_file(
        archive.getvalue(), filename="x.zip", csv_profile=load_profile("amount")
    )
    assert [s.format for s in parsed.statements] == ["csv:amount"]
    assert parsed.statements[0].lines[0].source.line == 2


def test_lines_of_one_file_share_equal_dates_parties_amounts_and_codes() -> None:
    columns = {
        "date": "Date",
        "amount": "Amount",
        "currency": "Currency",
        "value_date": "Value",
        "counterparty_name": "Payer",
        "transaction_code": "Code",
    }
    row = "2024-01-02,12.50,EUR,2024-01-03,Anna Muster,SEPA"
    text = csv_text("Date,Amount,Currency,Value,Payer,Code", row, row, row)
    first, *others = parse(make_profile(columns), text).statements[0].lines
    assert (first.amount, first.value_date) == (eur("12.50"), date(2024, 1, 3))
    assert len(others) == 2
    fields = ("amount", "booking_date", "value_date", "counterparty", "transaction_code")
    assert_shared(first, others, *fields)
