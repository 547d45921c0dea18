"""ZIP archives: members in name order, combined statements, and hostile archives refused."""

from __future__ import annotations

import io
import zipfile

import pytest

from accord.ingest.parsers import read_statement_file
from accord.ingest.parsers.errors import StatementParseError
from accord.ingest.parsers.model import Account, ParsedFile, SourceLocation, Statement
from accord.ingest.parsers.zip import ZIP_MAGIC, ZipLimits, read_zip
from tests.ingest.parsers.camt_builder import document, entry


def make_zip(members: dict[str, bytes], *, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


class FakeReader:
    """Stands in for read_statement_file: one statement per member, format from content."""

    def __init__(self) -> None:
        self.calls: list[tuple[bytes, str]] = []

    def __call__(self, data: bytes, name: str) -> ParsedFile:
        self.calls.append((data, name))
        statement = Statement(
            format=data.decode(),
            id=name,
            account=Account("DE89370400440532013000", None, "EUR"),
            lines=(),
            source=SourceLocation(name, 0, 0),
        )
        return ParsedFile(name, data.decode(), (statement,))


def read(archive: bytes, limits: ZipLimits | None = None) -> tuple[ParsedFile, FakeReader]:
    reader = FakeReader()
    parsed = read_zip(
        io.BytesIO(archive), filename="day.zip", read_member=reader, limits=limits or ZipLimits()
    )
    return parsed, reader


def test_members_are_read_in_name_order_without_folders_or_macos_forks() -> None:
    archive = make_zip(
        {
            "b.xml": b"camt.053.001.08",
            "__MACOSX/._b.xml": b"junk",
            "a/": b"",
            "a/c.xml": b"camt.053.001.08",
        }
    )
    parsed, reader = read(archive)
    assert [name for _, name in reader.calls] == ["day.zip!a/c.xml", "day.zip!b.xml"]
    assert [s.id for s in parsed.statements] == ["day.zip!a/c.xml", "day.zip!b.xml"]
    assert parsed.file == "day.zip"


def test_format_is_the_members_common_format_else_zip() -> None:
    same, _ = read(make_zip({"1": b"camt.053.001.02", "2": b"camt.053.001.02"}))
    mixed, _ = read(make_zip({"1": b"camt.053.001.02", "2": b"mt940"}))
    empty, _ = read(make_zip({}))
    assert (same.format, mixed.format, empty.format) == ("camt.053.001.02", "zip", "zip")


def test_too_many_members_are_refused() -> None:
    archive = make_zip({f"{n}.xml": b"x" for n in range(4)})
    with pytest.raises(StatementParseError, match="ZIP has 4 files: at most 3 are read"):
        read(archive, ZipLimits(max_members=3))


def test_default_member_limit_is_a_thousand() -> None:
    archive = make_zip({f"{n:04d}.xml": b"" for n in range(1001)}, method=zipfile.ZIP_STORED)
    with pytest.raises(StatementParseError, match="ZIP has 1001 files: at most 1000"):
        read(archive)


def test_oversized_member_is_refused() -> None:
    archive = make_zip({"big.xml": b"<x/>" * 300})
    with pytest.raises(StatementParseError, match=r"member big\.xml: 1200 bytes uncompressed"):
        read(archive, ZipLimits(max_member_bytes=1000))


def test_zip_bomb_is_refused_before_inflating() -> None:
    archive = make_zip({"bomb.xml": b"\0" * (2 * 1024 * 1024)})
    with pytest.raises(StatementParseError, match=r"compression ratio \d+:1 looks like a zip bomb"):
        read(archive)


def test_small_members_may_compress_well() -> None:
    parsed, _ = read(make_zip({"pretty.xml": b"camt.053.001.08" + b" " * 50_000}))
    assert len(parsed.statements) == 1


def test_zip_inside_zip_is_refused() -> None:
    inner = make_zip({"a.xml": b"camt"})
    with pytest.raises(StatementParseError, match="a ZIP inside a ZIP is not read"):
        read(make_zip({"inner.zip": inner}))


def test_damaged_archive_is_a_parse_error() -> None:
    archive = bytearray(make_zip({"a.xml": b"camt.053.001.08" * 100}))
    assert archive.startswith(ZIP_MAGIC)
    with pytest.raises(StatementParseError, match="unreadable ZIP archive"):
        read(bytes(archive[: len(archive) // 2]))
    body = bytearray(archive)
    body[40] ^= 0xFF  # inside the compressed data of the first member
    with pytest.raises(StatementParseError, match=r"member a\.xml: unreadable ZIP member"):
        read(bytes(body))


def test_read_statement_file_reads_a_zip_of_camt_files() -> None:
    archive = make_zip(
        {
            "2.xml": document(entry("2.00", ref="B"), version="08", statement_id="S2"),
            "1.xml": document(entry("1.00", ref="A"), version="08", statement_id="S1"),
        }
    )
    parsed = read_statement_file(archive, filename="bank.zip")
    assert parsed.format == "camt.053.001.08"
    assert [s.id for s in parsed.statements] == ["S1", "S2"]
    line = parsed.statements[1].lines[0]
    assert line.source.file == "bank.zip!2.xml"
    assert line.bank_ref == "B"


def test_a_bad_member_names_the_archive_and_member() -> None:
    archive = make_zip({"bad.xml": document(entry("1,00"))})
    with pytest.raises(StatementParseError, match=r"bank\.zip!bad\.xml: /Document/"):
        read_statement_file(archive, filename="bank.zip")


def test_a_member_without_a_name_is_a_parse_error() -> None:
    """Found by bench/fuzz_parsers.py: zipfile itself fails on an empty member name."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo(""), b"x")
    with pytest.raises(StatementParseError, match="member without a name"):
        read_statement_file(buffer.getvalue(), filename="a.zip")
