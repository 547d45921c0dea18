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
