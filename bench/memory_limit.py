"""Run a benchmark step under a memory limit, as a container would: a control group of its own.

Needs root and a writable cgroup file system (v1 `memory` controller or v2 with `memory`
enabled); `MemoryLimit.create` says why when it cannot.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

CGROUP = Path("/sys/fs/cgroup")


class NoMemoryLimit(RuntimeError):
    """The machine cannot put a process under a memory limit of its own."""


@dataclass(frozen=True, slots=True)
class MemoryLimit:
    folder: Path
    procs: Path
    failures: Path  # v1: memory.failcnt; v2: memory.events

    @classmethod
    def create(cls, name: str, limit_bytes: int, base: Path = CGROUP) -> MemoryLimit:
        """A fresh group `name` limited to `limit_bytes`."""
        v1 = base / "memory"
        if (v1 / "memory.limit_in_bytes").exists():
            folder, limit_file, failures = v1 / name, "memory.limit_in_bytes", "memory.failcnt"
        elif "memory" in _text(base / "cgroup.subtree_control").split():
            folder, limit_file, failures = base / name, "memory.max", "memory.events"
        else:
            raise NoMemoryLimit(f"no memory controller to limit a group with under {base}")
        try:
            folder.mkdir(exist_ok=True)
            (folder / limit_file).write_text(str(limit_bytes))
        except OSError as error:
            raise NoMemoryLimit(f"cannot make {folder} ({error.strerror})") from error
        return cls(folder, folder / "cgroup.procs", folder / failures)

    def enter(self) -> None:
        """Put the calling process (a child, before it execs) into the group."""
        self.procs.write_text(str(os.getpid()))

    def failure_count(self) -> str:
        """How often the group hit its limit, as the kernel words it."""
        return " ".join(_text(self.failures).split()) or "unknown"


def _text(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""
