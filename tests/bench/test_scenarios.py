"""The scenario generator and the scorer are the judge of matching quality: test the judge.

The truth must agree with the files it describes (every line and record in exactly one
group, amounts that add up the way each kind says), the files must be valid input, and
the scorer must give a perfect answer 1.0 and a wrong one less.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from bench.scenarios import naive
from bench.scenarios.generate import Scenario, generate
from bench.scenarios.model import Acceptable, Group
from bench.scenarios.refs import rf_is_valid
from bench.scenarios.score import Row, load_truth, score

from accord.ingest.parsers import read_statement_file
from accord.ingest.parsers.model import BankLine

EXACT_SUM_KINDS = {
    "ref_text",
    "ref_truncated",
    "name_amount",
    "scor_rf",
    "e2e_exact",
    "payout",
    "collective_listed",
    "collective_truncated",
    "collective_unlisted",
    "instalments_full",
    "supplier_batch_camt",
    "supplier_batch_mt940",
    "refund",
    "trap_digits",
    "trap_refund_same_amount",
    "double_payment",
    "trap_twins",
}


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return generate(tmp_path_factory.mktemp("scenario"), seed=11, lines=1500)


@pytest.fixture(scope="module")
def bank_lines(scenario: Scenario) -> dict[str, BankLine]:
    lines: dict[str, BankLine] = {}
    for path in scenario.statements:
        for st in read_statement_file(path.read_bytes(), filename=path.name).statements:
            for line in st.lines:
                assert line.bank_ref not in lines, f"bank ref {line.bank_ref} is not unique"
                lines[line.bank_ref] = line
    return lines


@pytest.fixture(scope="module")
def records(scenario: Scenario) -> dict[str, dict[str, str]]:
    with scenario.ledger.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len({r["id"] for r in rows}) == len(rows), "ledger ids are not unique"
    return {r["id"]: r for r in rows}


def _minor(text: str) -> int:
    return int(Decimal(text).scaleb(2))


def test_every_line_and_record_is_in_exactly_one_true_group(
    scenario: Scenario, bank_lines: dict[str, BankLine], records: dict[str, dict[str, str]]
) -> None:
    truth = load_truth(scenario.truth)
    refs = Counter(r for g in truth for r in g.bank_refs)
    ids = Counter(i for g in truth for i in g.ledger_ids)
    assert set(refs) == set(bank_lines)
    assert set(ids) == set(records)
    assert max(refs.values()) == 1
    assert max(ids.values()) == 1
    assert scenario.lines == len(bank_lines)


def test_matchable_groups_add_up_as_their_kind_says(
    scenario: Scenario, bank_lines: dict[str, BankLine], records: dict[str, dict[str, str]]
) -> None:
    for g in load_truth(scenario.truth):
        bank = sum(bank_lines[r].amount.minor for r in g.bank_refs)
        ledger = sum(_minor(records[i]["amount"]) for i in g.ledger_ids)
        if g.kind in EXACT_SUM_KINDS:
            assert bank == ledger, g
        elif g.kind == "fee_short":
            assert ledger - bank == 250, g
        elif g.kind == "overpayment":
            assert bank > ledger, g
        elif g.kind == "instalment_partial":
            assert 0 < bank < ledger, g
        elif g.kind == "returned_payment":
            assert bank == 0, g
            assert not g.ledger_ids


def test_cross_currency_lines_are_within_a_small_spread_of_the_rates_file(
    scenario: Scenario, bank_lines: dict[str, BankLine], records: dict[str, dict[str, str]]
) -> None:
    with scenario.rates.open(encoding="utf-8", newline="") as handle:
        usd = [Decimal(r["rate"]) for r in csv.DictReader(handle) if r["base"] == "USD"]
    fx_groups = [g for g in load_truth(scenario.truth) if g.kind.startswith("fx_")]
    assert fx_groups
    for g in fx_groups:
        (line,) = (bank_lines[r] for r in g.bank_refs)
        (rec,) = (records[i] for i in g.ledger_ids)
        assert rec["currency"] == "USD"
        assert line.amount.currency == "EUR"
        implied = Decimal(line.amount.minor) / _minor(rec["amount"])
        assert min(usd) * Decimal("0.99") < implied < max(usd) * Decimal("1.01")
        if g.kind == "fx_bank_rate":
            assert line.instructed_amount is not None
            assert line.instructed_amount.minor == _minor(rec["amount"])
            assert line.exchange_rate is not None


def test_structured_creditor_references_carry_a_valid_iso_11649_check(
    scenario: Scenario, records: dict[str, dict[str, str]]
) -> None:
    rf = [r["reference"] for r in records.values() if re.fullmatch(r"RF\d\d\w+", r["reference"])]
    assert rf
    assert all(rf_is_valid(ref) for ref in rf)
    assert not rf_is_valid("RF00" + rf[0][4:])


def test_every_kind_of_the_default_mix_appears(scenario: Scenario) -> None:
    kinds = {g.kind for g in load_truth(scenario.truth)}
    expected = EXACT_SUM_KINDS | {
        "fee_short",
        "overpayment",
        "instalment_partial",
        "returned_payment",
        "returned_payment_invoice",
        "double_payment_second",
        "fx_bank_rate",
        "fx_rates_file",
        "trap_twins_other",
        "trap_other_customer",
        "trap_other_customer_invoice",
        "trap_digits_decoy",
        "noise",
        "unpaid",
    }
    assert expected <= kinds


def test_the_same_seed_writes_the_same_bytes(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", seed=5, lines=300)
    generate(tmp_path / "b", seed=5, lines=300)
    other = generate(tmp_path / "c", seed=6, lines=300)
    names = [p.name for p in (*first.statements, first.ledger, first.truth, first.rates)]
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert first.truth.read_bytes() != other.truth.read_bytes()


def test_statements_span_several_blocks_and_still_balance(tmp_path: Path) -> None:
    import bench.scenarios.generate as gen

    small_blocks = gen.BLOCK_LINES
    gen.BLOCK_LINES = 200
    try:
        scenario = generate(tmp_path, seed=2, lines=700)
    finally:
        gen.BLOCK_LINES = small_blocks
    statements = 0
    for path in scenario.statements:
        statements += len(read_statement_file(path.read_bytes(), filename=path.name).statements)
    assert statements > len(scenario.statements)


def _perfect(truth: list[Group]) -> list[Row]:
    rows = []
    for g in truth:
        items = frozenset([("b", r) for r in g.bank_refs] + [("l", i) for i in g.ledger_ids])
        if g.acceptable is Acceptable.MATCHED:
            rows.append(Row("matched", items))
        elif g.acceptable is Acceptable.REVIEW_ONLY:
            rows.append(Row("review", items))
    return rows


def test_a_perfect_answer_scores_one_everywhere(scenario: Scenario) -> None:
    result = score(load_truth(scenario.truth), _perfect(load_truth(scenario.truth)))
    overall = result.overall
    assert (overall.precision, overall.auto_share, overall.covered_share) == (1.0, 1.0, 1.0)
    assert overall.untouched_share == 1.0


def test_a_lucky_guess_on_an_undeterminable_group_counts_as_a_false_match(
    scenario: Scenario,
) -> None:
    truth = load_truth(scenario.truth)
    twins = next(g for g in truth if g.kind == "trap_twins")
    rows = [r for r in _perfect(truth) if r.items != _items(twins)]
    rows.append(Row("matched", _items(twins)))
    result = score(truth, rows)
    assert result.overall.precision is not None
    assert result.overall.precision < 1.0
    assert result.kinds["trap_twins"].precision == 0.0
    assert result.kinds["trap_twins"].covered_share is not None
    assert result.kinds["trap_twins"].covered_share < 1.0


def _items(g: Group) -> frozenset[tuple[str, str]]:
    return frozenset([("b", r) for r in g.bank_refs] + [("l", i) for i in g.ledger_ids])


def test_a_partial_or_mixed_answer_loses_auto_but_a_split_review_still_covers(
    scenario: Scenario,
) -> None:
    truth = load_truth(scenario.truth)
    group = next(g for g in truth if g.kind == "collective_listed")
    (line,) = group.bank_refs
    first, *rest = group.ledger_ids
    split = [
        Row("review", frozenset([("b", line), ("l", first)])),
        Row("review", frozenset(("l", i) for i in rest)),
    ]
    result = score(truth, [r for r in _perfect(truth) if r.items != _items(group)] + split)
    kind = result.kinds["collective_listed"]
    assert kind.auto == kind.matchable - 1
    assert kind.covered == kind.coverable
    unpaid = next(g for g in truth if g.kind == "unpaid")
    wrong = Row("matched", frozenset([("b", line), ("l", unpaid.ledger_ids[0])]))
    result = score(truth, [r for r in _perfect(truth) if r.items != _items(group)] + [wrong])
    assert result.kinds["unpaid"].untouched == result.kinds["unpaid"].unmatchable - 1
    assert result.kinds["collective_listed"].covered == kind.coverable - 1
    assert result.overall.correct_rows == result.overall.matched_rows - 1


def test_the_naive_baseline_falls_for_the_traps(scenario: Scenario, tmp_path: Path) -> None:
    naive.run(list(scenario.statements), scenario.ledger, tmp_path)
    from bench.scenarios.score import read_matches

    result = score(load_truth(scenario.truth), read_matches(tmp_path / "matches.csv"))
    assert result.overall.precision is not None
    assert result.overall.precision < 0.95
    assert result.kinds["trap_other_customer"].untouched_share == 0.0


def test_truth_json_is_a_list_of_groups_with_the_documented_fields(scenario: Scenario) -> None:
    raw = json.loads(scenario.truth.read_text(encoding="utf-8"))
    assert isinstance(raw, list)
    assert set(raw[0]) == {"kind", "bank_refs", "ledger_ids", "acceptable"}
    assert {g["acceptable"] for g in raw} == {"matched", "review-only", "unmatched"}


def test_counterparty_and_account_ibans_pass_the_iso_13616_check(
    bank_lines: dict[str, BankLine],
) -> None:
    ibans = {x.account for x in bank_lines.values()}
    ibans |= {
        x.counterparty.account
        for x in bank_lines.values()
        if x.counterparty and x.counterparty.account
    }
    assert len(ibans) > 10
    for iban in ibans:
        digits = "".join(str(int(ch, 36)) for ch in iban[4:] + iban[:4])
        assert int(digits) % 97 == 1, iban
