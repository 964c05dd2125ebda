"""Caseloads: whose a manager may see, and each worker's open work by clock state."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from frontdoor.clocks import ClockState
from frontdoor.finding.access import can_view_caseload, caseload_workers
from frontdoor.finding.caseload import team_caseloads, worker_caseload
from frontdoor.mash.services import enquiry_allocate
from frontdoor.testing.factories import child_details, local

pytestmark = pytest.mark.django_db

#: Wednesday 4 March 2026, 09:00: the known week's journeys are two days old.
NOW = local(2026, 3, 4, 9)


def _names(users: Any) -> set[str]:
    return {u.username for u in users}


def test_a_manager_sees_their_own_teams_caseloads_and_the_head_of_service_every_team(
    mash_worker: Any,
    mash_worker_2: Any,
    mash_manager: Any,
    assessment_worker: Any,
    assessment_manager: Any,
    contact_officer: Any,
    contact_manager: Any,
    head_of_service: Any,
    police_practitioner: Any,
    auditor: Any,
) -> None:
    assert _names(caseload_workers(mash_manager)) == {
        "mash_worker",
        "mash_worker_2",
        "mash_manager",
    }
    assert _names(caseload_workers(assessment_manager)) == {
        "assessment_worker",
        "assessment_manager",
    }
    assert _names(caseload_workers(contact_manager)) == {"contact_officer", "contact_manager"}
    assert _names(caseload_workers(head_of_service)) == {
        "mash_worker",
        "mash_worker_2",
        "mash_manager",
        "assessment_worker",
        "assessment_manager",
        "contact_officer",
        "contact_manager",
    }
    for nobody in (mash_worker, assessment_worker, police_practitioner, auditor):
        assert not caseload_workers(nobody).exists()
    assert can_view_caseload(mash_manager, mash_worker)
    assert not can_view_caseload(mash_manager, assessment_worker)
    assert not can_view_caseload(assessment_manager, mash_worker)
    assert can_view_caseload(head_of_service, assessment_worker)


def test_a_worker_who_has_left_is_not_listed(mash_manager: Any, mash_worker: Any) -> None:
    mash_worker.is_active = False
    mash_worker.save()
    assert "mash_worker" not in _names(caseload_workers(mash_manager))


def test_a_workers_caseload_is_their_own_queue_counted_by_clock(
    screened_to_mash: Any,
    accepted: Any,
    mash_worker: Any,
    mash_manager: Any,
    assessment_worker: Any,
) -> None:
    red = screened_to_mash(rating="RED", children=[child_details(first_name="Red")])
    green = screened_to_mash(rating="GREEN", children=[child_details(first_name="Green")])
    screened_to_mash(rating="AMBER", children=[child_details(first_name="Nobody")])
    for enquiry in (red, green):
        enquiry_allocate(
            enquiry=enquiry, allocated_to=mash_worker, by=mash_manager, at=local(2026, 3, 2, 12)
        )
    accepted(children=[child_details(first_name="Visit")])
    with time_machine.travel(NOW, tick=False):
        mash = worker_caseload(mash_worker, NOW)
        assessment = worker_caseload(assessment_worker, NOW)
    # Red (4 working hours from Monday 11:00) is overdue; green (72 working hours) is not.
    assert sorted((i.child.first_name, i.reading.state) for i in mash.items) == [
        ("Green", ClockState.ON_TIME),
        ("Red", ClockState.OVERDUE),
    ]
    assert mash.get(ClockState.OVERDUE) == 1 and mash.get(ClockState.ON_TIME) == 1
    assert mash.total == 2 and mash.allocated_children == 0
    # The first visit and the new case's supervision, and one allocated child.
    assert sorted(i.stage for i in assessment.items) == [
        "Awaiting first visit",
        "Case supervision due",
    ]
    assert assessment.allocated_children == 1


def test_a_teams_total_counts_work_waiting_on_several_managers_once(
    decided: Any, mash_manager: Any, mash_manager_2: Any
) -> None:
    decided(children=[child_details(first_name="Signoff")])
    with time_machine.travel(NOW, tick=False):
        (mash,) = team_caseloads(mash_manager, NOW)
    per_person = {c.worker.username: c.total for c in mash.caseloads}
    assert per_person["mash_manager"] == 1 and per_person["mash_manager_2"] == 1
    assert mash.total == 1
    assert sum(mash.counts.values()) == 1
