"""How much memory this process holds, and how much more the job may still take.

"May still take" is the smaller of the machine's available memory and the room left under
the memory limit of the job's control group (a container's limit), where there is one.
Linux only; elsewhere nothing is known and callers decide as if memory were plentiful.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path("/")


def own_bytes(root: Path = ROOT) -> int | None:
    """This process's resident memory now (VmRSS)."""
    return _kib_field(root / "proc/self/status", "VmRSS:")


def room_bytes(root: Path = ROOT) -> int | None:
    """What the job may still take: available memory, within the control group's limit."""
    found = [room for room in (_available(root), _cgroup_room(root)) if room is not None]
    return min(found) if found else None


def _available(root: Path) -> int | None:
    return _kib_field(root / "proc/meminfo", "MemAvailable:")


def _kib_field(path: Path, name: str) -> int | None:
    try:
        for line in path.read_text().splitlines():
            if line.startswith(name):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _cgroup_room(root: Path) -> int | None:
    """The limit less what the group uses, not counting file pages it could drop (the
    statements just read stay in the page cache and are charged to the group)."""
    try:
        memberships = (root / "proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in memberships:
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        _, controllers, group = parts
        relative = group.lstrip("/")
        if controllers == "" and (root / "sys/fs/cgroup" / relative / "memory.max").exists():
            folder = root / "sys/fs/cgroup" / relative
            return _room(folder, "memory.max", "memory.current", "inactive_file")
        if "memory" in controllers.split(","):
            folder = root / "sys/fs/cgroup/memory" / relative
            return _room(
                folder, "memory.limit_in_bytes", "memory.usage_in_bytes", "total_inactive_file"
            )
    return None


def _room(folder: Path, limit_file: str, usage_file: str, inactive: str) -> int | None:
    try:
        limit_text = (folder / limit_file).read_text().strip()
        if limit_text == "max":
            return None
        limit = int(limit_text)
        used = int((folder / usage_file).read_text())
        dropped = _stat(folder / "memory.stat", inactive)
    except (OSError, ValueError):
        return None
    if limit >= 1 << 60:  # cgroup v1's "no limit"
        return None
    return max(0, limit - used + dropped)


def _stat(path: Path, name: str) -> int:
    for line in path.read_text().splitlines():
        key, _, value = line.partition(" ")
        if key == name:
            return int(value)
    return 0
