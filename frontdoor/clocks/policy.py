"""Timescale definitions (e.g. "4 working hours", "1 working day")."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from .calendar import WorkingCalendar, _require_aware

__all__ = ["MAX_DURATION", "Timescale", "Unit", "describe_timescale"]

_MICROSECONDS_PER_HOUR = Decimal(3_600_000_000)
#: Upper bound on ``Timescale.duration`` in any unit (guards against typos and
#: datetime overflow; 10,000 working days is roughly 40 years).
MAX_DURATION = Decimal(10_000)
_KEYS = frozenset({"duration", "unit", "continue_out_of_hours"})


class Unit(StrEnum):
    WORKING_HOURS = "working_hours"
    CALENDAR_HOURS = "calendar_hours"
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"

    @property
    def is_day_unit(self) -> bool:
        return self in (Unit.WORKING_DAYS, Unit.CALENDAR_DAYS)


_UNIT_WORDS: dict[Unit, tuple[str, str]] = {
    Unit.WORKING_HOURS: ("working hour", "working hours"),
    Unit.CALENDAR_HOURS: ("calendar hour", "calendar hours"),
    Unit.WORKING_DAYS: ("working day", "working days"),
    Unit.CALENDAR_DAYS: ("calendar day", "calendar days"),
}


def _to_decimal(value: object) -> Decimal:
    """Coerce a JSON-ish number (int, float, Decimal, numeric string) to Decimal."""
    if isinstance(value, bool):
        raise ValueError(f"timescale duration must be a number, got {value!r}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))  # shortest repr: 0.1 -> Decimal("0.1")
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"timescale duration must be a number, got {value!r}") from None
    else:
        raise ValueError(f"timescale duration must be a number, got {value!r}")
    if not result.is_finite():
        raise ValueError(f"timescale duration must be a finite number, got {value!r}")
    return result


def _format_number(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


@dataclass(frozen=True)
class Timescale:
    """A clock length in one unit, e.g. ``Timescale(Decimal(4), Unit.WORKING_HOURS)``.

    ``continue_out_of_hours`` only applies to ``WORKING_HOURS``: the clock then
    runs in real (calendar) hours and is never parked at close of business,
    e.g. Red MASH enquiries that the out-of-hours team picks up.

    Day units need a whole-number duration. Construction validates and
    normalises: ``duration`` may be given as int/float/str and is stored as a
    ``Decimal``; ``unit`` may be given as its string value.
    """

    duration: Decimal
    unit: Unit
    continue_out_of_hours: bool = False

    def __post_init__(self) -> None:
        duration = _to_decimal(self.duration)
        if duration < 0:
            raise ValueError(f"timescale duration must not be negative, got {self.duration}")
        try:
            unit = Unit(self.unit)
        except (ValueError, TypeError):
            raise ValueError(
                f"unknown timescale unit {self.unit!r}; expected one of "
                + ", ".join(u.value for u in Unit)
            ) from None
        if duration > MAX_DURATION:
            raise ValueError(
                f"timescale duration must be at most {MAX_DURATION}, got {self.duration}"
            )
        if unit.is_day_unit and duration != duration.to_integral_value():
            raise ValueError(
                f"{unit.value} timescales need a whole number of days, got {self.duration}"
            )
        if not isinstance(self.continue_out_of_hours, bool):
            raise ValueError(
                f"continue_out_of_hours must be true or false, got {self.continue_out_of_hours!r}"
            )
        if self.continue_out_of_hours and unit is not Unit.WORKING_HOURS:
            raise ValueError(
                f"continue_out_of_hours only applies to working_hours timescales, not {unit.value}"
            )
        object.__setattr__(self, "duration", duration)
        object.__setattr__(self, "unit", unit)

    # ----------------------------------------------------------- (de)serialise

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Timescale | None:
        """Parse ``{"duration": 4, "unit": "working_hours", ...}``.

        ``None`` or ``{}`` means "no clock" and returns ``None``. Raises
        ``ValueError`` with a readable message on bad data.
        """
        if data is None:
            return None
        if not isinstance(data, Mapping):
            raise ValueError(
                'timescale must be a mapping like {"duration": 4, "unit": "working_hours"}, '
                f"got {type(data).__name__}"
            )
        if not data:
            return None
        unknown = sorted(str(k) for k in data if k not in _KEYS)
        if unknown:
            raise ValueError(
                f"unknown timescale field(s): {', '.join(unknown)}; expected "
                + ", ".join(sorted(_KEYS))
            )
        missing = [k for k in ("duration", "unit") if k not in data]
        if missing:
            raise ValueError(f"timescale is missing {' and '.join(missing)}")
        return cls(
            duration=_to_decimal(data["duration"]),
            unit=data["unit"],
            continue_out_of_hours=data.get("continue_out_of_hours", False),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict; ``duration`` is an int when whole, else a decimal string."""
        duration: int | str
        if self.duration == self.duration.to_integral_value():
            duration = int(self.duration)
        else:
            duration = _format_number(self.duration)
        return {
            "duration": duration,
            "unit": self.unit.value,
            "continue_out_of_hours": self.continue_out_of_hours,
        }

    # -------------------------------------------------------------- behaviour

    @property
    def runs_in_calendar_hours(self) -> bool:
        return self.unit is Unit.CALENDAR_HOURS or (
            self.unit is Unit.WORKING_HOURS and self.continue_out_of_hours
        )

    def as_timedelta(self) -> timedelta:
        """The duration as a timedelta (hour units only), exact to the microsecond."""
        if self.unit.is_day_unit:
            raise ValueError(f"{self.unit.value} timescales have no fixed length in hours")
        micro = (self.duration * _MICROSECONDS_PER_HOUR).to_integral_value()
        return timedelta(microseconds=int(micro))

    def due(self, start: datetime, calendar: WorkingCalendar) -> datetime:
        """When a clock of this timescale started at ``start`` is due (aware UTC)."""
        start_utc = _require_aware(start, "start")
        if self.unit is Unit.WORKING_DAYS:
            return calendar.add_working_days(start_utc, int(self.duration))
        if self.unit is Unit.CALENDAR_DAYS:
            day = calendar.local_date(start_utc) + timedelta(days=int(self.duration))
            return calendar.end_of_local_day(day)
        if self.runs_in_calendar_hours:
            return (start_utc + self.as_timedelta()).astimezone(UTC)
        return calendar.add_working_hours(start_utc, self.as_timedelta())

    def elapsed(self, start: datetime, end: datetime, calendar: WorkingCalendar) -> Decimal:
        """Time elapsed from ``start`` to ``end`` in this timescale's unit.

        Working hours count office time only (calendar hours when
        ``continue_out_of_hours``); working days use
        :meth:`WorkingCalendar.working_days_between`; calendar days are the
        difference of local dates. Never negative.
        """
        start_utc = _require_aware(start, "start")
        end_utc = _require_aware(end, "end")
        if self.unit is Unit.WORKING_DAYS:
            return Decimal(calendar.working_days_between(start_utc, end_utc))
        if self.unit is Unit.CALENDAR_DAYS:
            days = (calendar.local_date(end_utc) - calendar.local_date(start_utc)).days
            return Decimal(max(days, 0))
        if self.runs_in_calendar_hours:
            span = max(end_utc - start_utc, timedelta(0))
        else:
            span = calendar.working_time_between(start_utc, end_utc)
        return _hours(span)

    def describe(self) -> str:
        """Human text, e.g. ``"4 working hours (continues out of hours)"``."""
        singular, plural = _UNIT_WORDS[self.unit]
        words = singular if self.duration == 1 else plural
        text = f"{_format_number(self.duration)} {words}"
        if self.continue_out_of_hours:
            text += " (continues out of hours)"
        return text

    def __str__(self) -> str:
        return self.describe()


def describe_timescale(timescale: Timescale | None) -> str:
    """Like :meth:`Timescale.describe`, but ``None`` -> ``"no timescale"``."""
    return "no timescale" if timescale is None else timescale.describe()


def _hours(span: timedelta) -> Decimal:
    micro = (span.days * 86_400 + span.seconds) * 1_000_000 + span.microseconds
    return Decimal(micro) / _MICROSECONDS_PER_HOUR
