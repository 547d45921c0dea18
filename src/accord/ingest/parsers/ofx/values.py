"""OFX values: dates (the date part only), signed amounts, currencies."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from accord.ingest.parsers.ofx.tree import Node, OfxError
from accord.kit.errors import BadInput
from accord.kit.money import Money, check_currency, round_to_minor

# YYYYMMDD, optionally HHMM[SS[.XXX]], optionally a time zone such as [-5:EST] or [0].
_DATE = re.compile(
    r"([0-9]{4})([0-9]{2})([0-9]{2})"  # the date
    r"(?:[0-9]{4}(?:[0-9]{2}(?:\.[0-9]{1,6})?)?)?"  # HHMM, seconds, fraction
    r"\s*(?:\[[^\]]{0,20}\])?"  # time zone
)
# OFX allows a comma as the decimal mark; thousands separators are not allowed.
_AMOUNT = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)")


def parse_date(node: Node) -> date:
    """The calendar date written in the value, ignoring time and zone (the bank's day)."""
    match = _DATE.fullmatch(node.text)
    if match is None:
        raise OfxError(
            node.line,
            f"{node.name} {node.text[:40]!r} is not an OFX date: expected YYYYMMDD, "
            "optionally followed by HHMMSS.XXX and a zone such as [-5:EST]",
        )
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise OfxError(node.line, f"{node.name} {node.text!r} is not a valid date") from None


def optional_date(parent: Node, name: str) -> date | None:
    node = parent.child(name)
    return parse_date(node) if node is not None and node.text else None


def parse_decimal(node: Node) -> Decimal:
    if _AMOUNT.fullmatch(node.text) is None:
        raise OfxError(
            node.line, f"{node.name} {node.text[:40]!r} is not an amount: expected e.g. -12.34"
        )
    try:
        return Decimal(node.text.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise OfxError(node.line, f"{node.name} {node.text!r} is not an amount") from None


def parse_money(node: Node, currency: str) -> Money:
    """An exact amount in `currency`: more decimals than the currency has is an error."""
    try:
        return Money.of(parse_decimal(node), currency)
    except BadInput as error:
        raise OfxError(node.line, f"{node.name}: {error.message}") from None


def convert(amount: Decimal, rate: Decimal, currency: str) -> Money:
    """`amount` times `rate`, rounded to `currency`'s minor units."""
    return Money(round_to_minor(amount * rate, currency), currency)


def parse_currency(node: Node) -> str:
    try:
        return check_currency(node.text.upper())
    except BadInput as error:
        raise OfxError(node.line, f"{node.name}: {error.message}") from None
