"""Case builders: each adds one labelled situation (lines, records, true groups) to a block.

Every builder takes the generation context and returns nothing; the kinds and what is
acceptable for each are documented in bench/scenarios/README.md.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from bench.scenarios.model import Acceptable, AccountSpec, Group, Instructed, Line, Record
from bench.scenarios.names import Party, bank_printed
from bench.scenarios.refs import YEAR, InvoiceNo, rf_printed, rf_reference, typed_reference
from bench.scenarios.world import (
    CAMT_EUR_ACCOUNTS,
    EUR_ACCOUNTS,
    Ctx,
    business_day,
    convert,
)

M, R, U = Acceptable.MATCHED, Acceptable.REVIEW_ONLY, Acceptable.UNMATCHED
Case = Callable[[Ctx], None]


# -- small helpers -------------------------------------------------------------------------
def new_invoice(
    ctx: Ctx,
    party: Party,
    acct: AccountSpec,
    amount: int,
    *,
    currency: str | None = None,
    no: InvoiceNo | None = None,
    reference: str | None = None,
    day: date | None = None,
) -> Record:
    no = no or ctx.invoice_no(_SCHEMES[party.index % len(_SCHEMES)])
    account = acct.iban if ctx.rng.random() < 0.7 else ""
    return ctx.add_record(
        Record(
            id=no.id,
            date=day or ctx.invoice_date(),
            amount=amount,
            currency=currency or acct.currency,
            account=account,
            counterparty=party.name,
            reference=reference or no.id,
            type="invoice",
            description=f"Invoice {no.id} to {party.name}",
        )
    )


# An organisation may number invoices differently per business line; each customer is
# invoiced from one line, so one customer's invoices share a scheme.
_SCHEMES = ("inv", "inv", "inv", "inv", "inv", "re", "re", "re", "bare", "bare")


def _payer_e2e(ctx: Ctx) -> str | None:
    if ctx.rng.random() < 0.7:
        return None
    return "".join(ctx.rng.choices(string.ascii_uppercase + string.digits, k=18))


def new_credit(
    ctx: Ctx,
    acct: AccountSpec,
    party: Party,
    amount: int,
    day: date,
    *,
    text: str | None = None,
    e2e: str | None = None,
    scor: str | None = None,
    family: str = "RCDT",
) -> Line:
    return ctx.add_line(
        Line(
            ref=ctx.bank_ref(acct),
            account=acct,
            amount=amount,
            booking=day,
            value=day,
            family=family,
            name=bank_printed(party.name, ctx.rng),
            cp_iban=party.iban,
            e2e=e2e if e2e is not None else _payer_e2e(ctx),
            scor=scor,
            text=text,
        )
    )


def business_day_before(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def typed(ctx: Ctx, no: InvoiceNo, party: Party) -> str:
    return typed_reference(no, ctx.rng, party.number)


def add_group(
    ctx: Ctx, kind: str, lines: list[Line], records: list[Record], ok: Acceptable
) -> None:
    ctx.add_group(Group(kind, tuple(x.ref for x in lines), tuple(r.id for r in records), ok))


def receivable(ctx: Ctx, acct: AccountSpec | None = None) -> tuple[AccountSpec, Party]:
    acct = acct or ctx.account()
    return acct, ctx.party(acct.key)


# -- receivables ---------------------------------------------------------------------------
def ref_text(ctx: Ctx) -> None:
    """Invoice number typed into the remittance text, with prefixes and suffixes."""
    acct, party = receivable(ctx)
    rec = new_invoice(ctx, party, acct, ctx.amount(party, acct.currency))
    no = number_of(rec)
    line = new_credit(
        ctx, acct, party, rec.amount, ctx.pay_date(rec.date), text=typed(ctx, no, party)
    )
    add_group(ctx, "ref_text", [line], [rec], M)


def number_of(rec: Record) -> InvoiceNo:
    if rec.id.startswith("INV-"):
        return InvoiceNo("inv", int(rec.id.rsplit("-", 1)[1]))
    if rec.id.startswith("RE-"):
        return InvoiceNo("re", int(rec.id[3:].split("/")[0]))
    return InvoiceNo("bare", int(rec.id))


def ref_truncated(ctx: Ctx) -> None:
    """A long remittance text cut at 140 characters; the reference survives the cut."""
    acct, party = receivable(ctx)
    rec = new_invoice(ctx, party, acct, ctx.amount(party, acct.currency))
    head = (
        f"Kunde {party.number} Zahlungsavis folgt per E-Mail an buchhaltung, "
        "Bezug Lieferung KW 12 Lager Nord "
    )
    tail = " Bitte Skonto beachten, Rueckfragen an Einkauf Frau Schmidt Tel 0221 4711 0815 Dank"
    text = (head + typed(ctx, number_of(rec), party) + tail)[:140]
    line = new_credit(ctx, acct, party, rec.amount, ctx.pay_date(rec.date), text=text)
    add_group(ctx, "ref_truncated", [line], [rec], M)


def name_amount(ctx: Ctx) -> None:
    """No reference at all: the customer's only open item of that amount, name as printed."""
    acct, party = receivable(ctx)
    rec = new_invoice(ctx, party, acct, ctx.amount(party, acct.currency))
    text = ctx.rng.choice(("Zahlung", "Payment", "Ueberweisung", "Rechnung", None, "Danke"))
    line = new_credit(ctx, acct, party, rec.amount, ctx.pay_date(rec.date), text=text)
    add_group(ctx, "name_amount", [line], [rec], M)


