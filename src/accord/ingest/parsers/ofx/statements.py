"""OFX bank (STMTRS) and credit card (CCSTMTRS) statement responses."""

from __future__ import annotations

import re
from datetime import date

from accord.ingest.parsers.interner import Interner
from accord.ingest.parsers.model import Account, Balance, SourceLocation, Statement
from accord.ingest.parsers.ofx.lines import LineContext, read_line
from accord.ingest.parsers.ofx.tree import Node, OfxError, find_all
from accord.ingest.parsers.ofx.values import optional_date, parse_currency, parse_date, parse_money

STATEMENTS = frozenset({"STMTRS", "CCSTMTRS"})
_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")


def _is_iban(value: str) -> bool:
    if _IBAN.fullmatch(value) is None:
        return False
    moved = value[4:] + value[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def _account(rs: Node, currency: str) -> Account:
    tag = "CCACCTFROM" if rs.name == "CCSTMTRS" else "BANKACCTFROM"
    source = rs.require(tag, "the account (ACCTID)")
    number = source.required_value("ACCTID", "the account number")
    return Account(
        iban=number if _is_iban(number) else None,
        number=number,
        currency=currency,
        bank=source.value("BANKID"),
    )


def _balance(rs: Node, name: str, currency: str) -> Balance | None:
    node = rs.child(name)
    if node is None:
        return None
    amount = parse_money(node.require("BALAMT", "the balance amount"), currency)
    return Balance(amount, parse_date(node.require("DTASOF", "the balance date")))


def _period(lists: list[Node]) -> tuple[date | None, date | None]:
    starts = [d for d in (optional_date(t, "DTSTART") for t in lists) if d is not None]
    ends = [d for d in (optional_date(t, "DTEND") for t in lists) if d is not None]
    return (min(starts) if starts else None), (max(ends) if ends else None)


def _statement_id(account: Account, period: tuple[date | None, date | None], index: int) -> str:
    """``{account}/{start}-{end}``, or ``{account}/#{position}`` without a full period; the
    position keeps two statements of one account and period in a file apart."""
    start, end = period
    if start is None or end is None:
        return f"{account.id}/#{index + 1}"
    return f"{account.id}/{start:%Y%m%d}-{end:%Y%m%d}"


def read_statement(
    rs: Node, index: int, file: str, extra: dict[str, str], taken: set[str], shared: Interner
) -> Statement:
    """One STMTRS / CCSTMTRS: account, lines of every BANKTRANLIST, ledger balance.

    OFX has no opening balance, so opening_booked stays None and no balance check applies.
    `taken` holds the ids used so far in the file; a repeated one gets ``#2``, ``#3``...
    Its lines share equal values with the file's other lines through `shared`.
    """
    currency = parse_currency(rs.require("CURDEF", "the account currency"))
    account = _account(rs, currency)
    lists = rs.all("BANKTRANLIST")
    period = _period(lists)
    statement_id = base = _statement_id(account, period, index)
    while statement_id in taken:
        statement_id = f"{base}#{len(taken) + 1}"
    taken.add(statement_id)
    context = LineContext(file, statement_id, index, account.id, currency, shared)
    transactions = [trn for tranlist in lists for trn in tranlist.all("STMTTRN")]
    source = rs.child("CCACCTFROM") or rs.child("BANKACCTFROM")
    return Statement(
        format="ofx",
        id=statement_id,
        account=account,
        lines=tuple(read_line(trn, n, context) for n, trn in enumerate(transactions)),
        source=SourceLocation(file, index, 0, line=rs.line),
        period_start=period[0],
        period_end=period[1],
        closing_booked=_balance(rs, "LEDGERBAL", currency),
        closing_available=_balance(rs, "AVAILBAL", currency),
        extra={
            **extra,
            "kind": "creditcard" if rs.name == "CCSTMTRS" else "bank",
            **({"account_type": t} if source and (t := source.value("ACCTTYPE")) else {}),
            **({"branch": b} if source and (b := source.value("BRANCHID")) else {}),
        },
    )


def read_statements(root: Node, file: str, extra: dict[str, str]) -> list[Statement]:
    """Every bank and credit card statement of the file, in order."""
    responses = find_all(root, STATEMENTS | {"STMTTRNRS", "CCSTMTTRNRS"})
    found = find_all(root, STATEMENTS)
    for response in responses:
        if response.name in STATEMENTS:
            continue
        if response.child("STMTRS") is None and response.child("CCSTMTRS") is None:
            _check_status(response)
    if not found:
        raise OfxError(
            root.line,
            "no bank or credit card statement (STMTRS / CCSTMTRS) in the file; "
            "investment and other OFX messages are not read",
        )
    taken: set[str] = set()
    shared = Interner()
    return [read_statement(rs, n, file, extra, taken, shared) for n, rs in enumerate(found)]


def _check_status(response: Node) -> None:
    status = response.child("STATUS")
    code = status.value("CODE") if status is not None else None
    message = status.value("MESSAGE") if status is not None else None
    raise OfxError(
        response.line,
        f"{response.name} holds no statement (status code {code or '?'}"
        f"{': ' + message if message else ''})",
    )
