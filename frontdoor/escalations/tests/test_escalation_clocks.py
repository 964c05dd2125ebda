"""Each stage of an escalation has its own clock, through the policy engine."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from frontdoor.clocks import ClockState
from frontdoor.escalations.models import Escalation
from frontdoor.escalations.queues import everything, my_items, team_items, timeliness
from frontdoor.escalations.selectors import current_clock, escalation_stages
from frontdoor.escalations.services import escalation_respond
from frontdoor.escalations.tests.helpers import raised
from frontdoor.mash.models import Decision
from frontdoor.policies.defaults import DEFAULT_OFFICE_HOURS, DEFAULT_RULES
from frontdoor.policies.services import policy_publish
from frontdoor.testing.factories import end_of_day, local, request_sent

pytestmark = pytest.mark.django_db


@pytest.fixture
def decision(screened_to_mash: Callable[..., Any], signed_off: Callable[..., Any]) -> Decision:
    enquiry = screened_to_mash()
    request_sent(enquiry=enquiry, agency="police")
    result: Decision = signed_off(outcome="nfa", enquiry=enquiry)
    return result


def _escalate(escalation: Escalation, by: Any, at: Any) -> Escalation:
    return escalation_respond(
        escalation=escalation,
        stage=escalation.stage,
        result="escalated",
        response="Needs the next stage.",
        by=by,
        at=at,
    )


def test_each_stage_is_due_by_its_own_timescale(
    decision: Decision,
    police_practitioner: Any,
    mash_worker: Any,
    mash_manager: Any,
    head_of_service: Any,
) -> None:
    # Wed 4 Mar 2026 10:00: practitioner 2 working days -> end of Fri 6 Mar.
    escalation = raised(decision, police_practitioner, at=local(2026, 3, 4, 10))
    assert escalation.stage_due_at == end_of_day(2026, 3, 6)
    # Thu 5 Mar: team manager 3 working days (over the weekend) -> end of Tue 10 Mar.
    escalation = _escalate(escalation, mash_worker, local(2026, 3, 5, 9))
    assert escalation.stage_due_at == end_of_day(2026, 3, 10)
    # Fri 6 Mar: head of service 5 working days -> end of Fri 13 Mar.
    escalation = _escalate(escalation, mash_manager, local(2026, 3, 6, 15))
    assert escalation.stage_due_at == end_of_day(2026, 3, 13)
    # Mon 9 Mar: partnership 10 working days -> end of Mon 23 Mar.
    escalation = _escalate(escalation, head_of_service, local(2026, 3, 9, 11))
    assert escalation.stage_due_at == end_of_day(2026, 3, 23)
    dues = [row.due_at for row, _ in escalation_stages(escalation, local(2026, 3, 9, 12))]
    assert dues == [
        end_of_day(2026, 3, 6),
        end_of_day(2026, 3, 10),
        end_of_day(2026, 3, 13),
        end_of_day(2026, 3, 23),
    ]


def test_bank_holidays_do_not_count(decision: Decision, police_practitioner: Any) -> None:
    # Thu 2 Apr 2026; Good Friday 3 Apr and Easter Monday 6 Apr are bank holidays:
    # 2 working days -> Tue 7, Wed 8 Apr.
    escalation = raised(decision, police_practitioner, at=local(2026, 4, 2, 10))
    assert escalation.stage_due_at == end_of_day(2026, 4, 8)


def test_stage_clocks_read_on_time_overdue_met_and_late(
    decision: Decision, police_practitioner: Any, mash_worker: Any, mash_manager: Any
) -> None:
    escalation = raised(decision, police_practitioner, at=local(2026, 3, 4, 10))
    assert current_clock(escalation, local(2026, 3, 4, 11)).state == ClockState.ON_TIME
    assert current_clock(escalation, local(2026, 3, 9, 9)).state == ClockState.OVERDUE
    escalation = _escalate(escalation, mash_worker, local(2026, 3, 9, 10))  # answered late
    rows = escalation_stages(escalation, local(2026, 3, 9, 11))
    assert [reading.state for _, reading in rows] == [ClockState.MET_LATE, ClockState.ON_TIME]
    escalation_respond(
        escalation=escalation,
        stage="team_manager",
        result="resolved",
        response="Agreed with the referrer.",
        learning="Answer escalations in time.",
        by=mash_manager,
        at=local(2026, 3, 9, 12),
    )
    (row,) = timeliness(local(2026, 3, 1), local(2026, 3, 9, 13))
    assert (row.completed, row.met, row.open_overdue) == (2, 1, 0)


def test_a_stage_keeps_the_policy_it_started_under(
    decision: Decision, police_practitioner: Any, mash_worker: Any, administrator: Any
) -> None:
    escalation = raised(decision, police_practitioner, at=local(2026, 3, 4, 10))
    rules = copy.deepcopy(DEFAULT_RULES)
    rules["escalation"]["team_manager"] = {"duration": 1, "unit": "working_days"}
    rules["escalation"]["practitioner"] = {"duration": 9, "unit": "working_days"}
    policy_publish(
        office_hours=DEFAULT_OFFICE_HOURS,
        rules=rules,
        due_soon_fraction=0.25,
        effective_from=local(2026, 3, 5),
        by=administrator,
        at=local(2026, 3, 4, 12),
    )

    escalation = _escalate(escalation, mash_worker, local(2026, 3, 5, 9))

    first, second = escalation.stages.order_by("started_at")
    assert first.due_at == end_of_day(2026, 3, 6)  # unchanged: the old version's 2 days
    assert second.due_at == end_of_day(2026, 3, 6)  # the new version's 1 day
    assert first.policy_id != second.policy_id


def test_queues_show_open_escalations_to_the_owners_of_the_current_stage(
    decision: Decision,
    police_practitioner: Any,
    mash_worker: Any,
    mash_worker_2: Any,
    mash_manager: Any,
    head_of_service: Any,
    assessment_manager: Any,
) -> None:
    escalation = raised(decision, police_practitioner, at=local(2026, 3, 4, 10))
    now = local(2026, 3, 4, 11)
    (item,) = everything(now)
    assert item.reference == escalation.reference and item.stage.startswith("Escalation")
    assert item.reading.due_at == escalation.stage_due_at
    assert [i.reference for i in my_items(mash_worker, now)] == [escalation.reference]
    assert list(my_items(mash_worker_2, now)) == []
    assert [i.reference for i in team_items(mash_manager, now)] == [escalation.reference]
    assert list(my_items(mash_manager, now)) == []
    assert list(team_items(head_of_service, now)) == []
    assert list(team_items(assessment_manager, now)) == []
    assert list(team_items(police_practitioner, now)) == []

    _escalate(escalation, mash_worker, now + timedelta(hours=1))
    assert [i.reference for i in my_items(mash_manager, now)] == [escalation.reference]
    assert list(my_items(mash_worker, now)) == []
