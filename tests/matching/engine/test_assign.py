"""The assignment: best proposal first, by the evidence as it stands when it is decided."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from accord.matching.engine.assign import (
    _best_per_items,
    _holders_counted,
    _holders_of,
    _ranked_by_sorts,
    _ranked_vectorised,
    assign,
)
from accord.matching.engine.proposals import Proposal
from accord.matching.engine.rules import AMOUNT_NAME, DEFAULT_RULES, OVERPAYMENT, PARTIAL


def _prop(line: int, rec: int, band: int, stage: str, *, line_total: int) -> Proposal:
    return Proposal((line,), (rec,), band, stage, auto=True, expected=10_000).finish(line_total)


def test_a_proposal_raised_after_it_was_made_is_ranked_by_its_new_band() -> None:
    # The engine proposes an over-payment as a partial payment (band 55) and raises it to
    # 80 once no other record explains the excess; a look-alike at 70 must lose to it.
    over = _prop(0, 0, 55, PARTIAL, line_total=12_000)
    over.band, over.stage = 80, OVERPAYMENT
    look_alike = _prop(1, 0, 70, AMOUNT_NAME, line_total=10_000)

    decided = assign([look_alike, over], DEFAULT_RULES)

    assert decided.rec_owner[0].prop is over
    assert decided.lost_line[1] is look_alike


def test_of_equal_proposals_for_the_same_items_the_closer_amount_is_kept() -> None:
    far = _prop(0, 0, 90, PARTIAL, line_total=9_000)
    near = _prop(0, 0, 90, PARTIAL, line_total=9_900)

    decided = assign([far, near], DEFAULT_RULES)

    assert [d.prop for d in decided.decisions] == [near]
    assert decided.decisions[0].rivals == ()


_BANDS = st.sampled_from([20, 30, 55, 90, 100])
_ITEMS = st.lists(st.integers(0, 3), min_size=1, max_size=2).map(tuple)


@st.composite
def _proposals(draw: st.DrawFn) -> Proposal:
    prop = Proposal(draw(_ITEMS), draw(_ITEMS), draw(_BANDS), PARTIAL, auto=False, expected=10_000)
    prop.sim = draw(st.none() | st.sampled_from([0.0, 55.5, 91.0, 100.0]))
    prop.days = draw(st.none() | st.integers(-3, 3))
    prop.gap = draw(st.sampled_from([0, 1, 250]))
    return prop


@given(st.lists(_proposals(), max_size=40))
def test_proposals_are_ranked_as_by_their_order_tuples(props: list[Proposal]) -> None:
    by_items = sorted(props, key=lambda p: (p.lines, p.recs))
    ranked = _ranked_by_sorts(by_items)

    assert ranked == sorted(props, key=Proposal.order)


@given(st.lists(_proposals(), max_size=40))
def test_of_proposals_for_the_same_lines_and_records_only_the_best_is_kept(
    props: list[Proposal],
) -> None:
    best: dict[tuple[tuple[int, ...], tuple[int, ...]], Proposal] = {}
    for p in sorted(props, key=Proposal.order):
        best.setdefault((p.lines, p.recs), p)

    kept = _best_per_items(props)
    assert kept == sorted(best.values(), key=lambda p: (p.lines, p.recs))  # in that order
    assert _ranked_by_sorts(kept) == sorted(best.values(), key=Proposal.order)


@given(st.lists(st.lists(st.integers(0, 6), max_size=3, unique=True).map(tuple), max_size=30))
def test_holders_list_the_proposals_holding_each_item(held: list[tuple[int, ...]]) -> None:
    alone, flat, start = _holders_counted(held)

    assert list(alone) == [all(sum(i in t for t in held) == 1 for i in items) for items in held]
    for item in range(len(start) - 1):
        assert list(flat[start[item] : start[item + 1]]) == [
            k for k, items in enumerate(held) if item in items
        ]


@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 19)), min_size=1, max_size=60))
def test_holders_sorted_as_one_int_per_pair_are_those_of_the_lexsort(
    pairs: list[tuple[int, int]],
) -> None:
    items = np.array([item for item, _ in pairs], dtype=np.int64)
    owners = np.array([owner for _, owner in pairs], dtype=np.int64)

    as_ints = _holders_of(items, owners, 20)
    by_lexsort = _holders_of(items, owners, 20, pairs_limit=0)

    assert as_ints == by_lexsort
    assert list(as_ints[1]) == [owner for _, owner in sorted(pairs)]


@st.composite
def _any_proposals(draw: st.DrawFn) -> Proposal:
    items = st.lists(st.integers(0, 5), max_size=3, unique=True).map(tuple)
    prop = Proposal(draw(items), draw(items), draw(_BANDS), PARTIAL, auto=False, expected=1)
    # Few values, so that many proposals tie on one key and the next decides.
    prop.sim = draw(st.none() | st.sampled_from([0.0, 55.5, 91.0, 100.0]) | st.floats(0, 100))
    prop.days = draw(st.none() | st.integers(-3, 3) | st.integers(-400, 400))
    prop.gap = draw(st.sampled_from([0, 1, 250]) | st.integers(0, 2**62))
    return prop


@given(st.lists(_any_proposals(), max_size=60))
def test_numpy_ranks_and_holds_proposals_as_the_sorts_do(props: list[Proposal]) -> None:
    best = _best_per_items(props)
    ranked = _ranked_by_sorts(best)

    found = _ranked_vectorised(best)

    assert found is not None
    ordered, by_line, by_rec = found
    assert ordered == ranked  # the same objects in the same order
    assert (by_line.alone, by_line.flat, by_line.start) == _holders_counted(
        [p.lines for p in ranked]
    )
    assert (by_rec.alone, by_rec.flat, by_rec.start) == _holders_counted([p.recs for p in ranked])


def test_keys_beyond_numpy_leave_the_ranking_to_the_sorts() -> None:
    huge = _prop(0, 0, 90, PARTIAL, line_total=10_000)
    huge.gap = 2**70
    not_a_number = _prop(1, 1, 90, PARTIAL, line_total=10_000)
    not_a_number.sim = float("nan")

    assert _ranked_vectorised([huge]) is None
    assert _ranked_vectorised([not_a_number]) is None
    assert [d.prop for d in assign([huge], DEFAULT_RULES).decisions] == [huge]