def scor_rf(ctx: Ctx) -> None:
    """Structured creditor reference (ISO 11649 RF) quoted in Strd, or typed in MT940."""
    acct, party = receivable(ctx)
    no = ctx.invoice_no(_SCHEMES[party.index % len(_SCHEMES)])
    rf = rf_reference(f"{YEAR}{no.number:07d}{party.number}")
    rec = new_invoice(ctx, party, acct, ctx.amount(party, acct.currency), no=no, reference=rf)
    day = ctx.pay_date(rec.date)
    if acct.fmt == "mt940" or ctx.rng.random() < 0.2:
        text = rf if ctx.rng.random() < 0.5 else rf_printed(rf)
        line = new_credit(ctx, acct, party, rec.amount, day, text=text)
    else:
        line = new_credit(ctx, acct, party, rec.amount, day, scor=rf)
    add_group(ctx, "scor_rf", [line], [rec], M)


def direct_debit(ctx: Ctx) -> None:
    """Our own SEPA direct debit collection: the end-to-end id is ours and exact."""
    acct = ctx.accounts[ctx.rng.choice(EUR_ACCOUNTS)]
    party = ctx.party(acct.key)
    e2e = f"DD-{YEAR}-{ctx.counters.next('dd'):08d}"
    rec = new_invoice(ctx, party, acct, ctx.amount(party, acct.currency), reference=e2e)
    text = f"Lastschrift {rec.id} Mandat M-{party.number}"
    line = new_credit(
        ctx,
        acct,
        party,
        rec.amount,
        ctx.pay_date(rec.date, 5, 20),
        text=text,
        e2e=e2e,
        family="RDDT",
    )
    add_group(ctx, "e2e_exact", [line], [rec], M)


def payout(ctx: Ctx) -> None:
    """A card/PSP payout: one bank line against one payout record, net of the PSP's fees."""
    acct = ctx.account(("DEM", "DES", "NLI", "GBB"))
    psp, printed, prefix = ctx.rng.choice(
        (
            ("Stripe Payments Europe Ltd", "STRIPE", "po_"),
            ("Adyen N.V.", "ADYEN N.V.", "PAYOUT-"),
            ("PayPal (Europe) S.a r.l. et Cie, S.C.A.", "PAYPAL EUROPE S.A.R.L.", "PP-"),
        )
    )
    pid = prefix + "".join(ctx.rng.choices(string.ascii_letters + string.digits, k=16))
    gross = ctx.rng.randint(20000, 2_000_000)
    fee = int(gross * ctx.rng.uniform(0.012, 0.029)) + 25 * ctx.rng.randint(1, 40)
    day = business_day(ctx.invoice_date() + timedelta(days=20))
    rec = ctx.add_record(
        Record(
            pid,
            day - timedelta(days=2),
            gross - fee,
            acct.currency,
            acct.iban,
            psp,
            pid,
            "payout",
            f"Payout gross {gross / 100:.2f} fees {fee / 100:.2f}",
        )
    )
    line = ctx.add_line(
        Line(
            ctx.bank_ref(acct),
            acct,
            gross - fee,
            ctx.pay_date(rec.date, 1, 3),
            ctx.pay_date(rec.date, 1, 3),
            "RCDT",
            name=printed,
            text=f"{printed} PAYOUT {pid}",
        )
    )
    line.value = line.booking
    add_group(ctx, "payout", [line], [rec], M)


