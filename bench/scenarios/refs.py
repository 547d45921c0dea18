"""Invoice numbering schemes, the forms people type them in, and RF creditor references."""

from __future__ import annotations

import random
from dataclasses import dataclass

YEAR = 2025


@dataclass(frozen=True, slots=True)
class InvoiceNo:
    """An invoice number in one of the organisation's numbering schemes."""

    scheme: str  # "inv", "re", "bare"
    number: int

    @property
    def id(self) -> str:
        if self.scheme == "inv":
            return f"INV-{YEAR}-{self.number:05d}"
        if self.scheme == "re":
            return f"RE-{self.number}/{YEAR}"
        return str(self.number)


def typed_forms(no: InvoiceNo) -> tuple[str, ...]:
    """The ways a payer types this invoice number into a transfer."""
    n = no.number
    if no.scheme == "inv":
        return (
            no.id,
            no.id.lower(),
            f"inv {YEAR}/{n:05d}",
            f"INV{n:05d}",
            f"INV {YEAR} {n:05d}",
            f"Inv.-Nr. {YEAR}-{n:05d}",
        )
    if no.scheme == "re":
        return (no.id, f"Rechnung {n}/{YEAR}", f"RE {n}/{YEAR}", f"Rechnungsnr. {n}/{YEAR}")
    return (no.id, f"Rechnung {n}", f"RG {n}", f"Invoice no. {n}", f"Re-Nr.{n}")


_PREFIXES = ("", "", "Zahlung ", "Payment ", "Ihre ", "Begleichung ", "Kd-Nr {cust} ", "Ref. ")
_SUFFIXES = ("", "", " Danke", " vielen Dank", " abzgl. Skonto", " KD {cust}", " thx", " /ok")


def typed_reference(no: InvoiceNo, rng: random.Random, customer_no: str) -> str:
    """One invoice reference as a payer might type it, with a prefix and a suffix."""
    form = rng.choice(typed_forms(no))
    prefix = rng.choice(_PREFIXES).format(cust=customer_no)
    suffix = rng.choice(_SUFFIXES).format(cust=customer_no)
    return f"{prefix}{form}{suffix}"


def rf_reference(body: str) -> str:
    """An ISO 11649 structured creditor reference `RFkk<body>` with a valid check."""
    digits = "".join(str(int(ch, 36)) for ch in body + "RF00")
    check = 98 - int(digits) % 97
    return f"RF{check:02d}{body}"


def rf_is_valid(ref: str) -> bool:
    """True when `ref` (spaces allowed) passes the ISO 11649 mod-97 check."""
    compact = ref.replace(" ", "").upper()
    digits = "".join(str(int(ch, 36)) for ch in compact[4:] + compact[:4])
    return compact.startswith("RF") and int(digits) % 97 == 1


def rf_printed(ref: str) -> str:
    """The paper form of an RF reference: groups of four characters."""
    return " ".join(ref[i : i + 4] for i in range(0, len(ref), 4))
