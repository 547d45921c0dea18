from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from accord.cli import reconcile as reconcile_cli
from tests.reconciliation.files.builders import Entry, camt053, ledger_csv, write
from tests.samples import sample

app = typer.Typer()
app.command()(reconcile_cli.reconcile_command)
runner = CliRunner()

ENTRIES = [Entry("250.00", "2025-01-10", "BR-1", "INV-2025-001", "ACME GMBH")]
LEDGER = ledger_csv(["INV-2025-001,2025-01-02,250.00,EUR,,Acme GmbH,INV-2025-001,invoice,,"])


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    return write(tmp_path / "s.xml", camt053("S1", ENTRIES)), write(tmp_path / "l.csv", LEDGER)


def run(*args: object) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def test_success_exits_0_and_reports_on_stdout_only(
    tmp_path: Path, files: tuple[Path, Path]
) -> None:
    statement, ledger = files
    code, stdout, stderr = run(statement, "--ledger", ledger, "--out", tmp_path / "out")
    assert (code, stderr) == (0, "")
    assert stdout.startswith("1 bank lines, 1 ledger records: 1 matched, 0 for review")
    assert (tmp_path / "out" / "matches.csv").is_file()


def test_the_command_exits_0_after_reporting_without_freeing_the_jobs_objects(
    tmp_path: Path, files: tuple[Path, Path]
) -> None:
    statement, ledger = files
    command = [sys.executable, "-m", "accord.cli.main", "reconcile", str(statement)]
    command += ["--ledger", str(ledger), "--out", str(tmp_path / "out")]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("1 bank lines, 1 ledger records: 1 matched, 0 for review")
    assert (tmp_path / "out" / "matches.csv").read_text().count("\n") == 2
    failed = subprocess.run([*command[:-1], str(statement)], capture_output=True, text=True)
    assert failed.returncode == 2  # --out is a file: nothing parked, an ordinary exit
    assert "accord reconcile: error:" in failed.stderr


def test_bad_ledger_exits_2_with_one_line_naming_file_and_line(
    tmp_path: Path, files: tuple[Path, Path]
) -> None:
    statement, _ = files
    ledger = write(tmp_path / "bad.csv", ledger_csv(["A,2025-01-02,,EUR,,,,,,"]))
    code, stdout, stderr = run(statement, "--ledger", ledger, "--out", tmp_path / "out")
    assert code == 2
    assert stdout == ""
    assert stderr == f"accord reconcile: error: {ledger}: line 2: amount is empty: expected a " \
        "signed decimal with '.' and at most 2 decimals for EUR, like -1234.50\n"  # fmt: skip
    assert not (tmp_path / "out").exists()


def test_unbalanced_statement_exits_2_giving_both_figures_unless_allowed(
    tmp_path: Path, files: tuple[Path, Path]
) -> None:
    _, ledger = files
    odd = write(tmp_path / "odd.xml", camt053("S1", ENTRIES, closing_offset="1.00"))
    code, _, stderr = run(odd, "--ledger", ledger, "--out", tmp_path / "out")
    assert code == 2
    assert "1250.00 EUR, but the closing balance is 1251.00 EUR" in stderr
    code, _, _ = run(odd, "--ledger", ledger, "--out", tmp_path / "out", "--allow-unbalanced")
    assert code == 0


def test_missing_ledger_option_is_a_usage_error(tmp_path: Path, files: tuple[Path, Path]) -> None:
    statement, _ = files
    code, _, stderr = run(statement, "--out", tmp_path / "out")
    assert code == 2
    assert "--ledger" in stderr


def test_out_holding_other_files_exits_2(tmp_path: Path, files: tuple[Path, Path]) -> None:
    statement, ledger = files
    code, _, stderr = run(statement, "--ledger", ledger, "--out", tmp_path)
    assert code == 2
    assert "holds files that are not the output of a previous" in stderr


def test_csv_statement_is_read_with_a_profile(tmp_path: Path, files: tuple[Path, Path]) -> None:
    _, ledger = files
    export = sample("csv/oca-paypal-statement_en.csv")
    code, _, stderr = run(export, "--ledger", ledger, "--out", tmp_path / "out")
    assert code == 2
    assert "--csv-profile" in stderr
    code, stdout, _ = run(
        export, "--csv-profile", "paypal-statement", "--ledger", ledger, "--out", tmp_path / "out"
    )
    assert code == 0
    assert stdout.startswith("26 bank lines")


def test_internal_error_exits_1_with_a_short_message_and_traceback_only_on_debug(
    tmp_path: Path, files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(reconcile_cli, "run_reconcile", broken)
    statement, ledger = files
    code, _, stderr = run(statement, "--ledger", ledger, "--out", tmp_path / "out")
    assert code == 1
    assert stderr.count("\n") == 1
    assert "internal error (RuntimeError: boom)" in stderr
    code, _, stderr = run(statement, "--ledger", ledger, "--out", tmp_path / "out", "--debug")
    assert code == 1
    assert "Traceback" in stderr


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB file system of its own (tmpfs; needs root and `mount`)."""
    folder = tmp_path / "small"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small file system: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


def _contents(folder: Path) -> dict[str, bytes]:
    return {f.name: f.read_bytes() for f in folder.iterdir()}


def _first_run(statement: Path, ledger: Path, out: Path) -> dict[str, bytes]:
    """Reconcile into `out`; what it wrote."""
    assert run(statement, "--ledger", ledger, "--out", out)[0] == 0
    return _contents(out)


def test_a_full_disk_exits_3_and_keeps_the_previous_results(
    small_disk: Path, files: tuple[Path, Path]
) -> None:
    statement, ledger = files
    out = small_disk / "out"
    before = _first_run(statement, ledger, out)
    filler = small_disk / "filler"
    with filler.open("wb", buffering=0) as handle, contextlib.suppress(OSError):
        while True:
            handle.write(b"\0" * 1024)
    code, _, stderr = run(statement, "--ledger", ledger, "--out", out)
    assert code == 3
    assert f"--out {out}: cannot write the results" in stderr
    assert "No space left on device" in stderr
    assert _contents(out) == before
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler", "out"]


# `accord reconcile` whose writing is stopped by SIGTERM once the files are written, before
# they are moved into place (as `kill` or `docker stop` may stop it).
_STOPPED_WHILE_WRITING = """
import os, signal, sys
from accord.cli.main import main
from accord.reconciliation.files import outputs
write = outputs.write_outputs
def write_then_stop(directory, **options):
    write(directory, **options)
    os.kill(os.getpid(), signal.SIGTERM)
outputs.write_outputs = write_then_stop
sys.argv = ["accord", *sys.argv[1:]]
sys.exit(main())
"""


def test_sigterm_while_writing_exits_143_and_keeps_the_previous_results(
    tmp_path: Path, files: tuple[Path, Path]
) -> None:
    statement, ledger = files
    out = tmp_path / "out"
    before = _first_run(statement, ledger, out)
    command = [sys.executable, "-c", _STOPPED_WHILE_WRITING, "reconcile", str(statement)]
    stopped = subprocess.run(
        [*command, "--ledger", str(ledger), "--out", str(out)], capture_output=True, text=True
    )
    assert stopped.returncode == 143, stopped.stderr
    assert "stopped (SIGTERM); nothing was written" in stopped.stderr
    assert _contents(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["l.csv", "out", "s.xml"]
