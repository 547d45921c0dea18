"""Loading and validating CSV profiles: shipped ones by name, others by path, bad ones loudly."""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from accord.ingest.parsers import read_statement_file
from accord.ingest.parsers.csv import CsvProfile, ProfileError, list_profiles, load_profile
from accord.ingest.parsers.csv.profile import profile_from_toml
from accord.kit.errors import BadInput
from accord.kit.money import Money
from tests.ingest.parsers.csv_support import BASE
from tests.samples import REPO

TEST_PROFILES = Path(__file__).parent / "profiles"


def test_at_least_three_bank_layouts_are_shipped() -> None:
    assert {"paypal", "amount", "debit-credit", "sparkasse-camt"} <= set(list_profiles())


@pytest.mark.parametrize("name", list_profiles())
def test_every_shipped_profile_loads_under_its_own_name(name: str) -> None:
    profile = load_profile(name)
    assert profile.name == name
    assert profile.description


def test_shipped_profiles_are_package_data() -> None:
    folder = resources.files("accord.ingest.parsers").joinpath("profiles")
    names = sorted(
        e.name.removesuffix(".toml") for e in folder.iterdir() if e.name.endswith(".toml")
    )
    assert names == list_profiles()


def test_unknown_profile_name_lists_the_shipped_ones() -> None:
    with pytest.raises(BadInput) as caught:
        load_profile("no-such-bank")
    message = str(caught.value)
    assert "unknown CSV profile 'no-such-bank'" in message
    for name in list_profiles():
        assert name in message


def test_profile_by_path(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        'name = "mine"\ndate_formats = ["%d.%m.%Y"]\ncurrency = "CHF"\n'
        '[columns]\ndate = "Datum"\namount = "Betrag"\n',
        encoding="utf-8",
    )
    profile = load_profile(str(path))
    assert (profile.name, profile.currency, profile.columns.amount) == ("mine", "CHF", "Betrag")
    assert profile.source == str(path)


def test_test_profiles_in_the_repo_load() -> None:
    for path in sorted(TEST_PROFILES.glob("*.toml")):
        assert load_profile(str(path)).name == path.stem


def test_missing_profile_file_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match=r"missing\.toml: cannot read CSV profile"):
        load_profile(str(tmp_path / "missing.toml"))


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text('name = "x\n', encoding="utf-8")
    with pytest.raises(BadInput, match=r"broken\.toml: not valid TOML"):
        load_profile(str(path))


def test_bad_profile_file_names_the_file_and_the_key(tmp_path: Path) -> None:
    path = tmp_path / "typo.toml"
    path.write_text(
        'name = "typo"\ndate_formats = ["%Y-%m-%d"]\ncurrency = "EUR"\n'
        '[columns]\ndate = "Date"\nammount = "Amount"\n',
        encoding="utf-8",
    )
    with pytest.raises(ProfileError) as caught:
        load_profile(str(path))
    assert caught.value.source == str(path)
    assert caught.value.key == "columns.ammount"
    assert str(caught.value).startswith(f"{path}: key 'columns.ammount': unknown key")


def with_columns(**columns: Any) -> dict[str, Any]:
    return {**BASE, "columns": {**BASE["columns"], **columns}}


def without(data: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != key}


