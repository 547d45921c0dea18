"""Candidate generation: for one bank line, the records its evidence points at.

Candidates come only from index lookups (identifiers, references found in the texts,
exact amounts, amounts less a known fee, converted amounts), are filtered by hard rules
(sign, account, date window) and capped; a capped list is noted as crowded, never scanned.
"""

from __future__ import annotations

import heapq
import itertools
import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from rapidfuzz.fuzz import ratio
from rapidfuzz.process import extractOne

from accord.matching.engine.fx import RateTable, convert, implied_rate
from accord.matching.engine.hits import Hits, hits_of
from accord.matching.engine.index import Index
from accord.matching.engine.prepare import PLine, PRec, Prepared
from accord.matching.engine.rules import Rules
from accord.matching.engine.text import (
    groups_key,
    is_valid_rf,
    legal_forms,
    lookup_words,
    name_in_text,
    name_similarity,
    other_legal_form,
    ref_key,
    segments,
    strip_zeros,
    text_words,
)

# Reference strength: how a record's reference was found for a line.
ID: Final = 4  # an identifier field (end-to-end id, creditor reference, customer ref) equals it
FULL: Final = 3  # the whole reference appears in a text
PREFIXED: Final = 2  # its digits appear after its own prefix or an invoice word
BARE: Final = 1  # only its digits appear: evidence, never proof

# Amount agreement of a record with a line (in the line's currency).
EXACT: Final = "exact"
FEE: Final = "fee"
FX: Final = "fx"
SHORT: Final = "short"
OVER: Final = "over"
NO_RATE: Final = "no-rate"

if TYPE_CHECKING:
    # A long hit list's ranks by word, and the words at each rank (`Context._word_index`).
    _WordIndex = tuple[dict[str, array[int]], list[frozenset[str]]]

STRENGTH_WORDS: Final = {ID: "identifier", FULL: "reference", PREFIXED: "reference", BARE: "number"}
_FILLERS: Final = frozenset({"NO", "NR", "NUM", "NUMBER", "NUMMER", "NBR", "N"})
_SHORT_LIST: Final = 16  # hit lists up to this long are filtered in place, longer ones once
# A common amount's records of a payer's rarest word are narrowed by its other words only
# when there are at most this many times `max_candidates` of them.
_WIDE_WORD: Final = 8
# Cache bounds, not Final so that tests can shrink them.
_SIM_CACHE_SIZE = 100_000  # name pairs; repeats come from the same payers within days
_COUNTERPARTY_CACHE_SIZE = 50_000  # line names with their counterparty's records
# One word spelt two ways scores this much or more: IMMOBILINE / IMMOBILIEN 90, NORGAARD /
# NOERGAARD 94; MEYER / MAYER 80.
_SAME_WORD: Final = 85


class Pair:
    """What agrees between one line and one record."""

    __slots__ = (
        "aclass",
        "days",
        "expected",
        "fee",
        "fx_rate",
        "fx_source",
        "number",
        "other_form",
        "rec",
        "shared",
        "sim",
        "strength",
    )

    def __init__(self, rec: int, strength: int) -> None:
        self.rec = rec
        self.strength = strength
        self.shared = False  # its reference is shared with another open record
        self.aclass = OVER
        self.expected = 0
        self.fee = 0
        self.fx_rate: Decimal | None = None
        self.fx_source: str | None = None
        self.sim: float | None = None
        self.other_form = False  # the names have the same words but different legal forms
        self.number = False  # found bare and over-paid, the record's whole reference is it
        self.days: int | None = None


