"""Liveness and readiness probes."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from accord.kit.db import ping
from accord.kit.problems import problem

router = APIRouter(tags=["health"])
READY_TIMEOUT_S = 2.0


@router.get("/healthz", summary="The process is alive")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="The process can serve: its database answers")
async def readyz(request: Request) -> JSONResponse:
    try:
        await asyncio.wait_for(ping(request.app.state.engine), READY_TIMEOUT_S)
    except TimeoutError:
        reason = f"database did not answer within {READY_TIMEOUT_S:g} s"
    except Exception as error:  # any driver failure means "not ready"
        reason = f"database unreachable: {type(error).__name__}"
    else:
        return JSONResponse({"status": "ready", "checks": {"database": "ok"}})
    return problem(
        request,
        503,
        type_slug="not-ready",
        title="Service Unavailable",
        detail=reason,
        checks={"database": reason},
    )
