"""Reference keys and name normalisation."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rapidfuzz import fuzz

from accord.matching.engine.text import (
    _TRANSLIT,
    _merge_initials,
    _name_tokens,
    indel_ratio,
    is_valid_rf,
    legal_forms,
    name_similarity,
    names_reaching,
    normalise_name,
    other_legal_form,
    ref_key,
    ref_parts,
    segments,
)


@pytest.mark.parametrize("typed", ["INV-2025-00123", "inv 2025/00123", "INV 2025 00123"])
def test_typed_forms_of_a_reference_give_one_key(typed: str) -> None:
    assert ref_key(typed) == "INV202500123"


def test_reference_parts_drop_leading_zeros_from_digit_groups() -> None:
    parts = ref_parts("INV-2025-00123")
    assert (parts.prefix, parts.groups) == ("INV", ("2025", "123"))


def test_rf_checksum_is_validated() -> None:
    assert is_valid_rf("RF18539007547034")
    assert not is_valid_rf("RF19539007547034")
    assert not is_valid_rf("RFXX1")


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("Müller GmbH & Co. KG", "MUELLER"),
        ("MUELLER GMBH", "MUELLER"),
        ("Straßenbau Königsberger Ges.m.b.H.", "STRASSENBAU KOENIGSBERGER"),
        ("Société Générale S.A.", "SOCIETE GENERALE"),
        ("ACME Ltd.", "ACME"),
        ("GmbH", "GMBH"),
    ],
)
def test_names_normalise_as_banks_print_them(raw: str, normal: str) -> None:
    assert normalise_name(raw) == normal


@pytest.mark.parametrize(
    ("raw", "forms"),
    [
        ("Müller GmbH & Co. KG", {"GMBH", "CO", "KG"}),
        ("MUELLER GMBH U. CO. KG", {"GMBH", "CO", "KG"}),
        ("MUELLER AKTIENGESELLSCHAFT", {"AG"}),
        ("Mueller Limited", {"LTD"}),
        ("Dubois Textil Lyon S.A.R.L.", {"SARL"}),
        ("Müller Bau UG (haftungsbeschränkt)", {"UG"}),
        ("Müller Bau", set()),
    ],
)
def test_legal_forms_are_read_in_one_spelling(raw: str, forms: set[str]) -> None:
    assert legal_forms(raw) == forms


@pytest.mark.parametrize(
    ("a", "b", "other"),
    [
        ("X Bau Ltd", "X Bau GmbH & Co. KG", True),
        ("X Bau AG", "X Bau GmbH", True),
        ("X Bau GmbH", "X BAU GMBH U. CO. KG", False),
        ("X Bau AG", "X BAU AKTIENGESELLSCHAFT", False),
        ("X Bau SAS", "X BAU SA", False),  # cut short by the bank
        ("X Bau GmbH", "X BAU", False),  # left off by the bank
        ("X Bau GmbH", "X BAU GES", False),  # GESELLSCHAFT MIT BESCHRAENKTER HAFTUNG, cut
    ],
)
def test_another_legal_form_is_one_that_none_of_the_others_is(a: str, b: str, other: bool) -> None:
    assert other_legal_form(legal_forms(a), legal_forms(b)) is other


def test_subset_of_tokens_does_not_score_as_equal() -> None:
    assert name_similarity("ACME", "ACME HOLDING") < 70


def test_accent_dropped_and_transliterated_spellings_agree() -> None:
    assert name_similarity(normalise_name("MULLER"), normalise_name("Müller")) == 100


def test_truncated_long_name_counts_as_the_same() -> None:
    a, b = normalise_name("Mueller Maschinenbau Sued"), normalise_name("MUELLER MASCHINENBAU S")
    assert name_similarity(a, b) >= 95


def test_typo_in_a_long_name_stays_strong() -> None:
    assert name_similarity("MUELLER BAUTECHNIK", "MUELLER BAUTECHNK") >= 88


_NAME_TEXT = st.text(alphabet="AEOUMLR Ü\t\x85é", max_size=14)


@given(_NAME_TEXT, _NAME_TEXT)
def test_similarity_is_the_best_of_ratio_and_sorted_words(a: str, b: str) -> None:
    expected = max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b))
    ca = a.replace("AE", "A").replace("OE", "O").replace("UE", "U")
    cb = b.replace("AE", "A").replace("OE", "O").replace("UE", "U")
    if (ca, cb) != (a, b):
        expected = max(expected, fuzz.token_sort_ratio(ca, cb))
    if len(min(a, b, key=len)) >= 12 and (a.startswith(b) or b.startswith(a)):
        expected = max(expected, 95.0)
    assert name_similarity(a, b) == (100.0 if a == b else expected)


@given(st.text(max_size=30), st.text(max_size=30))
def test_indel_ratio_is_rapidfuzz_ratio_to_the_last_bit(a: str, b: str) -> None:
    assert indel_ratio(a, b) == fuzz.ratio(a, b)
    assert indel_ratio(a + "GMBH", b + "GMBH") == fuzz.ratio(a + "GMBH", b + "GMBH")


@given(
    _NAME_TEXT,
    st.lists(st.one_of(_NAME_TEXT, st.just("MUELLER BAU GMBH KOELN")), max_size=8),
    st.sampled_from([0.0, 50.0, 70.0, 88.0, 95.0, 96.0, 100.0]),
)
def test_names_reaching_agrees_with_name_similarity(
    name: str, names: list[str], threshold: float
) -> None:
    expected = [name_similarity(name, other) >= threshold for other in names]
    assert names_reaching(name, names, threshold) == expected


def test_names_reaching_counts_a_truncated_name_and_umlauts_as_the_same() -> None:
    names = ["MUELLER BAUUNTERNEHMEN", "MULLER BAUUNTERNEHMEN GMBH", "SCHMIDT", "MÜLLER"]
    reached = names_reaching("MUELLER BAUUNTERNEHMEN GMBH", names, 88.0)
    assert reached == [True, True, False, False]


@given(st.text(alphabet=st.sampled_from("abcXYZ019 &.-/äÄöØßŁ\u0301\u034féΆй\u0483"), max_size=30))
def test_a_name_normalises_as_if_every_character_were_transliterated(raw: str) -> None:
    # Only non-ASCII names go through the transliteration table; in an ASCII name its one
    # ASCII entry (`&` to a space) separates words as `&` itself does.
    translated = raw.upper().translate(str.maketrans(dict(_TRANSLIT)))
    if not translated.isascii():
        translated = unicodedata.normalize("NFKD", translated)
        translated = "".join(ch for ch in translated if not unicodedata.combining(ch))
    assert _name_tokens(raw) == _merge_initials(segments(translated))