class Context:
    """Everything candidate generation needs, built once per run."""

    def __init__(self, prep: Prepared, index: Index, rules: Rules, rates: RateTable) -> None:
        self.prep = prep
        self._index: Index | None = index
        self.rules = rules
        self.rates = rates
        self.patterns = [re.compile(p, re.IGNORECASE) for p in rules.reference_patterns]
        self.ignored = frozenset(ref_key(v) for v in rules.ignored_identifiers)
        self.part_payment_words = tuple(text_words(w) for w in rules.part_payment_words)
        self.sim_cache: dict[tuple[str, str], float] = {}
        # (line name, account) -> its counterparty's records (`groups.same_counterparty`)
        self.counterparty_records: dict[tuple[str, str], list[int]] = {}
        self.accounts = [pr.account or "" for pr in prep.records]
        # Long-lived int lists are arrays: 8 bytes an entry and no int object (the compiled
        # engine would make one per entry, where pure Python shares the index's).
        self.sorted_amounts: dict[tuple[str, str], tuple[list[int], array[int]]] = {}
        self._usable: dict[tuple[int, str], Sequence[int]] = {}
        self._by_day: dict[int, tuple[array[int], array[int]]] = {}
        self._by_word: dict[int, _WordIndex] = {}
        self._name_sets: dict[int, frozenset[str]] = {}
        self._words_of: dict[str, frozenset[str]] = {}
        self._forms: dict[str, frozenset[str]] = {}
        self._name_words: list[str] | None = None
        self._spelt: dict[str, str | None] = {}
        self._alone: list[tuple[int, ...] | None] = [None] * len(prep.records)

    @property
    def index(self) -> Index:
        """The records' indexes, until `release_index`."""
        index = self._index
        if index is None:
            raise RuntimeError("the record indexes were released: proposing is over")
        return index

    def release_index(self) -> None:
        """Drop the records' indexes and every cache made from them, once this process
        proposes no more (at a million records, about 750 MB)."""
        self._index = None
        self._name_words = None
        self.sorted_amounts.clear()
        self._usable.clear()
        self._by_day.clear()
        self._by_word.clear()
        self._name_sets.clear()
        self.counterparty_records.clear()

    def alone(self, r: int) -> tuple[int, ...]:
        """`(r,)`, one tuple per record for all the proposals of that record alone."""
        found = self._alone[r]
        if found is None:
            found = self._alone[r] = (r,)
        return found

    def in_window(self, hits: Sequence[int], window: tuple[int, int] | None) -> Sequence[int]:
        """The records of `hits` dated within `window` (inclusive), any order."""
        if window is None:
            return hits
        lo, hi = window
        recs = self.prep.records
        if len(hits) <= _SHORT_LIST:
            return [r for r in hits if lo <= recs[r].day <= hi]
        days, positions = self._by_date(hits)
        return positions[bisect_left(days, lo) : bisect_right(days, hi)]

    def count_in_window(self, hits: Sequence[int], window: tuple[int, int] | None) -> int:
        """len(self.in_window(hits, window)), without listing a long hit list's records."""
        if window is None or len(hits) <= _SHORT_LIST:
            return len(self.in_window(hits, window))
        days = self._by_date(hits)[0]
        return bisect_right(days, window[1]) - bisect_left(days, window[0])

    def _by_date(self, hits: Sequence[int]) -> tuple[array[int], array[int]]:
        """A long hit list sorted by date, made once: (days, positions)."""
        by_day = self._by_day.get(id(hits))
        if by_day is None:
            recs = self.prep.records
            n = len(recs)
            # By (day, r) as one int, not a tuple per record (at a million records, 1.5M).
            ordered = sorted(hits, key=lambda r: recs[r].day * n + r)
            days = array("q", [recs[r].day for r in ordered])
            by_day = self._by_day[id(hits)] = (days, array("q", ordered))
        return by_day

    def usable(self, hits: Hits | Sequence[int], account: str) -> Sequence[int]:
        """The records of `hits` a line on `account` may use (theirs, or valid on any).

        Long hit lists (a common number shared by thousands of records) are filtered once
        per account and remembered, so a million lines never rescan them.
        """
        accounts = self.accounts
        if isinstance(hits, int):
            return (hits,) if accounts[hits] in (account, "") else ()
        if len(hits) <= _SHORT_LIST:
            return [r for r in hits if accounts[r] in (account, "")]
        key = (id(hits), account)
        found = self._usable.get(key)
        if found is None:
            found = array("q", [r for r in hits if accounts[r] in (account, "")])
            self._usable[key] = found
        return found

    def sharing_words(
        self, hits: Sequence[int], words: frozenset[str], window: tuple[int, int] | None
    ) -> list[int]:
        """The records of `hits` dated within `window` whose counterparty has two of
        `words` (the one word, when there is one), any order.

        In a long hit list (a common amount), the two must be the rarest of the words on
        the list: they tell a payer apart (its trade, its town, not a common surname).
        When more than `max_candidates` records within the window have them, the next
        rarest words must be there too, until at most `max_candidates` are left; if none
        of that narrows it enough, the name singles nothing out and none is returned. A
        long list is indexed once by word, each word's records by date.
        """
        recs = self.prep.records
        if len(hits) <= _SHORT_LIST:
            need = min(2, len(words))
            near = self.in_window(hits, window)
            return [r for r in near if len(words & self._words(recs[r].name)) >= need]
        days, ordered = self._by_date(hits)
        by_word, words_at = self._word_index(hits)
        rarest = sorted((len(by_word[w]), w) for w in words if w in by_word)
        if len(rarest) < min(2, len(words)):
            return []
        first = by_word[rarest[0][1]]
        if window is None:
            kept: Sequence[int] = first
        else:
            lo, hi = bisect_left(days, window[0]), bisect_right(days, window[1])
            kept = first[bisect_left(first, lo) : bisect_left(first, hi)]
        cap = self.rules.max_candidates
        if len(kept) > _WIDE_WORD * cap:
            return []
        for _, word in rarest[1:]:
            kept = [k for k in kept if word in words_at[k]]
            if len(kept) <= cap:
                break
        return [ordered[k] for k in kept] if len(kept) <= cap else []

    def _word_index(self, hits: Sequence[int]) -> _WordIndex:
        """A long hit list indexed by counterparty word, made once: for each word, the ranks
        of its records in the list by date (`_by_date`), ascending; and each rank's words."""
        found = self._by_word.get(id(hits))
        if found is None:
            recs = self.prep.records
            words_at = [self._words(recs[r].name) for r in self._by_date(hits)[1]]
            lists: dict[str, list[int]] = {}
            for k, name_words in enumerate(words_at):
                for w in name_words:
                    lists.setdefault(w, []).append(k)
            by_word = {w: array("q", ks) for w, ks in lists.items()}
            found = self._by_word[id(hits)] = (by_word, words_at)
        return found

    def _words(self, name: str) -> frozenset[str]:
        """The words of a normalised counterparty name, split once per name."""
        found = self._words_of.get(name)
        if found is None:
            found = self._words_of[name] = frozenset(name.split())
        return found

    def name_set(self, names: list[str]) -> frozenset[str]:
        """A long list of the name index as a set, made once."""
        found = self._name_sets.get(id(names))
        if found is None:
            found = self._name_sets[id(names)] = frozenset(names)
        return found

    def ledger_spelling(self, word: str) -> str | None:
        """The counterparty word of the records most like a word no record's name has (a
        bank's misspelling or other transliteration: IMMOBILINE, NORGAARD), or None."""
        if word in self._spelt:
            return self._spelt[word]
        if self._name_words is None:
            self._name_words = sorted({token for _, token in self.index.name_tokens})
        found = extractOne(word, self._name_words, scorer=ratio, score_cutoff=_SAME_WORD)
        spelt = self._spelt[word] = found[0] if found is not None else None
        return spelt

    def other_legal_form(self, pl: PLine, pr: PRec) -> bool:
        """Whether the line's and the record's names state different legal forms."""
        party = pl.line.counterparty
        return other_legal_form(
            self._legal_forms(party.name if party else None),
            self._legal_forms(pr.rec.counterparty),
        )

    def _legal_forms(self, raw: str | None) -> frozenset[str]:
        if not raw:
            return frozenset()
        found = self._forms.get(raw)
        if found is None:
            found = self._forms[raw] = legal_forms(raw)
        return found

    def remember_counterparty(self, key: tuple[str, str], records: list[int]) -> None:
        if len(self.counterparty_records) >= _COUNTERPARTY_CACHE_SIZE:
            self.counterparty_records.clear()  # bounded like the similarities
        self.counterparty_records[key] = records

    def similarity(self, a: str, b: str) -> float:
        key = (a, b)
        found = self.sim_cache.get(key)
        if found is None:
            if len(self.sim_cache) >= _SIM_CACHE_SIZE:
                self.sim_cache.clear()  # at a million lines it would outweigh the records
            found = name_similarity(a, b)
            self.sim_cache[key] = found
        return found


