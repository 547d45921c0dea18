"""Split MT940 / MT942 text into statements and fields, keeping the line each starts on.

A field starts with a known tag (``:61:``) at the start of a line and runs to the next one;
other lines continue the current field (a ``:86:`` wrapped at 65 characters, or a wrapped
text line that happens to start with ``:26:``). ``:20:`` starts a statement. Before it, bank
header lines and SWIFT blocks (``{1:...}{2:...}{4:``) are skipped; a known field there, or
a tag other than the Rabobank ``:940:`` marker, is an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

KNOWN_TAGS = frozenset(
    "13 13D 20 21 25 25P 28 28C 34F 60 60F 60M 61 62 62F 62M 64 65 86 90D 90C NS".split()  # noqa: SIM905
)
_TAG = re.compile(r":([0-9]{2}[A-Z]?|NS):")
_TAG_LIKE = re.compile(r":[0-9A-Z]{1,6}:")
_SWIFT_TYPE = re.compile(r"\{2:[IO](\d{3})")
_FILE_MARKERS = {":940:": "940", ":942:": "942"}


class FieldError(Exception):
    """A problem at one line of the file; the parser adds the file name."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(f"line {line}: {problem}")
        self.line = line
        self.problem = problem


class Field(NamedTuple):
    """One tagged field: `lines[0]` is the text after the tag, the rest its continuation.

    A tuple rather than a frozen dataclass: a file has one per field, and this is cheaper.
    """

    tag: str
    line: int
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        """The first line without surrounding whitespace."""
        return self.lines[0].strip()

    @property
    def extra_lines(self) -> tuple[str, ...]:
        """Continuation lines that hold more than whitespace."""
        return tuple(line for line in self.lines[1:] if line.strip())


@dataclass(slots=True)
class Block:
    """The fields of one statement, from its ``:20:`` to its terminator or the next ``:20:``."""

    fields: list[Field] = field(default_factory=list)
    terminated: bool = False
    message_type: str | None = None


def split_lines(text: str) -> list[str]:
    """Lines of the file without their end-of-line characters (CRLF, LF or CR)."""
    if "\n" not in text and "\r" in text:
        return text.split("\r")
    lines = text.split("\n")
    if "\r" in text:
        return [line.rstrip("\r") for line in lines]
    return lines


def split_blocks(lines: list[str]) -> list[Block]:
    """Group the file's lines into statements of fields, or raise FieldError."""
    splitter = _Splitter(lines, _tag_per_line(lines))
    for index, line in enumerate(lines):
        splitter.feed(index, line)
    splitter.close_field()
    return splitter.blocks


class _Splitter:
    """The state of one pass over the lines: the open statement and the open field."""

    def __init__(self, lines: list[str], tags: list[str | None]) -> None:
        self.all_lines = lines
        self.tags = tags
        self.blocks: list[Block] = []
        self.block: Block | None = None
        self.message_type: str | None = None
        self.tag = ""
        self.line = 0
        self.lines: list[str] = []

    def feed(self, index: int, line: str) -> None:
        tag = self.tags[index]
        if tag is not None:
            self.open_field(tag, index, line)
        elif self.block is not None and not self.block.terminated:
            if line[:1] == "-" and _ends_statement(line, index, self.all_lines, self.tags):
                self.close_field()
                self.block.terminated = True
                self.message_type = None
            else:
                self.lines.append(line)
        else:
            self.message_type = _preamble(line, index, self.message_type)

    def open_field(self, tag: str, index: int, line: str) -> None:
        self.close_field()
        if tag == "20":
            self.block = Block(message_type=self.message_type)
            self.blocks.append(self.block)
        elif self.block is None or self.block.terminated:
            raise FieldError(index + 1, f"found :{tag}: before :20:; expected :20: first")
        self.tag, self.line, self.lines = tag, index + 1, [line[len(tag) + 2 :]]

    def close_field(self) -> None:
        if self.block is not None and self.lines:
            self.block.fields.append(Field(self.tag, self.line, tuple(self.lines)))
        self.lines = []


def _tag_per_line(lines: list[str]) -> list[str | None]:
    tags: list[str | None] = []
    append = tags.append
    match = _TAG.match
    for line in lines:
        found = match(line) if line[:1] == ":" else None
        append(found[1] if found is not None and found[1] in KNOWN_TAGS else None)
    return tags


def _ends_statement(line: str, index: int, lines: list[str], tags: list[str | None]) -> bool:
    """Whether a line starting with '-' ends the statement rather than continuing text.

    ``-}`` closes a SWIFT block, so it always ends one. A bare ``-`` (or ING's ``-XXX``)
    does when a field, a SWIFT block or the end of the file follows. When text follows,
    it ends the statement only if the next field is ``:20:`` (the text is a bank header
    such as ABN AMRO's); otherwise it is part of a wrapped value (ING wraps a mandate id
    ``MND-EV01`` so that the '-' sits on a line of its own).
    """
    stripped = line.rstrip()
    if stripped.startswith("-}"):
        return True
    if stripped not in ("-", "-XXX"):
        return False
    following = next((i for i in range(index + 1, len(lines)) if lines[i].strip()), None)
    if following is None or tags[following] is not None or lines[following].lstrip()[0] == "{":
        return True
    next_tag = next((tags[i] for i in range(following, len(tags)) if tags[i] is not None), None)
    return next_tag in (None, "20")


def _preamble(line: str, index: int, message_type: str | None) -> str | None:
    """Read a line outside any statement: headers are skipped, stray fields rejected."""
    stripped = line.strip()
    if not stripped or stripped[0] == "-":
        return message_type
    if stripped[0] == "{":
        found = _SWIFT_TYPE.search(stripped)
        return found[1] if found else message_type
    if stripped in _FILE_MARKERS:
        return _FILE_MARKERS[stripped]
    if _TAG_LIKE.match(stripped):
        tag = stripped.split(":")[1]
        raise FieldError(index + 1, f"{tag!r} is not an MT940/MT942 field; expected :20:")
    return message_type
