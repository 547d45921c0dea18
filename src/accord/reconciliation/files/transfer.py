"""What travels between this process and its forked worker: results as pickles that a
dataclass crosses as its field values and objects this process already has (`shared`: bank
lines, ledger records) as references to them; and Accord's errors, in parts.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import operator
import pickle
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from accord.kit import frozen
from accord.kit.errors import AccordError


@dataclass(frozen=True, slots=True)
class Failed:
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
    return dump(value, positions_of(objects) if objects else None)


def dump(value: object, positions: dict[int, int] | None) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer, positions).dump(value)
    return buffer.getvalue()


def positions_of(shared: Iterable[object]) -> dict[int, int]:
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
