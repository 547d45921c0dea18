"""The matching engine: bank lines and ledger records in, explained matches out.

Pure and deterministic: no I/O, clock or randomness; the same inputs in any order give the
same result, ids included. See docs/matching.md for the stages, rules and evidence.
"""

from __future__ import annotations

from collections.abc import Sequence

from accord.kit.compiled import use_compiled

COMPILED = use_compiled(__name__, __path__)  # before any module of the engine is imported

from accord.ingest.parsers.model import BankLine
from accord.matching.engine.core import Mapper, run_engine
from accord.matching.engine.model import EngineResult, LedgerRecord, Rate
from accord.matching.engine.partition import partitions
from accord.matching.engine.prepare import RecordBook
from accord.matching.engine.result import merge_results
from accord.matching.engine.rules import DEFAULT_RULES, Rules, rules_from_mapping

__all__ = [
    "DEFAULT_RULES",
    "Mapper",
    "RecordBook",
    "Rules",
    "merge_results",
    "partitions",
    "reconcile",
    "rules_from_mapping",
]


def reconcile(
    lines: Sequence[BankLine],
    records: Sequence[LedgerRecord] | RecordBook,
    *,
    rates: Sequence[Rate] = (),
    rules: Rules = DEFAULT_RULES,
    mapper: Mapper | None = None,
) -> EngineResult:
    """Match bank lines to open ledger records.

    Returns every match (status `matched` only when the evidence singles out one answer,
    else `review`), and every line and record left over with the reason. Each input value
    appears in at most one match.

    `records` may come as a `RecordBook` built with the same rules beforehand (while the
    lines are being read, say). `mapper` may run independent parts of the work elsewhere
    (other processes); the result is the same whatever it does, as long as it returns
    `[func(item) for item in items]` and calls `done_here()` once it runs `func` no more
    here (`Mapper`).
    """
    return run_engine(lines, records, rates, rules, mapper)
