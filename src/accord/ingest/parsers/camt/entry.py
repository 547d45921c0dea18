"""One camt entry (Ntry) to bank lines: one line, or one per TxDtls for a batch entry."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Final, TypeAlias

from lxml import etree

from accord.ingest.parsers.camt import values
from accord.ingest.parsers.camt.spec import AmountText, Found, compile_spec, walk
from accord.ingest.parsers.camt.values import Place
from accord.ingest.parsers.interner import Interner
from accord.ingest.parsers.model import (
    BankLine,
    LineStatus,
    Party,
    SourceLocation,
    TransactionCode,
)
from accord.ingest.parsers.refs import RefAssigner
from accord.ingest.parsers.xmlsafe import source_line
from accord.kit.frozen import builder
from accord.kit.money import Money

# ExternalEntryStatus1Code. INFO (information only) and FUTR (future) are not booked, so
# they count as pending: they never enter the booked balance.
STATUSES = {
    "BOOK": LineStatus.BOOKED,
    "PDNG": LineStatus.PENDING,
    "INFO": LineStatus.PENDING,
    "FUTR": LineStatus.PENDING,
}
# SEPA's placeholder for "the payer gave no end-to-end id": not an identifier.
NO_END_TO_END_ID = "NOTPROVIDED"
# Where a transaction's own amount may be, most specific first.
TX_AMOUNT_KEYS = (
    ("amount", "Amt"),
    ("tx_amount", "AmtDtls/TxAmt/Amt"),
    ("counter_value", "AmtDtls/CntrValAmt/Amt"),
)
# `BankLine(...)` and `SourceLocation(...)`, built faster (accord.kit.frozen).
_build_line: Final = builder(BankLine)
_build_source: Final = builder(SourceLocation)


@dataclass(slots=True)
class StatementContext:
    """What every entry of one statement needs; the currency may come from the 1st entry."""

    file: str
    namespace: str
    path: str
    index: int
    account: str
    currency: str | None
    refs: RefAssigner
    shared: Interner
    amounts: dict[AmountText | None, Money] = dataclasses.field(default_factory=dict)
    dates: dict[str | None, date] = dataclasses.field(default_factory=dict)

    def money(self, amount: AmountText | None, place: Place, field: str) -> Money:
        """values.money, read once per distinct (text, Ccy) of the statement."""
        found = self.amounts.get(amount)
        if found is None:
            found = self.amounts[amount] = self.shared.money(values.money(amount, place, field))
        return found

    def date(
        self, day_text: str | None, time_text: str | None, place: Place, field: str
    ) -> date | None:
        """values.date_or_time, read once per distinct Dt text of the statement."""
        found = self.dates.get(day_text)
        if found is None:
            found = self.shared.date(values.date_or_time(day_text, time_text, place, field))
            if day_text is not None and found is not None:
                self.dates[day_text] = found
        return found


@dataclass(frozen=True, slots=True)
class EntryFacts:
    """What an entry says that all of its lines share."""

    place: Place
    index: int
    found: Found
    amount: Money  # signed
    status: LineStatus
    booking_date: date | None
    value_date: date | None
    reversal: bool


@lru_cache(maxsize=4096)
def transaction_code(
    domain: str | None,
    family: str | None,
    sub_family: str | None,
    proprietary: str | None,
    issuer: str | None,
) -> TransactionCode | None:
    """One shared value per distinct code (codes repeat on almost every line)."""
    if not (domain or family or sub_family or proprietary or issuer):
        return None
    return TransactionCode(domain, family, sub_family, proprietary, issuer)


def _code(found: Found) -> TransactionCode | None:
    t = found.texts
    return transaction_code(
        t.get("bk.domain"),
        t.get("bk.family"),
        t.get("bk.sub"),
        t.get("bk.prtry"),
        t.get("bk.issuer"),
    )


def _status(found: Found, place: Place) -> LineStatus:
    code = found.texts.get("status") or found.texts.get("status.code")
    status = STATUSES.get(code or "")
    if status is None:
        seen = "missing" if code is None else f"unknown status {code!r}"
        raise place.error("Sts", f"{seen}: expected BOOK, PDNG, INFO or FUTR")
    return status


def read_facts(element: etree._Element, index: int, ctx: StatementContext) -> EntryFacts:
    """Walk one Ntry and check the values all of its lines share."""
    place = Place(ctx.file, f"{ctx.path}/Ntry[{index + 1}]", source_line(element))
    found = walk(element, compile_spec("entry", ctx.namespace), Found())
    amount = ctx.money(found.amounts.get("amount"), place, "Amt")
    if ctx.currency is None:
        ctx.currency = amount.currency
    elif amount.currency != ctx.currency:
        raise place.error(
            "Amt", f"amount in {amount.currency}, but the account currency is {ctx.currency}"
        )
    texts, shared = found.texts, ctx.shared
    return EntryFacts(
        place=place,
        index=shared.number(index),
        found=found,
        amount=amount if values.sign(texts.get("indicator"), place) > 0 else shared.money(-amount),
        status=_status(found, place),
        booking_date=ctx.date(texts.get("booking"), texts.get("booking.time"), place, "BookgDt"),
        value_date=ctx.date(texts.get("value"), texts.get("value.time"), place, "ValDt"),
        reversal=values.flag(texts.get("reversal"), place, "RvslInd"),
    )


def read_entry(element: etree._Element, index: int, ctx: StatementContext) -> list[BankLine]:
    """The bank lines of one entry (index is its 0-based position in the statement)."""
    facts = read_facts(element, index, ctx)
    txs = facts.found.elements.get("txs", [])
    if len(txs) > 1:
        split = _split(facts, txs, ctx)
        if split is not None:
            return split
    tx = None
    if len(txs) == 1:
        tx = walk(txs[0], compile_spec("transaction", ctx.namespace), Found())
    ref = _bank_ref(tx, facts.found)
    derived = ref is None
    ref = ref or ctx.refs.derived(index + 1)
    line = _line(ctx, facts, tx, facts.amount, facts.place, ref, derived=derived, whole_entry=True)
    return [line]


def _tx_paths(entry_path: str, txs: list[etree._Element]) -> list[str]:
    """XML paths of the TxDtls, numbering NtryDtls only when the entry has several."""
    numbers: dict[etree._Element | None, int] = {}  # NtryDtls -> its 1-based number
    counts: dict[etree._Element | None, int] = {}  # NtryDtls -> TxDtls seen so far
    located: list[tuple[int, int]] = []
    for tx in txs:
        parent = tx.getparent()
        number = numbers.setdefault(parent, len(numbers) + 1)
        counts[parent] = counts.get(parent, 0) + 1
        located.append((number, counts[parent]))
    if len(numbers) == 1:
        return [f"{entry_path}/NtryDtls/TxDtls[{tx_no}]" for _, tx_no in located]
    return [f"{entry_path}/NtryDtls[{n}]/TxDtls[{tx_no}]" for n, tx_no in located]


def _tx_amount(found: Found, place: Place, currency: str, entry_sign: int) -> Money | None:
    """The transaction's signed amount in the account currency, or None if it has none."""
    candidates: list[tuple[AmountText, str]] = [
        (found.amounts[key], field) for key, field in TX_AMOUNT_KEYS if key in found.amounts
    ]
    if not candidates:
        return None
    for amount_text, field in candidates:
        amount = values.money(amount_text, place, field)
        if amount.currency == currency:
            indicator = found.texts.get("indicator")
            tx_sign = values.sign(indicator, place) if indicator is not None else entry_sign
            return amount if tx_sign > 0 else -amount
    raise place.error(
        TX_AMOUNT_KEYS[0][1],
        f"no amount in the account currency {currency}: expected TxDtls/Amt or "
        "AmtDtls/TxAmt or AmtDtls/CntrValAmt in it",
    )


