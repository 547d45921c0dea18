"""Small camt documents for tests: a statement around the entries a test cares about."""

from __future__ import annotations

MESSAGES = {
    "052": ("BkToCstmrAcctRpt", "Rpt"),
    "053": ("BkToCstmrStmt", "Stmt"),
    "054": ("BkToCstmrDbtCdtNtfctn", "Ntfctn"),
}


def namespace(kind: str = "053", version: str = "08") -> str:
    return f"urn:iso:std:iso:20022:tech:xsd:camt.{kind}.001.{version}"


def balance(code: str, amount: str, indicator: str = "CRDT", currency: str = "EUR") -> str:
    return (
        f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>"
        f'<Amt Ccy="{currency}">{amount}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>'
        "<Dt><Dt>2024-03-15</Dt></Dt></Bal>"
    )


def entry(
    amount: str = "10.00",
    indicator: str = "CRDT",
    *,
    currency: str = "EUR",
    status: str = "<Sts>BOOK</Sts>",
    ref: str | None = None,
    details: str = "",
    extra: str = "",
    booking: str = "<BookgDt><Dt>2024-03-15</Dt></BookgDt>",
) -> str:
    """One Ntry; `details` goes inside NtryDtls, `extra` after the dates."""
    ref_xml = f"<AcctSvcrRef>{ref}</AcctSvcrRef>" if ref else ""
    details_xml = f"<NtryDtls>{details}</NtryDtls>" if details else ""
    return (
        f'<Ntry><Amt Ccy="{currency}">{amount}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>'
        f"{status}{booking}<ValDt><Dt>2024-03-16</Dt></ValDt>{ref_xml}{extra}"
        f"{details_xml}</Ntry>"
    )


def tx(amount: str | None = None, indicator: str | None = None, *, inner: str = "") -> str:
    """One TxDtls with an optional TxDtls/Amt and CdtDbtInd."""
    amount_xml = f'<Amt Ccy="EUR">{amount}</Amt>' if amount else ""
    indicator_xml = f"<CdtDbtInd>{indicator}</CdtDbtInd>" if indicator else ""
    return f"<TxDtls>{inner}{amount_xml}{indicator_xml}</TxDtls>"


def document(
    entries: str,
    *,
    kind: str = "053",
    version: str = "08",
    balances: str = "",
    statement_id: str = "S1",
    account: str = "<Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy>",
    statements: int = 1,
) -> bytes:
    """A camt document of `kind` with `statements` copies of one statement."""
    message, statement = MESSAGES[kind]
    body = "".join(
        f"<{statement}><Id>{statement_id}</Id><ElctrncSeqNb>7</ElctrncSeqNb>"
        "<CreDtTm>2024-03-15T18:00:00+01:00</CreDtTm>"
        f"<Acct>{account}</Acct>{balances}{entries}</{statement}>"
        for _ in range(statements)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="{namespace(kind, version)}">'
        f"<{message}><GrpHdr><MsgId>M1</MsgId><CreDtTm>2024-03-15T18:00:00</CreDtTm></GrpHdr>"
        f"{body}</{message}></Document>\n"
    ).encode()
