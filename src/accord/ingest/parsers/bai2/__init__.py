"""BAI2 (Cash Management Balance Reporting, version 2) statement files.

One statement per 03 account record; see docs/formats/bai2.md for what is read from where.
"""

from __future__ import annotations

import re
from typing import BinaryIO, ClassVar

from accord.ingest.parsers.base import StatementParser
from accord.ingest.parsers.errors import StatementParseError
from accord.ingest.parsers.model import ParsedFile

__all__ = ["PARSER", "Bai2Parser"]

_FILE_HEADER = re.compile(rb"01,[^,\r\n]*,[^,\r\n]*,\d{6},[^,\r\n]*,")


def _decode(data: bytes) -> str:
    # BAI2 is ASCII; files with other bytes are most often Latin-1, which cannot fail.
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


class Bai2Parser:
    """BAI2 reader. With `verify_totals` (the default) every 49/98/99 trailer's control
    total and counts must agree with the records, or the file is rejected."""

    name: ClassVar[str] = "bai2"

    def __init__(self, *, verify_totals: bool = True) -> None:
        self.verify_totals = verify_totals

    def sniff(self, head: bytes) -> bool:
        """A file header record: 01,sender,receiver,YYMMDD,..."""
        return _FILE_HEADER.match(head) is not None

    def parse(self, source: BinaryIO, *, filename: str) -> ParsedFile:
        """Every account of the file as a statement, or StatementParseError."""
        # Imported on first use: every `accord` command loads the package to sniff formats.
        from accord.ingest.parsers.bai2.parser import Bai2Reader
        from accord.ingest.parsers.bai2.records import Bai2Error, read_records

        try:
            records = read_records(_decode(source.read()))
            reader = Bai2Reader(records, filename, verify=self.verify_totals)
            statements = reader.read_file()
        except Bai2Error as error:
            where = f"line {error.line}" if error.line is not None else None
            raise StatementParseError(filename, where, error.problem) from None
        return ParsedFile(file=filename, format="bai2", statements=tuple(statements))

    def lenient(self) -> StatementParser:
        """The same reader with trailer control totals and counts not enforced."""
        return Bai2Parser(verify_totals=False)


PARSER = Bai2Parser()
