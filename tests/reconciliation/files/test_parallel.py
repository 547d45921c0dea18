from __future__ import annotations

import errno
import os
import pickle
import time
from collections.abc import Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

import pytest

from accord.kit.errors import BadInput
from accord.reconciliation.files import parallel
from accord.reconciliation.files.parallel import map_split, map_split_beside, split_two
from accord.reconciliation.files.transfer import dumps, loads
from tests.reconciliation.files.worker_notes import note, noted, start_notes, wait_until


def square_with_pid(value: int) -> tuple[int, int]:
    if value < 0:
        raise BadInput(f"negative: {value}")
    if value == 99:
        raise ValueError("a bug")
    return value * value, os.getpid()


def test_split_two_balances_the_heaviest_items() -> None:
    here, there = split_two([5, 1, 4, 3])
    assert (sorted(here), sorted(there)) == ([0, 1], [2, 3])


def test_small_work_stays_in_this_process() -> None:
    results = map_split(square_with_pid, [1, 2, 3], [1, 1, 1], min_share=10)
    assert [value for value, _ in results] == [1, 4, 9]
    assert {pid for _, pid in results} == {os.getpid()}


@pytest.mark.usefixtures("spare_core")
def test_large_work_uses_a_worker_and_keeps_input_order() -> None:
    results = map_split(square_with_pid, [1, 2, 3, 4], [10, 10, 10, 10], min_share=10)
    assert [value for value, _ in results] == [1, 4, 9, 16]
    assert len({pid for _, pid in results}) == 2


@pytest.mark.usefixtures("spare_core")
def test_done_here_runs_after_this_sides_items_and_before_the_workers_results(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    events: list[str] = []  # only this process's: the worker has its own copy
    receive = parallel._receive

    def recorded_receive(future: Future[bytes], shared: Iterable[object]) -> object:
        events.append("receive")
        return receive(future, shared)

    def work(value: int) -> tuple[int, int]:
        events.append(f"item {value}")
        return value, os.getpid()

    def done() -> None:
        events.append("done")

    monkeypatch.setattr(parallel, "_receive", recorded_receive)
    results = map_split(work, [1, 2, 3, 4], [10] * 4, min_share=10, done_here=done)
    here = [f"item {value}" for value, pid in results if pid == os.getpid()]
    there = [value for value, pid in results if pid != os.getpid()]
    assert here
    assert there
    assert events == [*here, "done"] + ["receive"] * len(there)


def test_done_here_runs_after_every_item_when_all_run_here() -> None:
    events: list[str] = []

    def work(value: int) -> int:
        events.append(f"item {value}")
        return value

    def done() -> None:
        events.append("done")

    assert map_split(work, [1, 2], [1, 1], min_share=10, done_here=done) == [1, 2]
    assert events == ["item 1", "item 2", "done"]


def test_busy_machine_keeps_large_work_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "spare_core", lambda: False)
    results = map_split(square_with_pid, [1, 2], [10, 10], min_share=1)
    assert {pid for _, pid in results} == {os.getpid()}


@pytest.mark.usefixtures("spare_core")
def test_first_error_in_input_order_wins_wherever_it_ran() -> None:
    # Item 0 runs here (heaviest), items 1 and 2 in the worker; the worker's item 1 fails first.
    with pytest.raises(BadInput, match="negative: -1"):
        map_split(square_with_pid, [3, -1, -2], [30, 20, 10], min_share=1)
    with pytest.raises(ValueError, match="a bug"):
        map_split(square_with_pid, [99, -1], [30, 20], min_share=1)


def test_split_two_weighs_the_workers_share_by_its_cost() -> None:
    here, there = split_two([4, 4, 4, 4, 4], worker_cost=2)
    assert (sorted(here), sorted(there)) == ([0, 2, 3], [1, 4])


def test_split_two_counts_work_this_side_already_has() -> None:
    here, there = split_two([5, 1, 4, 3], here_load=6)
    assert (sorted(here), sorted(there)) == ([1, 3], [0, 2])


@pytest.mark.usefixtures("spare_core")
def test_work_beside_runs_here_while_the_worker_takes_the_items() -> None:
    results, beside = map_split_beside(
        square_with_pid, [1, 2], [10, 10], beside=os.getpid, beside_weight=100, min_share=1
    )
    assert [value for value, _ in results] == [1, 4]
    assert {pid for _, pid in results} != {os.getpid()}
    assert beside == os.getpid()


def test_work_beside_runs_here_on_a_busy_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "spare_core", lambda: False)
    results, beside = map_split_beside(
        square_with_pid, [1, 2], [10, 10], beside=os.getpid, beside_weight=0, min_share=1
    )
    assert {pid for _, pid in results} == {beside} == {os.getpid()}


