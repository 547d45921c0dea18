"""The engine on the cases issue 12 lists, one behaviour per test."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from accord.matching.engine import DEFAULT_RULES, reconcile, rules_from_mapping
from accord.matching.engine.model import (
    EngineResult,
    LedgerRecord,
    Match,
    MatchStatus,
    Rate,
    RecordType,
)
from tests.matching.engine.factories import DAY, line, rate, record

MATCHED = MatchStatus.MATCHED
REVIEW = MatchStatus.REVIEW


def only(result: EngineResult) -> Match:
    assert len(result.matches) == 1, result.matches
    return result.matches[0]


def pairs(result: EngineResult) -> set[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    return {(m.status.value, m.bank_refs, m.ledger_ids) for m in result.matches}


def test_end_to_end_id_and_amount_match_automatically() -> None:
    result = reconcile(
        [line("B1", "1250.00", e2e="INV-2025-00123")],
        [record("INV-2025-00123", "1250.00"), record("INV-2025-00124", "1250.00")],
    )
    m = only(result)
    assert (m.status, m.ledger_ids, m.rule) == (MATCHED, ("INV-2025-00123",), "identifier")
    assert m.difference.minor == 0


def test_structured_rf_reference_finds_the_record_by_its_payload() -> None:
    result = reconcile(
        [line("B1", "99.00", creditor_reference="RF18539007547034")],
        [record("R-1", "99.00", reference="539007547034")],
    )
    assert only(result).status == MATCHED


def test_reference_typed_in_several_forms_is_found() -> None:
    forms = ["INV-2025-00123", "inv 2025/00123", "INV 2025 00123", "Zahlung INV202500123 ok"]
    for text in forms:
        result = reconcile(
            [line("B1", "80.00", remittance=text)], [record("INV-2025-00123", "80.00")]
        )
        assert pairs(result) == {("matched", ("B1",), ("INV-2025-00123",))}, text


def test_reference_without_year_after_own_prefix_is_found() -> None:
    result = reconcile(
        [line("B1", "80.00", remittance="INV00123")], [record("INV-2025-00123", "80.00")]
    )
    assert only(result).status == MATCHED


def test_invoice_word_with_number_and_year_is_found() -> None:
    result = reconcile(
        [line("B1", "80.00", remittance="Rechnung 123/2025")],
        [record("INV-2025-00123", "80.00")],
    )
    assert only(result).status == MATCHED


def test_several_references_in_one_text_make_a_collective_payment() -> None:
    result = reconcile(
        [line("B1", "300.00", remittance="INV-1001, INV-1002 und INV-1003")],
        [record("INV-1001", "100.00"), record("INV-1002", "120.00"), record("INV-1003", "80.00")],
    )
    m = only(result)
    assert (m.status, m.rule) == (MATCHED, "collective")
    assert m.ledger_ids == ("INV-1001", "INV-1002", "INV-1003")


def test_collective_payment_of_some_listed_invoices_is_review() -> None:
    result = reconcile(
        [line("B1", "220.00", remittance="INV-1001 INV-1002 INV-1003")],
        [record("INV-1001", "100.00"), record("INV-1002", "120.00"), record("INV-1003", "80.00")],
    )
    m = only(result)
    assert m.status == REVIEW
    assert m.ledger_ids == ("INV-1001", "INV-1002")


def test_batch_reference_shared_by_several_bill_payments_matches_one_debit() -> None:
    bills = [
        record(f"BP-{i}", f"-{amt}", reference="BATCH-2025-0311", kind=RecordType.BILL_PAYMENT)
        for i, amt in enumerate(["100.00", "250.00", "40.00"])
    ]
    result = reconcile([line("B1", "-390.00", remittance="SAMMLER BATCH-2025-0311")], bills)
    m = only(result)
    assert (m.status, len(m.ledger_ids)) == (MATCHED, 3)


def test_instalments_that_complete_an_invoice_match_together() -> None:
    result = reconcile(
        [
            line("B1", "300.00", remittance="INV-2025-00077 part 1"),
            line("B2", "200.00", remittance="INV-2025-00077 part 2", day=DAY + timedelta(days=30)),
        ],
        [record("INV-2025-00077", "500.00")],
    )
    m = only(result)
    assert (m.status, m.rule, m.bank_refs) == (MATCHED, "instalments", ("B1", "B2"))


def test_first_instalment_alone_is_review_and_reports_the_open_part() -> None:
    result = reconcile(
        [line("B1", "300.00", remittance="INV-2025-00077 part 1")],
        [record("INV-2025-00077", "500.00")],
    )
    m = only(result)
    assert m.status == REVIEW
    assert "300.00 EUR of 500.00 EUR" in m.explanation
    assert m.difference.minor == -20000


def test_instalments_completed_by_two_different_pairs_say_so() -> None:
    days = [DAY + timedelta(days=10 * k) for k in range(3)]
    result = reconcile(
        [
            line(f"B{k + 1}", "250.00", remittance=f"INV-2025-00077 part {k + 1}", day=day)
            for k, day in enumerate(days)
        ],
        [record("INV-2025-00077", "500.00")],
    )
    m = only(result)
    assert (m.status, m.rule, m.bank_refs) == (REVIEW, "instalments", ("B1", "B2"))
    assert m.evidence.notes == (
        "3 payments quote it; these 2 complete it",
        "other combinations of these payments also complete it",
    )
    assert m.explanation.endswith("; ".join(m.evidence.notes) + ".")


def _last_instalment_by_bare_number(name: str) -> EngineResult:
    payer = "De Vries Textil Berlin SARL"
    later = DAY + timedelta(days=14)
    return reconcile(
        [
            line("B1", "600.00", remittance="Rechnung 100014 Rate 1/3", name=payer.upper()),
            line("B2", "545.00", remittance="Rechnung 100014 Rate 2/3", name=payer.upper()),
            line("B3", "55.00", remittance="Ref. 100014 /ok Rate 3/3", name=name, day=later),
        ],
        [record("100014", "1200.00", name=payer)],
    )


def test_a_last_instalment_quoting_only_the_bare_number_completes_it_for_review() -> None:
    m = only(_last_instalment_by_bare_number("DE VRIES TEXTIL BERLIN SARL"))
    assert (m.status, m.rule) == (REVIEW, "instalments")
    assert (m.bank_refs, m.ledger_ids) == (("B1", "B2", "B3"), ("100014",))
    assert m.difference.minor == 0
    # Its own lines' partial proposals are no other bank line.
    assert m.explanation.endswith("; completed by B3, which quotes only its number.")


def test_a_bare_number_from_another_payer_completes_nothing() -> None:
    result = _last_instalment_by_bare_number("NORDWIND LOGISTIK")
    m = only(result)
    assert (m.status, m.rule, m.bank_refs) == (REVIEW, "partial", ("B1", "B2"))
    assert [u.line.bank_ref for u in result.unmatched_lines] == ["B3"]


def _instalments_by_bare_number_alone(*amounts: str) -> EngineResult:
    payer = "Bäcker Distribution Bonn SARL"
    return reconcile(
        [
            line(f"B{k + 1}", amount, remittance=f"Teilzahlung {k + 1} Ref. 101439", name=payer)
            for k, amount in enumerate(amounts)
        ],
        [record("101439", "2252.47", name=payer)],
    )


def test_a_part_payment_quoting_only_the_bare_number_in_the_payers_name_is_review() -> None:
    m = only(_instalments_by_bare_number_alone("1898.00"))
    assert (m.status, m.rule, m.bank_refs) == (REVIEW, "partial", ("B1",))
    assert m.evidence.notes == (
        "paid 1898.00 EUR of 2252.47 EUR",
        "the payment quotes only its number",
    )


def test_part_payments_quoting_only_the_bare_number_are_one_review_together() -> None:
    m = only(_instalments_by_bare_number_alone("846.00", "350.00"))
    assert (m.status, m.rule, m.bank_refs) == (REVIEW, "partial", ("B1", "B2"))
    assert "the 2 payments quote only its number" in m.evidence.notes


def test_instalments_quoting_only_the_bare_number_that_complete_it_are_review() -> None:
    m = only(_instalments_by_bare_number_alone("2000.00", "252.47"))
    assert (m.status, m.rule, m.bank_refs) == (REVIEW, "instalments", ("B1", "B2"))
    assert m.difference.minor == 0
    assert m.explanation.endswith("; the 2 payments quote only its number.")


def test_a_part_payment_and_one_quoting_only_the_bare_number_are_one_review() -> None:
    payer = "De Vries Textil Berlin SARL"
    result = reconcile(
        [
            line("B1", "846.00", remittance="Teilzahlung 1 Rechnung 100604", name=payer),
            line("B2", "350.00", remittance="Teilzahlung 2 Ihre 100604 thx", name=payer),
        ],
        [record("100604", "1556.49", name=payer)],
    )
    m = only(result)
    assert (m.status, m.rule, m.bank_refs) == (REVIEW, "partial", ("B1", "B2"))
    assert "B2 quotes only its number" in m.evidence.notes


def test_part_payments_of_the_payer_are_not_grouped_with_another_payers_quote() -> None:
    """Found at 100k lines: a third line quoting the same number under another name was
    made part of the instalments, so the payer's own two were never offered together."""
    payer = "Gérard Optik Lyon GmbH"
    result = reconcile(
        [
            line("B1", "86.00", remittance="Teilzahlung 1 Ihre inv 2025/14588", name=payer),
            line("B2", "1086.00", remittance="Teilzahlung 2 Payment INV14588", name=payer),
            line("B3", "259.78", remittance="INV-2025-14588", name="Lindqvist Consulting AG"),
        ],
        [record("INV-2025-14588", "1479.24", name=payer)],
    )
    (m,) = [m for m in result.matches if m.ledger_ids == ("INV-2025-14588",)]
    assert (m.status, m.rule, m.bank_refs) == (REVIEW, "partial", ("B1", "B2"))


