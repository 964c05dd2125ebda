"""scorer.py: dates of birth, each comparison level, its weight and its plain-word reason."""

from __future__ import annotations

from datetime import date

import pytest

from frontdoor.matching.tests.scoring import assert_level, field_of, rec

# --- Dates of birth ---------------------------------------------------------------------

BORN = date(2015, 3, 4)


@pytest.mark.parametrize(
    ("other", "level", "reason"),
    [
        pytest.param(date(2015, 3, 4), "exact", "same date of birth", id="exact"),
        pytest.param(date(2015, 4, 3), "swapped", "day and month of birth swapped", id="swapped"),
        pytest.param(
            date(2015, 3, 14), "typo", "date of birth differs by one digit", id="one-digit-day"
        ),
        pytest.param(
            date(2016, 3, 4), "typo", "date of birth differs by one digit", id="one-digit-year"
        ),
        pytest.param(
            date(2015, 3, 25), "year_month", "born in the same month, different day",
            id="same-month",
        ),
        pytest.param(date(2012, 11, 20), "different", "different date of birth", id="different"),
    ],
)  # fmt: skip
def test_date_of_birth_levels(other: date, level: str, reason: str) -> None:
    assert_level(rec(date_of_birth=BORN), rec(date_of_birth=other), "date_of_birth", level, reason)


def test_neighbouring_digits_typed_the_wrong_way_round_are_one_typing_error() -> None:
    got = field_of(
        rec(date_of_birth=date(2015, 3, 12)), rec(date_of_birth=date(2015, 3, 21)), "date_of_birth"
    )
    assert got.level == "typo"  # 20150312 / 20150321: the last two digits swapped


def test_same_day_and_month_is_not_called_swapped() -> None:
    got = field_of(
        rec(date_of_birth=date(2015, 5, 5)), rec(date_of_birth=date(2015, 5, 5)), "date_of_birth"
    )
    assert got.level == "exact"


@pytest.mark.parametrize(
    ("partial", "level", "reason"),
    [
        pytest.param({"birth_year": 2015}, "partial_year", "born in the year given", id="year"),
        pytest.param(
            {"birth_year": 2015, "birth_month": 3}, "partial_year_month",
            "born in the month and year given", id="year-month",
        ),
        pytest.param({"birth_year": 2014}, "different", "born in a different year", id="year-no"),
        pytest.param(
            {"birth_year": 2015, "birth_month": 4}, "different", "born in a different month",
            id="month-no",
        ),
    ],
)  # fmt: skip
def test_a_partial_date_of_birth_in_a_search(
    partial: dict[str, int], level: str, reason: str
) -> None:
    query = rec(**partial)
    child = rec(date_of_birth=BORN)
    assert_level(query, child, "date_of_birth", level, reason)
    assert_level(child, query, "date_of_birth", level, reason)


@pytest.mark.parametrize(
    ("born", "level", "reason"),
    [
        pytest.param(
            date(2026, 5, 20), "expected_close", "born within a month of the expected date",
            id="within-a-month",
        ),
        pytest.param(
            date(2026, 7, 20), "expected_near", "born within three months of the expected date",
            id="within-three-months",
        ),
        pytest.param(
            date(2026, 12, 1), "different", "expected date of birth far from the other date",
            id="far",
        ),
    ],
)  # fmt: skip
def test_an_unborn_child_and_a_born_child(born: date, level: str, reason: str) -> None:
    unborn = rec(family="Jones", expected_date_of_birth=date(2026, 6, 1))
    baby = rec(family="Jones", date_of_birth=born)
    assert_level(unborn, baby, "date_of_birth", level, reason)
    assert_level(baby, unborn, "date_of_birth", level, reason)


def test_two_unborn_records_compare_their_expected_dates() -> None:
    a = rec(expected_date_of_birth=date(2026, 6, 1))
    b = rec(expected_date_of_birth=date(2026, 6, 20))
    assert field_of(a, b, "date_of_birth").level == "expected_close"


def test_a_record_with_a_date_of_birth_ignores_an_expected_date() -> None:
    record = rec(date_of_birth=BORN, expected_date_of_birth=date(2026, 6, 1))
    assert record.expected_date_of_birth is None
