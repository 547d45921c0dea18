"""The caps that keep a million-line run bounded: candidate lists and the name cache."""

from __future__ import annotations

from datetime import timedelta

import pytest

from accord.ingest.parsers.model import BankLine
from accord.matching.engine import candidates, context, counterparty, reconcile
from accord.matching.engine.context import Context
from accord.matching.engine.core import _windowed
from accord.matching.engine.fx import RateTable
from accord.matching.engine.model import EngineResult, LedgerRecord, MatchStatus
from accord.matching.engine.pair import Pair
from accord.matching.engine.prepare import Prepared, RecordBook
from accord.matching.engine.rules import DEFAULT_RULES, Rules
from accord.matching.engine.text import name_similarity
from tests.matching.engine.factories import ACCOUNT, DAY, line, record


def _context(
    records: list[LedgerRecord], lines: list[BankLine], rules: Rules = DEFAULT_RULES
) -> Context:
    book = RecordBook(records, rules)
    return Context(Prepared(lines, book.records), book.take_index(), rules, RateTable([], 5))


def _position(ctx: Context, rid: str) -> int:
    return next(pr.pos for pr in ctx.prep.records if pr.rec.id == rid)


def test_windowed_keeps_the_given_order_and_stops_at_the_limit() -> None:
    records = [record(f"INV-{k}", "100.00", day=DAY - timedelta(days=k)) for k in range(1, 9)]
    ctx = _context(records, [line("B1", "100.00")])
    pl = ctx.prep.lines[0]
    order = [_position(ctx, f"INV-{k}") for k in (5, 2, 7, 1, 3)]
    assert _windowed(pl, order, {}, ctx, 3) == order[:3]
    assert _windowed(pl, order, {}, ctx) == order


def test_windowed_skips_paired_incompatible_and_out_of_window_records() -> None:
    late = DAY - timedelta(days=DEFAULT_RULES.amount_days_after + 1)
    records = [
        record("INV-PAIRED", "100.00"),
        record("BILL-OUT", "-100.00"),  # money going out: not for a credit
        record("INV-OTHER-ACCOUNT", "100.00", account="GB33BUKB20201555555555"),
        record("INV-TOO-OLD", "100.00", day=late),
        record("INV-FIRST", "100.00"),
        record("INV-SECOND", "100.00", account=ACCOUNT),
        record("INV-THIRD", "100.00"),
    ]
    ctx = _context(records, [line("B1", "100.00")])
    pl = ctx.prep.lines[0]
    paired = _position(ctx, "INV-PAIRED")
    every = [_position(ctx, r.id) for r in records]
    kept = _windowed(pl, every, {paired: Pair(paired, 0)}, ctx, 2)
    assert kept == [_position(ctx, "INV-FIRST"), _position(ctx, "INV-SECOND")]


def test_fee_candidates_of_a_common_amount_are_the_first_compatible_ones_by_position() -> None:
    # 100.00 received, 102.50 invoiced (a known 2.50 fee) on more records than are evaluated.
    late = DAY - timedelta(days=DEFAULT_RULES.amount_days_after + 1)
    limit = DEFAULT_RULES.max_candidates
    records = [record(f"INV-{k:03}", "102.50") for k in range(limit + 20)]
    records += [
        record("INV-000-OLD", "102.50", day=late),
        record("INV-000-OTHER-ACCOUNT", "102.50", account="GB33BUKB20201555555555"),
        record("BILL-000-OUT", "-102.50"),
        record("INV-000-CHARGES", "103.10"),  # the charges the bank reports: 3.10
    ]
    ctx = _context(records, [line("B1", "100.00", charges="3.10")])
    pl = ctx.prep.lines[0]
    paired = _position(ctx, "INV-001")
    found = candidates.fee_and_instructed_candidates(pl, ctx, {paired: Pair(paired, 0)})
    unfit = {"INV-000-OLD", "INV-000-OTHER-ACCOUNT", "BILL-000-OUT"}
    eligible = sorted(_position(ctx, r.id) for r in records if r.id not in unfit)
    assert found == [r for r in eligible if r != paired][:limit]
    assert _position(ctx, "INV-000-CHARGES") in found


