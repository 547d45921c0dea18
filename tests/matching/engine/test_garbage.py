"""A run leaves no reference cycles behind.

`accord reconcile` turns garbage collection off for the whole job (it would rescan millions
of objects), so anything the engine leaves in a cycle stays in memory until the job ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from bench.scenarios.generate import generate

from accord.ingest.parsers import read_statement_file
from accord.matching.engine import reconcile
from accord.reconciliation.files.ledger_csv import read_ledger
from accord.reconciliation.files.rates_csv import read_rates


@pytest.fixture
def collection_off() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_a_run_leaves_nothing_for_the_collector(tmp_path: Path, collection_off: None) -> None:
    # The generator's mix has collective payments, instalments and unlisted combinations:
    # every kind of combination search runs.
    scenario = generate(tmp_path, seed=3, lines=1500)
    lines = [
        line
        for path in scenario.statements
        for statement in read_statement_file(path.read_bytes(), filename=path.name).statements
        for line in statement.lines
    ]
    records = read_ledger(scenario.ledger).records
    rates = read_rates(scenario.rates)
    gc.collect()
    result = reconcile(lines, records, rates=rates)
    assert result.matches
    assert gc.collect() == 0
