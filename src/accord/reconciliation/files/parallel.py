"""Spread independent work over this process and one forked worker process, when it pays.

The machine may have two cores and little else, and moving objects between processes costs
about as much as creating them, so:
- the worker is forked: it inherits the inputs instead of receiving them pickled;
- results come back pickled by field values (`transfer`), and objects this process
  already has (`shared`: bank lines, ledger records) come back as references, not copies;
- work is split only when the worker's share weighs at least `min_share` and the worker
  would find a core and memory to spare (`capacity`); otherwise everything runs here.
Results are returned in input order, and the first error in input order is raised, so the
outcome does not depend on which process did what.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from accord.kit.errors import AccordError
from accord.reconciliation.files.capacity import spare_core, spare_memory
from accord.reconciliation.files.transfer import Failed, dump, loads, positions_of

T = TypeVar("T")
R = TypeVar("R")
B = TypeVar("B")


# What the worker's share of some work costs, as a multiple of the same work here: its
# results are pickled and sent back, and it finds the pages it touches shared with this
# process, to be copied. Measured at 100k lines, proposing: 2.84 s here for half of the
# lines, 3.26 s in the worker for the other half and 0.33 s to send them back.
WORKER_COST = 1.25


def split_two(
    weights: Sequence[int], here_load: int = 0, worker_cost: float = 1.0
) -> tuple[list[int], list[int]]:
    """Indexes for here and for the worker: heaviest first, each to the lighter side;
    `here_load` is work this side has already, and the worker's items count `worker_cost`
    times their weight."""
    here: list[int] = []
    there: list[int] = []
    load = [float(here_load), 0.0]
    for index in sorted(range(len(weights)), key=lambda i: (-weights[i], i)):
        side = 0 if load[0] <= load[1] else 1
        (here if side == 0 else there).append(index)
        load[side] += weights[index] * (worker_cost if side else 1.0)
    return here, there


def map_split(
    func: Callable[[T], R],
    items: Sequence[T],
    weights: Sequence[int],
    *,
    min_share: int,
    shared: Sequence[object] = (),
    done_here: Callable[[], None] | None = None,
    claimed: bool = False,
) -> list[R]:
    """`[func(item) for item in items]`, with part of the work in a worker process when the
    worker's share weighs at least `min_share`.

    The items are shared out by `weights` up front, or with `claimed` as the work goes:
    this process takes them from the front, the worker from the back, each the next one
    left when it is free. That is for items whose cost `weights` cannot foretell (lines to
    propose for: spans of as many lines differ by their accounts and how common their
    amounts are), so that neither side waits long for the other; each side's items are
    then contiguous.

    `shared` lists objects of this process that results may contain: they come back as
    this process's own objects. Exceptions surface in input order, as they would sequentially.
    `done_here()` runs once this process has run `func` on its share, before the worker's
    results are read back.
    """
    if claimed:
        return _map_claimed(func, items, weights, min_share, shared, done_here)
    results, _ = map_split_beside(
        func,
        items,
        weights,
        beside=lambda: None,
        beside_weight=0,
        min_share=min_share,
        shared=shared,
        done_here=done_here,
    )
    return results


def map_split_beside(
    func: Callable[[T], R],
    items: Sequence[T],
    weights: Sequence[int],
    *,
    beside: Callable[[], B],
    beside_weight: int,
    min_share: int,
    shared: Sequence[object] = (),
    done_here: Callable[[], None] | None = None,
    worker_cost: float = WORKER_COST,
    check: Callable[[list[R]], None] | None = None,
) -> tuple[list[R], B]:
    """`map_split`, and `beside()` in this process while the worker works: for work whose
    result is too large to send back. `beside_weight`, in the units of `weights`, counts
    on this side when the items are split; `worker_cost` is what an item costs in the
    worker, as a multiple of its weight here. An item's error comes before beside's, and
    so does an error `check(results)` raises, where the results as a whole can be wrong.
    """
    here, there = split_two(weights, here_load=beside_weight, worker_cost=worker_cost)
    if not _worth_a_worker(weights, there, min_share):
        results = _all_here(func, items, done_here)
        if check is not None:
            check(results)
        return results, beside()
    outcomes: dict[int, R | Exception] = {}
    _Task.current = _Task(func, items, shared)
    try:
        with ProcessPoolExecutor(max_workers=1, mp_context=_fork()) as pool:
            futures = {i: pool.submit(_run_in_worker, i) for i in sorted(there)}
            try:
                beside_outcome = _capture(lambda _: beside(), None)
                for i in sorted(here):
                    outcomes[i] = _capture(func, items[i])
            except BaseException:  # interrupted (Ctrl-C, SIGTERM): the worker starts no more
                for future in futures.values():
                    future.cancel()
                raise
            if done_here is not None:
                done_here()
            for i in sorted(futures):  # each result's bytes are freed once read back
                outcomes[i] = _receive(futures.pop(i), shared)
    finally:
        _Task.current = None
    results = [_raise_or_return(outcomes[i]) for i in range(len(items))]
    if check is not None:
        check(results)
    return results, _raise_or_return(beside_outcome)


def _map_claimed(
    func: Callable[[T], R],
    items: Sequence[T],
    weights: Sequence[int],
    min_share: int,
    shared: Sequence[object],
    done_here: Callable[[], None] | None,
) -> list[R]:
    if not _worth_a_worker(weights, split_two(weights, worker_cost=WORKER_COST)[1], min_share):
        return _all_here(func, items, done_here)
    outcomes: dict[int, R | Exception] = {}
    bounds = _fork().Array("q", [0, len(items)])  # the front's next item, the back's end
    _Task.current = _Task(func, items, shared, bounds=bounds)
    try:
        with ProcessPoolExecutor(max_workers=1, mp_context=_fork()) as pool:
            futures = [pool.submit(_run_claimed) for _ in items]
            try:
                while (i := _claim(bounds, front=True)) is not None:
                    outcomes[i] = _capture(func, items[i])
            except BaseException:  # interrupted (Ctrl-C, SIGTERM): the worker takes no more
                _take_the_rest(bounds)
                raise
            if done_here is not None:
                done_here()
            for future in futures:  # each result's bytes are freed once read back
                claimed = _receive_claimed(future, shared)
                if claimed is not None:
                    outcomes[claimed[0]] = claimed[1]
    finally:
        _Task.current = None
    return [_raise_or_return(outcomes[i]) for i in range(len(items))]


def _claim(bounds: Any, *, front: bool) -> int | None:
    """The next item from the front (this process) or the back (the worker), or None when
    all are taken."""
    with bounds.get_lock():
        first, end = bounds[0], bounds[1]
        if first >= end:
            return None
        if front:
            bounds[0] = first + 1
            return int(first)
        bounds[1] = end - 1
        return int(end - 1)


def _take_the_rest(bounds: Any) -> None:
    with bounds.get_lock():
        bounds[1] = bounds[0]


def _run_claimed() -> tuple[int, bytes | Failed | Exception] | None:
    task: _Task[Any, Any] = _Task.current
    i = _claim(task.bounds, front=False)
    if i is None:
        return None
    try:
        return i, _run_in_worker(i)
    except Exception as exc:
        return i, exc


def _receive_claimed(
    future: Future[tuple[int, bytes | Failed | Exception] | None], shared: Sequence[object]
) -> tuple[int, Any] | None:
    """The item the worker ran and its outcome, or None when it found none left; an error
    that could not be sent back (the worker died) is raised here, whatever its item."""
    claimed = future.result()
    if claimed is None:
        return None
    i, outcome = claimed
    return i, _unpacked(outcome, shared)


def _worth_a_worker(weights: Sequence[int], there: Sequence[int], min_share: int) -> bool:
    # The memory check reads a few small files; the core check looks for 50 ms.
    return sum(weights[i] for i in there) >= min_share and spare_memory() and spare_core()


def _all_here(
    func: Callable[[T], R], items: Sequence[T], done_here: Callable[[], None] | None
) -> list[R]:
    results = [func(item) for item in items]
    if done_here is not None:
        done_here()
    return results


@dataclass(slots=True)
class _Task(Generic[T, R]):
    """What the forked worker inherits: the function, every item, and the objects results
    may share with this process."""

    func: Callable[[T], R]
    items: Sequence[T]
    shared: Sequence[object]
    positions: dict[int, int] | None = None  # of `shared`, by id, once the worker needs them
    bounds: Any = None  # with `claimed`: the front's next item and the back's end

    current: ClassVar[Any] = None  # set around a pool's life, inherited by the fork


def _run_in_worker(index: int) -> bytes | Failed:
    task: _Task[Any, Any] = _Task.current
    item = task.items[index]
    try:
        result = task.func(item)
    except AccordError as exc:
        return Failed(type(exc), exc.args, dict(vars(exc)))
    if task.positions is None and task.shared:
        task.positions = positions_of(task.shared)
    return dump(result, task.positions)


def _capture(func: Callable[[T], R], item: T) -> R | Exception:
    try:
        return func(item)
    except Exception as exc:
        return exc


def _receive(future: Future[bytes | Failed], shared: Sequence[object]) -> Any:
    try:
        outcome = future.result()
    except Exception as exc:
        return exc
    return _unpacked(outcome, shared)


def _unpacked(outcome: bytes | Failed | Exception, shared: Sequence[object]) -> Any:
    """What the worker sent back: its result, or the error it raised."""
    if isinstance(outcome, Exception):
        return outcome
    if isinstance(outcome, Failed):
        return outcome.rebuild()
    return loads(outcome, shared=shared)


def _raise_or_return(outcome: R | Exception) -> R:
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def _fork() -> multiprocessing.context.BaseContext:
    return multiprocessing.get_context("fork")
