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
    """The room under the tightest memory limit of the job's control group and the groups
    above it. File pages a group could drop do not count as used: the statements just read
    stay in the page cache and are charged to the group."""
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
        if controllers == "":  # cgroup v2: any group from this one up may set memory.max
            base = root / "sys/fs/cgroup"
            rooms = [
                _room(folder, "memory.max", "memory.current", "inactive_file")
                for folder in _up_to(base / relative, base)
            ]
            limited = [room for room in rooms if room is not None]
            if limited:
                return min(limited)
        elif "memory" in controllers.split(","):  # cgroup v1: memory.stat has the tightest
            folder = root / "sys/fs/cgroup/memory" / relative
            return _room(
                folder,
                "memory.limit_in_bytes",
                "memory.usage_in_bytes",
                "total_inactive_file",
                tightest="hierarchical_memory_limit",
            )
    return None


def _up_to(folder: Path, base: Path) -> list[Path]:
    """`folder` and its parents up to `base`, inclusive."""
    found = [folder]
    while found[-1] != base and base in found[-1].parents:
        found.append(found[-1].parent)
    return found


def _room(
    folder: Path, limit_file: str, usage_file: str, inactive: str, tightest: str = ""
) -> int | None:
    try:
        limit_text = (folder / limit_file).read_text().strip()
        if limit_text == "max":
            return None
        limit = int(limit_text)
        used = int((folder / usage_file).read_text())
        stat = _stat(folder / "memory.stat")
    except (OSError, ValueError):
        return None
    if tightest in stat:
        limit = min(limit, stat[tightest])
    if limit >= 1 << 60:  # cgroup v1's "no limit"
        return None
    return max(0, limit - used + stat.get(inactive, 0))


def _stat(path: Path) -> dict[str, int]:
    found: dict[str, int] = {}
    for line in path.read_text().splitlines():
        key, _, value = line.partition(" ")
        found[key] = int(value)
    return found
