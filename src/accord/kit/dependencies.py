"""FastAPI dependencies shared by every domain's endpoints."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from accord.kit.db import unit_of_work


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction per request, committed when the endpoint returns normally.

    The organisation is bound by the authentication layer (a later issue) through
    `accord.kit.db.scope_session`; until then, a query on organisation data fails loudly.
    """
    async with unit_of_work(request.app.state.sessions, org_id=None) as session:
        session.info.pop("unscoped", None)
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]
