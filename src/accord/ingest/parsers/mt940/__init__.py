"""SWIFT MT940 (customer statement) and MT942 (interim report) files.

The text is split into fields with the line each starts on (`fields`), every field is
decoded on its own (`values`, `details` for ``:86:``) and each statement is assembled and
checked (`statement`). docs/formats/mt940.md says what is read from where and why this
does not run the `mt940` library (slower, no line numbers, other sign defaults).
"""

from __future__ import annotations

import re
from typing import BinaryIO, ClassVar

from accord.ingest.parsers.base import StatementParser
from accord.ingest.parsers.errors import StatementParseError
from accord.ingest.parsers.model import ParsedFile

__all__ = ["PARSER", "Mt940Parser"]

_FIELD_20 = re.compile(rb"(?:^|[\r\n]|\{4:):20:")
_FIELD_25 = re.compile(rb"(?:^|[\r\n]):25:")
_BOM = b"\xef\xbb\xbf"


class Mt940Parser:
    """Reads MT940 and MT942 files into statements; see the module docstring."""

    name: ClassVar[str] = "mt940"

    def sniff(self, head: bytes) -> bool:
        """True when the first bytes hold a ``:20:`` and a ``:25:`` field."""
        return _FIELD_20.search(head) is not None and _FIELD_25.search(head) is not None

    def parse(self, source: BinaryIO, *, filename: str) -> ParsedFile:
        """Every statement of the file, or StatementParseError naming file and line."""
        # Imported on first use: every `accord` command loads the package to sniff formats.
        from accord.ingest.parsers.mt940.fields import FieldError, split_blocks, split_lines
        from accord.ingest.parsers.mt940.statement import StatementBuilder

        text = decode_text(source.read())
        try:
            blocks = split_blocks(split_lines(text))
            if not blocks:
                raise FieldError(1, "no MT940/MT942 statement found; expected a :20: field")
            builder = StatementBuilder(filename)
            statements = tuple(builder.build(block, i) for i, block in enumerate(blocks))
        except FieldError as error:
            raise StatementParseError(filename, f"line {error.line}", error.problem) from None
        kinds = {statement.format for statement in statements}
        return ParsedFile(filename, "mt942" if kinds == {"mt942"} else "mt940", statements)

    def lenient(self) -> StatementParser:
        """No control totals beyond the balances, which read_statement_file checks."""
        return self


def decode_text(data: bytes) -> str:
    """UTF-8 (BOM dropped) where it decodes, else ISO 8859-1, which every byte is."""
    data = data.removeprefix(_BOM)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


PARSER = Mt940Parser()