def test_a_part_payment_of_digits_two_series_share_goes_to_the_payers_record() -> None:
    """Found at 100k lines: the closer amount of another customer's record was preferred."""
    payer = "Bakker Software Lyon UG (haftungsbeschränkt)"
    result = reconcile(
        [line("B1", "897.00", remittance="Teilzahlung 2 Rechnung 180/2025", name=payer)],
        [
            record("RE-180/2025", "1500.00", name=payer),
            record("INV-2025-00180", "1000.00", name="Lindqvist Consulting Hannover GmbH"),
        ],
    )
    m = only(result)
    assert (m.status, m.rule, m.ledger_ids) == (REVIEW, "partial", ("RE-180/2025",))


def test_double_payment_earlier_transfer_pays_and_the_second_is_left_open() -> None:
    result = reconcile(
        [
            line("B1", "500.00", remittance="INV-2025-00001"),
            line("B2", "500.00", remittance="INV-2025-00001", day=DAY + timedelta(days=3)),
        ],
        [record("INV-2025-00001", "500.00")],
    )
    m = only(result)
    assert (m.status, m.bank_refs) == (MATCHED, ("B1",))
    (left,) = result.unmatched_lines
    assert left.line.bank_ref == "B2"
    assert "double payment" in left.reason


def test_double_payment_on_the_same_day_decides_nothing() -> None:
    result = reconcile(
        [
            line("B1", "500.00", remittance="INV-2025-00001"),
            line("B2", "500.00", remittance="INV-2025-00001", entry=1),
        ],
        [record("INV-2025-00001", "500.00")],
    )
    assert [m.status for m in result.matches] == [REVIEW]


def test_two_open_invoices_same_customer_and_amount_without_reference_is_review() -> None:
    result = reconcile(
        [line("B1", "500.00", name="MUELLER GMBH")],
        [
            record("INV-7", "500.00", name="Müller GmbH"),
            record("INV-9", "500.00", name="Müller GmbH"),
        ],
    )
    m = only(result)
    assert m.status == REVIEW
    assert "INV-9" in m.explanation
    assert {a.ledger_ids for a in m.evidence.alternatives} == {("INV-9",)}


