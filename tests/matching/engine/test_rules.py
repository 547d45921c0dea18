"""Rules are data with documented defaults, built from TOML/JSON with clear errors."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accord.kit.errors import BadInput
from accord.matching.engine import DEFAULT_RULES, rules_from_mapping
from accord.matching.engine.rules import AMOUNT, REFERENCE, Tolerance


def test_defaults_know_the_usual_bank_fees() -> None:
    assert 250 in DEFAULT_RULES.fee_amounts("EUR")
    assert 2500 in DEFAULT_RULES.fee_amounts("GBP")
    assert DEFAULT_RULES.fee_amounts("JPY") == ()


def test_amount_only_stage_can_never_auto_match_even_if_configured() -> None:
    rules = rules_from_mapping({"auto_stages": [REFERENCE, AMOUNT]})
    assert rules.may_auto(REFERENCE)
    assert not rules.may_auto(AMOUNT)


def test_mapping_overrides_only_the_given_keys() -> None:
    rules = rules_from_mapping(
        {
            "fx_tolerance": "0.02",
            "amount_tolerance": {"abs_minor": 5},
            "fees": {"CHF": ["0.80"]},
            "reference_prefixes": ["AR", "INV"],
            "margin": 20,
        }
    )
    assert rules.fx_tolerance == Decimal("0.02")
    assert rules.amount_tolerance == Tolerance(5, Decimal(0))
    assert rules.fee_amounts("CHF") == (80,)
    assert rules.fee_amounts("EUR") == ()
    assert rules.reference_prefixes == ("AR", "INV")
    assert rules.margin == 20
    assert rules.amount_days_after == DEFAULT_RULES.amount_days_after


def test_tolerance_takes_the_larger_of_absolute_and_relative() -> None:
    tol = Tolerance(abs_minor=100, rel=Decimal("0.01"))
    assert tol.limit(5_000) == 100
    assert tol.limit(50_000) == 500


@pytest.mark.parametrize(
    ("mapping", "named"),
    [
        ({"no_such_rule": 1}, "'no_such_rule'"),
        ({"margin": -1}, "'margin'"),
        ({"margin": True}, "'margin'"),
        ({"fx_tolerance": "abc"}, "'fx_tolerance'"),
        ({"amount_tolerance": {"abs": 1}}, "amount_tolerance.'abs'"),
        ({"fees": {"EUR": ["0.005"]}}, "'fees.EUR'"),
        ({"fees": {"XYZ": ["1.00"]}}, "'fees.XYZ'"),
        ({"auto_stages": ["guess"]}, "'auto_stages'"),
        ({"reference_patterns": ["(unclosed"]}, "'reference_patterns'[0]"),
        ({"reference_prefixes": "INV"}, "'reference_prefixes'"),
        ({"part_payment_words": "Akonto"}, "'part_payment_words'"),
        ({"part_payment_words": ["Akonto", " - "]}, "'part_payment_words'[1]"),
        ({"part_payment_words": ["Ωμέγα"]}, "'part_payment_words'[0]"),
    ],
)
def test_bad_rules_name_the_key(mapping: dict[str, object], named: str) -> None:
    with pytest.raises(BadInput) as caught:
        rules_from_mapping(mapping)
    assert named in caught.value.message
