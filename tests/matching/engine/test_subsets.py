"""Bounded subset search."""

from __future__ import annotations

import itertools
import random

from accord.matching.engine.subsets import exact_sums, find_subsets


def test_finds_the_unique_combination() -> None:
    found, complete = find_subsets([100, 230, 75], 330)
    assert (found, complete) == ([(0, 1)], True)


def test_reports_a_second_combination_as_ambiguity() -> None:
    found, _ = find_subsets([100, 200, 300, 400], 500)
    assert len(found) == 2


def test_respects_size_bounds() -> None:
    assert find_subsets([100], 100)[0] == []
    assert find_subsets([1, 1, 1, 1], 4, max_size=3)[0] == []


def test_stops_at_the_iteration_cap_and_says_so() -> None:
    values = [3 * i + 1 for i in range(40)]
    found, complete = find_subsets(values, sum(values[:6]) - 1, cap=10)
    assert complete is False
    assert len(found) <= 2


def test_exact_sums_agrees_with_trying_every_triple() -> None:
    values = random.Random(5).sample(range(10_000, 200_000), 120)
    for target in (values[3] + values[60] + values[119], values[7] + values[8], 150_000):
        every = [c for c in itertools.combinations(range(120), 3) if _sum(values, c) == target]
        pairs = [c for c in itertools.combinations(range(120), 2) if _sum(values, c) == target]
        assert exact_sums(values, target, want=3) == [*pairs, *every][:3]


def _sum(values: list[int], chosen: tuple[int, ...]) -> int:
    return sum(values[i] for i in chosen)


def test_exact_sums_reports_a_second_combination_and_fewest_first() -> None:
    assert exact_sums([500, 200, 300, 100, 400], 500) == [(0,), (1, 2)]
    assert exact_sums([250, 250, 100], 500) == [(0, 1)]


def test_exact_sums_respects_the_size_bound() -> None:
    assert exact_sums([100, 200, 300], 600, max_size=2) == []
    assert exact_sums([100, 200, 300], 600) == [(0, 1, 2)]


def test_exact_sums_from_a_minimum_size() -> None:
    assert exact_sums([500, 200, 300], 500, min_size=2) == [(1, 2)]
