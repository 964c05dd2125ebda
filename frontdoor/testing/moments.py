"""Run the suite as if it started at a chosen moment: ``pytest --at=MOMENT``.

Clocks run on working days and working hours, so a test that builds its data from "now" can
pass on a Tuesday afternoon and fail on a Monday morning, after a bank holiday or on the
night the clocks change. ``--at`` moves the whole run (every thread, the live server
included) to ``MOMENT`` with ``time-machine``; time then runs on from there as usual.

``MOMENT`` is one of the named moments below (the four ``.ci/run`` uses) or an ISO 8601
date-time, read as Europe/London wall-clock time when it has no offset::

    pytest --at=monday-morning -m moments
    pytest --at=2027-04-02T16:59

Tests whose outcome depends on the time of day or the day of the week carry the ``moments``
marker (every browser journey has it too); ``.ci/run`` runs them at each named moment.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

LONDON = ZoneInfo("Europe/London")

#: The moments ``.ci/run`` starts the clock-sensitive tests at. Each is after every date the
#: tests pin (the factories' known week is March 2026).
MOMENTS: dict[str, datetime] = {
    # Monday 09:00: Friday's 1-working-day clocks run to the end of today.
    "monday-morning": datetime(2026, 12, 7, 9, 0, tzinfo=LONDON),
    # Friday 17:30: after office hours, before a weekend.
    "friday-evening": datetime(2026, 12, 4, 17, 30, tzinfo=LONDON),
    # Monday 28 December 2026, the substitute day for Boxing Day (a Saturday), after
    # Christmas Day (a Friday) and a weekend.
    "bank-holiday": datetime(2026, 12, 28, 11, 0, tzinfo=LONDON),
    # Sunday 25 October 2026, 01:30 British Summer Time: half an hour before the clocks go
    # back, so 01:00-02:00 happens twice during the run's first hour.
    "clocks-go-back": datetime(2026, 10, 25, 1, 30, tzinfo=LONDON).replace(fold=0),
}


def moment_parse(value: str) -> datetime:
    """A named moment, or an ISO 8601 date-time (Europe/London when it has no offset)."""
    if value in MOMENTS:
        return MOMENTS[value]
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        names = ", ".join(MOMENTS)
        raise pytest.UsageError(
            f"--at={value!r}: give one of {names} or an ISO 8601 date-time"
        ) from error
    return moment if moment.tzinfo else moment.replace(tzinfo=LONDON)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--at",
        default=None,
        metavar="MOMENT",
        help="Start the run at MOMENT (a named moment: "
        + ", ".join(MOMENTS)
        + "; or an ISO 8601 date-time, Europe/London when no offset is given).",
    )


_TRAVEL: dict[str, Any] = {}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "moments: depends on the time of day or the day of the week; .ci/run also runs it at "
        "each moment of frontdoor.testing.moments.MOMENTS",
    )
    value = config.getoption("--at", default=None)
    if not value or "traveller" in _TRAVEL:
        return
    import time_machine

    moment = moment_parse(value)
    traveller = time_machine.travel(moment, tick=True)
    traveller.start()
    _TRAVEL["traveller"] = traveller
    _TRAVEL["moment"] = moment


def pytest_unconfigure(config: pytest.Config) -> None:
    traveller = _TRAVEL.pop("traveller", None)
    if traveller is not None:
        traveller.stop()
    _TRAVEL.pop("moment", None)


def pytest_report_header(config: pytest.Config) -> str | None:
    moment = _TRAVEL.get("moment")
    if moment is None:
        return None
    return f"frontdoor: started at {moment.astimezone(LONDON):%A %d %B %Y %H:%M %Z} (--at)"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every browser journey shows clocks and queues as they stand now: it runs at each
    moment too."""
    moments = pytest.mark.moments
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(moments)
