"""Read the statement files of a job: checked, in a fixed order, with unique bank refs."""

from __future__ import annotations

import dataclasses
import functools
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from accord.ingest.parsers import CsvProfile, ParsedFile, load_profile, read_statement_file
from accord.ingest.parsers.model import BankLine
from accord.reconciliation.files.digest import readable_size, sha256_read, unreadable
from accord.reconciliation.files.errors import InputFileError
from accord.reconciliation.files.parallel import map_split_beside

# The worker's share (bytes of statement files) below which parsing in a second process
# saves little. Measured (CPU seconds, 100k camt entries, 45 MB): parsing 4.1, sending the
# lines back about 1.0 + 0.4.
PARALLEL_MIN_BYTES = 4_000_000
# What parsing a file costs in the worker, as a multiple of parsing it here: its lines are
# pickled there and read back here. Measured (100k camt entries): 21.7 MB/s in the worker,
# sending included, against 23.6 MB/s here.
PARSE_WORKER_COST = 1.1

B = TypeVar("B")


@dataclass(frozen=True, slots=True)
class StatementFile:
    file: str  # the path as given on the command line
    sha256: str
    parsed: ParsedFile


@dataclass(frozen=True, slots=True)
class Statements:
    """Files sorted by (name, checksum); lines in that file order, bank refs made unique."""

    files: tuple[StatementFile, ...]
    lines: tuple[BankLine, ...]
    renamed_refs: int  # lines whose bank ref was shared and got a `#n` suffix


def read_statements(
    paths: Sequence[Path], *, csv_profile: str | None = None, allow_unbalanced: bool = False
) -> Statements:
    """Parse every statement file completely, or raise the first file's error (by name).

    The order of `paths` does not matter. The same file given twice (same bytes) is an error:
    its lines would be matched twice; each file is checksummed as it is parsed, so that
    error comes once every file has been read.
    """
    read, _ = read_statements_beside(
        paths, lambda: None, 0, csv_profile=csv_profile, allow_unbalanced=allow_unbalanced
    )
    return read


def read_statements_beside(
    paths: Sequence[Path],
    beside: Callable[[], B],
    beside_bytes: int,
    *,
    csv_profile: str | None = None,
    allow_unbalanced: bool = False,
) -> tuple[Statements, B]:
    """`read_statements`, and `beside()` in this process meanwhile, counted as the work
    of parsing `beside_bytes` of statements. A statement's error comes before beside's."""
    if not paths:
        raise InputFileError("STATEMENT", None, "no statement file given")
    # By name alone: a name given twice is one file given twice, refused below.
    jobs = sorted(((path, str(path)) for path in paths), key=lambda job: job[1])
    profile = load_profile(csv_profile) if csv_profile is not None else None
    parse = functools.partial(_parse, csv_profile=profile, allow_unbalanced=allow_unbalanced)
    # A file that cannot be opened fails here, before the ledger is read beside.
    weights = [readable_size(path, file=name) for path, name in jobs]
    parsed, beside_result = map_split_beside(
        parse,
        jobs,
        weights,
        beside=beside,
        beside_weight=beside_bytes,
        min_share=PARALLEL_MIN_BYTES,
        worker_cost=PARSE_WORKER_COST,
        check=functools.partial(_refuse_duplicates, [name for _, name in jobs]),
    )
    files = tuple(
        StatementFile(name, *result) for (_, name), result in zip(jobs, parsed, strict=True)
    )
    lines = [line for f in files for s in f.parsed.statements for line in s.lines]
    unique, renamed = unique_refs(lines)
    return Statements(files, tuple(unique), renamed), beside_result


def _parse(
    job: tuple[Path, str], *, csv_profile: CsvProfile | None, allow_unbalanced: bool
) -> tuple[str, ParsedFile]:
    """The file's SHA-256 and its statements. Checksummed here rather than before the work
    is shared out: at a million lines, hashing the statements took a second of one core
    while the other waited."""
    path, name = job
    try:
        with path.open("rb") as handle:
            digest = sha256_read(handle)
            handle.seek(0)
            return digest, read_statement_file(
                handle, filename=name, csv_profile=csv_profile, allow_unbalanced=allow_unbalanced
            )
    except OSError as exc:
        raise unreadable(name, exc) from None


def _refuse_duplicates(names: Sequence[str], read: Sequence[tuple[str, ParsedFile]]) -> None:
    """A file whose bytes (checksum) an earlier one has: InputFileError naming both."""
    first: dict[str, str] = {}
    for name, (digest, _) in zip(names, read, strict=True):
        if digest in first:
            raise InputFileError(
                name,
                None,
                f"same content as {first[digest]}: a statement given twice would "
                "have its lines matched twice",
            )
        first[digest] = name


def unique_refs(lines: Sequence[BankLine]) -> tuple[list[BankLine], int]:
    """The lines with every shared bank ref suffixed `#1`, `#2`, ... in line order.

    Banks reuse references (MT940 `NONREF`), and derived refs repeat when two files carry
    statements with the same id; the outputs name lines by ref, so each must be unique.
    """
    if len({line.bank_ref for line in lines}) == len(lines):
        return list(lines), 0  # as in most jobs; a set takes a third of the time of counting
    counts = Counter(line.bank_ref for line in lines)
    shared = {ref for ref, count in counts.items() if count > 1}
    taken = set(counts)
    seen: Counter[str] = Counter()
    result: list[BankLine] = []
    for line in lines:
        if line.bank_ref in shared:
            line = dataclasses.replace(line, bank_ref=_next_ref(line.bank_ref, seen, taken))
        result.append(line)
    return result, sum(counts[ref] for ref in shared)


def _next_ref(ref: str, seen: Counter[str], taken: set[str]) -> str:
    while True:
        seen[ref] += 1
        candidate = f"{ref}#{seen[ref]}"
        if candidate not in taken:
            taken.add(candidate)
            return candidate