def _split(
    facts: EntryFacts, txs: list[etree._Element], ctx: StatementContext
) -> list[BankLine] | None:
    """One line per TxDtls; None when no TxDtls has an amount (the entry stays one line)."""
    spec = compile_spec("transaction", ctx.namespace)
    currency = facts.amount.currency
    entry_sign = 1 if facts.amount.minor >= 0 else -1
    paths = _tx_paths(facts.place.path, txs)
    parts: list[tuple[Found, Place, Money | None]] = []
    for tx, path in zip(txs, paths, strict=True):
        found = walk(tx, spec, Found())
        place = Place(ctx.file, path, source_line(tx))
        parts.append((found, place, _tx_amount(found, place, currency, entry_sign)))
    if all(amount is None for _, _, amount in parts):
        return None
    _check_total(facts, parts)
    lines = []
    for tx_no, (found, place, amount) in enumerate(parts, start=1):
        assert amount is not None  # noqa: S101 - _check_total rejects a missing amount
        ref = _bank_ref(found, facts.found)
        derived = ref is None
        ref = ref or ctx.refs.derived(facts.index + 1, tx_no)
        shared_amount = ctx.shared.money(amount)
        lines.append(
            _line(ctx, facts, found, shared_amount, place, ref, derived=derived, whole_entry=False)
        )
    return lines


def _check_total(facts: EntryFacts, parts: list[tuple[Found, Place, Money | None]]) -> None:
    for _, place, amount in parts:
        if amount is None:
            raise place.error(
                "Amt",
                "missing amount: other transactions of this batch entry have one, so each "
                "needs TxDtls/Amt or AmtDtls/TxAmt/Amt",
            )
    total = sum(amount.minor for _, _, amount in parts if amount is not None)
    if total != facts.amount.minor:
        found = Money(total, facts.amount.currency)
        raise facts.place.error(
            "",
            f"batch entry amount is {facts.amount} but its {len(parts)} transactions "
            f"add up to {found} (difference {found - facts.amount})",
        )


def _bank_ref(tx: Found | None, entry: Found) -> str | None:
    """The bank's own ref: the transaction's AcctSvcrRef, else the entry's."""
    ref = tx.texts.get("ref") if tx is not None else None
    return ref or entry.texts.get("ref")


