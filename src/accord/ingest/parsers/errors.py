"""Errors raised by statement parsers: each names the file and where in it."""

from __future__ import annotations

from accord.kit.errors import BadFile, BadInput
from accord.kit.money import Money


class StatementParseError(BadFile):
    """The file cannot be read as a statement.

    `where` is ``line N`` for text formats or an XML path for XML formats; the message
    says what was expected and what was found.
    """

    type_slug = "statement-parse-error"
    title = "Statement could not be read"


class UnknownFormat(StatementParseError):
    type_slug = "unknown-statement-format"
    title = "Not a statement format Accord reads"


class UnbalancedStatement(BadInput):
    """Opening balance plus booked lines differs from the closing balance."""

    type_slug = "unbalanced-statement"
    title = "Statement does not balance"

    def __init__(self, file: str, statement_id: str, expected: Money, found: Money) -> None:
        self.file = file
        self.statement_id = statement_id
        self.expected = expected
        self.found = found
        super().__init__(
            f"{file}: statement {statement_id}: opening balance plus booked lines is "
            f"{found}, but the closing balance is {expected} "
            f"(difference {found - expected})"
        )
