"""Normalising references and names, once per input value.

References are compared as keys: upper-case letters and digits with every separator
removed (`INV-2025-00123`, `inv 2025/00123` and `INV 2025 00123` all give `INV202500123`).
A reference also splits into segments (maximal runs of letters or of digits); the digit
groups without leading zeros give weaker keys for the forms people type
(`Rechnung 123/2025`, `INV00123`).

Names are compared after transliteration (Ä -> AE, ß -> SS, accents dropped), upper-casing
and removal of legal forms (GmbH, Ltd, SARL, ...).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from rapidfuzz.distance.Indel import distance as indel_distance
from rapidfuzz.fuzz import ratio, token_sort_ratio
from rapidfuzz.process import extract

_SEGMENT: Final = re.compile(r"[A-Z]+|[0-9]+")
_NOT_ALNUM: Final = re.compile(r"[^A-Z0-9]+")


def segments(upper_text: str) -> list[str]:
    """Maximal runs of ASCII letters or digits of an upper-cased text."""
    return _SEGMENT.findall(upper_text)


def ref_key(value: str) -> str:
    """Upper-case letters and digits of `value`, separators removed."""
    return _NOT_ALNUM.sub("", value.upper())


def strip_zeros(digits: str) -> str:
    """`00123` -> `123`; `000` -> `0`."""
    return digits.lstrip("0") or "0"


def is_valid_rf(key: str) -> bool:
    """True for an ISO 11649 structured creditor reference (RFnn + up to 21 characters)."""
    if not (5 <= len(key) <= 25 and key.startswith("RF") and key[2:4].isdigit()):
        return False
    moved = key[4:] + key[:4]
    digits = "".join(str(int(ch, 36)) for ch in moved)
    return int(digits) % 97 == 1


@dataclass(frozen=True, slots=True)
class RefParts:
    """The keys one reference value contributes to the indexes."""

    full: str  # INV202500123
    prefix: str  # INV, or "" when the reference starts with a digit
    groups: tuple[str, ...]  # digit groups without leading zeros: ("2025", "123")
    nsegments: int


def ref_parts(value: str) -> RefParts:
    """Split a reference into the keys used to find it in bank texts."""
    segs = segments(value.upper())
    prefix = segs[0] if segs and segs[0].isalpha() else ""
    groups = tuple(strip_zeros(s) for s in segs if s.isdigit())
    return RefParts("".join(segs), prefix, groups, len(segs))


def groups_key(groups: tuple[str, ...] | list[str]) -> str:
    """Order-free key of a set of digit groups: `123/2025` and `2025-00123` agree."""
    return "|".join(sorted(groups))


# --- names -----------------------------------------------------------------------------

# Letters spelt out as banks print them (upper case), and `&`, which separates words.
_TRANSLIT: Final = tuple(
    {
        "Ä": "AE",
        "Ö": "OE",
        "Ü": "UE",
        "ẞ": "SS",
        "Æ": "AE",
        "Ø": "OE",
        "Å": "AA",
        "Œ": "OE",
        "Þ": "TH",
        "Ð": "D",
        "Ł": "L",
        "&": " ",
    }.items()
)
LEGAL_FORMS: Final = frozenset(
    [
        "GMBH",
        "MBH",
        "AG",
        "KG",
        "KGAA",
        "OHG",
        "UG",
        "EK",
        "EV",
        "GBR",
        "SE",
        "CO",
        "COMPANY",
        "CORP",
        "CORPORATION",
        "INC",
        "INCORPORATED",
        "LLC",
        "LLP",
        "LP",
        "LTD",
        "LIMITED",
        "PLC",
        "SARL",
        "SAS",
        "SASU",
        "SA",
        "EURL",
        "SNC",
        "SRL",
        "SPA",
        "SAPA",
        "BV",
        "NV",
        "VOF",
        "AB",
        "AS",
        "ASA",
        "OY",
        "OYJ",
        "APS",
        "KFT",
        "ZRT",
        "SP",
        "ZOO",
        "SRO",
        "PTY",
        "PTE",
        "GES",
        "HAFTUNGSBESCHRAENKT",
        "AKTIENGESELLSCHAFT",
    ]
)


def lookup_words(name: str) -> list[str]:
    """The words of a normalised name a counterparty is looked up by: three letters or
    more, not a legal form."""
    return [w for w in name.split() if len(w) >= 3 and w not in LEGAL_FORMS]


_UMLAUT_PAIRS: Final = (("AE", "A"), ("OE", "O"), ("UE", "U"))


def _merge_initials(tokens: list[str]) -> list[str]:
    """`G M B H` -> `GMBH`, `S A` -> `SA`: dotted abbreviations become one token."""
    out: list[str] = []
    run = ""
    for tok in tokens:
        if len(tok) == 1 and tok.isalpha():
            run += tok
            continue
        if run:
            out.append(run)
            run = ""
        out.append(tok)
    if run:
        out.append(run)
    return out


def normalise_name(raw: str) -> str:
    """Comparable form of a counterparty name: `Müller GmbH & Co. KG` -> `MUELLER`."""
    tokens = _name_tokens(raw)
    kept = [t for t in tokens if t not in LEGAL_FORMS]
    return " ".join(kept or tokens)


def _name_tokens(raw: str) -> list[str]:
    text = raw.upper()
    if not text.isascii():
        # ASCII text needs no transliteration: of its characters only `&` has one, and a
        # space separates segments as `&` does. Replacing letter by letter: `str.translate`
        # raises and clears a KeyError inside for every character its table lacks.
        for letter, spelt in _TRANSLIT:
            if letter in text:
                text = text.replace(letter, spelt)
        if not text.isascii():
            text = _without_combining(unicodedata.normalize("NFKD", text))
    return _merge_initials(_SEGMENT.findall(text))


# The combining characters below U+0370 (the Latin scripts' accents): one regex removes them
# from a name written in those scripts, where a test per character costs 0.1 µs each.
_BEYOND_LATIN: Final = re.compile(r"[^\x00-\u036f]")
_LATIN_COMBINING: Final = re.compile(
    "[" + "".join(chr(c) for c in range(0x370) if unicodedata.combining(chr(c))) + "]"
)


def _without_combining(text: str) -> str:
    if _BEYOND_LATIN.search(text) is None:
        return _LATIN_COMBINING.sub("", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


# Long and short spellings of one legal form.
_FORM_SPELLINGS: Final = {
    "LIMITED": "LTD",
    "AKTIENGESELLSCHAFT": "AG",
    "KOMMANDITGESELLSCHAFT": "KG",
    "HAFTUNGSBESCHRAENKT": "UG",
    "MBH": "GMBH",
    "GES": "GMBH",  # Ges.m.b.H., or GESELLSCHAFT MIT BESCHRAENKTER HAFTUNG cut short
    "INCORPORATED": "INC",
    "CORPORATION": "CORP",
    "COMPANY": "CO",
}


def legal_forms(raw: str) -> frozenset[str]:
    """The legal forms a counterparty name states, one spelling each: `Müller GmbH & Co.
    KG` -> {GMBH, CO, KG}, `MUELLER AKTIENGESELLSCHAFT` -> {AG}."""
    spelt = [_FORM_SPELLINGS.get(token, token) for token in _name_tokens(raw)]
    return frozenset(form for form in spelt if form in LEGAL_FORMS)


def other_legal_form(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two names state legal forms and none of one's is one of the other's: two
    companies (Ltd and GmbH & Co. KG). A form may be cut short (`SA` of SAS)."""
    if not a or not b:
        return False
    return not any(x.startswith(y) or y.startswith(x) for x in a for y in b)


