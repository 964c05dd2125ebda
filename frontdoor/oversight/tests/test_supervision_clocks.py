"""The supervision clock of a case (through the engine and its policy), per-worker counts,
and supervision in the work queues."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from frontdoor.clocks import ClockState
from frontdoor.oversight.models import SupervisionRecord
from frontdoor.oversight.queues import ACTION_OPEN, SUPERVISION_DUE, everything, mine, team
from frontdoor.oversight.queues import timeliness as supervision_timeliness
from frontdoor.oversight.selectors import allocated_children, case_supervisions, worker_rows
from frontdoor.oversight.services import ActionDraft, supervision_record
from frontdoor.oversight.tests.conftest import REFLECTION
from frontdoor.people.models import Person
from frontdoor.policies.defaults import DEFAULT_OFFICE_HOURS, DEFAULT_RULES
from frontdoor.policies.services import policy_publish
from frontdoor.testing.factories import end_of_day, local

pytestmark = pytest.mark.django_db


def supervise(child: Person, by: Any, held_at: Any, **kw: Any) -> SupervisionRecord:
    return supervision_record(child=child, held_at=held_at, by=by, at=held_at, **REFLECTION, **kw)


def clock_of(child: Person, now: Any) -> Any:
    (case,) = case_supervisions(Person.objects.filter(pk=child.pk), now)
    return case


def test_the_clock_starts_at_allocation_and_runs_20_working_days_across_easter(accepted):
    # Allocated Mon 23 Mar 2026: 20 working days skip Good Friday (3 Apr) and Easter Monday
    # (6 Apr), so it is due at the end of Wed 22 Apr, not Mon 20 Apr.
    child = accepted(at=local(2026, 3, 23, 10)).child
    case = clock_of(child, local(2026, 3, 24))
    assert case.allocated_at == local(2026, 3, 23, 10)
    assert case.reading.started_at == local(2026, 3, 23, 10)
    assert case.reading.due_at == end_of_day(2026, 4, 22)
    assert case.reading.state == ClockState.ON_TIME
    assert clock_of(child, local(2026, 4, 20)).reading.state == ClockState.DUE_SOON
    assert clock_of(child, local(2026, 4, 23)).reading.state == ClockState.OVERDUE


def test_after_a_supervision_the_clock_runs_from_it(accepted, assessment_manager):
    child = accepted().child  # allocated Tue 3 Mar 15:00: due Tue 31 Mar
    assert clock_of(child, local(2026, 3, 4)).reading.due_at == end_of_day(2026, 3, 31)
    held = supervise(child, assessment_manager, local(2026, 3, 23, 10))
    case = clock_of(child, local(2026, 3, 24))
    assert case.last == held
    assert case.reading.started_at == local(2026, 3, 23, 10)
    assert case.reading.due_at == held.next_due_at == end_of_day(2026, 4, 22)


def test_a_supervision_held_late_shows_as_late(accepted, assessment_manager):
    from frontdoor.oversight.selectors import record_clock

    child = accepted().child
    late = supervise(child, assessment_manager, local(2026, 4, 2, 10))
    assert late.due_at == end_of_day(2026, 3, 31)
    assert record_clock(late, local(2026, 4, 3)).state == ClockState.MET_LATE
    on_time = supervise(child, assessment_manager, local(2026, 4, 20, 10))
    assert on_time.clock_started_at == local(2026, 4, 2, 10)
    assert record_clock(on_time, local(2026, 4, 21)).state == ClockState.MET


def test_a_new_allocation_restarts_the_clock(accepted, assessment_manager, second_worker):
    """A supervision held before the case's current allocation does not count for it."""
    child = accepted().child
    supervise(child, assessment_manager, local(2026, 3, 10, 10))
    # A new referral about the same child, accepted and allocated to another worker.
    again = accepted(
        children=[child], received_at=local(2026, 3, 16, 10), allocated_to=second_worker
    )
    assert again.child_id == child.pk
    case = clock_of(child, local(2026, 3, 18))
    assert case.worker == second_worker
    assert case.reading.started_at == again.responded_at
    assert case.reading.due_at == end_of_day(2026, 4, 16)  # 20 wd from Tue 17 Mar, skipping Easter


