"""Stream a camt document: statements and entries as they are parsed, memory kept flat.

lxml's iterparse reports only the end of the group header, each statement
(Stmt / Rpt / Ntfctn) and each entry (Ntry). An entry is turned into lines and cleared at
once, so a 500 MB file needs memory for one entry at a time plus the lines produced.
A statement's header (id, account, balances) precedes its entries, so it is read when the
first entry ends (or when the statement ends, if it has none).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import BinaryIO

from lxml import etree

from accord.ingest.parsers import xmlsafe
from accord.ingest.parsers.camt.entry import StatementContext, read_entry
from accord.ingest.parsers.camt.header import (
    Header,
    balance_fields,
    other_balances,
    read_header,
)
from accord.ingest.parsers.camt.values import Place
from accord.ingest.parsers.errors import StatementParseError
from accord.ingest.parsers.interner import Interner
from accord.ingest.parsers.model import Account, BankLine, ParsedFile, SourceLocation, Statement
from accord.ingest.parsers.refs import RefAssigner
from accord.ingest.parsers.xmlsafe import source_line

NAMESPACE = re.compile(r"urn:iso:std:iso:20022:tech:xsd:(camt\.05[234])\.(\d{3}\.\d{2})")
# Message element and its statement element, by message type.
MESSAGES = {
    "camt.052": ("BkToCstmrAcctRpt", "Rpt"),
    "camt.053": ("BkToCstmrStmt", "Stmt"),
    "camt.054": ("BkToCstmrDbtCdtNtfctn", "Ntfctn"),
}
STREAMED_TAGS = ("{*}GrpHdr", "{*}Stmt", "{*}Rpt", "{*}Ntfctn", "{*}Ntry")


@dataclass(frozen=True, slots=True)
class Document:
    """The camt message a file holds: its namespace, format and the tags to look for."""

    namespace: str
    format: str
    message: str  # local name, e.g. BkToCstmrStmt
    statement: str  # local name, e.g. Stmt
    path: str  # XML path of the message element, e.g. /Document/BkToCstmrStmt
    message_tag: str = ""
    statement_tag: str = ""
    entry_tag: str = ""
    group_header_tag: str = ""

    @classmethod
    def create(cls, namespace: str, fmt: str, message: str, statement: str) -> Document:
        prefix = f"{{{namespace}}}" if namespace else ""
        return cls(
            namespace,
            fmt,
            message,
            statement,
            f"/Document/{message}",
            message_tag=prefix + message,
            statement_tag=prefix + statement,
            entry_tag=prefix + "Ntry",
            group_header_tag=prefix + "GrpHdr",
        )


def _split_tag(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def identify(root: etree._Element, filename: str) -> Document:
    """The camt message type and version from the root's namespace and first child."""
    namespace, local = _split_tag(root.tag)
    match = NAMESPACE.fullmatch(namespace)
    message = root[0] if len(root) else None
    message_local = _split_tag(message.tag)[1] if message is not None else ""
    by_message = next((k for k, (m, _) in MESSAGES.items() if m == message_local), None)
    if local != "Document" or (namespace and not match) or by_message is None:
        raise StatementParseError(
            filename,
            f"line {source_line(root)}",
            f"not a camt.052/053/054 document: found <{local}> in namespace {namespace!r} "
            f"containing <{message_local}>, expected <Document><BkToCstmrStmt> (or "
            "BkToCstmrAcctRpt, BkToCstmrDbtCdtNtfctn) in urn:iso:std:iso:20022:tech:xsd:camt.*",
        )
    kind = match.group(1) if match else by_message
    if kind != by_message:
        raise StatementParseError(
            filename, f"/Document/{message_local}", f"{message_local} in a {kind} namespace"
        )
    fmt = f"{kind}.{match.group(2)}" if match else kind
    message_tag, statement = MESSAGES[kind]
    return Document.create(namespace, fmt, message_tag, statement)


