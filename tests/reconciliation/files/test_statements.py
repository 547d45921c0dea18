from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from accord.ingest.parsers import StatementParseError, UnbalancedStatement, UnknownFormat
from accord.reconciliation.files import parallel
from accord.reconciliation.files import statements as statements_module
from accord.reconciliation.files.errors import InputFileError
from accord.reconciliation.files.statements import read_statements
from tests.reconciliation.files.builders import Entry, camt053, mt940, write
from tests.samples import sample

ENTRIES = [
    Entry("250.00", "2025-01-10", "BR-1", "INV-2025-001", "ACME GMBH"),
    Entry("-40.00", "2025-01-12", None, "Supplier bill 77", "Office Ltd"),
]


def two_files(tmp_path: Path) -> tuple[Path, Path]:
    a = write(tmp_path / "a.xml", camt053("S1", ENTRIES))
    b = write(tmp_path / "b.sta", mt940("S2", [Entry("5.00", "2025-01-03", "BR-9")]))
    return a, b


def test_file_order_on_the_command_line_does_not_change_the_lines(tmp_path: Path) -> None:
    a, b = two_files(tmp_path)
    forward = read_statements([a, b])
    backward = read_statements([b, a])
    assert [f.file for f in backward.files] == [str(a), str(b)]
    assert backward.lines == forward.lines
    assert [line.bank_ref for line in forward.lines] == ["BR-1", "S1/2", "BR-9"]


def test_same_file_given_twice_is_refused(tmp_path: Path) -> None:
    a, _ = two_files(tmp_path)
    copy = write(tmp_path / "copy.xml", a.read_text())
    with pytest.raises(InputFileError, match=r"copy\.xml: same content as .*a\.xml"):
        read_statements([a, copy])


def test_each_file_is_recorded_with_its_checksum_wherever_it_was_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = two_files(tmp_path)
    expected = [hashlib.sha256(path.read_bytes()).hexdigest() for path in (a, b)]
    assert [f.sha256 for f in read_statements([b, a]).files] == expected
    monkeypatch.setattr(statements_module, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(parallel, "spare_core", lambda: True)
    monkeypatch.setattr(parallel, "spare_memory", lambda: True)
    assert [f.sha256 for f in read_statements([b, a]).files] == expected


def test_shared_bank_refs_get_a_suffix_in_line_order(tmp_path: Path) -> None:
    first = write(tmp_path / "jan.sta", mt940("940S", [Entry("5.00", "2025-01-03", None)]))
    second = write(
        tmp_path / "feb.sta", mt940("940S", [Entry("7.00", "2025-02-03", None, "other")])
    )
    read = read_statements([first, second])
    refs = [line.bank_ref for line in read.lines]
    assert len(set(refs)) == 2
    assert refs[0].endswith("#1")
    assert refs[1].endswith("#2")
    assert read.lines[0].source.file == str(second)  # feb.sta sorts before jan.sta
    assert read.renamed_refs == 2


def test_unbalanced_statement_is_bad_input_giving_both_figures(tmp_path: Path) -> None:
    path = write(tmp_path / "s.xml", camt053("S1", ENTRIES, closing_offset="-2.50"))
    with pytest.raises(UnbalancedStatement) as caught:
        read_statements([path])
    assert "is 1210.00 EUR, but the closing balance is 1207.50 EUR" in caught.value.message
    assert read_statements([path], allow_unbalanced=True).lines


def test_csv_statement_without_profile_is_bad_input(tmp_path: Path) -> None:
    path = write(tmp_path / "export.csv", "date,amount\n2025-01-02,1.00\n")
    with pytest.raises(UnknownFormat, match="--csv-profile"):
        read_statements([path])


def test_malformed_statement_names_the_file() -> None:
    path = sample("mt940/oca-test-wrong-file.940")
    with pytest.raises(StatementParseError) as caught:
        read_statements([path])
    assert caught.value.message.startswith(str(path))


def test_missing_statement_file_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="cannot read the file"):
        read_statements([tmp_path / "absent.xml"])


def test_a_folder_given_as_a_statement_file_is_bad_input(tmp_path: Path) -> None:
    folder = tmp_path / "statements"
    folder.mkdir()
    with pytest.raises(InputFileError, match=r"statements: cannot read the file"):
        read_statements([folder])


def test_missing_statement_file_is_reported_before_the_work_beside_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, _ = two_files(tmp_path)
    monkeypatch.setattr(statements_module, "PARALLEL_MIN_BYTES", 1)  # beside runs first here
    monkeypatch.setattr(parallel, "spare_core", lambda: True)
    monkeypatch.setattr(parallel, "spare_memory", lambda: True)
    started: list[str] = []
    with pytest.raises(InputFileError, match=r"absent\.xml: cannot read the file"):
        statements_module.read_statements_beside(
            [a, tmp_path / "absent.xml"], lambda: started.append("ledger"), 0
        )
    assert started == []


def test_parsing_in_a_worker_gives_the_same_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = two_files(tmp_path)
    here = read_statements([a, b])
    monkeypatch.setattr(statements_module, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(parallel, "spare_core", lambda: True)
    monkeypatch.setattr(parallel, "spare_memory", lambda: True)
    assert read_statements([a, b]) == here


def test_error_in_a_worker_keeps_its_type_and_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, _ = two_files(tmp_path)
    broken = write(tmp_path / "z.sta", ":20:X\r\n:25:Y\r\n:61:garbage\r\n-\r\n")
    monkeypatch.setattr(statements_module, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(parallel, "spare_core", lambda: True)
    monkeypatch.setattr(parallel, "spare_memory", lambda: True)
    with pytest.raises(StatementParseError) as caught:
        read_statements([a, broken])
    assert caught.value.file == str(broken)
    assert caught.value.message.startswith(f"{broken}: line 1: ")
