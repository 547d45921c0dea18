"""CSV statements read with declarative column profiles (see docs/csv-profiles.md).

CSV carries no signature, so it is parsed only when the caller names a profile:
`CsvStatementParser(load_profile("paypal")).parse(stream, filename=...)`.
"""

from __future__ import annotations

from accord.ingest.parsers.csv.parser import CsvStatementParser
from accord.ingest.parsers.csv.profile import Columns, CsvProfile, ProfileError, SkipRule
from accord.ingest.parsers.csv.registry import list_profiles, load_profile

__all__ = [
    "Columns",
    "CsvProfile",
    "CsvStatementParser",
    "ProfileError",
    "SkipRule",
    "list_profiles",
    "load_profile",
]
