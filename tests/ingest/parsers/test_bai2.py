"""BAI2: the moov-io samples against their own trailers, and the record rules one by one.

Every 49/98/99 trailer states a control total and record counts; EXPECTED.md lists them.
The parser checks each, so a sample that parses has reproduced them all; the tests also
recompute the account totals from the parsed statements, independently of the parser.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.ingest.parsers import read_statement_file
from accord.ingest.parsers.bai2 import PARSER, Bai2Parser
from accord.ingest.parsers.errors import StatementParseError
from accord.ingest.parsers.model import ParsedFile, Party, Statement
from accord.kit.money import Money
from tests.ingest.parsers.sharing import assert_shared
from tests.samples import sample

LENIENT = Bai2Parser(verify_totals=False)


def parse_sample(name: str, parser: Bai2Parser = PARSER) -> ParsedFile:
    path = sample(f"bai2/{name}")
    with path.open("rb") as stream:
        return parser.parse(stream, filename=name)


def parse_text(text: str, parser: Bai2Parser = PARSER) -> ParsedFile:
    return parser.parse(io.BytesIO(text.encode()), filename="test.bai")


def summary_total(statement: Statement) -> int:
    """The sum of the 03 summary amounts the parser kept in extra["summary"]."""
    return sum(
        int(amount)
        for _, amount in re.findall(r"(\d{3})=([+-]?\d*)", statement.extra["summary"])
        if amount
    )


def recomputed_control_total(statement: Statement) -> int:
    """49 control total: summary amounts plus the (unsigned) detail amounts."""
    return summary_total(statement) + sum(abs(line.amount.minor) for line in statement.lines)


def trailers(parsed: ParsedFile, level: str) -> list[tuple[str, ...]]:
    """The stated figures of each 49 ("account"), 98 ("group") or 99 ("file") trailer, in
    file order: every statement carries those of its account, group and file."""
    keys = {
        "account": ("control_total", "records"),
        "group": ("control_total", "accounts", "records"),
        "file": ("control_total", "groups", "records"),
    }[level]
    figures: dict[str, tuple[str, ...]] = {}
    for statement in parsed.statements:
        owner = {"account": statement.id, "group": statement.extra["group"]}.get(level, "")
        figures.setdefault(owner, tuple(statement.extra[f"{level}_{k}"] for k in keys))
    return list(figures.values())


def counted_records(name: str) -> dict[str, list[int]]:
    """Physical records each 49 / 98 / 99 closes, counted from the raw file lines."""
    codes = [line[:2] for line in sample(f"bai2/{name}").read_text().splitlines() if line]
    opener = {"49": "03", "98": "02", "99": "01"}
    counts: dict[str, list[int]] = {"49": [], "98": [], "99": []}
    for end, code in enumerate(codes):
        if code in opener:
            start = max(i for i in range(end) if codes[i] == opener[code])
            counts[code].append(end - start + 1)
    return counts


# --- the samples -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "details"),
    [("moov-sample1.txt", 17), ("moov-sample2.txt", 4)],
)
def test_sample_parses_with_its_type_16_count(name: str, details: int) -> None:
    parsed = parse_sample(name)
    assert sum(len(s.lines) for s in parsed.statements) == details
    text = sample(f"bai2/{name}").read_text()
    assert details == sum(1 for line in text.splitlines() if line.startswith("16,"))


def test_sample1_reproduces_every_trailer() -> None:
    parsed = parse_sample("moov-sample1.txt")
    accounts = trailers(parsed, "account")
    assert accounts == [("834000", "14"), ("446000", "9")]
    assert [recomputed_control_total(s) for s in parsed.statements] == [834000, 446000]
    assert counted_records("moov-sample1.txt") == {"49": [14, 9], "98": [25], "99": [27]}
    assert trailers(parsed, "group") == [("1280000", "2", "25")]
    assert trailers(parsed, "file") == [("1280000", "1", "27")]


def test_sample2_reproduces_every_trailer() -> None:
    parsed = parse_sample("moov-sample2.txt")
    assert trailers(parsed, "account") == [
        ("9150000", "4"),
        ("4000000", "5"),
        ("180000000", "6"),
        ("140500000", "3"),
        ("11800000", "3"),
    ]
    assert [recomputed_control_total(s) for s in parsed.statements] == [
        9150000,
        4000000,
        180000000,
        140500000,
        11800000,
    ]
    assert counted_records("moov-sample2.txt") == {
        "49": [4, 5, 6, 3, 3],
        "98": [11, 8, 5, 5],
        "99": [31],
    }
    assert trailers(parsed, "group") == [
        ("13150000", "2", "11"),
        ("180000000", "1", "8"),
        ("140500000", "1", "5"),
        ("11800000", "1", "5"),
    ]
    assert trailers(parsed, "file") == [("345450000", "4", "31")]


def test_sample1_lines_are_signed_by_type_code_in_cad_cents() -> None:
    first = parse_sample("moov-sample1.txt").statements[0]
    assert first.account.number == "10200123456"
    assert first.account.currency == "CAD"
    assert [line.transaction_code.proprietary for line in first.lines[:4]] == [  # type: ignore[union-attr]
        "409",
        "409",
        "409",
        "108",
    ]
    assert [line.amount for line in first.lines[:4]] == [
        Money(-2500, "CAD"),
        Money(-90000, "CAD"),
        Money(-500, "CAD"),
        Money(203500, "CAD"),
    ]
    assert first.lines[0].remittance == "RETURNED CHEQUE"
    assert first.lines[0].booking_date == date(2006, 3, 17)
    assert first.lines[0].value_date == date(2006, 3, 16)


def test_same_account_twice_in_a_group_gets_two_statement_ids() -> None:
    ids = [s.id for s in parse_sample("moov-sample1.txt").statements]
    assert ids == ["0004/001/1/10200123456", "0004/001/1/10200123456#2"]


def test_sample1_lines_without_bank_reference_get_derived_refs() -> None:
    lines = parse_sample("moov-sample1.txt").statements[1].lines
    assert [line.bank_ref for line in lines[:2]] == [
        "0004/001/1/10200123456#2/1",
        "0004/001/1/10200123456#2/2",
    ]
    assert all(line.bank_ref_derived for line in lines)


def test_sample2_continuation_splits_a_summary_between_type_code_and_amount() -> None:
    second = parse_sample("moov-sample2.txt").statements[1]
    # "...,190/" then "88,500000,,,110,..." and "88,-1500000,,/" for the trailing 040.
    assert second.extra["summary"] == (
        "010=-500000 100=1000000 400=2000000 190=500000 110=1000000 072=500000 "
        "074=500000 040=-1500000"
    )
    assert second.opening_booked is not None
    assert second.opening_booked.amount == Money(-500000, "USD")
    assert second.opening_available is not None
    assert second.opening_available.amount == Money(-1500000, "USD")
    assert second.closing_booked is None


def test_sample2_value_dated_detail_with_text_in_a_continuation() -> None:
    third = parse_sample("moov-sample2.txt").statements[2]
    letter = third.lines[0]
    assert letter.bank_ref == "SP4738"
    assert not letter.bank_ref_derived
    assert letter.customer_ref == "YRC065321"
    assert letter.value_date == date(2004, 6, 22)
    assert letter.booking_date == date(2004, 6, 20)
    assert letter.remittance == "PROCEEDS OF LETTER OF CREDIT FROM THE ARAMCO OIL CO"
    assert third.lines[1].remittance is None


def test_sample4_trailers_contradict_its_records_and_the_file_is_rejected() -> None:
    with pytest.raises(StatementParseError) as caught:
        parse_sample("moov-sample4-continuations-newline-delimited.txt")
    error = caught.value
    assert error.where == "line 22"
    # The 49 states -1260161341762; its 03 (6865898 + 1912) and 16 records give 7999960.
    assert "-1260161341762" in error.problem
    assert "7999960" in error.problem


def test_sample4_reads_with_allow_unbalanced_as_an_unbalanced_statement_would() -> None:
    data = sample("bai2/moov-sample4-continuations-newline-delimited.txt").read_bytes()
    with pytest.raises(StatementParseError, match="line 22"):
        read_statement_file(data, filename="sample4.txt")
    parsed = read_statement_file(data, filename="sample4.txt", allow_unbalanced=True)
    assert sum(len(s.lines) for s in parsed.statements) == 17


def test_sample4_read_without_verification_keeps_its_stated_trailers() -> None:
    parsed = parse_sample("moov-sample4-continuations-newline-delimited.txt", LENIENT)
    assert sum(len(s.lines) for s in parsed.statements) == 17
    assert trailers(parsed, "account") == [
        ("13053325440", "2"),
        ("-1260161341762", "26"),
        ("6869722", "8"),
        ("0", "2"),
        ("0", "2"),
    ]
    # Only the first and the two empty accounts agree with their records.
    recomputed = [recomputed_control_total(s) for s in parsed.statements]
    assert recomputed[0] == 13053325440
    assert recomputed[1] == 7999960
    assert recomputed[3:] == [0, 0]
    counted = counted_records("moov-sample4-continuations-newline-delimited.txt")
    assert counted == {"49": [2, 18, 88, 2, 2], "98": [114], "99": [116]}
    assert trailers(parsed, "group") == [("13060195162", "4", "16")]
    assert trailers(parsed, "file") == [("13060195162", "1", "18")]


def test_sample4_goldman_tags_give_counterparty_and_end_to_end_id() -> None:
    statements = parse_sample("moov-sample4-continuations-newline-delimited.txt", LENIENT)
    reject = statements.statements[1].lines[1]
    assert reject.bank_ref == "SB2322600000404"
    assert reject.amount == Money(143500, "USD")
    assert reject.end_to_end_id == "GSQ4FBGFDGWGKY"
    assert reject.remittance == "ACH- Test - Addenda Record"
    assert reject.counterparty == Party(name="SAMPLE INC", account="101152046", bank="026015079")
    assert reject.additional_info is not None
    assert reject.additional_info.startswith("ACH Credit Reject,From: TEST INC, Remittance Info:")
    assert reject.additional_info.endswith("DABA: 026015079")


def test_parse_error_sample_is_rejected_at_line_1() -> None:
    with pytest.raises(StatementParseError) as caught:
        parse_sample("moov-sample-parseError.txt")
    assert caught.value.where == "line 1"
    assert "record code" in caught.value.problem


# --- building small files ------------------------------------------------------------


@dataclass
class Acct:
    """One account block; trailers are computed by `bai2_file` from what is written."""

    header: str  # the 03 record without its code, e.g. "123,USD,010,1000,,"
    details: list[str] = field(default_factory=list)  # physical records after the 03
    continuation: list[str] = field(default_factory=list)  # 88s after the 03


def bai2_file(
    accounts: list[Acct],
    *,
    group: str = "1,230906,,,2",
    control: int | None = None,
    totals: list[int] | None = None,
) -> str:
    """A complete file; `totals` gives each account's control total (the test knows it)."""
    body: list[str] = []
    account_totals = totals or [0] * len(accounts)
    for acct, total in zip(accounts, account_totals, strict=True):
        records = [f"03,{acct.header}/", *[f"88,{c}" for c in acct.continuation], *acct.details]
        body += [*records, f"49,{total},{len(records) + 1}/"]
    group_total = sum(account_totals) if control is None else control
    lines = ["01,SENDER,RECEIVER,230907,0100,F1,,,2/", f"02,RECEIVER,BANKID,{group}/", *body]
    lines.append(f"98,{group_total},{len(accounts)},{len(body) + 2}/")
    lines.append(f"99,{group_total},1,{len(lines) + 1}/")
    return "\n".join(lines) + "\n"


