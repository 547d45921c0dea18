"""The records' index: what each record is found by, kept small at a million records."""

from __future__ import annotations

from accord.matching.engine.prepare import RecordBook
from accord.matching.engine.rules import DEFAULT_RULES
from tests.matching.engine.factories import record


def test_records_of_one_series_share_their_prefixes() -> None:
    records = [
        record("INV-2025-00001", "10.00"),
        record("INV-2025-00002", "20.00"),
        record("PAY-7", "-5.00", reference="RE-2025-7"),
        record("PAY-8", "-6.00", reference="RE-2025-8"),
    ]
    index = RecordBook(records, DEFAULT_RULES).take_index()
    inv_1, inv_2, pay_7, pay_8 = index.prefixes
    assert inv_1 == ("INV",)
    assert inv_1 is inv_2
    assert pay_7 == ("PAY", "RE")
    assert pay_7 is pay_8


def test_a_records_entries_hold_one_int_object() -> None:
    # Positions past 256 are not cached by CPython: each entry holding its own int would
    # make the book 160 MiB larger at a million records.
    records = [record(f"INV-2025-{k:05d}", f"{k}.00", name=f"CUSTOMER {k}") for k in range(300)]
    index = RecordBook(records, DEFAULT_RULES).take_index()
    last = len(records) - 1
    entries = [
        index.full["INV202500299"],
        index.groups["2025|299"],
        index.bare["299"],
        index.names["CUSTOMER 299"],
        index.amount[("EUR", "")][29900],
    ]
    assert entries[0] == last
    assert all(entry is entries[0] for entry in entries)
