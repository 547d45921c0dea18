"""The embedded server: starts from the wheel, keeps its data, stops without leftovers."""

from __future__ import annotations

from pathlib import Path

import psutil
import psycopg

from accord.kit.embedded_postgres import start_embedded


def _postgres_processes(pgdata: Path) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(attrs=["name", "cmdline"]):
        cmdline = process.info["cmdline"] or []
        if process.info["name"] == "postgres" and str(pgdata) in " ".join(cmdline):
            found.append(process)
    return found


def test_data_survives_a_restart_and_nothing_is_left_running(tmp_path: Path) -> None:
    server = start_embedded(tmp_path / "state")
    url = server.ensure_database("keep")
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("CREATE TABLE kept (value int)")
        connection.execute("INSERT INTO kept VALUES (42)")
    server.stop()
    assert _postgres_processes(server.pgdata) == []

    again = start_embedded(tmp_path / "state")
    try:
        with psycopg.connect(again.ensure_database("keep")) as connection:
            row = connection.execute("SELECT value FROM kept").fetchone()
        assert row == (42,)
    finally:
        again.stop()
    assert _postgres_processes(again.pgdata) == []
