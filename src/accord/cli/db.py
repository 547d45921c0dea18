"""`accord db upgrade|downgrade|current`.

The database and Alembic are imported when a command runs: every `accord` command loads
this module, and Alembic alone takes a quarter of a second to import.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer

app = typer.Typer(help="Database migrations (Alembic).", no_args_is_help=True)


@contextmanager
def _database_url() -> Iterator[str]:
    from accord.cli.database import open_database
    from accord.config import load_settings

    with open_database(load_settings()) as database:
        yield database.url


@app.command()
def upgrade(revision: str = typer.Argument("head", help="target revision")) -> None:
    """Apply migrations up to REVISION."""
    from accord.kit import migrations

    with _database_url() as url:
        migrations.upgrade(url, revision)
        typer.echo(f"upgraded to {migrations.current(url)}")


@app.command()
def downgrade(revision: str = typer.Argument("-1", help="target revision")) -> None:
    """Revert migrations down to REVISION (default: one step)."""
    from accord.kit import migrations

    with _database_url() as url:
        migrations.downgrade(url, revision)
        typer.echo(f"downgraded to {migrations.current(url)}")


@app.command()
def current() -> None:
    """Show the revision the database is at."""
    from accord.kit import migrations

    with _database_url() as url:
        typer.echo(migrations.current(url))