# --- references ----------------------------------------------------------------------


class _Sink:
    """Collects reference hits for one line, counting only records its account can use."""

    __slots__ = ("acc", "crowded", "ctx", "found", "shared")

    def __init__(self, ctx: Context, acc: str) -> None:
        self.found: dict[int, int] = {}
        self.shared: set[int] = set()
        self.ctx = ctx
        self.acc = acc
        self.crowded = False

    def add(self, hits: Hits | Sequence[int] | None, strength: int, cap: int) -> bool:
        """Record hits at `strength`; none when more than `cap` usable records share the key.

        Returns whether any usable record was recorded.
        """
        if hits is None:
            return False
        seq = self.ctx.usable(hits, self.acc)
        if len(seq) > cap:
            self.crowded = True
            return False
        found = self.found
        for r in seq:
            if found.get(r, 0) < strength:
                found[r] = strength
        return bool(seq)


def find_references(pl: PLine, ctx: Context) -> tuple[dict[int, int], set[int]]:
    """Records whose reference the line quotes, with the strength; and those found only
    through digits several records share after a generic invoice word."""
    line, index, rules = pl.line, ctx.index, ctx.rules
    sink = _Sink(ctx, pl.account)
    texts: list[str] = []
    for value in (line.end_to_end_id, line.creditor_reference, line.customer_ref):
        if not value:
            continue
        key = ref_key(value)
        if not key or key in ctx.ignored:
            continue
        strength = PREFIXED if key.isdigit() else ID
        sink.add(index.full.get(key), strength, rules.max_group_records)
        if is_valid_rf(key):
            sink.add(index.full.get(key[4:]), ID, rules.max_group_records)
        texts.append(value)
    texts.extend(t for t in (line.remittance, line.additional_info) if t)
    for text in texts:
        _scan_text(text, index, rules, sink)
        for pattern in ctx.patterns:
            for m in pattern.finditer(text):
                sink.add(index.full.get(ref_key(m.group(0))), FULL, rules.max_candidates)
    shared = {r for r in sink.shared if sink.found[r] == PREFIXED}
    return sink.found, shared


