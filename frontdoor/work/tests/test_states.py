"""Clock states counted in the database are exactly the states the Python clock reads: for any
start, due time, completion, due-soon share and moment (on the boundary to the microsecond
too), and for every stage of the overview and every supervision clock of a generated demo."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db.models import DateTimeField, FloatField, Value
from django.test.utils import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdoor.clocks import ClockState, evaluate
from frontdoor.demo.generator import generate
from frontdoor.oversight import queues as supervision
from frontdoor.oversight.models import SupervisionAction
from frontdoor.oversight.selectors import (
    action_clock,
    allocated_children,
    case_state_counts,
    case_supervisions,
    open_actions,
)
from frontdoor.work import queues
from frontdoor.work.overview import front_door_stage_counts
from frontdoor.work.queues import Stage
from frontdoor.work.states import state_counts, with_clock

NOW = datetime(2026, 3, 11, 15, 30, tzinfo=UTC)

instants = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
)
spans = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=120))
fractions = st.sampled_from([0.0, 0.1, 0.2, 0.25, 1 / 3, 0.5, 0.75, 0.99])


def _counted(
    started: datetime, due: datetime | None, done: datetime | None, fraction: float, now: datetime
) -> dict[ClockState, int]:
    """The state the database gives one clock, as counts (one row, any table's: the first
    content type's, which migrating makes)."""
    one = ContentType.objects.order_by("pk")[:1]
    qs = with_clock(
        ContentType.objects.filter(pk__in=one),
        started=Value(started, DateTimeField()),
        due=Value(due, DateTimeField()),
        done=Value(done, DateTimeField()),
        fraction=Value(fraction, FloatField()),
    )
    return state_counts(qs, now)


def _read(
    started: datetime, due: datetime | None, done: datetime | None, fraction: float, now: datetime
) -> dict[ClockState, int]:
    reading = evaluate(
        started_at=started, due_at=due, completed_at=done, now=now, due_soon_fraction=fraction
    )
    return {reading.state: 1}


@pytest.mark.django_db
@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    started=instants,
    span=st.one_of(st.none(), spans),
    done_after=st.one_of(st.none(), spans),
    fraction=fractions,
    offset=st.one_of(
        st.timedeltas(min_value=timedelta(days=-150), max_value=timedelta(days=150)),
        st.integers(min_value=-3, max_value=3).map(lambda us: timedelta(microseconds=us)),
    ),
)
def test_the_database_reads_any_clock_as_python_does(
    started: datetime,
    span: timedelta | None,
    done_after: timedelta | None,
    fraction: float,
    offset: timedelta,
) -> None:
    due = None if span is None else started + span
    done = None if done_after is None else started + done_after
    # ``offset`` is from the due-soon boundary (to the microsecond, for small offsets).
    boundary = started if due is None else due - (due - started) * fraction
    now = boundary + offset
    assert _counted(started, due, done, fraction, now) == _read(started, due, done, fraction, now)


@pytest.mark.django_db
@pytest.mark.parametrize("fraction", [0.25, 0.2, 1 / 3])
@pytest.mark.parametrize("us", [-2, -1, 0, 1, 2])
def test_on_the_due_soon_boundary_to_the_microsecond(fraction: float, us: int) -> None:
    started = datetime(2026, 3, 2, 9, 0, 0, 123457, tzinfo=UTC)
    due = datetime(2026, 3, 3, 17, 0, 0, 1, tzinfo=UTC)
    now = due - (due - started) * fraction + timedelta(microseconds=us)
    expected = ClockState.ON_TIME if us < 0 else ClockState.DUE_SOON
    assert _read(started, due, None, fraction, now) == {expected: 1}
    assert _counted(started, due, None, fraction, now) == {expected: 1}


@pytest.fixture(scope="module", autouse=True)
def pinned_clock() -> Iterator[None]:
    """The whole module, the demo's generation included, runs at ``NOW``.

    Every reading here takes its moment as an argument, so the moment a run starts at
    (``pytest --at``) could only reach the tests through a wall-clock read somewhere in the
    demo's generation: pinned, it cannot, and the module is not among those ``.ci/run`` runs
    at each moment (``frontdoor.testing.moments.CLOCK_PINNED``).
    """
    with time_machine.travel(NOW, tick=True):
        yield