def test_the_policy_version_is_kept(accepted, assessment_manager, administrator):
    child = accepted().child
    held = supervise(child, assessment_manager, local(2026, 3, 23, 10))
    rules = copy.deepcopy(DEFAULT_RULES)
    rules["supervision"] = {"duration": 10, "unit": "working_days"}
    new = policy_publish(
        office_hours=DEFAULT_OFFICE_HOURS,
        rules=rules,
        due_soon_fraction=0.25,
        effective_from=local(2026, 3, 24),
        by=administrator,
    )
    # The running clock keeps the version it started under.
    held.refresh_from_db()
    assert held.next_due_at == end_of_day(2026, 4, 22)
    assert clock_of(child, local(2026, 3, 25)).reading.due_at == end_of_day(2026, 4, 22)
    # A supervision held under the new version starts a 10-working-day clock.
    later = supervise(child, assessment_manager, local(2026, 3, 25, 10))
    assert later.policy == new
    assert later.next_due_at == end_of_day(2026, 4, 10)  # 10 wd, skipping 3 and 6 April


def test_per_worker_counts_overdue_due_soon_and_on_time(
    accepted, assessment_manager, assessment_worker, second_worker, mash_manager, head_of_service
):
    now = local(2026, 4, 29, 12)
    overdue = accepted().child  # allocated 3 Mar, due 31 Mar: overdue
    due_soon = accepted(at=local(2026, 3, 31, 10)).child  # due end of 29 Apr: due soon
    on_time = accepted(at=local(2026, 3, 24, 10)).child
    supervise(on_time, assessment_manager, local(2026, 4, 28, 10))  # just supervised
    other = accepted(allocated_to=second_worker).child  # 3 Mar: overdue
    supervise(other, assessment_manager, local(2026, 3, 20, 10))  # then due 21 Apr: overdue
    assert {c.child.pk: c.reading.state for c in case_supervisions(allocated_children(), now)} == {
        overdue.pk: ClockState.OVERDUE,
        due_soon.pk: ClockState.DUE_SOON,
        on_time.pk: ClockState.ON_TIME,
        other.pk: ClockState.OVERDUE,
    }
    rows = {r.worker.username: r for r in worker_rows(assessment_manager, now)}
    assert set(rows) == {"assessment_worker", "assessment_worker_2"}  # not the manager
    mine = rows["assessment_worker"]
    assert (mine.overdue, mine.due_soon, mine.on_time, mine.cases) == (1, 1, 1, 3)
    assert mine.last_supervision_at == local(2026, 4, 28, 10)
    theirs = rows["assessment_worker_2"]
    assert (theirs.overdue, theirs.due_soon, theirs.on_time) == (1, 0, 0)
    assert theirs.last_supervision_at == local(2026, 3, 20, 10)
    # The MASH manager supervises the MASH, not the assessment team.
    assert "assessment_worker" not in {r.worker.username for r in worker_rows(mash_manager, now)}
    # The head of service sees every team.
    everyone = {r.worker.username for r in worker_rows(head_of_service, now)}
    assert {"assessment_worker", "assessment_worker_2", "assessment_manager"} <= everyone


def test_the_queues(accepted, assessment_manager, assessment_worker, mash_manager, auditor):
    now = local(2026, 4, 29, 12)
    overdue = accepted().child
    fresh = accepted(at=local(2026, 4, 28, 10)).child
    record = supervise(
        fresh,
        assessment_manager,
        local(2026, 4, 28, 12),
        actions=[ActionDraft("Visit", assessment_worker, local(2026, 4, 28).date())],
    )
    team_items = list(team(assessment_manager, now))
    assert [(i.stage, i.child.pk) for i in team_items] == [(SUPERVISION_DUE, overdue.pk)]
    assert team_items[0].url == f"/children/{overdue.pk}/supervision/new/"
    assert list(team(mash_manager, now)) == [] and list(team(assessment_worker, now)) == []
    mine_items = list(mine(assessment_worker, now))
    assert sorted((i.stage, i.child.pk) for i in mine_items) == sorted(
        [(SUPERVISION_DUE, overdue.pk), (SUPERVISION_DUE, fresh.pk), (ACTION_OPEN, fresh.pk)]
    )
    assert [i.reading.state for i in mine_items if i.stage == ACTION_OPEN] == [ClockState.OVERDUE]
    assert list(mine(auditor, now)) == []
    assert len(list(everything(now))) == 3
    rows = supervision_timeliness(local(2026, 3, 1), now)
    # Still open past due: the overdue case, and the overdue action.
    assert [(t.clock, t.completed, t.met, t.open_overdue) for t in rows] == [
        ("Case supervision", 1, 1, 1),
        ("Supervision actions", 0, 0, 1),
    ]
    assert record.due_at is not None
