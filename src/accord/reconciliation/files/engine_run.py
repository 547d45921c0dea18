"""Run the matching engine over a job's lines and records, on two cores when it pays."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import TypeVar

from accord.ingest.parsers.model import BankLine
from accord.matching.engine import RecordBook, merge_results, partitions, reconcile
from accord.matching.engine.model import EngineResult, LedgerRecord, Rate
from accord.matching.engine.prepare import norm_account
from accord.matching.engine.rules import Rules
from accord.reconciliation.files.parallel import map_split, split_two

# The worker's share of lines + records below which one process is as fast. Measured (CPU
# seconds, 50k lines + 50k records): matching 4.1, sending the result back 1.1 + 0.9.
PARALLEL_MIN_ITEMS = 20_000
# The worker's share of lines to propose for below which one process is as fast. Measured
# (CPU seconds, 50k of 100k lines): proposing 6.1, sending the 100k proposals back 1.0 + 0.6.
PARALLEL_MIN_LINES = 10_000

T = TypeVar("T")
R = TypeVar("R")

Group = tuple[list[BankLine], list[LedgerRecord]]


def book_ahead(records: Sequence[LedgerRecord], rules: Rules) -> RecordBook | None:
    """The records' book, built before the lines are known, when the engine will take it.

    That is when a record valid on any account ties every account into one group, so the
    engine runs as one; otherwise the groups may be matched apart, each with its own book.
    """
    if any(norm_account(record.account) is None for record in records):
        return RecordBook(records, rules)
    return None


def run_engine(
    lines: Sequence[BankLine],
    records: Sequence[LedgerRecord],
    *,
    rates: Sequence[Rate],
    rules: Rules,
    book: RecordBook | None = None,
) -> EngineResult:
    """The engine's result for all lines and records (`book`: theirs, from `book_ahead`).

    Independent groups (the engine's `partitions`) go half to a worker process when the
    worker's half is large; otherwise one call does it all, proposing for half of the lines
    in a worker process when that half is large. Same inputs, same result.
    """
    if book is not None:
        return reconcile(lines, book, rates=rates, rules=rules, mapper=_two_cores)
    if len(lines) + len(records) < 2 * PARALLEL_MIN_ITEMS:
        return reconcile(lines, records, rates=rates, rules=rules)
    groups = partitions(lines, records)
    weights = [len(group_lines) + len(group_records) for group_lines, group_records in groups]
    if sum(weights[i] for i in split_two(weights)[1]) < PARALLEL_MIN_ITEMS:
        return reconcile(lines, records, rates=rates, rules=rules, mapper=_two_cores)
    match_group = functools.partial(_reconcile_group, rates=tuple(rates), rules=rules)
    # A result holds its group's own lines and records: they need not travel back.
    shared = [*lines, *records]
    results = map_split(match_group, groups, weights, min_share=PARALLEL_MIN_ITEMS, shared=shared)
    return merge_results(results)


def _two_cores(
    func: Callable[[T], R],
    items: Sequence[T],
    weights: Sequence[int],
    done_here: Callable[[], None],
) -> list[R]:
    return map_split(
        func, items, weights, min_share=PARALLEL_MIN_LINES, done_here=done_here, claimed=True
    )


def _reconcile_group(group: Group, *, rates: tuple[Rate, ...], rules: Rules) -> EngineResult:
    lines, records = group
    return reconcile(lines, records, rates=rates, rules=rules)
