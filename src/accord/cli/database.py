"""Which PostgreSQL Accord uses: the server in ACCORD_DATABASE_URL, else the embedded one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from accord.config import Settings
from accord.kit.embedded_postgres import EmbeddedPostgres, start_embedded


@dataclass(frozen=True)
class Database:
    url: str
    embedded: EmbeddedPostgres | None

    def describe(self) -> str:
        if self.embedded is not None:
            return f"embedded PostgreSQL (data in {self.embedded.pgdata})"
        return "PostgreSQL at ACCORD_DATABASE_URL"


@contextmanager
def open_database(settings: Settings) -> Iterator[Database]:
    """Yield the database to use; an embedded server started here is stopped on exit."""
    if settings.database_url:
        yield Database(settings.database_url, None)
        return
    embedded = start_embedded(settings.data_dir)
    try:
        yield Database(embedded.ensure_database(), embedded)
    finally:
        embedded.stop()