def test_amount_and_strong_name_unique_both_ways_matches() -> None:
    result = reconcile(
        [line("B1", "731.20", name="MUELLER MASCHINENBAU")],
        [
            record("INV-7", "731.20", name="Müller Maschinenbau GmbH"),
            record("INV-8", "731.20", name="Schmidt Logistik AG"),
        ],
    )
    m = only(result)
    assert (m.status, m.ledger_ids, m.rule) == (MATCHED, ("INV-7",), "amount-name")


def test_a_look_alike_name_with_the_right_amount_is_only_review() -> None:
    """Found at 100k lines by bench/quality: 88% similar names are different companies."""
    result = reconcile(
        [line("B1", "6139.63", name="Krüger Solutions Nürnberg GmbH")],
        [record("103915", "6139.63", name="Bäcker Solutions Nürnberg GmbH")],
    )
    m = only(result)
    assert m.status == REVIEW
    assert m.explanation.endswith("(name 88% similar); the name is close, not the same.")


def test_the_same_name_with_another_legal_form_is_only_review() -> None:
    """Found at 1M lines (seed 7): a Ltd paid three invoices at once, and a GmbH & Co. KG of
    the same name had an open invoice of exactly that sum. Two companies."""
    result = reconcile(
        [line("B1", "825.96", name="Van der Berg Logistik Stuttgart Ltd")],
        [record("265949", "825.96", name="Van der Berg Logistik Stuttgart GmbH & Co. KG")],
    )
    m = only(result)
    assert (m.status, m.rule) == (REVIEW, "amount-name")
    assert m.explanation.endswith("the name agrees but states another legal form.")


def test_a_name_cut_short_into_what_looks_like_a_legal_form_still_matches() -> None:
    """Found at 1M lines (seed 7): the bank cut the town after two letters, AS."""
    result = reconcile(
        [line("B1", "1314.52", name="Bakker Verpackung As")],
        [record("RE-7/2025", "1314.52", name="Bakker Verpackung Aschaffenburg GmbH")],
    )
    assert only(result).status == MATCHED


def test_a_legal_form_spelt_out_or_left_off_by_the_bank_still_matches() -> None:
    for printed in ("MUELLER MASCHINENBAU AKTIENGESELLSCHAFT", "MUELLER MASCHINENBAU"):
        result = reconcile(
            [line("B1", "731.20", name=printed)],
            [record("INV-7", "731.20", name="Müller Maschinenbau AG")],
        )
        assert only(result).status == MATCHED, printed


def test_a_second_line_fitting_the_same_record_blocks_an_amount_and_name_match() -> None:
    """Found at 100k lines: the payment quoting the number had a garbled name, the second
    transfer did not quote it; neither may be posted without a person looking."""
    result = reconcile(
        [
            line("B1", "2111.16", remittance="Kd-Nr 5011889 111555"),
            line("B2", "2111.16", name="KOEHLER ENGINEERING NUERNBERG SARL", day=DAY),
        ],
        [record("111555", "2111.16", name="Köhler Engineering Nürnberg SARL")],
    )
    assert not [m for m in result.matches if m.status == MATCHED]


def test_digits_two_invoice_series_share_do_not_auto_match_a_converted_amount() -> None:
    """Found at 100k lines: `Rechnung 8571/2025` fits INV-2025-08571 and RE-8571/2025; the
    first converted from EUR came within the FX tolerance, the second was the real one."""
    result = reconcile(
        [line("B1", "2530.00", currency="USD", remittance="Teilzahlung 2 Rechnung 8571/2025")],
        [
            record("INV-2025-08571", "2190.00", day=DAY + timedelta(days=5)),
            record("RE-8571/2025", "3225.53", currency="USD", day=DAY - timedelta(days=50)),
        ],
        rates=[rate(DAY, "EUR", "USD", "1.15627")],
    )
    assert not [m for m in result.matches if m.status == MATCHED]


def _quoting_digits_two_series_share(
    paid: str,
    *,
    name: str | None,
    currency: str = "EUR",
    instructed: tuple[str, str] | None = None,
    rates: Sequence[Rate] = (),
    payee: str = "Bakker Optik Köln",
) -> Match:
    """`Rechnung 8571/2025` names INV-2025-08571 and RE-8571/2025; the RE one is due."""
    text = "Rechnung 8571/2025"
    result = reconcile(
        [line("B1", paid, currency=currency, remittance=text, name=name, instructed=instructed)],
        [
            record("INV-2025-08571", "2190.00", name="Köhler Handel KG"),
            record("RE-8571/2025", "1000.00", currency="USD", name=payee),
        ],
        rates=rates,
    )
    (m,) = [m for m in result.matches if m.bank_refs == ("B1",)]
    return m


def test_shared_digits_a_known_fee_short_and_the_payers_name_match() -> None:
    m = _quoting_digits_two_series_share("997.50", name="BAKKER OPTIK KOELN", currency="USD")
    assert (m.status, m.rule, m.ledger_ids) == (MATCHED, "reference-fee", ("RE-8571/2025",))


def test_shared_digits_and_a_known_fee_short_without_the_name_are_review() -> None:
    m = _quoting_digits_two_series_share("997.50", name=None, currency="USD")
    assert (m.status, m.rule) == (REVIEW, "reference-fee")
    assert m.explanation.endswith("; the number quoted also fits a record of another series.")


def test_shared_digits_the_banks_exact_conversion_and_the_payers_name_match() -> None:
    m = _quoting_digits_two_series_share(
        "921.66", name="BAKKER OPTIK KOELN", instructed=("1000.00", "USD")
    )
    assert (m.status, m.rule, m.ledger_ids) == (MATCHED, "reference-fx", ("RE-8571/2025",))


