"""Database plumbing: engine, sessions, the unit of work and organisation scoping.

SQLAlchemy 2 async on psycopg 3. Services receive a session and only `flush()`; the
boundary (`unit_of_work`, the request dependency, a job wrapper) commits or rolls back.
Every ORM query on an `OrgScoped` model is filtered by the session's organisation here,
in one place, so no route or service has to remember it.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from accord.kit.errors import AccordError
from accord.models.base import OrgScoped

ORG_KEY = "org_id"
UNSCOPED_KEY = "unscoped"


class UnscopedQuery(AccordError):
    """A query touched organisation data without saying which organisation: a bug."""

    status = 500
    type_slug = "unscoped-query"
    title = "Query without an organisation"


def async_url(url: str) -> str:
    """The SQLAlchemy URL for psycopg 3 of any postgresql:// URL."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def sync_url(url: str) -> str:
    """Same driver, used synchronously (Alembic)."""
    return async_url(url)


def create_engine(url: str, *, pool_size: int = 10, statement_timeout_ms: int = 0) -> AsyncEngine:
    options = f"-c statement_timeout={statement_timeout_ms}" if statement_timeout_ms else ""
    connect_args: dict[str, Any] = {"options": options} if options else {}
    return create_async_engine(
        async_url(url), pool_size=pool_size, pool_pre_ping=True, connect_args=connect_args
    )


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def scope_session(session: AsyncSession, org_id: uuid.UUID | None) -> None:
    """Bind a session to one organisation, or (None) mark it as deliberately unscoped."""
    if org_id is None:
        session.info[UNSCOPED_KEY] = True
        session.info.pop(ORG_KEY, None)
    else:
        session.info[ORG_KEY] = org_id
        session.info.pop(UNSCOPED_KEY, None)


@asynccontextmanager
async def unit_of_work(
    factory: async_sessionmaker[AsyncSession], *, org_id: uuid.UUID | None
) -> AsyncIterator[AsyncSession]:
    """One transaction: commits when the block succeeds, rolls back when it raises."""
    async with factory() as session:
        scope_session(session, org_id)
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


async def ping(engine: AsyncEngine) -> None:
    """Raise if the database cannot answer a trivial query."""
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


def _touches_org_data(state: ORMExecuteState) -> bool:
    return any(
        isinstance(mapper.class_, type) and issubclass(mapper.class_, OrgScoped)
        for mapper in state.all_mappers
    )


@event.listens_for(Session, "do_orm_execute")
def _scope_queries(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    info = state.session.info
    if info.get(UNSCOPED_KEY) or not _touches_org_data(state):
        return
    org_id = info.get(ORG_KEY)
    if org_id is None:
        raise UnscopedQuery("query on organisation data from a session without an organisation")
    state.statement = state.statement.options(
        with_loader_criteria(OrgScoped, lambda cls: cls.org_id == org_id, include_aliases=True)
    )


@event.listens_for(Session, "before_flush")
def _stamp_new_rows(session: Session, _context: Any, _instances: Any) -> None:
    org_id = session.info.get(ORG_KEY)
    for obj in session.new:
        if not isinstance(obj, OrgScoped):
            continue
        current = getattr(obj, "org_id", None)
        if current is None:
            if org_id is None:
                raise UnscopedQuery(f"new {type(obj).__name__} without an organisation")
            obj.org_id = org_id
        elif org_id is not None and current != org_id:
            raise UnscopedQuery(f"new {type(obj).__name__} belongs to another organisation")
