"""OFX / QFX: the shared samples (1.x SGML and 2.x XML), and each rule on small files.

Figures checked against the samples are read from the files themselves: the number of
<STMTTRN> elements, the sum of <TRNAMT>, the FITIDs and the ledger balance.
"""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.ingest.parsers import read_statement_file
from accord.ingest.parsers.errors import StatementParseError
from accord.ingest.parsers.model import ParsedFile, Party, Statement
from accord.ingest.parsers.ofx import PARSER
from accord.kit.money import Money
from tests.ingest.parsers.sharing import assert_shared
from tests.samples import sample, samples_in

WRONG = "oca-test_ofx_wrong.ofx"
GOOD_SAMPLES = [p.name for p in samples_in("ofx", "*.ofx") if p.name != WRONG]


def parse_sample(name: str) -> ParsedFile:
    with sample(f"ofx/{name}").open("rb") as stream:
        return PARSER.parse(stream, filename=name)


def parse_bytes(data: bytes) -> ParsedFile:
    return PARSER.parse(io.BytesIO(data), filename="test.ofx")


def tag_values(path: Path, tag: str) -> list[str]:
    """Every value of a tag in the file text, with or without an end tag."""
    return [v.strip() for v in re.findall(rf"<{tag}>([^<\r\n]*)", path.read_text("latin-1"))]


def all_lines(parsed: ParsedFile) -> list[tuple[Statement, int]]:
    return [(s, n) for s in parsed.statements for n in range(len(s.lines))]


# --- the samples -------------------------------------------------------------------------


def test_there_are_samples_to_read() -> None:
    if not samples_in("ofx"):
        pytest.skip("shared samples not found")
    assert len(GOOD_SAMPLES) == 4


@pytest.mark.parametrize("name", GOOD_SAMPLES)
def test_sample_parses_with_every_transaction_of_the_file(name: str) -> None:
    parsed = parse_sample(name)
    path = sample(f"ofx/{name}")
    lines = [line for s in parsed.statements for line in s.lines]
    assert len(lines) == len(tag_values(path, "STMTTRN"))
    assert [line.bank_ref for line in lines] == tag_values(path, "FITID")
    trnamt = sum(Decimal(v) for v in tag_values(path, "TRNAMT"))
    assert sum(line.amount.decimal for line in lines) == trnamt
    ledgers = [Decimal(v) for v in tag_values(path, "BALAMT")]
    booked = [s.closing_booked.amount.decimal for s in parsed.statements if s.closing_booked]
    assert booked == ledgers[: len(booked)]
    assert all(s.opening_booked is None for s in parsed.statements)
    assert parsed.format == "ofx"


def test_wrong_sample_is_rejected_naming_the_missing_currency_and_its_line() -> None:
    # Its STMTRS has CURDEF and BANKACCTFROM commented out (and one STMTTRN its
    # DTPOSTED, TRNAMT and FITID); the first problem in document order is reported.
    with pytest.raises(StatementParseError) as caught:
        parse_sample(WRONG)
    assert caught.value.where == "line 21"
    assert caught.value.problem == "STMTRS has no CURDEF: expected the account currency"


def test_oca_sample_has_a_bank_and_a_credit_card_statement() -> None:
    bank, card = parse_sample("oca-test_ofx.ofx").statements
    assert bank.account.number == "123456"
    assert bank.account.bank == "000000123"
    assert bank.account.currency == "USD"
    assert bank.extra == {"syntax": "ofx:2", "kind": "bank", "account_type": "CHECKING"}
    assert (bank.period_start, bank.period_end) == (date(2013, 8, 1), date(2013, 8, 31))
    assert bank.closing_booked is not None
    assert bank.closing_booked.amount == Money(215656, "USD")
    assert bank.closing_booked.date == date(2013, 8, 31)
    assert [line.counterparty for line in bank.lines] == [
        Party(name=n) for n in ("Agrolait", "China Export", "Axelor Scuba", "China Scuba")
    ]
    assert [line.transaction_code.proprietary for line in bank.lines] == ["POS"] * 4  # type: ignore[union-attr]
    assert card.extra["kind"] == "creditcard"
    assert card.account.number == "123412341234"
    assert card.lines == ()
    assert card.closing_booked is not None
    assert card.closing_booked.amount == Money(-56200, "USD")


