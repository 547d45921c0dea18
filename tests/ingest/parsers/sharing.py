"""Checks that the lines of one parsed file share their equal values (see parsers.interner)."""

from __future__ import annotations

from collections.abc import Iterable

from accord.ingest.parsers.model import BankLine


def assert_shared(first: BankLine, others: Iterable[BankLine], *fields: str) -> None:
    """Each of `others` holds the very objects `first` holds in `fields`."""
    for line in others:
        for name in fields:
            assert getattr(line, name) is getattr(first, name), name
