"""Properties of the engine over small random books full of look-alikes."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.ingest.parsers.model import BankLine
from accord.matching.engine import (
    DEFAULT_RULES,
    RecordBook,
    merge_results,
    partitions,
    reconcile,
    rules_from_mapping,
)
from accord.matching.engine.model import EngineResult, LedgerRecord, MatchStatus
from accord.matching.engine.rules import IDENTIFIER, REFERENCE
from tests.matching.engine.factories import DAY, line, record

T = TypeVar("T")
R = TypeVar("R")

AMOUNTS = ["100.00", "250.00", "99.50", "-100.00", "500.00"]
NAMES = ["Müller GmbH", "MUELLER GMBH", "Acme Ltd", "ACME TRADING LIMITED", None]
ACCOUNTS = ["DE89370400440532013000", "GB29NWBK60161331926819"]
TEXTS = [
    "INV-2025-{n:05d}",
    "inv 2025/{n:05d}",
    "Rechnung {n}/2025",
    "R2 {n}",
    "TRACE {n}0001",
    "",
    "{n}",
    "INV-2025-{n:05d} INV-2025-00002, Rechnun",
]

record_spec = st.tuples(
    st.integers(1, 6),
    st.sampled_from(AMOUNTS),
    st.sampled_from(NAMES),
    st.sampled_from([None, *ACCOUNTS]),
    st.integers(0, 20),
)
line_spec = st.tuples(
    st.integers(1, 6),
    st.sampled_from([*AMOUNTS, "97.50", "350.00"]),
    st.sampled_from(NAMES),
    st.sampled_from(ACCOUNTS),
    st.sampled_from(TEXTS),
    st.integers(0, 20),
    st.booleans(),
)


RecordSpec = tuple[int, str, str | None, str | None, int]
LineSpec = tuple[int, str, str | None, str, str, int, bool]
Book = tuple[list[RecordSpec], list[LineSpec]]


def build(
    rspecs: list[RecordSpec], lspecs: list[LineSpec]
) -> tuple[list[BankLine], list[LedgerRecord]]:
    records = [
        record(
            f"INV-2025-{n:05d}-{i}" if i % 2 else f"R{i}-{n}",
            amt,
            name=nm,
            account=acc,
            day=DAY - timedelta(days=d),
            reference=f"INV-2025-{n:05d}",
        )
        for i, (n, amt, nm, acc, d) in enumerate(rspecs)
    ]
    lines = [
        line(
            f"B{i}",
            amt,
            name=nm,
            account=acc,
            remittance=text.format(n=n) or None,
            day=DAY + timedelta(days=d),
            reversal=rev and amt.startswith("-"),
            entry=i,
        )
        for i, (n, amt, nm, acc, text, d, rev) in enumerate(lspecs)
    ]
    return lines, records


books = st.tuples(st.lists(record_spec, max_size=10), st.lists(line_spec, max_size=10))
# Every record tied to an account: the inputs really split into several partitions.
tied_record = st.tuples(
    st.integers(1, 6),
    st.sampled_from(AMOUNTS),
    st.sampled_from(NAMES),
    st.sampled_from(ACCOUNTS),
    st.integers(0, 20),
)
tied_books = st.tuples(st.lists(tied_record, max_size=10), st.lists(line_spec, max_size=10))


def _ids(result: EngineResult) -> tuple[list[tuple[str, str]], list[str]]:
    lines = [(ln.account, ln.bank_ref) for m in result.matches for ln in m.lines]
    recs = [r.id for m in result.matches for r in m.records]
    return lines, recs


@settings(max_examples=60, deadline=None)
@given(books)
def test_no_line_or_record_is_in_two_matches(book: Book) -> None:
    lines, records = build(*book)
    result = reconcile(lines, records)
    used_lines, used_recs = _ids(result)
    assert len(used_lines) == len(set(used_lines))
    assert len(used_recs) == len(set(used_recs))
    assert len(used_lines) + len(result.unmatched_lines) == len(lines)
    assert len(used_recs) + len(result.unmatched_records) == len(records)


@settings(max_examples=60, deadline=None)
@given(books, st.randoms(use_true_random=False))
def test_result_does_not_depend_on_input_order(book: Book, rnd: random.Random) -> None:
    lines, records = build(*book)
    expected = reconcile(lines, records)
    rnd.shuffle(lines)
    rnd.shuffle(records)
    assert reconcile(lines, records) == expected
    assert reconcile(lines, records) == expected


@settings(max_examples=60, deadline=None)
@given(st.one_of(books, tied_books))
def test_partitions_merged_equal_the_whole(book: Book) -> None:
    lines, records = build(*book)
    parts = partitions(lines, records)
    assert sorted(ln.bank_ref for p in parts for ln in p[0]) == sorted(ln.bank_ref for ln in lines)
    assert sum(len(p[1]) for p in parts) == len(records)
    assert merge_results([reconcile(*p) for p in parts]) == reconcile(lines, records)


def _backwards(
    func: Callable[[T], R],
    items: Sequence[T],
    _weights: Sequence[int],
    done_here: Callable[[], None],
) -> list[R]:
    """A mapper that does the work last item first, as another process might."""
    results = [func(item) for item in reversed(items)][::-1]
    done_here()
    return results


def _releasing_first(
    func: Callable[[T], R],
    items: Sequence[T],
    _weights: Sequence[int],
    done_here: Callable[[], None],
) -> list[R]:
    """A mapper that frees what proposing needs before it proposes: a misuse."""
    done_here()
    return [func(item) for item in items]


def test_proposing_after_the_indexes_are_released_fails_loudly() -> None:
    lines = [line("b1", "100.00", remittance="INV-1")]
    with pytest.raises(RuntimeError, match="record indexes were released"):
        reconcile(lines, [record("INV-1", "100.00")], mapper=_releasing_first)


@settings(max_examples=60, deadline=None)
@given(books)
def test_a_mapper_running_spans_in_another_order_changes_nothing(book: Book) -> None:
    lines, records = build(*book)
    assert reconcile(lines, records, mapper=_backwards) == reconcile(lines, records)


@settings(max_examples=60, deadline=None)
@given(books)
def test_a_record_book_built_beforehand_changes_nothing_and_serves_twice(book: Book) -> None:
    lines, records = build(*book)
    prepared = RecordBook(records, DEFAULT_RULES)
    expected = reconcile(lines, records)
    assert reconcile(lines, prepared) == expected
    assert reconcile(lines, prepared) == expected  # its indexes were taken: built again


def test_a_record_book_of_other_rules_is_refused() -> None:
    lines, records = build([(1, "100.00", None, None, 0)], [])
    prepared = RecordBook(records, rules_from_mapping({"margin": 3}))
    with pytest.raises(ValueError, match="other rules"):
        reconcile(lines, prepared)


@settings(max_examples=60, deadline=None)
@given(books)
def test_matched_rows_have_no_equal_twin(book: Book) -> None:
    """A `matched` row is unique both ways: no look-alike line or record could replace it.

    One exception by design: of identical transfers quoting a record with its full amount
    on different days, the earliest pays it and the later ones are possible double payments.
    """
    lines, records = build(*book)
    result = reconcile(lines, records)
    for m in result.matches:
        if m.status != MatchStatus.MATCHED or len(m.lines) != 1 or len(m.records) != 1:
            continue
        (ln,), (rec,) = m.lines, m.records
        twins = [
            r
            for r in records
            if r.id != rec.id
            and r.amount == rec.amount
            and r.counterparty == rec.counterparty
            and r.reference == rec.reference
            and r.account in (None, ln.account)
            and abs((r.date - rec.date).days) <= 30
        ]
        assert not twins, (m.explanation, twins)
        rival_lines = [
            o
            for o in lines
            if o is not ln
            and o.amount == ln.amount
            and o.remittance == ln.remittance
            and o.counterparty == ln.counterparty
            and o.account == ln.account
            and (rec.account in (None, o.account))
            and not (m.rule in _QUOTED and _later(o, ln))
        ]
        assert not rival_lines, (m.explanation, rival_lines)


_QUOTED = (IDENTIFIER, REFERENCE)


def _later(line: BankLine, than: BankLine) -> bool:
    day, other = line.booking_date, than.booking_date
    return day is not None and other is not None and day > other
