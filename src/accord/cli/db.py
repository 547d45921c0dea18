"""`accord db upgrade|downgrade|current`."""

from __future__ import annotations

import typer

from accord.cli.database import open_database
from accord.config import load_settings
from accord.kit import migrations

app = typer.Typer(help="Database migrations (Alembic).", no_args_is_help=True)


@app.command()
def upgrade(revision: str = typer.Argument("head", help="target revision")) -> None:
    """Apply migrations up to REVISION."""
    with open_database(load_settings()) as database:
        migrations.upgrade(database.url, revision)
        typer.echo(f"upgraded to {migrations.current(database.url)}")


@app.command()
def downgrade(revision: str = typer.Argument("-1", help="target revision")) -> None:
    """Revert migrations down to REVISION (default: one step)."""
    with open_database(load_settings()) as database:
        migrations.downgrade(database.url, revision)
        typer.echo(f"downgraded to {migrations.current(database.url)}")


@app.command()
def current() -> None:
    """Show the revision the database is at."""
    with open_database(load_settings()) as database:
        typer.echo(migrations.current(database.url))
