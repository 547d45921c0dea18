"""camt.052/053/054: the shared samples, every version namespace, batches, refs and errors."""

from __future__ import annotations

import ast
import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.ingest.parsers import read_statement_file
from accord.ingest.parsers.camt import PARSER
from accord.ingest.parsers.errors import StatementParseError, UnbalancedStatement
from accord.ingest.parsers.model import BankLine, LineStatus, ParsedFile, Party
from accord.kit.money import Money
from tests.ingest.parsers.camt_builder import balance, document, entry, namespace, tx
from tests.ingest.parsers.sharing import assert_shared
from tests.samples import sample


def parse(data: bytes, filename: str = "test.xml") -> ParsedFile:
    return PARSER.parse(io.BytesIO(data), filename=filename)


def lines_of(data: bytes) -> list[BankLine]:
    return [line for statement in parse(data).statements for line in statement.lines]


def parse_error(data: bytes) -> str:
    with pytest.raises(StatementParseError) as caught:
        parse(data)
    return str(caught.value)


# --- the shared samples ---------------------------------------------------------------


def expected_camt_rows() -> list[dict[str, str]]:
    """The camt table of the samples' EXPECTED.md, one dict per file."""
    text = sample("EXPECTED.md").read_text(encoding="utf-8")
    section = text.split("## camt", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    header = [cell.strip() for cell in rows[0].strip("|").split("|")]
    return [
        dict(zip(header, (cell.strip() for cell in row.strip("|").split("|")), strict=True))
        for row in rows[2:]
    ]


def read_sample(name: str) -> ParsedFile:
    path = sample(f"camt/{name}")
    return read_statement_file(path.read_bytes(), filename=name, allow_unbalanced=True)


def test_every_camt_sample_parses() -> None:
    names = ["test-camt053", "test-camt053-txdtls", "test-camt053-no-ntry", "test-camt054"]
    for name in [*names, "test-camt053.zip"]:
        parsed = read_sample(name)
        assert parsed.format.startswith("camt.05")
        assert all(line.amount.minor != 0 for s in parsed.statements for line in s.lines)


def test_expected_figures_of_every_camt_sample() -> None:
    """Odoo's figures: it counts only statements with transactions and reads a missing
    balance as 0.0 (camt.054 notifications carry no balances)."""
    rows = expected_camt_rows()
    assert {row["file"] for row in rows} >= {"test-camt053", "test-camt054"}
    for row in rows:
        parsed = read_sample(row["file"])
        with_lines = [s for s in parsed.statements if s.lines]
        assert len(with_lines) == int(row["statements"]), row
        lines = [line for s in parsed.statements for line in s.lines]
        assert len(lines) == int(row["transactions"]), row
        total = sum((line.amount.decimal for line in lines), Decimal(0))
        assert total == Decimal(row["sum of amounts"]), row
        for statement in with_lines:
            for field, column in (
                (statement.opening_booked, "balance_start"),
                (statement.closing_booked, "balance_end_real"),
            ):
                figure = field.amount.decimal if field else Decimal(0)
                assert figure == Decimal(row[column]), (row, column)


def test_statement_without_entries_keeps_its_balances() -> None:
    (statement,) = read_sample("test-camt053-no-ntry").statements
    assert statement.lines == ()
    assert statement.account.currency == "CHF"  # no Acct/Ccy: taken from the balances
    assert statement.opening_booked is not None
    assert statement.closing_booked is not None
    assert statement.opening_booked.amount == statement.closing_booked.amount


def golden(name: str) -> list[dict[str, Any]]:
    """The transactions of an OCA golden file (a Python literal)."""
    data = ast.literal_eval(sample(f"camt/golden-{name}.pydata").read_text(encoding="utf-8"))
    return [t for statement in data[2] for t in statement["transactions"]]


@pytest.mark.parametrize("name", ["camt053", "camt053-txdtls", "camt054"])
def test_lines_agree_with_the_golden_parse(name: str) -> None:
    expected = golden(name)
    lines = [line for s in read_sample(f"test-{name}").statements for line in s.lines]
    assert len(lines) == len(expected)
    for line, want in zip(lines, expected, strict=True):
        assert line.amount.decimal == Decimal(str(want["amount"]))
        assert line.booking_date == date.fromisoformat(want["date"])
        assert line.counterparty is not None
        assert line.counterparty.name == want["partner_name"]
        assert line.counterparty.account == want["account_number"]
        assert want["ref"] in (line.end_to_end_id, line.creditor_reference)
        code = line.transaction_code
        assert code is not None
        assert code.domain == want["transaction_type"].split("-")[0]


def test_camt053_sample_fields() -> None:
    (statement,) = read_sample("test-camt053").statements
    assert statement.format == "camt.053.001.02"
    assert statement.id == "1234Test/1"
    assert statement.sequence == "2"
    assert statement.account.iban == "NL77ABNA0574908765"
    assert statement.account.bank == "ABNANL2A"
    assert statement.period_start == date(2014, 1, 5)
    first, second, third, fourth = statement.lines
    assert first.mandate_id == "1880000341866"
    assert first.remittance == "Insurance policy 857239PERIOD 01.01.2014 - 31.12.2014"
    assert first.customer_ref == "INNDNL2U20141231000142300002844"
    # No AcctSvcrRef anywhere: refs derived from the statement id and position.
    assert [line.bank_ref for line in statement.lines] == [
        "1234Test/1/1",
        "1234Test/1/2.1",
        "1234Test/1/2.2",
        "1234Test/1/3",
    ]
    assert all(line.bank_ref_derived for line in statement.lines)
    assert second.reversal
    assert third.reversal
    assert not fourth.reversal
    assert second.source.path == "/Document/BkToCstmrStmt/Stmt[1]/Ntry[2]/NtryDtls/TxDtls[1]"
    assert fourth.counterparty == Party("3rd party Media", "NL69ABNA0522123643", "ABNANL2A")


def test_camt053_sample_is_unbalanced_and_says_so() -> None:
    """The OCA sample's lines (-12.99) do not explain its balances (-447.15)."""
    data = sample("camt/test-camt053").read_bytes()
    with pytest.raises(UnbalancedStatement) as caught:
        read_statement_file(data, filename="test-camt053")
    assert "15121.12 EUR" in str(caught.value)
    assert "15555.28 EUR" in str(caught.value)


def test_batch_sample_shares_one_bank_ref_made_unique() -> None:
    (statement,) = read_sample("test-camt053-txdtls").statements
    refs = [line.bank_ref for line in statement.lines]
    assert refs == ["123456CHCAFEBABE", "123456CHCAFEBABE#2"]
    assert not any(line.bank_ref_derived for line in statement.lines)
    assert [line.creditor_reference for line in statement.lines] == [
        "302388292000011111111111111",
        "302388292000022222222222222",
    ]
    assert statement.lines[0].counterparty == Party(
        "Banque Cantonale Vaudoise", "CH2222000000123456789", "POFICHBEXXX"
    )


def test_zip_sample_reads_every_member() -> None:
    parsed = read_sample("test-camt053.zip")
    assert parsed.format == "camt.053.001.02"
    assert [s.id for s in parsed.statements] == ["1234Test/2", "1234Test/3"]
    assert parsed.statements[0].lines[0].source.file == "test-camt053.zip!test-camt053_02.xml"


# --- versions and message types ----------------------------------------------------------

PARTY_BEFORE_2019 = "<RltdPties><Dbtr><Nm>Anna Muster</Nm></Dbtr></RltdPties>"
PARTY_SINCE_2019 = "<RltdPties><Dbtr><Pty><Nm>Anna Muster</Nm></Pty></Dbtr></RltdPties>"


@pytest.mark.parametrize(
    ("version", "status", "party", "bic"),
    [
        ("02", "<Sts>BOOK</Sts>", PARTY_BEFORE_2019, "BIC"),
        ("04", "<Sts>BOOK</Sts>", PARTY_BEFORE_2019, "BICFI"),
        ("08", "<Sts><Cd>BOOK</Cd></Sts>", PARTY_SINCE_2019, "BICFI"),
        ("13", "<Sts><Cd>BOOK</Cd></Sts>", PARTY_SINCE_2019, "BICFI"),
    ],
)
def test_each_version_namespace_is_read(version: str, status: str, party: str, bic: str) -> None:
    agents = f"<RltdAgts><DbtrAgt><FinInstnId><{bic}>BANKDEFF</{bic}></FinInstnId></DbtrAgt>"
    details = tx(inner=f"<Refs><EndToEndId>E2E-1</EndToEndId></Refs>{party}{agents}</RltdAgts>")
    data = document(entry("25.50", status=status, ref="R1", details=details), version=version)
    parsed = parse(data)
    assert parsed.format == f"camt.053.001.{version}"
    (line,) = parsed.statements[0].lines
    assert line.amount == Money(2550, "EUR")
    assert line.status is LineStatus.BOOKED
    assert line.counterparty == Party("Anna Muster", None, "BANKDEFF")
    assert line.end_to_end_id == "E2E-1"


def test_camt052_report_keeps_intraday_balances() -> None:
    balances = balance("OPBD", "100.00") + balance("ITBD", "110.00") + balance("ITAV", "90.00")
    parsed = parse(document(entry(), kind="052", version="08", balances=balances))
    (statement,) = parsed.statements
    assert statement.format == "camt.052.001.08"
    assert statement.source.path == "/Document/BkToCstmrAcctRpt/Rpt[1]"
    assert statement.closing_booked is None  # intraday: nothing to check
    assert statement.closing_available is not None
    assert statement.closing_available.amount == Money(9000, "EUR")
    assert statement.extra["balance.ITBD"] == "110.00 EUR on 2024-03-15"


def test_camt054_notification_without_balances() -> None:
    parsed = parse(document(entry("5.00", ref="N1"), kind="054", version="04"))
    (statement,) = parsed.statements
    assert statement.format == "camt.054.001.04"
    assert statement.opening_booked is None
    assert statement.closing_booked is None
    assert statement.lines[0].bank_ref == "N1"


def test_document_without_namespace_is_read_by_its_message() -> None:
    data = document(entry(), version="08").replace(
        f' xmlns="{namespace("053", "08")}"'.encode(), b""
    )
    assert PARSER.sniff(data)
    assert parse(data).format == "camt.053"


def test_sniff_claims_camt_only() -> None:
    assert PARSER.sniff(document(entry(), kind="054", version="02"))
    assert not PARSER.sniff(b"<OFX><BANKMSGSRSV1></BANKMSGSRSV1></OFX>")
    assert not PARSER.sniff(b":20:STARTUMS\r\n:25:12345678/0001\r\n")
    assert not PARSER.sniff(b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09">')


def test_other_iso20022_message_is_refused() -> None:
    data = b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"><GrpHdr/></Document>'
    assert "not a camt.052/053/054 document" in parse_error(data)


def test_several_statements_are_numbered() -> None:
    parsed = parse(document(entry(), statements=3))
    assert [s.source.statement_index for s in parsed.statements] == [0, 1, 2]
    third = parsed.statements[2].lines[0]
    assert third.source.path == "/Document/BkToCstmrStmt/Stmt[3]/Ntry[1]"


# --- statement header ------------------------------------------------------------------


def test_balances_are_signed_and_opening_falls_back_to_previous_closing() -> None:
    balances = balance("PRCD", "50.00", "DBIT") + balance("CLBD", "40.00", "DBIT")
    (statement,) = parse(document(entry("10.00", "CRDT"), balances=balances)).statements
    assert statement.opening_booked is not None
    assert statement.closing_booked is not None
    assert statement.opening_booked.amount == Money(-5000, "EUR")
    assert statement.closing_booked.amount == Money(-4000, "EUR")
    assert statement.sequence == "7"
    assert statement.extra["message_id"] == "M1"


def test_currency_comes_from_balances_then_entries() -> None:
    no_currency = "<Id><Othr><Id>12345678</Id></Othr></Id>"
    (statement,) = parse(document(entry(currency="CHF"), account=no_currency)).statements
    assert statement.account.currency == "CHF"
    assert statement.account.number == "12345678"
    assert statement.lines[0].account == "12345678"


def test_entry_in_another_currency_than_the_account_is_an_error() -> None:
    message = parse_error(document(entry(currency="USD")))
    assert "Stmt[1]/Ntry[1]/Amt" in message
    assert "amount in USD, but the account currency is EUR" in message


# --- lines ---------------------------------------------------------------------------------


def test_debit_is_negative_and_its_counterparty_is_the_creditor() -> None:
    parties = (
        "<RltdPties><Dbtr><Nm>Us GmbH</Nm></Dbtr><Cdtr><Nm>Supplier AG</Nm></Cdtr>"
        "<CdtrAcct><Id><IBAN>FR7630006000011234567890189</IBAN></Id></CdtrAcct></RltdPties>"
    )
    (line,) = lines_of(document(entry("99.99", "DBIT", details=tx(inner=parties))))
    assert line.amount == Money(-9999, "EUR")
    assert line.counterparty == Party("Supplier AG", "FR7630006000011234567890189", None)


def test_reversal_of_a_credit_keeps_the_debtor_as_counterparty() -> None:
    parties = "<RltdPties><Dbtr><Nm>Payer</Nm></Dbtr><Cdtr><Nm>Us GmbH</Nm></Cdtr></RltdPties>"
    data = document(
        entry("20.00", "DBIT", extra="<RvslInd>true</RvslInd>", details=tx(inner=parties))
    )
    (line,) = lines_of(data)
    assert line.reversal
    assert line.amount == Money(-2000, "EUR")
    assert line.counterparty is not None
    assert line.counterparty.name == "Payer"


def test_ultimate_party_name_is_only_a_fallback() -> None:
    parties = (
        "<RltdPties><Dbtr><Pty><Id><OrgId><AnyBIC>X</AnyBIC></OrgId></Id></Pty></Dbtr>"
        "<DbtrAcct><Id><IBAN>DE02120300000000202051</IBAN></Id></DbtrAcct>"
        "<UltmtDbtr><Pty><Nm>Real Customer</Nm></Pty></UltmtDbtr></RltdPties>"
    )
    (line,) = lines_of(document(entry(details=tx(inner=parties))))
    assert line.counterparty == Party("Real Customer", "DE02120300000000202051", None)


def test_a_debits_creditor_brings_its_bank_and_an_ultimate_creditor_stands_in() -> None:
    agent = (
        "<RltdAgts><CdtrAgt><FinInstnId><ClrSysMmbId><MmbId>12345678</MmbId></ClrSysMmbId>"
        "</FinInstnId></CdtrAgt></RltdAgts>"
    )
    named = "<RltdPties><Cdtr><Nm>Supplier AG</Nm></Cdtr></RltdPties>" + agent
    ultimate = "<RltdPties><UltmtCdtr><Nm>Shop Ltd</Nm></UltmtCdtr></RltdPties>"
    (paid,) = lines_of(document(entry("5.00", "DBIT", details=tx(inner=named))))
    (paid_on,) = lines_of(document(entry("5.00", "DBIT", details=tx(inner=ultimate))))

    assert paid.counterparty == Party("Supplier AG", None, "12345678")
    assert paid_on.counterparty == Party("Shop Ltd", None, None)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("<Sts>PDNG</Sts>", LineStatus.PENDING),
        ("<Sts><Cd>PDNG</Cd></Sts>", LineStatus.PENDING),
        ("<Sts>INFO</Sts>", LineStatus.PENDING),
        ("<Sts>BOOK</Sts>", LineStatus.BOOKED),
    ],
)
def test_status_forms(status: str, expected: LineStatus) -> None:
    (line,) = lines_of(document(entry(status=status)))
    assert line.status is expected


