"""Running Alembic migrations from code (the CLI, serve/demo start-up and the tests)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TextIO

from alembic import command
from alembic.config import Config

from accord.kit.db import sync_url

_PACKAGED = Path(__file__).resolve().parents[1] / "migrations"
_SOURCE_TREE = Path(__file__).resolve().parents[3] / "migrations"


def migrations_dir() -> Path:
    """The Alembic script folder, inside an installed wheel or in a source checkout."""
    return _PACKAGED if _PACKAGED.is_dir() else _SOURCE_TREE


def alembic_config(database_url: str, *, output: TextIO | None = None) -> Config:
    config = Config(stdout=output) if output is not None else Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.set_main_option("sqlalchemy.url", sync_url(database_url).replace("%", "%%"))
    config.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s")
    config.attributes["configure_logging"] = False
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "-1") -> None:
    command.downgrade(alembic_config(database_url), revision)


def current(database_url: str) -> str:
    buffer = io.StringIO()
    command.current(alembic_config(database_url, output=buffer))
    return buffer.getvalue().strip() or "(no migrations applied)"
