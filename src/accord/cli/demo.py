"""The reconciliation `accord demo` runs first: bundled statements against a bundled ledger."""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

from accord.reconciliation.files.job import JobResult, run_reconcile

_STATEMENT_SUFFIXES = (".xml", ".sta")
_SHOWN = 3


def reconcile_demo(out: Path) -> JobResult:
    """Reconcile the bundled demo files into `out` (replacing an earlier demo run)."""
    data = Path(str(resources.files("accord.cli") / "demo_data"))
    statements = sorted(p for p in data.iterdir() if p.suffix in _STATEMENT_SUFFIXES)
    return run_reconcile(statements, ledger=data / "ledger.csv", rates=data / "rates.csv", out=out)


def describe(result: JobResult) -> str:
    """A few lines for the console: the counts, some explanations and where the files are."""
    with (result.out / "matches.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    examples = [r for r in rows if r["status"] == "matched"][: _SHOWN - 1]
    examples += [r for r in rows if r["status"] == "review"][:1]
    shown = "\n".join(
        f"  {r['status']:8} {r['bank_refs']} -> {r['ledger_ids']}: {r['explanation']}"
        for r in examples
    )
    return (
        f"Reconciled the demo files: {result.lines} bank lines against {result.records} "
        f"ledger records: {result.matched} matched, {result.review} for review, "
        f"{result.unmatched_lines} bank lines and {result.unmatched_records} records left.\n"
        f"{shown}\n"
        f"  all results: {result.out}/ (matches.csv, unmatched_*.csv, summary.json)"
    )