def test_shared_digits_and_the_banks_exact_conversion_without_the_name_are_review() -> None:
    m = _quoting_digits_two_series_share("921.66", name=None, instructed=("1000.00", "USD"))
    assert (m.status, m.rule) == (REVIEW, "reference-fx")


_USD_EUR = [rate(DAY, "USD", "EUR", "0.9200")]


def test_shared_digits_a_rates_file_conversion_and_the_payers_very_name_match() -> None:
    # 1,000.00 USD at the file's 0.92 is 920.00 EUR; the bank booked 925.10 (within 1.5%).
    m = _quoting_digits_two_series_share("925.10", name="BAKKER OPTIK KOELN", rates=_USD_EUR)
    assert (m.status, m.rule, m.ledger_ids) == (MATCHED, "reference-fx", ("RE-8571/2025",))
    assert m.evidence.fx_source == "rates-file"


def test_shared_digits_and_a_rates_file_conversion_with_a_close_name_are_review() -> None:
    m = _quoting_digits_two_series_share("925.10", name="BAKKER OPTIC KOELN", rates=_USD_EUR)
    assert (m.status, m.rule) == (REVIEW, "reference-fx")
    m = _quoting_digits_two_series_share("925.10", name=None, rates=_USD_EUR)
    assert (m.status, m.rule) == (REVIEW, "reference-fx")


def test_shared_digits_and_a_rates_file_conversion_under_another_legal_form_are_review() -> None:
    m = _quoting_digits_two_series_share(
        "925.10", name="BAKKER OPTIK KOELN LTD", rates=_USD_EUR, payee="Bakker Optik Köln GmbH"
    )
    assert (m.status, m.rule) == (REVIEW, "reference-fx")


def test_a_common_amount_with_a_matching_name_is_only_review() -> None:
    """Found at 1M lines: 150.00 paid without reference by a name several customers bear,
    or paid twice; with many open records at that amount a name is not enough."""
    others = [record(f"INV-{n}", "150.00", name=f"Customer {n} Handel GmbH") for n in range(1, 7)]
    result = reconcile(
        [line("B1", "150.00", name="FUCHS VERPACKUNG ESSEN AG")],
        [record("INV-9", "150.00", name="Fuchs Verpackung Essen AG"), *others],
    )
    assert not [m for m in result.matches if m.status == MATCHED]
    (m,) = [m for m in result.matches if m.rule == "amount-name"]
    assert "; 7 open records have this amount" in m.explanation


def test_the_first_digit_group_of_a_quoted_number_is_not_another_reference() -> None:
    """Found at 1M lines: `Rechnung 187807/2025` named RE-187807/2025 and also a record
    numbered 187807, whose amounts happened to add up to the payment."""
    result = reconcile(
        [line("B1", "550.00", remittance="Rechnung 187807/2025 thx", name="Smith Feinkost")],
        [
            record("187807", "50.00", name="Köhler Handel KG"),
            record("RE-187807/2025", "500.00", name="Smith Feinkost Leipzig GmbH"),
        ],
    )
    assert not [m for m in result.matches if "187807" in m.ledger_ids]


def test_digits_two_series_share_need_the_name_as_well_as_the_amount() -> None:
    """Found at 1M lines: `Rechnung 145824/2025`, an instalment of RE-145824/2025, had the
    amount of INV-2025-145824 of another customer."""
    result = reconcile(
        [line("B1", "119.00", remittance="Teilzahlung 1 Rechnung 145824/2025", name="BRANDT")],
        [
            record("INV-2025-145824", "119.00", name="O'Brien Logistik Hannover GmbH"),
            record("RE-145824/2025", "1829.58", name="Brandt Logistik München SARL"),
        ],
    )
    assert not [m for m in result.matches if m.status == MATCHED]


def test_amount_alone_is_never_an_automatic_match() -> None:
    result = reconcile([line("B1", "731.20")], [record("INV-7", "731.20")])
    m = only(result)
    assert m.status == REVIEW


def test_trace_number_equal_to_another_invoices_digits_is_not_a_match() -> None:
    result = reconcile(
        [line("B1", "64.00", remittance="ACH CREDIT TRACE# 4711 0815", name="Acme Corp")],
        [record("4711", "990.00", name="Acme Corp"), record("7000", "12.00")],
    )
    assert not [m for m in result.matches if m.status == MATCHED]


def test_bare_number_with_amount_but_no_name_is_review() -> None:
    result = reconcile(
        [line("B1", "64.00", remittance="20250311 471100")], [record("471100", "64.00")]
    )
    assert only(result).status == REVIEW


def test_reference_cut_at_the_bank_limit_is_not_proof() -> None:
    text = ("X" * 126) + " INV-2025-0012"  # the payer wrote INV-2025-00123
    assert len(text) >= DEFAULT_RULES.truncation_length
    result = reconcile([line("B1", "64.00", remittance=text)], [record("INV-2025-0012", "64.00")])
    assert not [m for m in result.matches if m.status == MATCHED]


def test_reference_before_the_cut_still_counts() -> None:
    text = "INV-2025-00123 " + ("Y" * 130)
    result = reconcile([line("B1", "64.00", remittance=text)], [record("INV-2025-00123", "64.00")])
    assert only(result).status == MATCHED


def test_known_fee_deduction_with_reference_matches_with_the_difference() -> None:
    result = reconcile(
        [line("B1", "997.50", remittance="INV-2025-00500")], [record("INV-2025-00500", "1000.00")]
    )
    m = only(result)
    assert (m.status, m.rule, m.difference.minor) == (MATCHED, "reference-fee", -250)


def test_a_part_payment_short_by_a_fee_amount_is_a_part_payment() -> None:
    """Found at 1M lines (seed 7): the first of three instalments happened to leave 25.00
    EUR open, a known fee amount. The payer says it is a part payment: the rest is owed."""
    invoice = [record("RE-170041/2025", "1119.00", name="Brandt Holzbau München e.K.")]
    text = "Teilzahlung 1 Ref. RE-170041/2025 thx"
    result = reconcile([line("B1", "1094.00", remittance=text)], invoice)
    m = only(result)
    assert (m.status, m.rule, m.difference.minor) == (REVIEW, "partial", -2500)
    plain = reconcile([line("B1", "1094.00", remittance="Ref. RE-170041/2025 thx")], invoice)
    assert (only(plain).status, only(plain).rule) == (MATCHED, "reference-fee")


