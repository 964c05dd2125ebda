"""Example-based tests for WorkingCalendar (England working days and hours)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from frontdoor.clocks import OfficeHours, WorkingCalendar

from .strategies import LONDON, london, utc

CAL = WorkingCalendar()
END_OF_DAY = time(23, 59, 59, 999_999)


def end_of_london_day(year: int, month: int, day: int) -> datetime:
    return datetime.combine(date(year, month, day), END_OF_DAY, tzinfo=LONDON).astimezone(UTC)


# --------------------------------------------------------------------------- working days


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 6, 3), True),  # Monday
        (date(2024, 6, 7), True),  # Friday
        (date(2024, 6, 8), False),  # Saturday
        (date(2024, 6, 9), False),  # Sunday
    ],
)
def test_weekdays_are_working_days_and_weekends_are_not(day: date, expected: bool) -> None:
    assert CAL.is_working_day(day) is expected


@pytest.mark.parametrize(
    "day",
    [
        pytest.param(date(2022, 6, 3), id="platinum-jubilee-2022-06-03"),
        pytest.param(date(2022, 9, 19), id="queens-state-funeral-2022-09-19"),
        pytest.param(date(2023, 5, 8), id="coronation-2023-05-08"),
        pytest.param(date(2022, 6, 2), id="spring-bank-holiday-moved-to-thursday-2022"),
        pytest.param(date(2021, 12, 27), id="christmas-2021-substitute-monday"),
        pytest.param(date(2021, 12, 28), id="boxing-day-2021-substitute-tuesday"),
        pytest.param(date(2022, 1, 3), id="new-year-2022-substitute-monday"),
        pytest.param(date(2022, 12, 26), id="boxing-day-2022-monday"),
        pytest.param(date(2022, 12, 27), id="christmas-2022-substitute-tuesday"),
        pytest.param(date(2023, 1, 2), id="new-year-2023-substitute-monday"),
        pytest.param(date(2027, 12, 27), id="christmas-2027-substitute-monday"),
        pytest.param(date(2027, 12, 28), id="boxing-day-2027-substitute-tuesday"),
        pytest.param(date(2024, 3, 29), id="good-friday-2024"),
        pytest.param(date(2024, 4, 1), id="easter-monday-2024"),
        pytest.param(date(2030, 8, 26), id="late-summer-2030"),
    ],
)
def test_england_bank_holidays_are_not_working_days(day: date) -> None:
    assert day.weekday() < 5
    assert CAL.is_bank_holiday(day)
    assert not CAL.is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [
        date(2022, 5, 31),  # the usual late-May bank holiday did not happen in 2022
        date(2022, 6, 1),
        date(2022, 9, 16),
        date(2022, 9, 20),
        date(2023, 5, 5),
        date(2023, 5, 9),
        date(2021, 12, 29),
        date(2024, 12, 27),
    ],
)
def test_days_around_one_off_and_substitute_bank_holidays_are_working_days(day: date) -> None:
    assert CAL.is_working_day(day)


def test_scottish_only_bank_holidays_are_working_days_in_england() -> None:
    assert CAL.is_working_day(date(2024, 1, 2))  # 2 January is a holiday in Scotland only
    assert CAL.is_working_day(date(2024, 8, 5))  # Scottish summer bank holiday


def test_injected_holidays_replace_england_bank_holidays() -> None:
    cal = WorkingCalendar(holidays=[date(2024, 6, 4)])
    assert not cal.is_working_day(date(2024, 6, 4))
    assert cal.is_working_day(date(2022, 6, 3))  # the jubilee is not in the injected set
    assert cal.is_working_day(date(2024, 12, 25))


def test_an_empty_injected_holiday_set_means_every_weekday_is_a_working_day() -> None:
    cal = WorkingCalendar(holidays=[])
    assert cal.is_working_day(date(2023, 5, 8))
    assert not cal.is_working_day(date(2023, 5, 6))  # still a Saturday


def test_injected_holidays_must_be_dates_not_datetimes() -> None:
    with pytest.raises(TypeError, match="not datetimes"):
        WorkingCalendar(holidays=[utc(2024, 6, 4)])


def test_an_unknown_timezone_is_rejected_clearly() -> None:
    with pytest.raises(ValueError, match="unknown timezone 'Mars/Olympus'"):
        WorkingCalendar(tz="Mars/Olympus")


def test_local_date_uses_london_time_not_utc() -> None:
    assert CAL.local_date(utc(2024, 6, 7, 23, 30)) == date(2024, 6, 8)  # 00:30 BST Saturday
    assert CAL.local_date(utc(2024, 1, 5, 23, 30)) == date(2024, 1, 5)  # 23:30 GMT Friday


def test_naive_datetimes_are_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.local_date(datetime(2024, 6, 3, 9, 0))  # deliberately naive


# ----------------------------------------------------------------------- add_working_days


def test_one_working_day_from_a_monday_ends_at_midnight_on_tuesday() -> None:
    due = CAL.add_working_days(london(2024, 6, 3, 10), 1)
    assert due == end_of_london_day(2024, 6, 4)
    assert due == utc(2024, 6, 4, 22, 59, 59, 999_999)
    assert due.tzinfo is UTC


def test_zero_working_days_is_the_end_of_the_same_day() -> None:
    assert CAL.add_working_days(london(2024, 6, 3, 10), 0) == end_of_london_day(2024, 6, 3)


def test_zero_working_days_from_a_saturday_is_the_end_of_that_saturday() -> None:
    assert CAL.add_working_days(london(2024, 6, 8, 10), 0) == end_of_london_day(2024, 6, 8)


def test_day_zero_on_a_saturday_makes_monday_working_day_one() -> None:
    assert CAL.add_working_days(london(2024, 6, 8, 10), 1) == end_of_london_day(2024, 6, 10)
    assert CAL.add_working_days(london(2024, 6, 9, 23, 59), 1) == end_of_london_day(2024, 6, 10)


def test_friday_afternoon_plus_one_working_day_rolls_over_to_monday() -> None:
    assert CAL.add_working_days(london(2024, 6, 7, 16), 1) == end_of_london_day(2024, 6, 10)


def test_a_utc_start_just_before_midnight_in_summer_is_day_zero_saturday() -> None:
    # 23:30 UTC on Friday is 00:30 BST on Saturday, so day 0 is the Saturday.
    assert CAL.add_working_days(utc(2024, 6, 7, 23, 30), 1) == end_of_london_day(2024, 6, 10)
    # In winter 23:30 UTC is 23:30 GMT, still Friday.
    assert CAL.add_working_days(utc(2024, 1, 5, 23, 30), 1) == end_of_london_day(2024, 1, 8)


def test_christmas_and_new_year_2021_substitute_days_are_skipped() -> None:
    start = london(2021, 12, 24, 10)  # Friday; 27, 28 Dec and 3 Jan are substitute days
    assert CAL.add_working_days(start, 1) == end_of_london_day(2021, 12, 29)
    assert CAL.add_working_days(start, 3) == end_of_london_day(2021, 12, 31)
    assert CAL.add_working_days(start, 4) == end_of_london_day(2022, 1, 4)
    assert CAL.add_working_days(start, 4) == utc(2022, 1, 4, 23, 59, 59, 999_999)


def test_christmas_2022_substitute_tuesday_is_skipped() -> None:
    assert CAL.add_working_days(london(2022, 12, 23, 12), 1) == end_of_london_day(2022, 12, 28)


def test_new_year_2023_substitute_monday_is_skipped() -> None:
    assert CAL.add_working_days(london(2022, 12, 30, 12), 1) == end_of_london_day(2023, 1, 3)


def test_platinum_jubilee_2022_06_03_is_skipped() -> None:
    assert CAL.add_working_days(london(2022, 6, 1, 12), 1) == end_of_london_day(2022, 6, 6)


def test_queens_funeral_2022_09_19_is_skipped() -> None:
    assert CAL.add_working_days(london(2022, 9, 16, 12), 1) == end_of_london_day(2022, 9, 20)


def test_coronation_2023_05_08_is_skipped() -> None:
    assert CAL.add_working_days(london(2023, 5, 5, 12), 1) == end_of_london_day(2023, 5, 9)
    # Over both May 2023 bank holidays (1st and 8th).
    assert CAL.add_working_days(london(2023, 4, 28, 12), 5) == end_of_london_day(2023, 5, 9)


def test_working_days_over_easter_and_spring_forward_end_at_bst_midnight() -> None:
    # Day 0 is Good Friday 2024; clocks go forward on Sunday 31 March; Easter Monday is off.
    due = CAL.add_working_days(london(2024, 3, 29, 9), 1)
    assert due == utc(2024, 4, 2, 22, 59, 59, 999_999)  # 23:59:59.999999 BST Tuesday


def test_working_days_over_fall_back_end_at_gmt_midnight() -> None:
    due = CAL.add_working_days(london(2024, 10, 25, 12), 1)
    assert due == utc(2024, 10, 28, 23, 59, 59, 999_999)  # Monday, now GMT


def test_injected_holidays_are_skipped_by_add_working_days() -> None:
    cal = WorkingCalendar(holidays=[date(2024, 6, 4)])
    assert cal.add_working_days(london(2024, 6, 3, 9), 1) == end_of_london_day(2024, 6, 5)
    # ...and the real 2022 jubilee is not, because the injected set replaces the defaults.
    assert cal.add_working_days(london(2022, 6, 2, 9), 1) == end_of_london_day(2022, 6, 3)


def test_add_working_days_rejects_negative_days() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        CAL.add_working_days(london(2024, 6, 3), -1)


def test_add_working_days_rejects_non_integer_days() -> None:
    with pytest.raises(TypeError, match="whole number"):
        CAL.add_working_days(london(2024, 6, 3), 1.5)  # type: ignore[arg-type]


# -------------------------------------------------------------------- working_days_between


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        pytest.param(london(2024, 6, 3, 9), london(2024, 6, 3, 17), 0, id="same-day"),
        pytest.param(london(2024, 6, 7, 9), london(2024, 6, 8, 9), 0, id="friday-to-saturday"),
        pytest.param(london(2024, 6, 7, 9), london(2024, 6, 10, 0), 1, id="friday-to-monday"),
        pytest.param(london(2024, 6, 8, 9), london(2024, 6, 10, 9), 1, id="saturday-to-monday"),
        pytest.param(london(2024, 6, 3, 9), london(2024, 6, 7, 9), 4, id="monday-to-friday"),
        pytest.param(london(2024, 6, 5, 9), london(2024, 6, 3, 9), 0, id="end-before-start"),
        pytest.param(london(2021, 12, 24, 9), london(2022, 1, 4, 9), 4, id="christmas-2021"),
        pytest.param(london(2022, 6, 1, 9), london(2022, 6, 6, 9), 1, id="jubilee-2022"),
        pytest.param(london(2022, 9, 16, 9), london(2022, 9, 20, 9), 1, id="funeral-2022"),
        pytest.param(london(2023, 5, 5, 9), london(2023, 5, 9, 9), 1, id="coronation-2023"),
        pytest.param(london(2024, 1, 1, 9), london(2025, 1, 1, 9), 254, id="whole-year-2024"),
    ],
)
def test_working_days_between_counts_working_days_after_day_zero(
    start: datetime, end: datetime, expected: int
) -> None:
    assert CAL.working_days_between(start, end) == expected


def test_working_days_between_uses_injected_holidays() -> None:
    cal = WorkingCalendar(holidays=[date(2024, 6, 4), date(2024, 6, 8)])
    assert cal.working_days_between(london(2024, 6, 3, 9), london(2024, 6, 10, 9)) == 4


# ---------------------------------------------------------------------- add_working_hours


def test_four_working_hours_from_monday_morning_is_the_same_afternoon() -> None:
    assert CAL.add_working_hours(london(2024, 6, 3, 9), timedelta(hours=4)) == utc(2024, 6, 3, 12)


def test_friday_afternoon_working_hours_roll_over_into_monday() -> None:
    # Friday closes at 16:30: 1.5h on Friday, 2.5h from 08:00 Monday.
    due = CAL.add_working_hours(london(2024, 6, 7, 15), timedelta(hours=4))
    assert due == london(2024, 6, 10, 10, 30)
    assert due == utc(2024, 6, 10, 9, 30)


def test_counting_starts_at_opening_when_started_before_the_office_opens() -> None:
    assert CAL.add_working_hours(london(2024, 6, 3, 6), timedelta(hours=1)) == london(2024, 6, 3, 9)


def test_counting_starts_next_morning_when_started_after_close() -> None:
    assert CAL.add_working_hours(london(2024, 6, 6, 18), timedelta(hours=1)) == london(
        2024, 6, 7, 9
    )


def test_counting_starts_on_monday_when_started_at_the_weekend() -> None:
    assert CAL.add_working_hours(london(2024, 6, 8, 12), timedelta(hours=1)) == london(
        2024, 6, 10, 9
    )


def test_zero_working_hours_inside_office_hours_returns_the_start_unchanged() -> None:
    start = london(2024, 6, 3, 11, 17)
    assert CAL.add_working_hours(start, timedelta(0)) == start
    assert CAL.add_working_hours(london(2024, 6, 3, 8), timedelta(0)) == london(2024, 6, 3, 8)


def test_zero_working_hours_outside_office_hours_returns_the_next_opening() -> None:
    assert CAL.add_working_hours(london(2024, 6, 3, 7, 59), timedelta(0)) == london(2024, 6, 3, 8)
    # Close of business is outside hours ([open, close) is half-open).
    assert CAL.add_working_hours(london(2024, 6, 7, 16, 30), timedelta(0)) == london(2024, 6, 10, 8)


def test_a_duration_that_ends_exactly_at_close_of_business_is_due_at_close() -> None:
    due = CAL.add_working_hours(london(2024, 6, 3, 17), timedelta(minutes=30))
    assert due == london(2024, 6, 3, 17, 30)


def test_seventy_two_working_hours_spans_more_than_a_working_week() -> None:
    # A week is 4 x 9.5h + 8.5h = 46.5h; 25.5h more is Mon 9.5 + Tue 9.5 + Wed 6.5h.
    due = CAL.add_working_hours(london(2024, 6, 3, 8), timedelta(hours=72))
    assert due == london(2024, 6, 12, 14, 30)


def test_working_hours_skip_easter_and_reopen_at_0800_bst_after_spring_forward() -> None:
    # Thursday 28 March 2024 17:00 GMT: 0.5h on Thursday, then Good Friday, the weekend
    # (clocks go forward) and Easter Monday are skipped; 3.5h from 08:00 BST Tuesday.
    due = CAL.add_working_hours(london(2024, 3, 28, 17), timedelta(hours=4))
    assert due == utc(2024, 4, 2, 10, 30)  # 11:30 BST


def test_working_hours_reopen_at_0800_gmt_after_fall_back() -> None:
    due = CAL.add_working_hours(london(2024, 10, 25, 15, 30), timedelta(hours=4))
    assert due == utc(2024, 10, 28, 11, 0)  # 11:00 GMT Monday


def test_office_hours_are_local_wall_clock_either_side_of_spring_forward() -> None:
    # 30 minutes on Friday 28 March 2025 (GMT), 30 minutes from 08:00 BST on Monday.
    due = CAL.add_working_hours(london(2025, 3, 28, 16), timedelta(hours=1))
    assert due == utc(2025, 3, 31, 7, 30)


def test_office_hours_are_local_wall_clock_either_side_of_fall_back() -> None:
    due = CAL.add_working_hours(london(2025, 10, 24, 16), timedelta(hours=1))
    assert due == utc(2025, 10, 27, 8, 30)


def test_working_hours_skip_christmas_2021_substitute_days() -> None:
    due = CAL.add_working_hours(london(2021, 12, 24, 15), timedelta(hours=4))
    assert due == london(2021, 12, 29, 10, 30)


def test_working_hours_skip_the_2022_jubilee_bank_holidays() -> None:
    due = CAL.add_working_hours(london(2022, 6, 1, 17), timedelta(hours=2))
    assert due == london(2022, 6, 6, 9, 30)


def test_working_hours_use_injected_holidays() -> None:
    cal = WorkingCalendar(holidays=[date(2024, 6, 4)])
    due = cal.add_working_hours(london(2024, 6, 3, 17), timedelta(hours=1))
    assert due == london(2024, 6, 5, 8, 30)


def test_working_hours_use_custom_office_hours() -> None:
    hours = OfficeHours.from_dict({"mon": ["09:00", "17:00"], "wed": ["10:00", "12:00"]})
    cal = WorkingCalendar(office_hours=hours)
    due = cal.add_working_hours(london(2024, 6, 3, 16), timedelta(hours=2))
    assert due == london(2024, 6, 5, 11, 0)


def test_the_same_instant_in_utc_or_london_gives_the_same_due_time() -> None:
    start = london(2024, 6, 7, 15)
    assert CAL.add_working_hours(start, timedelta(hours=4)) == CAL.add_working_hours(
        start.astimezone(UTC), timedelta(hours=4)
    )


def test_add_working_hours_rejects_negative_durations() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        CAL.add_working_hours(london(2024, 6, 3, 9), timedelta(hours=-1))


# --------------------------------------------------------------------- working_time_between


def test_working_time_in_a_full_week_is_forty_six_and_a_half_hours() -> None:
    week = CAL.working_time_between(london(2024, 6, 3), london(2024, 6, 10))
    assert week == timedelta(hours=46, minutes=30)


def test_working_time_over_the_fall_back_weekend_counts_office_hours_only() -> None:
    elapsed = CAL.working_time_between(london(2024, 10, 25, 12), london(2024, 10, 28, 12))
    assert elapsed == timedelta(hours=8, minutes=30)


def test_working_time_over_the_spring_forward_weekend_counts_office_hours_only() -> None:
    elapsed = CAL.working_time_between(london(2025, 3, 28, 12), london(2025, 3, 31, 12))
    assert elapsed == timedelta(hours=8, minutes=30)


def test_working_time_is_zero_when_end_is_not_after_start() -> None:
    assert CAL.working_time_between(london(2024, 6, 3, 12), london(2024, 6, 3, 12)) == timedelta(0)
    assert CAL.working_time_between(london(2024, 6, 3, 12), london(2024, 6, 3, 9)) == timedelta(0)


def test_working_time_over_christmas_2022_skips_both_bank_holidays() -> None:
    # Fri 23 Dec 12:00 -> Wed 28 Dec 12:00: 4.5h Friday + 4h Wednesday.
    elapsed = CAL.working_time_between(london(2022, 12, 23, 12), london(2022, 12, 28, 12))
    assert elapsed == timedelta(hours=8, minutes=30)


def test_working_time_outside_office_hours_is_zero() -> None:
    assert CAL.working_time_between(london(2024, 6, 7, 17), london(2024, 6, 10, 8)) == timedelta(0)
