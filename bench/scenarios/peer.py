"""The peer: PyPI `bankstatementparser` (its parsers and `reconcile_payments_and_statements`).

Fed as fairly as its API allows; what had to be adapted (see README.md):

- Statements are read with its own parsers (`CamtParser.get_transactions`,
  `Mt940Parser.parse`). Its MT940 parser joins continuation lines of :86: with a space,
  which breaks identifiers that the bank wrapped at 65 characters, so each :86: field is
  unwrapped (continuation lines glued on without a separator) into a temporary copy first.
  Its field-86 parser does not split the SEPA keywords, so `EREF+` is taken from its
  remittance text here.
- Its `reference` field is an identifier compared for equality and, when both sides have
  one, a contradiction that blocks every other pass. So a line's reference is its real
  end-to-end id (not NOTPROVIDED), else its structured creditor reference; the free
  remittance text is passed as `description`. The counterparty is the debtor of a credit
  and the creditor of a debit (its camt output names both; its `fields` would read the
  creditor first, which is us on every credit).
- Ledger records become its "payments": signed amount, currency, reference, counterparty,
  date, account. Options: `fee_tolerance=2.50` (the known bank fee) and
  `max_date_gap_days=60` (its default of 7 would reject most invoices, which are paid
  2-40 days after their date).
- Its EXACT_REFERENCE, EXACT_AMOUNT_AND_PARTY and PARTIAL_AMOUNT_DEDUCTION pairs are
  written as `matched`; FUZZY_MATCH pairs as `review`. It matches 1:1 only.
"""

from __future__ import annotations

import csv
import re
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.scenarios.naive import write_pairs

FEE_TOLERANCE = Decimal("2.50")
MAX_DATE_GAP_DAYS = 60
_AUTO = {"EXACT_REFERENCE", "EXACT_AMOUNT_AND_PARTY", "PARTIAL_AMOUNT_DEDUCTION"}
_EREF = re.compile(r"EREF\+(\S+?)(?=\s|\?|SVWZ\+|MREF\+|KREF\+|$)")


def _camt_rows(path: Path) -> list[dict[str, Any]]:
    from bankstatementparser import CamtParser

    frame = CamtParser(str(path)).get_transactions()
    rows = []
    for tx in frame.to_dict("records"):
        amount = Decimal(str(tx["Amount"]))
        e2e = str(tx.get("EndToEndId") or "")
        reference = e2e if e2e and e2e != "NOTPROVIDED" else ""
        text = str(tx.get("Reference") or "")
        if not reference and text.startswith("RF") and " " not in text:
            reference = text  # the structured creditor reference (Strd/CdtrRefInf/Ref)
        party = tx.get("Debtor") if amount > 0 else tx.get("Creditor")
        rows.append(
            {
                "amount": amount,
                "currency": tx["Currency"],
                "reference": reference,
                "counterparty": str(party or ""),
                "description": text,
                "date": str(tx.get("BookgDt") or ""),
                "account_id": tx.get("AccountId") or "",
                "_ref": str(tx.get("AcctSvcrRef") or ""),
            }
        )
    return rows


def _unwrap_mt940(path: Path, folder: Path) -> Path:
    out: list[str] = []
    for raw in path.read_text(encoding="latin-1").splitlines():
        if out and out[-1].startswith(":86:") and not raw.startswith(":") and raw != "-":
            out[-1] += raw
        else:
            out.append(raw)
    copy = folder / path.name
    copy.write_text("\n".join(out) + "\n", encoding="latin-1")
    return copy


def _mt940_rows(path: Path) -> list[dict[str, Any]]:
    from bankstatementparser import Mt940Parser, parse_field_86

    with tempfile.TemporaryDirectory() as tmp:
        frame = Mt940Parser(str(_unwrap_mt940(path, Path(tmp)))).parse()
    rows = []
    for tx in frame.to_dict("records"):
        detail = parse_field_86(str(tx.get("description") or ""))
        text = detail.remittance_info or ""
        found = _EREF.search(text)
        e2e = found.group(1) if found else ""
        rows.append(
            {
                "amount": Decimal(str(tx["amount"])),
                "currency": tx["currency"],
                "reference": e2e if e2e != "NOTPROVIDED" else "",
                "counterparty": detail.creditor_name or "",
                "description": text,
                "date": tx["date"],
                "account_id": tx.get("account_id") or "",
                "_ref": str(tx.get("transaction_id") or "").split("//")[-1],
            }
        )
    return rows


def _payments(ledger: Path) -> list[dict[str, Any]]:
    with ledger.open(encoding="utf-8", newline="") as handle:
        return [
            {
                "amount": Decimal(r["amount"]),
                "currency": r["currency"],
                "reference": r["reference"],
                "counterparty": r["counterparty"],
                "date": r["date"],
                "account_id": r["account"] or None,
                "_id": r["id"],
            }
            for r in csv.DictReader(handle)
        ]


def read_statements(statements: list[Path]) -> list[dict[str, Any]]:
    """Every statement line as the peer's parsers see it, mapped to its reconcile fields."""
    rows: list[dict[str, Any]] = []
    for path in statements:
        rows += _mt940_rows(path) if path.suffix == ".sta" else _camt_rows(path)
    return rows


def run(statements: list[Path], ledger: Path, out: Path) -> None:
    """Run the peer's whole job and write `out/matches.csv` in the contract's columns."""
    from bankstatementparser import reconcile_payments_and_statements

    rows = read_statements(statements)
    report = reconcile_payments_and_statements(
        _payments(ledger),
        rows,
        fee_tolerance=FEE_TOLERANCE,
        max_date_gap_days=MAX_DATE_GAP_DAYS,
    )
    pairs = []
    for m in report.matches:
        status = "matched" if m.status.value in _AUTO else "review"
        bank = int(Decimal(m.statement_record["amount"]).scaleb(2))
        ledger_minor = int(Decimal(m.payment_record["amount"]).scaleb(2))
        pairs.append(
            (
                m.statement_record["_ref"],
                m.payment_record["_id"],
                status,
                m.status.value,
                bank,
                ledger_minor,
            )
        )
    write_pairs(out, pairs)
