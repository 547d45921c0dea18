"""What the job may still take: available memory, within a control group's limit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from accord.reconciliation.files import memory, parallel

GIB = 1 << 30


def machine(root: Path, *, available_gib: int, cgroup: str) -> Path:
    (root / "proc/self").mkdir(parents=True)
    (root / "proc/meminfo").write_text(
        f"MemTotal:       25165824 kB\nMemAvailable:   {available_gib * 1024 * 1024} kB\n"
    )
    (root / "proc/self/status").write_text("Name:\tpython\nVmRSS:\t  2097152 kB\n")
    (root / "proc/self/cgroup").write_text(cgroup)
    return root


def test_without_a_limit_the_room_is_the_available_memory(tmp_path: Path) -> None:
    root = machine(tmp_path, available_gib=20, cgroup="0::/\n")
    assert memory.own_bytes(root) == 2 * GIB
    assert memory.room_bytes(root) == 20 * GIB


def v2_group(root: Path, path: str, limit: str, used: int = 0, stat: str = "") -> None:
    """A cgroup v2 group at `path` with memory.max `limit` (and its usage, if limited)."""
    group = root / "sys/fs/cgroup" / path
    group.mkdir(parents=True, exist_ok=True)
    (group / "memory.max").write_text(f"{limit}\n")
    if limit != "max":
        (group / "memory.current").write_text(f"{used}\n")
        (group / "memory.stat").write_text(stat)


def v1_group(root: Path, path: str, limit: int, used: int, stat: str) -> None:
    """A cgroup v1 memory group at `path`."""
    group = root / "sys/fs/cgroup/memory" / path
    group.mkdir(parents=True)
    (group / "memory.limit_in_bytes").write_text(f"{limit}\n")
    (group / "memory.usage_in_bytes").write_text(f"{used}\n")
    (group / "memory.stat").write_text(stat)


def test_a_cgroup_v2_limit_counts_without_the_file_pages_it_could_drop(tmp_path: Path) -> None:
    root = machine(tmp_path, available_gib=20, cgroup="0::/jobs/accord\n")
    stat = f"anon {2 * GIB}\ninactive_file {GIB // 2}\n"
    v2_group(root, "jobs/accord", str(4 * GIB), 3 * GIB, stat)
    assert memory.room_bytes(root) == GIB + GIB // 2


def test_a_cgroup_v2_without_a_limit_leaves_the_available_memory(tmp_path: Path) -> None:
    root = machine(tmp_path, available_gib=20, cgroup="0::/jobs/accord\n")
    v2_group(root, "jobs/accord", "max")
    assert memory.room_bytes(root) == 20 * GIB


def test_a_cgroup_v2_limit_of_a_parent_group_counts(tmp_path: Path) -> None:
    root = machine(tmp_path, available_gib=20, cgroup="0::/jobs/accord\n")
    v2_group(root, "jobs/accord", "max")
    v2_group(root, "jobs", str(6 * GIB), 2 * GIB, "inactive_file 0\n")
    assert memory.room_bytes(root) == 4 * GIB


def test_an_unreadable_cgroup_limit_leaves_the_available_memory(tmp_path: Path) -> None:
    root = machine(tmp_path, available_gib=20, cgroup="0::/jobs/accord\n")
    v2_group(root, "jobs/accord", "a lot", GIB, "inactive_file 0\n")
    assert memory.room_bytes(root) == 20 * GIB


def test_a_cgroup_v1_limit_of_a_parent_group_counts(tmp_path: Path) -> None:
    root = machine(tmp_path, available_gib=20, cgroup="4:memory:/jobs/accord\n")
    stat = f"hierarchical_memory_limit {3 * GIB}\ntotal_inactive_file 0\n"
    v1_group(root, "jobs/accord", 9223372036854771712, GIB, stat)
    assert memory.room_bytes(root) == 2 * GIB


def test_a_cgroup_v1_memory_limit(tmp_path: Path) -> None:
    cgroup = "5:devices:/\nnot a membership\n4:memory:/jobs/accord\n0::/\n"
    root = machine(tmp_path, available_gib=20, cgroup=cgroup)
    stat = f"cache {GIB}\ntotal_inactive_file {GIB // 4}\n"
    v1_group(root, "jobs/accord", 4 * GIB, 3 * GIB, stat)
    assert memory.room_bytes(root) == GIB + GIB // 4


def test_the_machine_counts_when_it_has_less_than_the_limit(tmp_path: Path) -> None:
    root = machine(tmp_path, available_gib=1, cgroup="4:memory:/jobs/accord\n")
    v1_group(root, "jobs/accord", 8 * GIB, GIB, "total_inactive_file 0\n")
    assert memory.room_bytes(root) == GIB


def test_nothing_known_without_proc(tmp_path: Path) -> None:
    assert memory.own_bytes(tmp_path) is None
    assert memory.room_bytes(tmp_path) is None


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads Linux's /proc")
def test_this_process_holds_what_it_allocates() -> None:
    before = memory.own_bytes()
    block = bytearray(os.urandom(64 * 1024 * 1024))
    after = memory.own_bytes()
    assert before is not None
    assert after is not None
    assert after - before >= 60 * 1024 * 1024
    assert block


def test_without_room_large_work_stays_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "spare_core", lambda: True)
    monkeypatch.setattr(memory, "room_bytes", lambda: 0)
    results = parallel.map_split(_pid_of, [1, 2], [10, 10], min_share=1)
    assert set(results) == {os.getpid()}


def _pid_of(_item: int) -> int:
    return os.getpid()