def test_the_module_runs_at_its_own_moment() -> None:
    assert NOW <= timezone.now() < NOW + timedelta(hours=1)


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    fast_hasher = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    with django_db_blocker.unblock(), fast_hasher:
        try:
            generate(seed=5, years=0.2, contacts_per_year=1500, now=NOW)
            yield
        finally:  # even when generating fails: leave nothing for the next module
            call_command("flush", interactive=False, verbosity=0)


#: Moments to read the demo at: when it was generated, and after, as the work ages.
MOMENTS = [NOW, NOW + timedelta(hours=20), NOW + timedelta(days=3), NOW + timedelta(days=30)]

#: Each overview stage and the queue reader whose items' clocks it must count.
READERS = {
    Stage.SCREENING: lambda now: queues._screening(now),
    Stage.OPEN_CASE: lambda now: queues._open_cases(now, queues.OpenCaseInformation.objects.all()),
    Stage.ENQUIRY: lambda now: queues._enquiries(now),
    Stage.REQUEST: lambda now: queues._requests(now, queues.PartnerRequest.objects.all()),
    Stage.SIGNOFF: lambda now: queues._signoffs(now),
    Stage.TO_TRANSFER: lambda now: queues._to_transfer(now),
    Stage.ACCEPTANCE: lambda now: queues._acceptances(now, queues.Transfer.objects.all()),
    Stage.VISIT: lambda now: queues._visits(now, queues.Transfer.objects.all()),
    Stage.FEEDBACK: lambda now: queues._feedback(now, queues.ReferrerFeedback.objects.all()),
}


@pytest.mark.django_db
@pytest.mark.parametrize("now", MOMENTS)
def test_the_overview_counts_each_stage_as_its_queue_items_read(demo: None, now: Any) -> None:
    counted = {row.stage: row.counts for row in front_door_stage_counts(now)}
    assert list(counted) == list(READERS)
    for stage, read in READERS.items():
        items = list(read(now))
        assert counted[stage] == dict(Counter(i.reading.state for i in items)), stage
    # The demo has open work in several states, so the comparison means something.
    states = {state for counts in counted.values() for state in counts}
    assert len(states) >= 2


@pytest.mark.django_db
@pytest.mark.parametrize("now", MOMENTS)
def test_supervision_clocks_count_as_they_read(demo: None, now: Any) -> None:
    cases = case_supervisions(allocated_children(), now)
    assert cases, "the demo allocates cases"
    read: dict[int, Counter[ClockState]] = {}
    for case in cases:
        read.setdefault(case.worker.pk, Counter())[case.reading.state] += 1
    assert case_state_counts(allocated_children(), now) == {
        worker: dict(states) for worker, states in read.items()
    }
    actions = [action_clock(a, now).state for a in open_actions(SupervisionAction.objects.all())]
    counts = supervision.counts(now)
    assert counts[supervision.ACTION_OPEN] == dict(Counter(actions))
    assert counts[supervision.SUPERVISION_DUE] == dict(Counter(c.reading.state for c in cases))


@pytest.mark.django_db
@pytest.mark.parametrize("now", MOMENTS)
def test_each_source_counts_its_stages_as_its_items_read(demo: None, now: Any) -> None:
    counted_sources = {s.key for s in queues.queue_sources() if s.counts is not None}
    assert counted_sources >= {"assessments", "escalations", "strategy", "supervision"}
    for source in queues.queue_sources():
        assert source.counts is not None, source.key
        items = list(source.everything(now))
        assert items, f"the demo has open {source.key} work"
        counted = source.counts(now)
        assert set(counted) <= set(source.stages), source.key
        for stage in source.stages:
            read = Counter(i.reading.state for i in items if i.stage == stage)
            assert counted.get(stage, {}) == dict(read), (source.key, stage)