def one_account(
    header: str,
    details: list[str],
    total: int,
    *,
    group: str = "1,230906,,,2",
    control: int | None = None,
) -> ParsedFile:
    """A file of one account whose 49 states `total`; 98/99 state `control` if given."""
    accounts = [Acct(header, details)]
    return parse_text(bai2_file(accounts, totals=[total], group=group, control=control))


def test_funds_type_s_takes_three_availability_amounts() -> None:
    parsed = one_account("1,USD,,,,", ["16,165,1000,S,100,200,700,BANKREF,CUST,TEXT/"], 1000)
    line = parsed.statements[0].lines[0]
    assert (line.bank_ref, line.customer_ref, line.remittance) == ("BANKREF", "CUST", "TEXT")
    assert line.value_date == date(2023, 9, 6)


def test_funds_type_v_gives_the_value_date() -> None:
    parsed = one_account("1,USD,,,,", ["16,165,1000,V,230908,1200,REF,,/"], 1000)
    line = parsed.statements[0].lines[0]
    assert line.value_date == date(2023, 9, 8)
    assert line.booking_date == date(2023, 9, 6)
    assert line.bank_ref == "REF"


def test_funds_type_d_takes_its_distribution_pairs() -> None:
    parsed = one_account("1,USD,,,,", ["16,165,1000,D,2,0,400,1,600,REF,CUST/"], 1000)
    assert parsed.statements[0].lines[0].customer_ref == "CUST"


