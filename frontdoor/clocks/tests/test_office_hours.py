"""OfficeHours: defaults, parsing admin-supplied JSON, and round-tripping."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import time
from typing import Any

import pytest
from hypothesis import given, settings

from frontdoor.clocks import OfficeHours

from .strategies import office_hours


def test_default_office_hours_are_the_mash_hours() -> None:
    assert OfficeHours.default().to_dict() == {
        "mon": ["08:00", "17:30"],
        "tue": ["08:00", "17:30"],
        "wed": ["08:00", "17:30"],
        "thu": ["08:00", "17:30"],
        "fri": ["08:00", "16:30"],
    }


def test_weekends_are_closed_by_default() -> None:
    hours = OfficeHours.default().hours
    assert 5 not in hours
    assert 6 not in hours


def test_office_hours_parse_from_admin_json() -> None:
    hours = OfficeHours.from_dict({"Mon": [" 09:00", "17:00"], "fri": ["09:00:30", "12:00"]})
    assert hours.hours == {0: (time(9), time(17)), 4: (time(9, 0, 30), time(12))}


def test_office_hours_round_trip_seconds_when_they_are_not_zero() -> None:
    assert OfficeHours.from_dict({"fri": ["09:00:30", "12:00"]}).to_dict() == {
        "fri": ["09:00:30", "12:00"]
    }


def test_office_hours_are_immutable_and_hashable() -> None:
    hours = OfficeHours.default()
    with pytest.raises(TypeError):
        hours.hours[5] = (time(9), time(10))  # type: ignore[index]
    assert hash(hours) == hash(OfficeHours.default())
    assert hours == OfficeHours.default()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(
            {"mon": ["17:30", "08:00"]},
            "closing time '08:00' must be after",
            id="close-before-open",
        ),
        pytest.param(
            {"mon": ["08:00", "08:00"]}, "must be after opening time", id="close-equals-open"
        ),
        pytest.param({"monday": ["08:00", "17:30"]}, "unknown day 'monday'", id="unknown-day"),
        pytest.param({"mon": ["8am", "17:30"]}, "'8am' is not a valid 24-hour time", id="bad-time"),
        pytest.param({"mon": ["24:00", "17:30"]}, "not a valid 24-hour time", id="hour-24"),
        pytest.param({"mon": ["08:60", "17:30"]}, "not a valid 24-hour time", id="minute-60"),
        pytest.param({"mon": [800, "17:30"]}, "must be a string", id="number-not-string"),
        pytest.param({"mon": "08:00-17:30"}, "must be a pair", id="string-not-pair"),
        pytest.param({"mon": ["08:00"]}, "must be a pair", id="only-one-time"),
        pytest.param(
            {"mon": ["08:00", "12:00"], "MON": ["13:00", "17:00"]}, "more than once", id="dup"
        ),
        pytest.param({"sat": ["08:00", "12:00"]}, "at least one weekday", id="weekend-only"),
        pytest.param({}, "at least one weekday", id="empty"),
        pytest.param(["mon", "08:00", "17:30"], "must be a mapping", id="not-a-mapping"),
    ],
)
def test_bad_office_hours_raise_a_clear_value_error(data: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        OfficeHours.from_dict(data)


def test_constructing_office_hours_directly_validates_close_after_open() -> None:
    with pytest.raises(ValueError, match="closing time 08:00 must be after opening time 09:00"):
        OfficeHours({0: (time(9), time(8))})


def test_constructing_office_hours_directly_rejects_out_of_range_weekdays() -> None:
    with pytest.raises(ValueError, match=r"0 \(Mon\) \.\. 6 \(Sun\)"):
        OfficeHours({7: (time(9), time(17))})


@given(hours=office_hours())
@settings(max_examples=200, deadline=None)
def test_office_hours_survive_a_round_trip_through_a_dict(hours: OfficeHours) -> None:
    data: Mapping[str, Sequence[str]] = hours.to_dict()
    assert OfficeHours.from_dict(data) == hours
