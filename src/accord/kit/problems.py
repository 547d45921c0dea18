"""RFC 9457 problem details for every failure the API returns.

Bodies never carry stack traces or SQL; a 500 is logged with its request id instead.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from accord.kit.errors import AccordError
from accord.observability.logging import get_logger

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://accord.dev/problems/"
log = get_logger(__name__)


def problem(
    request: Request, status: int, *, type_slug: str, title: str, detail: str, **extra: Any
) -> JSONResponse:
    body = {
        "type": PROBLEM_BASE + type_slug,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        **extra,
    }
    request_id = getattr(request.state, "request_id", None)
    if request_id:
        body["request_id"] = request_id
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


async def _accord_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AccordError)  # noqa: S101 - registered for AccordError only
    if exc.status >= 500:
        log.error("request failed", error=exc.message, error_type=type(exc).__name__)
    return problem(
        request, exc.status, type_slug=exc.type_slug, title=exc.title, detail=exc.message
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)  # noqa: S101
    slug = _phrase(exc.status_code).lower().replace(" ", "-")
    detail = exc.detail if isinstance(exc.detail, str) else _phrase(exc.status_code)
    response = problem(
        request, exc.status_code, type_slug=slug, title=_phrase(exc.status_code), detail=detail
    )
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)  # noqa: S101
    errors = [
        {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"], "type": e["type"]}
        for e in exc.errors()
    ]
    return problem(
        request,
        422,
        type_slug="validation-error",
        title="Request validation failed",
        detail="; ".join(f"{e['field']}: {e['message']}" for e in errors),
        errors=errors,
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", error_type=type(exc).__name__)
    return problem(
        request,
        500,
        type_slug="internal-error",
        title="Internal Server Error",
        detail="An unexpected error occurred; it has been logged with this request id.",
    )


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AccordError, _accord_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)
