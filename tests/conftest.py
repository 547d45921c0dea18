"""Shared fixtures. Pure tests need none of these; database tests get a real PostgreSQL:
the server in ACCORD_TEST_DATABASE_URL, else the embedded one (started once per run)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
from fastapi import FastAPI
from psycopg import sql
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from accord.app import create_app
from accord.config import Settings
from accord.kit import migrations
from accord.kit.db import create_engine, scope_session
from accord.kit.dependencies import get_session
from accord.kit.embedded_postgres import start_embedded

REPO = Path(__file__).resolve().parents[1]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "database_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """URL of a maintenance database on the PostgreSQL server the tests use."""
    configured = os.environ.get("ACCORD_TEST_DATABASE_URL")
    if configured:
        yield configured
        return
    embedded = start_embedded(REPO / ".accord" / "test")
    try:
        yield embedded.url("postgres")
    finally:
        embedded.stop()


def _with_database(server: str, name: str) -> str:
    conninfo = psycopg.conninfo.conninfo_to_dict(server)
    conninfo["dbname"] = name
    return psycopg.conninfo.make_conninfo(**conninfo)


def _libpq_to_url(conninfo: str) -> str:
    params = psycopg.conninfo.conninfo_to_dict(conninfo)
    user = params.pop("user", "postgres")
    password = params.pop("password", "")
    host = str(params.pop("host", "localhost"))
    port = params.pop("port", None)
    dbname = params.pop("dbname")
    auth = f"{user}:{password}@" if password else f"{user}@"
    if host.startswith("/"):
        return f"postgresql://{auth}/{dbname}?host={host}" + (f"&port={port}" if port else "")
    return f"postgresql://{auth}{host}{':' + str(port) if port else ''}/{dbname}"


@pytest.fixture(scope="session")
def database_url(server_url: str) -> Iterator[str]:
    """A fresh database with every migration applied, dropped after the run."""
    name = f"accord_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = _libpq_to_url(_with_database(server_url, name))
    migrations.upgrade(url)
    try:
        yield url
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url, pool_size=2)
    yield engine
    await engine.dispose()


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection inside a transaction that is rolled back after the test."""
    async with engine.connect() as connection:
        transaction = await connection.begin()
        yield connection
        await transaction.rollback()


@pytest.fixture
async def session(connection: AsyncConnection) -> AsyncIterator[AsyncSession]:
    """A session whose commits become savepoints of the test's outer transaction."""
    session = AsyncSession(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    scope_session(session, None)
    yield session
    await session.close()


@pytest.fixture
def app(database_url: str, session: AsyncSession) -> FastAPI:
    app = create_app(Settings(database_url=database_url), database_url=database_url)

    async def test_session() -> AsyncIterator[AsyncSession]:
        yield session

    app.dependency_overrides[get_session] = test_session
    return app


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://test") as client,
    ):
        yield client
