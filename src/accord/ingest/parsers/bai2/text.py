"""What can safely be read out of the free text of a BAI2 transaction detail.

US banks put ACH addenda in the text as ``KEY:value`` pairs (``ORIG CO NAME:``,
``IND ID:``, ``TRACE#:``, ``ENTRY DESCR:``) and EDI 820 remittance as ``RMR*IV*...``
segments; some (Goldman Sachs) use short tags (``EREF:``, ``REMI:``, ``DBNM:``, ``CRNM:``,
``DACT:``...). Only these explicit markers are read; the whole text is always kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from accord.ingest.parsers.model import Party

_KEYS = (
    "ORIG CO NAME",
    "ORIG ID",
    "DESC DATE",
    "CO ENTRY DESCR",
    "ENTRY DESCR",
    "SEC",
    "EED",
    "IND ID",
    "IND NAME",
    "TRN",
    "EREF",
    "CREF",
    "REMI",
    "CRNM",
    "DBNM",
    "CACT",
    "DACT",
    "CABA",
    "DABA",
    "CBIC",
    "DBIC",
    "IDNM",
    "CHKN",
)
# Upper-case keys only, not preceded by a letter or digit, followed by a colon (TRACE#: or
# TRACE# alone), so prose such as "Entry Description:" is not mistaken for a key.
_KEY = re.compile(
    r"(?<![A-Za-z0-9#])(?:(?P<key>" + "|".join(re.escape(k) for k in _KEYS) + r")\s?:"
    r"|(?P<trace>TRACE#)\s?:?)"
)
_RMR = re.compile(r"RMR\*[A-Z0-9]{1,3}\*[^\s\\~]+")


@dataclass(frozen=True, slots=True)
class TextInfo:
    counterparty: Party | None
    end_to_end_id: str | None
    remittance: str


def key_values(text: str) -> dict[str, str]:
    """Each marked key with its value (up to the next key); the first occurrence wins."""
    found: dict[str, str] = {}
    matches = list(_KEY.finditer(text))
    if not matches:
        return found
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        end = following.start() if following is not None else len(text)
        key = match.group("key") or "TRACE#"
        value = text[match.end() : end].strip().rstrip(",;").strip()
        if value and key not in found:
            found[key] = value
    return found


def _counterparty(values: dict[str, str], credit: bool) -> Party | None:
    # For a credit the other side is the debtor (payer); for a debit the creditor (payee).
    side = "D" if credit else "C"
    name = values.get("ORIG CO NAME") or values.get("DBNM" if credit else "CRNM")
    account = values.get(f"{side}ACT")
    bank = values.get(f"{side}BIC") or values.get(f"{side}ABA")
    if name is None and account is None and bank is None:
        return None
    return Party(name=name, account=account, bank=bank)


def read_text(text: str, *, credit: bool) -> TextInfo:
    """Counterparty, end-to-end id and remittance from a detail text.

    The remittance is the EDI RMR segments or the REMI tag where the text has them, else
    the whole text. The end-to-end id is EREF, else the ACH trace number.
    """
    values = key_values(text)
    segments = _RMR.findall(text)
    remittance = " ".join(segments) if segments else values.get("REMI", text)
    trace = values.get("TRACE#", "").split()
    return TextInfo(
        counterparty=_counterparty(values, credit),
        end_to_end_id=values.get("EREF") or (trace[0] if trace else None),
        remittance=remittance,
    )