def test_pending_lines_do_not_count_towards_the_balance() -> None:
    balances = balance("OPBD", "100.00") + balance("CLBD", "110.00")
    entries = entry("10.00") + entry("500.00", status="<Sts>PDNG</Sts>", booking="")
    parsed = read_statement_file(document(entries, balances=balances), filename="x.xml")
    pending = parsed.statements[0].lines[1]
    assert pending.status is LineStatus.PENDING
    assert pending.booking_date is None


def test_foreign_exchange_details() -> None:
    amounts = (
        '<AmtDtls><InstdAmt><Amt Ccy="USD">108.25</Amt>'
        "<CcyXchg><SrcCcy>USD</SrcCcy><TrgtCcy>EUR</TrgtCcy><XchgRate>1.0825</XchgRate>"
        '</CcyXchg></InstdAmt><TxAmt><Amt Ccy="EUR">100.00</Amt></TxAmt></AmtDtls>'
    )
    (line,) = lines_of(document(entry("100.00", details=tx(inner=amounts))))
    assert line.amount == Money(10000, "EUR")
    assert line.instructed_amount == Money(10825, "USD")
    assert line.exchange_rate == Decimal("1.0825")


@pytest.mark.parametrize(
    ("charges", "expected"),
    [
        ('<Chrgs><Amt Ccy="EUR">1.50</Amt></Chrgs><Chrgs><Amt Ccy="EUR">0.25</Amt></Chrgs>', 175),
        (
            '<Chrgs><TtlChrgsAndTaxAmt Ccy="EUR">2.00</TtlChrgsAndTaxAmt>'
            '<Rcrd><Amt Ccy="EUR">1.60</Amt></Rcrd></Chrgs>',
            200,
        ),
    ],
)
def test_charges_old_and_new_form(charges: str, expected: int) -> None:
    (line,) = lines_of(document(entry(details=tx(inner=charges))))
    assert line.charges == Money(expected, "EUR")


