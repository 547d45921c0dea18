"""Small statement and ledger files for reconcile tests, written as text the parsers read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

IBAN = "DE89370400440532013000"


@dataclass(frozen=True)
class Entry:
    amount: str  # signed, e.g. "-12.50"
    day: str  # YYYY-MM-DD
    ref: str | None  # the bank's reference (AcctSvcrRef / :61: after //)
    remittance: str = ""
    name: str = ""


def _balance(code: str, amount: Decimal, day: str) -> str:
    indicator = "CRDT" if amount >= 0 else "DBIT"
    return (
        f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>"
        f'<Amt Ccy="EUR">{abs(amount):.2f}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>'
        f"<Dt><Dt>{day}</Dt></Dt></Bal>"
    )


def _camt_entry(entry: Entry) -> str:
    amount = Decimal(entry.amount)
    credit = amount >= 0
    party = "Dbtr" if credit else "Cdtr"
    ref = f"<AcctSvcrRef>{entry.ref}</AcctSvcrRef>" if entry.ref else ""
    return (
        f'<Ntry><Amt Ccy="EUR">{abs(amount):.2f}</Amt>'
        f"<CdtDbtInd>{'CRDT' if credit else 'DBIT'}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>"
        f"<BookgDt><Dt>{entry.day}</Dt></BookgDt><ValDt><Dt>{entry.day}</Dt></ValDt>{ref}"
        "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly>"
        "</Domn></BkTxCd><NtryDtls><TxDtls>"
        f"<RltdPties><{party}><Pty><Nm>{entry.name}</Nm></Pty></{party}></RltdPties>"
        f"<RmtInf><Ustrd>{entry.remittance}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
    )


def camt053(
    statement_id: str,
    entries: Sequence[Entry],
    *,
    opening: str = "1000.00",
    closing_offset: str = "0",
    iban: str = IBAN,
) -> str:
    """A camt.053.001.08 statement; closing = opening + entries + closing_offset."""
    start = Decimal(opening)
    end = start + sum(Decimal(e.amount) for e in entries) + Decimal(closing_offset)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">\n'
        f"<BkToCstmrStmt><GrpHdr><MsgId>MSG-{statement_id}</MsgId>"
        "<CreDtTm>2025-01-31T18:00:00</CreDtTm></GrpHdr>\n"
        f"<Stmt><Id>{statement_id}</Id><CreDtTm>2025-01-31T18:00:00</CreDtTm>"
        f"<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>\n"
        + _balance("OPBD", start, "2025-01-01")
        + _balance("CLBD", end, "2025-01-31")
        + "\n"
        + "\n".join(_camt_entry(e) for e in entries)
        + "\n</Stmt></BkToCstmrStmt></Document>\n"
    )


def _mt_amount(amount: Decimal) -> str:
    return f"{abs(amount):.2f}".replace(".", ",")


def mt940(statement_id: str, entries: Sequence[Entry], *, opening: str = "1000.00") -> str:
    """A SWIFT MT940 statement with :61:/:86: pairs, balanced."""
    start = Decimal(opening)
    end = start + sum(Decimal(e.amount) for e in entries)
    lines = [
        f":20:{statement_id}",
        f":25:{IBAN}",
        ":28C:1/1",
        f":60F:{'C' if start >= 0 else 'D'}250101EUR{_mt_amount(start)}",
    ]
    for e in entries:
        amount = Decimal(e.amount)
        day = e.day[2:].replace("-", "")
        mark = "C" if amount >= 0 else "D"
        tail = f"//{e.ref}" if e.ref else ""
        lines.append(f":61:{day}{day[2:]}{mark}{_mt_amount(amount)}NTRFNONREF{tail}")
        lines.append(f":86:{e.remittance} {e.name}".rstrip())
    lines += [f":62F:{'C' if end >= 0 else 'D'}250131EUR{_mt_amount(end)}", "-"]
    return "\r\n".join(lines) + "\r\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


LEDGER_HEADER = (
    "id,date,amount,currency,account,counterparty,reference,type,description,cost_centre"
)


def ledger_csv(rows: Sequence[str]) -> str:
    return "\n".join([LEDGER_HEADER, *rows]) + "\n"
