"""What a command does on SIGTERM (`kill`, `docker stop`, systemd), for as long as it runs."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Callable, Iterator
from types import FrameType

Handler = Callable[[int, FrameType | None], object] | signal.Handlers


@contextlib.contextmanager
def on_sigterm(handler: Handler) -> Iterator[None]:
    """`handler` for SIGTERM inside the block, the previous one after it (main thread only)."""
    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
