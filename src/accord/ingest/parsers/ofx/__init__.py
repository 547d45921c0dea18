"""OFX and QFX statement files: OFX 1.x (SGML) and 2.x (XML), bank and credit card.

See docs/formats/ofx.md for what is read from where.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, BinaryIO, ClassVar

from accord.ingest.parsers.base import StatementParser
from accord.ingest.parsers.errors import StatementParseError
from accord.ingest.parsers.model import ParsedFile

if TYPE_CHECKING:
    from accord.ingest.parsers.ofx.tree import Node

__all__ = ["PARSER", "OfxParser"]

_SNIFF = 4096


def _strip_bom(data: bytes) -> bytes:
    return data[3:] if data.startswith(b"\xef\xbb\xbf") else data


def _is_xml(data: bytes) -> bool:
    return data.lstrip()[:5].lower() == b"<?xml"


class OfxParser:
    """OFX / QFX reader: every STMTRS and CCSTMTRS of the file becomes a statement."""

    name: ClassVar[str] = "ofx"

    def sniff(self, head: bytes) -> bool:
        """An OFX header (OFXHEADER:100 or <?OFX ...?>) or a body starting with <OFX>."""
        start = head[:_SNIFF].upper()
        if start.startswith((b"OFXHEADER", b"<OFX>")):
            return True
        return start.startswith(b"<?XML") and (b"<?OFX" in start or b"<OFX>" in start)

    def parse(self, source: BinaryIO, *, filename: str) -> ParsedFile:
        """Every statement of the file, or StatementParseError naming the line."""
        # Imported on first use: every `accord` command loads the package to sniff formats.
        from accord.ingest.parsers.ofx.statements import read_statements
        from accord.ingest.parsers.ofx.tree import OfxError

        data = _strip_bom(source.read())
        try:
            root, extra = self._tree(data, filename)
            statements = read_statements(root, filename, extra)
        except OfxError as error:
            where = f"line {error.line}" if error.line else None
            raise StatementParseError(filename, where, error.problem) from None
        return ParsedFile(file=filename, format="ofx", statements=tuple(statements))

    def _tree(self, data: bytes, filename: str) -> tuple[Node, dict[str, str]]:
        from accord.ingest.parsers.ofx.sgml import decode, read_header, read_sgml
        from accord.ingest.parsers.ofx.tree import OfxError, from_xml
        from accord.ingest.parsers.xmlsafe import parse_document

        if _is_xml(data):
            root = from_xml(parse_document(data, filename=filename))
            if root.name != "OFX":
                raise OfxError(root.line, f"root element <{root.name}>: expected <OFX>")
            return root, {"syntax": "ofx:2"}
        header, start = read_header(data)
        if header and header.get("OFXHEADER") != "100":
            raise OfxError(1, "an OFX 1.x header must start with OFXHEADER:100")
        first_line = data.count(b"\n", 0, start) + 1
        root = read_sgml(decode(data[start:], header), first_line)
        version = {"version": header["VERSION"]} if "VERSION" in header else {}
        return root, {"syntax": "ofx:1", **version}

    def lenient(self) -> StatementParser:
        """No control totals beyond the balances, which read_statement_file checks."""
        return self


PARSER = OfxParser()
