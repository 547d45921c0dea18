"""ISO 20022 camt.052 (report), camt.053 (statement) and camt.054 (notification).

Every version from 001.02 to the 2019+ ones (001.08 - 001.13) is read by the same code:
the message type and version come from the document's namespace, and the few elements
that moved between versions (``Sts/Cd``, ``Dbtr/Pty/Nm``, ``BICFI``) are read in both
places. See docs/formats/camt.md for what is read from where.
"""

from __future__ import annotations

import re
from typing import BinaryIO, ClassVar

from accord.kit.compiled import use_compiled

COMPILED = use_compiled(__name__, __path__)  # before any module of the package is imported

from accord.ingest.parsers.base import StatementParser
from accord.ingest.parsers.camt.reader import read_camt
from accord.ingest.parsers.model import ParsedFile

__all__ = ["PARSER", "CamtParser"]

_CAMT_NAMESPACE = re.compile(rb"urn:iso:std:iso:20022:tech:xsd:camt\.05[234]\.")
_MESSAGES = (b"<BkToCstmrStmt", b"<BkToCstmrAcctRpt", b"<BkToCstmrDbtCdtNtfctn")
_PREFIXED_MESSAGES = (b":BkToCstmrStmt", b":BkToCstmrAcctRpt", b":BkToCstmrDbtCdtNtfctn")


class CamtParser:
    """camt.052/053/054 in any version, detected by namespace."""

    name: ClassVar[str] = "camt"

    def sniff(self, head: bytes) -> bool:
        """XML with a camt.052/053/054 namespace, or a Document holding a camt message."""
        if not head.startswith(b"<"):
            return False
        if _CAMT_NAMESPACE.search(head):
            return True
        has_message = any(m in head for m in _MESSAGES + _PREFIXED_MESSAGES)
        return has_message and b"Document" in head

    def parse(self, source: BinaryIO, *, filename: str) -> ParsedFile:
        """Every statement, report or notification in the file, or StatementParseError."""
        return read_camt(source, filename=filename)

    def lenient(self) -> StatementParser:
        """No control totals beyond the balances, which read_statement_file checks."""
        return self


PARSER = CamtParser()
