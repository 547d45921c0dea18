from __future__ import annotations

import csv
import dataclasses
import gc
import json
from pathlib import Path

import pytest
from bench.scenarios.generate import generate

from accord.ingest.parsers import UnbalancedStatement, read_statement_file
from accord.kit.errors import BadInput
from accord.kit.money import format_amount
from accord.reconciliation.files import engine_run, parallel
from accord.reconciliation.files import statements as statements_module
from accord.reconciliation.files.errors import OutputDirError
from accord.reconciliation.files.job import run_reconcile
from accord.reconciliation.files.outputs import BANK_COLUMNS, MATCH_COLUMNS, OUTPUT_FILES
from tests.reconciliation.files.builders import IBAN, Entry, camt053, ledger_csv, mt940, write
from tests.samples import sample

OTHER_IBAN = "NL91ABNA0417164300"
ENTRIES = [
    Entry("250.00", "2025-01-10", "BR-1", "INV-2025-001", "ACME GMBH"),
    Entry("-40.00", "2025-01-12", None, "Supplier bill 77", "Office Ltd"),
    Entry("99.00", "2025-01-15", "BR-3", "thanks", "Foo AG"),
]
LEDGER_ROWS = [
    f"INV-2025-001,2025-01-02,250.00,EUR,{IBAN},Acme GmbH,INV-2025-001,invoice,,CC1",
    "INV-2025-002,2025-01-05,12.00,EUR,,Nobody,INV-2025-002,invoice,,CC2",
]


def rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


@pytest.fixture
def inputs(tmp_path: Path) -> tuple[list[Path], Path]:
    statements = [
        write(tmp_path / "jan.xml", camt053("S1", ENTRIES)),
        write(tmp_path / "feb.sta", mt940("S2", [Entry("75.00", "2025-02-03", "BR-7", "INV 9")])),
    ]
    return statements, write(tmp_path / "ledger.csv", ledger_csv(LEDGER_ROWS))


def test_job_writes_the_four_files_with_the_contract_columns(
    tmp_path: Path, inputs: tuple[list[Path], Path]
) -> None:
    statements, ledger = inputs
    out = tmp_path / "out"
    done = run_reconcile(statements, ledger=ledger, out=out)
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES)
    assert rows(out / "matches.csv")[0] == list(MATCH_COLUMNS)
    assert rows(out / "unmatched_bank.csv")[0] == list(BANK_COLUMNS)
    assert rows(out / "unmatched_ledger.csv")[0] == [*ledger_csv([]).strip().split(","), "reason"]
    assert done.lines == 4
    assert done.records == 2
    assert done.matched + done.review == len(rows(out / "matches.csv")) - 1


def test_a_parked_job_keeps_its_objects_and_writes_the_same_files(
    tmp_path: Path, inputs: tuple[list[Path], Path]
) -> None:
    statements, ledger = inputs
    parked: list[object] = []
    done = run_reconcile(statements, ledger=ledger, out=tmp_path / "parked", park=parked)
    freed = run_reconcile(statements, ledger=ledger, out=tmp_path / "freed")
    assert done == dataclasses.replace(freed, out=tmp_path / "parked")
    assert len(parked) == 3
    for name in OUTPUT_FILES:
        assert (tmp_path / "parked" / name).read_bytes() == (tmp_path / "freed" / name).read_bytes()


def test_a_parked_job_leaves_nothing_young_for_the_next_collection_to_scan(
    tmp_path: Path, inputs: tuple[list[Path], Path]
) -> None:
    # Alive and young, the job's objects would all be scanned by the first collection after
    # the job (0.6 s at 100k lines, in a process that is about to exit anyway).
    statements, ledger = inputs
    frozen_before = gc.get_freeze_count()
    run_reconcile(statements, ledger=ledger, out=tmp_path / "freed")
    assert gc.get_freeze_count() == frozen_before
    try:
        run_reconcile(statements, ledger=ledger, out=tmp_path / "parked", park=[])
        assert gc.get_freeze_count() > frozen_before
        assert gc.get_count()[0] < gc.get_threshold()[0]
        assert gc.isenabled()
    finally:
        gc.unfreeze()


