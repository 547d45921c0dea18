"""The tree measure counts a forked worker's own pages, which the parent's RSS does not."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from bench.tree_memory import TreePeak, own_pss_mib, tree_pss_mib

# The parent forks a worker that fills 256 MiB of its own, then both wait to be measured.
_PARENT = textwrap.dedent(
    """
    import os, sys, time
    pid = os.fork()
    if pid == 0:
        block = bytearray(256 * 1024 * 1024)
        for at in range(0, len(block), 4096):
            block[at] = 1
        print("ready", flush=True)
        time.sleep(30)
        os._exit(0)
    sys.stdin.readline()
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    """
)


@pytest.mark.skipif(
    not Path("/proc/self/smaps_rollup").exists(), reason="reads Linux's /proc/PID/smaps_rollup"
)
def test_the_tree_holds_the_workers_pages() -> None:
    with subprocess.Popen(
        [sys.executable, "-c", _PARENT],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as proc:
        assert proc.stdin is not None
        assert proc.stdout is not None
        sampler = TreePeak(proc.pid, interval=0.05)
        try:
            assert proc.stdout.readline().strip() == "ready"
            assert own_pss_mib(proc.pid) < 100
            assert tree_pss_mib(proc.pid) >= 200
            time.sleep(0.3)  # a few samples while the worker holds its pages
        finally:
            proc.stdin.write("\n")
            proc.stdin.flush()
        peak = sampler.stop()
    assert peak is not None
    assert peak >= 200
