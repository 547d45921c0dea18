"""Per-organisation matching rules: plain data with documented defaults.

Every number the engine compares against lives here, so an organisation can tune it
without code. `rules_from_mapping` builds `Rules` from a parsed TOML or JSON mapping and
names the offending key in every error. docs/matching.md documents each field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from accord.kit.errors import BadInput
from accord.kit.money import check_currency, to_minor
from accord.matching.engine.text import normalise_name

# Stage (rule) names, as written in the `rule` column of matches.
IDENTIFIER: Final = "identifier"
REFERENCE: Final = "reference"
REFERENCE_FX: Final = "reference-fx"
REFERENCE_FEE: Final = "reference-fee"
COLLECTIVE: Final = "collective"
INSTALMENTS: Final = "instalments"
REVERSAL: Final = "reversal"
AMOUNT_NAME: Final = "amount-name"
FX_NAME: Final = "fx-name"
FEE_NAME: Final = "fee-name"
PARTIAL: Final = "partial"
OVERPAYMENT: Final = "overpayment"
AMOUNT: Final = "amount"
SUBSET: Final = "subset"
FX_AMOUNT: Final = "fx-amount"

ALL_STAGES: Final = frozenset(
    {
        IDENTIFIER,
        REFERENCE,
        REFERENCE_FX,
        REFERENCE_FEE,
        COLLECTIVE,
        INSTALMENTS,
        REVERSAL,
        AMOUNT_NAME,
        FX_NAME,
        FEE_NAME,
        PARTIAL,
        OVERPAYMENT,
        AMOUNT,
        SUBSET,
        FX_AMOUNT,
    }
)
# Stages that can never auto-match, whatever the rules say: an amount alone, a fee guess
# without an identifier, a short or over payment, an unlisted combination.
REVIEW_ONLY: Final = frozenset({FEE_NAME, PARTIAL, AMOUNT, SUBSET, FX_AMOUNT})

_COMMON_FEES: Final = ("0.50", "1.00", "2.50", "5.00", "7.50", "10.00", "15.00", "20.00", "25.00")


@dataclass(frozen=True, slots=True)
class Tolerance:
    """How far two amounts may differ: the larger of `abs_minor` and `rel` x amount."""

    abs_minor: int = 0
    rel: Decimal = Decimal(0)

    def limit(self, base_minor: int) -> int:
        """The largest allowed difference, in minor units, around `base_minor`."""
        if not self.rel:
            return self.abs_minor
        return max(self.abs_minor, int(self.rel * abs(base_minor)))


def _fees(amounts: tuple[str, ...], *currencies: str) -> tuple[tuple[str, tuple[int, ...]], ...]:
    return tuple((cur, tuple(to_minor(a, cur) for a in amounts)) for cur in currencies)


@dataclass(frozen=True, slots=True)
class Rules:
    """The organisation's matching rules. Amounts are minor units of the line's currency."""

    identifier_tolerance: Tolerance = Tolerance()
    reference_tolerance: Tolerance = Tolerance()
    amount_tolerance: Tolerance = Tolerance()
    collective_tolerance: Tolerance = Tolerance()
    fx_tolerance: Decimal = Decimal("0.015")
    fx_rate_max_age_days: int = 5
    reference_days_before: int = 45
    reference_days_after: int = 730
    amount_days_before: int = 7
    amount_days_after: int = 120
    reference_prefixes: tuple[str, ...] = (
        "INV",
        "INVOICE",
        "RE",
        "RECHNUNG",
        "RECH",
        "RG",
        "RNR",
        "FACTURA",
        "FACTURE",
        "FATTURA",
        "FAKTURA",
        "FACT",
        "FAC",
        "BILL",
    )
    reference_patterns: tuple[str, ...] = ()
    fees: tuple[tuple[str, tuple[int, ...]], ...] = _fees(_COMMON_FEES, "EUR", "USD", "GBP", "CHF")
    name_strong: float = 88.0
    name_auto: float = 95.0
    common_amount_records: int = 5
    name_weak: float = 70.0
    margin: int = 15
    auto_stages: frozenset[str] = ALL_STAGES - REVIEW_ONLY
    max_subset_size: int = 6
    max_subset_records: int = 25
    subset_iteration_cap: int = 20_000
    max_candidates: int = 50
    max_group_records: int = 500
    truncation_length: int = 135
    ignored_identifiers: tuple[str, ...] = ("NOTPROVIDED", "NONREF", "NONE", "NA", "UNKNOWN")
    part_payment_words: tuple[str, ...] = (
        "TEILZAHLUNG",
        "TEILBETRAG",
        "ANZAHLUNG",
        "ABSCHLAG",
        "ABSCHLAGSZAHLUNG",
        "RATENZAHLUNG",
        "PART PAYMENT",
        "PARTIAL PAYMENT",
        "INSTALMENT",
        "INSTALLMENT",
        "ACOMPTE",
    )

    def fee_amounts(self, currency: str) -> tuple[int, ...]:
        """Known fee amounts (minor units) for `currency`; empty when none are configured."""
        for cur, amounts in self.fees:
            if cur == currency:
                return amounts
        return ()

    def strong_name(self, sim: float | None) -> bool:
        """A name similarity (None: no name to compare) that singles out the payer."""
        return sim is not None and sim >= self.name_strong

    def may_auto(self, stage: str) -> bool:
        """True when `stage` may produce `matched` rows."""
        return stage in self.auto_stages and stage not in REVIEW_ONLY


DEFAULT_RULES = Rules()


def _int(key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise BadInput(f"rules: {key!r} must be a whole number >= 0, got {value!r}")
    return value


def _decimal(key: str, value: Any) -> Decimal:
    problem = f"rules: {key!r} must be a decimal number >= 0, got {value!r}"
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise BadInput(problem)
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise BadInput(problem) from None
    if not number.is_finite() or number < 0:
        raise BadInput(problem)
    return number


def _strings(key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise BadInput(f"rules: {key!r} must be a list of strings, got {value!r}")
    return tuple(value)


def _tolerance(key: str, value: Any) -> Tolerance:
    if not isinstance(value, Mapping):
        raise BadInput(f"rules: {key!r} must be a table with abs_minor and/or rel")
    unknown = sorted(set(value) - {"abs_minor", "rel"})
    if unknown:
        raise BadInput(f"rules: unknown key {key}.{unknown[0]!r} (expected abs_minor, rel)")
    return Tolerance(
        abs_minor=_int(f"{key}.abs_minor", value.get("abs_minor", 0)),
        rel=_decimal(f"{key}.rel", value.get("rel", 0)),
    )


def _fee_table(key: str, value: Any) -> tuple[tuple[str, tuple[int, ...]], ...]:
    if not isinstance(value, Mapping):
        raise BadInput(f"rules: {key!r} must be a table of currency = [amounts]")
    out: list[tuple[str, tuple[int, ...]]] = []
    for cur in sorted(value):
        where = f"{key}.{cur}"
        try:
            check_currency(cur)
            amounts = tuple(sorted({to_minor(str(a), cur) for a in _strings(where, value[cur])}))
        except BadInput as exc:
            raise BadInput(f"rules: {where!r}: {exc.message}") from None
        out.append((cur, amounts))
    return tuple(out)


def _stages(key: str, value: Any) -> frozenset[str]:
    names = _strings(key, value)
    unknown = sorted(set(names) - ALL_STAGES)
    if unknown:
        raise BadInput(f"rules: {key!r} names unknown stage {unknown[0]!r}")
    return frozenset(names)


_PARSERS = {
    Tolerance: _tolerance,
    Decimal: _decimal,
    int: _int,
    float: lambda k, v: float(_decimal(k, v)),
    tuple: _strings,
    frozenset: _stages,
}


def rules_from_mapping(mapping: Mapping[str, Any], base: Rules = DEFAULT_RULES) -> Rules:
    """Rules from a parsed TOML/JSON mapping; missing keys keep `base`'s values.

    Raises BadInput naming the key for an unknown key or a value of the wrong kind.
    """
    known = {f.name: f for f in fields(Rules)}
    changes: dict[str, Any] = {}
    for key in sorted(mapping):
        if key not in known:
            raise BadInput(f"rules: unknown key {key!r}")
        value = mapping[key]
        if key == "fees":
            changes[key] = _fee_table(key, value)
            continue
        kind = type(getattr(base, key))
        changes[key] = _PARSERS[kind](key, value)
    if "reference_patterns" in changes:
        _check_patterns(changes["reference_patterns"])
    if "part_payment_words" in changes:
        _check_words("part_payment_words", changes["part_payment_words"])
    return replace(base, **changes)


def _check_patterns(patterns: tuple[str, ...]) -> None:
    for i, pattern in enumerate(patterns):
        try:
            re.compile(pattern)
        except re.error as exc:
            raise BadInput(f"rules: 'reference_patterns'[{i}] is not a regex: {exc}") from None


def _check_words(key: str, words: tuple[str, ...]) -> None:
    # Texts are searched in their normalised words (A-Z, 0-9): a word with none of those
    # would be found in every empty text.
    for i, word in enumerate(words):
        if not normalise_name(word):
            raise BadInput(f"rules: {key!r}[{i}] has no letter A-Z or digit: {word!r}")
