"""The assignment: best proposal first, by the evidence as it stands when it is decided."""

from __future__ import annotations

from accord.matching.engine.assign import assign
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
