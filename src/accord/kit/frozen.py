"""Build instances of frozen, slotted dataclasses three to four times faster.

A frozen dataclass's `__init__` sets each field through `object.__setattr__`, to get past
its own `__setattr__`, which refuses: about 0.1 µs a field. Reading a million bank lines
of 20 fields each, and building as many matches, spends seconds there. `builder(cls)`
returns a mutable twin of `cls` (same fields, defaults and slots, plain attribute stores)
whose `__init__` ends by making the new object an instance of `cls` (`__class__`
assignment, which CPython allows between classes of the same layout, and checks). What
comes out is an ordinary instance of `cls`: equal, hashed, pickled and frozen as one made
by `cls(...)`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

_BUILDERS: dict[type, Callable[..., Any]] = {}


def builder(cls: type[T]) -> Callable[..., T]:
    """A callable that builds `cls(...)` from the same arguments, faster."""
    found = _BUILDERS.get(cls)
    if found is None:
        found = _BUILDERS[cls] = _make_builder(cls)
    return found


def _make_builder(cls: type[T]) -> Callable[..., T]:
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen or "__slots__" not in cls.__dict__:
        raise TypeError(f"{cls.__name__} is not a frozen dataclass with slots")
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    if (
        hasattr(cls, "__post_init__")
        or cls.__bases__ != (object,)
        or not all(f.init and not f.kw_only for f in fields)
    ):
        raise TypeError(
            f"{cls.__name__} has a __post_init__, a base class or a field that is not a plain "
            "parameter: build it directly"
        )

    def become(self: object) -> None:
        self.__class__ = cls

    # The twin's instances turn into `cls` instances as their __init__ ends (__post_init__):
    # the twin is called as `cls` would be, its arguments passed on by nothing in between.
    twin: Callable[..., T] = dataclasses.make_dataclass(
        cls.__name__,
        [(f.name, f.type, _same_field(f)) for f in fields],
        namespace={"__post_init__": become},
        slots=True,
        eq=False,
        repr=False,
    )
    return twin


def _same_field(f: dataclasses.Field[Any]) -> Any:
    if f.default is not dataclasses.MISSING:
        return dataclasses.field(default=f.default)
    if f.default_factory is not dataclasses.MISSING:
        return dataclasses.field(default_factory=f.default_factory)
    return dataclasses.field()


def rebuild(cls: type[T], *values: object) -> T:
    """`cls(*values)`, built fast: for unpickling (see accord.reconciliation.files.parallel)."""
    return builder(cls)(*values)
