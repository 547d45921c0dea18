"""Parser speed: Accord's camt.053 and MT940 parsers against the cost of merely reading.

    python bench/bench_parsers.py --lines 100000

Generates (in a temporary folder, from a fixed seed) one camt.053 file and one MT940 file
of N bank lines each, with realistic content (names, IBANs, invoice numbers in the
remittance, end-to-end ids, batch entries), then measures for each format:

- the floor: the least work that reads the file (camt: lxml iterparse clearing each Ntry;
  MT940: bytes.split on lines),
- Accord: the full parse through ``read_statement_file`` (detection, parse, balance check),

printing seconds, lines per second, the ratio to the floor and the peak RSS. Each
measurement runs in a fresh process so its peak RSS is its own.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

CAMT_NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"
LINES_PER_STATEMENT = 10_000
OWN_IBAN = "DE89370400440532013000"
OWN_BIC = "COBADEFFXXX"

FIRST = ("Anna", "Jan", "Marie", "Lukas", "Sofia", "Pierre", "Emma", "Noah", "Lena", "Tomas")
LAST = ("Müller", "de Vries", "Dubois", "Rossi", "García", "Nowak", "Jansen", "Schmidt")
COMPANY = ("Acme", "Nordwind", "Blue Harbor", "Kraft & Söhne", "Atlas", "Meridian", "Vega")
SUFFIX = ("GmbH", "B.V.", "SARL", "S.p.A.", "Ltd", "AG", "& Co. KG")
CITIES = (("Berlin", "DE"), ("Amsterdam", "NL"), ("Lyon", "FR"), ("Milano", "IT"))
BICS = ("DEUTDEFFXXX", "INGBNL2AXXX", "BNPAFRPPXXX", "UNCRITMMXXX", "ABNANL2AXXX")


# --- realistic values -----------------------------------------------------------------


def _mod97(digits: str) -> int:
    return int(digits) % 97


def _alnum_to_digits(text: str) -> str:
    return "".join(str(int(ch, 36)) for ch in text)


def make_iban(rng: random.Random) -> str:
    """A well-formed IBAN (valid check digits) of a random country."""
    country, length = rng.choice((("DE", 18), ("NL", 14), ("FR", 23), ("IT", 23)))
    bban = "".join(rng.choice("0123456789") for _ in range(length))
    check = 98 - _mod97(_alnum_to_digits(bban + country + "00"))
    return f"{country}{check:02d}{bban}"


def make_rf(rng: random.Random) -> str:
    """An ISO 11649 structured creditor reference (RF + check digits + reference)."""
    body = f"INV{rng.randrange(10**8):08d}"
    check = 98 - _mod97(_alnum_to_digits(body + "RF00"))
    return f"RF{check:02d}{body}"


def make_name(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    return f"{rng.choice(COMPANY)} {rng.choice(SUFFIX)}"


def make_remittance(rng: random.Random) -> str:
    invoice = f"INV-2024-{rng.randrange(100000):05d}"
    return rng.choice(
        (
            f"Invoice {invoice}",
            f"Payment {invoice} customer {rng.randrange(10000)}",
            f"RE {rng.randrange(10**6):06d} Rechnung vom 12.03.2024",
            f"Order {rng.randrange(10**7)} / {invoice} thank you",
        )
    )


def make_amount(rng: random.Random) -> Decimal:
    return Decimal(rng.randrange(100, 2_500_000)).scaleb(-2)


# --- camt.053 -------------------------------------------------------------------------


@dataclass(frozen=True)
class Tx:
    amount: Decimal  # signed, account holder's view
    name: str
    iban: str
    bic: str
    e2e: str
    remittance: str
    structured: str | None
    mandate: str | None


def make_tx(rng: random.Random, n: int, sign: int) -> Tx:
    return Tx(
        amount=make_amount(rng) * sign,
        name=make_name(rng),
        iban=make_iban(rng),
        bic=rng.choice(BICS),
        e2e=f"E2E-{rng.randrange(10**10):010d}" if rng.random() < 0.8 else "NOTPROVIDED",
        remittance=make_remittance(rng),
        structured=make_rf(rng) if rng.random() < 0.3 else None,
        mandate=f"MNDT-{n:08d}" if sign < 0 and rng.random() < 0.5 else None,
    )


def camt_tx_xml(tx: Tx, n: int, in_batch: bool) -> str:
    side, agent = ("Dbtr", "DbtrAgt") if tx.amount > 0 else ("Cdtr", "CdtrAgt")
    city, country = CITIES[n % len(CITIES)]
    refs = f"<AcctSvcrRef>TX{n:09d}</AcctSvcrRef>" if in_batch else ""
    refs += f"<EndToEndId>{tx.e2e}</EndToEndId>"
    refs += f"<MndtId>{tx.mandate}</MndtId>" if tx.mandate else ""
    cdtdbt = "CRDT" if tx.amount > 0 else "DBIT"
    remittance = f"<Ustrd>{escape(tx.remittance)}</Ustrd>"
    if tx.structured:
        remittance += (
            "<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>ISO</Issr></Tp>"
            f"<Ref>{tx.structured}</Ref></CdtrRefInf></Strd>"
        )
    return (
        f"<TxDtls><Refs>{refs}</Refs>"
        f'<Amt Ccy="EUR">{abs(tx.amount)}</Amt><CdtDbtInd>{cdtdbt}</CdtDbtInd>'
        f'<AmtDtls><TxAmt><Amt Ccy="EUR">{abs(tx.amount)}</Amt></TxAmt></AmtDtls>'
        f"<RltdPties><{side}><Pty><Nm>{escape(tx.name)}</Nm><PstlAdr><StrtNm>Hauptstrasse"
        f"</StrtNm><BldgNb>{n % 200}</BldgNb><PstCd>{10000 + n % 80000}</PstCd><TwnNm>{city}"
        f"</TwnNm><Ctry>{country}</Ctry></PstlAdr></Pty></{side}>"
        f"<{side}Acct><Id><IBAN>{tx.iban}</IBAN></Id></{side}Acct></RltdPties>"
        f"<RltdAgts><{agent}><FinInstnId><BICFI>{tx.bic}</BICFI></FinInstnId></{agent}>"
        f"</RltdAgts><RmtInf>{remittance}</RmtInf></TxDtls>"
    )


def camt_entry_xml(txs: list[Tx], n: int) -> str:
    total = sum((tx.amount for tx in txs), Decimal(0))
    cdtdbt = "CRDT" if total > 0 else "DBIT"
    domain = "RCDT" if total > 0 else ("RDDT" if txs[0].mandate else "ICDT")
    batch = f"<Btch><NbOfTxs>{len(txs)}</NbOfTxs></Btch>" if len(txs) > 1 else ""
    details = "".join(camt_tx_xml(tx, n * 10 + i, len(txs) > 1) for i, tx in enumerate(txs))
    return (
        f'<Ntry><NtryRef>{n}</NtryRef><Amt Ccy="EUR">{abs(total)}</Amt>'
        f"<CdtDbtInd>{cdtdbt}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>"
        "<BookgDt><Dt>2024-03-15</Dt></BookgDt><ValDt><Dt>2024-03-15</Dt></ValDt>"
        f"<AcctSvcrRef>NTRY{n:09d}</AcctSvcrRef>"
        f"<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>{domain}</Cd><SubFmlyCd>ESCT</SubFmlyCd>"
        "</Fmly></Domn><Prtry><Cd>NTRF+166</Cd><Issr>DK</Issr></Prtry></BkTxCd>"
        f"<NtryDtls>{batch}{details}</NtryDtls>"
        "<AddtlNtryInf>SEPA Credit Transfer</AddtlNtryInf></Ntry>\n"
    )


def camt_entries(rng: random.Random, lines: int) -> Iterator[list[Tx]]:
    """Entries of 1 transaction, with a batch of 2-5 transactions now and then."""
    made = 0
    while made < lines:
        size = rng.randint(2, 5) if rng.random() < 0.03 else 1
        size = min(size, lines - made)
        sign = 1 if rng.random() < 0.7 else -1
        yield [make_tx(rng, made + i, sign) for i in range(size)]
        made += size


def camt_statement_xml(index: int, opening: Decimal, entries: list[list[Tx]]) -> str:
    closing = opening + sum((tx.amount for txs in entries for tx in txs), Decimal(0))
    body = "".join(camt_entry_xml(txs, index * 1_000_000 + i) for i, txs in enumerate(entries))

    def balance(code: str, amount: Decimal) -> str:
        ind = "CRDT" if amount >= 0 else "DBIT"
        return (
            f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>"
            f'<Amt Ccy="EUR">{abs(amount)}</Amt><CdtDbtInd>{ind}</CdtDbtInd>'
            "<Dt><Dt>2024-03-15</Dt></Dt></Bal>\n"
        )

    return (
        f"<Stmt><Id>STMT-2024-{index:04d}</Id><ElctrncSeqNb>{index + 1}</ElctrncSeqNb>"
        "<CreDtTm>2024-03-15T23:59:00+01:00</CreDtTm>"
        "<FrToDt><FrDtTm>2024-03-15T00:00:00+01:00</FrDtTm>"
        "<ToDtTm>2024-03-15T23:59:59+01:00</ToDtTm></FrToDt>"
        f"<Acct><Id><IBAN>{OWN_IBAN}</IBAN></Id><Ccy>EUR</Ccy>"
        f"<Svcr><FinInstnId><BICFI>{OWN_BIC}</BICFI></FinInstnId></Svcr></Acct>\n"
        f"{balance('OPBD', opening)}{balance('CLBD', closing)}{body}</Stmt>\n"
    )


def write_camt(path: Path, lines: int, rng: random.Random) -> None:
    """A camt.053.001.08 file of `lines` bank lines, statements of 10,000 lines."""
    with path.open("w", encoding="utf-8") as out:
        out.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="{CAMT_NS}">')
        out.write("<BkToCstmrStmt><GrpHdr><MsgId>BENCH-1</MsgId>")
        out.write("<CreDtTm>2024-03-16T06:00:00+01:00</CreDtTm></GrpHdr>\n")
        opening = Decimal("100000.00")
        chunk: list[list[Tx]] = []
        count, index = 0, 0
        for txs in camt_entries(rng, lines):
            chunk.append(txs)
            count += len(txs)
            if count >= LINES_PER_STATEMENT:
                out.write(camt_statement_xml(index, opening, chunk))
                opening += sum((tx.amount for e in chunk for tx in e), Decimal(0))
                chunk, count, index = [], 0, index + 1
        if chunk:
            out.write(camt_statement_xml(index, opening, chunk))
        out.write("</BkToCstmrStmt></Document>\n")


# --- MT940 ----------------------------------------------------------------------------


def mt940_amount(amount: Decimal) -> str:
    return f"{abs(amount):.2f}".replace(".", ",")


def mt940_86(tx: Tx) -> str:
    """German structured :86: (GVC, ?20-?29 purpose with EREF+/SVWZ+, ?30-?32 party)."""
    gvc = "166" if tx.amount > 0 else "105"
    purpose = f"EREF+{tx.e2e}" + (f"MREF+{tx.mandate}" if tx.mandate else "")
    purpose += f"SVWZ+{tx.remittance}"
    parts = [purpose[i : i + 27] for i in range(0, len(purpose), 27)][:10]
    fields = f"{gvc}?00SEPA-UEBERWEISUNG" + "".join(
        f"?{20 + i}{part}" for i, part in enumerate(parts)
    )
    fields += f"?30{tx.bic[:8]}?31{tx.iban}?32{tx.name[:27]}"
    return "\n".join(wrap65(fields))


def wrap65(text: str) -> list[str]:
    """Cut into lines of at most 65 characters, none starting with ':' or '-' (tag marks)."""
    lines: list[str] = []
    while len(text) > 65:
        cut = 65
        while text[cut] in ":-":
            cut -= 1
        lines.append(text[:cut])
        text = text[cut:]
    return [*lines, text]


def write_mt940(path: Path, lines: int, rng: random.Random) -> None:
    """An MT940 file of `lines` transactions, statements of 10,000 transactions."""
    balance = Decimal("100000.00")
    with path.open("w", encoding="utf-8", newline="\r\n") as out:
        for index, start in enumerate(range(0, lines, LINES_PER_STATEMENT)):
            size = min(LINES_PER_STATEMENT, lines - start)
            sign = "C" if balance >= 0 else "D"
            out.write(f":20:STMT{index:06d}\n:25:37040044/0532013000\n")
            out.write(f":28C:{index + 1:05d}/1\n:60F:{sign}240315EUR{mt940_amount(balance)}\n")
            for n in range(start, start + size):
                tx = make_tx(rng, n, 1 if rng.random() < 0.7 else -1)
                mark = "C" if tx.amount > 0 else "D"
                ref = tx.e2e[:16] if tx.e2e != "NOTPROVIDED" else "NONREF"
                out.write(f":61:2403150315{mark}{mt940_amount(tx.amount)}NTRF{ref}")
                out.write(f"//B{n:010d}\n:86:{mt940_86(tx)}\n")
                balance += tx.amount
            sign = "C" if balance >= 0 else "D"
            out.write(f":62F:{sign}240315EUR{mt940_amount(balance)}\n-\n")


# --- measurements ---------------------------------------------------------------------


def floor_camt(path: Path) -> int:
    """Read the camt file with lxml iterparse, clearing each entry: the least XML work.

    Returns the number of entries (a batch entry holds several lines).
    """
    from lxml import etree

    count = 0
    for _, elem in etree.iterparse(str(path), tag=f"{{{CAMT_NS}}}Ntry"):
        count += 1
        elem.clear()
        while elem.getprevious() is not None:
            del elem.getparent()[0]
    return count


def floor_mt940(path: Path) -> int:
    """Read the MT940 file and split it into lines: the least text work."""
    data = path.read_bytes()
    return sum(1 for line in data.split(b"\n") if line.startswith(b":61:"))


def accord_parse(path: Path) -> int:
    """The full parse through Accord's one entry point."""
    from accord.ingest.parsers import read_statement_file

    with path.open("rb") as stream:
        parsed = read_statement_file(stream, filename=path.name)
    return sum(len(statement.lines) for statement in parsed.statements)