def test_instructed_candidates_are_in_the_instructed_currency_and_direction() -> None:
    records = [
        record("INV-USD", "250.00", currency="USD"),
        record("BILL-USD", "-250.00", currency="USD"),
        record("INV-EUR", "250.00"),
    ]
    ctx = _context(records, [line("B1", "231.00", instructed=("250.00", "USD"))])
    found = candidates.fee_and_instructed_candidates(ctx.prep.lines[0], ctx, {})
    assert found == [_position(ctx, "INV-USD")]


def test_a_line_whose_amount_many_records_share_is_left_with_the_count() -> None:
    rules = DEFAULT_RULES
    records = [
        record(f"INV-{k}", "59.00", name=f"Customer {k}") for k in range(rules.max_candidates + 5)
    ]
    result = reconcile([line("B1", "59.00", name="Somebody Else")], records, rules=rules)
    assert result.matches == ()
    (left,) = result.unmatched_lines
    assert left.reason.startswith(f"{rules.max_candidates + 5} open records have this amount")


def _crowd(size: int, *, account: str | None = None) -> list[LedgerRecord]:
    """`size` invoices of 59.00 from customers with nothing in common with Mueller."""
    return [
        record(f"INV-{k}", "59.00", name=f"Kunde {k} Handel", account=account) for k in range(size)
    ]


@pytest.mark.parametrize("crowd_account", [None, ACCOUNT])
def test_on_a_crowded_amount_the_name_as_the_bank_prints_it_still_finds_the_record(
    crowd_account: str | None,
) -> None:
    # The bank prints the name in capitals, umlauts spelt out, the legal form cut off. The
    # record is found among the records of its own account (a short list) or of any account
    # (a long one, indexed by word).
    rules = DEFAULT_RULES
    own = None if crowd_account else ACCOUNT
    records = [
        *_crowd(rules.max_candidates + 5, account=crowd_account),
        record("INV-MUELLER", "59.00", name="Müller Gebäudereinigung Paris AG", account=own),
    ]
    paying = line("B1", "59.00", name="MUELLER GEBAEUDEREINIGUNG PAR")
    result = reconcile([paying], records, rules=rules)
    (match,) = result.matches
    assert match.ledger_ids == ("INV-MUELLER",)
    assert match.status is MatchStatus.REVIEW  # a common amount: a person decides
    assert result.unmatched_lines == ()


def test_on_a_crowded_amount_one_word_in_common_is_not_enough() -> None:
    rules = DEFAULT_RULES
    records = [
        *_crowd(rules.max_candidates + 5),
        record("INV-MUELLER-BAU", "59.00", name="Müller Bau GmbH"),
    ]
    result = reconcile(
        [line("B1", "59.00", name="MUELLER GEBAEUDEREINIGUNG PARIS")], records, rules=rules
    )
    assert result.matches == ()
    (left,) = result.unmatched_lines
    assert left.reason.startswith(f"{rules.max_candidates + 6} open records have this amount")


def _one_payer_crowding_its_amount(printed: str) -> tuple[EngineResult, int]:
    """More than `max_candidates` invoices of 59.00 from one payer among others of 59.00,
    and one line of 59.00 in the name `printed`: the result and the number of records."""
    rules = DEFAULT_RULES
    same_payer = [
        record(f"INV-M{k}", "59.00", name="Müller Gebäudereinigung Paris AG")
        for k in range(rules.max_candidates + 1)
    ]
    records = [*_crowd(rules.max_candidates), *same_payer]
    return reconcile([line("B1", "59.00", name=printed)], records, rules=rules), len(records)


def test_on_a_crowded_amount_a_name_on_too_many_records_singles_none_out() -> None:
    # The printed name is cut short, so it is looked up by its words, and each of them is
    # on more records of the amount than `max_candidates`.
    result, records = _one_payer_crowding_its_amount("MUELLER GEBAEUDEREINIGUNG PAR")
    assert result.matches == ()
    (left,) = result.unmatched_lines
    assert left.reason.startswith(f"{records} open records have this amount")


