"""Generate a scenario into a folder: statements, ledger.csv, rates.csv, truth.json.

    python -m bench.scenarios.generate OUT_DIR --seed 7 --lines 1000

Deterministic from the seed. Work is done in blocks of at most `BLOCK_LINES` bank lines,
each with its own seeded random stream and its own customers, so memory stays flat and a
million lines stream out in well under a minute or two.
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from bench.scenarios.cases import Case
from bench.scenarios.mix import DEFAULT_MIX, pick
from bench.scenarios.model import AccountSpec, Line
from bench.scenarios.world import ACCOUNT_WEIGHTS, ACCOUNTS, Counters, Ctx, make_rates
from bench.scenarios.writers import (
    CamtWriter,
    LedgerWriter,
    Mt940Writer,
    TruthWriter,
    write_rates,
)

BLOCK_LINES = 20_000
OPENING = {"EUR": 25_000_000, "GBP": 4_000_000, "USD": 6_000_000}


@dataclass(frozen=True, slots=True)
class Scenario:
    """Where a generated scenario's files are and how big it is."""

    folder: Path
    statements: tuple[Path, ...]
    ledger: Path
    rates: Path
    truth: Path
    lines: int
    records: int
    groups: int


def _statement_path(folder: Path, acct: AccountSpec, camt_only: bool) -> Path:
    if acct.fmt == "mt940" and not camt_only:
        return folder / f"{acct.key.lower()}-mt940.sta"
    return folder / f"{acct.key.lower()}-camt053.xml"


def generate(
    folder: Path,
    *,
    seed: int,
    lines: int,
    mix: dict[str, tuple[Case, int]] | None = None,
    camt_only: bool = False,
) -> Scenario:
    """Write a scenario of about `lines` bank lines into `folder` (created if missing).

    `camt_only` writes the MT940 account as camt.053.001.08 too (for the speed floor).
    """
    mix = mix or DEFAULT_MIX
    folder.mkdir(parents=True, exist_ok=True)
    accounts = [
        acct
        if not (camt_only and acct.fmt == "mt940")
        else AccountSpec(
            acct.key, acct.iban, acct.bic, acct.currency, "camt.053.001.08", acct.bank_name
        )
        for acct in ACCOUNTS
    ]
    writers = {
        a.key: (Mt940Writer if a.fmt == "mt940" else CamtWriter)(
            _statement_path(folder, a, camt_only), a
        )
        for a in accounts
    }
    balances = {a.key: OPENING[a.currency] for a in accounts}
    ledger, truth = LedgerWriter(folder / "ledger.csv"), TruthWriter(folder / "truth.json")
    rates = make_rates(seed)
    write_rates(folder / "rates.csv", rates)
    counters = Counters()
    n_lines = n_records = n_groups = 0
    block_index = 0
    while n_lines < lines:
        ctx = _block(seed, block_index, counters, rates, min(BLOCK_LINES, lines - n_lines), mix)
        _write_statements(ctx.block.lines, writers, balances)
        ledger.write(ctx.block.records)
        truth.write(ctx.block.groups)
        n_lines += len(ctx.block.lines)
        n_records += len(ctx.block.records)
        n_groups += len(ctx.block.groups)
        block_index += 1
    for writer in writers.values():
        writer.close()
    ledger.close()
    truth.close()
    statements = tuple(sorted(_statement_path(folder, a, camt_only) for a in accounts))
    scenario = Scenario(
        folder,
        statements,
        folder / "ledger.csv",
        folder / "rates.csv",
        folder / "truth.json",
        n_lines,
        n_records,
        n_groups,
    )
    (folder / "scenario.json").write_text(
        json.dumps(
            {
                "seed": seed,
                "lines": n_lines,
                "records": n_records,
                "groups": n_groups,
                "statements": [p.name for p in statements],
            },
            indent=1,
        )
        + "\n"
    )
    return scenario


def _block(
    seed: int,
    index: int,
    counters: Counters,
    rates: dict[tuple[date, str], Decimal],
    target: int,
    mix: dict[str, tuple[Case, int]],
) -> Ctx:
    total_weight = sum(ACCOUNT_WEIGHTS.values())
    pool_target = {k: max(6, target * w // total_weight // 12) for k, w in ACCOUNT_WEIGHTS.items()}
    ctx = Ctx(random.Random(f"{seed}/{index}"), counters, rates, pool_target)
    while len(ctx.block.lines) < target:
        pick(ctx.rng, mix)(ctx)
    return ctx


def _write_statements(
    lines: list[Line],
    writers: dict[str, CamtWriter | Mt940Writer],
    balances: dict[str, int],
) -> None:
    by_account: dict[str, list[Line]] = {}
    for line in lines:
        by_account.setdefault(line.account.key, []).append(line)
    for key in sorted(by_account):
        ordered = sorted(by_account[key], key=lambda x: (x.booking, x.seq))
        balances[key] = writers[key].statement(ordered, balances[key])


def load(folder: Path) -> Scenario:
    """A scenario generated earlier into `folder` (from its scenario.json)."""
    meta = json.loads((folder / "scenario.json").read_text(encoding="utf-8"))
    return Scenario(
        folder,
        tuple(folder / name for name in meta["statements"]),
        folder / "ledger.csv",
        folder / "rates.csv",
        folder / "truth.json",
        meta["lines"],
        meta["records"],
        meta["groups"],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--camt-only", action="store_true")
    args = parser.parse_args()
    s = generate(args.folder, seed=args.seed, lines=args.lines, camt_only=args.camt_only)
    print(f"{s.lines} bank lines, {s.records} ledger records, {s.groups} true groups in {s.folder}")


if __name__ == "__main__":
    main()
