"""Independent groups of lines and records, so a runner can use several processes.

A match never joins lines of two accounts, and a record that names an account only
matches lines of that account. Records without an account may match any account, so
every account they could reach joins one group with them. Groups are connected
components of that relation; reconciling each and merging gives the same result as
reconciling everything at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from accord.ingest.parsers.model import BankLine
from accord.matching.engine.model import LedgerRecord
from accord.matching.engine.prepare import norm_account

_ANY: Final = "\x00any"


def partitions(
    lines: Sequence[BankLine], records: Sequence[LedgerRecord]
) -> list[tuple[list[BankLine], list[LedgerRecord]]]:
    """Split the inputs into independent (lines, records) groups, in a stable order."""
    line_groups: dict[str, list[BankLine]] = {}
    for line in lines:
        line_groups.setdefault(norm_account(line.account) or "", []).append(line)
    rec_groups: dict[str, list[LedgerRecord]] = {}
    for rec in records:
        rec_groups.setdefault(norm_account(rec.account) or _ANY, []).append(rec)
    accounts = sorted(set(line_groups) | (set(rec_groups) - {_ANY}))
    out: list[tuple[list[BankLine], list[LedgerRecord]]] = []
    if _ANY in rec_groups:
        # Records valid on any account tie every account to one group.
        out.append(
            (
                [ln for acc in accounts for ln in line_groups.get(acc, [])],
                [r for acc in [*accounts, _ANY] for r in rec_groups.get(acc, [])],
            )
        )
        return out
    for acc in accounts:
        out.append((line_groups.get(acc, []), rec_groups.get(acc, [])))
    return out
