"""`capacity`: whether a forked worker would find a core and the memory to spare."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from accord.reconciliation.files import capacity, memory

GIB = 1 << 30


def test_a_core_is_spare_only_when_no_other_task_wants_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(capacity.os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    monkeypatch.setattr(capacity, "_others_running", lambda: 0.0)
    assert capacity.spare_core()
    monkeypatch.setattr(capacity, "_others_running", lambda: 1.0)
    assert not capacity.spare_core()
    monkeypatch.setattr(capacity, "_others_running", lambda: 0.5)
    assert not capacity.spare_core()


def test_a_short_burst_of_another_task_leaves_the_core_spare(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(capacity.os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    monkeypatch.setattr(capacity, "_others_running", lambda: 0.3)
    assert capacity.spare_core()


@pytest.mark.skipif(not Path("/proc/loadavg").exists(), reason="reads Linux's /proc/loadavg")
def test_a_busy_process_beside_this_one_counts_as_running() -> None:
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.2)
        assert capacity._others_running() >= 1
    finally:
        spinner.kill()
        spinner.wait()


def test_a_worker_is_forked_only_with_room_for_its_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "own_bytes", lambda: 2 * GIB)
    monkeypatch.setattr(memory, "room_bytes", lambda: 2 * GIB * capacity.FORK_COST)
    assert capacity.spare_memory()
    monkeypatch.setattr(memory, "room_bytes", lambda: 2 * GIB * capacity.FORK_COST - 1)
    assert not capacity.spare_memory()
    monkeypatch.setattr(memory, "room_bytes", lambda: None)
    assert capacity.spare_memory()
