"""What the tests of `parallel` share: waiting for the forked worker, and a file in which it
notes each item it runs (set before the fork, so the worker inherits where it is)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

_NOTES: list[Path] = []


def start_notes(path: Path) -> None:
    _NOTES[:] = [path]


def note(value: int) -> None:
    with _NOTES[0].open("a") as notes:
        notes.write(f"{value}\n")


def noted() -> list[str]:
    """The items noted so far, in the order they ran; [] before the first."""
    path = _NOTES[0]
    return path.read_text().split() if path.exists() else []


def wait_until(done: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 30
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"the worker never {what}")
        time.sleep(0.001)
