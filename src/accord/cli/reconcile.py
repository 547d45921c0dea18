"""`accord reconcile`: statements and a ledger in, matches and what is left out. No server.

Exit status: 0 done (every input line was read), 2 bad input or unusable --out (nothing
written), 3 the results could not be written (nothing left in --out), 1 internal error,
130 interrupted (Ctrl-C), 143 stopped (SIGTERM); --out is then left as it was.
"""

from __future__ import annotations

import sys
import time
import traceback
from pathlib import Path
from types import FrameType
from typing import Annotated, NoReturn

import typer

from accord.cli.signals import on_sigterm
from accord.kit.errors import AccordError
from accord.reconciliation.files.errors import OutputWriteError
from accord.reconciliation.files.job import JobResult, Progress, run_reconcile

EXIT_INTERNAL = 1
EXIT_BAD_INPUT = 2
EXIT_WRITE_FAILED = 3
EXIT_INTERRUPTED = 130
EXIT_STOPPED = 143  # 128 + SIGTERM

# A finished job's objects, kept for the process to exit without freeing them (see `main`).
PARKED: list[object] = []


def reconcile_command(
    statements: Annotated[
        list[Path],
        typer.Argument(
            metavar="STATEMENT",
            help="Bank statement files: camt.052/053/054, MT940/MT942, BAI2, OFX/QFX, CSV "
            "(with --csv-profile), or ZIP archives of them. Format detected from content.",
            show_default=False,
        ),
    ],
    ledger: Annotated[
        Path,
        typer.Option(
            "--ledger",
            metavar="LEDGER.csv",
            help="Internal records: UTF-8 CSV with id,date,amount,currency (+ optional "
            "account,counterparty,reference,type,description; other columns kept).",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            metavar="DIR",
            help="Folder for matches.csv, unmatched_bank.csv, unmatched_ledger.csv and "
            "summary.json; created, or replaced if it holds a previous run's output.",
            show_default=False,
        ),
    ],
    rates: Annotated[
        Path | None,
        typer.Option("--rates", metavar="RATES.csv", help="Daily rates: date,base,quote,rate."),
    ] = None,
    csv_profile: Annotated[
        str | None,
        typer.Option("--csv-profile", metavar="NAME|FILE", help="Column profile for CSV."),
    ] = None,
    allow_unbalanced: Annotated[
        bool,
        typer.Option(
            "--allow-unbalanced",
            help="Read statements whose balances do not add up; record it in summary.json.",
        ),
    ] = False,
    rules: Annotated[
        Path | None,
        typer.Option("--rules", metavar="FILE", help="Matching rules (TOML) for this run."),
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Print a traceback on an internal error.")
    ] = False,
) -> None:
    """Reconcile bank statements against a ledger, offline, and write the results to DIR."""
    try:
        with on_sigterm(_raise_stopped):
            done = run_reconcile(
                statements,
                ledger=ledger,
                out=out,
                rates=rates,
                rules=rules,
                csv_profile=csv_profile,
                allow_unbalanced=allow_unbalanced,
                progress=_progress() if sys.stderr.isatty() else None,
                park=PARKED,
            )
    except OutputWriteError as exc:
        _fail(EXIT_WRITE_FAILED, exc.message)
    except AccordError as exc:
        _fail(EXIT_BAD_INPUT, exc.message)
    except _Stopped:
        _fail(EXIT_STOPPED, "stopped (SIGTERM); nothing was written")
    except KeyboardInterrupt:
        _fail(EXIT_INTERRUPTED, "interrupted; nothing was written")
    except Exception as exc:
        if debug:
            traceback.print_exc(file=sys.stderr)
        _fail(
            EXIT_INTERNAL,
            f"internal error ({type(exc).__name__}: {exc}); nothing was written. "
            "This is a bug: please report it (--debug shows the traceback).",
        )
    typer.echo(_done_text(done))


class _Stopped(KeyboardInterrupt):
    """SIGTERM, raised where the job is, as Ctrl-C raises KeyboardInterrupt: the job unwinds,
    and its half-written output folder is removed. Killed at once (the default), it stayed."""


def _raise_stopped(_signum: int, _frame: FrameType | None) -> None:
    raise _Stopped


def _fail(code: int, message: str) -> NoReturn:
    typer.echo(f"accord reconcile: error: {message}", err=True)
    raise typer.Exit(code)


def _done_text(done: JobResult) -> str:
    return (
        f"{done.lines} bank lines, {done.records} ledger records: {done.matched} matched, "
        f"{done.review} for review, unmatched {done.unmatched_lines} bank lines and "
        f"{done.unmatched_records} records; results in {done.out}"
    )


def _progress() -> Progress:
    start = time.perf_counter()

    def say(message: str) -> None:
        typer.echo(f"[{time.perf_counter() - start:6.1f}s] {message}", err=True)

    return say
