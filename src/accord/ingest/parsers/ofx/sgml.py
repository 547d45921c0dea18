"""OFX 1.x: a ``KEY:VALUE`` header, then SGML whose leaf elements have no end tags.

An element followed by text is a leaf (its end tag, if any, is skipped); any other element
is an aggregate, closed by its end tag. Real files also leave some aggregates open (Nubank
never closes BANKTRANLIST), so, as SGML's omitted end tags allow:

- an element whose parent is known (a STMTTRN's is BANKTRANLIST, a LEDGERBAL's the
  statement) closes whatever is still open inside that parent, so a LEDGERBAL closes an
  open BANKTRANLIST and a STMTTRN the STMTTRN before it; an aggregate is also closed when
  another of the same name opens (none nests itself);
- an element still open when its parent closes is closed there: a known aggregate keeps
  its children; any other element was an empty leaf, and what was read into it moves up
  to its parent, so a missing end tag shows up as a missing field at its line.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from accord.ingest.parsers.ofx.tree import Node, OfxError

MAX_DEPTH = 64
_TOKEN = re.compile(r"<(/?)([^<>\s/]*)\s*>|([^<]+)|(<)")
_ENCODINGS = {"UTF-8": "utf-8", "UTF8": "utf-8"}
_CHARSETS = {
    "1252": "cp1252",
    "WINDOWS-1252": "cp1252",
    "ISO-8859-1": "latin-1",
    "8859-1": "latin-1",
}
# OFX aggregates (elements with children) that a statement file can hold.
AGGREGATES = frozenset(
    [
        "OFX",
        "SIGNONMSGSRSV1",
        "SONRS",
        "STATUS",
        "FI",
        "BANKMSGSRSV1",
        "STMTTRNRS",
        "STMTRS",
        "BANKACCTFROM",
        "BANKACCTTO",
        "CCACCTFROM",
        "CCACCTTO",
        "BANKTRANLIST",
        "STMTTRN",
        "PAYEE",
        "CURRENCY",
        "ORIGCURRENCY",
        "LEDGERBAL",
        "AVAILBAL",
        "BALLIST",
        "BAL",
        "CREDITCARDMSGSRSV1",
        "CCSTMTTRNRS",
        "CCSTMTRS",
    ]
)
_STATEMENT = frozenset({"STMTRS", "CCSTMTRS"})
# Where an element belongs: opening it closes whatever is left open inside its parent.
_PARENTS = {
    "STMTTRN": frozenset({"BANKTRANLIST"}),
    **dict.fromkeys(
        [
            "CURDEF",
            "BANKACCTFROM",
            "CCACCTFROM",
            "BANKTRANLIST",
            "LEDGERBAL",
            "AVAILBAL",
            "BALLIST",
            "MKTGINFO",
        ],
        _STATEMENT,
    ),
    "STMTRS": frozenset({"STMTTRNRS"}),
    "CCSTMTRS": frozenset({"CCSTMTTRNRS"}),
    "STMTTRNRS": frozenset({"BANKMSGSRSV1"}),
    "CCSTMTTRNRS": frozenset({"CREDITCARDMSGSRSV1"}),
    **dict.fromkeys(["SIGNONMSGSRSV1", "BANKMSGSRSV1", "CREDITCARDMSGSRSV1"], frozenset({"OFX"})),
}

_Token = tuple[str, str, int]


@dataclass(slots=True)
class _Open:
    name: str
    line: int
    children: list[Node] = field(default_factory=list)


def read_header(data: bytes) -> tuple[dict[str, str], int]:
    """The ``KEY:VALUE`` lines before the first ``<`` and the offset where the body starts."""
    start = data.find(b"<")
    if start < 0:
        raise OfxError(1, "no OFX body: expected <OFX> after the header")
    header: dict[str, str] = {}
    for line in data[:start].decode("latin-1").splitlines():
        key, colon, value = line.partition(":")
        if colon:
            header[key.strip().upper()] = value.strip().upper()
    return header, start


def decode(body: bytes, header: dict[str, str]) -> str:
    """The body text in the header's encoding; mislabelled files fall back to cp1252 and
    Latin-1 (which cannot fail), as banks often label Latin-1 text USASCII."""
    declared = _ENCODINGS.get(header.get("ENCODING", "")) or _CHARSETS.get(
        header.get("CHARSET", ""), "cp1252"
    )
    for encoding in (declared, "cp1252"):
        try:
            return body.decode(encoding)
        except UnicodeDecodeError:
            continue
    return body.decode("latin-1")


def _tokens(text: str, first_line: int) -> list[_Token]:
    """(kind, value, line): kind is "open", "close" or "text"."""
    tokens: list[_Token] = []
    line, last = first_line, 0
    for match in _TOKEN.finditer(text):
        line += text.count("\n", last, match.start())
        last = match.start()
        if match.group(4) is not None:
            raise OfxError(line, "a '<' that does not start a tag")
        if match.group(3) is not None:
            tokens.append(("text", match.group(3), line))
        elif not match.group(2):
            raise OfxError(line, "an empty tag name")
        else:
            kind = "close" if match.group(1) else "open"
            tokens.append((kind, match.group(2).upper(), line))
    return tokens


class _Builder:
    """Builds the element tree from tokens, closing omitted end tags as described above."""

    def __init__(self, first_line: int) -> None:
        self.stack = [_Open("#document", first_line)]
        self.implied: set[str] = set()

    def _pop(self) -> None:
        top = self.stack.pop()
        parent = self.stack[-1].children
        if top.name in AGGREGATES:
            parent.append(Node(top.name, "", tuple(top.children), top.line))
        else:
            parent.append(Node(top.name, "", (), top.line))
            parent.extend(top.children)

    def close(self, name: str, line: int) -> None:
        if not any(o.name == name for o in self.stack[1:]):
            if name in self.implied:
                self.implied.discard(name)
                return
            raise OfxError(line, f"</{name}> closes an element that is not open")
        while self.stack[-1].name != name:
            self._pop()
        self._pop()

    def _close_implied(self, name: str) -> None:
        parents = _PARENTS.get(name, frozenset())
        if any(o.name in parents for o in self.stack[1:]):
            while self.stack[-1].name not in parents:
                self.implied.add(self.stack[-1].name)
                self._pop()
        elif name in AGGREGATES and any(o.name == name for o in self.stack[1:]):
            while self.stack[-1].name != name:
                self._pop()
            self.implied.add(name)
            self._pop()

    def leaf(self, name: str, text: str, line: int) -> None:
        self._close_implied(name)
        self.stack[-1].children.append(Node(name, text, (), line))

    def open(self, name: str, line: int) -> None:
        self._close_implied(name)
        if len(self.stack) > MAX_DEPTH:
            raise OfxError(line, f"elements nested deeper than {MAX_DEPTH} levels")
        self.stack.append(_Open(name, line))

    def finish(self, first_line: int) -> Node:
        if len(self.stack) > 1:
            raise OfxError(self.stack[-1].line, f"the file ends before </{self.stack[1].name}>")
        root = self.stack[0].children
        if len(root) != 1 or root[0].name != "OFX":
            raise OfxError(first_line, "expected one <OFX> element holding the whole body")
        return root[0]


def read_sgml(text: str, first_line: int) -> Node:
    """The <OFX> element of an SGML body."""
    tokens = _tokens(text, first_line)
    builder = _Builder(first_line)
    index = 0
    while index < len(tokens):
        kind, value, line = tokens[index]
        index += 1
        if kind == "text":
            if value.strip():
                raise OfxError(line, f"text {value.strip()[:20]!r} outside a leaf element")
        elif kind == "close":
            builder.close(value, line)
        else:
            index = _open(builder, tokens, index, value, line)
    return builder.finish(first_line)


def _open(builder: _Builder, tokens: list[_Token], index: int, name: str, line: int) -> int:
    """Handle an open tag; return the index of the next token to read."""
    following = tokens[index : index + 3]
    if following and following[0][0] == "text" and following[0][1].strip():
        builder.leaf(name, html.unescape(following[0][1].strip()), line)
        closed = len(following) > 1 and following[1][:2] == ("close", name)
        return index + (2 if closed else 1)
    if following and following[0][0] == "text":
        following = following[1:]
        index += 1
    if following and following[0][:2] == ("close", name):
        builder.leaf(name, "", line)
        return index + 1
    builder.open(name, line)
    return index