def test_an_organisations_own_part_payment_word_counts() -> None:
    rules = rules_from_mapping({"part_payment_words": ["Akonto"]})
    invoice = [record("RE-5/2025", "1000.00")]
    paid = [line("B1", "997.50", remittance="akonto RE-5/2025")]
    assert only(reconcile(paid, invoice, rules=rules)).rule == "partial"
    assert only(reconcile(paid, invoice)).rule == "reference-fee"


def test_fee_deduction_without_reference_is_only_review() -> None:
    result = reconcile(
        [line("B1", "997.50", name="ACME GMBH")], [record("INV-5", "1000.00", name="Acme GmbH")]
    )
    assert only(result).status == REVIEW


def test_cross_currency_with_the_banks_instructed_amount() -> None:
    result = reconcile(
        [line("B1", "921.66", remittance="INV-US-1001", instructed=("1000.00", "USD"))],
        [record("INV-US-1001", "1000.00", currency="USD")],
    )
    m = only(result)
    assert (m.status, m.rule, m.evidence.fx_source) == (MATCHED, "reference-fx", "bank")
    assert m.difference.minor == 0


def test_cross_currency_with_the_rates_file_within_tolerance() -> None:
    rates = [rate(DAY - timedelta(days=2), "USD", "EUR", "0.92")]
    result = reconcile(
        [line("B1", "915.00", remittance="INV-US-1001")],
        [record("INV-US-1001", "1000.00", currency="USD")],
        rates=rates,
    )
    m = only(result)
    assert (m.status, m.evidence.fx_source) == (MATCHED, "rates-file")
    assert m.difference.minor == 915_00 - 920_00


def test_cross_currency_outside_tolerance_is_review() -> None:
    rates = [rate(DAY, "EUR", "USD", "1.10")]  # the inverse pair is used
    result = reconcile(
        [line("B1", "850.00", remittance="INV-US-1001")],
        [record("INV-US-1001", "1000.00", currency="USD")],
        rates=rates,
    )
    assert only(result).status == REVIEW


def test_stale_rate_is_not_used() -> None:
    rates = [rate(DAY - timedelta(days=30), "USD", "EUR", "0.92")]
    result = reconcile(
        [line("B1", "920.00", remittance="INV-US-1001")],
        [record("INV-US-1001", "1000.00", currency="USD")],
        rates=rates,
    )
    assert only(result).status == REVIEW


def test_payout_id_quoted_by_the_bank_matches_the_payout_record() -> None:
    result = reconcile(
        [line("B1", "4812.33", remittance="STRIPE PAYOUT po_1OaBcD2eFgH3 TRANSFER")],
        [record("po_1OaBcD2eFgH3", "4812.33", kind=RecordType.PAYOUT)],
    )
    assert only(result).status == MATCHED


def test_refund_debit_matches_the_refund_record() -> None:
    result = reconcile(
        [line("B1", "-45.00", remittance="Refund RF-2025-0042", name="Jane Doe")],
        [
            record("RF-2025-0042", "-45.00", kind=RecordType.REFUND),
            record("INV-1", "45.00"),
        ],
    )
    m = only(result)
    assert (m.status, m.ledger_ids) == (MATCHED, ("RF-2025-0042",))


def test_returned_payment_pairs_with_the_credit_it_returns() -> None:
    result = reconcile(
        [
            line("B1", "500.00", remittance="INV-2025-00001", e2e="E2E-77"),
            line("B2", "-500.00", e2e="E2E-77", reversal=True, day=DAY + timedelta(days=4)),
        ],
        [record("INV-2025-00001", "500.00")],
    )
    m = only(result)
    assert (m.status, m.rule, m.bank_refs, m.ledger_ids) == (MATCHED, "reversal", ("B1", "B2"), ())
    (left,) = result.unmatched_records
    assert left.record.id == "INV-2025-00001"


def test_returned_payment_without_an_identifier_is_proposed_against_the_payers_credit() -> None:
    later = DAY + timedelta(days=4)
    result = reconcile(
        [
            line("B1", "500.00", name="Jane Doe"),
            line("B2", "500.00", name="Acme Trading GmbH"),
            line("B3", "500.00", name="Jane Doe", account="DE02120300000000202051"),
            line("B4", "-500.00", name="Jane Doe", reversal=True, day=later),
        ],
        [],
    )
    m = only(result)
    assert (m.status, m.rule, m.bank_refs) == (REVIEW, "reversal", ("B1", "B4"))


def test_debit_cancelling_an_earlier_credit_with_the_same_reference_is_flagged() -> None:
    result = reconcile(
        [
            line("B1", "500.00", remittance="INV-2025-00001"),
            line(
                "B2",
                "-500.00",
                remittance="RUECKLASTSCHRIFT INV-2025-00001",
                day=DAY + timedelta(days=4),
            ),
        ],
        [record("INV-2025-00001", "500.00")],
    )
    m = only(result)
    assert (m.bank_refs, m.ledger_ids) == (("B1",), ("INV-2025-00001",))
    (left,) = result.unmatched_lines
    assert left.line.bank_ref == "B2"
    assert "return of bank line B1" in left.reason


def test_over_payment_with_reference_matches_and_shows_the_excess() -> None:
    result = reconcile(
        [line("B1", "600.00", remittance="INV-2025-00001")], [record("INV-2025-00001", "500.00")]
    )
    m = only(result)
    assert (m.status, m.rule, m.difference.minor) == (MATCHED, "overpayment", 10000)
    assert "over-pays" in m.explanation


