"""A CSV column profile: how one bank's CSV export is laid out, as a small frozen value.

Profiles are TOML files (docs/csv-profiles.md describes every key); `profile_from_toml`
turns the parsed TOML into a `CsvProfile` or raises BadInput naming the file and the key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, Literal, cast

from accord.kit.errors import BadInput
from accord.kit.money import is_currency

ColumnRef = str | int
"""A header name, or a 0-based column index (the only choice when there is no header)."""

Sign = Literal["normal", "inverted"]
RowOrder = Literal["oldest_first", "newest_first"]

DECIMAL_SEPARATORS = (".", ",")
THOUSANDS_SEPARATORS = ("", ",", ".", " ", "'", "\u00a0", "\u202f")
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
# Fields without which no line can be built; they can never be optional.
_ESSENTIAL = frozenset({"date", "amount", "debit", "credit", "currency", "indicator"})


@dataclass(frozen=True, slots=True)
class Columns:
    """Where each value of a line is found. None (or ``()``) means not in the file."""

    date: ColumnRef
    value_date: ColumnRef | None = None
    amount: ColumnRef | None = None
    debit: ColumnRef | None = None
    credit: ColumnRef | None = None
    indicator: ColumnRef | None = None
    fee: ColumnRef | None = None
    currency: ColumnRef | None = None
    balance: ColumnRef | None = None
    account: ColumnRef | None = None
    bank_ref: ColumnRef | None = None
    status: ColumnRef | None = None
    transaction_code: ColumnRef | None = None
    counterparty_name: ColumnRef | None = None
    counterparty_account: ColumnRef | None = None
    counterparty_bank: ColumnRef | None = None
    remittance: tuple[ColumnRef, ...] = ()
    end_to_end_id: ColumnRef | None = None
    mandate_id: ColumnRef | None = None
    creditor_reference: ColumnRef | None = None
    customer_ref: ColumnRef | None = None
    instructed_amount: ColumnRef | None = None
    instructed_currency: ColumnRef | None = None

    def mapped(self) -> dict[str, tuple[ColumnRef, ...]]:
        """Every mapped field with its column(s), in declaration order."""
        result: dict[str, tuple[ColumnRef, ...]] = {}
        for spec in fields(self):
            value = getattr(self, spec.name)
            refs = value if isinstance(value, tuple) else (() if value is None else (value,))
            if refs:
                result[spec.name] = refs
        return result


@dataclass(frozen=True, slots=True)
class SkipRule:
    """Rows whose `column` holds one of `values` are not money movements and are skipped."""

    column: ColumnRef
    values: frozenset[str]


@dataclass(frozen=True, slots=True)
class CsvProfile:
    """A parsed, validated column profile. `source` says where it was loaded from."""

    name: str
    columns: Columns
    date_formats: tuple[str, ...]
    description: str = ""
    encoding: str = "utf-8"
    delimiter: str = ","
    quote: str = '"'
    header: bool = True
    skip_lines: int = 0
    skip_footer_lines: int = 0
    decimal: str = "."
    thousands: str = ""
    sign: Sign = "normal"
    row_order: RowOrder = "oldest_first"
    currency: str | None = None
    account: str | None = None
    debit_values: frozenset[str] = frozenset()
    credit_values: frozenset[str] = frozenset()
    pending_values: frozenset[str] = frozenset()
    optional: frozenset[str] = frozenset()
    skip: tuple[SkipRule, ...] = ()
    source: str = field(default="", compare=False)


class ProfileError(BadInput):
    """A profile file that cannot be used: the message names the file and the key."""

    type_slug = "bad-csv-profile"
    title = "CSV profile is not valid"

    def __init__(self, source: str, key: str, problem: str) -> None:
        self.source = source
        self.key = key
        super().__init__(f"{source}: key {key!r}: {problem}")


_TOP_KEYS = frozenset(f.name for f in fields(CsvProfile)) - {"source"}
_COLUMN_KEYS = frozenset(f.name for f in fields(Columns))


def profile_from_toml(data: Mapping[str, Any], *, source: str) -> CsvProfile:
    """Validate parsed TOML and build the profile, or raise ProfileError."""
    reader = _Reader(data, source)
    reader.reject_unknown(data, _TOP_KEYS, "")
    header = reader.boolean("header", default=True)
    columns = _columns(reader, header)
    profile = CsvProfile(
        name=reader.name(),
        columns=columns,
        date_formats=reader.date_formats(),
        description=reader.text("description", default=""),
        encoding=reader.encoding(),
        delimiter=reader.char("delimiter", default=","),
        quote=reader.char("quote", default='"'),
        header=header,
        skip_lines=reader.count("skip_lines"),
        skip_footer_lines=reader.count("skip_footer_lines"),
        decimal=reader.choice("decimal", DECIMAL_SEPARATORS, default="."),
        thousands=reader.choice("thousands", THOUSANDS_SEPARATORS, default=""),
        sign=cast(Sign, reader.choice("sign", ("normal", "inverted"), default="normal")),
        row_order=cast(
            RowOrder,
            reader.choice("row_order", ("oldest_first", "newest_first"), default="oldest_first"),
        ),
        currency=reader.currency(),
        account=reader.optional_text("account"),
        debit_values=reader.values("debit_values"),
        credit_values=reader.values("credit_values"),
        pending_values=reader.values("pending_values"),
        optional=reader.values("optional"),
        skip=_skip_rules(reader, header),
        source=source,
    )
    _check_consistency(profile, reader)
    return profile


def _columns(reader: _Reader, header: bool) -> Columns:
    table = reader.data.get("columns")
    if not isinstance(table, dict):
        raise reader.error("columns", "expected a [columns] table mapping fields to columns")
    reader.reject_unknown(table, _COLUMN_KEYS, "columns.")
    if "date" not in table:
        raise reader.error("columns.date", "required: the column holding the booking date")
    values: dict[str, Any] = {}
    for key, raw in table.items():
        if key == "remittance":
            items = raw if isinstance(raw, list) else [raw]
            values[key] = tuple(reader.column_ref(f"columns.{key}", item, header) for item in items)
        else:
            values[key] = reader.column_ref(f"columns.{key}", raw, header)
    return Columns(**values)


def _skip_rules(reader: _Reader, header: bool) -> tuple[SkipRule, ...]:
    raw = reader.data.get("skip", [])
    if not isinstance(raw, list):
        raise reader.error("skip", "expected [[skip]] tables with `column` and `values`")
    rules = []
    for index, item in enumerate(raw):
        key = f"skip[{index}]"
        if not isinstance(item, dict):
            raise reader.error(key, "expected a table with `column` and `values`")
        reader.reject_unknown(item, frozenset({"column", "values"}), f"{key}.")
        column = reader.column_ref(f"{key}.column", item.get("column"), header)
        values = reader.values_of(f"{key}.values", item.get("values"))
        if not values:
            raise reader.error(f"{key}.values", "expected a non-empty list of cell values")
        rules.append(SkipRule(column, values))
    return tuple(rules)


def _check_consistency(profile: CsvProfile, reader: _Reader) -> None:
    """Rules that involve several keys: one way to get each value, no dangling options."""
    cols = profile.columns
    has_amount = cols.amount is not None
    has_split = cols.debit is not None or cols.credit is not None
    if has_amount == has_split:
        raise reader.error(
            "columns.amount", "map exactly one of: `amount`, or `debit` with `credit`"
        )
    if has_split and (cols.debit is None or cols.credit is None):
        raise reader.error("columns.debit", "`debit` and `credit` must be mapped together")
    _check_value_lists(profile, reader)
    if (cols.instructed_amount is None) != (cols.instructed_currency is None):
        raise reader.error(
            "columns.instructed_amount",
            "`instructed_amount` and `instructed_currency` must be mapped together",
        )
    _exclusive(reader, profile.currency, cols.currency, "currency", required=True)
    _exclusive(reader, profile.account, cols.account, "account", required=False)
    _check_optional(profile, reader)
    if profile.decimal == profile.thousands:
        raise reader.error("thousands", "must differ from `decimal`")
    if profile.quote == profile.delimiter:
        raise reader.error("quote", "must differ from `delimiter`")


def _check_value_lists(profile: CsvProfile, reader: _Reader) -> None:
    """The indicator and status columns come with their value lists, and only with them."""
    cols = profile.columns
    if cols.indicator is not None:
        if cols.amount is None:
            raise reader.error("columns.indicator", "an indicator column needs `amount`")
        if not profile.debit_values or not profile.credit_values:
            raise reader.error("columns.indicator", "needs `debit_values` and `credit_values`")
    elif profile.debit_values or profile.credit_values:
        raise reader.error("debit_values", "only meaningful with `columns.indicator` mapped")
    if profile.debit_values & profile.credit_values:
        raise reader.error("debit_values", "a value cannot mean both debit and credit")
    if (cols.status is None) != (not profile.pending_values):
        key = "columns.status" if cols.status is not None else "pending_values"
        raise reader.error(key, "`columns.status` and `pending_values` go together")


def _exclusive(
    reader: _Reader, fixed: str | None, column: ColumnRef | None, key: str, *, required: bool
) -> None:
    if fixed is not None and column is not None:
        raise reader.error(key, f"set either `{key}` (fixed) or `columns.{key}`, not both")
    if required and fixed is None and column is None:
        raise reader.error(key, f"required: a fixed `{key}` or a `columns.{key}` column")


def _check_optional(profile: CsvProfile, reader: _Reader) -> None:
    mapped = profile.columns.mapped()
    for name in sorted(profile.optional):
        if name not in mapped:
            raise reader.error("optional", f"{name!r} is not a mapped column")
        if name in _ESSENTIAL:
            raise reader.error("optional", f"{name!r} cannot be optional")
    if profile.optional and not profile.header:
        raise reader.error("optional", "optional columns need a header row")


class _Reader:
    """Typed access to the raw TOML values, raising ProfileError with the key's name."""

    def __init__(self, data: Mapping[str, Any], source: str) -> None:
        self.data = data
        self.source = source

    def error(self, key: str, problem: str) -> ProfileError:
        return ProfileError(self.source, key, problem)

    def reject_unknown(
        self, table: Mapping[str, Any], allowed: frozenset[str], prefix: str
    ) -> None:
        for key in table:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                raise self.error(f"{prefix}{key}", f"unknown key; known keys: {known}")

    def text(self, key: str, *, default: str) -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str):
            raise self.error(key, f"expected a string, found {value!r}")
        return value

    def optional_text(self, key: str) -> str | None:
        if key not in self.data:
            return None
        value = self.text(key, default="").strip()
        if not value:
            raise self.error(key, "expected a non-empty string")
        return value

    def name(self) -> str:
        if "name" not in self.data:
            raise self.error("name", "required: the profile's name")
        value = self.text("name", default="")
        if not _NAME.fullmatch(value):
            raise self.error("name", "expected lower-case letters, digits, '.', '_' or '-'")
        return value

    def boolean(self, key: str, *, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.error(key, f"expected true or false, found {value!r}")
        return value

    def count(self, key: str) -> int:
        value = self.data.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.error(key, f"expected a whole number >= 0, found {value!r}")
        return value

    def char(self, key: str, *, default: str) -> str:
        value = self.text(key, default=default)
        if len(value) != 1 or value in "\r\n":
            raise self.error(key, f"expected one character (not a line break), found {value!r}")
        return value

    def choice(self, key: str, allowed: tuple[str, ...], *, default: str) -> str:
        value = self.text(key, default=default)
        if value not in allowed:
            raise self.error(key, f"expected one of {list(allowed)!r}, found {value!r}")
        return value

    def encoding(self) -> str:
        value = self.text("encoding", default="utf-8")
        try:
            "".encode(value)
        except LookupError:
            raise self.error("encoding", f"unknown text encoding {value!r}") from None
        return value

    def currency(self) -> str | None:
        if "currency" not in self.data:
            return None
        value = self.text("currency", default="")
        if not is_currency(value):
            raise self.error("currency", f"expected an ISO 4217 code such as EUR, found {value!r}")
        return value

    def date_formats(self) -> tuple[str, ...]:
        raw = self.data.get("date_formats")
        items = [raw] if isinstance(raw, str) else raw
        if not isinstance(items, list) or not items:
            raise self.error("date_formats", "required: a list of strptime patterns")
        for item in items:
            if not isinstance(item, str) or not _is_full_date_format(item):
                raise self.error(
                    "date_formats",
                    f"{item!r} is not a strptime pattern giving day, month and year "
                    "(such as '%d.%m.%Y')",
                )
        return tuple(items)

    def values(self, key: str) -> frozenset[str]:
        return self.values_of(key, self.data.get(key, []))

    def values_of(self, key: str, raw: object) -> frozenset[str]:
        if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
            raise self.error(key, "expected a list of strings")
        return frozenset(item.strip() for item in raw)

    def column_ref(self, key: str, raw: object, header: bool) -> ColumnRef:
        if isinstance(raw, bool) or not isinstance(raw, str | int):
            raise self.error(key, "expected a header name or a 0-based column index")
        if isinstance(raw, int):
            if raw < 0:
                raise self.error(key, f"a column index counts from 0, found {raw}")
            return raw
        if not header:
            raise self.error(key, "without a header row, columns are 0-based indexes")
        if not raw.strip():
            raise self.error(key, "expected a header name, found an empty string")
        return raw.strip()


def _is_full_date_format(pattern: str) -> bool:
    """True if `pattern` round-trips a date with distinct day, month and year."""
    sample = datetime(2001, 2, 3, 4, 5, 6)  # noqa: DTZ001 - a naive probe value, no clock
    try:
        text = sample.strftime(pattern)
        parsed = datetime.strptime(text, pattern)  # noqa: DTZ007 - only the date is used
    except ValueError:
        return False
    return parsed.date() == sample.date()
