"""NHS numbers and postcodes (frontdoor.people.identifiers)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontdoor.people.identifiers import (
    nhs_number_normalise,
    nhs_number_valid,
    postcode_normalise,
    postcode_valid,
)


def check_digit(nine: str) -> int | None:
    total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return None if check == 10 else check


@pytest.mark.parametrize("number", ["943 476 5919", "9434765919", "943-476-5919", "401 023 2137"])
def test_real_shaped_nhs_numbers_pass_their_check_digit(number: str) -> None:
    assert nhs_number_valid(number)


@pytest.mark.parametrize(
    "number", ["943 476 5918", "94347659", "94347659190", "abcdefghij", "", "９４３４７６５９１９"]
)
def test_wrong_nhs_numbers_fail(number: str) -> None:
    assert not nhs_number_valid(number)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_exactly_one_last_digit_makes_a_valid_number_unless_the_check_is_ten(nine: str) -> None:
    valid = [d for d in "0123456789" if nhs_number_valid(nine + d)]
    expected = check_digit(nine)
    assert valid == ([] if expected is None else [str(expected)])


@given(st.text(max_size=30))
def test_any_text_is_answered_without_error(text: str) -> None:
    assert isinstance(nhs_number_valid(text), bool)
    assert isinstance(postcode_valid(text), bool)
    assert " " not in nhs_number_normalise(text)


@pytest.mark.parametrize(
    ("raw", "clean"), [("pe1 1aa", "PE1 1AA"), ("PE11AA", "PE1 1AA"), (" sw1a  2aa ", "SW1A 2AA")]
)
def test_postcodes_are_written_the_standard_way(raw: str, clean: str) -> None:
    assert postcode_normalise(raw) == clean
    assert postcode_valid(raw)


@pytest.mark.parametrize("raw", ["", "12345", "NOT A CODE", "PE1 1A"])
def test_impossible_postcodes_are_refused(raw: str) -> None:
    assert not postcode_valid(raw)
