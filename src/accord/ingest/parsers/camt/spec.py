"""Which camt elements are read, and a fast walk that collects them.

A spec maps an element's local name to a rule: a key (keep the text), a nested spec
(descend), or a marker (keep the amount with its currency, collect repeated texts or
elements). `compile_spec` turns local names into the namespaced tags of one document once,
so the walk compares plain strings; the walk visits only the branches a spec names, which
is much faster than one `findtext` per field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import TypeAlias

from lxml import etree


@dataclass(frozen=True, slots=True)
class Amount:
    """Keep (text, Ccy attribute) of an amount element; the first one wins."""

    key: str


@dataclass(frozen=True, slots=True)
class Amounts:
    """Collect (text, Ccy) of every matching amount element."""

    key: str


@dataclass(frozen=True, slots=True)
class Texts:
    """Collect the text of every matching element (e.g. several Ustrd lines)."""

    key: str


@dataclass(frozen=True, slots=True)
class Elements:
    """Collect the elements themselves, to be walked with their own spec."""

    key: str


@dataclass(frozen=True, slots=True)
class TextAnd:
    """Keep the element's own text and descend into it (Sts: text before 2019, Cd after)."""

    key: str
    spec: Spec
    level: Level | None = field(default=None, compare=False)


Rule: TypeAlias = "str | Marker | Spec"
Spec: TypeAlias = "dict[str, Rule]"
AmountText: TypeAlias = tuple[str | None, str | None]


@dataclass(slots=True)
class Found:
    """What a walk found: first texts, first amounts, and repeated values."""

    texts: dict[str, str | None] = field(default_factory=dict)
    amounts: dict[str, AmountText] = field(default_factory=dict)
    many_texts: dict[str, list[str | None]] = field(default_factory=dict)
    many_amounts: dict[str, list[AmountText]] = field(default_factory=dict)
    elements: dict[str, list[etree._Element]] = field(default_factory=dict)


# A spec compiled for one namespace: per level, leaf tags -> key, branch tags -> the
# level below, and marker tags -> marker. Three dicts make the common case (a leaf) one
# lookup.
Level: TypeAlias = "tuple[dict[str, str], dict[str, Level], dict[str, Marker]]"
Marker: TypeAlias = "Amount | Amounts | Texts | Elements | TextAnd"


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    return text.strip() or None


def walk(element: etree._Element, level: Level, found: Found) -> Found:
    """Collect what `level` names below `element` into `found` (first value wins).

    Texts are stored stripped, blank as None. This runs for every element of every
    entry, so it is written for speed: one dict lookup per child in the common case.
    """
    leaves, branches, markers = level
    texts = found.texts
    # A slice: lxml lists the children in C, where setting up an iterator costs more
    # (parsing 20k lines: 5.6% fewer instructions). The stubs only know an int index.
    for child in element[:]:  # type: ignore[index]
        tag = child.tag
        key = leaves.get(tag)
        if key is not None:
            if key not in texts:
                text = child.text
                texts[key] = text.strip() or None if text else None
            continue
        branch = branches.get(tag)
        if branch is not None:
            walk(child, branch, found)
            continue
        marker = markers.get(tag)
        if marker is not None:
            _apply_marker(child, marker, found)
    return found


def _apply_marker(child: etree._Element, marker: Marker, found: Found) -> None:
    if isinstance(marker, Amount):
        found.amounts.setdefault(marker.key, (child.text, child.get("Ccy")))
    elif isinstance(marker, Amounts):
        found.many_amounts.setdefault(marker.key, []).append((child.text, child.get("Ccy")))
    elif isinstance(marker, Texts):
        found.many_texts.setdefault(marker.key, []).append(_clean(child.text))
    elif isinstance(marker, Elements):
        found.elements.setdefault(marker.key, []).append(child)
    else:
        found.texts.setdefault(marker.key, _clean(child.text))
        if marker.level is not None:
            walk(child, marker.level, found)


def _compile(spec: Spec, prefix: str) -> Level:
    leaves: dict[str, str] = {}
    branches: dict[str, Level] = {}
    markers: dict[str, Marker] = {}
    for name, rule in spec.items():
        tag = prefix + name
        if isinstance(rule, str):
            leaves[tag] = rule
        elif isinstance(rule, dict):
            branches[tag] = _compile(rule, prefix)
        elif isinstance(rule, TextAnd):
            markers[tag] = TextAnd(rule.key, rule.spec, _compile(rule.spec, prefix))
        else:
            markers[tag] = rule
    return leaves, branches, markers