def test_over_payment_whose_excess_fits_another_open_record_is_review() -> None:
    result = reconcile(
        [line("B1", "600.00", remittance="INV-2025-00001")],
        [record("INV-2025-00001", "500.00"), record("INV-2025-00002", "100.00")],
    )
    assert [m.status for m in result.matches] == [REVIEW]


def test_listed_payment_of_one_large_and_two_small_invoices_is_no_over_payment() -> None:
    """The large invoice alone, over-paid by the small ones' sum, is not as plausible."""
    result = reconcile(
        [line("B1", "1350.00", remittance="INV-1001, INV-1002, INV-1003")],
        [record("INV-1001", "1000.00"), record("INV-1002", "200.00"), record("INV-1003", "150.00")],
    )
    m = only(result)
    assert (m.status, m.rule) == (MATCHED, "collective")
    assert m.ledger_ids == ("INV-1001", "INV-1002", "INV-1003")


def test_more_than_one_of_two_quoted_invoices_is_review() -> None:
    result = reconcile(
        [line("B1", "1100.00", remittance="INV-1001 INV-1002")],
        [record("INV-1001", "1000.00"), record("INV-1002", "5000.00")],
    )
    assert [m.status for m in result.matches] == [REVIEW]


def test_over_payment_quoting_a_bare_number_in_the_payers_name_is_review() -> None:
    # The record's whole reference is digits: quoted, it is evidence, not proof.
    payer = "Zimmermann Trading Leipzig e.K."
    result = reconcile(
        [line("B1", "431.38", remittance="101443 KD 5001159", name="ZIMMERMANN TRADING LEIPZIG")],
        [record("101443", "392.17", name=payer), record("101444", "120.00", name=payer)],
    )
    m = only(result)
    assert (m.status, m.rule, m.ledger_ids) == (REVIEW, "overpayment", ("101443",))
    assert m.explanation.startswith("Review: the number of 101443 is quoted; 431.38 EUR over-pays")


def test_over_payment_quoting_a_bare_number_under_another_name_proposes_nothing() -> None:
    result = reconcile(
        [line("B1", "431.38", remittance="Ref. 101443", name="SCHMIDT LOGISTIK AG")],
        [record("101443", "392.17", name="Zimmermann Trading Leipzig e.K.")],
    )
    assert result.matches == ()


def test_digits_of_a_longer_reference_make_no_over_payment_beside_quoted_references() -> None:
    """Found at 1M lines: a cut list quoting INV-2025-00955 was proposed as an over-payment
    of DD-2025-00000955, whose digits it holds, instead of the records it quotes."""
    payer = "García Transporte München Ltd"
    quoted = [record(f"INV-2025-0095{k}", "500.00", name=payer) for k in (3, 4, 5)]
    result = reconcile(
        [
            line(
                "B1",
                "2100.00",
                remittance="INV-2025-00953, INV-2025-00954, INV-2025-00955, IN",
                name=payer,
            )
        ],
        [*quoted, record("RE-4820/2025", "1702.93", name=payer, reference="DD-2025-00000955")],
    )
    (m,) = [m for m in result.matches if m.bank_refs == ("B1",)]
    assert m.ledger_ids == ("INV-2025-00953", "INV-2025-00954", "INV-2025-00955")


def test_a_bare_number_beside_a_quoted_reference_pays_no_record_of_that_number() -> None:
    """Found at 1M lines: an order number (`Auftrag 170937`) was another open record's whole
    reference; the second payment of the invoice it quotes was proposed as over-paying it,
    another as paying part of 127508."""
    payer = "Nørgaard Bau Dresden SARL"
    later = DAY + timedelta(days=5)
    result = reconcile(
        [
            line("B0", "150.00", remittance="INV-2025-192800", name=payer),
            line("B1", "150.00", remittance="Auftrag 170937 Ihre INV192800", name=payer, day=later),
            line("B2", "150.00", remittance="Auftrag 127508 Ihre INV192800", name=payer, day=later),
        ],
        [
            record("INV-2025-192800", "150.00", name=payer),
            record("170937", "119.00", name=payer),
            record("127508", "1072.04", name=payer),
        ],
    )
    assert {u.record.id for u in result.unmatched_records} == {"170937", "127508"}


def _over_payment(text: str, name: str | None, *more: LedgerRecord) -> Match:
    """600.00 paid for RE-6865/2025 (500.00 EUR, Hoffmann Immobilien Hamburg)."""
    payer = "Hoffmann Immobilien Hamburg"
    result = reconcile(
        [line("B1", "600.00", remittance=text, name=name)],
        [record("RE-6865/2025", "500.00", name=payer), *more],
    )
    (m,) = [m for m in result.matches if m.bank_refs == ("B1",)]
    return m


def test_over_payment_quoting_the_number_after_an_invoice_word_in_the_payers_name() -> None:
    m = _over_payment("Rechnung 6865/2025", "HOFFMANN IMMOBILIEN HAMBURG")
    assert (m.status, m.rule, m.difference.minor) == (MATCHED, "overpayment", 10000)


def test_over_payment_quoting_the_number_after_an_invoice_word_without_a_name_is_review() -> None:
    assert _over_payment("Rechnung 6865/2025", None).status == REVIEW


def test_over_payment_whose_excess_fits_another_customers_record_matches() -> None:
    other = record("INV-2025-00002", "100.00", name="Schmidt Logistik AG")
    m = _over_payment("RE-6865/2025", "HOFFMANN IMMOBILIEN HAMBURG", other)
    assert (m.status, m.rule) == (MATCHED, "overpayment")


def test_over_payment_whose_excess_fits_an_unnamed_record_is_review() -> None:
    # Nobody can tell whose an unnamed record is: it may be the payer's.
    m = _over_payment("RE-6865/2025", "HOFFMANN IMMOBILIEN HAMBURG", record("X-1", "100.00"))
    assert m.status == REVIEW


