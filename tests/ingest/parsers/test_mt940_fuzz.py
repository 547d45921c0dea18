"""Property: whatever bytes arrive, the MT940 parser returns statements or a parse error."""

from __future__ import annotations

import contextlib
import io
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.ingest.parsers import read_statement_file
from accord.ingest.parsers.errors import StatementParseError, UnbalancedStatement
from accord.ingest.parsers.mt940 import PARSER
from accord.ingest.parsers.mt940.details import decode

VALID = (
    b"{1:F01BANKDEFFAXXX0000000000}{2:O940BANKDEFFXXXXN}{4:\r\n"
    b":20:STMT1\r\n:25:DE89370400440532013000EUR\r\n:28C:00001/001\r\n"
    b":60F:C231229EUR1000,00\r\n"
    b":61:2312310102CR10,00NTRFINV-1//B1\r\nSUPPLEMENTARY\r\n"
    b":86:166?00GUTSCHRIFT?100399?20EREF+E2E-1?21SVWZ+Rechnung 42 RF18539007547\r\n"
    b"034?30COBADEFFXXX?31DE44500105175407324931?32Muster GmbH\r\n"
    b":61:231231RC5,NMSCNONREF\r\n"
    b":86:/EREF/X1//CNTP/NL91ABNA0417164300/ABNANL2A/J. DOE///REMI/USTD//T/\r\n"
    b":62F:C231231EUR1005,00\r\n:64:C231231EUR1005,00\r\n-}{5:}\r\n"
    b":20:R2\r\n:25:123/456\r\n:28C:1/1\r\n:34F:EUR0,\r\n:13D:2312311200+0100\r\n"
    b":61:231231D1,00NTRFNONREF\r\n:86:FREE TEXT\r\n:90D:1EUR1,00\r\n-\r\n"
)
EXAMPLES = int(os.environ.get("ACCORD_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _mutate(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    for position, length, replacement in edits:
        at = position % (len(data) + 1)
        data = data[:at] + replacement + data[at + length :]
    return data


def test_valid_file_of_the_property_tests_parses() -> None:
    parsed = read_statement_file(VALID, filename="valid.sta")
    assert [s.format for s in parsed.statements] == ["mt940", "mt942"]


@FUZZ
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0),
            st.integers(min_value=0, max_value=8),
            st.binary(max_size=6) | st.sampled_from([b":61:", b":86:", b"?2", b"-", b"\n", b","]),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_mutated_file_parses_or_raises_a_parse_error(edits: list[tuple[int, int, bytes]]) -> None:
    data = _mutate(VALID, edits)
    with contextlib.suppress(StatementParseError, UnbalancedStatement):
        PARSER.parse(io.BytesIO(data), filename="fuzz.sta")
        read_statement_file(data, filename="fuzz.sta")


FULL = read_statement_file(VALID, filename="cut.sta")


@FUZZ
@given(st.integers(min_value=0, max_value=len(VALID)))
def test_truncated_file_never_yields_part_of_a_statement(size: int) -> None:
    try:
        parsed = PARSER.parse(io.BytesIO(VALID[:size]), filename="cut.sta")
    except StatementParseError:
        return
    for got, full in zip(parsed.statements, FULL.statements, strict=False):
        assert got.lines == full.lines


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes_after_a_statement_header_parse_or_raise_a_parse_error(tail: bytes) -> None:
    with contextlib.suppress(StatementParseError):
        PARSER.parse(io.BytesIO(b":20:X\n:25:Y\n" + tail), filename="random.sta")


@FUZZ
@given(
    st.lists(
        st.text(alphabet=st.sampled_from("?>/+ 0123456789EREFSVWZMREFKREFCNTPREMIUSTDRF-:"))
        | st.text(max_size=70),
        max_size=6,
    )
)
def test_any_86_text_decodes_without_error(lines: list[str]) -> None:
    details = decode(lines)
    assert details.remittance is None or details.remittance == details.remittance.strip()
