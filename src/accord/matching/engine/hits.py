"""Index values: a bare int for one record, a list for several."""

from __future__ import annotations

from collections.abc import Sequence

Hits = int | list[int]


def hits_of(value: Hits | None) -> Sequence[int]:
    if value is None:
        return ()
    return (value,) if isinstance(value, int) else value
