"""Reading the job's CSV inputs: rows with the line they start on, and precise read errors."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from pathlib import Path

from accord.reconciliation.files.errors import InputFileError

Row = tuple[int, list[str]]


def numbered_rows(path: Path, file: str) -> Iterator[Row]:
    """Every non-blank row of a UTF-8 CSV file (header first) with its 1-based start line.

    Raises InputFileError naming the line for text that is not UTF-8 or not valid CSV
    (strict quoting: a stray character after a closing quote is an error, not a guess).
    """
    line = 0
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, strict=True)
            for row in reader:
                if row:
                    yield line + 1, row
                line = reader.line_num
    except UnicodeDecodeError:
        raise InputFileError(
            file, f"line {first_undecodable_line(path)}", "not UTF-8 text"
        ) from None
    except csv.Error as exc:
        raise InputFileError(file, f"line {line + 1}", f"not valid CSV: {exc}") from None
    except OSError as exc:
        raise InputFileError(file, None, f"cannot read the file: {exc.strerror or exc}") from None


def first_undecodable_line(path: Path) -> int:
    """The 1-based number of the first line that is not UTF-8 (only on the error path)."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return 1


def header_index(
    header: Sequence[str],
    *,
    known: Sequence[str],
    required: Sequence[str],
    file: str,
    line: int,
) -> tuple[dict[str, int], list[tuple[str, int]]]:
    """Positions of the known columns (matched case-insensitively) and of the other columns.

    Names are stripped of spaces; a name given twice or a missing required column is an
    error naming the header line.
    """
    names = [name.strip() for name in header]
    seen: set[str] = set()
    for name in names:
        if name.lower() in seen:
            raise InputFileError(file, f"line {line}", f"column {name!r} appears twice")
        seen.add(name.lower())
    index = {name.lower(): pos for pos, name in enumerate(names) if name.lower() in known}
    missing = [name for name in required if name not in index]
    if missing:
        raise InputFileError(
            file,
            f"line {line}",
            f"missing column {', '.join(missing)}: expected a header row with "
            f"{', '.join(required)} (any order)",
        )
    others = [(name, pos) for pos, name in enumerate(names) if name.lower() not in known]
    return index, others
