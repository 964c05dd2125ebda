"""Working-day / working-hour clocks for safeguarding timescales.

Pure Python (no Django). See README.md in this package for the conventions.
"""

from .calendar import OfficeHours, WorkingCalendar, england_bank_holidays
from .policy import MAX_DURATION, Timescale, Unit, describe_timescale
from .state import ClockReading, ClockState, evaluate, read_clock

__all__ = [
    "MAX_DURATION",
    "ClockReading",
    "ClockState",
    "OfficeHours",
    "Timescale",
    "Unit",
    "WorkingCalendar",
    "describe_timescale",
    "england_bank_holidays",
    "evaluate",
    "read_clock",
]