def test_a_failed_job_parks_and_freezes_nothing(
    tmp_path: Path, inputs: tuple[list[Path], Path]
) -> None:
    statements, _ = inputs
    broken = write(tmp_path / "ledger.csv", "id,date,amount\nA,2025-01-02,abc\n")
    parked: list[object] = []
    frozen_before = gc.get_freeze_count()
    with pytest.raises(BadInput):
        run_reconcile(statements, ledger=broken, out=tmp_path / "out", park=parked)
    assert (parked, gc.get_freeze_count()) == ([], frozen_before)
    assert not (tmp_path / "out").exists()


def test_quoted_reference_is_matched_and_the_rest_is_listed_with_reasons(
    tmp_path: Path, inputs: tuple[list[Path], Path]
) -> None:
    statements, ledger = inputs
    out = tmp_path / "out"
    run_reconcile(statements, ledger=ledger, out=out)
    matched = [r for r in rows(out / "matches.csv")[1:] if r[1] == "matched"]
    assert [(r[2], r[3], r[6]) for r in matched] == [("BR-1", "INV-2025-001", "0.00")]
    unmatched_bank = {r[0]: r[-1] for r in rows(out / "unmatched_bank.csv")[1:]}
    assert {"BR-3", "BR-7"} <= set(unmatched_bank)
    assert all(unmatched_bank.values())
    (open_record,) = rows(out / "unmatched_ledger.csv")[1:]
    assert open_record[:4] == ["INV-2025-002", "2025-01-05", "12.00", "EUR"]
    assert open_record[9] == "CC2"  # metadata column kept
    assert open_record[10]


def test_output_is_byte_identical_whatever_the_statement_order(
    tmp_path: Path, inputs: tuple[list[Path], Path]
) -> None:
    statements, ledger = inputs
    run_reconcile(statements, ledger=ledger, out=tmp_path / "one")
    run_reconcile(statements[::-1], ledger=ledger, out=tmp_path / "two")
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")


def test_summary_counts_lines_and_records_per_account_and_currency(
    tmp_path: Path, inputs: tuple[list[Path], Path]
) -> None:
    statements, ledger = inputs
    out = tmp_path / "out"
    run_reconcile(statements, ledger=ledger, out=out)
    summary = json.loads((out / "summary.json").read_text())
    (bank,) = summary["bank"]
    assert (bank["account"], bank["currency"], bank["lines"], bank["amount"]) == (
        IBAN,
        "EUR",
        4,
        "384.00",
    )
    assert bank["matched"] == {"lines": 1, "amount": "250.00"}
    assert {(e["account"], e["records"]) for e in summary["ledger"]} == {(None, 1), (IBAN, 1)}
    files = summary["inputs"]["statements"]
    assert [f["file"] for f in files] == [str(statements[1]), str(statements[0])]
    assert files[0]["statements"][0]["balance_difference"] == "0.00"
    assert len(summary["inputs"]["ledger"]["sha256"]) == 64


def test_rerun_replaces_the_previous_output(
    tmp_path: Path, inputs: tuple[list[Path], Path]
) -> None:
    statements, ledger = inputs
    out = tmp_path / "out"
    run_reconcile(statements, ledger=ledger, out=out)
    write(ledger, ledger_csv(LEDGER_ROWS[1:]))
    run_reconcile(statements, ledger=ledger, out=out)
    assert "INV-2025-001" not in (out / "matches.csv").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feb.sta", "jan.xml", "ledger.csv", "out"]


def test_out_with_foreign_files_is_refused_before_anything_is_read(
    tmp_path: Path, inputs: tuple[list[Path], Path]
) -> None:
    statements, _ = inputs
    out = tmp_path / "out"
    out.mkdir()
    write(out / "keep.txt", "mine")
    with pytest.raises(OutputDirError, match=r"keep\.txt"):
        run_reconcile(statements, ledger=tmp_path / "absent.csv", out=out)
    assert snapshot(out) == {"keep.txt": b"mine"}


