"""Property-based tests of the guarantees documented in ../README.md.

Start instants are drawn from 2019-2030 in both UTC and Europe/London, biased
towards UK clock-change days and office opening/closing boundaries.
Calendars are either the default England calendar or one with arbitrary
office hours and an injected holiday set.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from frontdoor.clocks import ClockState, Timescale, Unit, WorkingCalendar, evaluate

from .strategies import DEFAULT_CALENDAR, LONDON, calendars, durations, instants

END_OF_DAY = time(23, 59, 59, 999_999)
working_day_counts = st.integers(min_value=0, max_value=60)
gaps = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=40))


def is_utc(value: datetime) -> bool:
    return value.tzinfo is UTC


# ------------------------------------------------------------------- add_working_hours


@given(cal=calendars, start=instants, duration=durations)
@settings(max_examples=200, deadline=None)
def test_working_hours_due_time_lies_in_office_hours_on_a_working_day(
    cal: WorkingCalendar, start: datetime, duration: timedelta
) -> None:
    """Zero duration: open <= due < close. Positive duration: open < due <= close."""
    due = cal.add_working_hours(start, duration)
    interval = cal.office_interval(cal.local_date(due))
    assert interval is not None, "due time is not on a working day with office hours"
    opens, closes = interval
    if duration:
        assert opens < due <= closes
    else:
        assert opens <= due < closes


@given(cal=calendars, start=instants, duration=durations)
@settings(max_examples=200, deadline=None)
def test_working_time_to_the_due_time_equals_the_duration(
    cal: WorkingCalendar, start: datetime, duration: timedelta
) -> None:
    due = cal.add_working_hours(start, duration)
    assert is_utc(due)
    assert due >= start
    assert cal.working_time_between(start, due) == duration


@given(cal=calendars, start=instants, gap=gaps, duration=durations)
@settings(max_examples=200, deadline=None)
def test_a_later_start_never_gives_an_earlier_working_hours_due_time(
    cal: WorkingCalendar, start: datetime, gap: timedelta, duration: timedelta
) -> None:
    later = start + gap if start.tzinfo is UTC else (start.astimezone(UTC) + gap)
    assert cal.add_working_hours(start, duration) <= cal.add_working_hours(later, duration)


@given(cal=calendars, start=instants, duration=durations, extra=durations)
@settings(max_examples=200, deadline=None)
def test_a_longer_duration_never_gives_an_earlier_due_time_and_durations_add_up(
    cal: WorkingCalendar, start: datetime, duration: timedelta, extra: timedelta
) -> None:
    first = cal.add_working_hours(start, duration)
    both = cal.add_working_hours(start, duration + extra)
    assert first <= both
    if extra:
        # (With extra == 0, a clock that ran out exactly at close of business
        # would be moved on to the next opening, so only positive extras chain.)
        assert cal.add_working_hours(first, extra) == both


@given(start=instants, duration=durations)
@settings(max_examples=200, deadline=None)
def test_the_same_instant_in_utc_or_london_gives_the_same_results(
    start: datetime, duration: timedelta
) -> None:
    cal = DEFAULT_CALENDAR
    in_utc, in_london = start.astimezone(UTC), start.astimezone(LONDON)
    assert cal.add_working_hours(in_utc, duration) == cal.add_working_hours(in_london, duration)
    assert cal.add_working_days(in_utc, 3) == cal.add_working_days(in_london, 3)


# -------------------------------------------------------------------- working_time_between


@given(cal=calendars, a=instants, ab=gaps, bc=gaps)
@settings(max_examples=200, deadline=None)
def test_working_time_is_additive_and_never_exceeds_real_time(
    cal: WorkingCalendar, a: datetime, ab: timedelta, bc: timedelta
) -> None:
    b = a.astimezone(UTC) + ab
    c = b + bc
    total = cal.working_time_between(a, c)
    assert total == cal.working_time_between(a, b) + cal.working_time_between(b, c)
    assert timedelta(0) <= total <= c - a
    assert cal.working_time_between(c, a) == timedelta(0)


@given(cal=calendars, start=instants, gap=gaps)
@settings(max_examples=200, deadline=None)
def test_adding_the_working_time_between_two_instants_never_overshoots_the_end(
    cal: WorkingCalendar, start: datetime, gap: timedelta
) -> None:
    end = start.astimezone(UTC) + gap
    reached = cal.add_working_hours(start, cal.working_time_between(start, end))
    if reached > end:
        # Only possible when no working time is left before `end`: then the clock
        # is parked at the next opening, which is after `end`.
        assert cal.working_time_between(end, reached) == timedelta(0)
    else:
        assert cal.working_time_between(reached, end) == timedelta(0)


# ----------------------------------------------------------------------- add_working_days


@given(cal=calendars, start=instants, days=working_day_counts)
@settings(max_examples=200, deadline=None)
def test_working_days_due_time_is_the_last_microsecond_of_a_working_day(
    cal: WorkingCalendar, start: datetime, days: int
) -> None:
    due = cal.add_working_days(start, days)
    assert is_utc(due)
    local = due.astimezone(LONDON)
    assert local.time() == END_OF_DAY
    assert due >= start  # equal when received in the day's very last microsecond
    if days == 0:
        assert local.date() == cal.local_date(start)
    else:
        assert cal.is_working_day(local.date())
        # The Nth working day: the previous N-1 working days fall before it.
        assert cal.add_working_days(start, days - 1) < due


@given(cal=calendars, start=instants, days=working_day_counts)
@settings(max_examples=200, deadline=None)
def test_working_days_between_start_and_due_is_the_number_of_days(
    cal: WorkingCalendar, start: datetime, days: int
) -> None:
    assert cal.working_days_between(start, cal.add_working_days(start, days)) == days


@given(cal=calendars, start=instants, gap=gaps, days=st.integers(min_value=1, max_value=40))
@settings(max_examples=200, deadline=None)
def test_working_days_between_reaches_n_exactly_on_the_nth_working_day(
    cal: WorkingCalendar, start: datetime, gap: timedelta, days: int
) -> None:
    end = start.astimezone(UTC) + gap
    nth_day = cal.local_date(cal.add_working_days(start, days))
    assert (cal.working_days_between(start, end) >= days) == (cal.local_date(end) >= nth_day)
    # Completing by the due time never counts as more than N working days.
    if end <= cal.add_working_days(start, days):
        assert cal.working_days_between(start, end) <= days


@given(cal=calendars, start=instants, gap=gaps, days=working_day_counts)
@settings(max_examples=200, deadline=None)
def test_a_later_start_never_gives_an_earlier_working_days_due_time(
    cal: WorkingCalendar, start: datetime, gap: timedelta, days: int
) -> None:
    later = start.astimezone(UTC) + gap
    assert cal.add_working_days(start, days) <= cal.add_working_days(later, days)
    assert cal.add_working_days(start, days) <= cal.add_working_days(start, days + 1)


@given(cal=calendars, start=instants, end=instants)
@settings(max_examples=200, deadline=None)
def test_working_days_between_matches_counting_day_by_day(
    cal: WorkingCalendar, start: datetime, end: datetime
) -> None:
    first, last = cal.local_date(start), cal.local_date(end)
    assume((last - first).days <= 800)
    expected = 0
    day = first + timedelta(days=1)
    while day <= last:
        expected += cal.is_working_day(day)
        day += timedelta(days=1)
    assert cal.working_days_between(start, end) == expected


# ------------------------------------------------------------------------------ policy


@st.composite
def timescales(draw: st.DrawFn) -> Timescale:
    unit = draw(st.sampled_from(Unit))
    if unit.is_day_unit:
        return Timescale(Decimal(draw(st.integers(min_value=0, max_value=60))), unit)
    duration = draw(
        st.integers(min_value=0, max_value=80).map(Decimal)
        | st.decimals(min_value=0, max_value=80, places=2)
    )
    out_of_hours = unit is Unit.WORKING_HOURS and draw(st.booleans())
    return Timescale(duration, unit, continue_out_of_hours=out_of_hours)


@given(timescale=timescales())
@settings(max_examples=200, deadline=None)
def test_timescales_survive_a_round_trip_through_a_dict(timescale: Timescale) -> None:
    assert Timescale.from_dict(timescale.to_dict()) == timescale


@given(cal=calendars, timescale=timescales(), start=instants)
@settings(max_examples=200, deadline=None)
def test_elapsed_time_at_the_due_time_equals_the_timescale(
    cal: WorkingCalendar, timescale: Timescale, start: datetime
) -> None:
    due = timescale.due(start, cal)
    assert is_utc(due)
    assert due >= start
    assert timescale.elapsed(start, due, cal) == timescale.duration


# ------------------------------------------------------------------------------- state


@given(start=instants, length=gaps, now_offset=gaps, done_offset=st.none() | gaps)
@settings(max_examples=200, deadline=None)
def test_every_reading_is_consistent_with_its_due_time(
    start: datetime, length: timedelta, now_offset: timedelta, done_offset: timedelta | None
) -> None:
    due = start.astimezone(UTC) + length
    now = start.astimezone(UTC) + now_offset
    done = None if done_offset is None else start.astimezone(UTC) + done_offset
    reading = evaluate(started_at=start, due_at=due, completed_at=done, now=now)
    if done is not None:
        assert reading.state is (ClockState.MET if done <= due else ClockState.MET_LATE)
        assert reading.remaining is None
        assert (reading.late_by is not None) == (reading.state is ClockState.MET_LATE)
    else:
        assert reading.remaining == due - now
        assert (reading.state is ClockState.OVERDUE) == (now > due)
        if reading.state is ClockState.OVERDUE:
            assert reading.late_by == now - due
            assert reading.late_by > timedelta(0)
        else:
            assert reading.late_by is None
    assert reading.late_by is None or reading.late_by > timedelta(0)