def test_unlisted_collective_payment_of_one_customer_is_review() -> None:
    result = reconcile(
        [line("B1", "330.00", name="BETA HANDEL GMBH")],
        [
            record("INV-1", "100.00", name="Beta Handel GmbH"),
            record("INV-2", "230.00", name="Beta Handel GmbH"),
            record("INV-3", "75.00", name="Beta Handel GmbH"),
        ],
    )
    m = only(result)
    assert (m.status, m.rule, m.ledger_ids) == (REVIEW, "subset", ("INV-1", "INV-2"))


def _unlisted_pair(printed: str, payer: str, others: list[LedgerRecord]) -> Match:
    """The review of a 330.00 payment in the name `printed`, without a reference, of the
    payer's INV-1 (100.00) and INV-2 (230.00), among `others`."""
    result = reconcile(
        [line("B1", "330.00", name=printed)],
        [*others, record("INV-1", "100.00", name=payer), record("INV-2", "230.00", name=payer)],
    )
    m = only(result)
    assert (m.status, m.rule, m.ledger_ids) == (REVIEW, "subset", ("INV-1", "INV-2"))
    return m


def test_unlisted_collective_payment_by_a_name_of_common_words_is_review() -> None:
    # Each word of the printed name is on more names than `max_candidates`; the two rarest
    # together are on one, the payer's.
    towns = [f"Ort{chr(65 + k // 26)}{chr(65 + k % 26)}" for k in range(52)]
    others = [
        *(record(f"M-{t}", "999.00", name=f"Mueller Handel {t}") for t in towns),
        *(record(f"B-{t}", "999.00", name=f"Bau Technik {t}") for t in towns),
    ]
    _unlisted_pair("MUELLER BAU PARI", "Mueller Bau Paris GmbH", others)


def test_unlisted_collective_payment_among_many_namesakes_is_found_in_the_payers_own() -> None:
    # More records of names as strong as the payer's than a subset search takes: the
    # records of the most similar name are searched.
    namesakes = [
        record(f"N-{k}", "999.00", name=f"Beta Handelshaus Ort{chr(65 + k)}") for k in range(26)
    ]
    _unlisted_pair("BETA HANDELSHAUS GMBH", "Beta Handelshaus GmbH", namesakes)


def test_unlisted_collective_payment_by_a_name_of_three_common_words_is_review() -> None:
    # Each word is on more names than `max_candidates`, and so many names have the two
    # rarest that they single out nobody; the three together name the payer.
    towns = [f"Ort{chr(65 + k // 26)}{chr(65 + k % 26)}" for k in range(104)]
    others = [
        *(record(f"D-{t}", "999.00", name=f"Dubois Handel {t}") for t in towns[:52]),
        *(record(f"H-{t}", "999.00", name=f"Meyer Holzbau {t}") for t in towns[:52]),
        *(record(f"B-{t}", "999.00", name=f"{t} Handel Bremen") for t in towns),
        *(record(f"DH-{t}", "999.00", name=f"Dubois Holzbau {t}") for t in towns[:15]),
    ]
    _unlisted_pair("DUBOIS HOLZBAU BREMEN KOMMANDITGESE", "Dubois Holzbau Bremen KG", others)


def test_unlisted_collective_payment_by_a_misspelt_name_of_common_words_is_review() -> None:
    # The bank misspells the one uncommon word (IMMOBILINE); the others are on many names,
    # and so many have both that they single out nobody.
    towns = [f"Ort{chr(65 + k // 26)}{chr(65 + k % 26)}" for k in range(52)]
    others = [
        *(record(f"W-{t}", "999.00", name=f"Weiss Handel {t}") for t in towns),
        *(record(f"M-{t}", "999.00", name=f"{t} Bau Mainz") for t in towns),
        *(record(f"WM-{t}", "999.00", name=f"Weiss {t} Mainz") for t in towns[:15]),
    ]
    _unlisted_pair("WEISS IMMOBILINE MAINZ", "Weiss Immobilien Mainz GmbH", others)


def test_unlisted_collective_payment_among_many_open_records_of_the_payer_is_review() -> None:
    # More open records of the payer than a full subset search takes: two or three of them
    # that pay the amount exactly.
    many = [record(f"INV-{100 + k}", f"{1000 + k}.00", name="Beta Handel GmbH") for k in range(30)]
    _unlisted_pair("BETA HANDEL GMBH", "Beta Handel GmbH", many)


def test_names_as_banks_print_them_match() -> None:
    result = reconcile(
        [line("B1", "210.00", name="STRASSENBAU KOENIGSBERGER GES.M.B.H.")],
        [record("INV-1", "210.00", name="Straßenbau Königsberger GmbH")],
    )
    assert only(result).status == MATCHED


def test_name_sharing_one_word_and_legal_form_is_not_strong() -> None:
    result = reconcile(
        [line("B1", "210.00", name="ACME TRADING GMBH")],
        [record("INV-1", "210.00", name="Acme Consulting GmbH")],
    )
    assert only(result).status == REVIEW


def test_bank_fee_and_unpaid_invoice_stay_unmatched_with_reasons() -> None:
    result = reconcile(
        [line("B1", "-12.50", remittance="KONTOFUEHRUNG")], [record("INV-1", "800.00")]
    )
    assert not result.matches
    assert result.unmatched_lines[0].reason == "no open record with this reference or amount"
    assert result.unmatched_records[0].reason == "no bank line found"


def test_pending_line_is_never_matched_automatically() -> None:
    result = reconcile(
        [line("B1", "80.00", remittance="INV-2025-00123", pending=True)],
        [record("INV-2025-00123", "80.00")],
    )
    assert only(result).status == REVIEW


def test_record_for_another_account_is_not_a_candidate() -> None:
    result = reconcile(
        [line("B1", "80.00", remittance="INV-2025-00123")],
        [record("INV-2025-00123", "80.00", account="GB29NWBK60161331926819")],
    )
    assert not result.matches


def test_conflicting_identifiers_for_one_record_are_review() -> None:
    result = reconcile(
        [
            line("B1", "80.00", e2e="INV-2025-00123"),
            line("B2", "80.00", remittance="Rechnung 123/2025"),
        ],
        [record("INV-2025-00123", "80.00")],
    )
    assert not [m for m in result.matches if m.status == MATCHED]