def test_oca_iban_sample_keeps_bank_and_branch() -> None:
    bank = parse_sample("oca-test_ofx_iban.ofx").statements[0]
    assert (bank.account.number, bank.account.bank) == ("12345678901", "30001")
    assert bank.extra["branch"] == "00794"
    assert bank.account.iban is None  # a French RIB, not an IBAN


def test_nubank_credit_card_sgml_lines_add_up_to_its_ledger_balance() -> None:
    parsed = parse_sample("ofxtools-br_nubank_cc.ofx")
    (card,) = parsed.statements
    assert card.extra == {"syntax": "ofx:1", "version": "102", "kind": "creditcard"}
    assert card.account.currency == "BRL"
    assert len(card.lines) == 6
    assert card.closing_booked is not None
    total = sum((line.amount for line in card.lines), Money(0, "BRL"))
    assert total == card.closing_booked.amount == Money(-128091, "BRL")
    # 20240323000000[-3:GMT] is 23 March at the bank, whatever UTC says.
    assert card.lines[0].booking_date == date(2024, 3, 23)
    assert card.lines[0].remittance == "-memo-message-"
    assert card.lines[0].source.line == 40


def test_ofxtools_stmtrs_reads_check_number_user_date_and_available_balance() -> None:
    (statement,) = parse_sample("ofxtools-stmtrs.ofx").statements
    check, atm = statement.lines
    assert check.customer_ref == "1000"
    assert check.amount == Money(-20000, "USD")
    assert atm.additional_info == "DTUSER: 2005-10-20"
    assert statement.closing_available is not None
    assert statement.closing_available.amount == Money(20029, "USD")
    assert statement.closing_available.date == date(2005, 10, 29)  # DTASOF 200510291120
    assert statement.id == "999988/20051001-20051028"


# --- building small files ------------------------------------------------------------

SGML_HEADER = (
    "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\n"
    "CHARSET:1252\nCOMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n"
)
XML_HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<?OFX OFXHEADER="200" VERSION="220" SECURITY="NONE" OLDFILEUID="NONE" '
    'NEWFILEUID="NONE"?>\n'
)


def trn(fields: str) -> str:
    return f"<STMTTRN>{fields}</STMTTRN>"


def xml_file(transactions: str, *, currency: str = "USD", ledger: str = "100.00") -> bytes:
    body = (
        f"<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>1</TRNUID>"
        f"<STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS><STMTRS>"
        f"<CURDEF>{currency}</CURDEF><BANKACCTFROM><BANKID>021000021</BANKID>"
        f"<ACCTID>42</ACCTID><ACCTTYPE>CHECKING</ACCTTYPE></BANKACCTFROM>"
        f"<BANKTRANLIST><DTSTART>20230101</DTSTART><DTEND>20230131</DTEND>{transactions}"
        f"</BANKTRANLIST><LEDGERBAL><BALAMT>{ledger}</BALAMT><DTASOF>20230131</DTASOF>"
        f"</LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>"
    )
    return (XML_HEADER + body.replace("><", ">\n<")).encode()


def to_sgml(xml: bytes) -> bytes:
    """The same document in OFX 1.x style: SGML header and no end tags on leaves."""
    body = xml.decode().split("?>\n", 2)[2]
    body = re.sub(r"(<(\w+)>[^<\n]+)</\2>", r"\1", body)
    return (SGML_HEADER + body).encode()


BASIC = trn(
    "<TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>20230115120000.000[-5:EST]</DTPOSTED>"
    "<DTAVAIL>20230116</DTAVAIL><TRNAMT>-12.34</TRNAMT><FITID>F1</FITID>"
    "<NAME>ACME &amp; SONS</NAME><MEMO>INV 1001</MEMO>"
    "<BANKACCTTO><BANKID>026009593</BANKID><ACCTID>999</ACCTID><ACCTTYPE>CHECKING</ACCTTYPE>"
    "</BANKACCTTO>"
) + trn(
    "<TRNTYPE>CREDIT</TRNTYPE><DTPOSTED>20230120</DTPOSTED><TRNAMT>50</TRNAMT>"
    "<FITID>F2</FITID><CHECKNUM>77</CHECKNUM><REFNUM>R-9</REFNUM>"
)


def only(parsed: ParsedFile) -> Statement:
    assert len(parsed.statements) == 1
    return parsed.statements[0]


