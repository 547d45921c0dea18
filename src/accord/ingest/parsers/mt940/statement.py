"""Assemble the fields of one MT940 / MT942 statement into the normalised model."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from accord.ingest.parsers.interner import Interner
from accord.ingest.parsers.model import (
    Account,
    Balance,
    BankLine,
    LineStatus,
    Party,
    SourceLocation,
    Statement,
)
from accord.ingest.parsers.mt940 import details as info
from accord.ingest.parsers.mt940.fields import Block, Field, FieldError
from accord.ingest.parsers.mt940.values import (
    AccountField,
    BalanceField,
    LineField,
    is_iban,
    minor_units,
    parse_account,
    parse_balance,
    parse_datetime,
    parse_floor_limit,
    parse_statement_line,
    parse_sum,
)
from accord.ingest.parsers.refs import RefAssigner
from accord.kit.errors import BadInput
from accord.kit.money import Money, exponent, is_currency

# Fields that may appear once per statement, by group; the first tag names the group.
_GROUPS = {
    "25": "25",
    "25P": "25",
    "28": "28C",
    "28C": "28C",
    "13": "13D",
    "13D": "13D",
    "60": "60F",
    "60F": "60F",
    "60M": "60F",
    "62": "62F",
    "62F": "62F",
    "62M": "62F",
}
_HEADER = frozenset({"20", "21", "25", "25P", "28", "28C", "13", "13D", "34F", "60", "60F", "60M"})
_TRAILER = frozenset({"62", "62F", "62M", "64", "65", "90D", "90C"})
_REPEATABLE = frozenset({"34F", "65", "86", "NS"})
_T = TypeVar("_T")
_DEBIT_MARKS = frozenset({"D", "RC"})


@dataclass(slots=True)
class _Entry:
    """A ``:61:`` field and the ``:86:`` fields that follow it."""

    item: Field
    info: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Parts:
    """The fields of one statement, sorted by role."""

    once: dict[str, Field] = field(default_factory=dict)
    floor_limits: list[Field] = field(default_factory=list)
    forward: list[Field] = field(default_factory=list)
    entries: list[_Entry] = field(default_factory=list)
    information: list[str] = field(default_factory=list)


def sort_fields(block: Block) -> _Parts:
    """Check the order of a statement's fields and sort them by role."""
    parts = _Parts()
    phase = "header"
    for item in block.fields:
        tag = item.tag
        if tag == "61":
            if phase == "trailer":
                raise FieldError(item.line, "found :61: after the closing balance")
            phase = "lines"
            parts.entries.append(_Entry(item))
        elif tag == "86":
            target = parts.entries[-1].info if phase == "lines" else parts.information
            target.extend(item.lines)
        elif tag in _TRAILER:
            phase = "trailer"
            _file(parts, item)
        elif tag in _HEADER and phase != "header":
            raise FieldError(
                item.line,
                f"found :{tag}: after the statement lines; expected it before the first :61:",
            )
        elif tag != "NS":
            _file(parts, item)
    return parts


def _file(parts: _Parts, item: Field) -> None:
    if item.tag == "34F":
        parts.floor_limits.append(item)
    elif item.tag == "65":
        parts.forward.append(item)
    else:
        group = _GROUPS.get(item.tag, item.tag)
        if group in parts.once:
            first = parts.once[group]
            raise FieldError(
                item.line,
                f"second :{item.tag}: in one statement (the first is "
                f"at line {first.line}); expected one",
            )
        parts.once[group] = item


@dataclass(slots=True)
class StatementBuilder:
    """Builds the statements of one file; keeps statement ids unique within it."""

    file: str
    seen_ids: dict[str, int] = field(default_factory=dict)
    shared: Interner = field(default_factory=Interner)

    def build(self, block: Block, index: int) -> Statement:
        """One normalised statement from its fields, or raise FieldError."""
        parts = sort_fields(block)
        start = block.fields[0]
        account_field = _required(parts, "25", start, "account identification :25:")
        parsed_account = _decode(account_field, _parse_account)
        is_942 = _is_942(block, parts)
        opening, closing = _balance(parts.once.get("60F")), _balance(parts.once.get("62F"))
        _check_complete(block, is_942, opening)
        currency = _currency(parts, parsed_account, opening, closing)
        statement_id = self._unique_id(start.text, parts)
        refs = RefAssigner(statement_id)
        account = Account(
            parsed_account.iban, parsed_account.number, currency, bank=parsed_account.bank
        )
        source = SourceLocation(self.file, index, 0, line=start.line)
        entries = [(entry, _statement_line(entry.item)) for entry in parts.entries]
        if is_942:
            _check_sums(parts, [parsed for _, parsed in entries], currency)
        created = parts.once.get("13D")
        return Statement(
            format="mt942" if is_942 else "mt940",
            id=statement_id,
            account=account,
            lines=tuple(
                _bank_line(entry, parsed, n, refs, account, source, self.shared)
                for n, (entry, parsed) in enumerate(entries)
            ),
            source=source,
            sequence=_text(parts.once.get("28C")),
            created_at=_decode(created, parse_datetime) if created else None,
            period_start=opening.date if opening else None,
            period_end=closing.date if closing else None,
            opening_booked=_money_balance(opening, parts.once.get("60F")),
            closing_booked=_money_balance(closing, parts.once.get("62F")),
            closing_available=_money_balance(_balance(parts.once.get("64")), parts.once.get("64")),
            extra=_extra(parts, block),
        )

    def _unique_id(self, reference: str, parts: _Parts) -> str:
        """``:20:`` reference and ``:28C:`` number; ``#2``, ``#3`` ... if they repeat."""
        sequence = _text(parts.once.get("28C"))
        base = f"{reference}/{sequence}" if sequence else reference
        count = self.seen_ids.get(base, 0) + 1
        self.seen_ids[base] = count
        return base if count == 1 else f"{base}#{count}"