def _scan_text(text: str, index: Index, rules: Rules, sink: _Sink) -> None:
    upper = text.upper()
    segs = segments(upper)
    n = len(segs)
    if not n:
        return
    # A reference touching the end of a text at the bank's length limit may be cut short.
    cut = n - 1 if len(text) >= rules.truncation_length and upper.rstrip().endswith(segs[-1]) else n
    full, first, keywords = index.full, index.first, index.keywords
    group_cap, cap = rules.max_group_records, rules.max_candidates
    for i, seg in enumerate(segs):
        explained = False  # a whole reference starts here: its digits need no other reading
        if seg in first:
            joined = seg
            for j in range(i, min(n, i + index.max_segments)):
                if j > i:
                    joined += segs[j]
                hits = full.get(joined)
                if hits is not None:
                    weak = j >= cut or joined.isdigit()
                    added = sink.add(hits, BARE if weak else FULL, cap if weak else group_cap)
                    explained |= added and not weak
        if seg.isdigit():
            if len(seg) >= 3 and i < cut:
                sink.add(index.bare.get(strip_zeros(seg)), BARE, cap)
        elif not explained and seg in keywords:
            _scan_phrase(segs, i, cut, index, sink, cap)


def _scan_phrase(
    segs: Sequence[str], i: int, cut: int, index: Index, sink: _Sink, cap: int
) -> None:
    """Digit groups after an invoice word or a record prefix: `Rechnung 123/2025`.

    When the word is some record's own prefix (`Inv.-Nr. 2025-00165` and INV-2025-00165),
    records with another prefix and the same digits (RE-165/2025) are not counted.
    """
    n = len(segs)
    word = index.keywords[segs[i]]
    k = i + 1
    if k < n and segs[k] in _FILLERS:
        k += 1
    groups: list[str] = []
    # The number is the longest run of digit groups that names a record: in
    # `Rechnung 187807/2025` it is RE-187807/2025, not also a record numbered 187807.
    longest: tuple[Sequence[int], int] | None = None
    while k < n and segs[k].isdigit() and len(groups) < 4:
        groups.append(strip_zeros(segs[k]))
        hits = hits_of(index.groups.get(groups_key(groups)))
        if hits:
            usable = sink.ctx.usable(hits, sink.acc)
            own = [r for r in usable if word in index.prefixes[r]]
            # Another record's prefix is no invoice word for records outside its series.
            chosen = own or (usable if word in index.generic else [])
            if chosen:
                longest = (chosen, BARE if k >= cut else PREFIXED)
        k += 1
    if longest is not None:
        chosen, strength = longest
        if sink.add(chosen, strength, cap) and len(chosen) > 1:
            # `Rechnung 8571/2025` with INV-2025-08571 and RE-8571/2025 open: the number
            # names neither for certain; only an exact amount can choose.
            sink.shared.update(chosen)
    if len(groups) == 1:
        # `INV00123` for INV-2025-00123: the record's own prefix and its serial number only.
        strength = BARE if k - 1 >= cut else PREFIXED
        sink.add(index.serial.get(f"{word}|{groups[0]}"), strength, cap)


