"""Statement parsers: bytes in, normalised statements out. Pure: no database, no HTTP.

`read_statement_file` is the one entry point: it detects the format from the content
(never the file name), parses the whole file and checks that its balances add up.
"""

from __future__ import annotations

import io
from typing import BinaryIO

from accord.ingest.parsers import bai2, camt, mt940, ofx
from accord.ingest.parsers.balances import balance_difference, check_balances
from accord.ingest.parsers.base import StatementParser
from accord.ingest.parsers.csv import CsvProfile, CsvStatementParser, load_profile
from accord.ingest.parsers.errors import StatementParseError, UnbalancedStatement, UnknownFormat
from accord.ingest.parsers.model import ParsedFile
from accord.ingest.parsers.zip import ZIP_MAGIC, read_zip

__all__ = [
    "CsvProfile",
    "ParsedFile",
    "StatementParseError",
    "UnbalancedStatement",
    "UnknownFormat",
    "balance_difference",
    "detect_format",
    "load_profile",
    "read_statement_file",
]

SNIFF_BYTES = 65536

# Order matters only where formats could overlap; XML formats first, then fixed markers.
PARSERS: tuple[StatementParser, ...] = (camt.PARSER, ofx.PARSER, bai2.PARSER, mt940.PARSER)


def _strip_bom(head: bytes) -> bytes:
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if head.startswith(bom):
            return head[len(bom) :]
    return head


def detect_format(head: bytes) -> StatementParser | None:
    """The parser whose format claims these first bytes, or None."""
    head = _strip_bom(head).lstrip()
    for parser in PARSERS:
        if parser.sniff(head):
            return parser
    return None


def read_statement_file(
    source: bytes | BinaryIO,
    *,
    filename: str,
    csv_profile: CsvProfile | None = None,
    allow_unbalanced: bool = False,
) -> ParsedFile:
    """Parse one statement file completely, or raise an error naming file and place.

    A ZIP archive is read member by member (each a statement file). CSV has no reliable
    signature, so it is tried only when a column profile is given. Unless
    `allow_unbalanced`, a statement whose balances do not add up raises UnbalancedStatement
    and a file whose own control totals (BAI2 trailers) disagree raises StatementParseError.
    """
    stream: BinaryIO = io.BytesIO(source) if isinstance(source, bytes) else source
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    if head.startswith(ZIP_MAGIC):
        parsed = read_zip(
            stream,
            filename=filename,
            read_member=lambda data, name: read_statement_file(
                data, filename=name, csv_profile=csv_profile, allow_unbalanced=True
            ),
        )
    else:
        parser = detect_format(head)
        if parser is not None:
            reader = parser.lenient() if allow_unbalanced else parser
            parsed = reader.parse(stream, filename=filename)
        elif csv_profile is not None:
            parsed = CsvStatementParser(csv_profile).parse(stream, filename=filename)
        else:
            raise UnknownFormat(
                filename,
                None,
                "not a statement format Accord reads: expected camt.052/053/054 XML, "
                "MT940/MT942, BAI2, OFX/QFX, or CSV with a column profile (--csv-profile)",
            )
    if not allow_unbalanced:
        check_balances(parsed)
    return parsed
