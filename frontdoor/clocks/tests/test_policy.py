"""Timescale: parsing, due dates per unit, elapsed time and descriptions."""

from __future__ import annotations

from datetime import UTC, timedelta
from decimal import Decimal
from typing import Any

import pytest

from frontdoor.clocks import Timescale, Unit, WorkingCalendar, describe_timescale

from .strategies import LONDON, london, utc

CAL = WorkingCalendar()

RED = Timescale(Decimal(4), Unit.WORKING_HOURS)
RED_OUT_OF_HOURS = Timescale(Decimal(4), Unit.WORKING_HOURS, continue_out_of_hours=True)
AMBER = Timescale(Decimal(1), Unit.WORKING_DAYS)


# ------------------------------------------------------------------------------ due


def test_red_enquiry_is_due_four_working_hours_after_it_starts() -> None:
    assert RED.due(london(2024, 6, 3, 9), CAL) == london(2024, 6, 3, 13)


def test_red_enquiry_started_on_friday_afternoon_is_parked_over_the_weekend() -> None:
    assert RED.due(london(2024, 6, 7, 15), CAL) == london(2024, 6, 10, 10, 30)


def test_red_enquiry_handed_to_out_of_hours_keeps_running_overnight() -> None:
    due = RED_OUT_OF_HOURS.due(london(2024, 6, 7, 15), CAL)
    assert due == london(2024, 6, 7, 19)
    assert due.tzinfo is UTC


def test_out_of_hours_clock_counts_real_hours_across_spring_forward() -> None:
    # 23:00 GMT Saturday + 4 real hours = 03:00 UTC = 04:00 BST (01:00-02:00 never happened).
    due = RED_OUT_OF_HOURS.due(london(2024, 3, 30, 23), CAL)
    assert due == utc(2024, 3, 31, 3)
    assert due == london(2024, 3, 31, 4)


def test_out_of_hours_clock_counts_real_hours_across_fall_back() -> None:
    # 00:30 BST + 2 real hours = 01:30 GMT, the second 01:30 of the night.
    two_hours = Timescale(Decimal(2), Unit.WORKING_HOURS, continue_out_of_hours=True)
    due = two_hours.due(london(2024, 10, 27, 0, 30), CAL)
    assert due == utc(2024, 10, 27, 1, 30)
    # (PEP 495: a fold=1 datetime never compares equal across zones, so check the parts.)
    local = due.astimezone(LONDON)
    assert (local.hour, local.minute, local.fold) == (1, 30, 1)


def test_calendar_hours_are_real_elapsed_hours_across_spring_forward() -> None:
    day = Timescale(Decimal(24), Unit.CALENDAR_HOURS)
    assert day.due(london(2024, 3, 30, 12), CAL) == london(2024, 3, 31, 13)


def test_calendar_hours_are_real_elapsed_hours_across_fall_back() -> None:
    day = Timescale(Decimal(24), Unit.CALENDAR_HOURS)
    assert day.due(london(2024, 10, 26, 12), CAL) == london(2024, 10, 27, 11)


def test_amber_enquiry_is_due_by_the_end_of_the_next_working_day() -> None:
    assert AMBER.due(london(2024, 6, 7, 15), CAL) == utc(2024, 6, 10, 22, 59, 59, 999_999)


def test_zero_working_days_is_due_by_the_end_of_the_same_day() -> None:
    same_day = Timescale(Decimal(0), Unit.WORKING_DAYS)
    assert same_day.due(london(2024, 6, 8, 10), CAL) == utc(2024, 6, 8, 22, 59, 59, 999_999)


def test_calendar_days_end_at_local_midnight_across_spring_forward() -> None:
    one_day = Timescale(Decimal(1), Unit.CALENDAR_DAYS)
    # Saturday 30 March (GMT) + 1 -> end of Sunday 31 March, which is BST.
    assert one_day.due(london(2024, 3, 30, 10), CAL) == utc(2024, 3, 31, 22, 59, 59, 999_999)


def test_calendar_days_include_weekends_and_bank_holidays() -> None:
    three_days = Timescale(Decimal(3), Unit.CALENDAR_DAYS)
    assert three_days.due(london(2021, 12, 24, 10), CAL) == utc(2021, 12, 27, 23, 59, 59, 999_999)


def test_fractional_working_hours_are_supported() -> None:
    ninety_minutes = Timescale(Decimal("1.5"), Unit.WORKING_HOURS)
    assert ninety_minutes.due(london(2024, 6, 3, 17), CAL) == london(2024, 6, 4, 9)


def test_due_rejects_naive_start_times() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        RED.due(london(2024, 6, 3, 9).replace(tzinfo=None), CAL)


# -------------------------------------------------------------------------- elapsed


def test_elapsed_working_hours_ignore_nights_and_weekends() -> None:
    assert RED.elapsed(london(2024, 6, 7, 15), london(2024, 6, 10, 10, 30), CAL) == Decimal(4)


def test_elapsed_out_of_hours_clock_counts_real_hours() -> None:
    elapsed = RED_OUT_OF_HOURS.elapsed(london(2024, 6, 7, 15), london(2024, 6, 7, 22, 30), CAL)
    assert elapsed == Decimal("7.5")


def test_elapsed_calendar_hours_over_the_fall_back_weekend_include_the_extra_hour() -> None:
    hours = Timescale(Decimal(72), Unit.CALENDAR_HOURS)
    assert hours.elapsed(london(2024, 10, 25, 12), london(2024, 10, 28, 12), CAL) == Decimal(73)


