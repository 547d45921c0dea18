"""BAI2 physical records, grouped into logical records with their 88 continuations.

A logical record is one 01/02/03/16/49/98/99 record plus the 88 records that follow it.
Fields are comma separated; a "/" ends the data of a physical record, and the next 88
starts a new field. The text field of a 16 record is not delimited: it runs to the end of
the physical record and on through the following 88 records, commas included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

RECORD_CODES = ("01", "02", "03", "16", "49", "88", "98", "99")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class Bai2Error(Exception):
    """A problem at a line of the file; the parser turns it into a StatementParseError."""

    def __init__(self, line: int | None, problem: str) -> None:
        super().__init__(problem)
        self.line = line
        self.problem = problem


def is_digits(value: str) -> bool:
    """ASCII digits only (str.isdigit also accepts superscripts and other scripts)."""
    return value.isascii() and value.isdigit()


@dataclass(frozen=True, slots=True)
class Field:
    value: str
    line: int


@dataclass(frozen=True, slots=True)
class Piece:
    """One physical record: its line number and the text after the record code."""

    line: int
    content: str


@dataclass(frozen=True, slots=True)
class Record:
    """One logical record: its own physical record first, then its 88 continuations."""

    code: str
    pieces: tuple[Piece, ...]

    @property
    def line(self) -> int:
        return self.pieces[0].line

    @property
    def physical_count(self) -> int:
        return len(self.pieces)


def read_records(text: str) -> list[Record]:
    """Split the file into logical records; blank lines are skipped but keep their number."""
    grouped: list[tuple[str, list[Piece]]] = []
    for number, raw in enumerate(_LINE_BREAK.split(text), start=1):
        line = raw.rstrip()
        if not line.strip():
            continue
        code, comma, content = line.partition(",")
        if code not in RECORD_CODES or not comma:
            raise Bai2Error(
                number,
                f"unknown record {line[:12]!r}: a BAI2 record starts with a record code "
                f"({', '.join(RECORD_CODES)}) and a comma",
            )
        if code == "88":
            if not grouped:
                raise Bai2Error(number, "a continuation record (88) must follow another record")
            grouped[-1][1].append(Piece(number, content))
        else:
            grouped.append((code, [Piece(number, content)]))
    return [Record(code, tuple(pieces)) for code, pieces in grouped]


def _data_before_slash(piece: Piece) -> str:
    data, slash, rest = piece.content.partition("/")
    if slash and rest.strip():
        raise Bai2Error(
            piece.line, f"unexpected {rest.strip()[:20]!r} after the '/' ending the record"
        )
    return data


def plain_fields(record: Record) -> list[Field]:
    """The fields of a record without free text (every code but 16), continuations included."""
    return [
        Field(value.strip(), piece.line)
        for piece in record.pieces
        for value in _data_before_slash(piece).split(",")
    ]


def availability_width(funds: Field, count: Field | None) -> int:
    """How many fields follow a funds type: S has 3 amounts, V a date and time, D a count
    and that many (days, amount) pairs; 0, 1, 2, Z and blank have none."""
    kind = funds.value.upper()
    if kind in ("", "0", "1", "2", "Z"):
        return 0
    if kind == "S":
        return 3
    if kind == "V":
        return 2
    if kind == "D":
        if count is None or not is_digits(count.value) or len(count.value) > 3:
            raise Bai2Error(
                funds.line, "funds type D must be followed by the number of distributions (0-999)"
            )
        return 1 + 2 * int(count.value)
    raise Bai2Error(
        funds.line, f"unknown funds type {funds.value!r}: expected 0, 1, 2, S, V, D or Z"
    )


@dataclass(frozen=True, slots=True)
class DetailFields:
    """A 16 record split into its delimited fields and its free text."""

    fields: tuple[Field, ...]
    text: str | None


def _fixed_count(fields: list[Field]) -> int:
    """Fields before the text: type, amount, funds type, availability, bank and customer ref."""
    if len(fields) < 3:
        return 3
    if fields[2].value.upper() == "D" and len(fields) < 4:
        return 4
    count = fields[3] if len(fields) > 3 else None
    return 3 + availability_width(fields[2], count) + 2


def _take_fields(piece: Piece, fields: list[Field]) -> str | None:
    """Read fields from one physical record until the text starts; return the text part,
    or None when the record ended (by "/" or its end) before the text."""
    rest = piece.content
    while len(fields) < _fixed_count(fields):
        match = re.search(r"[,/]", rest)
        if match is None:
            fields.append(Field(rest.strip(), piece.line))
            return None
        fields.append(Field(rest[: match.start()].strip(), piece.line))
        if match.group() == "/":
            return None
        rest = rest[match.end() :]
    return rest


def _clean_text(part: str) -> str:
    part = part.rstrip()
    return part[:-1].rstrip() if part.endswith("/") else part


def detail_fields(record: Record) -> DetailFields:
    """Split a 16 record (with its 88 continuations) into fields and text.

    Continuation texts are joined with one space; a trailing "/" on a text part is the
    record delimiter some banks add, not text, and is dropped.
    """
    fields: list[Field] = []
    parts: list[str] = []
    for piece in record.pieces:
        if len(fields) < _fixed_count(fields):
            text = _take_fields(piece, fields)
            if text is None:
                continue
        else:
            text = piece.content
        cleaned = _clean_text(text).strip()
        if cleaned:
            parts.append(cleaned)
    needed = _fixed_count(fields)
    if len(fields) < needed - 2:
        raise Bai2Error(
            record.line,
            f"transaction detail ends after {len(fields)} fields: expected type code, amount, "
            "funds type and its availability fields",
        )
    while len(fields) < needed:
        fields.append(Field("", record.pieces[-1].line))
    return DetailFields(tuple(fields), " ".join(parts) or None)
