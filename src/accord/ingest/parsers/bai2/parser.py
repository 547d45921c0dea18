"""The BAI2 file structure: 01 (02 (03 16* 49)* 98)* 99, with every trailer checked."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from accord.ingest.parsers.bai2.details import Detail, DetailContext, read_detail
from accord.ingest.parsers.bai2.header import (
    AccountIdentifier,
    FileHeader,
    GroupHeader,
    account_identifier,
    file_header,
    group_header,
)
from accord.ingest.parsers.bai2.records import Bai2Error, Record, plain_fields
from accord.ingest.parsers.bai2.values import parse_amount, parse_count
from accord.ingest.parsers.interner import Interner
from accord.ingest.parsers.model import Account, Balance, SourceLocation, Statement
from accord.kit.money import Money

_NAMES = {
    "01": "file header",
    "02": "group header",
    "03": "account identifier",
    "16": "transaction detail",
    "49": "account trailer",
    "98": "group trailer",
    "99": "file trailer",
}
_TRAILER_FIELDS = {
    "49": ("control total", "number of records"),
    "98": ("control total", "number of accounts", "number of records"),
    "99": ("control total", "number of groups", "number of records"),
}


@dataclass(slots=True)
class _Section:
    """Running figures of an account, group or file: control total, children, records."""

    total: int = 0
    records: int = 0
    children: int = 0
    statements: list[Statement] = field(default_factory=list)


@dataclass(slots=True)
class Bai2Reader:
    """Reads the logical records in order; `verify` checks every trailer's figures."""

    records: list[Record]
    file: str
    verify: bool = True
    position: int = 0
    ids: list[str] = field(default_factory=list)
    shared: Interner = field(default_factory=Interner)

    def take(self, *codes: str) -> Record:
        """The next record, which must have one of `codes`."""
        expected = " or ".join(f"{code} ({_NAMES[code]})" for code in codes)
        if self.position >= len(self.records):
            last = self.records[-1].pieces[-1].line if self.records else None
            raise Bai2Error(last, f"the file ends here: expected a {expected} record")
        record = self.records[self.position]
        if record.code not in codes:
            found = _NAMES.get(record.code, "continuation")
            raise Bai2Error(
                record.line, f"found a {record.code} ({found}) record: expected {expected}"
            )
        self.position += 1
        return record

    def read_file(self) -> list[Statement]:
        """Every account of the file as a statement, trailers checked."""
        head = self.take("01")
        header = file_header(head)
        section = _Section(records=head.physical_count)
        while (record := self.take("02", "99")).code == "02":
            group = self.read_group(record, header, section.children + 1)
            section.children += 1
            section.total += group.total
            section.records += group.records
            section.statements += group.statements
        section.records += record.physical_count
        figures = self.check_trailer(record, section)
        if self.position < len(self.records):
            raise Bai2Error(
                self.records[self.position].line,
                "a record after the file trailer (99): expected the end of the file",
            )
        return [_with_extra(s, "file", figures) for s in section.statements]

    def read_group(self, head: Record, header: FileHeader, number: int) -> _Section:
        group = group_header(head, number)
        section = _Section(records=head.physical_count)
        while (record := self.take("03", "98")).code == "03":
            account = self.read_account(record, header, group)
            section.children += 1
            section.total += account.total
            section.records += account.records
            section.statements += account.statements
        section.records += record.physical_count
        figures = self.check_trailer(record, section)
        section.statements = [_with_extra(s, "group", figures) for s in section.statements]
        section.total = int(figures["control_total"])
        return section

    def read_account(self, head: Record, header: FileHeader, group: GroupHeader) -> _Section:
        account = account_identifier(head, group)
        statement_id = self.unique_id(
            f"{header.sender}/{header.file_id}/{group.number}/{account.number}"
        )
        context = DetailContext(
            file=self.file,
            statement_id=statement_id,
            statement_index=len(self.ids) - 1,
            account=account,
            as_of=group.as_of,
            shared=self.shared,
        )
        details: list[Detail] = []
        section = _Section(
            total=sum(s.amount or 0 for s in account.summaries), records=head.physical_count
        )
        while (record := self.take("16", "49")).code == "16":
            details.append(read_detail(record, len(details), context))
            section.total += details[-1].amount
            section.records += record.physical_count
        section.records += record.physical_count
        figures = self.check_trailer(record, section)
        statement = _statement(head, header, group, account, context, details)
        section.statements = [_with_extra(statement, "account", figures)]
        section.total = int(figures["control_total"])
        return section

    def unique_id(self, base: str) -> str:
        """`base`, or `base#2`, `base#3`... when the same account comes again in the file."""
        candidate, n = base, 1
        while candidate in self.ids:
            n += 1
            candidate = f"{base}#{n}"
        self.ids.append(candidate)
        return candidate

    def check_trailer(self, record: Record, section: _Section) -> dict[str, str]:
        """Compare a 49/98/99 trailer with the figures read; return its figures as stated."""
        names = _TRAILER_FIELDS[record.code]
        fields = plain_fields(record)[: len(names)]
        if len(fields) < len(names) or not all(f.value for f in fields):
            raise Bai2Error(record.line, f"{_NAMES[record.code]} needs: {', '.join(names)}")
        stated = [parse_amount(fields[0], "control total", signed=True)]
        stated += [parse_count(f, name) for f, name in zip(fields[1:], names[1:], strict=True)]
        found = [section.total, section.children, section.records]
        if len(names) == 2:
            del found[1]
        for name, claim, actual, where in zip(names, stated, found, fields, strict=True):
            if self.verify and claim != actual:
                raise Bai2Error(
                    where.line,
                    f"{_NAMES[record.code]} {name} is {claim}, "
                    f"but the records it closes give {actual}",
                )
        keys = [name.replace("number of ", "").replace(" ", "_") for name in names]
        return dict(zip(keys, (str(v) for v in stated), strict=True))


def _balance(account: AccountIdentifier, code: int, group: GroupHeader) -> Balance | None:
    """The first summary amount with this status type code, dated the as-of date."""
    for summary in account.summaries:
        if summary.code == code and summary.amount is not None:
            return Balance(Money(summary.amount, account.currency), group.as_of)
    return None


def _statement(
    head: Record,
    header: FileHeader,
    group: GroupHeader,
    account: AccountIdentifier,
    context: DetailContext,
    details: list[Detail],
) -> Statement:
    summary = " ".join(
        f"{s.code:03d}={'' if s.amount is None else s.amount}" for s in account.summaries
    )
    return Statement(
        format="bai2",
        id=context.statement_id,
        account=Account(
            iban=None,
            number=account.number,
            currency=account.currency,
            bank=group.originator or None,
        ),
        lines=tuple(d.line for d in details),
        source=SourceLocation(context.file, context.statement_index, 0, line=head.line),
        period_start=group.as_of,
        period_end=group.as_of,
        opening_booked=_balance(account, 10, group),
        closing_booked=_balance(account, 15, group),
        opening_available=_balance(account, 40, group),
        closing_available=_balance(account, 45, group),
        extra={
            "sender": header.sender,
            "receiver": header.receiver,
            "file_id": header.file_id,
            "group": str(group.number),
            "group_status": group.status,
            "as_of_modifier": group.modifier,
            "summary": summary,
        },
    )


def _with_extra(statement: Statement, level: str, figures: dict[str, str]) -> Statement:
    extra = {f"{level}_{key}": value for key, value in figures.items()}
    return replace(statement, extra={**statement.extra, **extra})