def _discard(element: etree._Element) -> None:
    """Free a finished element and the finished sibling before it."""
    element.clear()
    previous = element.getprevious()
    parent = element.getparent()
    if previous is not None and parent is not None and previous.tag == element.tag:
        parent.remove(previous)


class StatementBuilder:
    """Collects the lines of one statement element as its entries stream past."""

    def __init__(
        self,
        element: etree._Element,
        index: int,
        document: Document,
        filename: str,
        shared: Interner,
    ) -> None:
        self.element = element
        self.index = index
        self.document = document
        path = f"{document.path}/{document.statement}[{index + 1}]"
        self.place = Place(filename, path, source_line(element))
        self.header: Header = read_header(element, document.namespace, self.place)
        self.context = StatementContext(
            file=filename,
            namespace=document.namespace,
            path=path,
            index=index,
            account=self.header.iban or self.header.number or "",
            currency=self.header.currency,
            refs=RefAssigner(self.header.id),
            shared=shared,
        )
        self.lines: list[BankLine] = []
        self.entries = 0

    def add_entry(self, entry: etree._Element) -> None:
        self.lines.extend(read_entry(entry, self.entries, self.context))
        self.entries += 1

    def finish(self, message_id: str | None) -> Statement:
        header, currency = self.header, self.context.currency
        if currency is None:
            raise self.place.error(
                "Acct/Ccy",
                "no currency: expected Acct/Ccy, or a balance or entry amount with a Ccy",
            )
        extra = other_balances(header)
        if message_id:
            extra["message_id"] = message_id
        return Statement(
            format=self.document.format,
            id=header.id,
            account=Account(header.iban, header.number, currency, header.bank, header.name),
            lines=tuple(self.lines),
            source=SourceLocation(self.place.file, self.index, 0, self.place.line, self.place.path),
            sequence=header.sequence,
            created_at=header.created_at,
            period_start=header.period_start,
            period_end=header.period_end,
            extra=extra,
            **balance_fields(header),
        )


class _Reader:
    """The state of one streaming pass: the document, its statements, the open one."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.document: Document | None = None
        self.message_id: str | None = None
        self.statements: list[Statement] = []
        self.builder: StatementBuilder | None = None
        self.shared = Interner()

    def on_element(self, element: etree._Element) -> None:
        document = self.document
        if document is None:
            document = self.document = identify(element.getroottree().getroot(), self.filename)
        parent = element.getparent()
        parent_tag = parent.tag if parent is not None else None
        tag = element.tag
        if tag == document.entry_tag and parent_tag == document.statement_tag:
            assert parent is not None  # noqa: S101 - it has a tag
            self._builder_for(parent, document).add_entry(element)
            _discard(element)
        elif tag == document.statement_tag and parent_tag == document.message_tag:
            builder = self._builder_for(element, document)
            self.statements.append(builder.finish(self.message_id))
            self.builder = None
            _discard(element)
        elif tag == document.group_header_tag and self.message_id is None:
            text = element.findtext(document.group_header_tag[: -len("GrpHdr")] + "MsgId")
            self.message_id = text.strip() or None if text else None

    def _builder_for(self, statement: etree._Element, document: Document) -> StatementBuilder:
        builder = self.builder
        if builder is None or builder.element is not statement:
            index = len(self.statements)
            builder = self.builder = StatementBuilder(
                statement, index, document, self.filename, self.shared
            )
        return builder


def read_camt(source: BinaryIO, *, filename: str) -> ParsedFile:
    """Parse a whole camt.052/053/054 file, or raise StatementParseError."""
    reader = _Reader(filename)
    for _, element in xmlsafe.iterparse(source, filename=filename, tag=STREAMED_TAGS):
        reader.on_element(element)
    if reader.document is None:
        raise StatementParseError(
            filename, None, "not a camt document: no GrpHdr, statement or entry found"
        )
    return ParsedFile(filename, reader.document.format, tuple(reader.statements))
