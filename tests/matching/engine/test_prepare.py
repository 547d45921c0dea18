"""Preparing the inputs: lines in canonical order, whatever order they come in."""

from __future__ import annotations

import random
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from accord.matching.engine.prepare import Prepared, RecordBook, line_sort_key, record_sort_key
from accord.matching.engine.rules import DEFAULT_RULES
from tests.matching.engine.factories import DAY, line, record

# Few values, so that many lines share account, date and bank ref and the rest decides.
_LINE_SPECS = st.lists(
    st.tuples(st.integers(0, 1), st.integers(0, 1), st.sampled_from(["1.00", "-2.00"]),
              st.integers(0, 2)),
    max_size=12,
)  # fmt: skip


@given(_LINE_SPECS, st.randoms(use_true_random=False))
def test_lines_come_in_the_order_of_their_whole_sort_keys(
    specs: list[tuple[int, int, str, int]], rnd: random.Random
) -> None:
    lines = [
        line(f"B{n}", amount, day=DAY + timedelta(days=d), entry=e) for n, d, amount, e in specs
    ]
    rnd.shuffle(lines)

    prep = Prepared(lines, [])

    keys = [line_sort_key(pl.line, pl.account) for pl in prep.lines]
    assert keys == sorted(keys)
    assert [pl.pos for pl in prep.lines] == list(range(len(lines)))
    assert all(pl.sort_key == () for pl in prep.lines)


@given(
    st.lists(st.tuples(st.integers(0, 2), st.sampled_from(["1.00", "-2.00"]), st.integers(0, 1))),
    st.randoms(use_true_random=False),
)
def test_records_come_in_the_order_of_their_whole_sort_keys(
    specs: list[tuple[int, str, int]], rnd: random.Random
) -> None:
    records = [record(f"R{n}", amount, day=DAY - timedelta(days=d)) for n, amount, d in specs]
    rnd.shuffle(records)

    book = RecordBook(records, DEFAULT_RULES)

    keys = [record_sort_key(pr.rec) for pr in book.records]
    assert keys == sorted(keys)
    assert [pr.pos for pr in book.records] == list(range(len(records)))