def test_match_id_is_stable_and_hash_shaped() -> None:
    lines = [line("B1", "80.00", remittance="INV-2025-00123")]
    records = [record("INV-2025-00123", "80.00")]
    first = only(reconcile(lines, records)).match_id
    assert first == only(reconcile(lines, records)).match_id
    assert first.startswith("m_")
    assert len(first) == 18


def test_look_alike_counterparty_with_the_same_amount_blocks_automatic_matching() -> None:
    result = reconcile(
        [line("B1", "500.00", name="MUELLER GMBH")],
        [
            record("INV-7", "500.00", name="Müller GmbH"),
            record("INV-8", "500.00", name="Mueller Bau GmbH"),
        ],
    )
    assert only(result).status == REVIEW


def test_unpaid_direct_debit_with_the_same_end_to_end_id_pairs_with_its_credit() -> None:
    result = reconcile(
        [
            line("B1", "49.90", e2e="DD-2025-00000009", remittance="Lastschrift RE-54/2025"),
            line(
                "B2",
                "-49.90",
                e2e="DD-2025-00000009",
                remittance="RUECKLASTSCHRIFT AC04 Lastschrift RE-54/2025",
                day=DAY + timedelta(days=3),
            ),
        ],
        [record("RE-54/2025", "49.90", reference="DD-2025-00000009")],
    )
    m = only(result)
    assert (m.status, m.rule, m.ledger_ids) == (MATCHED, "reversal", ())
    assert [u.record.id for u in result.unmatched_records] == ["RE-54/2025"]


_CUT_PAYER = "Mueller Distribution GmbH"


def _cut_list(printed: str, *more: LedgerRecord) -> EngineResult:
    """A line of 350.00 in the name `printed` whose text quotes INV-2025-00018 (100.00) and
    INV-2025-00019 (200.00) and is cut mid-word, against those two and `more` records."""
    text = "Sammelzahlung Rechnung INV-2025-00018, Rechnung INV-2025-00019, Rechnun"
    return reconcile(
        [line("B1", "350.00", remittance=text, name=printed)],
        [
            record("INV-2025-00018", "100.00", name=_CUT_PAYER),
            record("INV-2025-00019", "200.00", name=_CUT_PAYER),
            *more,
        ],
    )


def test_list_cut_mid_word_is_completed_by_the_exact_remainder() -> None:
    result = _cut_list(
        "MUELLER DISTRIBUTION GMBH",
        record("INV-2025-00020", "50.00", name=_CUT_PAYER),
        record("INV-2025-00021", "70.00", name=_CUT_PAYER),
    )
    m = only(result)
    assert (m.status, m.rule) == (MATCHED, "collective")
    assert m.ledger_ids == ("INV-2025-00018", "INV-2025-00019", "INV-2025-00020")


def test_a_cut_list_is_completed_from_the_payer_of_the_quoted_records() -> None:
    # The bank's name for the payer resembles nobody's; the quoted invoices say who pays.
    result = _cut_list(
        "M.D. VERTRIEB",
        record("INV-2025-00020", "50.00", name=_CUT_PAYER),
        record("INV-2025-00021", "70.00", name=_CUT_PAYER),
        record("INV-2025-00022", "50.00", name="Somebody Else AG"),
    )
    m = only(result)
    assert (m.status, m.rule) == (MATCHED, "collective")
    assert m.ledger_ids == ("INV-2025-00018", "INV-2025-00019", "INV-2025-00020")


def test_a_cut_list_is_not_completed_by_a_record_outside_the_amount_window() -> None:
    too_old = DAY - timedelta(days=DEFAULT_RULES.amount_days_after + 1)
    result = _cut_list(
        "MUELLER DISTRIBUTION GMBH",
        record("INV-2025-00020", "50.00", name=_CUT_PAYER, day=too_old),
    )
    m = only(result)
    assert (m.status, m.rule) == (REVIEW, "partial")
    assert m.ledger_ids == ("INV-2025-00018", "INV-2025-00019")


def test_a_cut_list_completed_among_many_open_records_of_the_payer_is_review() -> None:
    many = [record(f"INV-2025-{100 + k:05}", f"{1000 + k}.00", name=_CUT_PAYER) for k in range(30)]
    result = _cut_list(
        "MUELLER DISTRIBUTION GMBH", record("INV-2025-00050", "50.00", name=_CUT_PAYER), *many
    )
    m = only(result)
    assert (m.status, m.rule) == (REVIEW, "collective")
    assert m.ledger_ids == ("INV-2025-00018", "INV-2025-00019", "INV-2025-00050")
    assert "found among 31 open records of this counterparty" in m.evidence.notes


def test_bare_invoice_numbers_with_exact_total_and_name_make_a_collective() -> None:
    result = reconcile(
        [line("B1", "300.00", remittance="100008 100009", name="BAECKER ELEKTRO")],
        [
            record("100008", "120.00", name="Bäcker Elektro GmbH"),
            record("100009", "180.00", name="Bäcker Elektro GmbH"),
        ],
    )
    assert (only(result).status, only(result).rule) == (MATCHED, "collective")


def test_bare_invoice_numbers_without_the_name_are_not_automatic() -> None:
    result = reconcile(
        [line("B1", "300.00", remittance="100008 100009")],
        [record("100008", "120.00"), record("100009", "180.00")],
    )
    assert not [m for m in result.matches if m.status == MATCHED]


def test_own_prefix_wins_over_another_series_with_the_same_digits() -> None:
    result = reconcile(
        [line("B1", "362.31", remittance="Kd-Nr 5000034 Inv.-Nr. 2025-00165 Rate 2/2")],
        [record("INV-2025-00165", "362.31"), record("RE-165/2025", "362.31")],
    )
    assert only(result).ledger_ids == ("INV-2025-00165",)
    assert only(result).status == MATCHED
