"""The `accord` command."""

from __future__ import annotations

import os
import sys
from typing import NoReturn

import typer

from accord import __version__
from accord.cli import db, reconcile, server
from accord.kit.errors import AccordError

app = typer.Typer(
    name="accord",
    help="Accord: bank reconciliation with explained matches.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.command()(server.serve)
app.command()(server.demo)
app.command("reconcile")(reconcile.reconcile_command)


@app.command()
def version() -> None:
    """Print Accord's version."""
    typer.echo(__version__)


def main() -> None:
    """Console entry point: user-facing errors become one line on stderr and exit 2."""
    try:
        app()
    except AccordError as error:
        typer.echo(f"error: {error.message}", err=True)
        sys.exit(2)
    except SystemExit as done:
        if reconcile.PARKED:
            _exit_at_once(done.code)
        raise


def _exit_at_once(code: str | int | None) -> NoReturn:
    """Exit without freeing the objects a reconcile job left (its files are written and
    fsynced): the system takes the memory back at once, where freeing it object by object
    takes seconds at a million lines."""
    if isinstance(code, str):
        typer.echo(code, err=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code if isinstance(code, int) else (0 if code is None else 1))


if __name__ == "__main__":
    main()