def _check_complete(block: Block, is_942: bool, opening: BalanceField | None) -> None:
    """An MT940 needs an opening balance. A statement must end with its closing balance
    (MT942: its :90D: / :90C: totals) or a '-' terminator; else the file was cut off."""
    start = block.fields[0]
    if not is_942 and opening is None:
        raise FieldError(
            start.line, f"statement {start.text!r} has no opening balance; expected :60F: or :60M:"
        )
    ends = {"90D", "90C"} if is_942 else {"62", "62F", "62M"}
    if not block.terminated and not any(item.tag in ends for item in block.fields):
        expected = ":90D:/:90C:" if is_942 else "a closing balance (:62F:)"
        raise FieldError(
            block.fields[-1].line,
            f"statement {start.text!r} ends without {expected} or a '-' terminator; "
            "the file looks cut off",
        )


def _required(parts: _Parts, group: str, start: Field, what: str) -> Field:
    found = parts.once.get(group)
    if found is None:
        raise FieldError(start.line, f"statement {start.text!r} has no {what}")
    return found


def _is_942(block: Block, parts: _Parts) -> bool:
    if block.message_type is not None:
        return block.message_type == "942"
    sums = "90D" in parts.once or "90C" in parts.once
    return bool(parts.floor_limits) or (sums and "60F" not in parts.once)


def _decode(item: Field, decoder: Callable[[str], _T]) -> _T:
    """Decode a one-line field, naming its line when it is malformed."""
    if item.extra_lines:
        raise FieldError(
            item.line + 1,
            f"unexpected text after :{item.tag}: "
            f"{item.extra_lines[0].strip()!r}; expected the next field",
        )
    try:
        return decoder(item.text)
    except ValueError as error:
        raise FieldError(item.line, f":{item.tag}: {error}") from None


def _balance(item: Field | None) -> BalanceField | None:
    return _decode(item, parse_balance) if item is not None else None


def _text(item: Field | None) -> str | None:
    """A text field's value; lines are joined (ING wraps ``:28C:0000`` + ``0``)."""
    if item is None:
        return None
    return "".join(line.strip() for line in item.lines) or None


def _currency(
    parts: _Parts,
    account: AccountField,
    opening: BalanceField | None,
    closing: BalanceField | None,
) -> str:
    """The statement currency, checked to be ISO 4217 and the same in every field."""
    found: list[tuple[str, Field]] = []
    for balance, tag in ((opening, "60F"), (closing, "62F")):
        if balance is not None:
            found.append((balance.currency, parts.once[tag]))
    for item in (parts.once.get("64"), *parts.forward):
        if item is not None:
            found.append((_decode(item, parse_balance).currency, item))
    found += [(_decode(item, parse_floor_limit)[0], item) for item in parts.floor_limits]
    if account.currency is not None:
        found.append((account.currency, parts.once["25"]))
    if not found:
        raise FieldError(
            parts.once["25"].line,
            "no currency: expected a balance (:60F:) or, in MT942, a floor limit (:34F:)",
        )
    currency, origin = found[0]
    if not is_currency(currency):
        raise FieldError(origin.line, f"currency {currency!r} is not an ISO 4217 code")
    for other, item in found[1:]:
        if other != currency:
            raise FieldError(
                item.line,
                f"currency {other} differs from the statement's {currency} (line {origin.line})",
            )
    return currency


def _parse_account(text: str) -> AccountField:
    return parse_account(text, is_currency)


def _money(amount: Decimal, currency: str, line: int) -> Money:
    try:
        return Money.of(amount, currency)
    except BadInput as error:
        raise FieldError(line, str(error)) from None


