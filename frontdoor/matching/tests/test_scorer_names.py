"""scorer.py: first and last names, each comparison level, its weight and its plain-word reason."""

from __future__ import annotations

import pytest

from frontdoor.matching.scorer import WEIGHTS, score
from frontdoor.matching.tests.scoring import assert_level, field_of, rec

# --- First names ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "level", "reason"),
    [
        pytest.param("Sam", "SAM", "exact", "same first name", id="exact-any-case"),
        pytest.param("Zoë", "Zoe", "exact", "same first name", id="exact-accent"),
        pytest.param(
            "Bill", "William", "nickname", "first name is a short form (Bill / William)",
            id="nickname-bill-william",
        ),
        pytest.param(
            "Alex", "Alexander", "nickname", "first name is a short form (Alex / Alexander)",
            id="nickname-alex-alexander",
        ),
        pytest.param(
            "Alex", "Alexandra", "nickname", "first name is a short form (Alex / Alexandra)",
            id="nickname-alex-alexandra",
        ),
        pytest.param(
            "Sandy", "Alex", "nickname", "first name is a short form (Sandy / Alex)",
            id="nickname-two-short-forms",
        ),
        pytest.param(
            "Olivia", "Olivai", "typo", "first name spelt slightly differently (Olivia / Olivai)",
            id="typo-transposed",
        ),
        pytest.param(
            "Aaliyah", "Aliya", "typo", "first name spelt slightly differently (Aaliyah / Aliya)",
            id="typo-missing-letters",
        ),
        pytest.param(
            "Anne-Marie", "Marie", "first_part", "first name shares a part (Anne-Marie / Marie)",
            id="first-part-hyphenated",
        ),
        pytest.param(
            "Mary Jane", "Mary", "first_part", "first name shares a part (Mary Jane / Mary)",
            id="first-part-double",
        ),
        pytest.param(
            "Stephen", "Steven", "sounds", "first name sounds alike (Stephen / Steven)",
            id="phonetic",
        ),
        pytest.param(
            "Mohammed", "Muhammad", "sounds", "first name sounds alike (Mohammed / Muhammad)",
            id="phonetic-transliteration",
        ),
        pytest.param("J", "James", "initial", "first name matches only by initial", id="initial"),
        pytest.param(
            "Sam", "Olivia", "different", "different first name (Sam / Olivia)", id="different"
        ),
    ],
)  # fmt: skip
def test_first_name_levels(a: str, b: str, level: str, reason: str) -> None:
    assert_level(rec(given=a), rec(given=b), "given_name", level, reason)


def test_first_name_matching_an_earlier_name_says_so() -> None:
    a = rec(given=["Samira", "Sam"])
    b = rec(given="Sam")
    got = field_of(a, b, "given_name")
    assert got.level == "exact"
    assert got.reason == "same first name (a previous name)"


def test_non_latin_first_name_matches_its_latin_spelling() -> None:
    assert field_of(rec(given="Мария"), rec(given="Mariya"), "given_name").level == "exact"


# --- Last names -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "level", "reason"),
    [
        pytest.param("Jones", "jones", "exact", "same last name", id="exact"),
        pytest.param(
            "Smith-Jones", "Jones", "part",
            "last name shares a part of a double or hyphenated name (Smith-Jones / Jones)",
            id="hyphenated",
        ),
        pytest.param(
            "Smith Jones", "Smith", "part",
            "last name shares a part of a double or hyphenated name (Smith Jones / Smith)",
            id="double",
        ),
        pytest.param(
            "Jones-Smith", "Smith-Jones", "part",
            "last name shares a part of a double or hyphenated name (Jones-Smith / Smith-Jones)",
            id="double-reordered",
        ),
        pytest.param(
            "Thompson", "Thomson", "typo",
            "last name spelt slightly differently (Thompson / Thomson)", id="typo",
        ),
        pytest.param(
            "Smith", "Smyth", "sounds", "last name sounds alike (Smith / Smyth)", id="phonetic"
        ),
        pytest.param(
            "Smith", "Brown", "different", "different last name (Smith / Brown)", id="different"
        ),
    ],
)  # fmt: skip
def test_last_name_levels(a: str, b: str, level: str, reason: str) -> None:
    assert_level(rec(family=a), rec(family=b), "family_name", level, reason)


def test_last_name_matching_a_previous_name_says_so() -> None:
    got = field_of(rec(family=["Brown", "Jones"]), rec(family="Jones"), "family_name")
    assert got.level == "exact"
    assert got.reason == "same last name (a previous name)"


def test_first_and_last_names_swapped() -> None:
    a = rec(given="John", family="Smith")
    b = rec(given="Smith", family="John")
    result = score(a, b)
    assert [(f.field, f.level, f.reason) for f in result.fields] == [
        ("names_swapped", "swapped", "first and last names swapped")
    ]
    assert result.weight == round(WEIGHTS["names_swapped"]["swapped"], 2)
    assert result.weight > 0


def test_swapped_names_with_a_typo_still_count_as_swapped() -> None:
    a = rec(given="Jonathan", family="Smith")
    b = rec(given="Smith", family="Jonathon")
    assert [f.level for f in score(a, b).fields] == ["swapped"]


def test_names_in_the_right_fields_are_not_called_swapped() -> None:
    a = rec(given="John", family="Smith")
    fields = score(a, rec(given="John", family="Smith")).fields
    assert [f.field for f in fields] == ["given_name", "family_name"]


def test_a_given_name_that_is_also_a_surname_is_not_swapped_when_names_agree() -> None:
    # Thomas James / James Thomas: both readings fit; the straight reading is exact.
    a = rec(given="Thomas", family="James")
    assert [f.level for f in score(a, rec(given="Thomas", family="James")).fields] == [
        "exact",
        "exact",
    ]
