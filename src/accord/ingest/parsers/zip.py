"""ZIP archives of statement files (banks zip a day's camt files; exports zip CSVs).

Each member is read as a statement file of its own and their statements are combined.
An archive is refused before anything is decompressed when it has too many members, a
member claims to be too large or too highly compressed (a zip bomb); and while reading,
no member may produce more bytes than it declared.
"""

from __future__ import annotations

import lzma
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from accord.ingest.parsers.errors import StatementParseError
from accord.ingest.parsers.model import ParsedFile

ZIP_MAGIC = b"PK\x03\x04"
_CHUNK = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ZipLimits:
    """What an archive may hold before it is refused as unreasonable or hostile.

    Small members compress well for no sinister reason (a few KB of XML indentation), so
    the compression ratio is checked only for members above `ratio_floor_bytes`.
    """

    max_members: int = 1000
    max_member_bytes: int = 200 * 1024 * 1024
    max_ratio: int = 100
    ratio_floor_bytes: int = 1024 * 1024


DEFAULT_LIMITS = ZipLimits()

ReadMember = Callable[[bytes, str], ParsedFile]
# What a damaged, encrypted or exotic archive raises while being opened or read.
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    OSError,
    NotImplementedError,
    RuntimeError,
    ValueError,
)


def _members(archive: zipfile.ZipFile, filename: str, limits: ZipLimits) -> list[zipfile.ZipInfo]:
    """The file members in name order, without folders and macOS resource forks."""
    infos = archive.infolist()
    if any(not info.filename for info in infos):
        raise StatementParseError(filename, None, "ZIP has a member without a name")
    members = [
        info for info in infos if not info.is_dir() and not info.filename.startswith("__MACOSX/")
    ]
    if len(members) > limits.max_members:
        raise StatementParseError(
            filename,
            None,
            f"ZIP has {len(members)} files: at most {limits.max_members} are read",
        )
    return sorted(members, key=lambda info: info.filename)


def _check_sizes(info: zipfile.ZipInfo, filename: str, limits: ZipLimits) -> None:
    where = f"member {info.filename}"
    if info.file_size > limits.max_member_bytes:
        raise StatementParseError(
            filename,
            where,
            f"{info.file_size} bytes uncompressed: at most {limits.max_member_bytes} are read",
        )
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > limits.ratio_floor_bytes and ratio > limits.max_ratio:
        raise StatementParseError(
            filename,
            where,
            f"compression ratio {ratio:.0f}:1 looks like a zip bomb (at most {limits.max_ratio}:1)",
        )


def _read_bounded(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, filename: str, limits: ZipLimits
) -> bytes:
    """The member's bytes, stopping if it inflates past its declared size."""
    chunks: list[bytes] = []
    total = 0
    with archive.open(info) as member:
        while chunk := member.read(_CHUNK):
            total += len(chunk)
            if total > min(info.file_size, limits.max_member_bytes):
                raise StatementParseError(
                    filename, f"member {info.filename}", "inflates past its declared size"
                )
            chunks.append(chunk)
    return b"".join(chunks)


def _combined_format(parts: list[ParsedFile]) -> str:
    formats = {part.format for part in parts}
    return formats.pop() if len(formats) == 1 else "zip"


def _read_members(
    archive: zipfile.ZipFile, filename: str, read_member: ReadMember, limits: ZipLimits
) -> list[ParsedFile]:
    members = _members(archive, filename, limits)
    for info in members:
        _check_sizes(info, filename, limits)
    parts = []
    for info in members:
        try:
            data = _read_bounded(archive, info, filename, limits)
        except _ZIP_ERRORS as error:
            raise StatementParseError(
                filename, f"member {info.filename}", f"unreadable ZIP member: {error}"
            ) from None
        if data.startswith(ZIP_MAGIC):
            raise StatementParseError(
                filename, f"member {info.filename}", "a ZIP inside a ZIP is not read"
            )
        parts.append(read_member(data, f"{filename}!{info.filename}"))
    return parts


def read_zip(
    stream: BinaryIO,
    *,
    filename: str,
    read_member: ReadMember,
    limits: ZipLimits = DEFAULT_LIMITS,
) -> ParsedFile:
    """Read every statement file in a ZIP archive; member files are named ``zip!member``.

    `read_member(data, name)` parses one member (read_statement_file supplies it). The
    format is the members' common format, or ``zip`` when they differ or there are none.
    """
    try:
        archive = zipfile.ZipFile(stream)
    except _ZIP_ERRORS as error:
        raise StatementParseError(filename, None, f"unreadable ZIP archive: {error}") from None
    with archive:
        parts = _read_members(archive, filename, read_member, limits)
    return ParsedFile(
        filename,
        _combined_format(parts),
        tuple(statement for part in parts for statement in part.statements),
    )
