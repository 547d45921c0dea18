from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.ingest.parsers.model import (
    BankLine,
    LineStatus,
    Party,
    SourceLocation,
    TransactionCode,
)
from accord.kit.money import Money
from accord.matching.engine.model import (
    EngineResult,
    Evidence,
    LedgerRecord,
    Match,
    MatchStatus,
    UnmatchedLine,
    UnmatchedRecord,
)
from accord.reconciliation.files import parallel
from accord.reconciliation.files.errors import OutputWriteError
from accord.reconciliation.files.ledger_csv import Ledger
from accord.reconciliation.files.outdir import publish
from accord.reconciliation.files.outputs import (
    BANK_COLUMNS,
    MATCH_COLUMNS,
    OUTPUT_FILES,
    SUMMARY,
    UNMATCHED_BANK,
    bank_row,
    csv_line,
    match_row,
    one_line,
    transaction_code_text,
    write_outputs,
)


def line(ref: str, minor: int = 1000, **extra: object) -> BankLine:
    return BankLine(
        bank_ref=ref,
        account="DE89370400440532013000",
        amount=Money(minor, "EUR"),
        booking_date=date(2025, 1, 2),
        value_date=None,
        status=LineStatus.BOOKED,
        source=SourceLocation("stmt.xml", 0, 0, path="/Document/BkToCstmrStmt/Stmt[1]/Ntry[1]"),
        **extra,  # type: ignore[arg-type]
    )


def match(match_id: str, refs: tuple[str, ...], ids: tuple[str, ...], **extra: object) -> Match:
    values: dict[str, object] = {
        "status": MatchStatus.MATCHED,
        "rule": "reference",
        "confidence": Decimal("0.9"),
        "difference": Money(-250, "EUR"),
        "explanation": "Reference INV-1 quoted;\nsame amount.",
        "evidence": Evidence(),
    }
    values.update(extra)
    return Match(match_id, bank_refs=refs, ledger_ids=ids, **values)  # type: ignore[arg-type]


def test_match_row_formats_confidence_difference_and_one_line_explanation() -> None:
    row = match_row(match("m1", ("B1", "B2"), ("INV-1",)))
    assert row == (
        "m1", "matched", "B1;B2", "INV-1", "reference", "0.90", "-2.50",
        "Reference INV-1 quoted; same amount.",
    )  # fmt: skip
    assert len(row) == len(MATCH_COLUMNS)


def test_bank_row_has_a_value_for_every_column() -> None:
    bank = line(
        "B1",
        counterparty=Party(name="ACME GMBH", account="DE02120300000000202051"),
        instructed_amount=Money(1100, "USD"),
        exchange_rate=Decimal("1.1"),
        transaction_code=TransactionCode("PMNT", "RCDT", "ESCT", "NTRF", "SWIFT"),
        remittance="INV 1",
    )
    row = dict(zip(BANK_COLUMNS, bank_row(bank, "no open record"), strict=True))
    assert row["amount"] == "10.00"
    assert row["counterparty"] == "ACME GMBH"
    assert (row["instructed_amount"], row["instructed_currency"]) == ("11.00", "USD")
    assert row["transaction_code"] == "PMNT/RCDT/ESCT SWIFT:NTRF"
    assert row["source"] == "stmt.xml: /Document/BkToCstmrStmt/Stmt[1]/Ntry[1]"
    assert row["bank_ref_derived"] == "false"
    assert row["reason"] == "no open record"


def test_transaction_code_without_code_is_blank() -> None:
    assert transaction_code_text(None) == ""
    assert transaction_code_text(TransactionCode(proprietary="166")) == "166"


def test_write_outputs_orders_rows_by_statement_line_and_ledger_order(tmp_path: Path) -> None:
    lines = [line("B1"), line("B2"), line("B3")]
    records = [
        LedgerRecord("R1", date(2025, 1, 1), Money(1000, "EUR"), metadata={"note": "n1"}),
        LedgerRecord("R2", date(2025, 1, 1), Money(2000, "EUR"), metadata={"note": "n,2"}),
    ]
    result = EngineResult(
        matches=(match("m2", ("B3",), ("R1",)), match("m1", ("B1",), ())),
        unmatched_lines=(UnmatchedLine(lines[1], "no record"),),
        unmatched_records=(
            UnmatchedRecord(records[1], "not paid"),
            UnmatchedRecord(records[0], "x"),
        ),
    )
    ledger = Ledger("ledger.csv", ("id", "note", "date", "amount", "currency"), tuple(records))
    write_outputs(
        tmp_path,
        result=result,
        ledger=ledger,
        line_order={"B1": 0, "B2": 1, "B3": 2},
        summary=lambda: {"b": 1, "a": "é"},
    )
    with (tmp_path / "matches.csv").open(newline="") as handle:
        assert [r[0] for r in csv.reader(handle)] == ["match_id", "m1", "m2"]
    assert (tmp_path / "unmatched_ledger.csv").read_bytes() == (
        b"id,note,date,amount,currency,reason\n"
        b"R1,n1,2025-01-01,10.00,EUR,x\n"
        b'R2,"n,2",2025-01-01,20.00,EUR,not paid\n'
    )
    bank = (tmp_path / "unmatched_bank.csv").read_text().splitlines()
    assert bank[0] == ",".join(BANK_COLUMNS)
    assert bank[1].startswith("B2,false,")
    assert (tmp_path / "summary.json").read_text(
        encoding="utf-8"
    ) == '{\n  "a": "é",\n  "b": 1\n}\n'
    assert json.loads((tmp_path / "summary.json").read_text()) == {"a": "é", "b": 1}


