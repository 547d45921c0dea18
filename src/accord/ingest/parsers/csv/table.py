"""From bytes to records: decoding, skipped lines, CSV splitting, the header and columns.

Every record keeps the physical line of the file where it starts, so errors can name it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass

from accord.ingest.parsers.csv.profile import ColumnRef, CsvProfile
from accord.ingest.parsers.errors import StatementParseError

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_HEADER_SHOWN = 40


@dataclass(frozen=True, slots=True)
class Record:
    """One CSV record: the physical 1-based line it starts on and its fields."""

    line: int
    fields: tuple[str, ...]

    @property
    def blank(self) -> bool:
        return not any(value.strip() for value in self.fields)


@dataclass(frozen=True, slots=True)
class Layout:
    """Resolved columns: field name -> 0-based indexes, and each index's display name."""

    indexes: dict[str, tuple[int, ...]]
    names: dict[int, str]
    skip: tuple[tuple[int, frozenset[str]], ...]
    used: tuple[int, ...]  # every index read by a mapped field or a skip rule, ascending

    def label(self, index: int) -> str:
        return self.names.get(index, f"#{index}")


def decode(data: bytes, profile: CsvProfile, filename: str) -> str:
    """The file's text in the profile's encoding, a leading byte-order mark removed."""
    try:
        text = data.decode(profile.encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start : exc.start + 1].hex()
        raise StatementParseError(
            filename,
            f"line {line}",
            f"byte 0x{byte} is not valid {profile.encoding} text: expected the encoding "
            f"declared by CSV profile {profile.name!r}",
        ) from None
    return text.removeprefix("\ufeff")


def physical_lines(text: str) -> list[str]:
    """Lines with their line breaks kept, split only on CR, LF and CRLF as csv does."""
    lines: list[str] = []
    start = 0
    for match in _LINE_BREAK.finditer(text):
        lines.append(text[start : match.end()])
        start = match.end()
    if start < len(text):
        lines.append(text[start:])
    return lines


def records(text: str, profile: CsvProfile, filename: str) -> Iterator[Record]:
    """Non-blank records between the skipped head lines and the skipped footer lines."""
    lines = physical_lines(text)
    while lines and not lines[-1].strip():
        lines.pop()
    end = max(profile.skip_lines, len(lines) - profile.skip_footer_lines)
    body = lines[profile.skip_lines : end]
    reader = csv.reader(
        body, delimiter=profile.delimiter, quotechar=profile.quote, doublequote=True, strict=True
    )
    consumed = 0
    while True:
        start = profile.skip_lines + consumed + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise StatementParseError(filename, f"line {start}", f"not valid CSV: {exc}") from None
        consumed = reader.line_num
        record = Record(start, tuple(fields))
        if not record.blank:
            yield record


def resolve(profile: CsvProfile, header: Record | None, filename: str) -> Layout:
    """Turn the profile's column names into indexes using the header row."""
    names = _header_names(header)
    indexes: dict[str, tuple[int, ...]] = {}
    for field_name, refs in profile.columns.mapped().items():
        found = tuple(
            index
            for ref in refs
            if (index := _index(ref, field_name, names, header, profile, filename)) is not None
        )
        if found:
            indexes[field_name] = found
    skip = tuple(
        (_required_index(rule.column, "skip", names, header, filename), rule.values)
        for rule in profile.skip
    )
    display = {index: name for name, index in names.items()}
    for ref in _all_refs(profile):
        if isinstance(ref, int):
            display.setdefault(ref, f"#{ref}")
    used = {i for group in indexes.values() for i in group} | {i for i, _ in skip}
    return Layout(indexes, display, skip, tuple(sorted(used)))


def _all_refs(profile: CsvProfile) -> list[ColumnRef]:
    refs = [ref for group in profile.columns.mapped().values() for ref in group]
    return refs + [rule.column for rule in profile.skip]


def _header_names(header: Record | None) -> dict[str, int]:
    """Header name -> index; a name that appears twice maps to -1 (ambiguous)."""
    names: dict[str, int] = {}
    if header is None:
        return names
    for index, raw in enumerate(header.fields):
        name = raw.strip()
        names[name] = -1 if name in names else index
    return names


def _index(
    ref: ColumnRef,
    field_name: str,
    names: dict[str, int],
    header: Record | None,
    profile: CsvProfile,
    filename: str,
) -> int | None:
    if isinstance(ref, str) and ref not in names and field_name in profile.optional:
        return None
    return _required_index(ref, field_name, names, header, filename)


def _required_index(
    ref: ColumnRef, field_name: str, names: dict[str, int], header: Record | None, filename: str
) -> int:
    if isinstance(ref, int):
        return ref
    assert header is not None  # noqa: S101 - profiles without a header only hold indexes
    where = f"line {header.line}"
    if ref not in names:
        shown = ", ".join(repr(name) for name in list(names)[:_HEADER_SHOWN])
        raise StatementParseError(
            filename,
            where,
            f'column "{ref}" ({field_name}) is not in the header; the header has: {shown}',
        )
    if names[ref] < 0:
        raise StatementParseError(
            filename, where, f'column "{ref}" ({field_name}) appears more than once in the header'
        )
    return names[ref]
