"""End-to-end speed of `accord reconcile`, against the floor, parsing alone and the peer.

    .venv/bin/python -m bench.speed                    # 100k lines x ~100k records
    .venv/bin/python -m bench.speed --size 1000000     # 1M x ~1M (the peer is skipped)
    .venv/bin/python -m bench.speed --size 1000000 --memory-limit 4096 --tree-memory
    .venv/bin/python -m bench.speed --repeat 5         # each step's median of 5 runs in turn

Generates the scenario (camt.053 for every account unless --mixed, so the floor is well
defined), then measures in the same run, each step in a fresh child process so its peak
RSS is its own (os.wait4):

- floor: stdlib xml.etree.ElementTree.iterparse of every statement clearing each Ntry
  (MT940 files, with --mixed: reading their lines), plus reading ledger.csv with csv;
- accord: `accord reconcile STATEMENTS --ledger --rates --out` end to end;
- parse: `read_statement_file` on every statement (Accord's parsing alone, with the garbage
  collector off, as the job reads);
- peer: bankstatementparser's parsers + reconcile_payments_and_statements (bench/scenarios/
  peer.py), skipped above --peer-limit lines (its parser refuses files over 100 MB).

Prints wall seconds, the main process's peak RSS and the ratio to the floor; with
--tree-memory, also the peak PSS of the job and its workers together (bench/tree_memory.py),
sampled from this process, which can keep the job from finding a spare core (its check sees
the sampler running), so its wall times are not compared with runs without it. With
--memory-limit MiB, `accord reconcile` runs in a memory cgroup of that size, as in a
container (bench/memory_limit.py; root and a writable cgroup file system).
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import gc
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET  # the stdlib parser is the point of the floor
from dataclasses import dataclass
from pathlib import Path

from bench.memory_limit import MemoryLimit, NoMemoryLimit
from bench.scenarios.competitors import accord_command
from bench.scenarios.generate import Scenario, generate, load
from bench.tree_memory import TreePeak


@dataclass(frozen=True, slots=True)
class Measure:
    step: str
    seconds: float | None
    peak_mib: float | None
    note: str = ""
    cpu: float | None = None
    tree_mib: float | None = None  # the peak PSS of the process and its workers together


def _floor(folder: Path) -> str:
    entries = 0
    for path in sorted(folder.iterdir()):
        if path.suffix == ".xml":
            for _, elem in ET.iterparse(path, events=("end",)):  # noqa: S314 - our own files
                if elem.tag.endswith("}Ntry"):
                    entries += 1
                    elem.clear()
        elif path.suffix == ".sta":
            entries += path.read_bytes().count(b"\n:61:")
    with (folder / "ledger.csv").open(encoding="utf-8", newline="") as handle:
        records = sum(1 for _ in csv.reader(handle)) - 1
    return f"{entries} entries, {records} records"


def _parse(folder: Path) -> str:
    from accord.ingest.parsers import read_statement_file

    gc.disable()  # as `accord reconcile` reads (its _no_gc): at 1M, collections add 18%
    lines = 0
    for path in _statements(folder):
        parsed = read_statement_file(path.read_bytes(), filename=path.name)
        lines += sum(len(st.lines) for st in parsed.statements)
    return f"{lines} lines"


def _peer(folder: Path) -> str:
    from bench.scenarios import peer

    peer.run(_statements(folder), folder / "ledger.csv", folder / "out-peer")
    return "done"


def _statements(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in (".xml", ".sta"))


CHILD_JOBS = {"floor": _floor, "parse": _parse, "peer": _peer}


def measure(
    step: str, command: list[str], *, tree: bool = False, limit: MemoryLimit | None = None
) -> Measure:
    """Run `command` in a child (in `limit`'s cgroup if given); its wall time, its own peak
    RSS and, with `tree`, the peak PSS of it and its workers together."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=limit.enter if limit else None,
    )
    sampler = TreePeak(proc.pid) if tree else None
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    tree_mib = sampler.stop() if sampler else None
    out = (proc.stdout.read() if proc.stdout else b"").decode(errors="replace").strip()
    err = (proc.stderr.read() if proc.stderr else b"").decode(errors="replace").strip()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = " | ".join(err.splitlines()[-2:])
        return Measure(step, None, None, f"FAILED exit {proc.returncode}: {tail}")
    note = out.splitlines()[-1] if out else ""
    cpu = usage.ru_utime + usage.ru_stime
    return Measure(step, seconds, usage.ru_maxrss / 1024, note, cpu, tree_mib)


def _child(job: str, folder: Path) -> list[str]:
    return [sys.executable, "-m", "bench.speed", "--child", job, str(folder)]


def run(
    scenario: Scenario,
    *,
    peer: bool,
    tree: bool = False,
    limit: MemoryLimit | None = None,
    repeat: int = 1,
) -> list[Measure]:
    """Floor, accord and parsing alone, `repeat` times in turn (each step's median run is
    reported), then the peer once."""
    folder = scenario.folder
    rounds = [
        [
            measure("floor", _child("floor", folder)),
            measure(
                "accord reconcile",
                accord_command(scenario, folder / "out-accord"),
                tree=tree,
                limit=limit,
            ),
            measure("parse only", _child("parse", folder)),
        ]
        for _ in range(repeat)
    ]
    results = [median_run(list(runs)) for runs in zip(*rounds, strict=True)]
    if peer:
        results.append(measure("peer (whole job)", _child("peer", folder)))
    else:
        results.append(Measure("peer (whole job)", None, None, "skipped (size)"))
    return results


