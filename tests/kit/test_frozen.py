"""Frozen dataclasses built by accord.kit.frozen are the same values as their constructor's."""

from __future__ import annotations

import dataclasses
import pickle
from datetime import date

import pytest

from accord.ingest.parsers.model import BankLine, LineStatus, Party, SourceLocation
from accord.kit.frozen import builder, rebuild
from accord.kit.money import Money
from accord.matching.engine.model import Evidence, LedgerRecord, Match, MatchStatus

SOURCE = SourceLocation("a.xml", 0, 3, 41, "/Document/BkToCstmrStmt/Stmt[1]/Ntry[4]")


def _line(make: type[BankLine] | object) -> BankLine:
    return make(  # type: ignore[no-any-return, operator]
        bank_ref="R1",
        account="DE89370400440532013000",
        amount=Money(12_345, "EUR"),
        booking_date=date(2025, 3, 1),
        value_date=None,
        status=LineStatus.BOOKED,
        source=SOURCE,
        remittance="INV-2025-00123",
        counterparty=Party("ACME GMBH", None, None),
    )


def test_a_built_line_is_an_equal_frozen_instance_of_its_class() -> None:
    built = _line(builder(BankLine))

    assert type(built) is BankLine
    assert built == _line(BankLine)
    assert hash(built) == hash(_line(BankLine))
    assert built.reversal is False  # defaults as the class has them
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.bank_ref = "R2"  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(built)) == built  # noqa: S301 - our own bytes
    assert dataclasses.replace(built, bank_ref="R2").bank_ref == "R2"


def test_positional_and_default_factory_arguments_build_as_the_constructor() -> None:
    record = builder(LedgerRecord)("INV-1", date(2025, 1, 2), Money(100, "EUR"))
    other = builder(LedgerRecord)("INV-1", date(2025, 1, 2), Money(100, "EUR"))

    assert record == LedgerRecord("INV-1", date(2025, 1, 2), Money(100, "EUR"))
    assert record.metadata == {}
    assert record.metadata is not other.metadata  # a new dict each, as the factory makes


def test_missing_or_unknown_arguments_fail_as_the_constructor_does() -> None:
    with pytest.raises(TypeError, match="unexpected keyword argument 'oops'"):
        builder(Evidence)(identifiers=(), oops=1)
    with pytest.raises(TypeError, match="required positional argument"):
        builder(Money)(5)


def test_rebuild_makes_the_value_from_its_field_values() -> None:
    evidence = Evidence(("reference=INV-1",), Money(0, "EUR"), 2, 97.5)
    match = Match(
        "m_1", MatchStatus.MATCHED, ("R1",), ("INV-1",), "reference", None, Money(0, "EUR"),  # type: ignore[arg-type]
        "Reference INV-1 quoted.", evidence,
    )  # fmt: skip
    values = [getattr(match, f.name) for f in dataclasses.fields(Match)]

    assert rebuild(Match, *values) == match


def test_classes_it_cannot_build_alike_are_refused() -> None:
    @dataclasses.dataclass(slots=True)
    class Mutable:
        x: int

    @dataclasses.dataclass(frozen=True, slots=True)
    class Checked:
        x: int

        def __post_init__(self) -> None:
            pass

    @dataclasses.dataclass(frozen=True, slots=True)
    class Derived:
        x: int
        y: int = dataclasses.field(init=False, default=0)

    for cls in (Mutable, Checked, Derived):
        with pytest.raises(TypeError, match=cls.__name__):
            builder(cls)


def test_fields_named_like_the_builders_own_names_are_refused() -> None:
    @dataclasses.dataclass(frozen=True, slots=True)
    class Clashing:
        self: int

    with pytest.raises(TypeError, match="Clashing"):
        builder(Clashing)


def test_errors_name_the_class_as_its_constructor_does() -> None:
    with pytest.raises(TypeError, match=r"Evidence\.__init__\(\) got an unexpected keyword"):
        builder(Evidence)(identifiers=(), oops=1)
