"""Bounded subset search."""

from __future__ import annotations

from accord.matching.engine.subsets import find_subsets


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
