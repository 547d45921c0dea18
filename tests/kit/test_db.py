"""Organisation scoping: enforced once, in accord.kit.db, for every ORM query."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import Column, MetaData, String, Table, Uuid, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from accord.kit.db import UnscopedQuery, scope_session
from accord.models import Organisation
from accord.models.base import IdMixin, OrgScoped


class _TestBase(DeclarativeBase):
    metadata = MetaData()


Table("organisations", _TestBase.metadata, Column("id", Uuid, primary_key=True))


class Widget(IdMixin, OrgScoped, _TestBase):
    __tablename__ = "test_widgets"
    name: Mapped[str] = mapped_column(String(50))


async def _setup(session: AsyncSession) -> tuple[uuid.UUID, uuid.UUID]:
    connection = await session.connection()
    await connection.run_sync(
        lambda sync: Widget.__table__.create(sync)  # type: ignore[attr-defined]
    )
    first, second = Organisation(name="First"), Organisation(name="Second")
    session.add_all([first, second])
    await session.flush()
    session.add_all(
        [
            Widget(name="a", org_id=first.id),
            Widget(name="b", org_id=first.id),
            Widget(name="c", org_id=second.id),
        ]
    )
    await session.flush()
    return first.id, second.id


@pytest.mark.usefixtures("database_url")
async def test_queries_see_only_their_organisation(session: AsyncSession) -> None:
    first, second = await _setup(session)
    scope_session(session, first)
    names = (await session.scalars(select(Widget.name).order_by(Widget.name))).all()
    assert names == ["a", "b"]
    scope_session(session, second)
    assert (await session.scalars(select(Widget.name))).all() == ["c"]


@pytest.mark.usefixtures("database_url")
async def test_a_query_without_an_organisation_fails_loudly(session: AsyncSession) -> None:
    await _setup(session)
    session.info.pop("unscoped")
    with pytest.raises(UnscopedQuery):
        await session.scalars(select(Widget))


@pytest.mark.usefixtures("database_url")
async def test_new_rows_take_the_session_organisation(session: AsyncSession) -> None:
    first, second = await _setup(session)
    scope_session(session, first)
    widget = Widget(name="new")
    session.add(widget)
    await session.flush()
    assert widget.org_id == first
    session.add(Widget(name="stray", org_id=second))
    with pytest.raises(UnscopedQuery, match="another organisation"):
        await session.flush()