def _fail_beside() -> int:
    raise BadInput("the ledger is bad")


@pytest.mark.usefixtures("spare_core")
def test_an_items_error_comes_before_the_error_beside() -> None:
    with pytest.raises(BadInput, match="negative: -1"):
        map_split_beside(
            square_with_pid, [-1], [10], beside=_fail_beside, beside_weight=10, min_share=1
        )
    with pytest.raises(BadInput, match="the ledger is bad"):
        map_split_beside(
            square_with_pid, [1], [10], beside=_fail_beside, beside_weight=10, min_share=1
        )


def _refuse_all(results: list[tuple[int, int]]) -> None:
    raise BadInput(f"{len(results)} results refused")


@pytest.mark.parametrize("min_share", [1, 10**9])  # with a worker, then all here
def test_a_check_of_the_results_comes_after_the_items_and_before_the_error_beside(
    min_share: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "spare_core", lambda: True)
    monkeypatch.setattr(parallel, "spare_memory", lambda: True)
    options = {"beside": _fail_beside, "beside_weight": 10, "min_share": min_share}
    with pytest.raises(BadInput, match="negative: -1"):
        map_split_beside(square_with_pid, [2, -1], [10, 10], check=_refuse_all, **options)
    with pytest.raises(BadInput, match="2 results refused"):
        map_split_beside(square_with_pid, [2, 1], [10, 10], check=_refuse_all, **options)


def read_with_pid(path: Path) -> tuple[str, int]:
    return path.read_text(), os.getpid()


@pytest.mark.usefixtures("spare_core")
def test_an_os_error_in_the_worker_arrives_with_its_type_errno_and_file(tmp_path: Path) -> None:
    present = tmp_path / "present"
    present.write_text("x")
    missing = tmp_path / "missing"
    # The heavier item runs here, the other in the worker.
    with pytest.raises(FileNotFoundError) as raised:
        map_split(read_with_pid, [present, missing], [20, 10], min_share=1)
    assert raised.value.errno == errno.ENOENT
    assert raised.value.filename == str(missing)
    assert str(raised.value) == f"[Errno 2] No such file or directory: '{missing}'"


@dataclass(frozen=True, slots=True)
class Box:
    label: str
    items: tuple[object, ...]


def test_dumps_sends_shared_objects_as_references() -> None:
    kept = Box("kept", (1, 2))
    value = Box("outer", (kept, Box("new", ())))
    data = dumps(value, shared=[kept])
    mine = Box("kept", (1, 2))
    back = loads(data, shared=[mine])
    assert back == value
    assert back.items[0] is mine


def test_dumps_without_shared_objects_copies_every_value() -> None:
    inner = Box("inner", (1, "two", None))
    value = Box("outer", (inner, inner, Box("new", ())))
    back = loads(dumps(value))
    assert back == value
    assert back.items[0] is back.items[1]  # one object pickled once, as before
    assert back.items[0] is not inner


def box_with_pid(value: Box) -> tuple[Box, int]:
    return Box("made", (value,)), os.getpid()


@pytest.mark.usefixtures("spare_core")
def test_the_workers_results_hold_this_processs_shared_objects_not_copies() -> None:
    boxes = [Box(str(i), (i,)) for i in range(4)]
    results = map_split(box_with_pid, boxes, [10] * 4, min_share=10, shared=boxes)
    assert len({pid for _, pid in results}) == 2
    assert [made for made, _ in results] == [Box("made", (box,)) for box in boxes]
    assert all(made.items[0] is box for (made, _), box in zip(results, boxes, strict=True))


def test_a_shared_reference_is_refused_outside_loads() -> None:
    kept = Box("kept", ())
    with pytest.raises(pickle.UnpicklingError, match="shared object outside"):
        pickle.loads(dumps(Box("outer", (kept,)), shared=[kept]))  # noqa: S301 - our own bytes


def note_slowly(value: int) -> int:
    note(value)
    time.sleep(0.05)
    return value


def _interrupted_once_the_worker_ran_one() -> None:
    wait_until(lambda: bool(noted()), "ran an item")
    raise KeyboardInterrupt


@pytest.mark.usefixtures("spare_core")
def test_an_interruption_here_leaves_the_workers_other_items_unrun(tmp_path: Path) -> None:
    start_notes(tmp_path / "ran-there")
    with pytest.raises(KeyboardInterrupt):
        map_split_beside(
            note_slowly,
            list(range(20)),
            [1] * 20,
            beside=_interrupted_once_the_worker_ran_one,
            beside_weight=1000,
            min_share=1,
        )
    assert 1 <= len(noted()) <= 3  # the item it ran and those already handed to it; not all 20
