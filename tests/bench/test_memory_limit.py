"""A benchmark step under a memory limit of its own, as in a container."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from bench.memory_limit import CGROUP, MemoryLimit, NoMemoryLimit

MIB = 1024 * 1024


def test_without_a_memory_controller_it_says_so(tmp_path: Path) -> None:
    with pytest.raises(NoMemoryLimit, match="no memory controller"):
        MemoryLimit.create("accord-test", 64 * MIB, base=tmp_path)


def _limit_or_skip() -> MemoryLimit:
    if os.geteuid() != 0:
        pytest.skip("needs root to make a control group")
    if len(Path("/proc/swaps").read_text().splitlines()) > 1:
        pytest.skip("with swap, a process over the limit is swapped out, not killed")
    try:
        return MemoryLimit.create(f"accord-test-{uuid.uuid4().hex[:8]}", 64 * MIB)
    except NoMemoryLimit as error:
        pytest.skip(str(error))


def _allocate(limit: MemoryLimit, mib: int) -> int:
    code = f"b = bytearray({mib * MIB}); b[::4096] = b'\\x01' * len(b[::4096])"
    done = subprocess.run([sys.executable, "-c", code], preexec_fn=limit.enter, check=False)
    return done.returncode


@pytest.mark.skipif(not CGROUP.exists(), reason="no cgroup file system")
def test_a_step_within_the_limit_runs_and_one_above_it_is_killed() -> None:
    limit = _limit_or_skip()
    try:
        assert _allocate(limit, 16) == 0
        assert _allocate(limit, 256) == -9
        assert limit.failure_count() not in ("", "0", "unknown")
    finally:
        limit.folder.rmdir()