def test_funds_type_d_with_fewer_pairs_than_stated_is_rejected() -> None:
    with pytest.raises(StatementParseError, match="line 4: transaction detail ends after 6"):
        one_account("1,USD,,,,", ["16,165,1000,D,3,0,400/"], 1000)


def test_detail_fields_continue_in_88_records_and_text_keeps_commas() -> None:
    details = [
        "16,351,1500,S,1500,0,0",
        "88,I-GEN1754,/",
        "88,REPO SWEEP, PURCHASE @ 5.1%",
        "88,IMMEDIATE FUNDS: 1,731,129.20/",
    ]
    parsed = one_account("1,USD,,,,", details, 1500)
    line = parsed.statements[0].lines[0]
    assert line.bank_ref == "I-GEN1754"
    assert line.customer_ref is None
    assert line.remittance == "REPO SWEEP, PURCHASE @ 5.1% IMMEDIATE FUNDS: 1,731,129.20"
    assert line.source.line == 4


def test_text_without_slash_runs_to_the_end_of_the_record() -> None:
    parsed = one_account("1,USD,,,,", ["16,475,250,,B1,C1,Check Paid,To: X, Serial: 7"], 250)
    assert parsed.statements[0].lines[0].remittance == "Check Paid,To: X, Serial: 7"
    assert parsed.statements[0].lines[0].amount == Money(-250, "USD")


