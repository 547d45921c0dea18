"""Small builders for the CSV parser tests: a profile from a dict, a parse from text."""

from __future__ import annotations

import io
from typing import Any

from accord.ingest.parsers.csv import CsvProfile, CsvStatementParser
from accord.ingest.parsers.csv.profile import profile_from_toml
from accord.ingest.parsers.model import ParsedFile

BASE: dict[str, Any] = {
    "name": "test",
    "date_formats": ["%Y-%m-%d"],
    "columns": {"date": "Date", "amount": "Amount", "currency": "Currency"},
}


def make_profile(columns: dict[str, Any] | None = None, **options: Any) -> CsvProfile:
    """BASE with `columns` replacing its column map (when given) and top-level overrides."""
    data = {**BASE, **options, "columns": columns if columns is not None else BASE["columns"]}
    return profile_from_toml(data, source="test.toml")


def parse(profile: CsvProfile, content: str | bytes, *, filename: str = "t.csv") -> ParsedFile:
    data = content.encode(profile.encoding) if isinstance(content, str) else content
    return CsvStatementParser(profile).parse(io.BytesIO(data), filename=filename)


def csv_text(*rows: str) -> str:
    """Rows joined with CRLF, as bank exports usually end their lines."""
    return "".join(row + "\r\n" for row in rows)
