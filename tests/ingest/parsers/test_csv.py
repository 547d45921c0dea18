"""The shared CSV samples, each read with its profile, against the figures their source states.

The samples come from OCA/bank-statement-import; the expected line counts, amounts and
balances are those asserted by its tests (account_statement_import_sheet_file and
account_statement_import_paypal). Where Accord reads a figure differently, the test says why.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from accord.ingest.parsers import read_statement_file
from accord.ingest.parsers.balances import balance_difference
from accord.ingest.parsers.csv import CsvStatementParser, load_profile
from accord.ingest.parsers.model import BankLine, LineStatus, ParsedFile, Statement
from accord.kit.money import Money
from tests.samples import sample, samples_in

TEST_PROFILES = Path(__file__).parent / "profiles"

# Every CSV sample and the profile that reads it: a shipped name, or a file in profiles/
# (layouts whose account currency lives outside the file, in Odoo's journal).
SAMPLE_PROFILES = {
    "oca-paypal-activity_en.csv": "paypal",
    "oca-paypal-empty_activity.csv": "paypal",
    "oca-paypal-statement_en.csv": "paypal-statement",
    "oca-paypal-statement_es.csv": "paypal-statement-es",
    "oca-sample_statement_en.csv": "oca-sample.toml",
    "oca-empty_statement_en.csv": "oca-sample.toml",
    "oca-original_currency.csv": "oca-sample.toml",
    "oca-original_currency_empty.csv": "oca-sample.toml",
    "oca-original_currency_no_header.csv": "oca-no-header.toml",
    "oca-sample_statement_credit_card_inverse_sign_en.csv": "oca-sample-inverse.toml",
    "oca-multi_currency.csv": "oca-multi-currency.toml",
    "oca-balance.csv": "oca-balance.toml",
    "oca-debit_credit.csv": "oca-debit-credit-indicator.toml",
    "oca-debit_credit_amount.csv": "oca-debit-credit-columns.toml",
    "oca-meta_data_separated_credit_debit.csv": "oca-bank-metadata.toml",
}


def profile_for(name: str) -> str:
    profile = SAMPLE_PROFILES[name]
    return str(TEST_PROFILES / profile) if profile.endswith(".toml") else profile


def parse_sample(name: str) -> ParsedFile:
    path = sample(f"csv/{name}")
    with path.open("rb") as stream:
        return CsvStatementParser(load_profile(profile_for(name))).parse(stream, filename=name)


def only_statement(parsed: ParsedFile) -> Statement:
    assert len(parsed.statements) == 1
    return parsed.statements[0]


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


def by_currency(parsed: ParsedFile) -> dict[str, Statement]:
    return {statement.account.currency: statement for statement in parsed.statements}


def line_by_remittance(statement: Statement, text: str) -> BankLine:
    (line,) = [line for line in statement.lines if line.remittance == text]
    return line


def test_every_csv_sample_has_a_profile() -> None:
    present = {path.name for path in samples_in("csv")}
    if not present:
        pytest.skip("shared samples not found")
    assert present == set(SAMPLE_PROFILES)


@pytest.mark.parametrize("name", sorted(SAMPLE_PROFILES))
def test_every_csv_sample_parses_and_balances(name: str) -> None:
    path = sample(f"csv/{name}")
    parsed = read_statement_file(
        path.read_bytes(), filename=name, csv_profile=load_profile(profile_for(name))
    )
    assert parsed.format == f"csv:{load_profile(profile_for(name)).name}"
    for statement in parsed.statements:
        assert statement.format == parsed.format
        assert balance_difference(statement) in (None, Money(0, statement.account.currency))


def test_paypal_activity_splits_currencies_and_fees_like_the_source() -> None:
    statements = by_currency(parse_sample("oca-paypal-activity_en.csv"))
    assert list(statements) == ["USD", "EUR", "AUD"]
    # OCA: 71 lines in the USD journal = 45 USD rows + 26 fee lines.
    assert len(statements["USD"].lines) == 71
    assert sum(line.bank_ref.endswith("/fee") for line in statements["USD"].lines) == 26
    assert len(statements["EUR"].lines) == 29
    assert statements["USD"].opening_booked is not None
    assert statements["USD"].opening_booked.amount == usd("0.00")
    assert statements["USD"].closing_booked is not None
    assert statements["USD"].closing_booked.amount == usd("1.90")
    assert statements["EUR"].closing_booked is not None
    assert statements["EUR"].closing_booked.amount == eur("43.34")


def test_paypal_fee_becomes_its_own_line_after_the_gross() -> None:
    usd_lines = by_currency(parse_sample("oca-paypal-activity_en.csv"))["USD"].lines
    gross, fee = usd_lines[0], usd_lines[1]
    assert (gross.bank_ref, gross.amount, gross.bank_ref_derived) == ("TID1", usd("84.00"), False)
    assert (fee.bank_ref, fee.amount, fee.bank_ref_derived) == ("TID1/fee", usd("-4.25"), True)
    assert gross.counterparty is not None
    assert gross.counterparty.name == "PARTNER1"
    assert fee.counterparty is None
    assert gross.source.line == fee.source.line == 2
    assert (gross.source.entry_index, fee.source.entry_index) == (0, 1)


def test_paypal_activity_keeps_invoice_number_and_type() -> None:
    usd_lines = by_currency(parse_sample("oca-paypal-activity_en.csv"))["USD"].lines
    line = next(line for line in usd_lines if line.bank_ref == "TID4")
    assert line.customer_ref == "31"
    assert line.remittance == "Payment to My Company for invoice 31"
    assert line.transaction_code is not None
    assert line.transaction_code.proprietary == "Website Payment"
    assert line.amount == usd("1653.75")


def test_paypal_pending_withdrawals_are_booked_because_the_balance_includes_them() -> None:
    eur_lines = by_currency(parse_sample("oca-paypal-activity_en.csv"))["EUR"].lines
    withdrawal = next(line for line in eur_lines if line.bank_ref == "TID11")
    assert withdrawal.amount == eur("-12431.37")
    assert withdrawal.status is LineStatus.BOOKED


def test_empty_paypal_activity_gives_no_statements() -> None:
    parsed = parse_sample("oca-paypal-empty_activity.csv")
    assert parsed.statements == ()
    assert parsed.format == "csv:paypal"


def test_paypal_statement_en_line_counts_match_the_source() -> None:
    statements = by_currency(parse_sample("oca-paypal-statement_en.csv"))
    # OCA: 18 lines for the USD journal (11 rows + 7 fees), 8 for the EUR journal.
    assert len(statements["USD"].lines) == 18
    assert len(statements["EUR"].lines) == 8
    eur_statement, usd_statement = statements["EUR"], statements["USD"]
    assert eur_statement.opening_booked is not None
    assert eur_statement.opening_booked.amount == eur("0.75")
    assert usd_statement.opening_booked is not None
    assert usd_statement.opening_booked.amount == usd("0.89")
    assert usd_statement.closing_booked is not None
    assert usd_statement.closing_booked.amount == usd("281.19")


def test_paypal_statement_es_reads_decimal_commas_and_day_first_dates() -> None:
    statement = only_statement(parse_sample("oca-paypal-statement_es.csv"))
    assert len(statement.lines) == 8  # OCA: 4 rows + 4 fees
    first, fee = statement.lines[0], statement.lines[1]
    assert (first.amount, fee.amount) == (eur("49.37"), eur("-1.78"))
    assert first.remittance == "Pago estándar"
    assert str(first.booking_date) == "2020-01-02"
    assert statement.opening_booked is not None
    assert statement.opening_booked.amount == eur("4579.22")
    assert statement.closing_booked is not None
    assert statement.closing_booked.amount == eur("4710.30")


def test_sample_statement_has_two_lines_with_one_foreign_amount() -> None:
    statement = only_statement(parse_sample("oca-sample_statement_en.csv"))
    assert [line.amount for line in statement.lines] == [usd("-33.50"), usd("1525.00")]
    assert [line.instructed_amount for line in statement.lines] == [None, eur("1000.00")]


def test_original_currency_gives_the_instructed_amount() -> None:
    line = only_statement(parse_sample("oca-original_currency.csv")).lines[0]
    assert line.amount == usd("1525.00")
    # The file says -1,000.00; the instructed amount takes the sign of the line (as OCA).
    assert line.instructed_amount == eur("1000.00")


def test_original_currency_without_header_joins_two_remittance_columns() -> None:
    line = only_statement(parse_sample("oca-original_currency_no_header.csv")).lines[0]
    assert line.instructed_amount == eur("1000.00")
    assert line.remittance == "Your payment INV0001"
    assert line.source.line == 1


def test_empty_original_currency_gives_no_instructed_amount() -> None:
    line = only_statement(parse_sample("oca-original_currency_empty.csv")).lines[0]
    assert line.amount == usd("1525.00")
    assert line.instructed_amount is None


def test_multi_currency_file_gives_one_statement_per_currency() -> None:
    statements = by_currency(parse_sample("oca-multi_currency.csv"))
    # OCA imports the USD journal's share: one line of -33.5; Accord also keeps the EUR one.
    assert [line.amount for line in statements["USD"].lines] == [usd("-33.50")]
    assert [line.amount for line in statements["EUR"].lines] == [eur("1525.00")]


@pytest.mark.parametrize(
    ("name", "count"),
    [("oca-balance.csv", 2), ("oca-debit_credit.csv", 2), ("oca-debit_credit_amount.csv", 4)],
)
def test_balance_column_gives_opening_and_closing_like_the_source(name: str, count: int) -> None:
    statement = only_statement(parse_sample(name))
    assert len(statement.lines) == count
    assert statement.opening_booked is not None
    assert statement.opening_booked.amount == usd("10.00")
    assert statement.closing_booked is not None
    assert statement.closing_booked.amount == usd("1510.00")


def test_debit_credit_indicator_signs_the_unsigned_amount() -> None:
    statement = only_statement(parse_sample("oca-debit_credit.csv"))
    assert [line.amount for line in statement.lines] == [usd("-33.50"), usd("1533.50")]


def test_metadata_lines_above_the_header_and_the_footer_are_skipped() -> None:
    statement = only_statement(parse_sample("oca-meta_data_separated_credit_debit.csv"))
    assert [line.bank_ref for line in statement.lines] == [f"UNIQUE OP {n}" for n in range(1, 5)]
    assert [line.source.line for line in statement.lines] == [6, 7, 8, 9]
    # OCA asserts LABEL 1 = 50 and LABEL 4 = -1300 (it books a "Debit" column as money in).
    # This French export's Debit is money out: its own balances rise from 30000,77 to
    # 31070,11, which only the debit-out reading approaches (+1069.32).
    amounts = {line.remittance: line.amount for line in statement.lines}
    assert amounts["LABEL 1"] == eur("-50.00")
    assert amounts["LABEL 4"] == eur("1300.00")
    assert sum(line.amount.decimal for line in statement.lines) == Decimal("1069.32")


def test_credit_card_export_with_inverted_sign() -> None:
    statement = only_statement(parse_sample("oca-sample_statement_credit_card_inverse_sign_en.csv"))
    assert line_by_remittance(statement, "LABEL 1").amount == usd("-33.50")
    label_2 = line_by_remittance(statement, "LABEL 2")
    assert label_2.amount == usd("1525.00")
    assert label_2.instructed_amount == eur("1000.00")


def test_empty_statement_gives_no_statements() -> None:
    assert parse_sample("oca-empty_statement_en.csv").statements == ()
