"""England working days and working hours for safeguarding timescales.

Framework-free: no Django imports. See ``README.md`` in this package for the
conventions (day 0, end of day, working hours, DST).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holidays_lib

__all__ = [
    "DAY_KEYS",
    "OfficeHours",
    "WorkingCalendar",
    "england_bank_holidays",
]

#: Keys used by :meth:`OfficeHours.from_dict` / :meth:`OfficeHours.to_dict`,
#: indexed by ``date.weekday()`` (0 = Monday).
DAY_KEYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_ONE_DAY = timedelta(days=1)
_TIME_RE = re.compile(r"^(?P<h>[01]\d|2[0-3]):(?P<m>[0-5]\d)(?::(?P<s>[0-5]\d))?$")


def _require_aware(value: datetime, name: str) -> datetime:
    """Return ``value`` converted to UTC, rejecting naive datetimes."""
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value!r}")
    return value.astimezone(UTC)


def _format_time(t: time) -> str:
    if t.microsecond:
        return t.isoformat(timespec="microseconds")
    if t.second:
        return t.isoformat(timespec="seconds")
    return t.isoformat(timespec="minutes")


def _parse_time(value: object, day: str, which: str) -> time:
    if not isinstance(value, str):
        raise ValueError(
            f"office hours for {day!r}: {which} time must be a string like '08:00', got {value!r}"
        )
    match = _TIME_RE.match(value.strip())
    if match is None:
        raise ValueError(
            f"office hours for {day!r}: {which} time {value!r} is not a valid "
            "24-hour time (expected HH:MM, e.g. '08:00' or '17:30')"
        )
    return time(int(match["h"]), int(match["m"]), int(match["s"] or 0))


@dataclass(frozen=True)
class OfficeHours:
    """Local (wall-clock) opening hours per weekday.

    ``hours`` maps ``date.weekday()`` (0 = Monday .. 6 = Sunday) to a naive
    ``(open_time, close_time)`` pair in the calendar's local timezone. A
    missing weekday means the office is closed that day. Opening hours are a
    half-open interval ``[open, close)``; a close time of midnight is not
    representable (use ``23:59`` or an out-of-hours timescale instead).

    Saturday/Sunday entries are accepted but never count as working time,
    because weekends are never working days (see
    :meth:`WorkingCalendar.is_working_day`).
    """

    hours: Mapping[int, tuple[time, time]]

    def __post_init__(self) -> None:
        if not isinstance(self.hours, Mapping):
            raise TypeError("office hours must be a mapping of weekday -> (open, close)")
        normalised: dict[int, tuple[time, time]] = {}
        for weekday, pair in self.hours.items():
            if isinstance(weekday, bool) or not isinstance(weekday, int):
                raise TypeError(
                    f"office hours weekday must be an int 0 (Mon) .. 6 (Sun), got {weekday!r}"
                )
            if not 0 <= weekday <= 6:
                raise ValueError(f"office hours weekday must be 0 (Mon) .. 6 (Sun), got {weekday}")
            day = DAY_KEYS[weekday]
            if not isinstance(pair, tuple) or len(pair) != 2:
                raise ValueError(
                    f"office hours for {day!r} must be an (open, close) tuple, got {pair!r}"
                )
            open_time, close_time = pair
            for which, value in (("open", open_time), ("close", close_time)):
                if not isinstance(value, time):
                    raise TypeError(
                        f"office hours for {day!r}: {which} must be a datetime.time, got {value!r}"
                    )
                if value.tzinfo is not None:
                    raise ValueError(
                        f"office hours for {day!r}: {which} time must be naive local "
                        f"wall-clock time, got {value!r}"
                    )
            if close_time <= open_time:
                raise ValueError(
                    f"office hours for {day!r}: closing time {_format_time(close_time)} "
                    f"must be after opening time {_format_time(open_time)}"
                )
            normalised[weekday] = (open_time, close_time)
        if not any(weekday < 5 for weekday in normalised):
            raise ValueError(
                "office hours must open on at least one weekday (Monday to Friday); "
                "otherwise no working time could ever elapse"
            )
        object.__setattr__(self, "hours", MappingProxyType(dict(sorted(normalised.items()))))

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.hours.items())))

    @classmethod
    def default(cls) -> OfficeHours:
        """Mon-Thu 08:00-17:30, Fri 08:00-16:30 (MASH office hours)."""
        long_day = (time(8, 0), time(17, 30))
        return cls(
            {
                0: long_day,
                1: long_day,
                2: long_day,
                3: long_day,
                4: (time(8, 0), time(16, 30)),
            }
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Sequence[str]]) -> OfficeHours:
        """Build from ``{"mon": ["08:00", "17:30"], ...}``.

        Day keys are case-insensitive three-letter names (``mon`` .. ``sun``).
        Omitted days are closed. Raises ``ValueError`` with a readable message
        on bad input.
        """
        if not isinstance(data, Mapping):
            raise ValueError(
                'office hours must be a mapping like {"mon": ["08:00", "17:30"]}, '
                f"got {type(data).__name__}"
            )
        hours: dict[int, tuple[time, time]] = {}
        for raw_key, value in data.items():
            key = raw_key.strip().lower() if isinstance(raw_key, str) else raw_key
            if key not in DAY_KEYS:
                raise ValueError(
                    f"unknown day {raw_key!r} in office hours; expected one of "
                    + ", ".join(DAY_KEYS)
                )
            assert isinstance(key, str)
            weekday = DAY_KEYS.index(key)
            if weekday in hours:
                raise ValueError(f"day {key!r} is given more than once in office hours")
            if isinstance(value, str) or not isinstance(value, Sequence) or len(value) != 2:
                raise ValueError(
                    f"office hours for {key!r} must be a pair [open, close] like "
                    f'["08:00", "17:30"], got {value!r}'
                )
            open_time = _parse_time(value[0], key, "opening")
            close_time = _parse_time(value[1], key, "closing")
            if close_time <= open_time:
                raise ValueError(
                    f"office hours for {key!r}: closing time {value[1]!r} must be after "
                    f"opening time {value[0]!r}"
                )
            hours[weekday] = (open_time, close_time)
        return cls(hours)

    def to_dict(self) -> dict[str, list[str]]:
        """Inverse of :meth:`from_dict` (``HH:MM``, seconds only when non-zero)."""
        return {
            DAY_KEYS[weekday]: [_format_time(open_time), _format_time(close_time)]
            for weekday, (open_time, close_time) in self.hours.items()
        }


@lru_cache(maxsize=256)
def england_bank_holidays(year: int) -> frozenset[date]:
    """England & Wales bank holidays for ``year`` (including substitute days)."""
    return frozenset(holidays_lib.country_holidays("GB", subdiv="ENG", years=year).keys())


class WorkingCalendar:
    """Working days (Mon-Fri excluding bank holidays) and office hours.

    * Day arithmetic is done on local dates in ``tz`` (default Europe/London).
    * Hour arithmetic is done on real elapsed time (UTC), counting only the
      office-hours interval ``[open, close)`` of each working day, where open
      and close are local wall-clock times.
    * All returned datetimes are timezone-aware UTC.
    """

    def __init__(
        self,
        office_hours: OfficeHours | None = None,
        holidays: Iterable[date] | None = None,
        tz: str = "Europe/London",
    ) -> None:
        self._office_hours = office_hours if office_hours is not None else OfficeHours.default()
        try:
            self._tz = ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {tz!r}") from exc
        self._fixed_holidays: frozenset[date] | None
        if holidays is None:
            self._fixed_holidays = None
        else:
            checked: set[date] = set()
            for item in holidays:
                if isinstance(item, datetime) or not isinstance(item, date):
                    raise TypeError(
                        f"holidays must be datetime.date values (not datetimes), got {item!r}"
                    )
                checked.add(item)
            self._fixed_holidays = frozenset(checked)

    def __repr__(self) -> str:
        source = (
            "England bank holidays"
            if self._fixed_holidays is None
            else (f"{len(self._fixed_holidays)} injected holidays")
        )
        return f"WorkingCalendar({self._office_hours!r}, {source}, tz={self._tz.key!r})"

    # ------------------------------------------------------------------ basics

    @property
    def office_hours(self) -> OfficeHours:
        return self._office_hours

    @property
    def tz(self) -> ZoneInfo:
        return self._tz

    def is_bank_holiday(self, d: date) -> bool:
        if self._fixed_holidays is not None:
            return d in self._fixed_holidays
        return d in england_bank_holidays(d.year)

    def is_working_day(self, d: date) -> bool:
        """Monday-Friday and not a bank holiday (independent of office hours)."""
        if isinstance(d, datetime):
            raise TypeError("is_working_day takes a date; use local_date() for datetimes")
        return d.weekday() < 5 and not self.is_bank_holiday(d)

    def local_date(self, instant: datetime) -> date:
        return _require_aware(instant, "instant").astimezone(self._tz).date()

    def end_of_local_day(self, d: date) -> datetime:
        """23:59:59.999999 local time on ``d``, as an aware UTC datetime."""
        return datetime.combine(d, time.max, tzinfo=self._tz).astimezone(UTC)

    def start_of_local_day(self, d: date) -> datetime:
        """00:00 local time on ``d``, as an aware UTC datetime."""
        return datetime.combine(d, time.min, tzinfo=self._tz).astimezone(UTC)

    def office_interval(self, d: date) -> tuple[datetime, datetime] | None:
        """The working interval ``[open, close)`` of ``d`` in UTC, or None.

        None when ``d`` is not a working day or the office is closed that
        weekday. Open/close are local wall-clock times converted to UTC (a
        wall-clock time skipped by a DST change is read with the pre-change
        offset; a repeated one as its first occurrence). If that conversion
        leaves no positive interval the day has no working time.
        """
        if not self.is_working_day(d):
            return None
        pair = self._office_hours.hours.get(d.weekday())
        if pair is None:
            return None
        opens = datetime.combine(d, pair[0], tzinfo=self._tz).astimezone(UTC)
        closes = datetime.combine(d, pair[1], tzinfo=self._tz).astimezone(UTC)
        if closes <= opens:
            return None
        return opens, closes

    def _intervals_from(self, d: date) -> Iterator[tuple[datetime, datetime]]:
        """Office intervals of working days ``d``, ``d+1``, ... (endless)."""
        while True:
            interval = self.office_interval(d)
            if interval is not None:
                yield interval
            d += _ONE_DAY

    # ------------------------------------------------------------ working days

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """End of the ``days``-th working day after day 0.

        Day 0 is the local date of ``start`` (even if it is a weekend or bank
        holiday). Returns 23:59:59.999999 local time on that working day as an
        aware UTC datetime; ``days=0`` gives the end of day 0 itself.
        """
        if isinstance(days, bool) or not isinstance(days, int):
            raise TypeError(f"days must be a whole number, got {days!r}")
        if days < 0:
            raise ValueError(f"days must not be negative, got {days}")
        d = self.local_date(start)
        remaining = days
        while remaining:
            d += _ONE_DAY
            if self.is_working_day(d):
                remaining -= 1
        return self.end_of_local_day(d)

    def working_days_between(self, start: datetime, end: datetime) -> int:
        """Working days after day 0 up to and including ``end``'s local date.

        0 when ``end`` falls on day 0, before it, or before the first working
        day after day 0.
        """
        first = self.local_date(start)
        last = self.local_date(end)
        if last <= first:
            return 0
        weekdays = _weekdays_up_to(last) - _weekdays_up_to(first)
        return weekdays - sum(1 for h in self._holidays_in(first, last) if h.weekday() < 5)

    def _holidays_in(self, after: date, up_to: date) -> Iterator[date]:
        """Holidays ``h`` with ``after < h <= up_to``."""
        if self._fixed_holidays is not None:
            candidates: Iterable[date] = self._fixed_holidays
        else:
            candidates = (
                h for year in range(after.year, up_to.year + 1) for h in england_bank_holidays(year)
            )
        return (h for h in candidates if after < h <= up_to)

    # ----------------------------------------------------------- working hours

    def add_working_hours(self, start: datetime, duration: timedelta) -> datetime:
        """``start`` plus ``duration`` of working time (office hours on working days).

        If ``start`` is outside office hours, counting begins at the next
        opening. ``duration == 0`` returns ``start`` if it is inside office hours
        (``open <= start < close``), otherwise the next opening. A positive
        duration that runs out exactly at close of business returns the
        closing time (not the next opening).
        """
        if not isinstance(duration, timedelta):
            raise TypeError(f"duration must be a timedelta, got {duration!r}")
        if duration < timedelta(0):
            raise ValueError(f"duration must not be negative, got {duration}")
        current = _require_aware(start, "start")
        remaining = duration
        for opens, closes in self._intervals_from(self.local_date(current)):
            if current >= closes:
                continue
            position = max(current, opens)
            available = closes - position  # always > 0 here
            if remaining <= available:
                return position + remaining
            remaining -= available
        raise AssertionError("unreachable")  # pragma: no cover

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Elapsed working time in ``[start, end)``; ``timedelta(0)`` if end <= start."""
        lo = _require_aware(start, "start")
        hi = _require_aware(end, "end")
        total = timedelta(0)
        if hi <= lo:
            return total
        d = self.local_date(lo)
        last = self.local_date(hi)
        while d <= last:
            interval = self.office_interval(d)
            if interval is not None:
                overlap = min(hi, interval[1]) - max(lo, interval[0])
                if overlap > timedelta(0):
                    total += overlap
            d += _ONE_DAY
        return total


def _weekdays_up_to(d: date) -> int:
    """Number of Monday-Friday dates in ``[date.min, d]``.

    Ordinal 1 (0001-01-01) is a Monday, so ordinals 7k+1 .. 7k+5 are weekdays.
    """
    n = d.toordinal()
    full_weeks, rest = divmod(n, 7)
    return full_weeks * 5 + min(rest, 5)
