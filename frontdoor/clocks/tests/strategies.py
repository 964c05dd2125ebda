"""Shared helpers and Hypothesis strategies for the clocks tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from frontdoor.clocks import OfficeHours, WorkingCalendar, england_bank_holidays

LONDON = ZoneInfo("Europe/London")
FIRST_YEAR = 2019
LAST_YEAR = 2030


def london(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, *, fold: int = 0
) -> datetime:
    """An aware Europe/London wall-clock datetime."""
    return datetime(year, month, day, hour, minute, tzinfo=LONDON, fold=fold)


def utc(
    year: int,
    month: int,
    day: int,
    hour: int = 0,
    minute: int = 0,
    second: int = 0,
    microsecond: int = 0,
) -> datetime:
    return datetime(year, month, day, hour, minute, second, microsecond, tzinfo=UTC)


def _last_sunday(year: int, month: int) -> date:
    d = date(year, month, 31)  # March and October both have 31 days
    return d - timedelta(days=(d.weekday() - 6) % 7)


#: Every UK clock-change Sunday (last Sunday of March and of October) 2019-2030.
DST_CHANGE_DAYS: tuple[date, ...] = tuple(
    _last_sunday(year, month) for year in range(FIRST_YEAR, LAST_YEAR + 1) for month in (3, 10)
)

_TIMEZONES = st.sampled_from([UTC, LONDON])

_anywhere = st.datetimes(
    min_value=datetime(FIRST_YEAR, 1, 1),
    max_value=datetime(LAST_YEAR, 12, 31, 23, 59, 59),
    timezones=_TIMEZONES,
)


@st.composite
def _near_dst_change(draw: st.DrawFn) -> datetime:
    """Instants within a few days of a clock change, including the change night."""
    change_day = draw(st.sampled_from(DST_CHANGE_DAYS))
    offset_days = draw(st.integers(min_value=-3, max_value=3))
    seconds = draw(st.integers(min_value=0, max_value=86_399))
    microseconds = draw(st.sampled_from([0, 0, 0, 1, 999_999]))
    wall = datetime.combine(change_day + timedelta(days=offset_days), time()) + timedelta(
        seconds=seconds, microseconds=microseconds
    )
    tz = draw(_TIMEZONES)
    return wall.replace(tzinfo=tz, fold=draw(st.integers(min_value=0, max_value=1)))


@st.composite
def _at_office_boundary(draw: st.DrawFn) -> datetime:
    """Instants exactly at, or just either side of, default opening/closing times."""
    day = draw(st.dates(min_value=date(FIRST_YEAR, 1, 1), max_value=date(LAST_YEAR, 12, 31)))
    wall = draw(st.sampled_from([time(8, 0), time(16, 30), time(17, 30), time(0, 0)]))
    nudge = draw(st.sampled_from([timedelta(0), timedelta(microseconds=-1), timedelta(seconds=1)]))
    return datetime.combine(day, wall, tzinfo=LONDON) + nudge


#: Aware instants 2019-2030, in UTC or Europe/London, biased towards DST
#: change days and office-hours boundaries.
instants = st.one_of(_anywhere, _near_dst_change(), _at_office_boundary())

#: Non-negative working-hour durations up to ~4 working weeks, either on a
#: 15-minute grid or with arbitrary microseconds.
durations = st.one_of(
    st.integers(min_value=0, max_value=200 * 4).map(lambda q: timedelta(minutes=15 * q)),
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=200)),
)

_quarter_hours = st.integers(min_value=0, max_value=95).map(lambda q: time(q // 4, 15 * (q % 4)))


@st.composite
def office_hours(draw: st.DrawFn) -> OfficeHours:
    """Arbitrary valid office hours (at least one weekday open)."""
    hours: dict[int, tuple[time, time]] = {}
    for weekday in range(7):
        if draw(st.booleans()) or (weekday == 4 and not any(w < 5 for w in hours)):
            open_time, close_time = sorted(
                draw(st.lists(_quarter_hours, min_size=2, max_size=2, unique=True))
            )
            hours[weekday] = (open_time, close_time)
    return OfficeHours(hours)


_REAL_HOLIDAYS = sorted(
    h for year in range(FIRST_YEAR, LAST_YEAR + 2) for h in england_bank_holidays(year)
)

_injected_holidays = st.sets(
    st.one_of(
        st.sampled_from(_REAL_HOLIDAYS),
        st.dates(min_value=date(FIRST_YEAR, 1, 1), max_value=date(LAST_YEAR + 1, 12, 31)),
    ),
    max_size=40,
)

DEFAULT_CALENDAR = WorkingCalendar()

#: The default England calendar, or one with arbitrary office hours and
#: injected holidays.
calendars = st.one_of(
    st.just(DEFAULT_CALENDAR),
    st.builds(WorkingCalendar, office_hours=office_hours(), holidays=_injected_holidays),
)
