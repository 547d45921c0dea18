"""Hostile XML: DTDs, entities, XXE, billion laughs and broken files get clear errors."""

from __future__ import annotations

import io

import pytest

from accord.ingest.parsers import xmlsafe
from accord.ingest.parsers.camt import PARSER
from accord.ingest.parsers.errors import StatementParseError
from tests.ingest.parsers.camt_builder import document, entry, namespace

NS = namespace("053", "08")

XXE = f"""<?xml version="1.0"?>
<!DOCTYPE Document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Document xmlns="{NS}"><BkToCstmrStmt><GrpHdr><MsgId>&xxe;</MsgId></GrpHdr>
</BkToCstmrStmt></Document>""".encode()

BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + b"".join(
        f' <!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">\n'.encode() for n in range(1, 10)
    ).replace(b"&lol0;", b"&lol;")
    + f']>\n<Document xmlns="{NS}"><BkToCstmrStmt><GrpHdr><MsgId>&lol9;</MsgId>'.encode()
    + b"</GrpHdr></BkToCstmrStmt></Document>"
)

EXTERNAL_DTD = (
    b'<?xml version="1.0"?>\n<!DOCTYPE Document SYSTEM "http://example.invalid/camt.dtd">\n'
    + document(entry()).split(b"\n", 1)[1]
)

PARAMETER_ENTITY = (
    b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>\n'
    + document(entry()).split(b"\n", 1)[1]
)


def parse_error(data: bytes) -> StatementParseError:
    with pytest.raises(StatementParseError) as caught:
        PARSER.parse(io.BytesIO(data), filename="evil.xml")
    return caught.value


@pytest.mark.parametrize(
    "data",
    [XXE, BILLION_LAUGHS, EXTERNAL_DTD, PARAMETER_ENTITY],
    ids=["xxe", "billion-laughs", "external-dtd", "parameter-entity"],
)
def test_dtds_and_entities_are_refused(data: bytes) -> None:
    error = parse_error(data)
    assert "DTDs and entities are not allowed" in str(error)
    assert "root:" not in str(error)  # /etc/passwd was never read
    assert error.file == "evil.xml"


def test_doctype_in_utf16_is_refused() -> None:
    assert "DTDs and entities are not allowed" in str(parse_error(XXE.decode().encode("utf-16")))


def test_doctype_after_a_long_prolog_is_still_refused() -> None:
    """Past the bytes checked up front, lxml's own record of the DOCTYPE catches it."""
    padding = b"<!--" + b" " * (xmlsafe.PEEK_BYTES + 10) + b"-->\n"
    data = padding + XXE.split(b"\n", 1)[1]
    assert "DTDs and entities are not allowed" in str(parse_error(data))


def test_undeclared_entity_is_malformed_xml() -> None:
    data = document(entry()).replace(b"<MsgId>M1</MsgId>", b"<MsgId>&nope;</MsgId>")
    error = parse_error(data)
    assert error.where == "line 2"
    assert "malformed XML" in str(error)


def test_malformed_xml_reports_lxml_line() -> None:
    data = document(entry() + "\n" + entry()).replace(b"</Ntry>\n<Ntry>", b"</Ntry>\n<Ntry")
    error = parse_error(data)
    assert error.where == "line 3"
    assert "malformed XML" in error.problem


def test_declares_dtd_looks_only_at_the_prolog() -> None:
    assert xmlsafe.declares_dtd(b"<?xml version='1.0'?><!DOCTYPE x><x/>")
    assert xmlsafe.declares_dtd(b"<!-- c --><!ENTITY a 'b'><x/>")
    assert not xmlsafe.declares_dtd(b"<x><![CDATA[<!DOCTYPE in text>]]></x>")
    assert not xmlsafe.declares_dtd(b"<?xml version='1.0'?>\n<Document/>")


def test_parse_document_is_safe_too() -> None:
    with pytest.raises(StatementParseError, match="DTDs and entities are not allowed"):
        xmlsafe.parse_document(XXE, filename="evil.xml")
    with pytest.raises(StatementParseError, match=r"evil\.xml: line 1: malformed XML"):
        xmlsafe.parse_document(b"<a><b></a>", filename="evil.xml")
    root = xmlsafe.parse_document(b"<a><!-- c --><b>1</b></a>", filename="ok.xml")
    assert [child.tag for child in root] == ["b"]


def test_iterparse_streams_tagged_elements() -> None:
    data = b"<r><x>1</x><y/><x>2</x></r>"
    texts = [el.text for _, el in xmlsafe.iterparse(io.BytesIO(data), filename="f", tag=["x"])]
    assert texts == ["1", "2"]