def _line(
    ctx: StatementContext,
    facts: EntryFacts,
    tx: Found | None,
    amount: Money,
    place: Place,
    ref: str,
    *,
    derived: bool,
    whole_entry: bool,
) -> BankLine:
    """Build one line; entry-level details (FX, charges) count only for a whole entry."""
    entry = facts.found
    fallback = entry if whole_entry else None
    texts = tx.texts if tx is not None else {}
    e2e = texts.get("e2e")
    shared = ctx.shared
    return _build_line(
        bank_ref=ctx.refs.unique(ref),
        account=ctx.account,
        amount=amount,
        booking_date=facts.booking_date,
        value_date=facts.value_date,
        status=facts.status,
        source=_build_source(ctx.file, ctx.index, facts.index, place.line, place.path),
        bank_ref_derived=derived,
        reversal=facts.reversal,
        transaction_code=(_code(tx) if tx is not None else None) or _code(entry),
        end_to_end_id=None if e2e == NO_END_TO_END_ID else e2e,
        mandate_id=texts.get("mandate"),
        creditor_reference=texts.get("creditor_ref"),
        remittance=_remittance(tx),
        counterparty=_counterparty(tx, amount, facts.reversal, shared),
        instructed_amount=_instructed(tx, fallback, place, shared),
        exchange_rate=_rate(tx, fallback, place),
        charges=_charges(tx, fallback, place, shared),
        customer_ref=texts.get("instruction"),
        additional_info=_info(tx, entry, shared),
    )


def _remittance(tx: Found | None) -> str | None:
    if tx is None:
        return None
    return " ".join(p for p in tx.many_texts.get("unstructured", ()) if p) or None


def _info(tx: Found | None, entry: Found, shared: Interner) -> str | None:
    tx_info = tx.texts.get("info") if tx is not None else None
    entry_info = entry.texts.get("info")
    if tx_info and entry_info and tx_info != entry_info:
        return shared.text(f"{tx_info} {entry_info}")
    info = tx_info or entry_info
    return shared.text(info) if info else info


# A side's keys in a transaction's texts (spec._party, spec._account, spec._agent): name,
# account, the ultimate party's name, BIC and clearing member id.
_PartyKeys: TypeAlias = tuple[str, str, str, str, str]
_DEBTOR: Final[_PartyKeys] = (
    "dbtr.name", "dbtr.account", "ultimate_dbtr.name", "dbtr.bic", "dbtr.member",
)  # fmt: skip
_CREDITOR: Final[_PartyKeys] = (
    "cdtr.name", "cdtr.account", "ultimate_cdtr.name", "cdtr.bic", "cdtr.member",
)  # fmt: skip


def _party(found: Found, side: _PartyKeys, shared: Interner) -> Party | None:
    texts = found.texts
    name = texts.get(side[0])
    account = texts.get(side[1])
    if name is None and account is None:
        return None
    name = name or texts.get(side[2])
    bank = texts.get(side[3]) or texts.get(side[4])
    return shared.party(name, account, bank)


def _counterparty(
    tx: Found | None, amount: Money, reversal: bool, shared: Interner
) -> Party | None:
    """The other side: the debtor of a credit, the creditor of a debit.

    A reversal keeps the parties of the transaction it reverses, so the sides swap. Where
    the expected side is absent the other one is used (banks do not all follow the rule),
    and an ultimate party's name stands in for a missing name.
    """
    if tx is None:
        return None
    credit = (amount.minor >= 0) != reversal
    first, second = (_DEBTOR, _CREDITOR) if credit else (_CREDITOR, _DEBTOR)
    party = _party(tx, first, shared) or _party(tx, second, shared)
    if party is None:
        name = tx.texts.get(first[2])
        return shared.party(name, None, None) if name else None
    return party


def _instructed(
    tx: Found | None, entry: Found | None, place: Place, shared: Interner
) -> Money | None:
    for found in (tx, entry):
        if found is not None and "instructed" in found.amounts:
            amount = values.money(found.amounts["instructed"], place, "AmtDtls/InstdAmt/Amt")
            return shared.money(amount)
    return None


def _rate(tx: Found | None, entry: Found | None, place: Place) -> Decimal | None:
    for found in (tx, entry):
        if found is not None and found.texts.get("rate") is not None:
            return values.rate(found.texts.get("rate"), place, "AmtDtls/.../CcyXchg/XchgRate")
    return None


def _charges(tx: Found | None, entry: Found | None, place: Place, shared: Interner) -> Money | None:
    """Total charges as the bank reports them (TtlChrgsAndTaxAmt, else the records' sum)."""
    for found in (tx, entry):
        if found is None:
            continue
        if "charges_total" in found.amounts:
            total = values.money(found.amounts["charges_total"], place, "Chrgs/TtlChrgsAndTaxAmt")
            return shared.money(total)
        records = [
            values.money(a, place, "Chrgs/Amt") for a in found.many_amounts.get("charges", ())
        ]
        if records:
            same = [r.minor for r in records if r.currency == records[0].currency]
            return shared.money(Money(sum(same), records[0].currency))
    return None