def median_run(runs: list[Measure]) -> Measure:
    """The run of median wall time (the lower one of an even number), noting the spread;
    a failed run, if any."""
    failed = [m for m in runs if m.seconds is None]
    if failed or len(runs) == 1:
        return failed[0] if failed else runs[0]
    ordered = sorted(runs, key=lambda m: m.seconds or 0.0)
    chosen = ordered[(len(runs) - 1) // 2]
    peak = max(m.peak_mib or 0.0 for m in runs)
    spread = (
        f"median of {len(runs)}: wall {ordered[0].seconds:.2f}-{ordered[-1].seconds:.2f} s, "
        f"peak up to {peak:.0f} MiB"
    )
    return dataclasses.replace(chosen, note=f"{spread}; {chosen.note}")


def report(results: list[Measure], header: str) -> str:
    floor, floor_cpu = results[0].seconds, results[0].cpu
    lines = [
        header,
        f"{'step':18} {'wall s':>8} {'x floor':>8} {'cpu s':>8} {'x floor':>8} "
        f"{'peak MiB':>8} {'tree MiB':>8}  note",
    ]
    for m in results:
        lines.append(
            f"{m.step:18} {_num(m.seconds, 8, 2)} {_ratio(m.seconds, floor)} "
            f"{_num(m.cpu, 8, 2)} {_ratio(m.cpu, floor_cpu)} {_num(m.peak_mib, 8, 0)} "
            f"{_num(m.tree_mib, 8, 0)}  {m.note}"
        )
    lines.append(
        "cpu s = user + system time of the process; on a shared machine it is steadier than "
        "wall time (a wall time above cpu time on 2 cores means waiting for the CPU). "
        "peak MiB = the main process's peak RSS; tree MiB = the peak of the summed PSS of the "
        "process and its workers (sampled every 0.5 s): what the job takes from the machine. "
        f"1 MiB = 2^20 bytes: the goal of 4 GB (4e9 bytes) is {4e9 / 2**20:,.0f} MiB."
    )
    return "\n".join(lines)


def _num(value: float | None, width: int, digits: int) -> str:
    return f"{value:{width}.{digits}f}" if value is not None else f"{'-':>{width}}"


def _ratio(value: float | None, floor: float | None) -> str:
    return f"{value / floor:8.2f}" if value and floor else f"{'-':>8}"


def _at_least_one(text: str) -> int:
    count = int(text)
    if count < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {count}")
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="bank lines")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--mixed", action="store_true", help="keep the MT940 account")
    parser.add_argument("--peer-limit", type=int, default=200_000)
    parser.add_argument("--keep", type=Path, help="generate here instead of a temp dir")
    parser.add_argument(
        "--reuse", action="store_true", help="with --keep: reuse a scenario already there"
    )
    parser.add_argument(
        "--tree-memory",
        action="store_true",
        help="also sample the job's memory with its workers (the sampling can keep the job "
        "from finding a spare core: compare wall times only between runs without it)",
    )
    parser.add_argument(
        "--memory-limit",
        type=int,
        metavar="MiB",
        help="run accord reconcile in a memory cgroup of this size, as in a container "
        "(root and a writable cgroup file system)",
    )
    parser.add_argument(
        "--repeat",
        type=_at_least_one,
        default=1,
        metavar="N",
        help="measure the floor, accord and parsing alone N times in turn; report each "
        "step's median run (the machine's speed drifts: the ratio of medians is steadier)",
    )
    parser.add_argument("--child", nargs=2, metavar=("JOB", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(CHILD_JOBS[args.child[0]](Path(args.child[1])))
        return 0
    limit = None
    if args.memory_limit:  # before generating: a machine without cgroups says so at once
        try:
            limit = MemoryLimit.create("accord-bench", args.memory_limit * 1024 * 1024)
        except NoMemoryLimit as error:
            parser.error(f"--memory-limit: {error}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp) / "speed"
        start = time.perf_counter()
        reuse = args.reuse and (folder / "scenario.json").exists()
        scenario = (
            load(folder)
            if reuse
            else generate(folder, seed=args.seed, lines=args.size, camt_only=not args.mixed)
        )
        made = f"reused {folder}" if reuse else f"generated in {time.perf_counter() - start:.1f} s"
        header = (
            f"{scenario.lines} bank lines x {scenario.records} records "
            f"({len(scenario.statements)} statement files; {made}; "
            f"{os.cpu_count()} cores)"
        )
        if limit:
            header += f"; accord reconcile limited to {args.memory_limit} MiB ({limit.folder})"
        results = run(
            scenario,
            peer=scenario.lines <= args.peer_limit,
            tree=args.tree_memory,
            limit=limit,
            repeat=args.repeat,
        )
        print(report(results, header))
        if limit:
            print(f"times the limit was hit ({limit.failures}): {limit.failure_count()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