def test_remittance_references_and_info() -> None:
    inner = (
        "<Refs><AcctSvcrRef>TX-9</AcctSvcrRef><EndToEndId>NOTPROVIDED</EndToEndId>"
        "<MndtId>M-77</MndtId><InstrId>I-1</InstrId></Refs>"
        "<RmtInf><Ustrd>Invoice 2024-001</Ustrd><Ustrd>and 2024-002</Ustrd>"
        "<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp>"
        "<Ref>RF18539007547034</Ref></CdtrRefInf></Strd></RmtInf>"
        "<AddtlTxInf>tx info</AddtlTxInf>"
    )
    extra = "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly>"
    extra += "</Domn><Prtry><Cd>166</Cd><Issr>DK</Issr></Prtry></BkTxCd>"
    data = document(entry(ref="NTRY-1", extra=extra, details=tx(inner=inner)))
    (line,) = lines_of(data.replace(b"</Ntry>", b"<AddtlNtryInf>entry info</AddtlNtryInf></Ntry>"))
    assert line.bank_ref == "TX-9"  # the transaction's ref wins over the entry's
    assert line.end_to_end_id is None  # SEPA's placeholder is no id
    assert line.mandate_id == "M-77"
    assert line.customer_ref == "I-1"
    assert line.remittance == "Invoice 2024-001 and 2024-002"
    assert line.creditor_reference == "RF18539007547034"
    assert line.additional_info == "tx info entry info"
    assert line.transaction_code is not None
    assert line.transaction_code.sub_family == "ESCT"
    assert line.transaction_code.proprietary == "166"
    assert line.transaction_code.issuer == "DK"


