"""create_app(): the ASGI application, its middleware, routers and lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from accord import __version__, health
from accord.config import Settings
from accord.kit.db import create_engine, session_factory
from accord.kit.problems import install_problem_handlers
from accord.kit.request_id import RequestIdMiddleware


def create_app(settings: Settings, *, database_url: str) -> FastAPI:
    """The Accord API on `database_url` (resolved by the caller: server or embedded)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(
            database_url,
            pool_size=settings.db_pool_size,
            statement_timeout_ms=settings.db_statement_timeout_ms,
        )
        app.state.engine = engine
        app.state.sessions = session_factory(engine)
        try:
            yield
        finally:
            await engine.dispose()

    app = FastAPI(
        title="Accord",
        version=__version__,
        summary="Bank reconciliation: statements in, explained matches out.",
        lifespan=lifespan,
    )
    app.add_middleware(RequestIdMiddleware)
    install_problem_handlers(app)
    app.include_router(health.router)
    return app
