"""Checksums of input files, recorded in summary.json and used to spot a file given twice,
and their sizes, which weigh the work of reading them."""

from __future__ import annotations

import hashlib
import os
from io import BufferedReader
from pathlib import Path

from accord.reconciliation.files.errors import InputFileError


def sha256_of(path: Path, *, file: str | None = None) -> str:
    """Hex SHA-256 of a file's bytes, or InputFileError when it cannot be read."""
    try:
        with path.open("rb") as handle:
            return sha256_read(handle)
    except OSError as exc:
        raise unreadable(file if file is not None else str(path), exc) from None


def size_of(path: Path) -> int:
    """The file's size in bytes; 0 when it cannot be read (reading it reports why)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def readable_size(path: Path, *, file: str) -> int:
    """The file's size in bytes, or InputFileError at once when it cannot be opened."""
    try:
        with path.open("rb") as handle:
            return os.fstat(handle.fileno()).st_size
    except OSError as exc:
        raise unreadable(file, exc) from None


def unreadable(file: str, exc: OSError) -> InputFileError:
    """The error for a file the operating system would not let Accord read."""
    return InputFileError(file, None, f"cannot read the file: {exc.strerror or exc}")


def sha256_read(handle: BufferedReader) -> str:
    """Hex SHA-256 of the bytes left in an open file, read to its end."""
    return hashlib.file_digest(handle, "sha256").hexdigest()
