"""The whole `accord reconcile` job: read every input, run the engine, publish the outputs.

Nothing is written until every input has been read and matched; the output folder then
appears (or is replaced) at once. Same inputs, same bytes, whatever the statement order.
"""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from accord.matching.engine import RecordBook
from accord.matching.engine.model import EngineResult, MatchStatus, Rate
from accord.matching.engine.rules import DEFAULT_RULES, Rules
from accord.reconciliation.files import outputs
from accord.reconciliation.files.digest import sha256_of, size_of
from accord.reconciliation.files.engine_run import book_ahead, run_engine
from accord.reconciliation.files.ledger_csv import Ledger, read_ledger
from accord.reconciliation.files.outdir import check_out_dir, publish
from accord.reconciliation.files.rates_csv import read_rates
from accord.reconciliation.files.rules_toml import read_rules
from accord.reconciliation.files.statements import Statements, read_statements_beside
from accord.reconciliation.files.summary import InputFile, build_summary

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class JobResult:
    """What a finished job wrote, in numbers."""

    out: Path
    lines: int
    records: int
    matched: int  # rows of matches.csv with status matched
    review: int
    unmatched_lines: int
    unmatched_records: int


@dataclass(frozen=True, slots=True)
class _LedgerSide:
    ledger: Ledger
    ledger_sha256: str
    rates: tuple[Rate, ...]
    rules: Rules
    book: RecordBook | None


@dataclass(frozen=True, slots=True)
class _Inputs:
    statements: Statements
    ledger: Ledger
    ledger_sha256: str
    rates: tuple[Rate, ...]
    rules: Rules


# Reading a ledger byte and building the records' book costs about this many times the
# CPU of parsing a camt.053 byte (measured, 100k lines, compiled parser, 2026-12-07: 1.25 s
# for a 19 MB ledger; statements parsed at 23.6 MB/s).
LEDGER_COST = 1.55


def run_reconcile(
    statements: Sequence[Path],
    *,
    ledger: Path,
    out: Path,
    rates: Path | None = None,
    rules: Path | None = None,
    csv_profile: str | None = None,
    allow_unbalanced: bool = False,
    progress: Progress | None = None,
    park: list[object] | None = None,
) -> JobResult:
    """Reconcile statement files against a ledger file and write the results into `out`.

    Raises BadInput (naming file and line) for any input that cannot be read completely,
    OutputDirError when `out` holds other files, OutputWriteError when writing fails; in
    each case `out` is left as it was. With `park`, the job's inputs and results are put
    there instead of being freed as it returns: a process about to exit need not spend
    seconds freeing millions of objects (at a million lines, 3.7 s); everything alive is
    then frozen (`gc.freeze`), so that no later collection scans it. A failed job parks
    and freezes nothing.
    """
    say = progress or _quiet
    check_out_dir(out, outputs=outputs.OUTPUT_FILES, marker=outputs.SUMMARY)
    with _no_gc():
        # The job's millions of objects are freed as `_run` returns, before collection is
        # back on; alive, the first collection would scan them all (1 s at 100k lines).
        return _run(statements, ledger, out, rates, rules, csv_profile, allow_unbalanced, say, park)


def _run(
    statements: Sequence[Path],
    ledger: Path,
    out: Path,
    rates: Path | None,
    rules: Path | None,
    csv_profile: str | None,
    allow_unbalanced: bool,
    say: Progress,
    park: list[object] | None,
) -> JobResult:
    read, book = _read_inputs(statements, ledger, rates, rules, csv_profile, allow_unbalanced, say)
    say(f"matching {len(read.statements.lines)} lines with {len(read.ledger.records)} records")
    result = run_engine(
        read.statements.lines,
        read.ledger.records,
        rates=read.rates,
        rules=read.rules,
        book=book,
    )
    say(f"{len(result.matches)} matches; writing {out}")
    options = {"allow_unbalanced": allow_unbalanced, "csv_profile": csv_profile}
    _write(out, read, result, rates=rates, rules=rules, options=options)
    if park is not None:
        park.extend((read, book, result))
        # Alive and all young, they would be scanned by the first collection once it is
        # back on (0.6 s at 100k lines); frozen, never.
        gc.freeze()
    return _result(out, read, result)


def _read_inputs(
    statements: Sequence[Path],
    ledger: Path,
    rates: Path | None,
    rules: Path | None,
    csv_profile: str | None,
    allow_unbalanced: bool,
    say: Progress,
) -> tuple[_Inputs, RecordBook | None]:
    """Every input, read completely, and the records' book when the engine will take it.

    The ledger side is read in this process while a worker parses statements (when a core
    is spare): the book is too large to send between processes. A statement's error comes
    before the ledger's, the ledger's before the rates', the rates' before the rules'.
    """
    say(f"reading {len(statements)} statement file(s) and {ledger}")
    read_ledger_side = functools.partial(_read_ledger_side, ledger, rates, rules)
    read, side = read_statements_beside(
        statements,
        read_ledger_side,
        int(size_of(ledger) * LEDGER_COST),
        csv_profile=csv_profile,
        allow_unbalanced=allow_unbalanced,
    )
    say(f"read {len(read.lines)} bank lines and {len(side.ledger.records)} ledger records")
    inputs = _Inputs(
        statements=read,
        ledger=side.ledger,
        ledger_sha256=side.ledger_sha256,
        rates=side.rates,
        rules=side.rules,
    )
    return inputs, side.book


def _read_ledger_side(ledger: Path, rates: Path | None, rules: Path | None) -> _LedgerSide:
    book = read_ledger(ledger)
    rate_list = read_rates(rates) if rates is not None else ()
    rule_set = read_rules(rules) if rules is not None else DEFAULT_RULES
    return _LedgerSide(
        ledger=book,
        ledger_sha256=sha256_of(ledger),
        rates=rate_list,
        rules=rule_set,
        book=book_ahead(book.records, rule_set),
    )


def _write(
    out: Path,
    read: _Inputs,
    result: EngineResult,
    *,
    rates: Path | None,
    rules: Path | None,
    options: Mapping[str, object],
) -> None:
    summary = functools.partial(
        build_summary,
        statements=read.statements,
        ledger=read.ledger,
        ledger_sha256=read.ledger_sha256,
        rates=_input(rates),
        rules=_input(rules),
        result=result,
        rule_set=read.rules,
        options=options,
    )
    line_order = {line.bank_ref: i for i, line in enumerate(read.statements.lines)}
    write = functools.partial(
        outputs.write_outputs,
        result=result,
        ledger=read.ledger,
        line_order=line_order,
        summary=summary,
    )
    publish(out, write, outputs=outputs.OUTPUT_FILES, marker=outputs.SUMMARY)


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    # Reading and matching build millions of objects with hardly a cycle among them; each
    # automatic collection would rescan all of them (measured: 6.0 s instead of 3.7 s for
    # a 1M-row ledger; 24.1 s instead of 18.4 s of CPU for matching 100k lines, with 509
    # objects in cycles collected in all).
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _input(path: Path | None) -> InputFile | None:
    return InputFile(str(path), sha256_of(path)) if path is not None else None


def _result(out: Path, read: _Inputs, result: EngineResult) -> JobResult:
    statuses = [match.status for match in result.matches]
    return JobResult(
        out=out,
        lines=len(read.statements.lines),
        records=len(read.ledger.records),
        matched=statuses.count(MatchStatus.MATCHED),
        review=statuses.count(MatchStatus.REVIEW),
        unmatched_lines=len(result.unmatched_lines),
        unmatched_records=len(result.unmatched_records),
    )


def _quiet(message: str) -> None:
    """Progress sink that drops every message."""
