from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.kit.errors import BadInput
from accord.kit.money import (
    Money,
    UnknownCurrency,
    check_currency,
    format_amount,
    round_to_minor,
    to_minor,
)


def test_amounts_become_exact_minor_units() -> None:
    assert Money.of("12.30", "EUR") == Money(1230, "EUR")
    assert Money.of("-7", "JPY") == Money(-7, "JPY")
    assert Money.of(Decimal("1.125"), "KWD") == Money(1125, "KWD")


def test_an_amount_finer_than_the_currency_is_refused() -> None:
    with pytest.raises(BadInput, match="more decimals than EUR allows"):
        to_minor("1.005", "EUR")
    with pytest.raises(BadInput, match="more decimals than JPY"):
        to_minor("1.5", "JPY")


def test_text_that_is_not_a_number_is_refused() -> None:
    with pytest.raises(BadInput, match="not a decimal amount"):
        to_minor("12,30", "EUR")
    with pytest.raises(BadInput, match="not a finite amount"):
        to_minor("NaN", "EUR")


def test_unknown_currency_codes_are_refused() -> None:
    assert check_currency("CHF") == "CHF"
    for code in ("ABC", "eur", "EURO", "XAU", ""):
        with pytest.raises(UnknownCurrency):
            check_currency(code)


def test_withdrawn_euro_predecessors_are_still_currencies() -> None:
    assert check_currency("DEM") == "DEM"
    assert to_minor("1000", "ITL") == 1000
    assert to_minor("12.34", "DEM") == 1234


def test_money_of_different_currencies_does_not_add() -> None:
    with pytest.raises(ValueError, match="cannot combine EUR and USD"):
        _ = Money(1, "EUR") + Money(1, "USD")


def test_formatting_uses_the_currency_digits() -> None:
    assert format_amount(-5, "EUR") == "-0.05"
    assert format_amount(123456, "JPY") == "123456"
    assert format_amount(1, "BHD") == "0.001"
    assert str(Money(-250, "EUR")) == "-2.50 EUR"


def test_converted_amounts_round_half_even() -> None:
    assert round_to_minor(Decimal("0.125"), "EUR") == 12
    assert round_to_minor(Decimal("0.135"), "EUR") == 14


@given(st.integers(min_value=-(10**15), max_value=10**15), st.sampled_from(["EUR", "JPY", "KWD"]))
def test_minor_units_round_trip_through_text(minor: int, currency: str) -> None:
    assert to_minor(format_amount(minor, currency), currency) == minor
