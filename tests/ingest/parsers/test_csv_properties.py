"""Properties of the CSV parser: written rows read back exactly; garbage only ever raises
StatementParseError."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.ingest.parsers.csv import CsvProfile, load_profile
from accord.ingest.parsers.errors import StatementParseError
from accord.kit.money import Money
from tests.ingest.parsers.csv_support import csv_text, make_profile, parse

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CURRENCIES = ("EUR", "USD", "JPY", "KWD")
FORMATS = [(".", ""), (".", ","), (",", ""), (",", "."), (",", " "), (".", "'")]

rows_strategy = st.lists(
    st.tuples(
        st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31)),
        st.integers(min_value=-(10**12), max_value=10**12),
        st.sampled_from(CURRENCIES),
    ),
    min_size=1,
    max_size=25,
)


def written_amount(minor: int, currency: str, decimal: str, thousands: str) -> str:
    """`minor` as a bank would print it with these separators."""
    money = Money(minor, currency)
    whole, _, frac = f"{abs(money.decimal):f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", thousands)
    sign = "-" if minor < 0 else ""
    return f"{sign}{grouped}{decimal}{frac}" if frac else f"{sign}{grouped}"


@FAST
@given(rows=rows_strategy, separators=st.sampled_from(FORMATS), delimiter=st.sampled_from(",;\t|"))
def test_written_rows_read_back_exactly(
    rows: list[tuple[date, int, str]], separators: tuple[str, str], delimiter: str
) -> None:
    decimal, thousands = separators
    profile = make_profile(
        decimal=decimal, thousands=thousands, delimiter=delimiter, date_formats=["%d.%m.%Y"]
    )
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["Date", "Amount", "Currency"])
    for day, minor, currency in rows:
        amount = written_amount(minor, currency, decimal, thousands)
        writer.writerow([day.strftime("%d.%m.%Y"), amount, currency])
    parsed = parse(profile, out.getvalue())
    expected: dict[str, list[Money]] = defaultdict(list)
    for _, minor, currency in rows:
        expected[currency].append(Money(minor, currency))
    assert {s.account.currency: [line.amount for line in s.lines] for s in parsed.statements} == (
        expected
    )
    for statement in parsed.statements:
        numbers = [line.source.line or 0 for line in statement.lines]
        assert numbers == sorted(numbers)
        dates = [line.booking_date or date.min for line in statement.lines]
        assert (statement.period_start, statement.period_end) == (min(dates), max(dates))


PROFILES: list[CsvProfile] = [
    load_profile("paypal"),
    load_profile("sparkasse-camt"),
    load_profile("debit-credit"),
    make_profile(
        {
            "date": "Date",
            "amount": "Amount",
            "indicator": "DC",
            "balance": "Balance",
            "fee": "Fee",
            "bank_ref": "Id",
            "instructed_amount": "Orig",
            "instructed_currency": "OrigCur",
        },
        currency="EUR",
        decimal=",",
        thousands=".",
        debit_values=["D"],
        credit_values=["C"],
        skip_lines=1,
        skip_footer_lines=1,
        skip=[{"column": "Kind", "values": ["memo"]}],
    ),
]

# A good value per profile and header name; each generated cell is this or noise, so rows
# reach every stage of the parser, not only the first check that noise would fail.
GOOD = {
    "paypal": {
        "Date": "29/12/2015",
        "Gross": "1,653.75",
        "Fee": "-4.25",
        "Currency": "USD",
        "Balance": "2,000.00",
    },
    "sparkasse-camt": {
        "Auftragskonto": "DE89370400440532013000",
        "Buchungstag": "01.10.24",
        "Valutadatum": "02.10.24",
        "Betrag": "-1.850,00",
        "Waehrung": "EUR",
        "Info": "Umsatz vorgemerkt",
    },
    "debit-credit": {
        "Date": "2024-01-02",
        "Value Date": "2024-01-03",
        "Debit": "12.00",
        "Credit": "",
        "Currency": "EUR",
        "Balance": "1,000.00",
        "Account": "12345678",
    },
    "test": {
        "Date": "2024-01-02",
        "Amount": "1.234,56",
        "DC": "D",
        "Fee": "-0,50",
        "Balance": "10,00",
        "Orig": "5,00",
        "OrigCur": "USD",
        "Kind": "payment",
    },
}
UNIQUE = {"Id", "Transaction ID"}  # id columns get a distinct value per row
noise = st.one_of(
    st.sampled_from(["", "0", "-0,50", "1,653.75", "29/12/2015", "usd", "XXX", "C", "memo"]),
    st.text(alphabet="0123456789.,-+ \"';\r\nDCEURSDmemo/\x00\xe9\u2028", max_size=12),
)


def good_value(profile: CsvProfile, name: str, row: int) -> str:
    return f"T{row}" if name in UNIQUE else GOOD[profile.name].get(name, "text")


def header_names(profile: CsvProfile) -> list[str]:
    names = [str(ref) for group in profile.columns.mapped().values() for ref in group]
    return names + [str(rule.column) for rule in profile.skip]


def assert_parses_or_raises_own_error(profile: CsvProfile, data: bytes) -> None:
    """Parse, or fail with Accord's parse error naming the file; anything else escapes."""
    error: StatementParseError | None = None
    try:
        parse(profile, data)
    except StatementParseError as exc:
        error = exc
    assert error is None or (error.file == "t.csv" and error.where is not None)


