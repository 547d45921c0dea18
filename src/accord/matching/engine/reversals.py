"""Returned payments: each reversal or return paired with the credit (or debit) it returns."""

from __future__ import annotations

from typing import Final

from accord.matching.engine.context import Context
from accord.matching.engine.prepare import PLine
from accord.matching.engine.proposals import Proposal
from accord.matching.engine.rules import REVERSAL

# What a line's identifiers link it by: a quoted record's position, or an end-to-end id's key.
Link = int | str


def reversals(
    lines: list[PLine], links: dict[int, tuple[Link, ...]], ctx: Context
) -> list[Proposal]:
    """Pair each returned payment with the credit (or debit) it returns.

    A line flagged as a reversal that shares an identifier (end-to-end id or a quoted
    record) with exactly one earlier line of the opposite amount is a certain pair; any
    other fit is a proposal for review. `links` holds each line's identifier keys.
    """
    suspects = [pl for pl in lines if _returned(pl) or (pl.minor < 0 and links.get(pl.pos))]
    if not suspects:
        return []
    # Only the keys a suspect holds are looked up: indexing every line's keys and amounts
    # took hundreds of megabytes at a million lines, at the job's peak.
    wanted = {key for pl in suspects for key in links.get(pl.pos, ())}
    by_link: dict[Link, list[int]] = {}
    for pos in sorted(links):
        for key in links[pos]:
            if key in wanted:
                by_link.setdefault(key, []).append(pos)
    by_amount: dict[tuple[str, str, int], list[int]] | None = None
    out: list[Proposal] = []
    for pl in suspects:
        mine = set(links.get(pl.pos, ()))
        sharing = sorted({i for key in mine for i in by_link[key]})
        linked = [lines[i] for i in sharing if _may_return(pl, lines[i])]
        returned = _returned(pl)
        if not returned:
            linked = [o for o in linked if o.minor > 0]
        for o in linked:
            # The same end-to-end id coming back is the payer's bank returning the payment;
            # a refund would carry a new one.
            same_e2e = any(isinstance(k, str) for k in mine.intersection(links[o.pos]))
            certain = len(linked) == 1 and (returned or same_e2e)
            out.append(_reversal(pl, o, 101 if certain else 60, certain, ctx))
        if not linked and returned and pl.name:
            by_amount = by_amount if by_amount is not None else _returns_by_amount(lines, suspects)
            originals = [
                lines[i]
                for i in by_amount.get((pl.account, pl.currency, -pl.minor), ())
                if _may_return(pl, lines[i])
            ]
            named = [
                o for o in originals if ctx.similarity(pl.name, o.name) >= ctx.rules.name_strong
            ]
            out.extend(_reversal(pl, o, 60, False, ctx) for o in named[: ctx.rules.max_candidates])
    return out


def _may_return(pl: PLine, original: PLine) -> bool:
    """`pl` can return `original`: an earlier, unflagged line of the opposite amount."""
    return (
        original.pos != pl.pos
        and not original.line.reversal
        and original.minor == -pl.minor
        and original.account == pl.account
        and original.currency == pl.currency
        and _not_later(original.day, pl.day)
    )


def _returns_by_amount(
    lines: list[PLine], suspects: list[PLine]
) -> dict[tuple[str, str, int], list[int]]:
    """The unflagged lines by (account, currency, amount), for the amounts that a returned
    suspect with a name would return."""
    wanted = {(pl.account, pl.currency, -pl.minor) for pl in suspects if _returned(pl) and pl.name}
    amounts = {minor for _, _, minor in wanted}
    by_amount: dict[tuple[str, str, int], list[int]] = {}
    for pl in lines:
        if pl.minor in amounts and not pl.line.reversal:
            key = (pl.account, pl.currency, pl.minor)
            if key in wanted:
                by_amount.setdefault(key, []).append(pl.pos)
    return by_amount


# ISO 20022 bank transaction sub-families of returns and reversals.
_RETURN_CODES: Final = frozenset({"UPDD", "RRTN", "RPCR"})


def _returned(pl: PLine) -> bool:
    """Flagged as a reversal, or coded as a returned / unpaid payment."""
    code = pl.line.transaction_code
    return pl.line.reversal or (code is not None and code.sub_family in _RETURN_CODES)


def _reversal(pl: PLine, original: PLine, band: int, auto: bool, ctx: Context) -> Proposal:
    pair = tuple(sorted((pl.pos, original.pos)))
    prop = Proposal(
        pair,
        (),
        band,
        REVERSAL,
        auto=auto and pl.booked and original.booked and ctx.rules.may_auto(REVERSAL),
        expected=0,
    )
    if pl.day is not None and original.day is not None:
        prop.days = pl.day - original.day
    prop.notes = (f"returns bank line {original.line.bank_ref}",)
    return prop.finish(pl.minor + original.minor)


def _not_later(day: int | None, than: int | None) -> bool:
    return day is None or than is None or day <= than
