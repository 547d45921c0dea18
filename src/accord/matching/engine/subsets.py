"""Bounded subset-sum: which few amounts add up to a total.

Used for collective payments and instalments. The search is depth-first over amounts in
a fixed order, prunes on the remaining sum, and stops after `cap` steps; it returns at most
`want` solutions so a caller can tell a unique answer from an ambiguous one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accord.matching.engine.rules import Rules


def find_subsets(
    values: Sequence[int],
    target: int,
    *,
    limit: int = 0,
    min_size: int = 2,
    max_size: int = 6,
    cap: int = 20_000,
    want: int = 2,
) -> tuple[list[tuple[int, ...]], bool]:
    """Index tuples of `values` (all > 0) whose sum is within `limit` of `target`.

    Returns the solutions (sorted index tuples, at most `want`) and whether the search ran
    to the end (False when `cap` steps were not enough: the answer is then incomplete).
    """
    search = _Search(values, target, limit, min_size, max_size, cap, want)
    complete = search.walk(0, 0)
    return search.found, complete and search.steps <= cap


class _Search:
    """One search's state. A class, not a closure: a recursive closure is a reference
    cycle, which the reconcile job (garbage collection off) would keep until its end."""

    __slots__ = (
        "cap",
        "chosen",
        "found",
        "limit",
        "max_size",
        "min_size",
        "order",
        "steps",
        "suffix",
        "target",
        "vals",
        "want",
    )

    def __init__(
        self,
        values: Sequence[int],
        target: int,
        limit: int,
        min_size: int,
        max_size: int,
        cap: int,
        want: int,
    ) -> None:
        self.order = sorted(range(len(values)), key=lambda i: (-values[i], i))
        self.vals = [values[i] for i in self.order]
        self.suffix = [0] * (len(self.vals) + 1)
        for i in range(len(self.vals) - 1, -1, -1):
            self.suffix[i] = self.suffix[i + 1] + self.vals[i]
        self.target, self.limit, self.cap, self.want = target, limit, cap, want
        self.min_size, self.max_size = min_size, max_size
        self.found: list[tuple[int, ...]] = []
        self.chosen: list[int] = []
        self.steps = 0

    def walk(self, start: int, total: int) -> bool:
        vals, suffix, chosen, found = self.vals, self.suffix, self.chosen, self.found
        target, limit = self.target, self.limit
        for i in range(start, len(vals)):
            self.steps += 1
            if self.steps > self.cap:
                return False
            new = total + vals[i]
            if new > target + limit:
                continue
            if new + suffix[i + 1] < target - limit and new < target - limit:
                return True
            chosen.append(i)
            if abs(new - target) <= limit and len(chosen) >= self.min_size:
                found.append(tuple(sorted(self.order[j] for j in chosen)))
                if len(found) >= self.want:
                    chosen.pop()
                    return True
            if len(chosen) < self.max_size and not self.walk(i + 1, new):
                chosen.pop()
                return False
            chosen.pop()
            if len(found) >= self.want:
                return True
        return True


def exact_sums(
    values: Sequence[int], target: int, *, min_size: int = 1, max_size: int = 3, want: int = 2
) -> list[tuple[int, ...]]:
    """Index tuples of `min_size` to `max_size` (1 to 3) of `values` (all > 0) summing
    exactly to `target`, fewest first, at most `want` of them.

    Complete at any length, unlike `find_subsets`: a table of the values makes it
    O(n) for one and two values and O(n^2) for three.
    """
    at: dict[int, list[int]] = {}
    for i, value in enumerate(values):
        at.setdefault(value, []).append(i)
    found: list[tuple[int, ...]] = [(i,) for i in at.get(target, ())] if min_size <= 1 else []
    if len(found) >= want:
        return found[:want]
    if min_size <= 2 <= max_size:
        for i, value in enumerate(values):
            found.extend((i, j) for j in at.get(target - value, ()) if j > i)
            if len(found) >= want:
                return found[:want]
    if max_size >= 3:
        for i, first in enumerate(values):
            for j in range(i + 1, len(values)):
                rest = target - first - values[j]
                if rest > 0:
                    found.extend((i, j, k) for k in at.get(rest, ()) if k > j)
            if len(found) >= want:
                return found[:want]
    return found[:want]


def subsets_within_rules(
    values: Sequence[int], target: int, limit: int, rules: Rules
) -> tuple[list[tuple[int, ...]], bool]:
    """`find_subsets` of at most `rules.max_subset_size` values, searched for at most
    `rules.subset_iteration_cap` steps."""
    return find_subsets(
        values, target, limit=limit, max_size=rules.max_subset_size, cap=rules.subset_iteration_cap
    )