BAD_LEDGER_ROWS = {
    "unknown currency": ("A,2025-01-02,1.00,EUX,,,,,,", "line 2: unknown currency 'EUX'"),
    "missing amount": ("A,2025-01-02,,EUR,,,,,,", "line 2: amount is empty"),
    "bad date": ("A,2025-31-01,1.00,EUR,,,,,,", "line 2: date '2025-31-01' is not a date"),
    "unknown type": ("A,2025-01-02,1.00,EUR,,,,gift,,", "line 2: type 'gift' is not one of"),
}


@pytest.mark.parametrize("case", sorted(BAD_LEDGER_ROWS))
def test_bad_ledger_row_is_bad_input_and_writes_nothing(
    tmp_path: Path, inputs: tuple[list[Path], Path], case: str
) -> None:
    statements, _ = inputs
    row, expected = BAD_LEDGER_ROWS[case]
    ledger = write(tmp_path / "bad.csv", ledger_csv([row]))
    out = tmp_path / "out"
    with pytest.raises(BadInput) as caught:
        run_reconcile(statements, ledger=ledger, out=out)
    assert caught.value.message.startswith(f"{ledger}: {expected}")
    assert not out.exists()


def test_duplicate_ledger_id_names_both_lines_and_keeps_previous_output(
    tmp_path: Path, inputs: tuple[list[Path], Path]
) -> None:
    statements, ledger = inputs
    out = tmp_path / "out"
    run_reconcile(statements, ledger=ledger, out=out)
    before = snapshot(out)
    write(ledger, ledger_csv([*LEDGER_ROWS, LEDGER_ROWS[0]]))
    with pytest.raises(
        BadInput, match="line 4: duplicate id 'INV-2025-001': already used on line 2"
    ):
        run_reconcile(statements, ledger=ledger, out=out)
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feb.sta", "jan.xml", "ledger.csv", "out"]