def collective_listed(ctx: Ctx) -> None:
    """One transfer pays 2-5 invoices of one customer; every number is listed."""
    acct, party = receivable(ctx)
    recs = [
        new_invoice(ctx, party, acct, ctx.amount(party, acct.currency))
        for _ in range(ctx.rng.randint(2, 5))
    ]
    sep = ctx.rng.choice((", ", " ", "; ", " + "))
    text = sep.join(r.id for r in recs)
    if len(text) > 140:
        text = " ".join(r.id for r in recs)
    day = ctx.pay_date(max(r.date for r in recs))
    line = new_credit(ctx, acct, party, sum(r.amount for r in recs), day, text=text[:140])
    add_group(ctx, "collective_listed", [line], recs, M)


def collective_truncated(ctx: Ctx) -> None:
    """Five invoices listed in long form: the cut at 140 characters loses part of the last."""
    acct, party = receivable(ctx)
    recs = [
        new_invoice(ctx, party, acct, ctx.amount(party, acct.currency), no=ctx.invoice_no("inv"))
        for _ in range(5)
    ]
    text = "Sammelzahlung Rechnungen " + ", ".join(
        f"Rechnung {r.id} vom {r.date:%d.%m.}" for r in recs
    )
    day = ctx.pay_date(max(r.date for r in recs))
    line = new_credit(ctx, acct, party, sum(r.amount for r in recs), day, text=text[:140])
    add_group(ctx, "collective_truncated", [line], recs, M)


def collective_unlisted(ctx: Ctx) -> None:
    """A customer with no other items pays all its open invoices in one unexplained sum."""
    acct = ctx.account()
    party = ctx.fresh_party(acct.key)
    recs = [
        new_invoice(ctx, party, acct, ctx.amount(party, acct.currency))
        for _ in range(ctx.rng.randint(2, 4))
    ]
    text = ctx.rng.choice(("Sammelzahlung", "Zahlung offene Posten", "Ausgleich Konto", None))
    day = ctx.pay_date(max(r.date for r in recs))
    line = new_credit(ctx, acct, party, sum(r.amount for r in recs), day, text=text)
    add_group(ctx, "collective_unlisted", [line], recs, M)