def random_row(profile: CsvProfile, data: st.DataObject, number: int) -> list[str]:
    """Good values with about one cell in ten replaced by noise, sometimes one field short
    or one too many."""
    row = []
    for name in header_names(profile):
        use_noise = data.draw(st.integers(0, 9)) == 0
        row.append(data.draw(noise) if use_noise else good_value(profile, name, number))
    cut = data.draw(st.sampled_from([0, 0, 0, 0, -1, 1]))
    return row[:cut] if cut < 0 else row + ["extra"] * cut


def random_csv(profile: CsvProfile, data: st.DataObject) -> bytes:
    """A file in the profile's layout; rows mostly well quoted, sometimes joined raw as a
    broken export would write them."""
    out = io.StringIO()
    out.write("metadata\r\n" * profile.skip_lines)
    writer = csv.writer(out, delimiter=profile.delimiter, quotechar=profile.quote)
    writer.writerow(header_names(profile))
    for number in range(data.draw(st.integers(min_value=0, max_value=6))):
        row = random_row(profile, data, number)
        if data.draw(st.integers(0, 4)) == 0:
            out.write(profile.delimiter.join(row) + "\r\n")
        else:
            writer.writerow(row)
    out.write("footer\r\n" * profile.skip_footer_lines)
    return out.getvalue().encode(profile.encoding, "replace")


@FAST
@given(profile=st.sampled_from(PROFILES), data=st.data())
def test_random_rows_parse_or_raise_a_statement_parse_error(
    profile: CsvProfile, data: st.DataObject
) -> None:
    assert_parses_or_raises_own_error(profile, random_csv(profile, data))


@FAST
@given(profile=st.sampled_from(PROFILES), data=st.binary(max_size=300))
def test_random_bytes_parse_or_raise_a_statement_parse_error(
    profile: CsvProfile, data: bytes
) -> None:
    assert_parses_or_raises_own_error(profile, data)


VALID = csv_text(
    "Date,Description,Debit,Credit,Currency,Balance,Transaction ID",
    '2024-01-02,Rent,850.00,,EUR,"1,150.00",T1',
    '2024-01-03,Pay,,"1,000.00",EUR,"2,150.00",T2',
    "2024-01-03,Fee,2.50,,USD,10.00,T3",
).encode()


@FAST
@given(
    edits=st.lists(
        st.tuples(st.integers(min_value=0, max_value=len(VALID)), st.binary(max_size=3)),
        min_size=1,
        max_size=6,
    ),
    cut=st.booleans(),
)
def test_mutated_valid_file_parses_or_raises_a_statement_parse_error(
    edits: list[tuple[int, bytes]], cut: bool
) -> None:
    data = bytearray(VALID)
    for position, replacement in edits:
        at = min(position, len(data))
        data[at : at + (1 if cut else 0)] = replacement
    assert_parses_or_raises_own_error(load_profile("debit-credit"), bytes(data))


def test_the_valid_file_behind_the_mutations_parses() -> None:
    parsed = parse(load_profile("debit-credit"), VALID)
    assert [len(s.lines) for s in parsed.statements] == [2, 1]
    assert parsed.statements[0].lines[1].amount.decimal == Decimal("1000.00")