def test_date_time_gives_its_date() -> None:
    booking = "<BookgDt><DtTm>2024-03-15T23:30:00+01:00</DtTm></BookgDt>"
    (line,) = lines_of(document(entry(booking=booking)))
    assert line.booking_date == date(2024, 3, 15)
    assert line.value_date == date(2024, 3, 16)


def test_source_location_names_line_and_path() -> None:
    data = document(entry() + entry("2.00"))
    second = lines_of(data)[1]
    assert second.source.entry_index == 1
    assert second.source.path == "/Document/BkToCstmrStmt/Stmt[1]/Ntry[2]"
    assert second.source.line == 2  # the builder writes the body on line 2


# --- bank references ------------------------------------------------------------------


def test_derived_refs_are_positional_and_flagged() -> None:
    lines = lines_of(document(entry() + entry("3.00") + entry("4.00", ref="BANK-3")))
    assert [(line.bank_ref, line.bank_ref_derived) for line in lines] == [
        ("S1/1", True),
        ("S1/2", True),
        ("BANK-3", False),
    ]


def test_repeated_bank_refs_get_a_suffix_in_file_order() -> None:
    entries = entry(ref="DUP") + entry("2.00", ref="DUP") + entry("3.00", ref="DUP")
    lines = lines_of(document(entries))
    assert [line.bank_ref for line in lines] == ["DUP", "DUP#2", "DUP#3"]


