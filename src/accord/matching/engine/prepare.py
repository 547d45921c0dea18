"""One pass over the inputs: canonical order, normalised fields and the record indexes.

Everything downstream refers to lines and records by their position in the canonical
order computed here, so the result never depends on the order of the inputs.
Index values are a bare int for one record and a list for several, which keeps a
million-record index small.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import TypeVar

from accord.ingest.parsers.model import BankLine, LineStatus
from accord.matching.engine.model import LedgerRecord
from accord.matching.engine.rules import Rules
from accord.matching.engine.text import (
    groups_key,
    normalise_name,
    ref_key,
    segments,
)

Hits = int | list[int]
K = TypeVar("K", str, int)


def add_hit(index: dict[K, Hits], key: K, i: int) -> None:
    """Append record `i` under `key` (records arrive in ascending order)."""
    old = index.setdefault(key, i)
    if isinstance(old, int):
        if old != i:
            index[key] = [old, i]
    elif old[-1] != i:
        old.append(i)


def hits_of(value: Hits | None) -> Sequence[int]:
    if value is None:
        return ()
    return (value,) if isinstance(value, int) else value


@functools.lru_cache(maxsize=4096)  # a few accounts, a million lines: one string each
def norm_account(account: str | None) -> str | None:
    """Accounts compare without spaces and case: `DE89 3704 ...` equals `de893704...`."""
    if account is None:
        return None
    key = "".join(account.split()).upper()
    return key or None


@functools.lru_cache(maxsize=4096)  # a few hundred days, a million lines: one int each
def _ordinal(d: date) -> int:
    return d.toordinal()


def _day(d: date | None) -> int | None:
    return _ordinal(d) if d is not None else None


class Names:
    """Caches normalised names: banks repeat the same few thousand names."""

    __slots__ = ("cache",)

    def __init__(self) -> None:
        self.cache: dict[str, str] = {}

    def get(self, raw: str | None) -> str:
        if not raw:
            return ""
        found = self.cache.get(raw)
        if found is None:
            found = normalise_name(raw)
            self.cache[raw] = found
        return found


class PLine:
    """A bank line with its normalised fields."""

    __slots__ = (
        "account",
        "booked",
        "currency",
        "day",
        "line",
        "minor",
        "name",
        "pos",
        "sort_key",
        "unique",
        "words",
    )

    def __init__(self, line: BankLine, names: Names) -> None:
        self.line = line
        self.account = norm_account(line.account) or ""
        self.currency = line.amount.currency
        self.minor = line.amount.minor
        self.day = _day(line.booking_date or line.value_date)
        self.booked = line.status == LineStatus.BOOKED
        party = line.counterparty
        self.name = names.get(party.name if party else None)
        self.words: str | None = None
        self.unique: str | None = None  # the identity, where another line shares `ident`
        self.sort_key = line_sort_key(line, self.account)
        self.pos = 0

    @property
    def ident(self) -> str:
        """The line's identity in match ids: its account and bank ref, and its place in the
        file when another line has both."""
        return self.unique or f"{self.account}\x1f{self.line.bank_ref}"


def line_sort_key(line: BankLine, account: str) -> tuple[object, ...]:
    d = line.booking_date or line.value_date
    src = line.source
    party = line.counterparty
    return (
        account,
        d.toordinal() if d else 0,
        line.bank_ref,
        src.file,
        src.statement_index,
        src.entry_index,
        line.amount.minor,
        line.amount.currency,
        line.end_to_end_id or "",
        line.remittance or "",
        line.creditor_reference or "",
        line.customer_ref or "",
        party.name or "" if party else "",
        line.reversal,
        line.status.value,
    )


class PRec:
    """A ledger record with its normalised fields."""

    __slots__ = ("account", "currency", "day", "label", "minor", "name", "pos", "rec")

    def __init__(self, rec: LedgerRecord, names: Names, pos: int) -> None:
        self.rec = rec
        self.pos = pos
        self.account = norm_account(rec.account)
        self.currency = rec.amount.currency
        self.minor = rec.amount.minor
        self.day = _ordinal(rec.date)
        self.name = names.get(rec.counterparty)
        self.label = rec.reference or rec.id


def record_sort_key(rec: LedgerRecord) -> tuple[object, ...]:
    return (
        rec.id,
        rec.date,
        rec.amount.minor,
        rec.amount.currency,
        rec.account or "",
        rec.reference or "",
        rec.counterparty or "",
        rec.type.value,
        rec.description or "",
    )


class Index:
    """Record indexes: every candidate comes from a dict lookup, never a scan."""

    def __init__(self, rules: Rules) -> None:
        self.full: dict[str, Hits] = {}
        self.first: set[str] = set()
        self.max_segments = 1
        self.groups: dict[str, Hits] = {}
        self.serial: dict[str, Hits] = {}
        self.bare: dict[str, Hits] = {}
        # keyword as written -> the prefix it stands for (`RECHNUNGSNR` -> `RECHNUNG`)
        self.keywords: dict[str, str] = {}
        for word in rules.reference_prefixes:
            base = ref_key(word)
            for suffix in ("", "NR", "NO", "NUM", "NUMMER", "NUMBER", "SNR", "SNUMMER"):
                if base:
                    self.keywords.setdefault(base + suffix, base)
        self.generic = frozenset(self.keywords)  # the invoice words of the rules
        self.prefixes: list[tuple[str, ...]] = []  # the own prefixes of each record
        # One tuple per distinct prefixes: a ledger has a few series (INV, RE, PAY, ...).
        self._prefix_tuples: dict[tuple[str, ...], tuple[str, ...]] = {}
        # (currency, account or "" for records valid on any account) -> amount -> records
        self.amount: dict[tuple[str, str], dict[int, Hits]] = {}
        self.names: dict[str, Hits] = {}
        # (account or "", name token) -> distinct names, for counterparty look-ups
        self.name_tokens: dict[tuple[str, str], list[str]] = {}

    def add_reference(self, value: str, i: int) -> None:
        self._add_segments(segments(value.upper()), i)

    def _add_segments(self, segs: list[str], i: int) -> None:
        if not segs:
            return
        full = "".join(segs)
        raw_groups = [g for g in segs if g.isdigit()]
        if (raw_groups and len(full) >= 4) or len(full) >= 10:
            add_hit(self.full, full, i)
            self.first.add(segs[0])
            if len(segs) > self.max_segments:
                self.max_segments = min(len(segs), 16)
        if not raw_groups:
            return
        if len(raw_groups) == 1:
            serial = raw_groups[0].lstrip("0") or "0"
            if len(serial) >= 3:
                add_hit(self.groups, serial, i)
            core = raw_groups[0].lstrip("0")
        else:
            groups = [g.lstrip("0") or "0" for g in raw_groups]
            if sum(map(len, groups)) >= 3:
                add_hit(self.groups, groups_key(groups), i)
            serial = groups[-1]
            core = "".join(raw_groups).lstrip("0")
        prefix = segs[0] if not segs[0].isdigit() else ""
        if prefix and len(prefix) <= 10:
            self.keywords.setdefault(prefix, prefix)
            if len(raw_groups) >= 2 and len(raw_groups[-1]) >= 3:
                add_hit(self.serial, f"{prefix}|{serial}", i)
        if len(core) >= 4:
            add_hit(self.bare, core, i)
        if len(serial) >= 3 and serial != core:
            add_hit(self.bare, serial, i)

    def add_record(self, pr: PRec) -> None:
        rec = pr.rec
        id_segs = segments(rec.id.upper())
        own: tuple[str, ...] = (_prefix(id_segs),)
        self._add_segments(id_segs, pr.pos)
        if rec.reference:
            ref_segs = segments(rec.reference.upper())
            ref_prefix = _prefix(ref_segs)
            if ref_prefix != own[0]:
                own = tuple(sorted((own[0], ref_prefix)))
            # ref_key(value) is the segments of value joined.
            if "".join(ref_segs) != "".join(id_segs):
                self._add_segments(ref_segs, pr.pos)
        self.prefixes.append(self._prefix_tuples.setdefault(own, own))
        add_hit(self.amount.setdefault((pr.currency, pr.account or ""), {}), pr.minor, pr.pos)
        if pr.name:
            add_hit(self.names, pr.name, pr.pos)

    def index_names(self, records: Sequence[PRec]) -> None:
        """Token -> distinct names, per account, built once all records are in."""
        pairs = sorted({(pr.account or "", pr.name) for pr in records if pr.name})
        for account, name in pairs:
            for token in sorted(set(name.split())):
                self.name_tokens.setdefault((account, token), []).append(name)


def _prefix(segs: list[str]) -> str:
    """The letters a reference starts with (`INV` of `INV-2025-1`), or "" for `2025-1`."""
    return segs[0] if segs and not segs[0].isdigit() else ""


class RecordBook:
    """Ledger records in canonical order with their normalised fields and indexes.

    It depends on the records and the rules alone, so a caller may build it while the bank
    lines are still being read. A run takes the indexes over (`take_index`) and drops them
    before the assignment; a book used for a second run builds them again.
    """

    def __init__(self, records: Sequence[LedgerRecord], rules: Rules) -> None:
        names = Names()
        ordered = sorted(records, key=record_sort_key)
        self.records = [PRec(rec, names, pos) for pos, rec in enumerate(ordered)]
        self.rules = rules
        self._index: Index | None = build_index(self.records, rules)

    def take_index(self) -> Index:
        index, self._index = self._index, None
        return index if index is not None else build_index(self.records, self.rules)


class Prepared:
    """Inputs in canonical order with their normalised fields."""

    def __init__(self, lines: Sequence[BankLine], records: Sequence[PRec]) -> None:
        names = Names()
        plines = [PLine(line, names) for line in lines]
        plines.sort(key=lambda p: p.sort_key)
        for pos, pl in enumerate(plines):
            pl.pos = pos
            pl.sort_key = ()  # only needed for the sort; a million of them weigh 200 MB
        _disambiguate(plines)
        self.lines = plines
        self.records = records


def build_index(records: Sequence[PRec], rules: Rules) -> Index:
    """The indexes of records in canonical order."""
    index = Index(rules)
    for pr in records:
        index.add_record(pr)
    index.index_names(records)
    return index


def _disambiguate(plines: list[PLine]) -> None:
    """Lines sharing (account, bank_ref) get their source location in their identity."""
    idents = [pl.ident for pl in plines]
    counts = Counter(idents)
    if len(counts) == len(idents):
        return
    seen: dict[str, int] = {}
    for pl, shared in zip(plines, idents, strict=True):
        if counts[shared] > 1:
            src = pl.line.source
            ident = f"{shared}\x1f{src.file}:{src.statement_index}:{src.entry_index}"
            seen[ident] = seen.get(ident, 0) + 1
            pl.unique = f"{ident}:{seen[ident]}"