def test_ach_addenda_text_gives_counterparty_and_trace_number() -> None:
    text = (
        "ORIG CO NAME:ACME CORP ORIG ID:1234567890 DESC DATE:230906 CO ENTRY DESCR:PAYMENT "
        "SEC:CCD TRACE#:021000021234567 EED:230906 IND ID:CUST42 IND NAME:OUR COMPANY "
        "RMR*IV*INV-1001*PI*150.00\\ RMR*IV*INV-1002*PI*50.00\\"
    )
    parsed = one_account("1,USD,,,,", [f"16,165,20000,0,B1,,{text}"], 20000)
    line = parsed.statements[0].lines[0]
    assert line.counterparty == Party(name="ACME CORP")
    assert line.end_to_end_id == "021000021234567"
    assert line.remittance == "RMR*IV*INV-1001*PI*150.00 RMR*IV*INV-1002*PI*50.00"
    assert line.additional_info == text.rstrip("/")


def test_plain_text_is_the_remittance() -> None:
    parsed = one_account("1,USD,,,,", ["16,165,1,,B1,,Entry Description: EXP; x, SEC: CCD"], 1)
    line = parsed.statements[0].lines[0]
    assert line.remittance == "Entry Description: EXP; x, SEC: CCD"
    assert line.counterparty is None


def test_opening_and_closing_ledger_become_booked_balances() -> None:
    header = "1,EUR,010,100000,,,015,95000,,,040,90000,,,045,85000,,"
    parsed = one_account(header, ["16,475,5000,,B1,,/"], 100000 + 95000 + 90000 + 85000 + 5000)
    statement = parsed.statements[0]
    assert statement.opening_booked is not None
    assert statement.closing_booked is not None
    assert statement.opening_booked.amount == Money(100000, "EUR")
    assert statement.closing_booked.amount == Money(95000, "EUR")
    assert statement.closing_available is not None
    assert statement.closing_available.amount == Money(85000, "EUR")
    assert (
        statement.opening_booked.amount + statement.lines[0].amount
        == statement.closing_booked.amount
    )