def _line_amount(parsed: LineField, currency: str, line: int) -> Money:
    try:
        minor = minor_units(parsed.amount_text, exponent(currency))
    except ValueError as error:
        raise FieldError(line, f":61: {error}") from None
    return Money(-minor if parsed.mark in _DEBIT_MARKS else minor, currency)


def _money_balance(balance: BalanceField | None, item: Field | None) -> Balance | None:
    if balance is None or item is None:
        return None
    return Balance(_money(balance.amount, balance.currency, item.line), balance.date)


def _statement_line(item: Field) -> LineField:
    try:
        return parse_statement_line(item.lines)
    except ValueError as error:
        raise FieldError(item.line, f":61: {error}") from None


def _bank_line(
    entry: _Entry,
    parsed: LineField,
    n: int,
    refs: RefAssigner,
    account: Account,
    where: SourceLocation,
    shared: Interner,
) -> BankLine:
    line = entry.item.line
    decoded = info.decode(entry.info)
    additional_info = "; ".join(p for p in (decoded.booking_text, parsed.supplementary) if p)
    code = (decoded.gvc, "DK") if decoded.gvc else (parsed.type_code, "SWIFT")
    return BankLine(
        bank_ref=refs.unique(parsed.bank_ref) if parsed.bank_ref else refs.derived(n + 1),
        bank_ref_derived=parsed.bank_ref is None,
        account=account.id,
        amount=shared.money(_line_amount(parsed, account.currency, line)),
        booking_date=shared.date(parsed.entry_date or parsed.value_date),
        value_date=shared.date(parsed.value_date),
        status=LineStatus.BOOKED,
        source=SourceLocation(where.file, where.statement_index, n, line=line),
        reversal=parsed.reversal,
        transaction_code=shared.code(*code),
        end_to_end_id=decoded.end_to_end_id,
        mandate_id=decoded.mandate_id,
        creditor_reference=decoded.creditor_reference,
        remittance=decoded.remittance,
        counterparty=_party(decoded, parsed, shared),
        customer_ref=parsed.customer_ref or decoded.customer_ref,
        additional_info=shared.text(additional_info) if additional_info else None,
    )


def _party(decoded: info.Details, parsed: LineField, shared: Interner) -> Party | None:
    account = decoded.counterparty_account
    if account is None:
        # Rabobank puts the counterparty IBAN in the supplementary details, SNS in the
        # customer reference; taken only when its check digits are right.
        account = next(
            (
                x
                for x in (parsed.supplementary, parsed.customer_ref)
                if x is not None and is_iban(x)
            ),
            None,
        )
    if account is None and decoded.counterparty_name is None and decoded.counterparty_bank is None:
        return None
    return shared.party(decoded.counterparty_name, account, decoded.counterparty_bank)


def _check_sums(parts: _Parts, lines: list[LineField], currency: str) -> None:
    """MT942 ``:90D:`` / ``:90C:`` state the number and total of debits and credits.

    Banks differ on where reversals count (RC is a debit by sign, a credit by its
    letter), so either reading is accepted.
    """
    for tag, debit_marks in (("90D", ("D", "RC")), ("90C", ("C", "RD"))):
        item = parts.once.get(tag)
        if item is None:
            continue
        stated = _decode(item, parse_sum)
        expected = (stated.count, _money(stated.amount, currency, item.line).minor)
        readings = [
            [x for x in lines if x.mark in marks]
            for marks in (debit_marks, tuple(m for m in ("D", "C", "RD", "RC") if m[-1] == tag[-1]))
        ]
        totals = [
            (len(xs), sum(_line_amount(x, currency, item.line).minor for x in xs))
            for xs in readings
        ]
        totals = [(count, abs(total)) for count, total in totals]
        if expected not in totals:
            count, total = totals[0]
            raise FieldError(
                item.line,
                f":{tag}: states {stated.count} entries totalling "
                f"{stated.amount} {stated.currency}; the report has {count} "
                f"totalling {Money(total, currency)}",
            )


def _extra(parts: _Parts, block: Block) -> dict[str, str]:
    extra: dict[str, str] = {}
    related = _text(parts.once.get("21"))
    if related:
        extra["related_reference"] = related
    if parts.information:
        extra["information"] = info.join_free_text(parts.information)
    if parts.forward:
        extra["forward_available"] = " ".join(item.text for item in parts.forward)
    if parts.floor_limits:
        extra["floor_limit"] = " ".join(item.text for item in parts.floor_limits)
    for tag in ("90D", "90C"):
        if tag in parts.once:
            extra[tag] = parts.once[tag].text
    if block.message_type:
        extra["message_type"] = block.message_type
    return extra