def test_bad_rates_row_is_bad_input(tmp_path: Path, inputs: tuple[list[Path], Path]) -> None:
    statements, ledger = inputs
    rates = write(tmp_path / "rates.csv", "date,base,quote,rate\n2025-01-02,USD,EUR,abc\n")
    with pytest.raises(BadInput, match=r"rates\.csv: line 2: rate 'abc'"):
        run_reconcile(statements, ledger=ledger, rates=rates, out=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_rates_and_rules_files_are_recorded_in_the_summary(
    tmp_path: Path, inputs: tuple[list[Path], Path]
) -> None:
    statements, ledger = inputs
    rates = write(tmp_path / "rates.csv", "date,base,quote,rate\n2025-01-02,USD,EUR,0.91\n")
    rules = write(tmp_path / "rules.toml", "reference_days_before = 60\n")
    run_reconcile(statements, ledger=ledger, out=tmp_path / "default")
    run_reconcile(statements, ledger=ledger, rates=rates, rules=rules, out=tmp_path / "custom")
    default = json.loads((tmp_path / "default" / "summary.json").read_text())
    custom = json.loads((tmp_path / "custom" / "summary.json").read_text())
    assert default["inputs"]["rules"] is None
    assert custom["inputs"]["rules"]["file"] == str(rules)
    assert custom["inputs"]["rates"]["file"] == str(rates)
    assert custom["rules_fingerprint"] != default["rules_fingerprint"]


def test_unknown_rules_key_is_bad_input(tmp_path: Path, inputs: tuple[list[Path], Path]) -> None:
    statements, ledger = inputs
    rules = write(tmp_path / "rules.toml", "reference_days = 60\n")
    with pytest.raises(BadInput, match=r"rules\.toml: rules: unknown key 'reference_days'"):
        run_reconcile(statements, ledger=ledger, rules=rules, out=tmp_path / "out")


def test_rules_that_are_not_toml_are_bad_input(
    tmp_path: Path, inputs: tuple[list[Path], Path]
) -> None:
    statements, ledger = inputs
    rules = write(tmp_path / "rules.toml", "reference_days_before = \n")
    with pytest.raises(BadInput, match=r"rules\.toml: not valid TOML: .*line 1"):
        run_reconcile(statements, ledger=ledger, rules=rules, out=tmp_path / "out")


def test_a_bad_statement_is_reported_before_a_bad_ledger(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = write(tmp_path / "broken.xml", camt053("S9", ENTRIES).replace("</Stmt>", ""))
    ledger = write(tmp_path / "bad.csv", ledger_csv(["A,2025-31-01,1.00,EUR,,,,,,"]))
    for min_bytes in (10**9, 1):  # parsed here, then in a worker beside the ledger
        monkeypatch.setattr(statements_module, "PARALLEL_MIN_BYTES", min_bytes)
        monkeypatch.setattr(parallel, "spare_core", lambda: True)
        monkeypatch.setattr(parallel, "spare_memory", lambda: True)
        with pytest.raises(BadInput) as caught:
            run_reconcile([broken], ledger=ledger, out=tmp_path / "out")
        assert caught.value.message.startswith(f"{broken}: line ")


def test_a_statement_given_twice_is_reported_before_a_bad_ledger(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = write(tmp_path / "a.xml", camt053("S9", ENTRIES))
    copy = write(tmp_path / "b.xml", first.read_text())
    ledger = write(tmp_path / "bad.csv", ledger_csv(["A,2025-31-01,1.00,EUR,,,,,,"]))
    for min_bytes in (10**9, 1):  # parsed here, then in a worker beside the ledger
        monkeypatch.setattr(statements_module, "PARALLEL_MIN_BYTES", min_bytes)
        monkeypatch.setattr(parallel, "spare_core", lambda: True)
        monkeypatch.setattr(parallel, "spare_memory", lambda: True)
        with pytest.raises(BadInput, match=r"b\.xml: same content as .*a\.xml"):
            run_reconcile([copy, first], ledger=ledger, out=tmp_path / "out")


def test_malformed_statement_is_bad_input_naming_file_and_place(
    tmp_path: Path, inputs: tuple[list[Path], Path]
) -> None:
    _, ledger = inputs
    broken = write(tmp_path / "broken.xml", camt053("S9", ENTRIES).replace("</Stmt>", ""))
    with pytest.raises(BadInput) as caught:
        run_reconcile([broken], ledger=ledger, out=tmp_path / "out")
    assert caught.value.message.startswith(f"{broken}: line ")
    assert not (tmp_path / "out").exists()


def test_csv_statement_without_profile_is_bad_input(
    tmp_path: Path, inputs: tuple[list[Path], Path]
) -> None:
    _, ledger = inputs
    export = write(tmp_path / "export.csv", "date,amount\n2025-01-02,1.00\n")
    with pytest.raises(BadInput, match="--csv-profile"):
        run_reconcile([export], ledger=ledger, out=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_unbalanced_statement_needs_allow_unbalanced_and_is_recorded(
    tmp_path: Path, inputs: tuple[list[Path], Path]
) -> None:
    _, ledger = inputs
    odd = write(tmp_path / "odd.xml", camt053("S5", ENTRIES, closing_offset="-2.50"))
    out = tmp_path / "out"
    with pytest.raises(UnbalancedStatement, match=r"1309\.00 EUR, but the closing .* 1306\.50 EUR"):
        run_reconcile([odd], ledger=ledger, out=out)
    assert not out.exists()
    run_reconcile([odd], ledger=ledger, out=out, allow_unbalanced=True)
    summary = json.loads((out / "summary.json").read_text())
    (statement,) = summary["inputs"]["statements"][0]["statements"]
    assert statement["balance_difference"] == "2.50"
    assert summary["options"]["allow_unbalanced"] is True


def test_matching_groups_in_a_worker_gives_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    statements = [
        write(tmp_path / "a.xml", camt053("S1", ENTRIES)),
        write(tmp_path / "b.xml", camt053("S2", ENTRIES[:1], iban=OTHER_IBAN)),
    ]
    ledger = write(
        tmp_path / "ledger.csv",
        ledger_csv([LEDGER_ROWS[0], LEDGER_ROWS[0].replace(IBAN, OTHER_IBAN).replace("01,", "X,")]),
    )
    run_reconcile(statements, ledger=ledger, out=tmp_path / "here")
    monkeypatch.setattr(engine_run, "PARALLEL_MIN_ITEMS", 1)
    monkeypatch.setattr(parallel, "spare_core", lambda: True)
    monkeypatch.setattr(parallel, "spare_memory", lambda: True)
    run_reconcile(statements, ledger=ledger, out=tmp_path / "split")
    assert snapshot(tmp_path / "here") == snapshot(tmp_path / "split")


def derived_ledger(statements: list[Path], path: Path) -> Path:
    """Records for two lines in three: with the bank's text as reference for every other one."""
    out = ["id,date,amount,currency,account,counterparty,reference,source_line"]
    position = 0
    for statement in statements:
        parsed = read_statement_file(statement.read_bytes(), filename=statement.name,
                                     allow_unbalanced=True)  # fmt: skip
        for line in (ln for s in parsed.statements for ln in s.lines):
            position += 1
            if position % 3 == 0 or line.booking_date is None:
                continue
            reference = (line.remittance or "")[:20] if position % 2 else ""
            amount = format_amount(line.amount.minor, line.amount.currency)
            name = line.counterparty.name if line.counterparty and line.counterparty.name else ""
            out.append(
                f"R{position},{line.booking_date},{amount},{line.amount.currency},{line.account},"
                f'"{name}","{reference}",{line.bank_ref}'
            )
    return write(path, "\n".join(out) + "\n")


def test_samples_reconcile_against_a_ledger_derived_from_them(tmp_path: Path) -> None:
    statements = [sample("mt940/jejik-ing.sta"), sample("camt/test-camt053")]
    ledger = derived_ledger(statements, tmp_path / "ledger.csv")
    done = run_reconcile(statements, ledger=ledger, out=tmp_path / "one", allow_unbalanced=True)
    run_reconcile(statements[::-1], ledger=ledger, out=tmp_path / "two", allow_unbalanced=True)
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")
    matches = rows(tmp_path / "one" / "matches.csv")[1:]
    assert done.matched > 0
    matched_refs = [ref for r in matches if r[1] == "matched" for ref in r[2].split(";")]
    matched_ids = [i for r in matches if r[1] == "matched" for i in r[3].split(";")]
    assert len(matched_refs) == len(set(matched_refs))
    assert len(matched_ids) == len(set(matched_ids))
    listed = {ref for r in matches for ref in r[2].split(";")}
    listed |= {r[0] for r in rows(tmp_path / "one" / "unmatched_bank.csv")[1:]}
    assert len(listed) == done.lines


def test_balanced_sample_needs_no_flag(tmp_path: Path) -> None:
    statement = sample("mt940/oca-test-ing.940")
    ledger = derived_ledger([statement], tmp_path / "ledger.csv")
    done = run_reconcile([statement], ledger=ledger, out=tmp_path / "out")
    assert done.lines == 8
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["bank"][0]["lines"] == 8


def test_parsing_and_proposing_in_a_worker_gives_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The worker parses statements while this process reads the ledger and builds the
    # records' book, then proposes for half of the lines.
    scenario = generate(tmp_path / "in", seed=4, lines=1500)
    ledger, rates = scenario.ledger, scenario.rates
    run_reconcile(scenario.statements, ledger=ledger, rates=rates, out=tmp_path / "here")
    monkeypatch.setattr(statements_module, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(engine_run, "PARALLEL_MIN_ITEMS", 1)
    monkeypatch.setattr(engine_run, "PARALLEL_MIN_LINES", 1)
    monkeypatch.setattr(parallel, "spare_core", lambda: True)
    monkeypatch.setattr(parallel, "spare_memory", lambda: True)
    monkeypatch.setattr(engine_run, "partitions", lambda lines, records: [(lines, records)])
    run_reconcile(scenario.statements, ledger=ledger, rates=rates, out=tmp_path / "split")
    assert snapshot(tmp_path / "here") == snapshot(tmp_path / "split")