# --- amounts -------------------------------------------------------------------------


def amount_hits(
    ctx: Context,
    currency: str,
    account: str,
    minor: int,
    window: tuple[int, int] | None = None,
) -> list[int]:
    """Records of `currency` for `account` or any account with exactly `minor`, dated
    within `window` (inclusive) if given, by position."""
    out = [
        r
        for hits in amount_lists(ctx, currency, account, minor)
        for r in ctx.in_window(hits, window)
    ]
    return sorted(out) if len(out) > 1 else out


def amount_lists(ctx: Context, currency: str, account: str, minor: int) -> list[Sequence[int]]:
    """The index's lists of the records of `currency` with exactly `minor` that a line on
    `account` may use (its own account's and those valid on any), the empty ones left out."""
    lists: list[Sequence[int]] = []
    for acc in _reachable(account):
        by_amount = ctx.index.amount.get((currency, acc))
        hits = hits_of(by_amount.get(minor)) if by_amount is not None else ()
        if hits:
            lists.append(hits)
    return lists


def _reachable(account: str) -> tuple[str, ...]:
    """Index keys of the records a line on `account` may use: its own and those of any account."""
    return (account, "") if account else ("",)


def named_on_amount(pl: PLine, ctx: Context) -> list[int]:
    """Records with exactly the line's amount, dated within its amount window, whose
    counterparty strongly resembles the line's, by position: when many records share the
    amount, only the name can still single one out. Those with the very same name always
    count; others are found by the rarest words of the name (`Context.sharing_words`)."""
    if not pl.name:
        return []
    recs = ctx.prep.records
    words = frozenset(lookup_words(pl.name))
    window = line_window(pl, ctx.rules)
    found = [
        r
        for r in ctx.in_window(hits_of(ctx.index.names.get(pl.name)), window)
        if recs[r].minor == pl.minor and recs[r].currency == pl.currency
    ]
    if words:
        for hits in amount_lists(ctx, pl.currency, pl.account, pl.minor):
            found.extend(ctx.sharing_words(hits, words, window))
    strong = ctx.rules.name_strong
    return sorted(r for r in set(found) if ctx.similarity(pl.name, recs[r].name) >= strong)


