"""Spread independent work over this process and one forked worker process, when it pays.

The machine may have two cores and little else, and moving objects between processes costs
about as much as creating them, so:
- the worker is forked: it inherits the inputs instead of receiving them pickled;
- results come back pickled by field values (see `_Pickler`), and objects this process
  already has (`shared`: bank lines, ledger records) come back as references, not copies;
- work is split only when the worker's share weighs at least `min_share`, a core is
  spare (`spare_core`) and the memory the job may still take would hold what the worker
  copies (`spare_memory`); otherwise everything runs here.
Results are returned in input order, and the first error in input order is raised, so the
outcome does not depend on which process did what.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import multiprocessing
import operator
import os
import pickle
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

from accord.kit import frozen
from accord.kit.errors import AccordError
from accord.reconciliation.files import memory

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
) -> tuple[list[R], B]:
    """`map_split`, and `beside()` in this process while the worker works: for work whose
    result is too large to send back. `beside_weight`, in the units of `weights`, counts
    on this side when the items are split; `worker_cost` is what an item costs in the
    worker, as a multiple of its weight here. An item's error comes before beside's.
    """
    here, there = split_two(weights, here_load=beside_weight, worker_cost=worker_cost)
    if not _worth_a_worker(weights, there, min_share):
        return _all_here(func, items, done_here), beside()
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


def _run_claimed() -> tuple[int, bytes | _Failed | Exception] | None:
    task: _Task[Any, Any] = _Task.current
    i = _claim(task.bounds, front=False)
    if i is None:
        return None
    try:
        return i, _run_in_worker(i)
    except Exception as exc:
        return i, exc


def _receive_claimed(
    future: Future[tuple[int, bytes | _Failed | Exception] | None], shared: Sequence[object]
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


def _run_in_worker(index: int) -> bytes | _Failed:
    task: _Task[Any, Any] = _Task.current
    item = task.items[index]
    try:
        result = task.func(item)
    except AccordError as exc:
        return _Failed(type(exc), exc.args, dict(vars(exc)))
    if task.positions is None and task.shared:
        task.positions = _positions(task.shared)
    return _dump(result, task.positions)


def _capture(func: Callable[[T], R], item: T) -> R | Exception:
    try:
        return func(item)
    except Exception as exc:
        return exc


def _receive(future: Future[bytes | _Failed], shared: Sequence[object]) -> Any:
    try:
        outcome = future.result()
    except Exception as exc:
        return exc
    return _unpacked(outcome, shared)


def _unpacked(outcome: bytes | _Failed | Exception, shared: Sequence[object]) -> Any:
    """What the worker sent back: its result, or the error it raised."""
    if isinstance(outcome, Exception):
        return outcome
    if isinstance(outcome, _Failed):
        return outcome.rebuild()
    return loads(outcome, shared=shared)


def _raise_or_return(outcome: R | Exception) -> R:
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


@dataclass(frozen=True, slots=True)
class _Failed:
    """An Accord error raised in the worker, in parts: Accord's errors take their own
    constructor arguments, so pickle cannot rebuild them from `args`."""

    kind: type[AccordError]
    args: tuple[object, ...]
    attributes: dict[str, object]

    def rebuild(self) -> AccordError:
        error = self.kind.__new__(self.kind)
        error.args = self.args
        error.__dict__.update(self.attributes)
        return error


class _Pickler(pickle.Pickler):
    """Pickles a dataclass as its field values, rebuilt by one constructor call (a frozen
    one's by `accord.kit.frozen`, faster than its own), and an object of the receiving
    process (at `positions`, by id) as its position there.

    The default for frozen slotted dataclasses goes through Python-level __getstate__ /
    __setstate__ per object: about twice as slow both ways. Shared objects are found here,
    not by `persistent_id`, which pickle calls for every string and number too (measured:
    17k matches pickled in 0.28 s that way, 0.19 s this way).
    """

    def __init__(self, buffer: io.BytesIO, positions: dict[int, int] | None) -> None:
        super().__init__(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        self.positions = positions or {}

    def reducer_override(self, obj: Any) -> Any:
        if self.positions:
            pos = self.positions.get(id(obj))
            if pos is not None:
                return _shared, (pos,)
        cls = type(obj)
        reduction = _REDUCTIONS[cls] if cls in _REDUCTIONS else _reduction(cls)
        if reduction is None:
            return NotImplemented
        constructor, getter = reduction
        return constructor, getter(obj)


def _shared(pos: int) -> object:
    """Stands in a pickle for the object at `pos` of the receiving process's `shared`."""
    raise pickle.UnpicklingError("a shared object outside `loads`: its owner is unknown")


class _Unpickler(pickle.Unpickler):
    def __init__(self, buffer: io.BytesIO, shared: Sequence[object]) -> None:
        super().__init__(buffer)
        self.shared = shared

    def find_class(self, module: str, name: str) -> Any:
        if module == __name__ and name == _shared.__name__:
            return self.shared.__getitem__
        return super().find_class(module, name)


def dumps(value: object, *, shared: Iterable[object] = ()) -> bytes:
    """Bytes that `loads` (with an equal `shared`) turns back into an equal value; objects
    of `shared` (not of builtin types: those are always copied) come back as `loads`'s."""
    objects = list(shared)
    return _dump(value, _positions(objects) if objects else None)


def _dump(value: object, positions: dict[int, int] | None) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer, positions).dump(value)
    return buffer.getvalue()


def _positions(shared: Iterable[object]) -> dict[int, int]:
    return {id(value): i for i, value in enumerate(shared)}


def loads(data: bytes, *, shared: Iterable[object] = ()) -> Any:
    """The value `dumps` made, with references to `shared` resolved to its objects.

    Only for bytes of our own worker: unpickling runs code named in the data.
    """
    objects = shared if isinstance(shared, list | tuple) else list(shared)
    return _Unpickler(io.BytesIO(data), objects).load()


# For each class pickled: its constructor and a getter of its field values, or None when
# pickle's own way serves.
_REDUCTIONS: dict[type, tuple[Callable[..., Any], Callable[[Any], tuple[Any, ...]]] | None] = {}


def _reduction(
    cls: type,
) -> tuple[Callable[..., Any], Callable[[Any], tuple[Any, ...]]] | None:
    getter = _make_getter(cls) if hasattr(cls, "__dataclass_fields__") else None
    _REDUCTIONS[cls] = found = (_constructor(cls), getter) if getter is not None else None
    return found


def _constructor(cls: type) -> Callable[..., Any]:
    try:
        frozen.builder(cls)
    except TypeError:  # not a frozen dataclass it builds: the class itself
        return cls
    return functools.partial(frozen.rebuild, cls)  # pickled once a dump (pickle's memo)


def _make_getter(cls: type) -> Callable[[Any], tuple[Any, ...]] | None:
    fields = dataclasses.fields(cls)
    if len(fields) < 2 or not all(f.init for f in fields):
        return None  # attrgetter of one name returns the bare value, not a tuple
    getter: Callable[[Any], tuple[Any, ...]] = operator.attrgetter(*(f.name for f in fields))
    return getter


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


def _fork() -> multiprocessing.context.BaseContext:
    return multiprocessing.get_context("fork")
