"""Run each competitor on a generated scenario; each writes a contract matches.csv."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.scenarios import naive, peer
from bench.scenarios.generate import Scenario


@dataclass(frozen=True, slots=True)
class Outcome:
    name: str
    out: Path
    seconds: float
    error: str | None = None


def accord_command(scenario: Scenario, out: Path) -> list[str]:
    """`accord reconcile` on the scenario's files, as a user would run it.

    ACCORD_BIN (a command, split like a shell would) replaces the venv's `accord` script,
    e.g. to measure another install.
    """
    script = os.environ.get("ACCORD_BIN") or str(Path(sys.executable).with_name("accord"))
    return [
        *shlex.split(script),
        "reconcile",
        *map(str, scenario.statements),
        "--ledger",
        str(scenario.ledger),
        "--rates",
        str(scenario.rates),
        "--out",
        str(out),
    ]


def run_accord(scenario: Scenario, out: Path) -> Outcome:
    start = time.perf_counter()
    done = subprocess.run(
        accord_command(scenario, out), capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        return Outcome("accord", out, seconds, f"exit {done.returncode}: {' | '.join(tail)}")
    return Outcome("accord", out, seconds)


def _in_process(
    name: str, job: Callable[[list[Path], Path, Path], None]
) -> Callable[[Scenario, Path], Outcome]:
    def run(scenario: Scenario, out: Path) -> Outcome:
        start = time.perf_counter()
        try:
            job(list(scenario.statements), scenario.ledger, out)
        except Exception as exc:  # a competitor failing is a result to report, not a crash
            return Outcome(name, out, time.perf_counter() - start, f"{type(exc).__name__}: {exc}")
        return Outcome(name, out, time.perf_counter() - start)

    return run


COMPETITORS: dict[str, Callable[[Scenario, Path], Outcome]] = {
    "accord": run_accord,
    "naive": _in_process("naive", naive.run),
    "peer": _in_process("peer", peer.run),
}
