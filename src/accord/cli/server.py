"""`accord serve` and `accord demo`.

The web application, the database and the migrations are imported when a command runs:
every `accord` command loads this module, and they take half a second to import.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from types import FrameType
from typing import TYPE_CHECKING

import typer

from accord.cli.signals import on_sigterm

if TYPE_CHECKING:
    from accord.cli.database import Database
    from accord.config import Settings


def _say(message: str) -> None:
    typer.echo(message, err=True)


def _run(settings: Settings, *, banner: bool) -> None:
    import uvicorn

    from accord.app import create_app
    from accord.cli.database import open_database
    from accord.kit import migrations  # Alembic logs its plugins as it loads: before ours
    from accord.observability.logging import configure_logging

    configure_logging(settings.log_level, settings.log_format)
    # SIGTERM (`kill`, `docker stop`, systemd) must stop the embedded PostgreSQL as Ctrl-C
    # does. Before the server runs, it exits through the `with` blocks. uvicorn shuts down
    # on it, then raises it again for its default action, which would kill this process
    # before the database is stopped (and leave this process named as one of its users,
    # so that no later run would stop it either): that second one is ignored.
    with on_sigterm(_exit_on_signal), open_database(settings) as database:
        _prepare(settings, database, migrations.upgrade)
        if banner:
            _print_banner(settings, database)
        app = create_app(settings, database_url=database.url)
        with on_sigterm(signal.SIG_IGN):
            uvicorn.run(app, host=settings.host, port=settings.port, log_config=None)
    _say("Accord stopped; PostgreSQL stopped." if banner else "Accord stopped.")


def _exit_on_signal(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def _prepare(settings: Settings, database: Database, upgrade: Callable[[str], None]) -> None:
    _say(f"database: {database.describe()}")
    if settings.migrate_on_start:
        try:
            upgrade(database.url)
        except Exception as error:
            _say(f"error: could not apply migrations: {type(error).__name__}: {error}")
            raise typer.Exit(code=1) from None
        _say("migrations: applied up to head")


def _print_banner(settings: Settings, database: Database) -> None:
    base = f"http://{settings.host}:{settings.port}"
    _say(
        "\nAccord is starting:\n"
        f"  API        {base}\n"
        f"  docs       {base}/docs (OpenAPI 3.1 at {base}/openapi.json)\n"
        f"  health     {base}/healthz, {base}/readyz\n"
        f"  database   {database.describe()}\n"
        "Press Ctrl-C to stop (PostgreSQL stops with it).\n"
    )


def serve() -> None:
    """Serve the API (set ACCORD_MIGRATE_ON_START=false in production to migrate separately)."""
    from accord.config import load_settings

    _run(load_settings(), banner=False)


def demo() -> None:
    """Reconcile the bundled demo files, then serve Accord on its embedded PostgreSQL."""
    from accord.cli.demo import describe, reconcile_demo
    from accord.config import load_settings

    settings = load_settings()
    _say(describe(reconcile_demo(settings.data_dir.resolve() / "demo")) + "\n")
    _run(settings, banner=True)
    sys.stderr.flush()
