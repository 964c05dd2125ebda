"""Reading a clock: on time, due soon, overdue, met, met late, or no clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from .calendar import WorkingCalendar, _require_aware
from .policy import Timescale

__all__ = ["ClockReading", "ClockState", "evaluate", "read_clock"]


class ClockState(StrEnum):
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    MET = "met"
    MET_LATE = "met_late"
    NO_CLOCK = "no_clock"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def is_open(self) -> bool:
        """True while the clock is still running (not completed, has a due time)."""
        return self in (ClockState.ON_TIME, ClockState.DUE_SOON, ClockState.OVERDUE)

    @property
    def is_late(self) -> bool:
        return self in (ClockState.OVERDUE, ClockState.MET_LATE)


_LABELS: dict[ClockState, str] = {
    ClockState.ON_TIME: "On time",
    ClockState.DUE_SOON: "Due soon",
    ClockState.OVERDUE: "Overdue",
    ClockState.MET: "Met",
    ClockState.MET_LATE: "Met late",
    ClockState.NO_CLOCK: "No timescale",
}


@dataclass(frozen=True)
class ClockReading:
    """A point-in-time reading of a clock. All datetimes are aware UTC."""

    state: ClockState
    started_at: datetime
    due_at: datetime | None
    completed_at: datetime | None
    #: ``due_at - now`` while running (negative when overdue); None when
    #: completed or there is no clock.
    remaining: timedelta | None
    #: ``completed_at - due_at`` when met late, ``now - due_at`` when overdue,
    #: otherwise None.
    late_by: timedelta | None


def evaluate(
    *,
    started_at: datetime,
    due_at: datetime | None,
    completed_at: datetime | None,
    now: datetime,
    due_soon_fraction: float = 0.25,
) -> ClockReading:
    """Classify a clock at ``now``.

    * ``NO_CLOCK`` if ``due_at`` is None;
    * ``MET`` if ``completed_at <= due_at``; ``MET_LATE`` if later;
    * otherwise ``OVERDUE`` if ``now > due_at``;
    * ``DUE_SOON`` if ``due_at - now <= due_soon_fraction * (due_at - started_at)``
      (calendar, i.e. real elapsed, duration);
    * else ``ON_TIME``.

    All comparisons use real elapsed time (inputs are converted to UTC first),
    so mixed timezones and DST changes are handled correctly.
    """
    if isinstance(due_soon_fraction, bool) or not 0 <= due_soon_fraction <= 1:
        raise ValueError(f"due_soon_fraction must be between 0 and 1, got {due_soon_fraction!r}")
    started = _require_aware(started_at, "started_at")
    current = _require_aware(now, "now")
    completed = None if completed_at is None else _require_aware(completed_at, "completed_at")
    if due_at is None:
        return ClockReading(ClockState.NO_CLOCK, started, None, completed, None, None)
    due = _require_aware(due_at, "due_at")
    if completed is not None:
        if completed <= due:
            return ClockReading(ClockState.MET, started, due, completed, None, None)
        return ClockReading(ClockState.MET_LATE, started, due, completed, None, completed - due)
    remaining = due - current
    if current > due:
        return ClockReading(ClockState.OVERDUE, started, due, None, remaining, current - due)
    if remaining <= (due - started) * due_soon_fraction:
        return ClockReading(ClockState.DUE_SOON, started, due, None, remaining, None)
    return ClockReading(ClockState.ON_TIME, started, due, None, remaining, None)


def read_clock(
    timescale: Timescale | None,
    *,
    started_at: datetime,
    completed_at: datetime | None,
    now: datetime,
    calendar: WorkingCalendar,
    due_soon_fraction: float = 0.25,
) -> ClockReading:
    """Convenience: compute ``due_at`` from ``timescale`` then :func:`evaluate`.

    When a case is re-rated, call this with the *original* ``started_at`` and
    the new timescale: the clock is recalculated, not restarted.
    """
    due_at = None if timescale is None else timescale.due(started_at, calendar)
    return evaluate(
        started_at=started_at,
        due_at=due_at,
        completed_at=completed_at,
        now=now,
        due_soon_fraction=due_soon_fraction,
    )