def _collapse_umlauts(name: str) -> str:
    for long, short in _UMLAUT_PAIRS:
        name = name.replace(long, short)
    return name


def _sorted_words(name: str) -> str:
    return " ".join(sorted(name.split()))


# name -> _name_forms(name); cleared when full, so a long-lived process stays small.
_FORMS: dict[str, tuple[str, str, str]] = {}
_FORMS_MAX: Final = 1 << 16
# The similarity of a name to its own truncation (12 characters or more).
_TRUNCATED: Final = 95.0


def _name_forms(name: str) -> tuple[str, str, str] | None:
    """(words sorted, umlauts collapsed, collapsed words sorted) of an ASCII name.

    A bank run compares each name with many others: these are computed once per name.
    Only ASCII, where str.split() and rapidfuzz agree on what separates words; None
    otherwise, for token_sort_ratio itself.
    """
    found = _FORMS.get(name)
    if found is None:
        if not name.isascii():
            return None
        if len(_FORMS) >= _FORMS_MAX:
            _FORMS.clear()
        collapsed = _collapse_umlauts(name)
        found = _FORMS[name] = (_sorted_words(name), collapsed, _sorted_words(collapsed))
    return found


def indel_ratio(a: str, b: str) -> float:
    """rapidfuzz's `fuzz.ratio(a, b)`, the same float, from its Indel distance: that call
    does less besides the comparison (matching 20k lines compares 440k name pairs)."""
    total = len(a) + len(b)
    return 100.0 * (1.0 - indel_distance(a, b) / total) if total else 100.0


