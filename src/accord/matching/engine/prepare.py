"""One pass over the inputs: canonical order, normalised fields and the record indexes.

Everything downstream refers to lines and records by their position in the canonical
order computed here, so the result never depends on the order of the inputs. The indexes
themselves are built in `index`.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Sequence
from datetime import date

from accord.ingest.parsers.model import BankLine, LineStatus
from accord.matching.engine.index import Index, build_index
from accord.matching.engine.model import LedgerRecord
from accord.matching.engine.rules import Rules
from accord.matching.engine.text import normalise_name


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
        "part_payment",
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
        self.words: str | None = None  # the texts' words, kept when a name is looked for there
        self.part_payment: bool | None = None  # whether the texts call it one, once asked
        self.unique: str | None = None  # the identity, where another line shares `ident`
        # The start of `line_sort_key`: it orders the lines alone unless two share it.
        self.sort_key: tuple[object, ...] = (self.account, self.day or 0, line.bank_ref)
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


def _record_id(rec: LedgerRecord) -> str:
    return rec.id  # where no two records share it, it orders them as `record_sort_key`


class RecordBook:
    """Ledger records in canonical order with their normalised fields and indexes.

    It depends on the records and the rules alone, so a caller may build it while the bank
    lines are still being read. A run takes the indexes over (`take_index`) and drops them
    before the assignment; a book used for a second run builds them again.
    """

    def __init__(self, records: Sequence[LedgerRecord], rules: Rules) -> None:
        names = Names()
        ordered = sorted(records, key=_record_id)
        # Whether two records sort alike (a caller gave the same record twice).
        self.tied = False
        if _adjacent_equal([rec.id for rec in ordered]):
            ordered.sort(key=record_sort_key)  # ids shared: the whole key orders them
            self.tied = _adjacent_equal([record_sort_key(rec) for rec in ordered])
        self.records = [PRec(rec, names, pos) for pos, rec in enumerate(ordered)]
        self.rules = rules
        self._index: Index | None = build_index(self.records, rules)

    def take_index(self) -> Index:
        index, self._index = self._index, None
        return index if index is not None else build_index(self.records, self.rules)


class Prepared:
    """Inputs in canonical order with their normalised fields."""

    def __init__(self, lines: Sequence[BankLine], records: list[PRec]) -> None:
        names = Names()
        plines = [PLine(line, names) for line in lines]
        plines.sort(key=_sort_key)
        # Whether two lines sort alike (a caller gave the same line twice).
        self.tied = False
        if _adjacent_equal([pl.sort_key for pl in plines]):
            # Lines sharing account, date and bank ref: the whole key orders them (a
            # million whole keys take a second to build, so only then).
            for pl in plines:
                pl.sort_key = line_sort_key(pl.line, pl.account)
            plines.sort(key=_sort_key)
            self.tied = _adjacent_equal([pl.sort_key for pl in plines])
        for pos, pl in enumerate(plines):
            pl.pos = pos
            pl.sort_key = ()  # only needed for the sort; a million of them weigh 200 MB
        _disambiguate(plines)
        self.lines = plines
        self.records = records


def _sort_key(pl: PLine) -> tuple[object, ...]:
    return pl.sort_key


def _adjacent_equal(keys: Sequence[object]) -> bool:
    """Whether two neighbours of `keys` (sorted) are equal."""
    return any(keys[k - 1] == keys[k] for k in range(1, len(keys)))


def _disambiguate(plines: list[PLine]) -> None:
    """Lines sharing (account, bank_ref) get their source location in their identity."""
    if len({pl.line.bank_ref for pl in plines}) == len(plines):
        return  # no two share a bank ref (a job's never do): found without a string per line
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
