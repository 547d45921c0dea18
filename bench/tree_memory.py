"""The memory a process and its descendants hold together, sampled while they run.

A forked worker shares its parent's pages until either writes to them, so the sum of the
processes' RSS counts shared pages twice and the largest single RSS misses the worker's
copies. The sum of PSS (each shared page divided among the processes that map it) is what
the tree takes from the machine.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

PROC = Path("/proc")


def _parents() -> dict[int, int]:
    """pid -> parent pid, for every process now."""
    found: dict[int, int] = {}
    for entry in os.scandir(PROC):
        if entry.name.isdigit():
            try:
                stat = (PROC / entry.name / "stat").read_text()
            except OSError:
                continue
            # The command name is in parentheses and may contain spaces.
            found[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    return found


def _tree(root: int) -> list[int]:
    parents = _parents()
    tree, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        tree.extend(frontier)
    return tree


def own_pss_mib(pid: int) -> float:
    """The PSS of one process now, in MiB (0 when it is gone)."""
    return _kib_as_mib(PROC / str(pid) / "smaps_rollup", "Pss:")


def rss_mib(pid: int) -> float:
    """The RSS of one process now, in MiB (0 when it is gone)."""
    return _kib_as_mib(PROC / str(pid) / "status", "VmRSS:")


def _kib_as_mib(path: Path, name: str) -> float:
    """The kB figure of the line starting with `name` in `path`, in MiB (0 when unreadable)."""
    try:
        for line in path.read_text().splitlines():
            if line.startswith(name):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


def tree_pss_mib(root: int) -> float:
    """The PSS of `root` and all its descendants now, in MiB; a process without descendants
    counts its RSS, which for a lone process is about the same."""
    tree = _tree(root)
    if len(tree) == 1:
        # PSS walks the page tables (50 ms for 3 GB): for a lone process RSS says the same
        # at a fraction of the cost, and the sampler shows less as a task running beside
        # the job (which its spare-core check counts).
        return rss_mib(root)
    return sum(own_pss_mib(pid) for pid in tree)


class TreePeak:
    """Samples `tree_pss_mib(pid)` every `interval` seconds until `stop()`; `peak_mib` is the
    largest sample (None where /proc has no smaps_rollup)."""

    def __init__(self, pid: int, interval: float = 0.5) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_mib: float | None = None
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        if (PROC / "self" / "smaps_rollup").exists():
            self._thread.start()

    def _sample(self) -> None:
        while not self._done.wait(self.interval):
            now = tree_pss_mib(self.pid)
            if now and (self.peak_mib is None or now > self.peak_mib):
                self.peak_mib = now

    def stop(self) -> float | None:
        self._done.set()
        if self._thread.is_alive():
            self._thread.join()
        return self.peak_mib
