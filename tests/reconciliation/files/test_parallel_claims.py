"""`map_split(..., claimed=True)`: items shared out as the work goes, this process from the
front, the worker from the back."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, TypeVar

import pytest

from accord.kit.errors import BadInput
from accord.reconciliation.files import parallel
from accord.reconciliation.files.parallel import map_split
from tests.reconciliation.files.worker_notes import note, noted, start_notes, wait_until

R = TypeVar("R")

HERE = os.getpid()  # the forked worker inherits this value and has another pid


def map_claimed(
    func: Callable[[int], R], items: list[int], weights: list[int], **options: Any
) -> list[R]:
    return map_split(func, items, weights, claimed=True, **options)


def _bounds() -> tuple[int, int]:
    bounds = parallel._Task.current.bounds
    return bounds[0], bounds[1]


def square_after_the_worker_took_one(value: int) -> tuple[int, int]:
    """Here, the first item waits until the worker has taken an item from the back."""
    if os.getpid() == HERE and value == 0:
        count = len(parallel._Task.current.items)
        wait_until(lambda: _bounds()[1] < count, "took an item")
    return value * value, os.getpid()


def square_after_the_worker_took_the_rest(value: int) -> tuple[int, int]:
    """Here, the first item waits until every item is taken: the worker takes the rest."""
    if os.getpid() == HERE and value == 0:
        wait_until(lambda: _bounds()[0] >= _bounds()[1], "took the rest")
    if value < 0:
        raise BadInput(f"negative: {value}")
    if value == 99:
        raise ValueError("a bug")
    return value * value, os.getpid()


@pytest.mark.usefixtures("spare_core")
def test_results_keep_input_order_and_each_side_takes_a_contiguous_run() -> None:
    items = list(range(12))
    results = map_claimed(square_after_the_worker_took_one, items, [10] * 12, min_share=10)
    assert [value for value, _ in results] == [i * i for i in items]
    sides = [pid == HERE for _, pid in results]
    here = sides.count(True)
    assert 1 <= here < len(items)
    assert sides == [True] * here + [False] * (len(items) - here)


@pytest.mark.usefixtures("spare_core")
def test_a_side_that_is_busy_leaves_the_remaining_items_to_the_other() -> None:
    results = map_claimed(
        square_after_the_worker_took_the_rest, list(range(6)), [1] * 6, min_share=1
    )
    assert [pid == HERE for _, pid in results] == [True] + [False] * 5
    assert [value for value, _ in results] == [0, 1, 4, 9, 16, 25]


@pytest.mark.usefixtures("spare_core")
def test_done_here_runs_once_this_side_has_taken_nothing_more() -> None:
    events: list[str] = []  # only this process's: the worker has its own copy

    def work(value: int) -> tuple[int, int]:
        square_after_the_worker_took_one(value)
        events.append(f"item {value}")
        return value, os.getpid()

    def done() -> None:
        events.append("done")
        assert _bounds()[0] >= _bounds()[1]  # every item is taken

    results = map_claimed(work, list(range(8)), [10] * 8, min_share=10, done_here=done)
    here = [f"item {value}" for value, pid in results if pid == HERE]
    assert events == [*here, "done"]
    assert len(here) < 8


@pytest.mark.usefixtures("spare_core")
def test_the_first_error_in_input_order_wins_wherever_it_ran() -> None:
    # Item 0 runs here; the worker takes the others, and its item -1 fails before 99.
    with pytest.raises(BadInput, match="negative: -1"):
        map_claimed(square_after_the_worker_took_the_rest, [0, 2, -1, 99], [1] * 4, min_share=1)
    with pytest.raises(ValueError, match="a bug"):
        map_claimed(square_after_the_worker_took_the_rest, [0, 99, -1], [1] * 3, min_share=1)


def test_small_work_stays_here_and_done_here_runs_after_it() -> None:
    events: list[object] = []

    def work(value: int) -> int:
        events.append(os.getpid())
        return value

    results = map_claimed(work, [1, 2], [1, 1], min_share=10, done_here=lambda: events.append(0))
    assert results == [1, 2]
    assert events == [HERE, HERE, 0]


def test_a_busy_machine_keeps_the_work_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "spare_core", lambda: False)
    results = map_claimed(square_after_the_worker_took_one, [1, 2, 3], [10] * 3, min_share=1)
    assert results == [(1, HERE), (4, HERE), (9, HERE)]


def square_slowly_there_interrupted_here(value: int) -> tuple[int, int]:
    """Here, the first item is interrupted once the worker has taken an item; there, each
    item is noted and takes a while."""
    if os.getpid() == HERE:
        square_after_the_worker_took_one(value)
        raise KeyboardInterrupt
    note(value)
    time.sleep(0.05)
    return value * value, os.getpid()


@pytest.mark.usefixtures("spare_core")
def test_an_interruption_here_leaves_the_worker_nothing_more_to_take(tmp_path: Path) -> None:
    start_notes(tmp_path / "ran-there")
    with pytest.raises(KeyboardInterrupt):
        map_claimed(square_slowly_there_interrupted_here, list(range(40)), [1] * 40, min_share=1)
    assert 1 <= len(noted()) <= 3  # what it had taken when this side stopped; not the other 37


def square_or_die_there(value: int) -> tuple[int, int]:
    """Here, the first item waits until the worker has taken one; there, the worker dies."""
    if os.getpid() != HERE:
        os._exit(1)
    return square_after_the_worker_took_one(value)


@pytest.mark.usefixtures("spare_core")
def test_a_worker_that_dies_is_an_error_here() -> None:
    with pytest.raises(BrokenProcessPool):
        map_claimed(square_or_die_there, [0, 1, 2], [1] * 3, min_share=1)
