"""Bank references of lines: the bank's own, or derived from position; unique per statement."""

from __future__ import annotations


class RefAssigner:
    """Hands out the bank reference of each line of one statement, never the same twice.

    The bank's ref is used as given the first time; a later line with the same ref (a
    batch whose transactions share the entry's AcctSvcrRef, or a bank that repeats refs)
    gets ``#2``, ``#3``... in the order of the file, so every line stays addressable and
    the result is the same every time the file is read.
    """

    def __init__(self, statement_id: str) -> None:
        self.statement_id = statement_id
        self._used: set[str] = set()
        self._next_suffix: dict[str, int] = {}

    def derived(self, entry_no: int, tx_no: int | None = None) -> str:
        """``{statement_id}/{entry_no}`` or ``.../{entry_no}.{tx_no}``, 1-based."""
        base = f"{self.statement_id}/{entry_no}"
        return base if tx_no is None else f"{base}.{tx_no}"

    def unique(self, ref: str) -> str:
        """`ref` itself if unused in this statement, else `ref#n` with the next free n."""
        if ref not in self._used:
            self._used.add(ref)
            return ref
        suffix = self._next_suffix.get(ref, 2)
        while f"{ref}#{suffix}" in self._used:
            suffix += 1
        self._next_suffix[ref] = suffix + 1
        unique = f"{ref}#{suffix}"
        self._used.add(unique)
        return unique
