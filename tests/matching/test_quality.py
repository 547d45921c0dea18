"""Matching quality as a test: `accord reconcile` on generated scenarios, scored by truth.

The generator (bench/scenarios) is an independent judge: the engine is exercised only
through the reconcile-files contract (statements, ledger.csv and rates.csv in; matches.csv
out). Precision 1.0 of `matched` rows is asserted on every seed; the auto-reconciled and
covered goals of issue 12 on the generator's default mix. Definitions of the measures:
bench/scenarios/score.py.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from bench.scenarios.competitors import accord_command
from bench.scenarios.generate import generate
from bench.scenarios.score import Score, fmt, load_truth, read_matches, score

GOAL_AUTO = 0.90
GOAL_COVERED = 0.98


def _reconcile(tmp_path: Path, *, seed: int, lines: int) -> Score:
    scenario = generate(tmp_path / "in", seed=seed, lines=lines)
    out = tmp_path / "out"
    done = subprocess.run(
        accord_command(scenario, out), capture_output=True, text=True, check=False, timeout=300
    )
    assert done.returncode == 0, f"accord reconcile failed: {done.stderr[-2000:]}"
    return score(load_truth(scenario.truth), read_matches(out / "matches.csv"))


def _false_matches(result: Score) -> str:
    wrong = {k: ks.wrong_examples for k, ks in result.kinds.items() if ks.wrong_examples}
    return f"false matched rows by kind: {wrong}"


@pytest.mark.parametrize("seed", range(1, 21))
def test_no_matched_row_is_wrong_on_any_seed(tmp_path: Path, seed: int) -> None:
    result = _reconcile(tmp_path, seed=seed, lines=(300, 600, 1000)[seed % 3])
    false_matches = result.overall.matched_rows - result.overall.correct_rows
    assert result.overall.matched_rows > 0
    assert false_matches == 0, _false_matches(result)


def test_default_mix_is_mostly_reconciled_automatically_and_almost_all_covered(
    tmp_path: Path,
) -> None:
    result = _reconcile(tmp_path, seed=2025, lines=3000)
    auto, covered = result.overall.auto_share or 0.0, result.overall.covered_share or 0.0
    by_kind = {k: (fmt(ks.auto_share), fmt(ks.covered_share)) for k, ks in result.kinds.items()}
    assert auto >= GOAL_AUTO, f"auto {auto:.3f}; (auto, covered) by kind: {by_kind}"
    assert covered >= GOAL_COVERED, f"covered {covered:.3f}; (auto, covered) by kind: {by_kind}"


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(100, 106))
def test_no_matched_row_is_wrong_on_larger_scenarios(tmp_path: Path, seed: int) -> None:
    result = _reconcile(tmp_path, seed=seed, lines=20_000)
    false_matches = result.overall.matched_rows - result.overall.correct_rows
    assert false_matches == 0, _false_matches(result)
