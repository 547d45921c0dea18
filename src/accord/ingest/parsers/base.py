"""The interface every statement format implements, and the registry of formats."""

from __future__ import annotations

from typing import BinaryIO, ClassVar, Protocol

from accord.ingest.parsers.model import ParsedFile


class StatementParser(Protocol):
    """One statement format. Implementations live one per module beside this one.

    `sniff` looks at the first bytes of a file (BOM stripped) and answers whether this
    format claims it; it must be cheap and never raise. `parse` reads the whole stream and
    returns every statement in it, or raises `StatementParseError` naming the file and the
    line / XML path: never a partial result, never another exception type.
    """

    name: ClassVar[str]

    def sniff(self, head: bytes) -> bool: ...

    def parse(self, source: BinaryIO, *, filename: str) -> ParsedFile: ...

    def lenient(self) -> StatementParser:
        """This format reading files whose own control totals disagree with their lines.

        Used with `allow_unbalanced`, as the balance check is: a format without control
        totals of its own (beyond balances) returns itself.
        """
        ...
