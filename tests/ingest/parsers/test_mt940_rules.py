"""MT940 / MT942 rules on small made-up files: dates, signs, :86: shapes, bad input."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from accord.ingest.parsers import detect_format, read_statement_file
from accord.ingest.parsers.errors import StatementParseError
from accord.ingest.parsers.model import BankLine, ParsedFile, Party, TransactionCode
from accord.ingest.parsers.mt940 import PARSER
from accord.ingest.parsers.mt940.details import decode, find_rf_reference, join_free_text
from accord.ingest.parsers.mt940.values import entry_date, parse_date
from accord.kit.money import Money
from tests.ingest.parsers.sharing import assert_shared

HEADER = [":20:STMT1", ":25:DE89370400440532013000", ":28C:00001/001"]


def statement(*body: str, opening: str = "C231229EUR1000,00", closing: str | None = None) -> str:
    """One MT940 statement with the given lines between its balances."""
    lines = [*HEADER, f":60F:{opening}", *body]
    if closing is not None:
        lines.append(f":62F:{closing}")
    return "\n".join([*lines, "-"]) + "\n"


def parse(text: str, eol: str = "\n") -> ParsedFile:
    data = text.replace("\n", eol).encode()
    return PARSER.parse(io.BytesIO(data), filename="test.sta")


def only_line(text: str) -> BankLine:
    [line] = parse(text).statements[0].lines
    return line


def rejected(text: str) -> StatementParseError:
    with pytest.raises(StatementParseError) as caught:
        parse(text)
    assert caught.value.file == "test.sta"
    return caught.value


# Dates ----------------------------------------------------------------------------


def test_entry_date_in_january_after_a_december_value_date_is_in_the_next_year() -> None:
    line = only_line(statement(":61:2312310102C10,00NTRFNONREF//B1"))
    assert (line.value_date, line.booking_date) == (date(2023, 12, 31), date(2024, 1, 2))


def test_entry_date_in_december_before_a_january_value_date_is_in_the_previous_year() -> None:
    assert entry_date("1231", date(2024, 1, 2)) == date(2023, 12, 31)


def test_missing_entry_date_books_on_the_value_date() -> None:
    line = only_line(statement(":61:231229D5,NMSCNONREF"))
    assert line.booking_date == line.value_date == date(2023, 12, 29)


def test_february_30_is_the_last_day_of_february_and_other_impossible_dates_fail() -> None:
    assert parse_date("160230") == date(2016, 2, 29)
    assert parse_date("170229") == date(2017, 2, 28)
    for text in ("230431", "231301", "230100", "230132"):
        with pytest.raises(ValueError, match="not a valid date"):
            parse_date(text)


def test_two_digit_years_pivot_at_80() -> None:
    assert (parse_date("790101").year, parse_date("800101").year) == (2079, 1980)


# Signs ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mark", "sign", "reversal"),
    [("C", 1, False), ("D", -1, False), ("RD", 1, True), ("RC", -1, True)],
)
def test_credit_and_reversal_of_debit_are_positive_debit_and_reversal_of_credit_negative(
    mark: str, sign: int, reversal: bool
) -> None:
    line = only_line(statement(f":61:2312291229{mark}12,34NTRFNONREF//B1"))
    assert line.amount == Money(sign * 1234, "EUR")
    assert line.reversal is reversal


def test_funds_code_after_the_mark_is_not_part_of_the_amount() -> None:
    line = only_line(statement(":61:0709040904RCR204,88NRTINONREF"))
    assert (line.amount, line.reversal) == (Money(-20488, "EUR"), True)


def test_amount_with_more_decimals_than_the_currency_is_rejected() -> None:
    error = rejected(statement(":61:231229C1,5NTRFNONREF", opening="C231229JPY100,"))
    assert error.where == "line 5"
    assert "more decimals" in error.problem


def test_balances_are_signed_and_checked_by_read_statement_file() -> None:
    text = statement(
        ":61:231229C10,00NTRFNONREF//B1", opening="D231228EUR5,00", closing="C231229EUR5,00"
    )
    parsed = read_statement_file(text.encode(), filename="t.sta")
    opening = parsed.statements[0].opening_booked
    assert opening is not None
    assert opening.amount == Money(-500, "EUR")


# References and codes ---------------------------------------------------------------


def test_bank_reference_after_slashes_and_customer_reference_before() -> None:
    line = only_line(statement(":61:2312291229D1,00NTRFINV-77//BANK123\nSUPPLEMENTARY TEXT"))
    assert (line.customer_ref, line.bank_ref, line.bank_ref_derived) == ("INV-77", "BANK123", False)
    assert line.additional_info == "SUPPLEMENTARY TEXT"
    assert line.transaction_code == TransactionCode(proprietary="NTRF", issuer="SWIFT")


def test_line_without_bank_reference_gets_a_derived_one_from_statement_and_position() -> None:
    parsed = parse(statement(":61:231229D1,00NTRFNONREF", ":61:231229D2,00NMSCNONREF//NONREF"))
    lines = parsed.statements[0].lines
    assert [line.bank_ref for line in lines] == ["STMT1/00001/001/1", "STMT1/00001/001/2"]
    assert all(line.bank_ref_derived and line.customer_ref is None for line in lines)


def test_repeated_statement_reference_keeps_derived_refs_unique() -> None:
    text = statement(":61:231229D1,00NTRFNONREF") * 2
    refs = [s.lines[0].bank_ref for s in parse(text).statements]
    assert refs == ["STMT1/00001/001/1", "STMT1/00001/001#2/1"]


def test_account_forms_iban_with_currency_and_blz_slash_account() -> None:
    text = statement().replace(":25:DE89370400440532013000", ":25:NL91ABNA0417164300EUR")
    assert parse(text).statements[0].account.iban == "NL91ABNA0417164300"
    text = statement().replace(":25:DE89370400440532013000", ":25:51210600/9223382012")
    account = parse(text).statements[0].account
    assert (account.iban, account.number, account.bank) == (None, "51210600/9223382012", "51210600")


# :86: shapes ------------------------------------------------------------------------


def test_german_structured_details_map_sepa_keywords() -> None:
    details = decode(
        [
            "105?00SEPA-BASISLASTSCHRIFT?109310?20EREF+INV2023-0042?21MREF+M-77?22CRED+DE98ZZZ0",
            "9999999999?23SVWZ+Rechnung 42 vom 1.12.2023?24KREF+K-1?30COBADEFFXXX?31DE44500105",
            "175407324931?32Muster GmbH und Partner Ver?33sand?34992",
        ]
    )
    assert details.gvc == "105"
    assert details.booking_text == "SEPA-BASISLASTSCHRIFT"
    assert (details.end_to_end_id, details.mandate_id) == ("INV2023-0042", "M-77")
    assert details.customer_ref == "K-1"
    assert details.remittance == "Rechnung 42 vom 1.12.2023"
    assert details.counterparty_name == "Muster GmbH und Partner Versand"
    assert details.counterparty_account == "DE44500105175407324931"
    assert details.counterparty_bank == "COBADEFFXXX"


def test_keyword_value_continues_only_through_full_subfields() -> None:
    details = decode(["166?20EREF+ABCDEFGHIJKLMNOPQRSTUV?21WXYZ?22FREE TEXT HERE"])
    assert details.end_to_end_id == "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    assert details.remittance == "FREE TEXT HERE"


def test_keywords_packed_into_subfields_are_found_even_across_a_wrap() -> None:
    purpose = "EREF+E2E-2024-0001234567 MREF+MNDT-77SVWZ+Invoice RE-2024-0042 thanks"
    pieces = [purpose[i : i + 27] for i in range(0, len(purpose), 27)]
    assert pieces[0].endswith("MR")  # the MREF+ keyword is cut by the wrap
    details = decode(["166" + "".join(f"?{20 + i}{p}" for i, p in enumerate(pieces))])
    assert (details.end_to_end_id, details.mandate_id) == ("E2E-2024-0001234567", "MNDT-77")
    assert details.remittance == "Invoice RE-2024-0042 thanks"


def test_gvc_code_becomes_the_transaction_code_of_the_line() -> None:
    line = only_line(statement(":61:231229D1,00NTRFNONREF", ":86:166?00GUTSCHRIFT?20SVWZ+X"))
    assert line.transaction_code == TransactionCode(proprietary="166", issuer="DK")
    assert (line.remittance, line.additional_info) == ("X", "GUTSCHRIFT")


def test_notprovided_end_to_end_id_is_no_id() -> None:
    assert decode(["166?20EREF+NOTPROVIDED?21SVWZ+X"]).end_to_end_id is None


def test_swift_keyword_details_map_to_fields() -> None:
    details = decode(
        [
            "/TRTP/SEPA OVERBOEKING/IBAN/NL91ABNA0417164300/BIC/ABNANL2A/NAME/J. DOE/REM",
            "I/FACTUUR 2023-17/EREF/E2E-99/MARF/MNDT1/CSID/NL00ZZZ000000000000",
        ]
    )
    assert (details.end_to_end_id, details.mandate_id) == ("E2E-99", "MNDT1")
    assert details.remittance == "FACTUUR 2023-17"
    assert (details.counterparty_name, details.counterparty_account, details.counterparty_bank) == (
        "J. DOE",
        "NL91ABNA0417164300",
        "ABNANL2A",
    )


def test_ordering_party_name_and_structured_remittance() -> None:
    details = decode(["/ORDP//NAME/R. SMITH/ADDR/Somewhere/REMI/STRD/ISO/RF18539007547034/"])
    assert (details.counterparty_name, details.creditor_reference) == (
        "R. SMITH",
        "RF18539007547034",
    )
    assert details.remittance is None


def test_free_text_lines_join_with_a_space_unless_the_line_was_full() -> None:
    full = "A" * 64 + "B"
    assert join_free_text(["first line", "second"]) == "first line second"
    assert join_free_text([full, "CDE rest"]) == full + "CDE rest"
    assert join_free_text(["padded" + " " * 59, "   ", "next"]) == "padded next"


def test_multiline_86_and_several_86_fields_belong_to_their_line() -> None:
    text = statement(
        ":61:231229D1,00NTRFNONREF",
        ":86:PAYMENT FOR",
        "INVOICE 12",
        ":86:SECOND FIELD",
        ":61:231229D2,00NTRFNONREF",
    )
    first, second = parse(text).statements[0].lines
    assert first.remittance == "PAYMENT FOR INVOICE 12 SECOND FIELD"
    assert second.remittance is None


def test_rf_creditor_reference_is_taken_only_with_valid_check_digits() -> None:
    assert find_rf_reference("Invoice RF18 5390 0754 7034 thanks") == "RF18539007547034"
    assert find_rf_reference("Invoice RF19 5390 0754 7034") is None
    assert find_rf_reference("REFUND 12") is None
    details = decode(["166?20SVWZ+Payment RF18539007547034"])
    assert details.creditor_reference == "RF18539007547034"


# File shapes --------------------------------------------------------------------------


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"])
def test_line_endings_lf_crlf_and_cr_read_the_same(eol: str) -> None:
    text = statement(":61:231229D1,00NTRFNONREF//B1", ":86:TEXT", closing="C231229EUR999,00")
    parsed = parse(text, eol)
    assert parsed.statements[0].lines[0].remittance == "TEXT"
    assert parsed.statements[0].lines[0].source.line == 5


def test_swift_blocks_around_the_statement_are_read() -> None:
    body = statement(":61:231229D1,00NTRFNONREF//B1", closing="C231229EUR999,00")
    text = "{1:F01BANKDEFFAXXX0000000000}{2:O940BANKDEFFXXXXN}{4:\n" + body[:-2] + "-}{5:}\n"
    parsed = parse(text)
    assert [s.format for s in parsed.statements] == ["mt940"]
    assert parsed.statements[0].lines[0].source.line == 6


def test_mt942_with_floor_limit_and_date_time_is_read_and_its_sums_checked() -> None:
    text = "\n".join(
        [
            ":20:INTRADAY1",
            ":25:DE89370400440532013000",
            ":28C:1/1",
            ":34F:EURD0,",
            ":34F:EURC100,",
            ":13D:2312291530+0100",
            ":61:231229D50,00NTRFNONREF//B1",
            ":61:231229C150,00NTRFNONREF//B2",
            ":90D:1EUR50,00",
            ":90C:1EUR150,00",
            "-",
        ]
    )
    parsed = parse(text)
    [report] = parsed.statements
    assert (parsed.format, report.format, report.account.currency) == ("mt942", "mt942", "EUR")
    assert report.created_at == datetime(2023, 12, 29, 15, 30, tzinfo=timezone(timedelta(hours=1)))
    assert report.created_at.astimezone(UTC).hour == 14
    assert report.opening_booked is None
    bad = text.replace(":90C:1EUR150,00", ":90C:1EUR151,00")
    assert "states 1 entries totalling 151.00 EUR" in rejected(bad).problem


def test_sniff_claims_mt940_text_and_not_other_formats() -> None:
    assert PARSER.sniff(b":20:X\r\n:25:Y\r\n")
    assert PARSER.sniff(b"{1:F01X}{2:I940X}{4:\n:20:X\n:25:Y")
    assert not PARSER.sniff(b"01,SENDR,RECVR,231229,1200,1,,,2/")
    assert not PARSER.sniff(b"<?xml version='1.0'?><Document/>")
    assert detect_format(statement().encode()) is PARSER


def test_lines_of_one_file_share_equal_dates_parties_amounts_and_codes() -> None:
    details = ":86:166?00GUTSCHRIFT?20SVWZ+RE 4711?30COBADEFFXXX?31DE59370401440000000015?32MUELLER"
    text = statement(
        ":61:2312291229C10,00NTRFNONREF//B1",
        details,
        ":61:2312291229C10,00NTRFNONREF//B2",
        details,
    ) + statement(":61:2312291229C10,00NTRFNONREF//B3", details)
    first, second, third = (line for s in parse(text).statements for line in s.lines)
    assert first.counterparty == Party("MUELLER", "DE59370401440000000015", "COBADEFFXXX")
    fields = ("booking_date", "value_date", "amount", "counterparty", "transaction_code")
    assert_shared(first, (second, third), *fields, "additional_info")


# Bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "where", "problem"),
    [
        (statement(":61:231332D1,00NTRFNONREF"), "line 5", "'231332' is not a valid date"),
        (statement(":61:231229D1,0,0NTRFNONREF"), "line 5", "expected a statement line"),
        (statement(":61:231229Z1,00NTRFNONREF//B"), "line 5", "expected a statement line"),
        (statement(":61:2312291345D1,00NTRFNONREF"), "line 5", "entry date '1345'"),
        (statement().replace(":25:DE89370400440532013000\n", ""), "line 1", ":25:"),
        (statement().replace(":60F:C231229EUR1000,00\n", ""), "line 1", "no opening balance"),
        (statement(opening="C231229XYZ1,00"), "line 4", "'XYZ' is not an ISO 4217 code"),
        (statement(opening="C231229EUR1.00"), "line 4", "expected a balance"),
        (statement(closing="C231229USD1,00"), "line 5", "differs from the statement's EUR"),
        (statement()[:-2], "line 4", "the file looks cut off"),
        (statement() + ":62F:C231229EUR1,00\n", "line 6", "found :62F: before :20:"),
        ("garbage\n:9401:\n" + statement(), "line 2", "'9401' is not an MT940/MT942 field"),
    ],
)
def test_bad_input_names_the_line_and_what_was_expected(
    text: str, where: str, problem: str
) -> None:
    error = rejected(text)
    assert error.where == where
    assert problem in error.problem
    assert str(error).startswith(f"test.sta: {where}: ")


def test_latin1_file_is_read() -> None:
    text = statement(":61:231229D1,00NTRFNONREF", ":86:166?20SVWZ+M\xfcller")
    line = PARSER.parse(io.BytesIO(text.encode("latin-1")), filename="x").statements[0].lines[0]
    assert line.remittance == "M\xfcller"
    assert line.amount.decimal == Decimal("-1.00")
