"""scorer.py: sex, postcode, address and identifiers, each comparison level, its weight and its
plain-word reason."""

from __future__ import annotations

import pytest

from frontdoor.matching.scorer import WEIGHTS, score
from frontdoor.matching.tests.scoring import CHECKED, CHECKED_OTHER, assert_level, field_of, rec

# --- Sex, postcode, address -------------------------------------------------------------


def test_sex_levels() -> None:
    assert_level(rec(sex="F"), rec(sex="F"), "sex", "same", "same sex")
    assert_level(rec(sex="F"), rec(sex="M"), "sex", "different", "different sex recorded")
    assert not score(rec(sex="F"), rec(sex="U")).fields  # unknown is not compared


@pytest.mark.parametrize(
    ("a", "b", "level", "reason"),
    [
        pytest.param(["PE1 1XX"], ["pe11xx"], "exact", "same postcode", id="exact"),
        pytest.param(
            ["PE2 9ZZ", "PE1 1XX"], ["PE1 1XX"], "previous",
            "lived at the same postcode (PE1 1XX)", id="previous",
        ),
        pytest.param(
            ["PE1 1XX"], ["PE1 1YZ"], "sector", "same postcode sector (PE1 1)", id="sector"
        ),
        pytest.param(
            ["PE1 1XX"], ["PE1 9YZ"], "district", "same postcode district (PE1)", id="district"
        ),
        pytest.param(["PE1 1XX"], ["CB2 3QQ"], "different", "different postcode", id="different"),
    ],
)  # fmt: skip
def test_postcode_levels(a: list[str], b: list[str], level: str, reason: str) -> None:
    assert_level(rec(postcodes=a), rec(postcodes=b), "postcode", level, reason)


def test_a_previous_postcode_on_both_sides_counts() -> None:
    a = rec(postcodes=["CB2 3QQ", "PE1 1XX"])
    b = rec(postcodes=["NR1 1AA", "PE1 1XX"])
    assert field_of(a, b, "postcode").reason == "lived at the same postcode (PE1 1XX)"


@pytest.mark.parametrize(
    ("a", "b", "level", "reason"),
    [
        pytest.param("1 Mill Lane, Peterborough", "1 mill lane peterborough", "same",
                     "same address", id="same"),
        pytest.param("Flat 2, 1 Mill Lane, Peterborough", "1 Mill Ln, Peterboro", "similar",
                     "similar address", id="similar"),
        pytest.param("1 Mill Lane, Peterborough", "99 Station Road, Norwich", "different",
                     "different address", id="different"),
    ],
)  # fmt: skip
def test_address_levels(a: str, b: str, level: str, reason: str) -> None:
    assert_level(rec(address=a), rec(address=b), "address", level, reason)


# --- Identifiers ------------------------------------------------------------------------


def test_the_same_checked_nhs_number_is_strong_evidence() -> None:
    got = field_of(rec(nhs_number=CHECKED), rec(nhs_number="943 476 5919"), "nhs_number")
    assert (got.level, got.reason) == ("exact", "same NHS number")
    assert got.weight > 19
    # Stronger than everything else agreeing except the identifiers.
    others = max(WEIGHTS["names_swapped"].values())
    assert got.weight > others


def test_different_checked_nhs_numbers_count_against() -> None:
    assert_level(
        rec(nhs_number=CHECKED),
        rec(nhs_number=CHECKED_OTHER),
        "nhs_number",
        "different",
        "different NHS number",
    )


def test_an_unchecked_identifier_is_weaker_than_a_checked_nhs_number() -> None:
    got = field_of(rec(nhs_number="1234567"), rec(nhs_number="1234567"), "nhs_number")
    assert (got.level, got.reason) == (
        "exact_unchecked",
        "same identifier (not a checked NHS number)",
    )
    assert got.weight < WEIGHTS["nhs_number"]["exact"]


def test_an_unchecked_identifier_one_digit_wrong() -> None:
    assert_level(
        rec(nhs_number="9434765918"),  # the check digit is wrong: a typing error
        rec(nhs_number=CHECKED),
        "nhs_number",
        "typo_unchecked",
        "identifier differs by one digit",
    )


def test_different_unchecked_identifiers() -> None:
    assert_level(
        rec(nhs_number="1234567"),
        rec(nhs_number="7654321"),
        "nhs_number",
        "different_unchecked",
        "different identifier",
    )


def test_an_identifier_that_is_not_digits_is_ignored() -> None:
    assert rec(nhs_number="not known").nhs_number == ""
    assert not score(rec(nhs_number="not known"), rec(nhs_number=CHECKED)).fields


def test_upn_levels() -> None:
    assert_level(rec(upn="a123 456 789 012"), rec(upn="A123456789012"), "upn", "exact", "same UPN")
    assert_level(rec(upn="A123456789012"), rec(upn="B999"), "upn", "different", "different UPN")
