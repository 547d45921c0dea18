"""The per-file Interner: one object per distinct value, equal to what it was given."""

from __future__ import annotations

from datetime import date

from accord.ingest.parsers.interner import Interner
from accord.ingest.parsers.model import Party, TransactionCode
from accord.kit.money import Money


def fresh(text: str) -> str:
    """An equal string that is a different object (as a parser reads each one anew)."""
    return "".join(list(text))


def test_equal_values_come_back_as_the_first_object() -> None:
    shared = Interner()
    first_day, first_money = date(2025, 3, 3), Money(295900, fresh("EUR"))
    assert shared.date(first_day) is first_day
    assert shared.date(date(2025, 3, 3)) is first_day
    assert shared.money(first_money) is first_money
    assert shared.money(Money(295900, fresh("EUR"))) is first_money
    assert shared.text(fresh("Habenzinsen")) is shared.text(fresh("Habenzinsen"))
    assert shared.number(70000) is shared.number(int(fresh("70000")))


def test_different_values_stay_apart() -> None:
    shared = Interner()
    assert shared.money(Money(100, "EUR")) == Money(100, "EUR")
    assert shared.money(Money(100, "USD")) == Money(100, "USD")
    assert shared.money(Money(-100, "EUR")) == Money(-100, "EUR")
    assert shared.date(date(2025, 3, 4)) == date(2025, 3, 4)
    assert shared.party("A", None, None) != shared.party("A", "DE89370400440532013000", None)


def test_money_of_a_new_amount_shares_the_currency_text() -> None:
    shared = Interner()
    euro = shared.money(Money(1, fresh("EUR"))).currency
    assert shared.money(Money(2, fresh("EUR"))).currency is euro


def test_party_is_one_object_per_name_account_and_bank() -> None:
    shared = Interner()
    party = shared.party("Müller GmbH", "DE59370401440000000015", "COBADEFFXXX")
    assert party == Party("Müller GmbH", "DE59370401440000000015", "COBADEFFXXX")
    assert shared.party(fresh("Müller GmbH"), "DE59370401440000000015", "COBADEFFXXX") is party
    other = shared.party("Other AG", fresh("DE59370401440000000015"), fresh("COBADEFFXXX"))
    assert (other.account, other.bank) == (party.account, party.bank)
    assert other.account is party.account
    assert other.bank is party.bank


def test_code_is_one_object_per_code_and_issuer() -> None:
    shared = Interner()
    code = shared.code("NTRF", "SWIFT")
    assert code == TransactionCode(proprietary="NTRF", issuer="SWIFT")
    assert shared.code(fresh("NTRF"), "SWIFT") is code
    assert shared.code("NTRF", "BAI") == TransactionCode(proprietary="NTRF", issuer="BAI")


def test_parties_of_one_name_with_other_accounts_stay_what_they_were_given() -> None:
    shared = Interner()
    given = [
        ("Anna", "DE59370401440000000015", None),
        ("Anna", "NL91ABNA0417164300", None),
        ("Anna", "DE59370401440000000015", "COBADEFFXXX"),
        ("Anna", "DE59370401440000000015", None),
        (None, "DE59370401440000000015", None),
        (None, None, "COBADEFFXXX"),
    ]
    assert [shared.party(*fields) for fields in given] == [Party(*fields) for fields in given]
