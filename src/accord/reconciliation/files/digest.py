"""Checksums of input files, recorded in summary.json and used to spot a file given twice,
and their sizes, which weigh the work of reading them."""

from __future__ import annotations

import hashlib
from io import BufferedReader
from pathlib import Path

from accord.reconciliation.files.errors import InputFileError


def sha256_of(path: Path, *, file: str | None = None) -> str:
    """Hex SHA-256 of a file's bytes, or InputFileError when it cannot be read."""
    try:
        with path.open("rb") as handle:
            return sha256_read(handle)
    except OSError as exc:
        name = file if file is not None else str(path)
        raise InputFileError(name, None, f"cannot read the file: {exc.strerror or exc}") from None


def size_of(path: Path) -> int:
    """The file's size in bytes; 0 when it cannot be read (reading it reports why)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def sha256_read(handle: BufferedReader) -> str:
    """Hex SHA-256 of the bytes left in an open file, read to its end."""
    return hashlib.file_digest(handle, "sha256").hexdigest()
