"""The embedded server: starts from the wheel, keeps its data, stops without leftovers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import psutil
import psycopg

from accord.kit.embedded_postgres import USERS_FILE, _forget_dead_users, start_embedded


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


def test_a_user_killed_outside_python_does_not_keep_the_server_running(tmp_path: Path) -> None:
    # A process that starts the server and is then killed (SIGKILL, out of memory) never
    # lets it go: it stays listed as a user, and no later run stopped the server.
    starter = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from accord.kit.embedded_postgres import start_embedded\n"
        "start_embedded(Path(sys.argv[1]))\n"
        "print('started', flush=True)\n"
        "time.sleep(600)\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", starter, str(tmp_path / "state")],
        stdout=subprocess.PIPE,
        text=True,
    ) as killed:
        try:
            assert killed.stdout is not None
            assert killed.stdout.readline() == "started\n"
        finally:
            killed.send_signal(signal.SIGKILL)
            killed.wait(timeout=30)
    assert _postgres_processes(tmp_path / "state" / "pgdata") != []

    server = start_embedded(tmp_path / "state")
    server.stop()
    assert _postgres_processes(server.pgdata) == []


def _a_dead_pid() -> int:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(done.stdout)


def test_only_users_that_no_longer_run_are_dropped_from_the_list(tmp_path: Path) -> None:
    listed = tmp_path / USERS_FILE
    dead = _a_dead_pid()
    listed.write_text(f"[{os.getpid()}, {dead}]")
    _forget_dead_users(listed)
    assert json.loads(listed.read_text()) == [os.getpid()]


def test_an_entry_that_is_no_process_id_is_dropped_with_the_dead(tmp_path: Path) -> None:
    listed = tmp_path / USERS_FILE
    listed.write_text(f'["{os.getpid()}", {os.getpid()}, null]')
    _forget_dead_users(listed)
    assert json.loads(listed.read_text()) == [os.getpid()]


def test_a_list_it_cannot_read_is_left_as_it_is(tmp_path: Path) -> None:
    listed = tmp_path / USERS_FILE
    for text in ("not json", '{"pids": [1]}'):
        listed.write_text(text)
        _forget_dead_users(listed)
        assert listed.read_text() == text
    _forget_dead_users(tmp_path / "missing.json")
    assert not (tmp_path / "missing.json").exists()
