from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from accord.matching.engine.model import Rate
from accord.reconciliation.files.errors import InputFileError
from accord.reconciliation.files.rates_csv import read_rates


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rates.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_rates_are_read_with_columns_in_any_order(tmp_path: Path) -> None:
    path = write(tmp_path, "rate,quote,base,date,source\n1.0842,eur,USD,2025-01-02,ECB\n")
    assert read_rates(path) == (
        Rate(date=date(2025, 1, 2), base="USD", quote="EUR", rate=Decimal("1.0842")),
    )


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("2025-01-02,USD,EUR,0", "line 2: rate '0': expected a positive decimal"),
        ("2025-01-02,USD,EUR,-1.1", "rate '-1.1'"),
        ("2025-01-02,USD,EUR,", "rate ''"),
        ("2025-01-02,USD,XXY,1.1", "line 2: unknown currency 'XXY'"),
        ("2025-13-02,USD,EUR,1.1", "line 2: date '2025-13-02'"),
        ("2025-01-02,EUR,EUR,1", "base and quote are both EUR"),
        ("2025-01-02,USD,EUR", "3 fields, but the header has 4"),
    ],
)
def test_bad_rate_row_names_file_and_line(tmp_path: Path, row: str, expected: str) -> None:
    path = write(tmp_path, f"date,base,quote,rate\n{row}\n")
    with pytest.raises(InputFileError) as caught:
        read_rates(path)
    assert caught.value.message.startswith(f"{path}: line 2: ")
    assert expected in caught.value.message


def test_same_pair_and_date_twice_is_bad_input(tmp_path: Path) -> None:
    path = write(tmp_path, "date,base,quote,rate\n2025-01-02,USD,EUR,1.1\n2025-01-02,USD,EUR,1.2\n")
    with pytest.raises(
        InputFileError, match="line 3: USD/EUR on 2025-01-02 already given on line 2"
    ):
        read_rates(path)


def test_missing_rate_column_is_bad_input(tmp_path: Path) -> None:
    path = write(tmp_path, "date,base,quote\n2025-01-02,USD,EUR\n")
    with pytest.raises(InputFileError, match="line 1: missing column rate"):
        read_rates(path)
