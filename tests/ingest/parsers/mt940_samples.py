"""Read what the shared MT940 samples say about themselves: EXPECTED.md rows and .yml parses.

The .yml files are the mt940 library's own recorded parse of each sample (YAML of its
Python objects). Loading them would need PyYAML and the library's classes, so this reads
only the plain scalar fields of each transaction.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from tests.samples import SAMPLES


@dataclass(frozen=True)
class ExpectedRow:
    """One row of EXPECTED.md's MT940 table; balances as (mark, signed amount, currency)."""

    file: str
    transactions: int
    lines_61: int
    total: Decimal | None
    first: Decimal | None
    last: Decimal | None
    opening: tuple[str, Decimal, str] | None
    closing: tuple[str, Decimal, str] | None


def expected_rows() -> list[ExpectedRow]:
    """The MT940 table of EXPECTED.md ([] when the samples are absent)."""
    path = SAMPLES / "EXPECTED.md"
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    table = text.split("## MT940", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 8 or not cells[0].endswith(".sta"):
            continue
        name, count, lines_61, total, first, last, opening, closing = cells
        rows.append(
            ExpectedRow(
                name,
                int(count),
                int(lines_61),
                _decimal(total),
                _decimal(first),
                _decimal(last),
                _balance(opening),
                _balance(closing),
            )
        )
    return rows


def _decimal(cell: str) -> Decimal | None:
    return Decimal(cell) if cell else None


def _balance(cell: str) -> tuple[str, Decimal, str] | None:
    if not cell:
        return None
    mark, amount, currency = cell.split()
    return mark, Decimal(amount), currency


def yml_transactions(sample: Path) -> list[dict[str, object]]:
    """Scalar fields of each transaction in the .yml beside a sample.

    `amount` is a Decimal, `date` / `entry_date` dates, other values strings or None.
    """
    lines = sample.with_suffix(".yml").read_text(encoding="utf-8").splitlines()
    start = lines.index("transactions:")
    items: list[dict[str, object]] = []
    for index in range(start + 1, len(lines)):
        line = lines[index]
        if line.startswith("- !!python/object:mt940.models.Transaction"):
            items.append({})
            continue
        found = re.fullmatch(r" {4}(\w+): ?(.*)", line)
        if found is None or not items:
            continue
        key, value = found.groups()
        items[-1][key] = _yml_value(key, value, lines, index)
    return items


def _yml_value(key: str, value: str, lines: list[str], index: int) -> object:
    if key == "amount":
        found = re.search(r"Decimal \['(.*)'\]", lines[index + 1])
        return Decimal(found[1]) if found else None
    if value.startswith("!!python/object/apply:mt940.models.Date"):
        raw = base64.b64decode(lines[index + 2].strip())
        return date(raw[0] * 256 + raw[1], raw[2], raw[3])
    if value == "null":
        return None
    if value.startswith('"') and value.endswith('"'):
        return json.loads(value)
    if value.startswith("'") and value.endswith("'"):
        return value[1:-1].replace("''", "'")
    return value
