"""`accord demo` / `accord serve` as a user runs them: real processes, real PostgreSQL."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import psutil

ACCORD = [sys.executable, "-m", "accord.cli.main"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
    env.update(values)
    return env


def _wait_ready(port: int, process: subprocess.Popen[str], timeout: float = 60) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"exited early: {process.communicate()[1]}")
        try:
            response = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1)
            if response.status_code == 200:
                return response
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError("Accord did not become ready")


def _postgres_children(pgdata: Path) -> list[int]:
    return [
        p.pid
        for p in psutil.process_iter(attrs=["name", "cmdline"])
        if p.info["name"] == "postgres" and str(pgdata) in " ".join(p.info["cmdline"] or [])
    ]


def _run_until(
    command: str, state: Path, stop: signal.Signals, *, while_up: Callable[[int], None]
) -> tuple[int, str]:
    """Run `accord <command>` on the embedded database in `state` until it is ready, call
    `while_up(port)`, send `stop`; its exit code and what it printed on stderr."""
    port = _free_port()
    env = _env(ACCORD_DATA_DIR=str(state), ACCORD_PORT=str(port))
    process = subprocess.Popen(
        [*ACCORD, command], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        _wait_ready(port, process)
        while_up(port)
        process.send_signal(stop)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    return process.returncode, err


def test_demo_reconciles_then_serves_and_ctrl_c_stops_everything(tmp_path: Path) -> None:
    seen: list[str] = []

    def look(port: int) -> None:
        assert httpx.get(f"http://127.0.0.1:{port}/healthz").json() == {"status": "ok"}
        assert httpx.get(f"http://127.0.0.1:{port}/docs").status_code == 200
        seen.append(f"http://127.0.0.1:{port}/docs")

    code, err = _run_until("demo", tmp_path / "state", signal.SIGINT, while_up=look)
    assert code == 0, err
    assert "Reconciled the demo files: 60 bank lines against 62 ledger records" in err
    assert (tmp_path / "state" / "demo" / "summary.json").is_file()
    assert seen
    assert seen[0] in err
    assert "PostgreSQL stopped" in err
    assert _postgres_children(tmp_path / "state" / "pgdata") == []


def test_sigterm_stops_the_server_and_its_embedded_postgresql(tmp_path: Path) -> None:
    # As `kill`, `docker stop` and systemd stop a service; twice, as a second run finds
    # what the first left behind.
    for _ in range(2):
        code, err = _run_until("serve", tmp_path / "state", signal.SIGTERM, while_up=lambda _: None)
        assert code == 0, err
        assert "Accord stopped." in err
        assert _postgres_children(tmp_path / "state" / "pgdata") == []


def test_serve_refuses_to_start_when_the_database_is_unreachable(tmp_path: Path) -> None:
    env = _env(ACCORD_DATABASE_URL="postgresql://postgres@127.0.0.1:1/accord")
    result = subprocess.run(
        [*ACCORD, "serve"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 1
    assert "could not apply migrations" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_setting_stops_start_up_with_its_name() -> None:
    env = _env(ACCORD_PORT="not-a-port")
    result = subprocess.run(
        [*ACCORD, "serve"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 2
    assert "ACCORD_PORT" in result.stderr
    assert "Traceback" not in result.stderr


def test_version_prints_the_package_version() -> None:
    from accord import __version__

    result = subprocess.run(
        [*ACCORD, "version"], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == __version__
