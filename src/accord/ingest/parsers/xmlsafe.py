"""Safe XML reading for statement parsers: no DTDs, no entities, no network, bounded size.

Bank files come from outside, so a file may try XXE (an entity that reads
``file:///etc/passwd`` or a URL) or billion laughs (entities that expand to gigabytes).
Both need a DOCTYPE, so a DOCTYPE is refused outright: no bank format needs one. lxml is
also told never to resolve entities, load a DTD or touch the network, and to keep its
default size limits (``huge_tree=False``). Every lxml error becomes a StatementParseError
naming the file and the line lxml reports.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import BinaryIO, cast

from lxml import etree

from accord.ingest.parsers.errors import StatementParseError

DTD_NOT_ALLOWED = "DTDs and entities are not allowed in statement files"
PEEK_BYTES = 65536

# A DOCTYPE or ENTITY declaration in the prolog, in single-byte / UTF-8 or UTF-16 text.
_DECLARATIONS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("ascii", "utf-16-le", "utf-16-be")
)
# The first element start tag: "<" followed by a name, not "<?" or "<!".
_ELEMENT_START = re.compile(rb"<(?:\x00)?[^?!\x00]")

_PARSER_OPTIONS: dict[str, bool] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}


class _Replay:
    """A read-only stream that returns `head` first, then the rest of `source`."""

    def __init__(self, head: bytes, source: BinaryIO) -> None:
        self._head = head
        self._source = source

    def read(self, size: int = -1) -> bytes:
        if not self._head:
            return self._source.read(size)
        if size < 0:
            data, self._head = self._head + self._source.read(), b""
            return data
        data, self._head = self._head[:size], self._head[size:]
        return data


def declares_dtd(head: bytes) -> bool:
    """True if the bytes before the first element contain a DOCTYPE or ENTITY declaration."""
    match = _ELEMENT_START.search(head)
    prolog = head[: match.start()] if match else head
    return any(marker in prolog for marker in _DECLARATIONS)


def _check_no_doctype(element: etree._Element, filename: str) -> None:
    docinfo = element.getroottree().docinfo
    if getattr(docinfo, "doctype", "") or docinfo.internalDTD is not None:
        raise StatementParseError(filename, "line 1", DTD_NOT_ALLOWED)


def _syntax_error(error: etree.LxmlError, filename: str) -> StatementParseError:
    """What lxml reports, with its line; else the last error libxml2 logged.

    With entity resolution off, iterparse's exception can read "no element found (line 0)"
    while the error log's latest entry holds the cause and line ("Entity 'x' not
    defined"). The log is shared by earlier parses, so only its last error is used.
    """
    position = getattr(error, "position", None)
    line: int | None = position[0] if position else getattr(error, "lineno", None)
    message = getattr(error, "msg", None) or str(error)
    if not line:
        last = error.error_log.last_error  # type: ignore[attr-defined]
        if last is not None and last.level >= etree.ErrorLevels.ERROR:
            line, message = last.line, last.message
    where = f"line {line}" if line else None
    return StatementParseError(filename, where, f"malformed XML: {message}")


def iterparse(
    source: BinaryIO,
    *,
    filename: str,
    tag: Sequence[str],
    events: Sequence[str] = ("end",),
) -> Iterator[tuple[str, etree._Element]]:
    """Stream (event, element) pairs for the given tags, safely.

    The caller clears elements it is done with so memory stays flat. Raises
    StatementParseError for a DOCTYPE / ENTITY declaration and for malformed XML.
    """
    head = source.read(PEEK_BYTES)
    if declares_dtd(head):
        raise StatementParseError(filename, "line 1", DTD_NOT_ALLOWED)
    context = etree.iterparse(
        _Replay(head, source), events=tuple(events), tag=list(tag), **_PARSER_OPTIONS
    )
    checked = False
    try:
        for event, element in context:
            if not checked:
                _check_no_doctype(element, filename)
                checked = True
            yield event, element
        if not checked and context.root is not None:
            _check_no_doctype(context.root, filename)
    except etree.LxmlError as error:
        raise _syntax_error(error, filename) from None


def source_line(element: etree._Element) -> int | None:
    """The line an element starts on (lxml-stubs types `sourceline` loosely)."""
    return cast("int | None", element.sourceline)


def parse_document(data: bytes, *, filename: str) -> etree._Element:
    """Parse a small XML document whole (for formats that do not need streaming)."""
    if declares_dtd(data[:PEEK_BYTES]):
        raise StatementParseError(filename, "line 1", DTD_NOT_ALLOWED)
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.LxmlError as error:
        raise _syntax_error(error, filename) from None
    _check_no_doctype(root, filename)
    return root
