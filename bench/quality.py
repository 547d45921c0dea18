"""Matching quality: Accord, the naive baseline and the peer, side by side.

    .venv/bin/python -m bench.quality --seeds 1-3 --sizes 1000,10000
    .venv/bin/python -m bench.quality --seeds 7 --sizes 100000 --only naive,peer -v

For every seed and size it generates a scenario (bench/scenarios), runs each competitor on
the files, scores its matches.csv against truth.json and prints the per-scenario table:
for each kind, precision of `matched` rows, the share of groups reconciled automatically
and the share covered by matched + review (definitions: bench/scenarios/score.py). A
final table sums all runs. Exit status 1 when Accord misses a goal (precision 1.000 on
every run; auto >= 0.90 and covered >= 0.98 overall).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from bench.scenarios.competitors import COMPETITORS, Outcome
from bench.scenarios.generate import Scenario, generate
from bench.scenarios.score import KindScore, Score, fmt, load_truth, read_matches, score

GOAL_AUTO, GOAL_COVERED = 0.90, 0.98


def _ints(text: str) -> list[int]:
    out: list[int] = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        out += list(range(int(lo), int(hi or lo) + 1))
    return out


def merge(into: KindScore, other: KindScore) -> None:
    """Add the counts of `other` to `into`."""
    for name in (
        "groups",
        "matched_rows",
        "correct_rows",
        "auto",
        "matchable",
        "covered",
        "coverable",
        "untouched",
        "unmatchable",
        "review_rows",
    ):
        setattr(into, name, getattr(into, name) + getattr(other, name))
    into.acceptable = into.acceptable or other.acceptable
    into.wrong_examples += other.wrong_examples[: max(0, 5 - len(into.wrong_examples))]


def table(scores: dict[str, Score], *, title: str) -> str:
    """The side-by-side per-kind table for one run (or the sum of runs)."""
    names = list(scores)
    head = f"{'kind':29}{'acceptable':12}{'groups':>7}"
    head += "".join(f" | {n:^25}" for n in names)
    sub = " " * 48 + "".join(f" | {'prec':>7} {'auto':>7} {'cover':>7}" for _ in names)
    lines = [title, head, sub, "-" * len(sub)]
    kinds = sorted({k for s in scores.values() for k in s.kinds})
    for kind in [*kinds, "ALL"]:
        per = [s.overall if kind == "ALL" else s.kinds.get(kind) for s in scores.values()]
        first = next(k for k in per if k is not None)
        row = f"{kind:29}{first.acceptable if kind != 'ALL' else '':12}{first.groups:>7}"
        for k in per:
            if k is None:
                row += f" | {'':25}"
                continue
            cover = k.covered_share if k.coverable else k.untouched_share
            mark = "*" if not k.coverable and k.unmatchable else " "
            row += f" | {fmt(k.precision):>7} {fmt(k.auto_share):>7} {fmt(cover):>6}{mark}"
        lines.append(row)
    lines.append(
        "prec: correct matched rows / matched rows (- = no matched row); auto: groups "
        "matched exactly / matchable groups; cover: covered by matched+review; "
        "* = unmatched kinds: share left alone (no matched row)"
    )
    return "\n".join(lines)


def run_one(
    scenario: Scenario, work: Path, only: list[str]
) -> tuple[dict[str, Score], list[Outcome]]:
    truth = load_truth(scenario.truth)
    scores: dict[str, Score] = {}
    outcomes = []
    for name in only:
        outcome = COMPETITORS[name](scenario, work / f"out-{name}")
        outcomes.append(outcome)
        if outcome.error is None:
            scores[name] = score(truth, read_matches(outcome.out / "matches.csv"))
    return scores, outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default="1-3", help="e.g. 1-5 or 1,4,9")
    parser.add_argument("--sizes", default="1000", help="bank lines per scenario, e.g. 500,5000")
    parser.add_argument("--only", default="accord,naive,peer")
    parser.add_argument("--keep", type=Path, help="write scenarios here instead of a temp dir")
    parser.add_argument("-v", "--verbose", action="store_true", help="each run's table too")
    args = parser.parse_args(argv)
    only = args.only.split(",")
    totals: dict[str, Score] = {}
    accord_precision_ok = True
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        for size in _ints(args.sizes):
            for seed in _ints(args.seeds):
                work = root / f"seed{seed}-n{size}"
                scenario = generate(work, seed=seed, lines=size)
                scores, outcomes = run_one(scenario, work, only)
                timing = ", ".join(
                    f"{o.name} {o.seconds:.1f}s" + (f" FAILED ({o.error})" if o.error else "")
                    for o in outcomes
                )
                title = (
                    f"seed {seed}, {scenario.lines} lines x {scenario.records} records, "
                    f"{scenario.groups} groups: {timing}"
                )
                print(table(scores, title=title) if args.verbose else title, flush=True)
                for name, sc in scores.items():
                    _add(totals, name, sc)
                if "accord" in scores and scores["accord"].overall.precision not in (None, 1.0):
                    accord_precision_ok = False
    print()
    print(table(totals, title="ALL RUNS"))
    return _verdict(totals, accord_precision_ok)


def _add(totals: dict[str, Score], name: str, sc: Score) -> None:
    if name not in totals:
        totals[name] = Score(KindScore("ALL"), {})
    total = totals[name]
    merge(total.overall, sc.overall)
    for kind, ks in sc.kinds.items():
        merge(total.kinds.setdefault(kind, KindScore(kind)), ks)


def _verdict(totals: dict[str, Score], precision_ok: bool) -> int:
    if "accord" not in totals:
        return 0
    o = totals["accord"].overall
    ok = (
        precision_ok and (o.auto_share or 0) >= GOAL_AUTO and (o.covered_share or 0) >= GOAL_COVERED
    )
    print(f"\nAccord: {o.matched_rows - o.correct_rows} false matched rows of {o.matched_rows}")
    print(
        f"Accord goals: precision 1.000 on every run: {'yes' if precision_ok else 'NO'}; "
        f"auto {fmt(o.auto_share)} (>= {GOAL_AUTO}); covered {fmt(o.covered_share)} "
        f"(>= {GOAL_COVERED}): {'met' if ok else 'NOT met'}"
    )
    for example in o.wrong_examples:
        print(f"  wrong matched row: {example}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