def test_xml_statement_reads_every_field() -> None:
    statement = only(parse_bytes(xml_file(BASIC)))
    debit, credit = statement.lines
    assert debit.bank_ref == "F1"
    assert debit.amount == Money(-1234, "USD")
    assert debit.booking_date == date(2023, 1, 15)
    assert debit.value_date == date(2023, 1, 16)
    assert debit.remittance == "INV 1001"
    assert debit.counterparty == Party(name="ACME & SONS", account="999", bank="026009593")
    assert credit.amount == Money(5000, "USD")
    assert credit.value_date is None
    assert credit.customer_ref == "77"
    assert credit.additional_info == "REFNUM: R-9"
    assert statement.account.id == "42"
    assert statement.extra["syntax"] == "ofx:2"


def test_sgml_and_xml_forms_of_a_statement_read_the_same() -> None:
    xml = xml_file(BASIC)
    sgml = to_sgml(xml)
    assert b"</TRNAMT>" not in sgml
    from_xml, from_sgml = only(parse_bytes(xml)), only(parse_bytes(sgml))
    assert from_sgml.extra["syntax"] == "ofx:1"
    assert [(x.bank_ref, x.amount, x.counterparty, x.remittance) for x in from_xml.lines] == [
        (x.bank_ref, x.amount, x.counterparty, x.remittance) for x in from_sgml.lines
    ]
    assert from_xml.closing_booked == from_sgml.closing_booked


def test_missing_fitid_gets_a_derived_reference() -> None:
    body = trn("<TRNTYPE>FEE</TRNTYPE><DTPOSTED>20230102</DTPOSTED><TRNAMT>-1.00</TRNAMT>")
    line = only(parse_bytes(xml_file(BASIC + body))).lines[2]
    assert line.bank_ref == "42/20230101-20230131/3"
    assert line.bank_ref_derived


@pytest.mark.parametrize(
    ("posted", "expected"),
    [
        ("20230115", date(2023, 1, 15)),
        ("20230115120000", date(2023, 1, 15)),
        ("20230115235959.999[+9:JST]", date(2023, 1, 15)),
        ("202301152359", date(2023, 1, 15)),
        ("20230115000000[0]", date(2023, 1, 15)),
    ],
)
def test_dates_keep_the_date_part(posted: str, expected: date) -> None:
    body = trn(f"<TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>{posted}</DTPOSTED><TRNAMT>-1</TRNAMT>")
    assert only(parse_bytes(xml_file(body))).lines[0].booking_date == expected


@pytest.mark.parametrize("posted", ["20231315", "2023-01-15", "20230230", "15012023x"])
def test_bad_date_is_rejected_at_its_line(posted: str) -> None:
    body = trn(f"<TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>{posted}</DTPOSTED><TRNAMT>-1</TRNAMT>")
    data = xml_file(body)
    line = data.decode().splitlines().index(f"<DTPOSTED>{posted}</DTPOSTED>") + 1
    with pytest.raises(StatementParseError, match=rf"line {line}: DTPOSTED '{posted}'"):
        parse_bytes(data)


@pytest.mark.parametrize("amount", ["1,234.56", "12.3.4", "--5", "", "1e5", "NaN"])
def test_bad_amount_is_rejected(amount: str) -> None:
    body = trn(f"<TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>20230101</DTPOSTED><TRNAMT>{amount}</TRNAMT>")
    with pytest.raises(StatementParseError, match="TRNAMT"):
        parse_bytes(xml_file(body))


def test_decimal_comma_is_read() -> None:
    body = trn("<TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>20230101</DTPOSTED><TRNAMT>-13,50</TRNAMT>")
    assert only(parse_bytes(xml_file(body))).lines[0].amount == Money(-1350, "USD")


def test_more_decimals_than_the_currency_has_is_rejected() -> None:
    body = trn("<TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>20230101</DTPOSTED><TRNAMT>-1.5</TRNAMT>")
    with pytest.raises(StatementParseError, match="more decimals than JPY"):
        parse_bytes(xml_file(body, currency="JPY", ledger="100"))


def test_unknown_currency_is_rejected() -> None:
    with pytest.raises(StatementParseError, match="CURDEF: unknown currency 'XYZ'"):
        parse_bytes(xml_file(BASIC, currency="XYZ"))


