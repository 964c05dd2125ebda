"""Run the suite as if it started at a chosen moment: ``pytest --at=MOMENT``.

Clocks run on working days and working hours, so a test that builds its data from "now" can
pass on a Tuesday afternoon and fail on a Monday morning, after a bank holiday or on the
night the clocks change. ``--at`` moves the whole run (every thread, the live server
included) to ``MOMENT`` with ``time-machine``; time then runs on from there as usual.

``MOMENT`` is one of the named moments below (the four ``.ci/run`` uses) or an ISO 8601
date-time, read as Europe/London wall-clock time when it has no offset::

    pytest --at=monday-morning -m moments
    pytest --at=2027-04-02T16:59

``--at=each`` runs every selected test at every named moment in one run: pytest-xdist's
``--dist each`` sends every test to every worker, and worker ``gwN`` starts at the Nth moment
(so it needs ``-n 4 --dist each``; a failure's report names its moment)::

    pytest -m moments -n 4 --dist each --at=each

Tests whose outcome depends on the time of day or the day of the week carry the ``moments``
marker: the modules in ``CLOCK_SENSITIVE`` get it here (queues, reconciliation, the overview,
and every browser journey with a due time), and any other test can carry it itself.
``.ci/run`` (through ``scripts/test``) runs them at each named moment, in one run
(``--at=each``).
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
        + "; an ISO 8601 date-time, Europe/London when no offset is given; or 'each': "
        + "every named moment, one per worker, with -n "
        + str(len(MOMENTS))
        + " --dist each).",
    )


EACH = "each"


def _each_check(config: pytest.Config) -> None:
    """``--at=each`` needs one xdist worker per moment, each running every test."""
    workers = config.getoption("numprocesses", default=None)
    dist = config.getoption("dist", default="no")
    if workers != len(MOMENTS) or dist != "each":
        raise pytest.UsageError(
            f"--at={EACH} runs every test at each of the {len(MOMENTS)} named moments, one "
            f"xdist worker per moment: add -n {len(MOMENTS)} --dist each"
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
    if value == EACH:
        worker = getattr(config, "workerinput", None)
        if worker is None:  # the xdist controller: it runs no test
            _each_check(config)
            return
        number = int(worker["workerid"].removeprefix("gw"))
        value = list(MOMENTS)[number]
        _TRAVEL["name"] = value
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
    _TRAVEL.pop("name", None)


def _moment_describe(moment: datetime) -> str:
    return f"{moment.astimezone(LONDON):%A %d %B %Y %H:%M %Z}"


def pytest_report_header(config: pytest.Config) -> str | None:
    if config.getoption("--at", default=None) == EACH:
        workers = ", ".join(
            f"gw{number} {name} ({_moment_describe(moment)})"
            for number, (name, moment) in enumerate(MOMENTS.items())
        )
        return f"frontdoor: every test at each moment (--at={EACH}): {workers}"
    moment = _TRAVEL.get("moment")
    if moment is None:
        return None
    return f"frontdoor: started at {_moment_describe(moment)} (--at)"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Under ``--at=each``, a report says which moment its worker started at."""
    report = yield
    name = _TRAVEL.get("name")
    if name is not None and report.failed:
        report.sections.append(
            ("frontdoor moment", f"--at={name}: {_moment_describe(MOMENTS[name])}")
        )
    return report


#: Test modules (paths from the project root, or their start) whose outcome depends on the
#: moment: queues and the overview, reconciliation, and the browser journeys that show a due
#: time. Not the clock engine's own tests (``frontdoor/clocks/tests/``): the engine and its
#: tests take every instant as an argument and never read the wall clock (a test there
#: checks), so the moment cannot change their outcome.
CLOCK_SENSITIVE: tuple[str, ...] = (
    "frontdoor/work/tests/",
    "frontdoor/policies/tests/",
    "frontdoor/intake/tests/test_reconciliation",
    "frontdoor/intake/tests/test_immediate_risk.py",
    "frontdoor/intake/tests/test_feedback.py",
    "frontdoor/mash/tests/test_review.py",
    "frontdoor/strategy/tests/test_queues.py",
    "frontdoor/strategy/tests/test_strategy_browser.py",
    "frontdoor/assessments/tests/test_assessment_clocks.py",
    "frontdoor/assessments/tests/test_assessment_browser.py",
    "frontdoor/oversight/tests/test_supervision_clocks.py",
    "frontdoor/oversight/tests/test_supervision_browser.py",
    "frontdoor/escalations/tests/test_escalation_clocks.py",
    "frontdoor/escalations/tests/test_escalation_browser.py",
    "frontdoor/finding/tests/",
    "frontdoor/web/tests/test_journey_browser.py",
    "frontdoor/web/tests/test_truth_browser.py",
)


#: Modules under a ``CLOCK_SENSITIVE`` path that pin the clock for every test themselves
#: (``time_machine.travel`` around the whole module, its fixtures included), so the moment a
#: run starts at cannot reach them: they run once, with the full suite.
CLOCK_PINNED: tuple[str, ...] = ("frontdoor/work/tests/test_states.py",)

#: The parameter id of a browser journey run without JavaScript: the moment does not change
#: what a page without JavaScript does (the with-JavaScript variant of the same journey runs
#: at each moment), so it runs once, with the full suite.
WITHOUT_JS = "without-js"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    moments = pytest.mark.moments
    root = config.rootpath
    for item in items:
        try:
            path = item.path.relative_to(root).as_posix()
        except ValueError:
            continue
        if not path.startswith(CLOCK_SENSITIVE) or path.startswith(CLOCK_PINNED):
            continue
        callspec = getattr(item, "callspec", None)
        if callspec is not None and WITHOUT_JS in callspec.id:
            continue
        item.add_marker(moments)