@dataclass(frozen=True)
class Measured:
    wall: float  # seconds
    cpu: float  # seconds of this process's CPU: steadier than wall time on a shared box
    lines: int
    peak_kib: int


def _timed(func: Callable[[Path], int], path: Path) -> Measured:
    wall, cpu = time.perf_counter(), time.process_time()
    count = func(path)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return Measured(wall, cpu, count, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def measure(func: Callable[[Path], int], path: Path) -> Measured:
    """Time func(path) in a fresh process, so the peak RSS is its own."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        return pool.apply(_timed, (func, path))


def report(label: str, lines: int, floor: Measured, full: Measured) -> None:
    """One row each for the floor and Accord; lines/s counts the file's N bank lines."""
    for name, m in (("floor", floor), ("accord", full)):
        print(
            f"{label:6} {name:6} wall {m.wall:7.3f} s  cpu {m.cpu:7.3f} s  "
            f"{lines / m.cpu:10,.0f} lines/s (cpu)  x{m.cpu / floor.cpu:5.2f} of floor (cpu), "
            f"x{m.wall / floor.wall:5.2f} (wall)  peak RSS {m.peak_kib / 1024:6.1f} MiB  "
            f"(counted {m.lines})"
        )


def mt940_ready() -> bool:
    try:
        import accord.ingest.parsers.mt940  # noqa: F401
    except ImportError as error:
        print(f"MT940 skipped: Accord's MT940 parser is not importable yet ({error})")
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20240315)
    parser.add_argument("--only", choices=("camt", "mt940"), default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="accord-bench-") as tmp:
        camt_path, mt940_path = Path(tmp) / "bench.camt053.xml", Path(tmp) / "bench.sta"
        if args.only in (None, "camt"):
            write_camt(camt_path, args.lines, random.Random(args.seed))
            print(f"camt.053: {camt_path.stat().st_size / 2**20:.1f} MiB, {args.lines} lines")
            floor, full = measure(floor_camt, camt_path), measure(accord_parse, camt_path)
            report("camt", args.lines, floor, full)
        if args.only in (None, "mt940") and mt940_ready():
            write_mt940(mt940_path, args.lines, random.Random(args.seed))
            print(f"MT940: {mt940_path.stat().st_size / 2**20:.1f} MiB, {args.lines} lines")
            floor, full = measure(floor_mt940, mt940_path), measure(accord_parse, mt940_path)
            report("mt940", args.lines, floor, full)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
