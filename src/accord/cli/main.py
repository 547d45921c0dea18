"""The `accord` command."""

from __future__ import annotations

import sys

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


if __name__ == "__main__":
    main()
