"""The engine's run: prepare, propose per line, group, assign, explain."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Sequence
from typing import Any, Final, Protocol, TypeVar

from accord.ingest.parsers.model import BankLine
from accord.matching.engine.assign import Assignment, assign
from accord.matching.engine.candidates import (
    amount_hits,
    amount_window,
    compatible,
    evaluate,
    fee_and_instructed_candidates,
    fx_range_candidates,
    line_window,
    named_on_amount,
)
from accord.matching.engine.collective import collective
from accord.matching.engine.context import Context
from accord.matching.engine.counterparty import subset
from accord.matching.engine.fx import RateTable
from accord.matching.engine.index import Index
from accord.matching.engine.instalments import instalments
from accord.matching.engine.model import (
    EngineResult,
    LedgerRecord,
    Rate,
)
from accord.matching.engine.pair import BARE, EXACT, FULL, OVER, PREFIXED, SHORT, Pair
from accord.matching.engine.prepare import PLine, PRec, Prepared, RecordBook
from accord.matching.engine.proposals import DOUBLE_PAYMENT, Proposal, in_window, one_to_one
from accord.matching.engine.references import find_references
from accord.matching.engine.result import build_result
from accord.matching.engine.reversals import Link, reversals
from accord.matching.engine.rules import (
    AMOUNT,
    AMOUNT_NAME,
    IDENTIFIER,
    OVERPAYMENT,
    PARTIAL,
    REFERENCE,
    Rules,
)
from accord.matching.engine.text import ref_key

R = TypeVar("R")

# Lines are proposed in this many independent spans, which a `Mapper` may run in parallel.
# Spans of as many lines differ in cost (their accounts, how common their amounts are), so
# the job's mapper shares them out as the work goes; one side may wait for the last one.
PROPOSE_SPANS: Final = 48


class Mapper(Protocol):
    """`[func(item) for item in items]`, in any way that returns the same list; `weights`
    say how heavy each item is. The engine's callers may spread items over processes.
    `done_here()` frees what only `func` needs: call it once this process will run `func`
    no more, before collecting results from elsewhere, so that they can reuse the memory."""

    def __call__(
        self,
        func: Callable[[Any], R],
        items: Sequence[Any],
        weights: Sequence[int],
        done_here: Callable[[], None],
        /,
    ) -> list[R]: ...


class Proposed:
    """What proposing a span of lines found, each line on its own."""

    def __init__(self) -> None:
        self.props: list[Proposal] = []
        self.crowded: dict[int, int] = {}
        self.links: dict[int, tuple[Link, ...]] = {}
        self.instal: dict[tuple[int, str], list[int]] = {}
        # Lines that quote a record only by its bare number, in the payer's name.
        self.weak_instal: dict[tuple[int, str], list[int]] = {}

    def absorb(self, later: Proposed) -> None:
        """Add the proposals of lines after this run's own, keeping every list in line order."""
        self.props.extend(later.props)
        self.crowded.update(later.crowded)
        self.links.update(later.links)
        for key, positions in later.instal.items():
            self.instal.setdefault(key, []).extend(positions)
        for key, positions in later.weak_instal.items():
            self.weak_instal.setdefault(key, []).extend(positions)

    def detached(self) -> Proposed:
        """The findings alone, without the run's context (for sending to another process)."""
        found = Proposed()
        found.props, found.crowded = self.props, self.crowded
        found.links, found.instal = self.links, self.instal
        found.weak_instal = self.weak_instal
        return found


class _Run(Proposed):
    """Mutable state of one run; the public API stays a pure function."""

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx


def line_pairs(pl: PLine, ctx: Context, run: _Run) -> tuple[dict[int, Pair], int]:
    """Every record the line's evidence points at, evaluated and filtered, and how many
    open records have exactly the line's amount."""
    recs, rules = ctx.prep.records, ctx.rules
    refs, shared = find_references(pl, ctx)
    pairs: dict[int, Pair] = {}
    for r in sorted(refs):
        pr = recs[r]
        if compatible(pl, pr):
            pair = evaluate(pl, pr, refs[r], ctx)
            pair.shared = r in shared
            if in_window(pair, rules):
                pairs[r] = pair
    _remember_links(pl, refs, run)
    by_amount, count = amount_window(pl, ctx, pairs)
    if count > rules.max_candidates:
        run.crowded[pl.pos] = count
        by_amount = _windowed(pl, named_on_amount(pl, ctx), pairs, ctx, rules.max_candidates)
    _evaluate_all(pl, by_amount, refs, pairs, ctx)
    if not any(p.aclass == EXACT for p in pairs.values()):
        _evaluate_all(pl, fee_and_instructed_candidates(pl, ctx, pairs), refs, pairs, ctx)
    if not pairs:
        found = fx_range_candidates(pl, ctx, rules.max_candidates)
        _evaluate_all(pl, _windowed(pl, found, pairs, ctx), refs, pairs, ctx)
    return pairs, count