def name_similarity(a: str, b: str) -> float:
    """0-100 similarity of two normalised names; subsets do not score 100.

    token_set_ratio is avoided on purpose: it returns 100 when one name's tokens are a
    subset of the other's ("ACME" vs "ACME HOLDING"). A long name that is a prefix of the
    other counts as a bank's truncation.
    """
    if a == b:
        return 100.0
    forms_a, forms_b = _name_forms(a), _name_forms(b)
    if forms_a is None or forms_b is None:
        score = _similarity_of_any(a, b)
    else:
        # token_sort_ratio is the ratio of the sorted words.
        sa, ca, csa = forms_a
        sb, cb, csb = forms_b
        score = indel_ratio(a, b)
        if sa != a or sb != b:
            score = max(score, indel_ratio(sa, sb))
        if ca != a or cb != b:
            score = max(score, indel_ratio(csa, csb))
    if score < _TRUNCATED and _truncation(a, b):
        score = _TRUNCATED
    return float(score)


def names_reaching(a: str, names: Sequence[str], threshold: float) -> list[bool]:
    """`[name_similarity(a, name) >= threshold for name in names]`, for a name compared
    with many: the ASCII names in one rapidfuzz call for each form whose ratio
    `name_similarity` takes the best of (the names, their sorted words, their collapsed
    sorted words); rapidfuzz itself skips the names that cannot reach the threshold."""
    forms_a = _name_forms(a)
    if forms_a is None:
        return [name_similarity(a, name) >= threshold for name in names]
    reached = [False] * len(names)
    truncated = threshold <= _TRUNCATED
    batched: list[int] = []
    by_form: tuple[list[str], list[str], list[str]] = ([], [], [])
    for k, name in enumerate(names):
        forms = _name_forms(name)
        if forms is None:
            reached[k] = name_similarity(a, name) >= threshold
            continue
        if truncated and _truncation(a, name):
            reached[k] = True
            continue
        batched.append(k)
        by_form[0].append(name)
        by_form[1].append(forms[0])
        by_form[2].append(forms[2])
    for query, choices in zip((a, forms_a[0], forms_a[2]), by_form, strict=True):
        for _, _, j in extract(query, choices, scorer=ratio, limit=None, score_cutoff=threshold):
            reached[batched[j]] = True
    return reached


def _truncation(a: str, b: str) -> bool:
    """The shorter name, of 12 characters or more, begins the longer: a bank's truncation."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= 12 and long.startswith(short)


def _similarity_of_any(a: str, b: str) -> float:
    score = max(ratio(a, b), token_sort_ratio(a, b))
    ca, cb = _collapse_umlauts(a), _collapse_umlauts(b)
    if ca != a or cb != b:
        score = max(score, token_sort_ratio(ca, cb))
    return score


def name_in_text(name: str, text_tokens: str) -> bool:
    """True when a normalised name (5+ characters) appears as whole words in a text."""
    return len(name) >= 5 and f" {name} " in text_tokens


def text_words(raw: str) -> str:
    """A text as space-separated normalised words, padded for whole-word search."""
    return f" {normalise_name(raw)} "
