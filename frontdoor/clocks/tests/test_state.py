"""Clock readings: on time, due soon, overdue, met, met late, no timescale."""

from __future__ import annotations

from datetime import UTC, timedelta
from decimal import Decimal

import pytest

from frontdoor.clocks import ClockState, Timescale, Unit, WorkingCalendar, evaluate, read_clock

from .strategies import london

CAL = WorkingCalendar()
START = london(2024, 6, 3, 9)
DUE = london(2024, 6, 3, 13)  # a 4-hour clock


def test_a_clock_without_a_due_time_reads_as_no_timescale() -> None:
    reading = evaluate(started_at=START, due_at=None, completed_at=None, now=START)
    assert reading.state is ClockState.NO_CLOCK
    assert reading.state.label == "No timescale"
    assert reading.remaining is None
    assert reading.late_by is None


def test_completing_exactly_at_the_due_time_is_met() -> None:
    reading = evaluate(started_at=START, due_at=DUE, completed_at=DUE, now=DUE + timedelta(days=9))
    assert reading.state is ClockState.MET
    assert reading.remaining is None
    assert reading.late_by is None


def test_completing_after_the_due_time_is_met_late_by_the_difference() -> None:
    done = DUE + timedelta(minutes=20)
    reading = evaluate(started_at=START, due_at=DUE, completed_at=done, now=done)
    assert reading.state is ClockState.MET_LATE
    assert reading.late_by == timedelta(minutes=20)
    assert reading.remaining is None


def test_red_enquiry_is_overdue_after_four_working_hours() -> None:
    red = Timescale(Decimal(4), Unit.WORKING_HOURS)
    due = red.due(START, CAL)
    reading = evaluate(
        started_at=START, due_at=due, completed_at=None, now=london(2024, 6, 3, 13, 1)
    )
    assert reading.state is ClockState.OVERDUE
    assert reading.late_by == timedelta(minutes=1)
    assert reading.remaining == timedelta(minutes=-1)


def test_a_clock_is_not_overdue_at_the_exact_due_time() -> None:
    reading = evaluate(started_at=START, due_at=DUE, completed_at=None, now=DUE)
    assert reading.state is ClockState.DUE_SOON
    assert reading.remaining == timedelta(0)


def test_a_clock_is_due_soon_in_the_last_quarter_of_its_duration() -> None:
    reading = evaluate(started_at=START, due_at=DUE, completed_at=None, now=london(2024, 6, 3, 12))
    assert reading.state is ClockState.DUE_SOON
    assert reading.remaining == timedelta(hours=1)


def test_a_clock_is_on_time_before_the_last_quarter_of_its_duration() -> None:
    now = london(2024, 6, 3, 11, 59)
    reading = evaluate(started_at=START, due_at=DUE, completed_at=None, now=now)
    assert reading.state is ClockState.ON_TIME
    assert reading.state.label == "On time"
    assert reading.remaining == timedelta(hours=1, minutes=1)
    assert reading.late_by is None


def test_the_due_soon_fraction_can_be_changed() -> None:
    now = london(2024, 6, 3, 11)
    assert evaluate(started_at=START, due_at=DUE, completed_at=None, now=now).state == "on_time"
    reading = evaluate(
        started_at=START, due_at=DUE, completed_at=None, now=now, due_soon_fraction=0.5
    )
    assert reading.state is ClockState.DUE_SOON


def test_due_soon_uses_real_elapsed_time_across_the_clocks_going_back() -> None:
    # Same-tzinfo datetimes subtract by wall clock in Python; the real span here is 25h.
    started, due = london(2024, 10, 26, 12), london(2024, 10, 27, 12)
    now = due - timedelta(hours=6, minutes=10)  # 6h10m <= 25h / 4, but > 24h / 4
    reading = evaluate(started_at=started, due_at=due, completed_at=None, now=now)
    assert reading.state is ClockState.DUE_SOON


def test_readings_are_reported_in_utc() -> None:
    reading = evaluate(started_at=START, due_at=DUE, completed_at=None, now=START)
    assert reading.started_at.tzinfo is UTC
    assert reading.due_at is not None
    assert reading.due_at.tzinfo is UTC


@pytest.mark.parametrize(
    ("state", "label"),
    [
        (ClockState.ON_TIME, "On time"),
        (ClockState.DUE_SOON, "Due soon"),
        (ClockState.OVERDUE, "Overdue"),
        (ClockState.MET, "Met"),
        (ClockState.MET_LATE, "Met late"),
        (ClockState.NO_CLOCK, "No timescale"),
    ],
)
def test_every_clock_state_has_a_human_label(state: ClockState, label: str) -> None:
    assert state.label == label


def test_due_soon_fraction_must_be_between_zero_and_one() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        evaluate(started_at=START, due_at=DUE, completed_at=None, now=START, due_soon_fraction=2)


def test_re_rating_amber_to_red_keeps_the_original_start_time() -> None:
    # Started 09:00 as Amber (1 working day); re-rated Red (4 working hours) at 14:00.
    red = Timescale(Decimal(4), Unit.WORKING_HOURS)
    reading = read_clock(
        red, started_at=START, completed_at=None, now=london(2024, 6, 3, 14), calendar=CAL
    )
    assert reading.state is ClockState.OVERDUE
    assert reading.due_at == DUE
    assert reading.late_by == timedelta(hours=1)


def test_read_clock_without_a_timescale_is_no_clock() -> None:
    reading = read_clock(None, started_at=START, completed_at=None, now=START, calendar=CAL)
    assert reading.state is ClockState.NO_CLOCK
