"""Models and migrations agree, and every migration goes down and up again."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from psycopg import sql
from sqlalchemy import create_engine, inspect

import accord.models
from accord.kit import migrations
from accord.kit.db import sync_url
from tests.conftest import _libpq_to_url, _with_database


def test_models_and_migrations_agree(database_url: str) -> None:
    engine = create_engine(sync_url(database_url))
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, accord.models.Base.metadata)
    engine.dispose()
    assert diff == [], f"models differ from migrations: {diff}"


@pytest.fixture
def scratch_database(server_url: str) -> Iterator[str]:
    name = f"accord_scratch_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield _libpq_to_url(_with_database(server_url, name))
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def _tables(url: str) -> set[str]:
    engine = create_engine(sync_url(url))
    names = set(inspect(engine).get_table_names())
    engine.dispose()
    return names - {"alembic_version"}


def test_downgrade_to_base_and_upgrade_again(scratch_database: str) -> None:
    migrations.upgrade(scratch_database)
    assert "organisations" in _tables(scratch_database)
    migrations.downgrade(scratch_database, "base")
    assert _tables(scratch_database) == set()
    migrations.upgrade(scratch_database)
    assert "organisations" in _tables(scratch_database)
    assert "(head)" in migrations.current(scratch_database)