def _windowed(
    pl: PLine,
    cands: Sequence[int],
    pairs: dict[int, Pair],
    ctx: Context,
    limit: int | None = None,
) -> list[int]:
    """The records of `cands` not paired yet, compatible with the line and dated within its
    amount window, in the given order; only the first `limit` when a limit is given (a
    common amount at a million records lists hundreds)."""
    recs = ctx.prep.records
    window = line_window(pl, ctx.rules)
    if window is None:
        kept = (r for r in cands if r not in pairs and compatible(pl, recs[r]))
    else:
        lo, hi = window
        kept = (
            r
            for r in cands
            if r not in pairs and lo <= recs[r].day <= hi and compatible(pl, recs[r])
        )
    return list(itertools.islice(kept, limit))


def _evaluate_all(
    pl: PLine, cands: Sequence[int], refs: dict[int, int], pairs: dict[int, Pair], ctx: Context
) -> None:
    recs = ctx.prep.records
    for r in cands:
        if r not in pairs:
            pair = evaluate(pl, recs[r], refs.get(r, 0), ctx)
            if in_window(pair, ctx.rules):
                pairs[r] = pair


def _remember_links(pl: PLine, refs: dict[int, int], run: _Run) -> None:
    """Identifier keys a returned payment can share with the payment it returns: the
    positions of the records it quotes, and the key of its end-to-end id (a `Link`)."""
    keys: list[Link] = [r for r, s in refs.items() if s >= PREFIXED]
    e2e = pl.line.end_to_end_id
    if e2e:
        key = ref_key(e2e)
        if key and key not in run.ctx.ignored:
            keys.append(key)
    if keys:
        run.links[pl.pos] = tuple(keys)


def _names_one_record(pair: Pair, rules: Rules) -> bool:
    """The whole reference is quoted, or its digits after an invoice word or its own prefix
    (naming no other record) in the payer's name."""
    if pair.strength >= FULL:
        return True
    return pair.strength == PREFIXED and not pair.shared and rules.strong_name(pair.sim)


def _plain_overpayment(pl: PLine, pair: Pair, ctx: Context) -> bool:
    """More than the quoted record, and no other open record the payer may owe pays the
    excess.

    Otherwise the line may be an unlisted collective payment, which is for review. A record
    of another counterparty (named otherwise than the quoted record and unlike the line's
    payer) is no such record.
    """
    recs = ctx.prep.records
    if pair.fx_rate is not None:
        return False
    excess = pl.minor - pair.expected
    for r in amount_hits(ctx, pl.currency, pl.account, excess):
        if r != pair.rec and compatible(pl, recs[r]) and _may_owe(pl, recs[r], pair, ctx):
            return False
    return abs(excess) * 2 <= abs(pair.expected)  # beyond half, the excess is another purpose


def _may_owe(pl: PLine, pr: PRec, pair: Pair, ctx: Context) -> bool:
    """Whether the record may be the quoted record's payer's too."""
    name = pr.name  # normalised: "" when the record names nobody
    if not name or name == ctx.prep.records[pair.rec].name:
        return True
    return bool(pl.name) and ctx.similarity(pl.name, name) >= ctx.rules.name_weak


def _demote_double_payments(props: list[Proposal], lines: list[PLine]) -> None:
    """Several transfers quote one record with its full amount: the earliest is the payment.

    The later ones must never be matched to it; on the same day nothing is decided.
    """
    # A record's first such proposal, and the later ones of records that have several: at
    # a million lines, a list per record was a tenth of the job's peak.
    first_of: dict[int, Proposal] = {}
    later: dict[int, list[Proposal]] = {}
    for p in props:
        if p.stage in (IDENTIFIER, REFERENCE) and len(p.lines) == 1 and len(p.recs) == 1:
            r = p.recs[0]
            if r not in first_of:
                first_of[r] = p
            else:
                later.setdefault(r, []).append(p)
    for r, more in later.items():
        group = [first_of[r], *more]
        group.sort(key=lambda p: (lines[p.lines[0]].day or 0, p.lines))
        first, second = (lines[group[0].lines[0]].day, lines[group[1].lines[0]].day)
        if first is None or second is None or first >= second:
            continue
        for p in group[1:]:
            p.band, p.stage, p.auto = 20, PARTIAL, False
            p.notes = (DOUBLE_PAYMENT,)
            p.finish(lines[p.lines[0]].minor)


