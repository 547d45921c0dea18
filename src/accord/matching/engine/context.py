"""Everything candidate generation needs for one run: the rules, the records' indexes and
the caches made from them (long hit lists by date, account and word; name similarities).
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from rapidfuzz.fuzz import ratio
from rapidfuzz.process import extractOne

from accord.matching.engine.fx import RateTable
from accord.matching.engine.hits import Hits
from accord.matching.engine.index import Index
from accord.matching.engine.prepare import PLine, PRec, Prepared
from accord.matching.engine.rules import Rules
from accord.matching.engine.text import (
    legal_forms,
    name_similarity,
    other_legal_form,
    ref_key,
    text_words,
)

if TYPE_CHECKING:
    # A long hit list's ranks by word, and the words at each rank (`Context._word_index`).
    _WordIndex = tuple[dict[str, array[int]], list[frozenset[str]]]

SHORT_LIST: Final = 16  # hit lists up to this long are filtered in place, longer ones once
# A common amount's records of a payer's rarest word are narrowed by its other words only
# when there are at most this many times `max_candidates` of them.
_WIDE_WORD: Final = 8
# Cache bounds, not Final so that tests can shrink them.
_SIM_CACHE_SIZE = 100_000  # name pairs; repeats come from the same payers within days
_COUNTERPARTY_CACHE_SIZE = 50_000  # line names with their counterparty's records
# One word spelt two ways scores this much or more: IMMOBILINE / IMMOBILIEN 90, NORGAARD /
# NOERGAARD 94; MEYER / MAYER 80.
_SAME_WORD: Final = 85


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
        # (line name, account) -> its counterparty's records (`counterparty.same_counterparty`)
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
        if len(hits) <= SHORT_LIST:
            return [r for r in hits if lo <= recs[r].day <= hi]
        days, positions = self._by_date(hits)
        return positions[bisect_left(days, lo) : bisect_right(days, hi)]

    def count_in_window(self, hits: Sequence[int], window: tuple[int, int] | None) -> int:
        """len(self.in_window(hits, window)), without listing a long hit list's records."""
        if window is None or len(hits) <= SHORT_LIST:
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
        if len(hits) <= SHORT_LIST:
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
        if len(hits) <= SHORT_LIST:
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
