"""Whether a worker process pays: a core to itself (`spare_core`) and the memory for the
pages it will copy (`spare_memory`). The answers change how fast a job runs, never its result.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

from accord.reconciliation.files import memory


def spare_core() -> bool:
    """True when a worker can be forked and would find a core to itself.

    On a machine already busy with other work, a worker only adds the cost of moving
    results (measured: +30% CPU, slower on a loaded machine). "Busy" is other tasks running
    now, not the load average: a long job raises the load average itself, and its second
    stage would then find no core spare. Another task counts when it runs for at least half
    of a 50 ms look, so that a short burst (a monitoring sampler, a cron job) does not keep a
    long stage on one core. The answer changes the speed of a job, never its result.
    """
    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cores = cores or 1
    return cores >= 2 and _others_running() < cores - 1.5


# What a forked worker and this process add while they work, as a multiple of this process
# now. Measured at 1M lines x 1.16M records: 2.35 GB at the fork, 5.0-5.5 GB for the two
# processes at their peak, where one process alone peaks at 3.6 GB.
FORK_COST = 2


def spare_memory() -> bool:
    """True when the memory the job may still take (`memory.room_bytes`: available memory,
    within a container's limit) holds `FORK_COST` times this process.

    A forked worker shares this process's pages only until either side writes to one, and
    CPython writes to every object it reads (its reference count), so a worker that reads
    the records' book ends up with its own copy of most of it. Without the room, one
    process does the work: slower, never a different result.
    """
    own, room = memory.own_bytes(), memory.room_bytes()
    return own is None or room is None or room >= FORK_COST * own


def _others_running(samples: int = 10) -> float:
    """Tasks running or ready to run besides this one, averaged over 50 ms."""
    try:
        counts = []
        for _ in range(samples):
            running = Path("/proc/loadavg").read_text().split()[3].split("/")[0]
            counts.append(int(running) - 1)
            time.sleep(0.005)
        return sum(counts) / samples
    except (OSError, ValueError, IndexError):  # not Linux: the one-minute load average
        return max(0.0, os.getloadavg()[0] - 1)