def _propose_line(pl: PLine, run: _Run) -> None:
    ctx = run.ctx
    recs, rules = ctx.prep.records, ctx.rules
    pairs, peers = line_pairs(pl, ctx, run)
    ordered = [pairs[r] for r in sorted(pairs)]
    plain_amount = sum(1 for p in ordered if p.aclass == EXACT and not p.strength)
    # A line that quotes several records is a collective payment, not an over-payment.
    quoted = sum(1 for p in ordered if p.strength >= PREFIXED)
    best = 0
    # One tuple for all the line's proposals (a variable-length tuple: compiled, a tuple of
    # one int is a C struct, boxed anew for each proposal), one for each record's.
    line: tuple[int, ...] = (pl.pos,)
    for pair in ordered:
        prop = one_to_one(line, ctx.alone(pair.rec), pl.minor, pl.booked, pair, rules)
        if prop is None or (prop.stage == AMOUNT and prop.band <= 30 and plain_amount > 3):
            continue
        if quoted and pair.strength == BARE and prop.stage == OVERPAYMENT:
            continue  # a record's bare number beside a quoted reference: an order number, say
        if prop.stage == AMOUNT_NAME and peers > rules.common_amount_records:
            # A common amount (a subscription price, a round sum) paid by a name that
            # several customers could bear, or paid twice: without a reference, a guess.
            prop.auto = False
            prop.notes += (f"{peers} open records have this amount",)
        if (
            pair.aclass == OVER
            and _names_one_record(pair, rules)
            and quoted == 1
            and _plain_overpayment(pl, pair, ctx)
        ):
            prop.band, prop.stage = 80, OVERPAYMENT
            prop.auto = pl.booked and rules.may_auto(OVERPAYMENT)
        run.props.append(prop)
        best = max(best, prop.band)
    group = collective(pl, ordered, recs, ctx)
    if group is not None:
        run.props.append(group)
        best = max(best, group.band)
    short = [
        p
        for p in ordered
        if p.strength >= PREFIXED and p.aclass == SHORT and recs[p.rec].currency == pl.currency
    ]
    if len(short) <= 3:  # an instalment may quote a number two records share
        for p in short:
            run.instal.setdefault((p.rec, pl.account), []).append(pl.pos)
    if not quoted:  # beside a quoted reference, a bare number is no part payment
        weak = [
            p
            for p in ordered
            if p.strength == BARE
            and p.aclass == SHORT
            and recs[p.rec].currency == pl.currency
            and rules.strong_name(p.sim)
        ]
        if len(weak) == 1:
            run.weak_instal.setdefault((weak[0].rec, pl.account), []).append(pl.pos)
    if best < 70 and pl.name:
        found = subset(pl, recs, set(), ctx)
        if found is not None:
            run.props.append(found)


def run_engine(
    lines: Sequence[BankLine],
    records: Sequence[LedgerRecord] | RecordBook,
    rates: Sequence[Rate],
    rules: Rules,
    mapper: Mapper | None = None,
) -> EngineResult:
    """See accord.matching.engine.reconcile."""
    book = records if isinstance(records, RecordBook) else RecordBook(records, rules)
    if book.rules != rules:
        raise ValueError("the record book was built with other rules than this run's")
    prep = Prepared(lines, book.records)
    decided, crowded = _decide(prep, book.take_index(), rates, rules, mapper or _in_order)
    tied = prep.tied or book.tied
    return build_result(decided, prep.lines, prep.records, crowded, tied=tied)


def _decide(
    prep: Prepared, index: Index, rates: Sequence[Rate], rules: Rules, mapper: Mapper
) -> tuple[Assignment, dict[int, int]]:
    """The assignment and the crowded lines. The proposals that lost are dropped on return,
    before the results are built (at a million lines, gigabytes)."""
    props, crowded = _propose(prep, index, rates, rules, mapper)
    return assign(props, rules), crowded


def _propose(
    prep: Prepared, index: Index, rates: Sequence[Rate], rules: Rules, mapper: Mapper
) -> tuple[list[Proposal], dict[int, int]]:
    """Every proposal and the crowded lines. The indexes are dropped as soon as this process
    has proposed its share (`Mapper`), before the assignment (at a million lines, 750 MB)."""
    ctx = Context(prep, index, rules, RateTable(rates, rules.fx_rate_max_age_days))
    del index
    run = _Run(ctx)
    spans = _spans(len(prep.lines), PROPOSE_SPANS)
    propose = functools.partial(_propose_span, ctx)
    for part in mapper(propose, spans, [hi - lo for lo, hi in spans], ctx.release_index):
        run.absorb(part)
    for r, account in sorted(run.instal.keys() | run.weak_instal.keys()):
        line_pos = run.instal.get((r, account), [])
        weak = run.weak_instal.get((r, account), [])
        prop = instalments(prep.records[r], line_pos, prep.lines, ctx, weak=weak)
        if prop is not None:
            run.props.append(prop)
    run.props.extend(reversals(prep.lines, run.links, ctx))
    _demote_double_payments(run.props, prep.lines)
    return run.props, run.crowded


def _propose_span(ctx: Context, span: tuple[int, int]) -> Proposed:
    """Proposals of the lines at positions lo..hi-1: each line's own, independent of others."""
    run = _Run(ctx)
    lo, hi = span
    for pl in ctx.prep.lines[lo:hi]:
        if pl.minor != 0:
            _propose_line(pl, run)
    return run.detached()


def _spans(count: int, parts: int) -> list[tuple[int, int]]:
    """`parts` contiguous position ranges of nearly equal length covering 0..count-1."""
    bounds = [count * k // parts for k in range(parts + 1)]
    return [(bounds[k], bounds[k + 1]) for k in range(parts) if bounds[k] < bounds[k + 1]]


def _in_order(
    func: Callable[[Any], R],
    items: Sequence[Any],
    _weights: Sequence[int],
    done_here: Callable[[], None],
    /,
) -> list[R]:
    results = [func(item) for item in items]
    done_here()
    return results