def line_window(pl: PLine, rules: Rules) -> tuple[int, int] | None:
    """The days a record may be dated for an amount-only candidate of the line."""
    if pl.day is None:
        return None
    return pl.day - rules.amount_days_after, pl.day + rules.amount_days_before


def amount_window(pl: PLine, ctx: Context, exclude: dict[int, Pair]) -> tuple[list[int], int]:
    """Records of the line's currency and account (or any) with exactly its amount, dated
    within the amount window, not in `exclude`: (those records by position, their count).

    The records are listed only when there are at most `max_candidates`; past that the
    line is crowded and only the count matters. Long lists are searched by date through
    a sorted copy made once, so a common amount costs a bisection, not a scan.
    """
    if pl.minor == 0:
        return [], 0
    rules = ctx.rules
    window = line_window(pl, rules)
    lists = amount_lists(ctx, pl.currency, pl.account, pl.minor)
    if not lists:
        return [], 0
    excluded = sum(1 for r in exclude if _same_amount(pl, r, window, ctx))
    if any(len(hits) > _SHORT_LIST for hits in lists):  # a common amount: count, then list
        count = sum(ctx.count_in_window(hits, window) for hits in lists) - excluded
        if count > rules.max_candidates:
            return [], count
    spans = [ctx.in_window(hits, window) for hits in lists]
    count = sum(len(span) for span in spans) - excluded
    if count > rules.max_candidates:
        return [], count
    found = sorted(r for span in spans for r in span if r not in exclude)
    return found, count


def _same_amount(pl: PLine, r: int, window: tuple[int, int] | None, ctx: Context) -> bool:
    """Whether record `r` is one of the line's `amount_window` records (before exclusion)."""
    pr = ctx.prep.records[r]
    if pr.minor != pl.minor or pr.currency != pl.currency:
        return False
    if ctx.accounts[r] not in _reachable(pl.account):
        return False
    return window is None or window[0] <= pr.day <= window[1]


def fee_and_instructed_candidates(
    pl: PLine, ctx: Context, exclude: Mapping[int, object]
) -> list[int]:
    """The first `max_candidates` records, by position and not in `exclude`, whose amount is
    the line's plus a known bank fee or plus the charges the bank reports (for incoming
    lines), or the instructed amount the bank reports in another currency; dated within the
    line's amount window, and compatible with the line (`compatible`).

    At a million records such an amount is often common, with thousands of records in the
    window: they are not sorted, only the first few picked out.
    """
    rules = ctx.rules
    amounts: set[tuple[str, int]] = set()
    if pl.minor > 0:  # incoming transfers arrive short by the banks' charges
        amounts.update((pl.currency, pl.minor + fee) for fee in rules.fee_amounts(pl.currency))
        charges = pl.line.charges
        if charges is not None and charges.currency == pl.currency and charges.minor:
            amounts.add((pl.currency, pl.minor + abs(charges.minor)))
    instructed = pl.line.instructed_amount
    if instructed is not None and instructed.currency != pl.currency:
        amounts.add((instructed.currency, instructed.minor))
    window = line_window(pl, rules)
    spans: list[Sequence[int]] = []
    for currency, minor in sorted(amounts):
        # A record is compatible when it moves money the line's way (its account is one of
        # `_reachable`'s): all records of an amount, or none.
        if minor == 0 or (minor > 0) != (pl.minor > 0):
            continue
        spans.extend(
            ctx.in_window(hits, window) for hits in amount_lists(ctx, currency, pl.account, minor)
        )
    limit = rules.max_candidates
    first = heapq.nsmallest(limit + len(exclude), itertools.chain.from_iterable(spans))
    return [r for r in first if r not in exclude][:limit]


