"""The default mix of cases and how one is drawn."""

from __future__ import annotations

import random

from bench.scenarios import cases, payables, traps
from bench.scenarios.cases import Case

# The default mix: relative frequency of each case (in cases, not lines).
DEFAULT_MIX: dict[str, tuple[Case, int]] = {
    "ref_text": (cases.ref_text, 22),
    "ref_truncated": (cases.ref_truncated, 3),
    "name_amount": (cases.name_amount, 6),
    "scor_rf": (cases.scor_rf, 8),
    "direct_debit": (cases.direct_debit, 4),
    "supplier_e2e": (payables.supplier_e2e, 5),
    "payout": (cases.payout, 4),
    "collective_listed": (cases.collective_listed, 4),
    "collective_truncated": (cases.collective_truncated, 1),
    "collective_unlisted": (cases.collective_unlisted, 2),
    "instalments_full": (cases.instalments_full, 3),
    "instalment_partial": (cases.instalment_partial, 1),
    "supplier_batch_camt": (payables.supplier_batch_camt, 2),
    "supplier_batch_mt940": (payables.supplier_batch_mt940, 2),
    "refund": (payables.refund, 3),
    "returned_payment": (cases.returned_payment, 1),
    "fee_short": (cases.fee_short, 2),
    "overpayment": (cases.overpayment, 1),
    "double_payment": (cases.double_payment, 1),
    "fx_bank_rate": (cases.fx_bank_rate, 2),
    "fx_rates_file": (cases.fx_rates_file, 2),
    "trap_twins": (traps.trap_twins, 1),
    "trap_other_customer": (traps.trap_other_customer, 1),
    "trap_digits": (traps.trap_digits, 1),
    "trap_refund_same_amount": (traps.trap_refund_same_amount, 1),
    "noise": (traps.noise, 8),
    "unpaid": (traps.unpaid, 6),
}


def pick(rng: random.Random, mix: dict[str, tuple[Case, int]]) -> Case:
    """Draw one case from the mix."""
    names = list(mix)
    return mix[rng.choices(names, [mix[n][1] for n in names])[0]][0]
