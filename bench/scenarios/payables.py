"""Case builders for payables: our supplier payments (single and batched) and refunds."""

from __future__ import annotations

from datetime import date

from bench.scenarios.cases import M, add_group, receivable
from bench.scenarios.model import AccountSpec, Line, Record
from bench.scenarios.names import Party, bank_printed
from bench.scenarios.refs import YEAR
from bench.scenarios.world import Ctx


# -- payables ------------------------------------------------------------------------------
def new_bill_payment(
    ctx: Ctx, acct: AccountSpec, party: Party, reference: str, day: date
) -> Record:
    n = ctx.counters.next("bp")
    amount = ctx.amount(party, acct.currency)
    return ctx.add_record(
        Record(
            f"BP-{YEAR}-{n:06d}",
            day,
            -amount,
            acct.currency,
            acct.iban,
            party.name,
            reference,
            "bill_payment",
            f"Payment of supplier invoice {party.number}-{n}",
        )
    )


def supplier_e2e(ctx: Ctx) -> None:
    """Our own supplier payment: the end-to-end id we sent comes back on the statement."""
    acct, party = receivable(ctx)
    e2e = f"E2E-{YEAR}-{ctx.counters.next('e2e'):08d}"
    rec = new_bill_payment(ctx, acct, party, e2e, ctx.invoice_date())
    line = ctx.add_line(
        Line(
            ctx.bank_ref(acct),
            acct,
            rec.amount,
            ctx.pay_date(rec.date, 0, 3),
            ctx.pay_date(rec.date, 0, 3),
            "ICDT",
            name=bank_printed(party.name, ctx.rng),
            cp_iban=party.iban,
            e2e=e2e,
            text=f"Lieferantenrechnung LR-{party.number}-{rec.id[-6:]}",
        )
    )
    line.value = line.booking
    add_group(ctx, "e2e_exact", [line], [rec], M)


def supplier_batch_camt(ctx: Ctx) -> None:
    """One debit entry split into TxDtls: each transaction against its bill payment."""
    acct = ctx.accounts[ctx.rng.choice(("DEM", "FRB", "NLI"))]
    batch = f"PMT-{YEAR}-{ctx.counters.next('batch'):06d}"
    day = ctx.invoice_date()
    booking = ctx.pay_date(day, 1, 2)
    for _ in range(ctx.rng.randint(2, 6)):
        party = ctx.party(acct.key)
        e2e = f"E2E-{YEAR}-{ctx.counters.next('e2e'):08d}"
        rec = new_bill_payment(ctx, acct, party, e2e, day)
        line = ctx.add_line(
            Line(
                ctx.bank_ref(acct),
                acct,
                rec.amount,
                booking,
                booking,
                "ICDT",
                name=bank_printed(party.name, ctx.rng),
                cp_iban=party.iban,
                e2e=e2e,
                text=f"Ihre Rechnung {party.number}-{rec.id[-6:]}",
                batch=batch,
            )
        )
        add_group(ctx, "supplier_batch_camt", [line], [rec], M)


def supplier_batch_mt940(ctx: Ctx) -> None:
    """One MT940 debit for a whole payment batch against its several bill payments."""
    acct = ctx.accounts["DES"]
    batch = f"B{YEAR}-{ctx.counters.next('batch'):06d}"
    day = ctx.invoice_date()
    recs = [
        new_bill_payment(ctx, acct, ctx.party(acct.key), batch, day)
        for _ in range(ctx.rng.randint(2, 6))
    ]
    booking = ctx.pay_date(day, 1, 2)
    line = ctx.add_line(
        Line(
            ctx.bank_ref(acct),
            acct,
            sum(r.amount for r in recs),
            booking,
            booking,
            "ICDT",
            text=f"SAMMLER {len(recs)} POSTEN PMTINF {batch}",
            customer_ref=batch,
        )
    )
    add_group(ctx, "supplier_batch_mt940", [line], recs, M)


def refund(ctx: Ctx) -> None:
    """We pay a refund to a customer: a debit against the refund record (our e2e id)."""
    acct, party = receivable(ctx)
    n = ctx.counters.next("refund")
    e2e = f"RFD-{YEAR}-{n:06d}"
    amount = ctx.amount(party, acct.currency)
    rec = credit_note(ctx, n, acct, party, amount, e2e)
    line = refund_debit(ctx, acct, party, -amount, rec.date, f"Erstattung Gutschrift {rec.id}", e2e)
    add_group(ctx, "refund", [line], [rec], M)


def credit_note(
    ctx: Ctx, n: int, acct: AccountSpec, party: Party, amount: int, reference: str
) -> Record:
    """The ledger's refund record for credit note `n`: `amount` going back to `party`."""
    return ctx.add_record(
        Record(
            f"CN-{YEAR}-{n:05d}",
            ctx.invoice_date(),
            -amount,
            acct.currency,
            acct.iban,
            party.name,
            reference,
            "refund",
            "Credit note refund",
        )
    )


def refund_debit(
    ctx: Ctx,
    acct: AccountSpec,
    party: Party,
    minor: int,
    credit_note_date: date,
    text: str,
    e2e: str | None = None,
) -> Line:
    """The bank debit paying a credit note back, a few days after it."""
    day = ctx.pay_date(credit_note_date, 1, 5)
    return ctx.add_line(
        Line(
            ctx.bank_ref(acct),
            acct,
            minor,
            day,
            day,
            "ICDT",
            name=bank_printed(party.name, ctx.rng),
            cp_iban=party.iban,
            e2e=e2e,
            text=text,
        )
    )
