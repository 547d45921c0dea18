"""Traps for amount-and-date matchers, and lines and records that belong with nothing."""

from __future__ import annotations

from bench.scenarios.cases import (
    M,
    R,
    U,
    add_group,
    new_credit,
    new_invoice,
    number_of,
    receivable,
    typed,
)
from bench.scenarios.model import Line
from bench.scenarios.payables import credit_note, new_bill_payment, refund_debit
from bench.scenarios.refs import YEAR
from bench.scenarios.world import Ctx


# -- traps ---------------------------------------------------------------------------------
def trap_twins(ctx: Ctx) -> None:
    """Two open invoices, same customer and amount, and a payment without reference."""
    acct = ctx.account()
    party = ctx.fresh_party(acct.key)
    amount = ctx.rng.choice((10000, 50000, 119000, 59500, 25000))
    twin_a = new_invoice(ctx, party, acct, amount)
    twin_b = new_invoice(ctx, party, acct, amount)
    line = new_credit(
        ctx,
        acct,
        party,
        amount,
        ctx.pay_date(max(twin_a.date, twin_b.date)),
        text=ctx.rng.choice(("Zahlung", None, "Payment")),
    )
    add_group(ctx, "trap_twins", [line], [twin_a], R)
    add_group(ctx, "trap_twins_other", [], [twin_b], U)


def trap_other_customer(ctx: Ctx) -> None:
    """A payment of the same amount as someone else's open invoice, without reference."""
    acct = ctx.account()
    owner, payer = ctx.fresh_party(acct.key), ctx.fresh_party(acct.key)
    rec = new_invoice(ctx, owner, acct, ctx.amount(owner, acct.currency))
    line = new_credit(
        ctx,
        acct,
        payer,
        rec.amount,
        ctx.pay_date(rec.date, 2, 15),
        text=ctx.rng.choice(("Anzahlung", "Vorauszahlung Auftrag", None)),
    )
    add_group(ctx, "trap_other_customer", [line], [], U)
    add_group(ctx, "trap_other_customer_invoice", [], [rec], U)


def trap_digits(ctx: Ctx) -> None:
    """The text quotes invoice A and a trace number equal to another invoice's bare number."""
    acct, party = receivable(ctx)
    decoy = new_invoice(
        ctx, party, acct, ctx.amount(party, acct.currency), no=ctx.invoice_no("bare")
    )
    rec = new_invoice(ctx, party, acct, ctx.amount(party, acct.currency), no=ctx.invoice_no("inv"))
    text = f"{typed(ctx, number_of(rec), party)} TRN {decoy.id}"
    if ctx.rng.random() < 0.5:
        text = f"Auftrag {decoy.id} {typed(ctx, number_of(rec), party)}"
    line = new_credit(ctx, acct, party, rec.amount, ctx.pay_date(rec.date), text=text)
    add_group(ctx, "trap_digits", [line], [rec], M)
    add_group(ctx, "trap_digits_decoy", [], [decoy], U)


def trap_refund_same_amount(ctx: Ctx) -> None:
    """A customer's invoice and a refund to the same customer of the same amount, no refs."""
    acct, party = receivable(ctx)
    amount = ctx.amount(party, acct.currency)
    inv = new_invoice(ctx, party, acct, amount)
    n = ctx.counters.next("refund")
    ref = credit_note(ctx, n, acct, party, amount, "")
    paid = new_credit(ctx, acct, party, amount, ctx.pay_date(inv.date), text="Zahlung")
    out = refund_debit(ctx, acct, party, -amount, ref.date, "Gutschrift")
    add_group(ctx, "trap_refund_same_amount", [paid], [inv], M)
    add_group(ctx, "trap_refund_same_amount", [out], [ref], M)


# -- nothing to match ----------------------------------------------------------------------
_NOISE: tuple[tuple[str, str, str, int, int], ...] = (
    ("CHRG", "Kontofuehrungsentgelt", "", -3500, -490),
    ("CHRG", "Entgelt Auslandsueberweisung", "", -2500, -150),
    ("INTR", "Habenzinsen", "", 100, 9000),
    ("CCRD", "KARTENZAHLUNG REWE MARKT {n}", "REWE", -25000, -500),
    ("CCRD", "KARTENZAHLUNG SHELL {n} TANKSTELLE", "SHELL DEUTSCHLAND", -15000, -2000),
    ("CCRD", "AMAZON MKTPLACE {n}", "AMAZON EU SARL", -50000, -999),
    (
        "TAXS",
        "Finanzamt Koeln-Mitte USt-VA 03/2025 StNr 215/5812/{n}",
        "FINANZAMT KOELN",
        -900000,
        -10000,
    ),
)


def noise(ctx: Ctx) -> None:
    """Bank fees, interest, card spend, taxes: nothing in the ledger."""
    acct = ctx.account()
    family, text, name, lo, hi = ctx.rng.choice(_NOISE)
    amount = (
        ctx.rng.choice((-10000, -5000, -11900))
        if ctx.rng.random() < 0.2 and hi < 0
        else ctx.rng.randint(lo, hi)
    )
    day = ctx.pay_date(ctx.invoice_date())
    line = ctx.add_line(
        Line(
            ctx.bank_ref(acct),
            acct,
            amount,
            day,
            day,
            family,
            name=name or acct.bank_name,
            text=text.format(n=ctx.rng.randint(1000, 99999)),
        )
    )
    add_group(ctx, "noise", [line], [], U)


def unpaid(ctx: Ctx) -> None:
    """An invoice nobody has paid yet, or a bill we have not paid."""
    acct, party = receivable(ctx)
    if ctx.rng.random() < 0.7:
        rec = new_invoice(ctx, party, acct, ctx.amount(party, acct.currency))
    else:
        rec = new_bill_payment(
            ctx, acct, party, f"E2E-{YEAR}-{ctx.counters.next('e2e'):08d}", ctx.invoice_date()
        )
    add_group(ctx, "unpaid", [], [rec], U)
