"""The HTTP surface of the foundation: probes, docs and problem-details errors."""

from __future__ import annotations

import json

import httpx
import pytest
from fastapi import FastAPI

from accord.app import create_app
from accord.config import Settings
from accord.observability.logging import configure_logging, get_logger

PROBLEM = "application/problem+json"


async def test_healthz_says_the_process_is_alive(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_checks_the_database(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok"}


async def test_readyz_is_503_with_a_reason_when_the_database_is_down() -> None:
    url = "postgresql://postgres@127.0.0.1:1/accord"
    app = create_app(Settings(database_url=url), database_url=url)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://t") as client,
    ):
        response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["detail"].startswith("database unreachable")
    assert "127.0.0.1" not in response.text  # no connection details leak


async def test_unknown_route_is_a_404_problem(client: httpx.AsyncClient) -> None:
    response = await client.get("/no/such/thing")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == 404
    assert body["type"].endswith("/not-found")
    assert body["instance"] == "/no/such/thing"


async def test_wrong_method_is_a_405_problem(client: httpx.AsyncClient) -> None:
    response = await client.post("/healthz")
    assert response.status_code == 405
    assert response.headers["content-type"] == PROBLEM
    assert "GET" in response.headers["allow"]


async def test_validation_errors_name_the_field(app: FastAPI, client: httpx.AsyncClient) -> None:
    @app.get("/test/items/{item_id}")
    async def item(item_id: int) -> dict[str, int]:
        return {"id": item_id}

    response = await client.get("/test/items/abc")
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["errors"][0]["field"] == "path.item_id"


async def test_a_bug_is_a_500_without_internals(app: FastAPI, client: httpx.AsyncClient) -> None:
    @app.get("/test/boom")
    async def boom() -> None:
        raise RuntimeError("SELECT secret FROM internals")

    response = await client.get("/test/boom", headers={"x-request-id": "req-42"})
    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM
    assert "SELECT" not in response.text
    assert "Traceback" not in response.text
    assert response.json()["request_id"] == "req-42"


async def test_request_ids_are_echoed_or_generated(client: httpx.AsyncClient) -> None:
    given = await client.get("/healthz", headers={"x-request-id": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    generated = await client.get("/healthz", headers={"x-request-id": "bad id\n"})
    assert len(generated.headers["x-request-id"]) == 32


async def test_openapi_docs_are_served(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    assert spec["openapi"].startswith("3.1")
    assert "/readyz" in spec["paths"]
    docs = await client.get("/docs")
    assert docs.status_code == 200


async def test_logs_carry_the_request_id(
    app: FastAPI, client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("info", "json")

    @app.get("/test/log")
    async def log_something() -> dict[str, str]:
        get_logger("test").info("something happened")
        return {}

    await client.get("/test/log", headers={"x-request-id": "trace-me"})
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]
    event = next(line for line in lines if line["event"] == "something happened")
    assert event["request_id"] == "trace-me"