def fx_range_candidates(pl: PLine, ctx: Context, limit: int) -> list[int]:
    """Records in other currencies whose converted amount lies within the FX tolerance."""
    if not ctx.rates or pl.day is None:
        return []
    out: list[int] = []
    for cur, account in sorted(ctx.index.amount):
        if cur == pl.currency or account not in (pl.account, ""):
            continue
        rate = ctx.rates.rate(pl.currency, cur, pl.day)
        if rate is None:
            continue
        centre = convert(pl.minor, pl.currency, rate, cur)
        spread = int(abs(centre) * ctx.rules.fx_tolerance) + 1
        amounts, positions = _sorted_amounts(ctx, (cur, account))
        lo = bisect_left(amounts, centre - spread)
        hi = bisect_right(amounts, centre + spread)
        if hi - lo <= limit:
            out.extend(positions[lo:hi])
    return sorted(out)


def _sorted_amounts(ctx: Context, key: tuple[str, str]) -> tuple[list[int], array[int]]:
    found = ctx.sorted_amounts.get(key)
    if found is None:
        pairs = sorted(
            (minor, pos) for minor, hits in ctx.index.amount[key].items() for pos in hits_of(hits)
        )
        # Positions fit an array; amounts may not (a ledger may hold any number of digits).
        found = ([p[0] for p in pairs], array("q", [p[1] for p in pairs]))
        ctx.sorted_amounts[key] = found
    return found


# --- evaluating one line against one record ------------------------------------------


def compatible(pl: PLine, pr: PRec) -> bool:
    """Hard filters: same direction of money, and the record's account if it names one."""
    if (pl.minor > 0) != (pr.minor > 0) or pr.minor == 0:
        return False
    return pr.account is None or pr.account == pl.account


def evaluate(pl: PLine, pr: PRec, strength: int, ctx: Context) -> Pair:
    """Compare amounts (converting when needed), names and dates of a line and a record."""
    pair = Pair(pr.pos, strength)
    if pl.day is not None:
        pair.days = pl.day - pr.day
    _amount(pl, pr, pair, ctx)
    if strength == BARE and pair.aclass == OVER:
        pair.number = is_number(pr)
    pair.sim = sim = _name(pl, pr, ctx)
    if sim == 100.0 and pl.name and _name_may_decide(pair):
        # Only between names of the very same words: in a name the bank cut short or
        # misspelt, the last word may look like a legal form (`BAKKER VERPACKUNG AS` for
        # Aschaffenburg).
        pair.other_form = ctx.other_legal_form(pl, pr)
    return pair


def _name_may_decide(pair: Pair) -> bool:
    """Whether the name may decide the pair: amount + name (an exact or converted amount,
    no reference), or digits two series may share with a conversion at the file's rate."""
    if pair.strength < PREFIXED:
        return pair.aclass in (EXACT, FX)
    return pair.strength == PREFIXED and pair.aclass == FX


def is_number(pr: PRec) -> bool:
    """The record's whole reference is a number (`101443`): quoted, it is found bare."""
    return ref_key(pr.label).isdigit()


