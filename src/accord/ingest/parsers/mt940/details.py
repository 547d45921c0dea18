"""Decode ``:86:`` information to the account owner, in the three shapes banks use.

1. German structured (DFÜ-Abkommen / DK): ``166?00GUTSCHRIFT?100399?20EREF+...?32NAME``:
   a 3-digit business transaction code (GVC), then ``?NN`` sub-fields (Triodos writes
   ``>NN``). ``?20``-``?29`` and ``?60``-``?63`` are purpose lines of up to 27 characters
   that carry SEPA keywords (``EREF+``, ``MREF+``, ``SVWZ+`` ...).
2. Dutch / SWIFT keyword style: ``/EREF/...//CNTP/IBAN/BIC/NAME/CITY//REMI/USTD//text/``.
3. Anything else is free text.

Lines are joined without a separator in the structured shapes (their line breaks are
wraps at a fixed width, even inside words), and in free text only where a line is full
(65 characters); elsewhere a line break is a space.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

LINE_WIDTH = 65
PIECE_WIDTH = 27

_DK_START = re.compile(r"\s*(\d{3})([?>])(\d{2})", re.ASCII)
_SEPA_KEY = re.compile(
    r"(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|IBAN|BIC |BIC|PURP|MDAT|DDAT|SQTP|ORCR|ORMR"
    r"|COAM|OAMT)\+"
)
# Keyword values that are identifiers end with their sub-field unless it is full.
_TEXT_KEYS = frozenset({"SVWZ", "ABWA", "ABWE", ""})
_REMITTANCE_KEYS = frozenset({"SVWZ", ""})
_SWIFT_KEYS = (  # noqa: SIM905 - a word list reads better than 33 quoted items
    "EREF MARF CSID CNTP REMI PREF RTRN BENM ORDP NAME ADDR ISDT IBAN BIC ID PURP ULTB ULTD "
    "ULTC TRCD TRTP SUM IREF CREF OCMT CHGS EXCH SVCL ATRN BUSP CDTRREF CDTRREFTP ISSR"
).split()
_SWIFT_KEY = re.compile("/(" + "|".join(_SWIFT_KEYS) + ")/")
_SWIFT_START = re.compile(r"\s*/(" + "|".join(_SWIFT_KEYS) + ")/")
_RF_TOKEN = re.compile(r"RF\d{2}[0-9A-Z]*", re.ASCII)
_RF_MAX = 25
_NOT_PROVIDED = "NOTPROVIDED"
_CONTROL = re.compile(r"[\x00-\x1f]")
_SPLITTERS = {sep: re.compile(re.escape(sep) + r"(\d{2})", re.ASCII) for sep in "?>"}


class Details(NamedTuple):
    """What a ``:86:`` says about its line; every field is None where it is absent."""

    gvc: str | None = None
    booking_text: str | None = None
    end_to_end_id: str | None = None
    mandate_id: str | None = None
    customer_ref: str | None = None
    creditor_reference: str | None = None
    remittance: str | None = None
    counterparty_name: str | None = None
    counterparty_account: str | None = None
    counterparty_bank: str | None = None


_EMPTY = Details()


def decode(lines: Sequence[str]) -> Details:
    """Decode the lines of one or more ``:86:`` fields of a statement line."""
    lines = [line for line in lines if line.strip()]
    if not lines:
        return _EMPTY
    joined = "".join(lines)
    if _CONTROL.search(joined):
        lines = [_CONTROL.sub(" ", line) for line in lines]
        joined = "".join(lines)
    dk = _DK_START.match(joined)
    if dk is not None:
        return _decode_dk(joined[dk.start(2) :], dk[1], dk[2])
    if _SWIFT_START.match(joined):
        return _decode_swift_keys(joined.strip())
    text = join_free_text(lines)
    return Details(remittance=text or None, creditor_reference=find_rf_reference(text))


def join_free_text(lines: Iterable[str]) -> str:
    """Join free-text lines: directly after a full (65-character) line, else with a space."""
    parts: list[str] = []
    full = False
    for line in lines:
        line = line.rstrip()
        if not line:
            continue
        if not parts or full:
            parts.append(line if parts else line.strip())
        else:
            parts.append(" " + line.lstrip())
        full = len(line) >= LINE_WIDTH
    return "".join(parts)


def join_pieces(pieces: Iterable[str]) -> str:
    """Join 27-character sub-fields: directly after a full one, else with a space."""
    return " ".join([run.strip() for run in _runs(list(pieces))]).strip()


def _decode_dk(text: str, gvc: str, separator: str) -> Details:
    fields: dict[str, str] = {}
    purpose: list[str] = []
    names: list[str] = []
    for code, value in _subfields(text, separator):
        if code[0] in "26" and code < "64":
            purpose.append(value)
        elif code in ("32", "33"):
            names.append(value)
        fields.setdefault(code, value)
    keyed = _sepa_keywords(purpose)
    remittance = " ".join([v for k, v in keyed if k in _REMITTANCE_KEYS and v]) or None
    first: dict[str, str] = {}
    for key, value in keyed:
        if value:
            first.setdefault(key, value)
    name = " ".join(join_pieces(names).split()) if names else ""
    return Details(
        gvc=gvc,
        booking_text=_clean(fields.get("00")),
        end_to_end_id=_identifier(first.get("EREF")),
        mandate_id=_clean(first.get("MREF")),
        customer_ref=_clean(first.get("KREF")),
        creditor_reference=find_rf_reference(remittance) if remittance else None,
        remittance=remittance,
        counterparty_name=name or None,
        counterparty_account=_first(fields.get("31"), fields.get("38"), first.get("IBAN")),
        counterparty_bank=_first(fields.get("30"), first.get("BIC"), first.get("BIC ")),
    )


def _subfields(text: str, separator: str) -> list[tuple[str, str]]:
    """``?NN`` sub-fields in order of appearance; a separator not before 2 digits is text."""
    parts = _SPLITTERS[separator].split(text)
    return list(zip(parts[1::2], parts[2::2], strict=True))


def _sepa_keywords(pieces: list[str]) -> list[tuple[str, str]]:
    """Split purpose pieces into (keyword, value); "" is text outside any keyword.

    A full (27-character) piece was wrapped, so it runs on into the next without a
    separator; such runs are read as one text. Keywords are found anywhere in a run
    (most banks start each on a new piece, some pack them: ``EREF+X MREF+Y``). An
    identifier keyword's value ends with its run; a text keyword (SVWZ, ABWA, ABWE) and
    text outside keywords go on into the next run after a space.
    """
    keyed: list[tuple[str, list[str]]] = []
    for run in _runs(pieces):
        parts = _SEPA_KEY.split(run)
        head = parts[0].strip()
        if head or len(parts) == 1:
            if keyed and keyed[-1][0] in _TEXT_KEYS:
                keyed[-1][1].append(head)
            else:
                keyed.append(("", [head]))
        for index in range(1, len(parts), 2):
            keyed.append((parts[index], [parts[index + 1].strip()]))
    return [
        (key, values[0] if len(values) == 1 else " ".join([v for v in values if v]))
        for key, values in keyed
    ]


def _runs(pieces: list[str]) -> list[str]:
    """Pieces joined directly after full ones: each run is text that was wrapped."""
    runs: list[str] = []
    full = False
    for piece in pieces:
        if full:
            runs[-1] += piece
        else:
            runs.append(piece)
        full = len(piece) >= PIECE_WIDTH
    return runs


def _decode_swift_keys(text: str) -> Details:
    values = _swift_values(text)
    cntp = values.get("CNTP", "").split("/")
    remittance, structured = _remittance(values.get("REMI", ""))
    name = values.get("NAME") or (cntp[2] if len(cntp) > 2 else "")
    return Details(
        end_to_end_id=_identifier(values.get("EREF")),
        mandate_id=_clean(values.get("MARF")),
        creditor_reference=structured or find_rf_reference(remittance or ""),
        remittance=remittance,
        counterparty_name=" ".join(name.split()) or None,
        counterparty_account=_first(values.get("IBAN"), cntp[0]),
        counterparty_bank=_first(values.get("BIC"), cntp[1] if len(cntp) > 1 else None),
    )


def _swift_values(text: str) -> dict[str, str]:
    """First value of each ``/KEY/`` in the text, with trailing slashes removed."""
    matches = list(_SWIFT_KEY.finditer(text))
    values: dict[str, str] = {}
    for found, following in zip(matches, [*matches[1:], None], strict=False):
        end = following.start() if following is not None else len(text)
        values.setdefault(found[1], text[found.end() : end].rstrip("/ ").strip())
    return values


def _remittance(value: str) -> tuple[str | None, str | None]:
    """(unstructured text, structured reference) of a ``/REMI/`` value.

    ``USTD//text`` is text; ``STRD/CUR/ref`` or ``STRD/ISO/ref`` is a creditor reference.
    """
    kind, _, rest = value.partition("/")
    if kind == "USTD":
        return _clean(rest.lstrip("/")), None
    if kind == "STRD":
        return None, _clean(rest.partition("/")[2].strip("/"))
    return _clean(value), None


def find_rf_reference(text: str) -> str | None:
    """The first valid ISO 11649 creditor reference (RF + check digits) in a text.

    The printed form groups it in fours (``RF18 5390 0754 7034``); the reference is
    accepted only when its mod-97 check digits are right.
    """
    if "RF" not in text:
        return None
    tokens = [token.strip(".,;:()[]") for token in text.split()]
    for index, token in enumerate(tokens):
        if _RF_TOKEN.fullmatch(token) is None:
            continue
        candidate, best = token, None
        for following in tokens[index + 1 : index + 7]:
            if _is_rf(candidate):
                best = candidate
            candidate += following
            if len(candidate) > _RF_MAX:
                break
        if _is_rf(candidate):
            best = candidate
        if best is not None:
            return best
    return None


def _is_rf(text: str) -> bool:
    if not (5 <= len(text) <= _RF_MAX) or not text.isalnum() or not text.isascii():
        return False
    digits = "".join(str(int(char, 36)) for char in text[4:].upper() + text[:4])
    return int(digits) % 97 == 1


def _identifier(text: str | None) -> str | None:
    value = _clean(text)
    return None if value is None or value.upper() == _NOT_PROVIDED else value


def _first(*texts: str | None) -> str | None:
    for text in texts:
        value = _clean(text)
        if value is not None:
            return value
    return None


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.strip()
    return text or None