def test_on_a_crowded_amount_the_very_same_name_still_counts() -> None:
    result, _ = _one_payer_crowding_its_amount("MUELLER GEBAEUDEREINIGUNG PARIS")
    (match,) = result.matches
    assert match.ledger_ids[0].startswith("INV-M")
    assert match.status is MatchStatus.REVIEW


def _common_words(each: int) -> list[LedgerRecord]:
    """`each` invoices of 59.00 from a Mueller of another trade and as many from another
    cleaner, so that both words of MUELLER GEBAEUDEREINIGUNG are on `each` + 1 records
    with the one payer who has both (INV-MG)."""
    return [
        *(record(f"INV-B{k}", "59.00", name="Müller Bau Paris AG") for k in range(each)),
        *(
            record(f"INV-S{k}", "59.00", name="Schmidt Gebäudereinigung Paris AG")
            for k in range(each)
        ),
        record("INV-MG", "59.00", name="Müller Gebäudereinigung Paris AG"),
    ]


def test_on_a_crowded_amount_the_payers_words_together_single_it_out() -> None:
    # Each word of the printed name is on more records of the amount than max_candidates,
    # but only one record has them all.
    rules = DEFAULT_RULES
    records = _common_words(rules.max_candidates)
    result = reconcile([line("B1", "59.00", name="MUELLER GEBAEUDEREINIGUNG PAR")], records)
    (match,) = result.matches
    assert match.ledger_ids == ("INV-MG",)
    assert match.status is MatchStatus.REVIEW


def test_on_a_crowded_amount_a_word_on_far_too_many_records_is_not_narrowed() -> None:
    # Past `_WIDE_WORD` times max_candidates records of its rarest word, a line's name is
    # not narrowed by its other words: the search stays bounded on any data.
    each = context._WIDE_WORD * DEFAULT_RULES.max_candidates
    result = reconcile(
        [line("B1", "59.00", name="MUELLER GEBAEUDEREINIGUNG PAR")], _common_words(each)
    )
    assert result.matches == ()
    (left,) = result.unmatched_lines
    assert left.reason.startswith(f"{2 * each + 1} open records have this amount")


def test_the_name_cache_stays_bounded_and_answers_as_without_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(context, "_SIM_CACHE_SIZE", 3)
    ctx = _context([record("INV-1", "1.00")], [line("B1", "1.00")])
    names = ["MUELLER", "MULLER", "BAECKER", "KRUEGER", "ACME", "ACME TRADING", "ZETA"]
    for a in names:
        for b in names:
            assert ctx.similarity(a, b) == name_similarity(a, b)
            assert len(ctx.sim_cache) <= 3


def test_the_counterparty_cache_stays_bounded_and_answers_as_without_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Each payer pays two of its open invoices at once, twice, quoting nothing: the search
    # among a counterparty's records runs for every line, and is remembered per name.
    payers = ["ACME TRADING", "BAECKER BAU", "KRUEGER LOGISTIK"]
    records = [
        record(f"INV-{p}{k}", amount, name=payer)
        for p, payer in enumerate(payers)
        for k, amount in enumerate(["137.00", "211.00", "389.00", "523.00"])
    ]
    lines = [
        line(f"B{p}{k}", amount, name=payer, day=DAY + timedelta(days=k))
        for p, payer in enumerate(payers)
        for k, amount in enumerate(["348.00", "912.00"])
    ]
    expected = reconcile(lines, records)
    assert sorted((m.rule, m.bank_refs, m.ledger_ids) for m in expected.matches) == [
        ("subset", (f"B{p}{k}",), (f"INV-{p}{2 * k}", f"INV-{p}{2 * k + 1}"))
        for p in range(3)
        for k in range(2)
    ]
    monkeypatch.setattr(context, "_COUNTERPARTY_CACHE_SIZE", 1)
    assert reconcile(lines, records) == expected
    ctx = _context(records, lines)
    for pl in ctx.prep.lines:
        counterparty.same_counterparty(pl, ctx)
        assert len(ctx.counterparty_records) <= 1
    ctx.release_index()
    assert not ctx.counterparty_records
