"""Streaming writers: camt.053 (001.08 and 001.02), MT940 with German :86:, ledger.csv,
rates.csv and truth.json. Statements are appended block by block; every statement balances
(opening + booked lines = closing)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape

from bench.scenarios.model import AccountSpec, Group, Line, Record
from bench.scenarios.names import transliterate
from bench.scenarios.world import ORG_NAME

ORG = ORG_NAME
_BKTX = {
    "RCDT": ("PMNT", "RCDT", "ESCT"),
    "ICDT": ("PMNT", "ICDT", "ESCT"),
    "RDDT": ("PMNT", "RDDT", "ESDD"),
    "CCRD": ("PMNT", "CCRD", "POSD"),
    "CHRG": ("ACMT", "MDOP", "CHRG"),
    "INTR": ("ACMT", "MDOP", "INTR"),
    "TAXS": ("PMNT", "ICDT", "ESCT"),
    "RTRN": ("PMNT", "RDDT", "UPDD"),
}
_GVC = {
    "RCDT": ("166", "GUTSCHR. UEBERWEISUNG"),
    "ICDT": ("116", "UEBERWEISUNG"),
    "RDDT": ("171", "LASTSCHRIFT EINZUG"),
    "CCRD": ("106", "KARTENZAHLUNG"),
    "CHRG": ("805", "ENTGELTABSCHLUSS"),
    "INTR": ("804", "ZINSEN"),
    "TAXS": ("116", "UEBERWEISUNG"),
    "RTRN": ("109", "RUECKLASTSCHRIFT"),
}


def money(minor: int) -> str:
    """Minor units as a plain decimal with a dot: -123456 -> '-1234.56'."""
    sign = "-" if minor < 0 else ""
    return f"{sign}{abs(minor) // 100}.{abs(minor) % 100:02d}"


def _x(text: str) -> str:
    return escape(text, {'"': "&quot;"})


# -- camt.053 ------------------------------------------------------------------------------
class CamtWriter:
    """One camt.053 file for one account; each `statement` call appends a Stmt."""

    def __init__(self, path: Path, account: AccountSpec) -> None:
        self.account = account
        self.v08 = account.fmt.endswith(".08")
        self.out: IO[str] = path.open("w", encoding="utf-8", newline="\n")
        self.seq = 0
        self.out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:{account.fmt}">\n'
            "<BkToCstmrStmt>\n<GrpHdr><MsgId>"
            f"MSG-{account.key}-2025</MsgId><CreDtTm>2025-05-01T06:00:00+02:00</CreDtTm>"
            "</GrpHdr>\n"
        )

    def statement(self, lines: list[Line], opening: int) -> int:
        """Append one Stmt holding `lines` (sorted); return the closing balance."""
        self.seq += 1
        acct = self.account
        closing = opening + sum(x.amount for x in lines)
        first, last = lines[0].booking, lines[-1].booking
        bic = "BICFI" if self.v08 else "BIC"
        w = self.out.write
        w(
            f"<Stmt><Id>{acct.key}-{self.seq:06d}</Id><ElctrncSeqNb>{self.seq}</ElctrncSeqNb>"
            f"<CreDtTm>{last.isoformat()}T22:00:00+02:00</CreDtTm>"
            f"<FrToDt><FrDtTm>{first.isoformat()}T00:00:00+02:00</FrDtTm>"
            f"<ToDtTm>{last.isoformat()}T23:59:59+02:00</ToDtTm></FrToDt>"
            f"<Acct><Id><IBAN>{acct.iban}</IBAN></Id><Ccy>{acct.currency}</Ccy>"
            f"<Ownr><Nm>{_x(ORG)}</Nm></Ownr><Svcr><FinInstnId><{bic}>{acct.bic}</{bic}>"
            f"</FinInstnId></Svcr></Acct>\n"
        )
        w(self._balance("OPBD", opening, first))
        w(self._balance("CLBD", closing, last))
        i = 0
        while i < len(lines):
            j = i + 1
            if lines[i].batch is not None:
                while j < len(lines) and lines[j].batch == lines[i].batch:
                    j += 1
            w(self._entry(lines[i:j]))
            i = j
        w("</Stmt>\n")
        return closing

    def _balance(self, code: str, minor: int, day: date) -> str:
        ind = "CRDT" if minor >= 0 else "DBIT"
        return (
            f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>"
            f'<Amt Ccy="{self.account.currency}">{money(abs(minor))}</Amt>'
            f"<CdtDbtInd>{ind}</CdtDbtInd><Dt><Dt>{day.isoformat()}</Dt></Dt></Bal>\n"
        )

    def _entry(self, txs: list[Line]) -> str:
        head = txs[0]
        total = sum(x.amount for x in txs)
        ccy = self.account.currency
        ind = "CRDT" if total > 0 else "DBIT"
        status = "<Sts><Cd>BOOK</Cd></Sts>" if self.v08 else "<Sts>BOOK</Sts>"
        entry_ref = head.ref if len(txs) == 1 else f"{head.ref}S"
        domain, family, sub = _BKTX[head.family]
        parts = [
            f'<Ntry><Amt Ccy="{ccy}">{money(abs(total))}</Amt><CdtDbtInd>{ind}</CdtDbtInd>',
            "<RvslInd>true</RvslInd>" if head.reversal else "",
            f"{status}<BookgDt><Dt>{head.booking.isoformat()}</Dt></BookgDt>",
            f"<ValDt><Dt>{head.value.isoformat()}</Dt></ValDt><AcctSvcrRef>{entry_ref}</AcctSvcrRef>",
            f"<BkTxCd><Domn><Cd>{domain}</Cd><Fmly><Cd>{family}</Cd><SubFmlyCd>{sub}</SubFmlyCd>"
            "</Fmly></Domn></BkTxCd>",
        ]
        if head.family in ("CHRG", "INTR"):
            parts.append(f"<AddtlNtryInf>{_x(head.text or '')}</AddtlNtryInf></Ntry>\n")
            return "".join(parts)
        if len(txs) > 1:
            parts.append(f"<NtryDtls><Btch><NbOfTxs>{len(txs)}</NbOfTxs></Btch>")
        else:
            parts.append("<NtryDtls>")
        parts.extend(self._tx(x, len(txs) > 1) for x in txs)
        parts.append("</NtryDtls>")
        if head.family == "RTRN":
            parts.append(f"<AddtlNtryInf>{_x((head.text or '')[:500])}</AddtlNtryInf>")
        parts.append("</Ntry>\n")
        return "".join(parts)

    def _tx(self, x: Line, batch: bool) -> str:
        ccy = self.account.currency
        pmtinf = f"<PmtInfId>{x.batch}</PmtInfId>" if x.batch else ""
        parts = [
            f"<TxDtls><Refs><AcctSvcrRef>{x.ref}</AcctSvcrRef>{pmtinf}"
            f"<EndToEndId>{_x(x.e2e or 'NOTPROVIDED')}</EndToEndId></Refs>"
        ]
        ind = "CRDT" if x.amount > 0 else "DBIT"
        if self.v08:
            parts.append(
                f'<Amt Ccy="{ccy}">{money(abs(x.amount))}</Amt><CdtDbtInd>{ind}</CdtDbtInd>'
            )
        if x.instructed is not None:
            ins = x.instructed
            xchg = (
                f"<CcyXchg><SrcCcy>{ins.currency}</SrcCcy><TrgtCcy>{ccy}</TrgtCcy>"
                f"<UnitCcy>{ins.currency}</UnitCcy><XchgRate>{ins.rate}</XchgRate></CcyXchg>"
            )
            parts.append(
                f'<AmtDtls><InstdAmt><Amt Ccy="{ins.currency}">{money(ins.minor)}</Amt>{xchg}'
                f'</InstdAmt><TxAmt><Amt Ccy="{ccy}">{money(abs(x.amount))}</Amt></TxAmt></AmtDtls>'
            )
        elif batch and not self.v08:
            parts.append(
                f'<AmtDtls><TxAmt><Amt Ccy="{ccy}">{money(abs(x.amount))}</Amt></TxAmt></AmtDtls>'
            )
        parts.append(self._parties(x))
        if x.scor is not None:
            parts.append(
                "<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp>"
                f"<Ref>{x.scor}</Ref></CdtrRefInf></Strd></RmtInf>"
            )
        elif x.text:
            parts.append(f"<RmtInf><Ustrd>{_x(x.text[:140])}</Ustrd></RmtInf>")
        parts.append("</TxDtls>")
        return "".join(parts)

    def _parties(self, x: Line) -> str:
        if x.name is None and x.cp_iban is None:
            return ""
        other, ours = ("Dbtr", "Cdtr") if x.amount > 0 else ("Cdtr", "Dbtr")
        pty = ("<Pty>", "</Pty>") if self.v08 else ("", "")
        name = f"<{other}>{pty[0]}<Nm>{_x(x.name or '')}</Nm>{pty[1]}</{other}>"
        acct = f"<{other}Acct><Id><IBAN>{x.cp_iban}</IBAN></Id></{other}Acct>" if x.cp_iban else ""
        own = f"<{ours}>{pty[0]}<Nm>{_x(ORG)}</Nm>{pty[1]}</{ours}>"
        if other == "Dbtr":
            return f"<RltdPties>{name}{acct}{own}</RltdPties>"
        return f"<RltdPties>{own}{name}{acct}</RltdPties>"

    def close(self) -> None:
        self.out.write("</BkToCstmrStmt>\n</Document>\n")
        self.out.close()


# -- MT940 ---------------------------------------------------------------------------------
class Mt940Writer:
    """One MT940 file (German bank, structured :86:) for one account."""

    def __init__(self, path: Path, account: AccountSpec) -> None:
        self.account = account
        self.out: IO[str] = path.open("w", encoding="ascii", newline="")
        self.seq = 0

    def statement(self, lines: list[Line], opening: int) -> int:
        self.seq += 1
        acct = self.account
        closing = opening + sum(x.amount for x in lines)
        rows = [
            f":20:STA{acct.key}{self.seq:06d}",
            f":25:{acct.iban}",
            f":28C:{self.seq:05d}/001",
            f":60F:{self._bal(opening, lines[0].booking)}",
        ]
        for x in lines:
            rows.append(self._line61(x))
            rows.extend(_wrap(":86:" + self._field86(x), 65))
        rows.append(f":62F:{self._bal(closing, lines[-1].booking)}")
        rows.append("-")
        self.out.write("\r\n".join(rows) + "\r\n")
        return closing

    def _bal(self, minor: int, day: date) -> str:
        mark = "C" if minor >= 0 else "D"
        return f"{mark}{day:%y%m%d}{self.account.currency}{_mt_amount(abs(minor))}"

    def _line61(self, x: Line) -> str:
        mark = ("RD" if x.amount > 0 else "RC") if x.reversal else ("C" if x.amount > 0 else "D")
        custref = (x.customer_ref or x.e2e or "NONREF")[:16]
        return (
            f":61:{x.value:%y%m%d}{x.booking:%m%d}{mark}{_mt_amount(abs(x.amount))}"
            f"NTRF{custref}//{x.ref}"
        )

    def _field86(self, x: Line) -> str:
        gvc, posting = _GVC[x.family]
        if x.customer_ref is not None:
            gvc, posting = "191", "SAMMEL-UEBERWEISUNG"
        sepa: list[str] = []
        if x.e2e:
            sepa.append(f"EREF+{x.e2e}")
        if x.family in ("RDDT", "RTRN"):
            sepa.append(f"MREF+M-{x.ref[-6:]}")
        if x.text:
            sepa.append(f"SVWZ+{x.text[:140]}")
        subfields = [f"?00{posting}", "?109310"]
        sepa = [_ascii(piece) for piece in sepa]
        chunks = [piece[i : i + 27] for piece in sepa for i in range(0, len(piece), 27)]
        codes = [f"{n}" for n in range(20, 30)] + ["60", "61", "62", "63"]
        subfields += [f"?{code}{chunk}" for code, chunk in zip(codes, chunks, strict=False)]
        if x.cp_iban:
            subfields.append(f"?30COBADEFFXXX?31{x.cp_iban}")
        name = _ascii(x.name or "")
        if name:
            subfields.append(f"?32{name[:27]}")
            if name[27:54]:
                subfields.append(f"?33{name[27:54]}")
        subfields.append("?34000")
        return gvc + "".join(subfields)

    def close(self) -> None:
        self.out.close()


def _ascii(text: str) -> str:
    """What a German bank prints: transliterated, ASCII only, no '?' (the field marker)."""
    text = transliterate(text).replace("?", ".").replace("\r", " ").replace("\n", " ")
    return text.encode("ascii", "replace").decode("ascii").replace("?", ".")


def _mt_amount(minor: int) -> str:
    return f"{minor // 100},{minor % 100:02d}"


def _wrap(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)]


# -- ledger, rates, truth ------------------------------------------------------------------
LEDGER_COLUMNS = (
    "id",
    "date",
    "amount",
    "currency",
    "account",
    "counterparty",
    "reference",
    "type",
    "description",
)


class LedgerWriter:
    def __init__(self, path: Path) -> None:
        self.out: IO[str] = path.open("w", encoding="utf-8", newline="")
        self.csv = csv.writer(self.out, lineterminator="\n")
        self.csv.writerow(LEDGER_COLUMNS)

    def write(self, records: Iterable[Record]) -> None:
        self.csv.writerows(
            (
                r.id,
                r.date.isoformat(),
                money(r.amount),
                r.currency,
                r.account,
                r.counterparty,
                r.reference,
                r.type,
                r.description,
            )
            for r in records
        )

    def close(self) -> None:
        self.out.close()


def write_rates(path: Path, rates: dict[tuple[date, str], Decimal]) -> None:
    """rates.csv per the contract: 1 base = rate quote on date."""
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(("date", "base", "quote", "rate"))
        for (day, ccy), rate in sorted(rates.items()):
            writer.writerow((day.isoformat(), ccy, "EUR", str(rate)))


class TruthWriter:
    """truth.json: a JSON list of {kind, bank_refs, ledger_ids, acceptable}, streamed."""

    def __init__(self, path: Path) -> None:
        self.out: IO[str] = path.open("w", encoding="utf-8")
        self.out.write("[")
        self.first = True

    def write(self, groups: Iterable[Group]) -> None:
        for g in groups:
            obj = {
                "kind": g.kind,
                "bank_refs": list(g.bank_refs),
                "ledger_ids": list(g.ledger_ids),
                "acceptable": g.acceptable.value,
            }
            self.out.write(("\n" if self.first else ",\n") + json.dumps(obj))
            self.first = False

    def close(self) -> None:
        self.out.write("\n]\n")
        self.out.close()