@cache
def compile_spec(name: str, namespace: str) -> Level:
    """The spec `name` (a key of SPECS) for tags in `namespace` ("" for none)."""
    return _compile(SPECS[name], f"{{{namespace}}}" if namespace else "")


def _party(side: str) -> Spec:
    # Before 2019 the name is Dbtr/Nm; from camt.05x.001.08 on it is Dbtr/Pty/Nm.
    return {"Nm": f"{side}.name", "Pty": {"Nm": f"{side}.name"}}


def _account(side: str) -> Spec:
    return {"Id": {"IBAN": f"{side}.account", "Othr": {"Id": f"{side}.account"}}}


def _agent(side: str) -> Spec:
    return {
        "FinInstnId": {
            "BIC": f"{side}.bic",
            "BICFI": f"{side}.bic",
            "ClrSysMmbId": {"MmbId": f"{side}.member"},
        }
    }


def _amount_details() -> Spec:
    rate: Spec = {"XchgRate": "rate"}
    return {
        "InstdAmt": {"Amt": Amount("instructed"), "CcyXchg": rate},
        "TxAmt": {"Amt": Amount("tx_amount"), "CcyXchg": rate},
        "CntrValAmt": {"Amt": Amount("counter_value"), "CcyXchg": rate},
    }


def _bank_code() -> Spec:
    return {
        "Domn": {"Cd": "bk.domain", "Fmly": {"Cd": "bk.family", "SubFmlyCd": "bk.sub"}},
        "Prtry": {"Cd": "bk.prtry", "Issr": "bk.issuer"},
    }


def _charges() -> Spec:
    # camt.05x.001.02 repeats Chrgs with an Amt each; later versions use Chrgs/Rcrd/Amt.
    return {
        "TtlChrgsAndTaxAmt": Amount("charges_total"),
        "Amt": Amounts("charges"),
        "Rcrd": {"Amt": Amounts("charges")},
    }


SPECS: dict[str, Spec] = {
    "statement": {
        "Id": "id",
        "ElctrncSeqNb": "electronic_seq",
        "LglSeqNb": "legal_seq",
        "CreDtTm": "created",
        "FrToDt": {"FrDtTm": "from", "ToDtTm": "to"},
        "Acct": {
            "Id": {"IBAN": "iban", "Othr": {"Id": "number"}},
            "Ccy": "currency",
            "Nm": "name",
            "Ownr": {"Nm": "owner"},
            "Svcr": {"FinInstnId": {"BIC": "bic", "BICFI": "bic"}},
        },
        "Bal": Elements("balances"),
    },
    "balance": {
        "Tp": {"CdOrPrtry": {"Cd": "code", "Prtry": "proprietary"}},
        "Amt": Amount("amount"),
        "CdtDbtInd": "indicator",
        "Dt": {"Dt": "date", "DtTm": "datetime"},
    },
    "entry": {
        "Amt": Amount("amount"),
        "CdtDbtInd": "indicator",
        "RvslInd": "reversal",
        "Sts": TextAnd("status", {"Cd": "status.code", "Prtry": "status.code"}),
        "BookgDt": {"Dt": "booking", "DtTm": "booking.time"},
        "ValDt": {"Dt": "value", "DtTm": "value.time"},
        "AcctSvcrRef": "ref",
        "BkTxCd": _bank_code(),
        "AmtDtls": _amount_details(),
        "Chrgs": _charges(),
        "NtryDtls": {"TxDtls": Elements("txs")},
        "AddtlNtryInf": "info",
    },
    "transaction": {
        "Refs": {
            "AcctSvcrRef": "ref",
            "EndToEndId": "e2e",
            "MndtId": "mandate",
            "InstrId": "instruction",
        },
        "Amt": Amount("amount"),
        "CdtDbtInd": "indicator",
        "AmtDtls": _amount_details(),
        "BkTxCd": _bank_code(),
        "Chrgs": _charges(),
        "RltdPties": {
            "Dbtr": _party("dbtr"),
            "DbtrAcct": _account("dbtr"),
            "UltmtDbtr": _party("ultimate_dbtr"),
            "Cdtr": _party("cdtr"),
            "CdtrAcct": _account("cdtr"),
            "UltmtCdtr": _party("ultimate_cdtr"),
        },
        "RltdAgts": {"DbtrAgt": _agent("dbtr"), "CdtrAgt": _agent("cdtr")},
        "RmtInf": {"Ustrd": Texts("unstructured"), "Strd": {"CdtrRefInf": {"Ref": "creditor_ref"}}},
        "AddtlTxInf": "info",
    },
}
