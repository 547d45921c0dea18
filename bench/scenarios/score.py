"""Score a `matches.csv` (as the reconcile-files contract defines it) against truth.json.

Definitions (also in bench/scenarios/README.md):

- A `matched` row is *correct* when every bank line and record in it belongs to one true
  group and that group's `acceptable` is `matched`. A `matched` row on a `review-only` or
  `unmatched` group is wrong even when it happens to pick the true items: the evidence did
  not single them out, so it was a guess. Precision = correct matched rows / matched rows.
- A group with `acceptable = matched` is *auto-reconciled* when one `matched` row holds
  exactly its lines and records. Auto = auto-reconciled groups / groups with
  `acceptable = matched` (the only groups where automatic reconciliation is possible).
- A group is *covered* when the rows that hold nothing but items of this group (any status
  for a `matched` group; `review` only for a `review-only` group) together hold all its
  items, and (for a review-only group) no `matched` row touches it. Rows that mix in items
  of other groups don't count, but they don't block coverage either: a reviewer who is also
  offered a wrong alternative still sees the right proposal. Covered = covered groups /
  groups with `acceptable` in (matched, review-only).
- An `unmatched` group is *left alone* when no `matched` row touches any of its items.
"""

from __future__ import annotations

import csv
import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bench.scenarios.model import Acceptable, Group

Item = tuple[str, str]  # ("b", bank_ref) or ("l", ledger_id)


@dataclass(frozen=True, slots=True)
class Row:
    status: str
    items: frozenset[Item]


@dataclass(slots=True)
class KindScore:
    """Counts for one scenario kind (or for all kinds together)."""

    kind: str
    acceptable: str = ""
    groups: int = 0
    matched_rows: int = 0
    correct_rows: int = 0
    auto: int = 0
    matchable: int = 0
    covered: int = 0
    coverable: int = 0
    untouched: int = 0
    unmatchable: int = 0
    review_rows: int = 0
    wrong_examples: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        return self.correct_rows / self.matched_rows if self.matched_rows else None

    @property
    def auto_share(self) -> float | None:
        return self.auto / self.matchable if self.matchable else None

    @property
    def covered_share(self) -> float | None:
        return self.covered / self.coverable if self.coverable else None

    @property
    def untouched_share(self) -> float | None:
        return self.untouched / self.unmatchable if self.unmatchable else None


@dataclass(frozen=True, slots=True)
class Score:
    overall: KindScore
    kinds: dict[str, KindScore]


def load_truth(path: Path) -> list[Group]:
    """The true groups written by the generator."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    return [
        Group(g["kind"], tuple(g["bank_refs"]), tuple(g["ledger_ids"]), Acceptable(g["acceptable"]))
        for g in raw
    ]


def read_matches(path: Path) -> list[Row]:
    """The rows of a contract `matches.csv`."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [_row(rec) for rec in csv.DictReader(handle)]


def _row(rec: dict[str, str]) -> Row:
    refs = [("b", r) for r in rec["bank_refs"].split(";") if r]
    ids = [("l", i) for i in rec["ledger_ids"].split(";") if i]
    return Row(rec["status"], frozenset(refs + ids))


def _items(group: Group) -> frozenset[Item]:
    return frozenset([("b", r) for r in group.bank_refs] + [("l", i) for i in group.ledger_ids])


def score(truth: list[Group], rows: list[Row]) -> Score:
    """Per-kind and overall scores of `rows` against `truth`."""
    owner: dict[Item, int] = {}
    for index, group in enumerate(truth):
        for item in _items(group):
            owner[item] = index
    kinds: dict[str, KindScore] = {}
    overall = KindScore("ALL")
    touching: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        for g in {owner.get(item, -1) for item in row.items}:
            touching[g].append(row)
    for row in rows:
        _score_row(row, truth, owner, kinds, overall)
    for index, group in enumerate(truth):
        ks = kinds.setdefault(group.kind, KindScore(group.kind))
        for target in (ks, overall):
            _score_group(group, touching.get(index, []), target)
    return Score(overall, dict(sorted(kinds.items())))


def _score_row(
    row: Row,
    truth: list[Group],
    owner: dict[Item, int],
    kinds: dict[str, KindScore],
    overall: KindScore,
) -> None:
    groups = {owner.get(item, -1) for item in row.items}
    names = {truth[g].kind if g >= 0 else "(not in truth)" for g in groups}
    targets = [kinds.setdefault(name, KindScore(name)) for name in names]
    if row.status != "matched":
        for target in [*targets, overall]:
            target.review_rows += 1
        return
    (only,) = groups if len(groups) == 1 else (-1,)
    correct = only >= 0 and truth[only].acceptable is Acceptable.MATCHED
    for target in [*targets, overall]:
        target.matched_rows += 1
        target.correct_rows += correct
        if not correct and len(target.wrong_examples) < 5:
            target.wrong_examples.append(";".join(sorted(f"{k}:{v}" for k, v in row.items)))


def _score_group(group: Group, rows: list[Row], ks: KindScore) -> None:
    items = _items(group)
    ks.groups += 1
    ks.acceptable = ks.acceptable or group.acceptable.value
    matched_touch = any(r.status == "matched" for r in rows)
    if group.acceptable is Acceptable.UNMATCHED:
        ks.unmatchable += 1
        ks.untouched += not matched_touch
        return
    ks.coverable += 1
    if group.acceptable is Acceptable.MATCHED:
        ks.matchable += 1
        ks.auto += any(r.status == "matched" and r.items == items for r in rows)
        clean = [r for r in rows if r.items <= items]
    else:
        clean = [r for r in rows if r.items <= items and r.status == "review"]
        if matched_touch:
            clean = []
    covered: set[Item] = set()
    for r in clean:
        covered |= r.items
    ks.covered += covered == items


def fmt(value: float | None) -> str:
    """Three decimals, truncated: 0.99996 shows as 0.999, never as a perfect 1.000."""
    return "-" if value is None else f"{math.floor(value * 1000) / 1000:.3f}"