def test_elapsed_calendar_hours_over_spring_forward_lose_an_hour() -> None:
    hours = Timescale(Decimal(24), Unit.CALENDAR_HOURS)
    assert hours.elapsed(london(2024, 3, 30, 12), london(2024, 3, 31, 12), CAL) == Decimal(23)


def test_elapsed_working_days_count_days_after_day_zero() -> None:
    assert AMBER.elapsed(london(2024, 6, 7, 15), london(2024, 6, 11, 9), CAL) == Decimal(2)


def test_elapsed_calendar_days_are_local_date_differences() -> None:
    days = Timescale(Decimal(3), Unit.CALENDAR_DAYS)
    assert days.elapsed(london(2024, 6, 7, 23), utc(2024, 6, 8, 23, 30), CAL) == Decimal(2)


def test_elapsed_is_never_negative() -> None:
    start, end = london(2024, 6, 7, 15), london(2024, 6, 3, 9)
    for unit in Unit:
        assert Timescale(Decimal(1), unit).elapsed(start, end, CAL) == 0


# ------------------------------------------------------------------------- describe


@pytest.mark.parametrize(
    ("timescale", "text"),
    [
        (RED_OUT_OF_HOURS, "4 working hours (continues out of hours)"),
        (RED, "4 working hours"),
        (AMBER, "1 working day"),
        (Timescale(Decimal(72), Unit.WORKING_HOURS), "72 working hours"),
        (Timescale(Decimal("1.0"), Unit.WORKING_HOURS), "1 working hour"),
        (Timescale(Decimal("1.50"), Unit.CALENDAR_HOURS), "1.5 calendar hours"),
        (Timescale(Decimal(10), Unit.WORKING_DAYS), "10 working days"),
        (Timescale(Decimal(0), Unit.WORKING_DAYS), "0 working days"),
        (Timescale(Decimal(1), Unit.CALENDAR_DAYS), "1 calendar day"),
        (None, "no timescale"),
    ],
)
def test_timescales_describe_themselves_in_plain_english(
    timescale: Timescale | None, text: str
) -> None:
    assert describe_timescale(timescale) == text
    if timescale is not None:
        assert timescale.describe() == text
        assert str(timescale) == text


# ------------------------------------------------------------------ from/to dict


def test_missing_or_empty_timescale_means_no_clock() -> None:
    assert Timescale.from_dict(None) is None
    assert Timescale.from_dict({}) is None


def test_timescale_parses_from_json() -> None:
    parsed = Timescale.from_dict(
        {"duration": 4, "unit": "working_hours", "continue_out_of_hours": True}
    )
    assert parsed == RED_OUT_OF_HOURS
    assert Timescale.from_dict({"duration": "1", "unit": "working_days"}) == AMBER
    assert Timescale.from_dict({"duration": 1.5, "unit": "working_hours"}) == Timescale(
        Decimal("1.5"), Unit.WORKING_HOURS
    )


def test_timescale_to_dict_is_json_friendly() -> None:
    assert RED_OUT_OF_HOURS.to_dict() == {
        "duration": 4,
        "unit": "working_hours",
        "continue_out_of_hours": True,
    }
    assert Timescale(Decimal("1.50"), Unit.CALENDAR_HOURS).to_dict()["duration"] == "1.5"


def test_timescale_accepts_unit_strings_and_int_durations_when_constructed_directly() -> None:
    ts = Timescale(4, "working_hours")  # type: ignore[arg-type]
    assert ts == RED
    assert isinstance(ts.duration, Decimal)
    assert ts.unit is Unit.WORKING_HOURS


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(
            {"duration": -1, "unit": "working_hours"}, "must not be negative", id="negative"
        ),
        pytest.param(
            {"duration": 4, "unit": "fortnights"}, "unknown timescale unit 'fortnights'", id="unit"
        ),
        pytest.param({"duration": "four", "unit": "working_hours"}, "must be a number", id="text"),
        pytest.param({"duration": None, "unit": "working_hours"}, "must be a number", id="null"),
        pytest.param({"duration": True, "unit": "working_hours"}, "must be a number", id="bool"),
        pytest.param({"duration": [4], "unit": "working_hours"}, "must be a number", id="list"),
        pytest.param({"duration": "NaN", "unit": "working_hours"}, "finite number", id="nan"),
        pytest.param({"duration": float("inf"), "unit": "working_hours"}, "finite", id="inf"),
        pytest.param({"duration": 10_001, "unit": "working_hours"}, "at most 10000", id="huge"),
        pytest.param(
            {"duration": 1.5, "unit": "working_days"}, "whole number of days", id="half-day"
        ),
        pytest.param({"unit": "working_hours"}, "missing duration", id="no-duration"),
        pytest.param({"duration": 4}, "missing unit", id="no-unit"),
        pytest.param(
            {"duration": 4, "unit": "working_hours", "colour": "red"},
            "unknown timescale field",
            id="extra",
        ),
        pytest.param(
            {"duration": 1, "unit": "working_days", "continue_out_of_hours": True},
            "only applies to working_hours",
            id="out-of-hours-days",
        ),
        pytest.param(
            {"duration": 4, "unit": "working_hours", "continue_out_of_hours": "yes"},
            "must be true or false",
            id="flag-not-bool",
        ),
        pytest.param([4, "working_hours"], "must be a mapping", id="not-a-mapping"),
    ],
)
def test_bad_timescale_data_raises_a_clear_value_error(data: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Timescale.from_dict(data)


def test_hour_timescales_convert_to_exact_timedeltas() -> None:
    assert Timescale(Decimal("0.25"), Unit.WORKING_HOURS).as_timedelta() == timedelta(minutes=15)
    with pytest.raises(ValueError, match="no fixed length"):
        AMBER.as_timedelta()