def test_every_line_break_becomes_a_space() -> None:
    assert one_line("a\r\nb\u2028c\x1cd\n") == "a b c d"
    assert one_line("plain, text") == "plain, text"
    assert one_line("") == ""


def test_a_match_is_written_at_its_earliest_line(tmp_path: Path) -> None:
    result = EngineResult(
        matches=(
            match("m3", (), ("R9",)),
            match("m2", ("B3", "B1"), ()),
            match("m1", ("B2",), ()),
        ),
        unmatched_lines=(),
        unmatched_records=(),
    )
    write_outputs(
        tmp_path,
        result=result,
        ledger=Ledger("ledger.csv", ("id",), ()),
        line_order={"B1": 0, "B2": 1, "B3": 2},
        summary=dict,
    )
    with (tmp_path / "matches.csv").open(newline="") as handle:
        assert [r[0] for r in csv.reader(handle)] == ["match_id", "m2", "m1", "m3"]


def test_an_unmatched_record_missing_from_the_ledger_is_an_error(tmp_path: Path) -> None:
    stray = LedgerRecord("R9", date(2025, 1, 1), Money(1000, "EUR"))
    result = EngineResult((), (), (UnmatchedRecord(stray, "x"),))
    with pytest.raises(ValueError, match="not in the ledger"):
        write_outputs(
            tmp_path,
            result=result,
            ledger=Ledger("ledger.csv", ("id",), ()),
            line_order={},
            summary=dict,
        )


def summary_noting_its_process(note: Path) -> Callable[[], dict[str, object]]:
    def build() -> dict[str, object]:
        note.write_text(str(os.getpid()))
        return {"a": "é"}

    return build


def many_matches() -> tuple[EngineResult, Ledger, dict[str, int]]:
    """Matches outweigh the other files, so those go to the worker when work is split."""
    lines = [line(f"B{i}") for i in range(30)]
    records = [LedgerRecord(f"R{i}", date(2025, 1, 1), Money(1000 * i, "EUR")) for i in range(2)]
    result = EngineResult(
        matches=tuple(match(f"m{i}", (f"B{i}",), (f"R{i % 2}",)) for i in range(29, 4, -1)),
        unmatched_lines=(UnmatchedLine(lines[0], "no record"),),
        unmatched_records=(UnmatchedRecord(records[1], "not paid"),),
    )
    ledger = Ledger("ledger.csv", ("id", "date", "amount", "currency"), tuple(records))
    return result, ledger, {ln.bank_ref: i for i, ln in enumerate(lines)}


def write_many(folder: Path, summary_pid: Path, **thresholds: int) -> None:
    """write_outputs of `many_matches`; summary.json's writer notes its process id."""
    result, ledger, line_order = many_matches()
    write_outputs(
        folder,
        result=result,
        ledger=ledger,
        line_order=line_order,
        summary=summary_noting_its_process(summary_pid),
        **thresholds,
    )


@pytest.fixture
def spare_core(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "spare_core", lambda: True)
    monkeypatch.setattr(parallel, "spare_memory", lambda: True)


@pytest.mark.usefixtures("spare_core")
def test_files_written_in_a_worker_are_byte_identical(tmp_path: Path) -> None:
    folders = {"here": tmp_path / "here", "split": tmp_path / "split"}
    for name, threshold in (("here", 10**9), ("split", 1)):
        folders[name].mkdir()
        write_many(folders[name], tmp_path / f"{name}.pid", parallel_min_micros=threshold)
    assert (tmp_path / "here.pid").read_text() == str(os.getpid())
    assert (tmp_path / "split.pid").read_text() != str(os.getpid())
    for name in OUTPUT_FILES:
        assert (folders["split"] / name).read_bytes() == (folders["here"] / name).read_bytes()


@pytest.mark.usefixtures("spare_core")
def test_writing_too_large_to_copy_into_a_worker_stays_here(tmp_path: Path) -> None:
    write_many(tmp_path, tmp_path / "summary.pid", parallel_min_micros=1, parallel_max_micros=10)
    assert (tmp_path / "summary.pid").read_text() == str(os.getpid())


@pytest.mark.usefixtures("spare_core")
def test_a_write_failing_in_the_worker_leaves_the_previous_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / SUMMARY).write_text("old")

    def write_into_a_blocked_folder(folder: Path) -> None:
        (folder / UNMATCHED_BANK).mkdir()  # the worker's open() of this file fails
        write_many(folder, tmp_path / "worker.pid", parallel_min_micros=1)

    with pytest.raises(OutputWriteError, match=r"Is a directory: '.*unmatched_bank\.csv'"):
        publish(out, write_into_a_blocked_folder, outputs=OUTPUT_FILES, marker=SUMMARY)
    assert (tmp_path / "worker.pid").read_text() != str(os.getpid())
    assert [p.name for p in out.iterdir()] == [SUMMARY]
    assert (out / SUMMARY).read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "worker.pid"]


_CELL = st.text(alphabet=st.sampled_from("ab ,;\"\n\r'é€\t"), max_size=8)


@given(st.lists(st.lists(_CELL, min_size=1, max_size=5), max_size=6))
def test_rows_are_written_as_the_csv_module_writes_them(rows: list[list[str]]) -> None:
    expected = io.StringIO(newline="")
    csv.writer(expected, lineterminator="\n", quoting=csv.QUOTE_MINIMAL).writerows(rows)
    written = io.StringIO(newline="")
    writer = csv.writer(written, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    for row in rows:
        line = csv_line(row)
        if line is None:
            writer.writerow(row)
        else:
            written.write(line)

    assert written.getvalue() == expected.getvalue()
    assert all(csv_line(row) is None for row in rows if "\r" in "".join(row) or row == [""])
