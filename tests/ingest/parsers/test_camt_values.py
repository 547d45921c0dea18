"""camt amounts convert to minor units exactly as `accord.kit.money.to_minor` does."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from accord.ingest.parsers.camt import values
from accord.ingest.parsers.camt.values import Place
from accord.ingest.parsers.errors import StatementParseError
from accord.kit.errors import BadInput
from accord.kit.money import Money, digits_to_minor, to_minor

PLACE = Place("a.xml", "/Document/BkToCstmrStmt/Stmt[1]/Ntry[1]", 12)
# ISO 20022 ActiveOrHistoricCurrencyAndAmount as a pattern: up to 18 digits, 5 decimals.
AMOUNT = re.compile(r"[0-9]{1,18}(?:\.[0-9]{0,5})?|\.[0-9]{1,5}")


@given(st.one_of(st.from_regex(AMOUNT, fullmatch=True), st.text("0123456789.+- e٣\uff11")))
@example("1.123456")  # six decimals
@example("1234567890123456789")  # nineteen digits
@example(".")
@example("1.2.3")
def test_an_amount_is_read_where_the_iso_pattern_matches_it(text: str) -> None:
    assert (values.amount_parts(text) is not None) == (AMOUNT.fullmatch(text) is not None)


@given(st.from_regex(AMOUNT, fullmatch=True), st.sampled_from(["EUR", "JPY", "KWD", "CLF"]))
def test_an_amount_converts_as_to_minor_does(text: str, currency: str) -> None:
    try:
        expected: int | None = to_minor(text, currency)
    except BadInput:
        expected = None
    parts = values.amount_parts(text)

    assert parts is not None
    assert digits_to_minor(*parts, currency) == expected


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [("12.", "EUR", 1200), (".5", "EUR", 50), (".0", "JPY", 0), ("1.230", "EUR", 123)],
)
def test_amounts_without_whole_or_fraction_digits_convert(
    text: str, currency: str, minor: int
) -> None:
    assert values.money((text, currency), PLACE, "Amt") == Money(minor, currency)


def test_an_amount_with_more_decimals_than_its_currency_names_the_place() -> None:
    with pytest.raises(StatementParseError, match=r"Ntry\[1\]/Amt.*more decimals than JPY"):
        values.money(("100.5", "JPY"), PLACE, "Amt")


def test_an_amount_in_digits_of_another_script_is_refused() -> None:
    with pytest.raises(StatementParseError, match=r"Ntry\[1\]/Amt.*bad amount"):
        values.money(("\u0661\u0662.\u0663\u0664", "EUR"), PLACE, "Amt")  # Arabic-Indic 12.34
