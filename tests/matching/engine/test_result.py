"""The engine's result: `build_result` gives what sorting every built match and leftover gives."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from accord.kit.money import exponent
from accord.matching.engine.assign import Assignment, Decision, Owners
from accord.matching.engine.explain import money
from accord.matching.engine.model import EngineResult, UnmatchedLine, UnmatchedRecord
from accord.matching.engine.prepare import PLine, PRec, Prepared, RecordBook
from accord.matching.engine.proposals import Proposal
from accord.matching.engine.result import (
    build_match,
    build_result,
    line_reason,
    record_reason,
    sort_result,
)
from accord.matching.engine.rules import DEFAULT_RULES, REFERENCE
from tests.matching.engine.factories import DAY, line, record

# Two spellings of one account: lines differing only there sort alike.
ACCOUNTS = ["DE89370400440532013000", "de89 3704 0044 0532 0130 00"]


def _sorted_result(
    a: Assignment, lines: list[PLine], recs: list[PRec], crowded: dict[int, int]
) -> EngineResult:
    return sort_result(
        [build_match(d, lines, recs) for d in a.decisions],
        [UnmatchedLine(pl.line, line_reason(pl, a, lines, recs, crowded.get(pl.pos, 0)))
         for pl in lines
         if pl.pos not in a.line_owner],
        [UnmatchedRecord(pr.rec, record_reason(pr, a, lines, recs)) for pr in recs
         if pr.pos not in a.rec_owner],
    )  # fmt: skip


def _assignment(lines: list[PLine], recs: list[PRec], pairs: list[tuple[int, int]]) -> Assignment:
    """Line i matched to record r for each pair, in the given order, each item once."""
    a = Assignment([], Owners(len(lines)), Owners(len(recs)), {}, {})
    for i, r in pairs:
        if i >= len(lines) or r >= len(recs) or i in a.line_owner or r in a.rec_owner:
            continue
        prop = Proposal((i,), (r,), 90, REFERENCE, auto=True, expected=recs[r].minor)
        decision = Decision(prop, matched=i % 2 == 0)
        a.decisions.append(decision)
        a.line_owner[i] = a.rec_owner[r] = decision
    return a


line_spec = st.tuples(
    st.integers(0, 1), st.sampled_from(ACCOUNTS), st.integers(0, 1), st.integers(0, 1)
)
record_spec = st.tuples(st.integers(0, 1), st.sampled_from(["1.00", "-2.50"]), st.integers(0, 1))


@settings(max_examples=80, deadline=None)
@given(
    st.lists(line_spec, max_size=12),
    st.lists(record_spec, max_size=12),
    st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11)), max_size=12),
    st.booleans(),
)
def test_build_result_is_the_sorted_result(
    lspecs: list[tuple[int, str, int, int]],
    rspecs: list[tuple[int, str, int]],
    pairs: list[tuple[int, int]],
    twice: bool,
) -> None:
    # Few distinct values, so that some lines and records sort alike.
    lines = [
        line(f"B{n}", "1.00", account=acc, day=DAY + timedelta(days=d), entry=e)
        for n, acc, d, e in lspecs
    ]
    records = [
        record(f"R{n}", amt, day=DAY - timedelta(days=d), name=f"N{n}") for n, amt, d in rspecs
    ]
    if twice and lines:
        lines.append(lines[0])
    book = RecordBook(records, DEFAULT_RULES)
    prep = Prepared(lines, book.records)
    a = _assignment(prep.lines, prep.records, pairs)
    # Reasons that sort against the lines' order.
    crowded = {pl.pos: 10 + len(lines) - pl.pos for pl in prep.lines}
    expected = _sorted_result(a, prep.lines, prep.records, crowded)
    tied = prep.tied or book.tied
    assert build_result(a, prep.lines, prep.records, crowded, tied=tied) == expected


@given(st.integers(-(10**15), 10**15), st.sampled_from(["EUR", "JPY", "KWD", "CLF", "USD"]))
def test_money_is_the_amount_formatted_with_grouped_digits(minor: int, currency: str) -> None:
    digits = exponent(currency)
    whole, frac = divmod(abs(minor), 10**digits)
    expected = f"{whole:,}.{frac:0{digits}d}" if digits else f"{whole:,}"
    assert money(minor, currency) == f"{expected} {currency}"


def test_money_groups_digits_and_drops_the_sign() -> None:
    assert money(-123456789, "EUR") == "1,234,567.89 EUR"
    assert money(5, "EUR") == "0.05 EUR"
    assert money(-1234, "JPY") == "1,234 JPY"
    assert money(1234567, "KWD") == "1,234.567 KWD"


def test_records_given_twice_are_listed_in_the_sorted_results_order() -> None:
    # The same record twice, one left with a reason that sorts after the other's.
    book = RecordBook(
        [record("R", "1.00"), record("R", "1.00"), record("S", "1.00")], DEFAULT_RULES
    )
    prep = Prepared([line("B0", "1.00")], book.records)
    a = _assignment(prep.lines, prep.records, [(0, 2)])
    a.lost_rec[0] = Proposal((0,), (0,), 90, REFERENCE, auto=True, expected=100)
    expected = _sorted_result(a, prep.lines, prep.records, {})

    assert book.tied
    result = build_result(a, prep.lines, prep.records, {}, tied=prep.tied or book.tied)
    assert result == expected
    assert [u.reason[:2] for u in result.unmatched_records] == ["no", "th"]
