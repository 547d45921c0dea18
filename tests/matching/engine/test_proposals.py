"""Proposals travel between processes by pickle with every field intact."""

from __future__ import annotations

import pickle
from decimal import Decimal

from accord.matching.engine.proposals import _FIELDS, Proposal
from accord.matching.engine.rules import REFERENCE_FX


def test_a_pickled_proposal_comes_back_with_every_field() -> None:
    prop = Proposal((3, 4), (7,), 88, REFERENCE_FX, auto=True, expected=12_345)
    prop.days, prop.fee, prop.fx_rate, prop.fx_source = -2, 150, Decimal("1.0842"), "bank"
    prop.gap, prop.ids, prop.sim, prop.strength = 5, ("reference=INV-1",), 91.5, 3
    prop.notes = ("the name is close, not the same",)

    back = pickle.loads(pickle.dumps(prop))  # noqa: S301 - our own bytes

    assert {name: getattr(back, name) for name in _FIELDS} == {
        name: getattr(prop, name) for name in _FIELDS
    }
