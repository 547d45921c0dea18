"""The record indexes: every candidate comes from a dict lookup, never a scan.

Index values are a bare int for one record and a list for several, which keeps a
million-record index small; a record's entries all hold the same int object, its position.
Compiled code keeps an `int` unboxed and makes a new object each time it stores one (each
of a record's half a dozen entries would hold an int of its own: the book 160 MiB larger at
a million records), so the position travels as an `object`, boxed once per record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from accord.matching.engine.hits import Hits
from accord.matching.engine.rules import Rules
from accord.matching.engine.text import groups_key, ref_key, segments

if TYPE_CHECKING:
    from accord.matching.engine.prepare import PRec

K = TypeVar("K", str, int)


def add_hit(index: dict[K, Any], key: K, i: object) -> None:
    """Append record `i` (an int, kept as the caller's object) under `key`; records arrive
    in ascending order. `index` holds `Hits`."""
    old = index.setdefault(key, i)
    if isinstance(old, int):
        if old != i:
            index[key] = [old, i]
    elif old[-1] != i:
        old.append(i)


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

    def add_reference(self, value: str, i: object) -> None:
        self._add_segments(segments(value.upper()), i)

    def _add_segments(self, segs: list[str], i: object) -> None:
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
        pos: object = pr.pos  # one int object for all the record's entries
        id_segs = segments(rec.id.upper())
        own: tuple[str, ...] = (_prefix(id_segs),)
        self._add_segments(id_segs, pos)
        if rec.reference:
            ref_segs = segments(rec.reference.upper())
            ref_prefix = _prefix(ref_segs)
            if ref_prefix != own[0]:
                own = tuple(sorted((own[0], ref_prefix)))
            # ref_key(value) is the segments of value joined.
            if "".join(ref_segs) != "".join(id_segs):
                self._add_segments(ref_segs, pos)
        self.prefixes.append(self._prefix_tuples.setdefault(own, own))
        add_hit(self.amount.setdefault((pr.currency, pr.account or ""), {}), pr.minor, pos)
        if pr.name:
            add_hit(self.names, pr.name, pos)

    def index_names(self, records: list[PRec]) -> None:
        """Token -> distinct names, per account, built once all records are in."""
        pairs = sorted({(pr.account or "", pr.name) for pr in records if pr.name})
        for account, name in pairs:
            for token in sorted(set(name.split())):
                self.name_tokens.setdefault((account, token), []).append(name)


def _prefix(segs: list[str]) -> str:
    """The letters a reference starts with (`INV` of `INV-2025-1`), or "" for `2025-1`."""
    return segs[0] if segs and not segs[0].isdigit() else ""


def build_index(records: list[PRec], rules: Rules) -> Index:
    """The indexes of records in canonical order."""
    index = Index(rules)
    for pr in records:
        index.add_record(pr)
    index.index_names(records)
    return index