def test_a_ref_that_looks_like_a_suffix_stays_unique() -> None:
    entries = entry(ref="A") + entry("2.00", ref="A#2") + entry("3.00", ref="A")
    lines = lines_of(document(entries))
    assert [line.bank_ref for line in lines] == ["A", "A#2", "A#3"]


def test_refs_are_unique_per_statement_not_per_file() -> None:
    parsed = parse(document(entry(ref="R"), statements=2))
    assert [s.lines[0].bank_ref for s in parsed.statements] == ["R", "R"]


# --- batches ----------------------------------------------------------------------------


def test_batch_entry_splits_into_one_line_per_tx() -> None:
    details = "<Btch><NbOfTxs>3</NbOfTxs></Btch>" + "".join(
        tx(amount, inner=f"<Refs><EndToEndId>E{n}</EndToEndId></Refs>")
        for n, amount in enumerate(("10.00", "20.00", "30.00"), start=1)
    )
    lines = lines_of(document(entry("60.00", "DBIT", details=details)))
    assert [line.amount.minor for line in lines] == [-1000, -2000, -3000]
    assert [line.bank_ref for line in lines] == ["S1/1.1", "S1/1.2", "S1/1.3"]
    assert [line.end_to_end_id for line in lines] == ["E1", "E2", "E3"]
    assert lines[2].source.path == "/Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/NtryDtls/TxDtls[3]"
    assert {line.source.entry_index for line in lines} == {0}