def test_original_currency_gives_instructed_amount_and_rate() -> None:
    body = trn(
        "<TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>20230101</DTPOSTED><TRNAMT>-110.00</TRNAMT>"
        "<FITID>FX1</FITID><ORIGCURRENCY><CURRATE>1.1</CURRATE><CURSYM>EUR</CURSYM>"
        "</ORIGCURRENCY>"
    )
    line = only(parse_bytes(xml_file(body))).lines[0]
    assert line.amount == Money(-11000, "USD")
    assert line.instructed_amount == Money(-10000, "EUR")
    assert line.exchange_rate == Decimal("1.1")


def test_currency_aggregate_converts_the_amount_into_the_account_currency() -> None:
    body = trn(
        "<TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>20230101</DTPOSTED><TRNAMT>-100.00</TRNAMT>"
        "<FITID>FX2</FITID><CURRENCY><CURRATE>1.1</CURRATE><CURSYM>EUR</CURSYM></CURRENCY>"
    )
    line = only(parse_bytes(xml_file(body))).lines[0]
    assert line.amount == Money(-11000, "USD")
    assert line.instructed_amount == Money(-10000, "EUR")


def test_doctype_is_rejected() -> None:
    data = xml_file(BASIC).replace(
        b"<OFX>", b'<!DOCTYPE OFX [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<OFX>', 1
    )
    with pytest.raises(StatementParseError, match="DTDs and entities are not allowed"):
        parse_bytes(data)


def test_malformed_xml_names_the_line() -> None:
    data = xml_file(BASIC).replace(b"</MEMO>", b"", 1)
    with pytest.raises(StatementParseError, match=r"line \d+: malformed XML"):
        parse_bytes(data)


def test_sgml_aggregate_closed_twice_is_rejected_at_its_line() -> None:
    sgml = to_sgml(xml_file(BASIC)).replace(b"</STMTRS>", b"</STMTRS>\n</STMTRS>", 1)
    with pytest.raises(StatementParseError, match="</STMTRS> closes an element that is not open"):
        parse_bytes(sgml)


def test_sgml_statement_missing_its_end_tags_is_still_read_completely() -> None:
    sgml = to_sgml(xml_file(BASIC)).replace(b"</STMTTRN>", b"").replace(b"</BANKTRANLIST>", b"")
    statement = only(parse_bytes(sgml))
    assert [line.bank_ref for line in statement.lines] == ["F1", "F2"]
    assert statement.closing_booked is not None


def test_sgml_empty_leaf_without_end_tag_does_not_swallow_its_siblings() -> None:
    sgml = to_sgml(xml_file(BASIC)).replace(b"<MEMO>INV 1001", b"<MEMO>")
    line = only(parse_bytes(sgml)).lines[0]
    assert line.remittance is None
    assert line.counterparty is not None
    assert line.counterparty.account == "999"


def test_sgml_body_must_end_with_its_ofx_element() -> None:
    sgml = to_sgml(xml_file(BASIC)).replace(b"</OFX>", b"")
    with pytest.raises(StatementParseError, match="the file ends before </OFX>"):
        parse_bytes(sgml)


def test_sgml_latin1_text_is_read() -> None:
    sgml = to_sgml(xml_file(BASIC)).replace(b"ACME &amp; SONS", "CAFÉ".encode("latin-1"))
    assert only(parse_bytes(sgml)).lines[0].counterparty == Party(
        name="CAFÉ", account="999", bank="026009593"
    )


def test_missing_transaction_amount_is_rejected_at_the_transaction() -> None:
    body = trn("<TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>20230101</DTPOSTED><FITID>X</FITID>")
    data = xml_file(body)
    line = data.decode().splitlines().index("<STMTTRN>") + 1
    with pytest.raises(StatementParseError, match=rf"line {line}: STMTTRN has no TRNAMT"):
        parse_bytes(data)


def test_error_status_without_statement_is_reported() -> None:
    data = (
        XML_HEADER + "<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>1</TRNUID><STATUS><CODE>2000</CODE>"
        "<SEVERITY>ERROR</SEVERITY><MESSAGE>General error</MESSAGE></STATUS></STMTTRNRS>"
        "</BANKMSGSRSV1></OFX>"
    ).encode()
    with pytest.raises(StatementParseError, match=r"status code 2000: General error"):
        parse_bytes(data)


def test_file_without_statements_is_rejected() -> None:
    with pytest.raises(StatementParseError, match="no bank or credit card statement"):
        parse_bytes((XML_HEADER + "<OFX><SIGNONMSGSRSV1/></OFX>").encode())


