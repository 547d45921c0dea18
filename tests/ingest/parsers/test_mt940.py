"""MT940 / MT942 against the shared samples: every file, every figure in EXPECTED.md."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest

from accord.ingest.parsers import read_statement_file
from accord.ingest.parsers.balances import balance_difference
from accord.ingest.parsers.errors import StatementParseError, UnbalancedStatement
from accord.ingest.parsers.model import BankLine, ParsedFile
from accord.ingest.parsers.mt940 import PARSER, decode_text
from accord.ingest.parsers.mt940.fields import Field, split_blocks, split_lines
from accord.ingest.parsers.mt940.values import parse_balance, parse_statement_line
from accord.kit.money import Money
from tests.ingest.parsers.mt940_samples import ExpectedRow, expected_rows, yml_transactions
from tests.samples import sample, samples_in

# Files that are not complete statements, or are wrong, and the error each must give.
# The WoLpH/mt940 tests keep single-tag fragments (no :20:, no account, often no
# currency) to test one tag parser each; they cannot become statements.
REJECTED = {
    "oca-test-wrong-file.940": ("line 1", "'9401' is not an MT940/MT942 field"),
    "betterplace-sepa_snippet_broken.sta": ("line 6", ":25: after the statement lines"),
    "self-provided-invalid_statement.sta": ("line 1", "no MT940/MT942 statement found"),
    "self-provided-empty_non_swift.sta": ("line 1", "found :NS: before :20:"),
    "betterplace-empty_line.sta": ("line 2", "has no account identification :25:"),
    "cmxl-reference.sta": ("line 1", "has no account identification :25:"),
    "betterplace-amount_formats.sta": ("line 1", "found :60F: before :20:"),
    "betterplace-currency_in_25.sta": ("line 1", "found :25: before :20:"),
    "betterplace-empty_86.sta": ("line 1", "found :86: before :20:"),
    "betterplace-empty_entry_date.sta": ("line 1", "found :61: before :20:"),
    "betterplace-missing_crlf_at_end.sta": ("line 1", "found :62F: before :20:"),
    "cmxl-account_balance_credit.sta": ("line 1", "found :60F: before :20:"),
    "cmxl-account_balance_debit.sta": ("line 1", "found :60F: before :20:"),
    "cmxl-account_identification_iban.sta": ("line 1", "found :25: before :20:"),
    "cmxl-account_identification_legacy.sta": ("line 1", "found :25: before :20:"),
    "cmxl-available_balance.sta": ("line 1", "found :64: before :20:"),
    "cmxl-closing_balance.sta": ("line 1", "found :62F: before :20:"),
    "cmxl-statement_details.sta": ("line 1", "found :61: before :20:"),
    "cmxl-statement_line.sta": ("line 1", "found :61: before :20:"),
    "cmxl-statement_number.sta": ("line 1", "found :28C: before :20:"),
}

# Statements whose opening balance + lines differ from the closing balance in the file
# itself (anonymised or cut test data): statement id -> (opening + lines) - closing.
UNBALANCED = {
    "betterplace-sepa_snippet.sta": {"T089414096000001/00004/00001": "-300.08"},
    "jejik-abnamro.sta": {
        "ABN AMRO BANK NV/19321/1": "2038.00",
        "ABN AMRO BANK NV/19322/1": "1002.60",
    },
    "jejik-ing.sta": {"MPBZ/000": "-49.06"},
    "jejik-knab.sta": {"B4G30MS9D00A003D/999/1": "-4500.00"},
    "jejik-postfinance.sta": {"2014040708285928/999/2": "-0.20"},
    "jejik-rabobank.sta": {"940A110615/00000/00": "-1135.93", "940A110617/00000/00": "-236.56"},
    "jejik-triodos.sta": {"1308728725026/1/1": "-111.40"},
    "self-provided-details_60-63.sta": {"STARTUMS/0": "-234.01"},
    "self-provided-malformed_details.sta": {"STARTUMS/0": "-234.01"},
    "self-provided-overly_long_details.sta": {"STARTUMS/0": "-234.01"},
    "self-provided-whitespace.sta": {"STARTUMS/0": "-234.01"},
}

# EXPECTED.md records the mt940 library's default parse, which keeps RC (reversal of a
# credit, money going out) positive. betterplace-sepa_mt9401.sta has two RC lines of
# 204.88; with them negative every one of its 26 statements balances (asserted below).
CORRECTED_TOTALS = {"betterplace-sepa_mt9401.sta": Decimal("-9268316.38") - 4 * Decimal("204.88")}

ALL_FILES = [p.name for p in samples_in("mt940", "*.sta") + samples_in("mt940", "*.940")]
PARSED_FILES = [name for name in ALL_FILES if name not in REJECTED]
ROWS = expected_rows()


def _parse(name: str) -> ParsedFile:
    path = sample(f"mt940/{name}")
    return PARSER.parse(io.BytesIO(path.read_bytes()), filename=name)


def _lines(parsed: ParsedFile) -> list[BankLine]:
    return [line for statement in parsed.statements for line in statement.lines]


def _fields(path: Path) -> list[Field]:
    """Every field of a file, fragment or not (a fragment is read as one statement body)."""
    text = decode_text(path.read_bytes())
    if not text.lstrip().startswith(":20:"):
        text = ":20:FRAGMENT\n" + text
    return [item for block in split_blocks(split_lines(text)) for item in block.fields]


def _money(balance: tuple[str, Decimal, str]) -> Money:
    _mark, amount, currency = balance
    return Money.of(amount, currency)


def test_every_sample_is_covered() -> None:
    if not ALL_FILES:
        pytest.skip("shared samples not found")
    assert set(REJECTED) <= set(ALL_FILES)
    assert {row.file for row in ROWS} <= set(ALL_FILES)


@pytest.mark.parametrize("name", PARSED_FILES)
def test_sample_parses_into_statements_with_lines_where_it_has_61(name: str) -> None:
    parsed = _parse(name)
    raw_61 = sample(f"mt940/{name}").read_bytes().count(b"\n:61:")
    assert parsed.statements
    assert len(_lines(parsed)) == raw_61 + sample(f"mt940/{name}").read_bytes().startswith(b":61:")


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_sample_that_is_not_a_statement_is_rejected_naming_line_and_reason(name: str) -> None:
    where, problem = REJECTED[name]
    with pytest.raises(StatementParseError) as caught:
        _parse(name)
    assert caught.value.file == name
    assert caught.value.where == where
    assert problem in caught.value.problem


def test_wrong_file_is_rejected_by_read_statement_file_too() -> None:
    data = sample("mt940/oca-test-wrong-file.940").read_bytes()
    with pytest.raises(StatementParseError, match="9401"):
        read_statement_file(data, filename="oca-test-wrong-file.940")


@pytest.mark.parametrize("row", [r for r in ROWS if r.file not in REJECTED], ids=lambda r: r.file)
def test_expected_figures_hold_for_the_parsed_statements(row: ExpectedRow) -> None:
    parsed = _parse(row.file)
    amounts = [line.amount.decimal for line in _lines(parsed)]
    assert len(amounts) == row.transactions == row.lines_61
    if amounts:
        assert sum(amounts) == CORRECTED_TOTALS.get(row.file, row.total)
        assert (amounts[0], amounts[-1]) == (row.first, row.last)
    blocks = split_blocks(split_lines(decode_text(sample(f"mt940/{row.file}").read_bytes())))
    # The library keeps one dict for the whole file, so its figures are the last :60F: and
    # the last :62F: of the file; here they belong to the statement that holds them.
    for tag, expected, attribute in (
        ("60F", row.opening, "opening_booked"),
        ("62F", row.closing, "closing_booked"),
    ):
        holders = [i for i, b in enumerate(blocks) if any(f.tag == tag for f in b.fields)]
        if expected is None:
            assert not holders
            continue
        balance = getattr(parsed.statements[holders[-1]], attribute)
        assert balance.amount == _money(expected)


@pytest.mark.parametrize("row", [r for r in ROWS if r.file in REJECTED], ids=lambda r: r.file)
def test_expected_figures_hold_field_by_field_for_fragments(row: ExpectedRow) -> None:
    fields = _fields(sample(f"mt940/{row.file}"))
    amounts = [parse_statement_line(f.lines).amount for f in fields if f.tag == "61"]
    assert len(amounts) == row.transactions == row.lines_61
    if amounts:
        assert (sum(amounts), amounts[0], amounts[-1]) == (row.total, row.first, row.last)
    for tag, expected in (("60F", row.opening), ("62F", row.closing)):
        found = [parse_balance(f.text) for f in fields if f.tag == tag]
        if expected is None:
            assert not found
        else:
            assert (found[-1].mark, found[-1].amount, found[-1].currency) == expected


@pytest.mark.parametrize("name", PARSED_FILES)
def test_balances_add_up_except_in_the_samples_that_do_not(name: str) -> None:
    parsed = _parse(name)
    differences = {
        s.id: str(d.decimal) for s in parsed.statements if (d := balance_difference(s)) and d.minor
    }
    assert differences == UNBALANCED.get(name, {})
    if differences:
        with pytest.raises(UnbalancedStatement):
            read_statement_file(sample(f"mt940/{name}").read_bytes(), filename=name)
    else:
        assert read_statement_file(sample(f"mt940/{name}").read_bytes(), filename=name)


def test_cmxl_statements_in_withdrawn_and_current_currencies_parse() -> None:
    parsed = read_statement_file(sample("mt940/cmxl-mt940.sta").read_bytes(), filename="c.sta")
    assert [s.account.currency for s in parsed.statements] == ["DEM", "EUR", "PLN"]
    assert [s.account.id for s in parsed.statements][1:] == [
        "10020030/1234567",
        "BPHKPLPK/320000546101",
    ]
    assert sum(line.amount.decimal for line in _lines(parsed)) == Decimal("12327.30")


@pytest.mark.parametrize(
    "name",
    ["betterplace-sepa_snippet.sta", "self-provided-whitespace.sta", "cmxl-mt940.sta"],
)
def test_lines_agree_with_the_library_recorded_parse(name: str) -> None:
    """Amounts, dates, GVC, booking text and counterparty as the .yml records them."""
    path = sample(f"mt940/{name}")
    recorded = yml_transactions(path)
    data = path.read_bytes()
    lines = _lines(PARSER.parse(io.BytesIO(data), filename=name))
    assert len(lines) == len(recorded)
    for line, yml in zip(lines, recorded, strict=True):
        assert line.amount.decimal == yml["amount"]
        assert line.value_date == yml["date"]
        assert line.booking_date == yml.get("entry_date", yml["date"])
        if "transaction_code" in yml:
            assert line.transaction_code is not None
            assert line.transaction_code.proprietary == yml["transaction_code"]
            assert (line.additional_info or "").startswith(str(yml["posting_text"]))
        if yml.get("applicant_name"):
            assert line.counterparty is not None
            # Compared without spaces: the library joins name pieces without one, and
            # cmxl-mt940.sta pads every line with a trailing space.
            assert "".join((line.counterparty.name or "").split()) == "".join(
                str(yml["applicant_name"]).split()
            )
            assert line.counterparty.bank == yml["applicant_bin"]


def test_reversal_of_credit_in_sample_is_a_debit_where_the_library_records_a_credit() -> None:
    name = "betterplace-sepa_mt9401.sta"
    recorded = yml_transactions(sample(f"mt940/{name}"))
    lines = _lines(_parse(name))
    reversals = [(line, yml) for line, yml in zip(lines, recorded, strict=True) if line.reversal]
    assert [yml["status"] for _, yml in reversals] == ["RC", "RC"]
    for line, yml in reversals:
        assert line.amount.decimal == -Decimal(str(yml["amount"])) < 0


def test_end_to_end_id_ends_with_its_subfield_where_the_library_runs_on() -> None:
    """A short ``?20EREF+...`` sub-field ends the id; the library also takes the next
    purpose line ("MTLG:Grund nicht spezifiziert ...") into it."""
    name = "betterplace-sepa_snippet.sta"
    recorded = yml_transactions(sample(f"mt940/{name}"))
    lines = _lines(_parse(name))
    pairs = [
        (line.end_to_end_id, str(yml["end_to_end_reference"]))
        for line, yml in zip(lines, recorded, strict=True)
        if yml.get("end_to_end_reference")
    ]
    assert len(pairs) == 8
    assert all(ours is not None and theirs.startswith(ours) for ours, theirs in pairs)
    run_on = [theirs[len(ours or "") :] for ours, theirs in pairs if ours != theirs]
    assert len(run_on) == 4
    assert all(extra.startswith("MTLG:") for extra in run_on)
    assert (
        lines[4].remittance == "MTLG:Grund nicht spezifiziert Reject aus SEPA-Ueberweisungsauftrag"
    )


def test_sns_file_reads_blocks_with_swift_headers_and_counterparty_iban() -> None:
    parsed = _parse("oca-test-sns.940")
    assert [s.sequence for s in parsed.statements] == ["361/1", "362/1", "363/1"]
    first = parsed.statements[0].lines[0]
    assert first.counterparty is not None
    assert first.counterparty.account == "NL49RABO0166416932"
    assert first.remittance == (
        "NL49RABO0166416932 gerrits glas en schilderwerk Factuur 17227/248/20"
    )
    # A line ending at the 65th character is wrapped mid-word: joined without a space.
    assert "MCC:5411" in (parsed.statements[0].lines[1].remittance or "")
    # The last statement has no :62F: but ends with '-}': read, not balance-checked.
    assert parsed.statements[2].closing_booked is None


def test_ing_keyword_style_details_are_decoded() -> None:
    lines = _lines(_parse("oca-test-ing.940"))
    debit = lines[3]
    assert debit.end_to_end_id == "EV123REP123412T1234"
    assert debit.mandate_id == "MND-EV01"  # the '-' sits alone on a line in the file
    assert debit.counterparty is not None
    assert debit.counterparty.name == "ING Bank N.V. inzake WeB"
    assert lines[6].creditor_reference == "9001123412341234"  # /REMI/STRD/CUR/...
    assert lines[2].remittance == "Factuurnr 123456 Klantnr 00123"


def test_bank_refs_are_unique_per_account_within_a_file() -> None:
    """Derived refs never collide; a bank's own ref repeats only on another account (the
    two sides of an internal transfer in betterplace-sepa_mt9401.sta)."""
    for name in PARSED_FILES:
        refs = [(line.account, line.bank_ref) for line in _lines(_parse(name))]
        assert len(refs) == len(set(refs)), name


def test_february_30_value_date_is_read_as_the_last_day_of_february() -> None:
    [line] = _lines(_parse("self-provided-february_30.sta"))
    assert line.value_date is not None
    assert (line.value_date.isoformat(), str(line.booking_date)) == ("2016-02-29", "2016-03-01")
    assert line.amount.decimal == Decimal("-6.00")