def test_batch_tx_sign_comes_from_its_own_indicator() -> None:
    details = tx("100.00", "CRDT") + tx("2.50", "DBIT")
    lines = lines_of(document(entry("97.50", "CRDT", details=details)))
    assert [line.amount.minor for line in lines] == [10000, -250]


def test_batch_tx_amount_from_amount_details() -> None:
    details = "".join(
        tx(inner=f'<AmtDtls><TxAmt><Amt Ccy="EUR">{a}</Amt></TxAmt></AmtDtls>')
        for a in ("1.00", "2.00")
    )
    lines = lines_of(document(entry("3.00", details=details)))
    assert [line.amount.minor for line in lines] == [100, 200]


def test_batch_whose_totals_do_not_add_up_is_an_error() -> None:
    details = tx("10.00") + tx("20.00")
    message = parse_error(document(entry("31.00", details=details)))
    assert "/Document/BkToCstmrStmt/Stmt[1]/Ntry[1]" in message
    assert "31.00 EUR" in message
    assert "30.00 EUR" in message


def test_batch_without_tx_amounts_stays_one_line() -> None:
    details = tx(inner="<Refs><EndToEndId>A</EndToEndId></Refs>") + tx()
    (line,) = lines_of(document(entry("7.00", ref="B", details=details)))
    assert line.amount == Money(700, "EUR")
    assert line.bank_ref == "B"
    assert line.end_to_end_id is None  # which of the two would it be?


def test_batch_with_some_tx_amounts_missing_is_an_error() -> None:
    message = parse_error(document(entry("7.00", details=tx("7.00") + tx())))
    assert "NtryDtls/TxDtls[2]/Amt" in message


def test_single_tx_entry_uses_the_entry_amount() -> None:
    (line,) = lines_of(document(entry("9.00", details=tx("10.00"))))
    assert line.amount == Money(900, "EUR")


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        (entry().replace('<Amt Ccy="EUR">10.00</Amt>', ""), "Ntry[1]/Amt (line 2): missing Amt"),
        (entry("12,50"), "bad amount '12,50'"),
        (entry("-5.00"), "bad amount '-5.00'"),
        (entry("1.001"), "more decimals than EUR allows"),
        (entry(currency="XYZ"), "unknown currency 'XYZ'"),
        (entry(booking="<BookgDt><Dt>2024-13-01</Dt></BookgDt>"), "BookgDt/Dt (line 2): bad"),
        (entry(booking="<BookgDt><Dt>2024-3-1</Dt></BookgDt>"), "bad date '2024-3-1'"),
        (entry(booking="<BookgDt><DtTm>2024-03-01T25:00</DtTm></BookgDt>"), "bad date and time"),
        (entry(indicator=""), "CdtDbtInd (line 2): missing: expected CdtDbtInd CRDT or DBIT"),
        (entry(status=""), "Sts (line 2): missing: expected BOOK, PDNG, INFO or FUTR"),
        (entry(status="<Sts>DONE</Sts>"), "unknown status 'DONE'"),
        (entry(extra="<RvslInd>maybe</RvslInd>"), "bad boolean 'maybe'"),
    ],
)
def test_bad_entry_fields_are_named(broken: str, expected: str) -> None:
    message = parse_error(document(broken))
    assert "test.xml: /Document/BkToCstmrStmt/Stmt[1]/Ntry[1]" in message
    assert expected in message


def test_missing_statement_id_is_an_error() -> None:
    data = document(entry()).replace(b"<Id>S1</Id>", b"")
    assert "Stmt[1]/Id (line 2): missing Id" in parse_error(data)


