"""The statement header: id, sequence, period, account and balances of a Stmt/Rpt/Ntfctn."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from lxml import etree

from accord.ingest.parsers.camt import values
from accord.ingest.parsers.camt.spec import Found, compile_spec, walk
from accord.ingest.parsers.camt.values import Place
from accord.ingest.parsers.model import Balance
from accord.ingest.parsers.xmlsafe import source_line
from accord.kit.money import Money

# Balance type codes (ExternalBalanceType1Code) and the model field each one fills; the
# first code present wins. PRCD (previous closing) stands in for a missing OPBD.
BALANCE_FIELDS: dict[str, tuple[str, ...]] = {
    "opening_booked": ("OPBD", "PRCD"),
    "closing_booked": ("CLBD",),
    "opening_available": ("OPAV",),
    "closing_available": ("CLAV", "ITAV"),
}


@dataclass(frozen=True, slots=True)
class Header:
    """What a statement says about itself before its entries."""

    id: str
    sequence: str | None
    created_at: datetime | None
    period_start: date | None
    period_end: date | None
    iban: str | None
    number: str | None
    currency: str | None
    bank: str | None
    name: str | None
    balances: dict[str, Balance] = field(default_factory=dict)


def _balance(element: etree._Element, namespace: str, place: Place) -> tuple[str, Balance]:
    found = walk(element, compile_spec("balance", namespace), Found())
    texts = found.texts
    code = texts.get("code") or texts.get("proprietary")
    if code is None:
        raise place.error("Tp/CdOrPrtry", "missing balance type: expected Cd such as OPBD")
    amount = values.money(found.amounts.get("amount"), place, "Amt")
    signed = amount if values.sign(texts.get("indicator"), place) > 0 else -amount
    when = values.date_or_time(texts.get("date"), texts.get("datetime"), place, "Dt")
    return code, Balance(signed, when)


def _balances(found: Found, namespace: str, place: Place) -> dict[str, Balance]:
    """Every balance by its type code; the first of a code wins."""
    balances: dict[str, Balance] = {}
    for index, element in enumerate(found.elements.get("balances", ()), start=1):
        bal_place = Place(place.file, f"{place.path}/Bal[{index}]", source_line(element))
        code, balance = _balance(element, namespace, bal_place)
        balances.setdefault(code, balance)
    return balances


def _currency(found: Found, balances: dict[str, Balance], place: Place) -> str | None:
    declared = found.texts.get("currency")
    if declared is not None:
        return values.currency(declared, place, "Acct/Ccy")
    for balance in balances.values():
        return balance.amount.currency
    return None


def read_header(statement: etree._Element, namespace: str, place: Place) -> Header:
    """Read the header children of a statement element (entries are skipped)."""
    found = walk(statement, compile_spec("statement", namespace), Found())
    texts = found.texts
    balances = _balances(found, namespace, place)
    currency = _currency(found, balances, place)
    for code, balance in balances.items():
        if currency is not None and balance.amount.currency != currency:
            raise place.error(
                "Bal",
                f"balance {code} is in {balance.amount.currency}, "
                f"but the account currency is {currency}",
            )
    created = texts.get("created")
    start, end = texts.get("from"), texts.get("to")
    return Header(
        id=values.required(texts.get("id"), place, "Id", "the statement's id"),
        sequence=texts.get("electronic_seq") or texts.get("legal_seq"),
        created_at=values.timestamp(created, place, "CreDtTm") if created else None,
        period_start=values.timestamp(start, place, "FrToDt/FrDtTm").date() if start else None,
        period_end=values.timestamp(end, place, "FrToDt/ToDtTm").date() if end else None,
        iban=texts.get("iban"),
        number=texts.get("number"),
        currency=currency,
        bank=texts.get("bic"),
        name=texts.get("name") or texts.get("owner"),
        balances=balances,
    )


def balance_fields(header: Header) -> dict[str, Balance | None]:
    """The model's four balances from the header's balances by type code."""
    chosen: dict[str, Balance | None] = {}
    for name, codes in BALANCE_FIELDS.items():
        chosen[name] = next((header.balances[c] for c in codes if c in header.balances), None)
    return chosen


def other_balances(header: Header) -> dict[str, str]:
    """Balances the model has no field for (ITBD, FWAV, ...), as text for `extra`."""
    used = {code for codes in BALANCE_FIELDS.values() for code in codes}
    return {
        f"balance.{code}": _describe(balance.amount, balance.date)
        for code, balance in header.balances.items()
        if code not in used
    }


def _describe(amount: Money, when: date | None) -> str:
    return f"{amount}" + (f" on {when.isoformat()}" if when else "")