def _split(ctx: Ctx, total: int, parts: int) -> list[int]:
    cuts = sorted(ctx.rng.sample(range(100, total - 100, 100), parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def instalments_full(ctx: Ctx) -> None:
    """Two or three transfers, each quoting the invoice, together pay it in full."""
    acct, party = receivable(ctx)
    rec = new_invoice(ctx, party, acct, ctx.amount(party, acct.currency, lo=100000))
    parts = _split(ctx, rec.amount, ctx.rng.randint(2, 3))
    lines = []
    day = rec.date
    for i, part in enumerate(parts, 1):
        day = ctx.pay_date(day, 3, 12)
        text = f"{typed(ctx, number_of(rec), party)} Rate {i}/{len(parts)}"
        lines.append(new_credit(ctx, acct, party, part, day, text=text))
    add_group(ctx, "instalments_full", lines, [rec], M)


def instalment_partial(ctx: Ctx) -> None:
    """Only part of the invoice is paid so far: the invoice must stay open."""
    acct, party = receivable(ctx)
    rec = new_invoice(ctx, party, acct, ctx.amount(party, acct.currency, lo=100000))
    parts = _split(ctx, rec.amount, 3)[: ctx.rng.randint(1, 2)]
    lines, day = [], rec.date
    for i, part in enumerate(parts, 1):
        day = ctx.pay_date(day, 3, 12)
        text = f"Teilzahlung {i} {typed(ctx, number_of(rec), party)}"
        lines.append(new_credit(ctx, acct, party, part, day, text=text))
    add_group(ctx, "instalment_partial", lines, [rec], R)


def fee_short(ctx: Ctx) -> None:
    """The customer's bank deducted a known 2.50 EUR fee from the payment."""
    acct = ctx.accounts[ctx.rng.choice(EUR_ACCOUNTS)]
    party = ctx.party(acct.key)
    rec = new_invoice(ctx, party, acct, ctx.amount(party, acct.currency, lo=5000))
    line = new_credit(
        ctx,
        acct,
        party,
        rec.amount - 250,
        ctx.pay_date(rec.date),
        text=typed(ctx, number_of(rec), party),
    )
    add_group(ctx, "fee_short", [line], [rec], M)


def overpayment(ctx: Ctx) -> None:
    """The customer paid more than the invoice, quoting it."""
    acct, party = receivable(ctx)
    rec = new_invoice(ctx, party, acct, ctx.amount(party, acct.currency))
    extra = ctx.rng.choice((1000, 500, 2000, rec.amount // 10 or 100))
    line = new_credit(
        ctx,
        acct,
        party,
        rec.amount + extra,
        ctx.pay_date(rec.date),
        text=typed(ctx, number_of(rec), party),
    )
    add_group(ctx, "overpayment", [line], [rec], M)


def double_payment(ctx: Ctx) -> None:
    """The invoice is paid twice; the earlier transfer is the payment, the second is not."""
    acct, party = receivable(ctx)
    rec = new_invoice(ctx, party, acct, ctx.amount(party, acct.currency))
    first_day = ctx.pay_date(rec.date, 2, 20)
    text = typed(ctx, number_of(rec), party)
    first = new_credit(ctx, acct, party, rec.amount, first_day, text=text)
    second_day = ctx.pay_date(first_day, 3, 10)
    if second_day <= first_day:
        first.booking = first.value = business_day_before(first_day - timedelta(days=2))
        second_day = first_day
    second = new_credit(ctx, acct, party, rec.amount, second_day, text=text)
    add_group(ctx, "double_payment", [first], [rec], M)
    add_group(ctx, "double_payment_second", [second], [], U)


def _fx(ctx: Ctx, *, with_bank_rate: bool) -> None:
    acct = ctx.accounts[ctx.rng.choice(CAMT_EUR_ACCOUNTS if with_bank_rate else EUR_ACCOUNTS)]
    party = ctx.party(acct.key)
    usd = ctx.amount(party, "USD", lo=10000)
    rec = new_invoice(ctx, party, acct, usd, currency="USD")
    day = ctx.pay_date(rec.date)
    spread = Decimal(1) - Decimal(ctx.rng.randint(0, 40)) / Decimal(10000)
    bank_rate = (ctx.rate(day, "USD") * spread).quantize(Decimal("0.000001"))
    line = new_credit(
        ctx, acct, party, convert(usd, bank_rate), day, text=typed(ctx, number_of(rec), party)
    )
    if with_bank_rate:
        line.instructed = Instructed(usd, "USD", bank_rate)
    add_group(ctx, "fx_bank_rate" if with_bank_rate else "fx_rates_file", [line], [rec], M)


def fx_bank_rate(ctx: Ctx) -> None:
    """USD invoice paid into a EUR account; camt reports the instructed amount and rate."""
    _fx(ctx, with_bank_rate=True)


def fx_rates_file(ctx: Ctx) -> None:
    """USD invoice paid into a EUR account; only rates.csv (and a small spread) explains it."""
    _fx(ctx, with_bank_rate=False)


def returned_payment(ctx: Ctx) -> None:
    """Our direct debit is collected, then returned by the payer's bank (R-transaction):
    the credit and the return cancel out and the invoice stays open."""
    acct = ctx.accounts[ctx.rng.choice(EUR_ACCOUNTS)]
    party = ctx.party(acct.key)
    e2e = f"DD-{YEAR}-{ctx.counters.next('dd'):08d}"
    rec = new_invoice(ctx, party, acct, ctx.amount(party, acct.currency), reference=e2e)
    day = ctx.pay_date(rec.date, 5, 20)
    text = f"Lastschrift {rec.id} Mandat M-{party.number}"
    paid = new_credit(ctx, acct, party, rec.amount, day, text=text, e2e=e2e, family="RDDT")
    reason = ctx.rng.choice(
        ("AM04 Mangels Deckung", "MD06 Widerspruch durch Zahler", "AC04 Konto erloschen")
    )
    back = new_credit(
        ctx,
        acct,
        party,
        -rec.amount,
        ctx.pay_date(day, 1, 6),
        e2e=e2e,
        text=f"RUECKLASTSCHRIFT {reason} {text}"[:140],
        family="RTRN",
    )
    if back.booking <= paid.booking:
        paid.booking = paid.value = business_day_before(back.booking - timedelta(days=2))
    back.reversal = ctx.rng.random() < 0.5  # RvslInd / MT940 "RC"; else a plain return debit
    add_group(ctx, "returned_payment", [paid, back], [], M)
    add_group(ctx, "returned_payment_invoice", [], [rec], U)
