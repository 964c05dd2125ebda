"""A clock read against the policy version it started under."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from frontdoor.clocks import ClockReading, evaluate


def clock_reading(
    policy: Any, started_at: datetime, due_at: datetime | None, done: datetime | None, now: datetime
) -> ClockReading:
    """The state of one clock (started, due, completed) read against its own policy version.

    Reading a clock needs only the version's due-soon share (``Rules.reading``), so it is read
    from the version itself: a queue reads thousands of clocks, and parsing each row's copy of
    its rules again would cost more than the reading."""
    return evaluate(
        started_at=started_at,
        due_at=due_at,
        completed_at=done,
        now=now,
        due_soon_fraction=policy.due_soon_fraction,
    )


_reading = clock_reading
