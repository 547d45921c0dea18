"""Bounded subset-sum: which few amounts add up to a total.

Used for collective payments and instalments. The search is depth-first over amounts in
a fixed order, prunes on the remaining sum, and stops after `cap` steps; it returns at most
`want` solutions so a caller can tell a unique answer from an ambiguous one.
"""

from __future__ import annotations

from collections.abc import Sequence


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
    order = sorted(range(len(values)), key=lambda i: (-values[i], i))
    vals = [values[i] for i in order]
    suffix = [0] * (len(vals) + 1)
    for i in range(len(vals) - 1, -1, -1):
        suffix[i] = suffix[i + 1] + vals[i]
    found: list[tuple[int, ...]] = []
    steps = 0
    chosen: list[int] = []

    def walk(start: int, total: int) -> bool:
        nonlocal steps
        for i in range(start, len(vals)):
            steps += 1
            if steps > cap:
                return False
            new = total + vals[i]
            if new > target + limit:
                continue
            if new + suffix[i + 1] < target - limit and new < target - limit:
                return True
            chosen.append(i)
            if abs(new - target) <= limit and len(chosen) >= min_size:
                found.append(tuple(sorted(order[j] for j in chosen)))
                if len(found) >= want:
                    chosen.pop()
                    return True
            if len(chosen) < max_size and not walk(i + 1, new):
                chosen.pop()
                return False
            chosen.pop()
            if len(found) >= want:
                return True
        return True

    complete = walk(0, 0)
    return found, complete and steps <= cap