def test_bad_balance_is_named() -> None:
    data = document(entry(), balances=balance("OPBD", "1.0.0"))
    assert "Stmt[1]/Bal[1]/Amt" in parse_error(data)


def test_truncated_xml_reports_the_line() -> None:
    data = document(entry() + "\n" + entry() + "\n" + entry())
    cut = data[: data.rindex(b"<Ntry>") + 20]
    message = parse_error(cut)
    assert re.search(r"test\.xml: line 4: malformed XML", message), message


# --- robustness -----------------------------------------------------------------------

VALID = document(
    entry("10.00", ref="A", details=tx("4.00") + tx("6.00"))
    + entry("2.50", "DBIT", status="<Sts><Cd>PDNG</Cd></Sts>"),
    balances=balance("OPBD", "100.00") + balance("CLBD", "110.00"),
)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(VALID)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "truncate", "insert", "delete"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "truncate":
            del data[at:]
        elif kind == "insert":
            data[at:at] = draw(st.sampled_from([b"<", b"&", b"]]>", b"\x00", b"<Ntry>", b"9"]))
        elif data:
            del data[at : at + draw(st.integers(1, 20))]
    return bytes(data)


def parse_or_error(data: bytes) -> ParsedFile | StatementParseError:
    try:
        return parse(data)
    except StatementParseError as error:
        return error


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_files_parse_or_raise_a_parse_error(data: bytes) -> None:
    """Any other exception type escaping the parser fails this test."""
    outcome = parse_or_error(data)
    if isinstance(outcome, StatementParseError):
        assert outcome.file == "test.xml"
    else:
        assert all(s.id for s in outcome.statements)


def test_generated_file_parses_in_full(tmp_path: Path) -> None:
    entries = "".join(entry(f"{n}.00", ref=f"R{n}") + "\n" for n in range(1, 2001))
    path = tmp_path / "big.xml"
    path.write_bytes(document(entries))
    with path.open("rb") as stream:
        parsed = PARSER.parse(stream, filename="big.xml")
    lines = parsed.statements[0].lines
    assert len(lines) == 2000
    assert sum(line.amount.minor for line in lines) == sum(range(1, 2001)) * 100


# --- equal values shared within one file ----------------------------------------------


def payment(amount: str, payer: str, indicator: str = "CRDT") -> str:
    parties = (
        f"<RltdPties><Dbtr><Pty><Nm>{payer}</Nm></Pty></Dbtr>"
        "<DbtrAcct><Id><IBAN>DE59370401440000000015</IBAN></Id></DbtrAcct></RltdPties>"
    )
    info = "<AddtlNtryInf>SEPA Gutschrift</AddtlNtryInf>"
    return entry(amount, indicator, details=tx(inner=parties), extra=info)


def test_lines_of_one_file_share_equal_dates_parties_amounts_and_texts() -> None:
    data = document(
        payment("10.00", "Anna Muster") + payment("10.00", "Anna Muster") + payment("7.00", "Bob"),
        statements=2,
    )
    first, second, other, *later = lines_of(data)
    assert first.booking_date == date(2024, 3, 15)
    fields = ("booking_date", "value_date", "counterparty", "amount", "additional_info")
    assert_shared(first, [second], *fields)
    assert other.counterparty == Party("Bob", "DE59370401440000000015")
    assert other.counterparty is not None
    assert first.counterparty is not None
    assert other.counterparty.account is first.counterparty.account
    assert other.amount.currency is first.amount.currency
    # The second statement's lines share the first statement's values too.
    for later_line, earlier in zip(later, (first, second, other), strict=True):
        assert later_line.counterparty is earlier.counterparty
        assert later_line.amount is earlier.amount
        assert later_line.booking_date is first.booking_date


def test_debits_of_one_amount_share_one_money() -> None:
    lines = lines_of(document(entry("5.00", "DBIT") + entry("5.00", "DBIT")))
    assert lines[0].amount == Money(-500, "EUR")
    assert lines[1].amount is lines[0].amount


def test_values_are_not_shared_across_files() -> None:
    data = document(payment("10.00", "Anna Muster"))
    [once], [again] = lines_of(data), lines_of(data)
    assert once == again
    assert once.counterparty is not again.counterparty
    assert once.booking_date is not again.booking_date