BAD_PROFILES: list[tuple[dict[str, Any], str]] = [
    ({**BASE, "colour": "red"}, "colour"),
    (without(BASE, "name"), "name"),
    ({**BASE, "name": "Has Spaces"}, "name"),
    (without(BASE, "columns"), "columns"),
    ({**BASE, "columns": {"amount": "A", "currency": "C"}}, "columns.date"),
    (without(BASE, "date_formats"), "date_formats"),
    ({**BASE, "date_formats": ["%d/%m"]}, "date_formats"),
    ({**BASE, "date_formats": []}, "date_formats"),
    ({**BASE, "date_formats": ["%Q"]}, "date_formats"),
    ({**BASE, "encoding": "klingon"}, "encoding"),
    ({**BASE, "encoding": "base64"}, "encoding"),
    ({**BASE, "delimiter": ";;"}, "delimiter"),
    ({**BASE, "delimiter": "\n"}, "delimiter"),
    ({**BASE, "quote": ","}, "quote"),
    ({**BASE, "header": "yes"}, "header"),
    ({**BASE, "skip_lines": -1}, "skip_lines"),
    ({**BASE, "skip_footer_lines": True}, "skip_footer_lines"),
    ({**BASE, "decimal": ";"}, "decimal"),
    ({**BASE, "thousands": "."}, "thousands"),
    ({**BASE, "sign": "negative"}, "sign"),
    ({**BASE, "row_order": "random"}, "row_order"),
    ({**BASE, "currency": "EUR"}, "currency"),
    ({**BASE, "columns": {"date": "D", "amount": "A"}}, "currency"),
    ({**BASE, "columns": {"date": "D", "amount": "A"}, "currency": "EURO"}, "currency"),
    ({**BASE, "account": "  "}, "account"),
    ({**with_columns(account="Acct"), "account": "DE1"}, "account"),
    (with_columns(debit="D", credit="C"), "columns.amount"),
    ({**BASE, "columns": {"date": "D", "debit": "Out", "currency": "C"}}, "columns.debit"),
    (with_columns(indicator="DC"), "columns.indicator"),
    ({**BASE, "debit_values": ["D"], "credit_values": ["C"]}, "debit_values"),
    (
        {**with_columns(indicator="DC"), "debit_values": ["D"], "credit_values": ["D"]},
        "debit_values",
    ),
    (with_columns(status="Info"), "columns.status"),
    ({**BASE, "pending_values": ["P"]}, "pending_values"),
    (with_columns(instructed_amount="Orig"), "columns.instructed_amount"),
    (with_columns(remittance=["Text", ""]), "columns.remittance"),
    (with_columns(balance=-1), "columns.balance"),
    (with_columns(balance=1.5), "columns.balance"),
    (with_columns(balance=True), "columns.balance"),
    ({**BASE, "header": False}, "columns.date"),
    ({**BASE, "optional": ["balance"]}, "optional"),
    ({**BASE, "optional": ["date"]}, "optional"),
    ({**BASE, "optional": "balance"}, "optional"),
    ({**BASE, "skip": {"column": "Type"}}, "skip"),
    ({**BASE, "skip": [{"column": "Type", "values": []}]}, "skip[0].values"),
    ({**BASE, "skip": [{"column": "Type", "value": ["x"]}]}, "skip[0].value"),
    ({**BASE, "skip": [{"values": ["x"]}]}, "skip[0].column"),
]


@pytest.mark.parametrize(("data", "key"), BAD_PROFILES)
def test_bad_profile_names_the_key_that_is_wrong(data: dict[str, Any], key: str) -> None:
    with pytest.raises(ProfileError) as caught:
        profile_from_toml(data, source="bank.toml")
    assert caught.value.key == key
    assert str(caught.value).startswith(f"bank.toml: key {key!r}: ")


def test_defaults_of_a_minimal_profile() -> None:
    profile = profile_from_toml(BASE, source="bank.toml")
    assert profile == CsvProfile(
        name="test",
        columns=profile.columns,
        date_formats=("%Y-%m-%d",),
        encoding="utf-8",
        delimiter=",",
        quote='"',
        header=True,
        skip_lines=0,
        skip_footer_lines=0,
        decimal=".",
        thousands="",
        sign="normal",
        row_order="oldest_first",
    )
    assert profile.columns.mapped() == {
        "date": ("Date",),
        "amount": ("Amount",),
        "currency": ("Currency",),
    }


def test_a_single_date_format_string_is_accepted() -> None:
    profile = profile_from_toml({**BASE, "date_formats": "%d.%m.%Y"}, source="bank.toml")
    assert profile.date_formats == ("%d.%m.%Y",)


def test_worked_example_in_the_docs_parses_as_described() -> None:
    doc = (REPO / "docs" / "csv-profiles.md").read_text(encoding="utf-8")
    example = doc.split("## A worked example", 1)[1]
    blocks = re.findall(r"```(?:toml)?\n(.*?)```", example, re.DOTALL)
    export, profile_text = blocks[0], blocks[1]
    profile = profile_from_toml(tomllib.loads(profile_text), source="my-bank.toml")
    parsed = read_statement_file(
        export.encode("cp1252"), filename="export.csv", csv_profile=profile
    )
    (statement,) = parsed.statements
    assert statement.id.startswith("my-bank:DE89370400440532013000:EUR:2025-03-03..2025-03-05:")
    assert [line.amount for line in statement.lines] == [
        Money.of("-850.00", "EUR"),
        Money.of("1000.00", "EUR"),
    ]
    assert statement.opening_booked is not None
    assert statement.opening_booked.amount == Money.of("2000.00", "EUR")
    assert statement.closing_booked is not None
    assert statement.closing_booked.amount == Money.of("2150.00", "EUR")
    assert [line.bank_ref for line in statement.lines] == [f"{statement.id}/1", f"{statement.id}/2"]
    assert statement.lines[1].creditor_reference == "RF18539007547034"
    assert statement.lines[0].remittance == "Miete März"