def _amount(pl: PLine, pr: PRec, pair: Pair, ctx: Context) -> None:
    rules = ctx.rules
    if pr.currency == pl.currency:
        pair.expected = pr.minor
        if pair.strength == ID:
            tol = rules.identifier_tolerance
        elif pair.strength >= PREFIXED:
            tol = rules.reference_tolerance
        else:
            tol = rules.amount_tolerance
        _classify(pl, pair, tol.limit(pr.minor), ctx)
        return
    _convert(pl, pr, pair, ctx)
    if pair.fx_rate is None:
        pair.aclass = NO_RATE
        return
    limit = int(abs(pair.expected) * rules.fx_tolerance)
    if pair.fx_source == "bank":
        limit = max(1, abs(pair.expected) // 2000)
    diff = pl.minor - pair.expected
    if abs(diff) <= limit:
        pair.aclass = FX
    else:
        pair.aclass = SHORT if abs(pl.minor) < abs(pair.expected) else OVER


def _classify(pl: PLine, pair: Pair, limit: int, ctx: Context) -> None:
    diff = pl.minor - pair.expected
    if abs(diff) <= limit:
        pair.aclass = EXACT
        return
    shortfall = abs(pair.expected) - abs(pl.minor)
    charges = pl.line.charges
    charged = (
        charges is not None and charges.currency == pl.currency and shortfall == abs(charges.minor)
    )
    known_fee = shortfall > 0 and pl.minor > 0 and shortfall in ctx.rules.fee_amounts(pl.currency)
    if (charged or known_fee) and not _says_part_payment(pl, ctx):
        pair.aclass, pair.fee = FEE, shortfall
    else:
        pair.aclass = SHORT if shortfall > 0 else OVER


def _says_part_payment(pl: PLine, ctx: Context) -> bool:
    """Whether the line's texts call it a part payment (`Teilzahlung 1`, an instalment):
    then what it leaves open is still owed, whatever a bank's fee would have been."""
    if pl.part_payment is None:
        words = pl.words or _text_words(pl)  # not kept: most lines never need them again
        pl.part_payment = any(word in words for word in ctx.part_payment_words)
    return pl.part_payment


def _text_words(pl: PLine) -> str:
    """The line's remittance and additional information as words (`text_words`)."""
    line = pl.line
    return text_words(" ".join(t for t in (line.remittance, line.additional_info) if t))


def _convert(pl: PLine, pr: PRec, pair: Pair, ctx: Context) -> None:
    line = pl.line
    instructed = line.instructed_amount
    if instructed is not None and instructed.currency == pr.currency and instructed.minor:
        rate = implied_rate(instructed.minor, instructed.currency, pl.minor, pl.currency)
        if instructed.minor == pr.minor:
            pair.expected = pl.minor
        else:
            pair.expected = convert(pr.minor, pr.currency, rate, pl.currency)
        pair.fx_rate = line.exchange_rate if line.exchange_rate else rate
        pair.fx_source = "bank"
        return
    if line.exchange_rate:
        best = _bank_rate(pl, pr, line.exchange_rate)
        pair.expected, pair.fx_rate, pair.fx_source = best[0], best[1], "bank"
        return
    if pl.day is None:
        return
    table_rate = ctx.rates.rate(pr.currency, pl.currency, pl.day)
    if table_rate is not None:
        pair.expected = convert(pr.minor, pr.currency, table_rate, pl.currency)
        pair.fx_rate, pair.fx_source = table_rate, "rates-file"


def _bank_rate(pl: PLine, pr: PRec, rate: Decimal) -> tuple[int, Decimal]:
    """A bare bank rate may be quoted either way round: use the reading that fits better."""
    direct = convert(pr.minor, pr.currency, rate, pl.currency)
    inverse_rate = Decimal(1) / rate
    inverse = convert(pr.minor, pr.currency, inverse_rate, pl.currency)
    if abs(inverse - pl.minor) < abs(direct - pl.minor):
        return inverse, inverse_rate
    return direct, rate


def _name(pl: PLine, pr: PRec, ctx: Context) -> float | None:
    if not pr.name:
        return None
    if pl.name:
        return ctx.similarity(pl.name, pr.name)
    if pl.words is None:
        pl.words = _text_words(pl)
    return 90.0 if name_in_text(pr.name, pl.words) else None