@pytest.mark.parametrize(
    ("currency", "decimal"),
    [("USD", "12.34"), ("JPY", "1234"), ("KWD", "1.234")],
)
def test_amounts_are_in_the_currency_minor_units(currency: str, decimal: str) -> None:
    parsed = one_account(f"1,{currency},,,,", ["16,165,1234,,B1,,/"], 1234)
    amount = parsed.statements[0].lines[0].amount
    assert amount == Money(1234, currency)
    assert str(amount.decimal) == decimal


def test_currency_falls_back_to_the_group_then_usd() -> None:
    from_group = one_account("1,,,,,", ["16,165,1,,B1,,/"], 1, group="1,230906,,EUR,2")
    assert from_group.statements[0].account.currency == "EUR"
    default = one_account("1,,,,,", ["16,165,1,,B1,,/"], 1)
    assert default.statements[0].account.currency == "USD"


def test_unknown_currency_is_rejected_at_its_line() -> None:
    with pytest.raises(StatementParseError, match=r"line 3: .*'ABC'"):
        one_account("1,ABC,,,,", [], 0)


@pytest.mark.parametrize(("code", "sign"), [("165", 1), ("930", 1), ("475", -1), ("970", -1)])
def test_type_code_ranges_give_the_sign(code: str, sign: int) -> None:
    parsed = one_account("1,USD,,,,", [f"16,{code},700,,B1,,/"], 700)
    assert parsed.statements[0].lines[0].amount == Money(sign * 700, "USD")


@pytest.mark.parametrize("code", ["015", "701", "905"])
def test_detail_with_a_type_code_without_direction_is_rejected(code: str) -> None:
    with pytest.raises(StatementParseError, match=f"line 4: type code {code}"):
        one_account("1,USD,,,,", [f"16,{code},700,,B1,,/"], 700)


def test_bad_account_control_total_names_line_and_both_figures() -> None:
    with pytest.raises(StatementParseError) as caught:
        one_account("1,USD,010,500,,", ["16,165,1000,,B1,,/"], 1499)
    assert caught.value.where == "line 5"
    assert "1499" in caught.value.problem
    assert "1500" in caught.value.problem


def test_bad_record_count_is_rejected() -> None:
    text = bai2_file([Acct("1,USD,,,,", ["16,165,1,,B1,,/"])], totals=[1]).replace(
        "49,1,3/", "49,1,4/"
    )
    with pytest.raises(StatementParseError, match=r"line 5: .*number of records is 4.*give 3"):
        parse_text(text)


def test_bad_group_control_total_is_rejected() -> None:
    with pytest.raises(StatementParseError, match=r"group trailer control total is 7"):
        one_account("1,USD,,,,", ["16,165,1,,B1,,/"], 1, control=7)


def test_missing_trailer_is_rejected() -> None:
    text = "\n".join(bai2_file([Acct("1,USD,,,,", [])]).splitlines()[:-1])
    with pytest.raises(StatementParseError, match=r"file ends here: expected a 02 .* or 99"):
        parse_text(text)


def test_missing_account_trailer_is_reported_at_the_next_record() -> None:
    text = bai2_file([Acct("1,USD,,,,", [])]).replace("49,0,2/\n", "")
    with pytest.raises(StatementParseError, match=r"line 4: found a 98 .* expected 16 .* or 49"):
        parse_text(text)


def test_unknown_record_code_is_rejected() -> None:
    text = bai2_file([Acct("1,USD,,,,", ["17,165,1,,B1,,/"])], totals=[1])
    with pytest.raises(StatementParseError, match=r"line 4: unknown record '17,165"):
        parse_text(text)


@pytest.mark.parametrize("as_of", ["230231", "23096", "2309O6"])
def test_bad_as_of_date_is_rejected(as_of: str) -> None:
    with pytest.raises(StatementParseError, match=f"line 2: as-of date '{as_of}'"):
        one_account("1,USD,,,,", [], 0, group=f"1,{as_of},,,2")


def test_bad_value_date_is_rejected() -> None:
    with pytest.raises(StatementParseError, match="line 4: value date '231301'"):
        one_account("1,USD,,,,", ["16,165,1,V,231301,,B1,,/"], 1)


