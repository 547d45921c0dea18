"""The check every statement with both balances must pass: opening + booked = closing."""

from __future__ import annotations

from accord.ingest.parsers.errors import UnbalancedStatement
from accord.ingest.parsers.model import LineStatus, ParsedFile, Statement
from accord.kit.money import Money


def booked_total(statement: Statement) -> Money:
    """Sum of the booked lines, in the account's currency."""
    currency = statement.account.currency
    return Money(
        sum(line.amount.minor for line in statement.lines if line.status is LineStatus.BOOKED),
        currency,
    )


def balance_difference(statement: Statement) -> Money | None:
    """(opening + booked lines) - closing, or None when the statement lacks a balance."""
    opening, closing = statement.opening_booked, statement.closing_booked
    if opening is None or closing is None:
        return None
    return opening.amount + booked_total(statement) - closing.amount


def check_balances(parsed: ParsedFile) -> None:
    """Raise UnbalancedStatement for the first statement whose balances do not add up."""
    for statement in parsed.statements:
        difference = balance_difference(statement)
        if difference is not None and difference.minor != 0:
            assert statement.closing_booked is not None  # noqa: S101 - implied by difference
            closing = statement.closing_booked.amount
            raise UnbalancedStatement(
                parsed.file, statement.id, expected=closing, found=closing + difference
            )