def test_corrections_are_rejected_rather_than_double_counted() -> None:
    body = trn(
        "<TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>20230101</DTPOSTED><TRNAMT>-1</TRNAMT>"
        "<FITID>C1</FITID><CORRECTFITID>F1</CORRECTFITID><CORRECTACTION>DELETE</CORRECTACTION>"
    )
    with pytest.raises(StatementParseError, match="corrections"):
        parse_bytes(xml_file(body))


def test_iban_account_id_is_recognised() -> None:
    data = xml_file(BASIC).replace(
        b"<ACCTID>42</ACCTID>", b"<ACCTID>DE89370400440532013000</ACCTID>"
    )
    assert only(parse_bytes(data)).account.iban == "DE89370400440532013000"


def test_sniff_claims_ofx_only() -> None:
    assert PARSER.sniff(SGML_HEADER.encode())
    assert PARSER.sniff(XML_HEADER.encode())
    assert PARSER.sniff(b"<OFX>\n<SIGNONMSGSRSV1>")
    assert not PARSER.sniff(b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022">')
    assert not PARSER.sniff(b"01,SENDER,RECEIVER,230907,0100,F1,,,2/")


def test_lines_of_one_file_share_equal_dates_parties_amounts_and_codes() -> None:
    payment = trn(
        "<TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>20230115</DTPOSTED><DTAVAIL>20230116</DTAVAIL>"
        "<TRNAMT>-12.34</TRNAMT><NAME>ACME</NAME>"
        "<BANKACCTTO><BANKID>026009593</BANKID><ACCTID>999</ACCTID></BANKACCTTO>"
    )
    first, *others = only(parse_bytes(xml_file(payment * 3))).lines
    assert first.counterparty == Party(name="ACME", account="999", bank="026009593")
    assert len(others) == 2
    fields = ("amount", "booking_date", "value_date", "counterparty", "transaction_code")
    assert_shared(first, others, *fields)


# --- mutations: nothing but StatementParseError gets out -------------------------------

SEEDS = (xml_file(BASIC), to_sgml(xml_file(BASIC)))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(SEEDS),
    st.lists(
        st.tuples(
            st.integers(0, 2000),
            st.sampled_from(["insert", "delete", "replace"]),
            st.sampled_from([b"<", b">", b"/", b"\n", b"-", b".", b",", b"0", b"9", b"&", b"["])
            | st.binary(min_size=1, max_size=1),
        ),
        min_size=1,
        max_size=6,
    ),
)
def test_mutated_file_parses_or_raises_statement_parse_error(
    seed: bytes, edits: list[tuple[int, str, bytes]]
) -> None:
    data = seed
    for position, kind, byte in edits:
        at = min(position, len(data))
        if kind == "insert":
            data = data[:at] + byte + data[at:]
        elif kind == "delete":
            data = data[:at] + data[at + 1 :]
        else:
            data = data[:at] + byte + data[at + 1 :]
    try:
        parsed = parse_bytes(data)
    except StatementParseError:
        return
    assert parsed.format == "ofx"


@pytest.mark.parametrize("name", GOOD_SAMPLES)
def test_read_statement_file_detects_ofx_by_content(name: str) -> None:
    data = sample(f"ofx/{name}").read_bytes()
    parsed = read_statement_file(data, filename="upload.dat")
    assert parsed.format == "ofx"
    assert parsed == parse_bytes_named(data, "upload.dat")


def parse_bytes_named(data: bytes, name: str) -> ParsedFile:
    return PARSER.parse(io.BytesIO(data), filename=name)


def test_sgml_with_crlf_line_ends_reads_the_same() -> None:
    sgml = to_sgml(xml_file(BASIC))
    assert parse_bytes(sgml.replace(b"\n", b"\r\n")) == parse_bytes(sgml)


def test_two_statements_of_one_account_and_period_get_distinct_ids() -> None:
    body = xml_file(BASIC).decode()
    start, end = body.index("<STMTTRNRS>"), body.index("</STMTTRNRS>") + len("</STMTTRNRS>")
    twice = body[:end] + body[start:end] + body[end:]
    first, second = parse_bytes(twice.encode()).statements
    assert first.id == "42/20230101-20230131"
    assert second.id != first.id
    assert second.id.startswith("42/20230101-20230131#")