def test_signed_detail_amount_is_rejected() -> None:
    with pytest.raises(StatementParseError, match="detail amount '-5'"):
        one_account("1,USD,,,,", ["16,165,-5,,B1,,/"], -5)


def test_deletion_group_is_rejected() -> None:
    with pytest.raises(StatementParseError, match="group status '2'"):
        one_account("1,USD,,,,", [], 0, group="2,230906,,,2")


def test_records_after_the_file_trailer_are_rejected() -> None:
    text = bai2_file([Acct("1,USD,,,,", [])]) + "01,AGAIN\n"
    with pytest.raises(StatementParseError, match="line 7: a record after the file trailer"):
        parse_text(text)


def test_continuation_before_any_record_is_rejected() -> None:
    with pytest.raises(StatementParseError, match="line 1: a continuation record"):
        parse_text("88,X/\n")


def test_sniff_claims_bai2_file_headers_only() -> None:
    assert PARSER.sniff(b"01,SENDER,RECEIVER,230907,0100,F1,,,2/\n")
    assert not PARSER.sniff(b"01,2023-09-07,100.00,Invoice\n")
    assert not PARSER.sniff(b":20:STARTUMSE\n")


def test_lines_of_one_file_share_equal_dates_parties_amounts_and_codes() -> None:
    detail = "16,165,1000,V,230908,,B1,,ORIG CO NAME:ACME CORP TRACE#:0210/"
    accounts = [Acct("1,USD,,,,", [detail, detail]), Acct("2,USD,,,,", [detail])]
    parsed = parse_text(bai2_file(accounts, totals=[2000, 1000]))
    first, *others = (line for s in parsed.statements for line in s.lines)
    assert (first.amount, first.value_date) == (Money(1000, "USD"), date(2023, 9, 8))
    assert len(others) == 2
    assert_shared(first, others, "amount", "value_date", "counterparty", "transaction_code")


# --- mutations: nothing but StatementParseError gets out -------------------------------

SEED = bai2_file(
    [
        Acct(
            "1,USD,010,100,,,015,1100,,,100,1000,1,V,230905,,400,0,0,D,1,0,0",
            [
                "16,165,1000,S,500,500,0,B1,C1,ORIG CO NAME:ACME TRACE#:1 RMR*IV*9*PI*10\\",
                "88,MORE, TEXT",
            ],
        )
    ],
    totals=[3200],
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.integers(0, len(SEED)),
            st.sampled_from(["insert", "delete", "replace"]),
            st.sampled_from(list(",/\n0123456789+-VSDZ 88169849")) | st.characters(),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_mutated_file_parses_or_raises_statement_parse_error(
    edits: list[tuple[int, str, str]],
) -> None:
    text = SEED
    for position, kind, char in edits:
        at = min(position, len(text))
        if kind == "insert":
            text = text[:at] + char + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + 1 :]
        else:
            text = text[:at] + char + text[at + 1 :]
    for parser in (PARSER, LENIENT):
        try:
            parsed = parser.parse(io.BytesIO(text.encode("utf-8", "surrogatepass")), filename="m")
        except StatementParseError:
            continue
        assert parsed.format == "bai2"


def test_seed_of_the_mutation_test_parses() -> None:
    parsed = parse_text(SEED)
    line = parsed.statements[0].lines[0]
    assert line.remittance == "RMR*IV*9*PI*10"
    assert line.counterparty == Party(name="ACME")
    assert parsed.statements[0].opening_booked is not None


@pytest.mark.parametrize("name", ["moov-sample1.txt", "moov-sample2.txt"])
def test_read_statement_file_detects_bai2_by_content(name: str) -> None:
    data = sample(f"bai2/{name}").read_bytes()
    parsed = read_statement_file(data, filename="upload.dat")
    assert parsed.format == "bai2"
    assert parsed == PARSER.parse(io.BytesIO(data), filename="upload.dat")


def test_crlf_line_ends_read_the_same() -> None:
    text = sample("bai2/moov-sample2.txt").read_text()
    crlf = PARSER.parse(io.BytesIO(text.replace("\n", "\r\n").encode()), filename="x")
    lf = PARSER.parse(io.BytesIO(text.encode()), filename="x")
    assert crlf == lf
