"""Case supervision: recording it (with its actions, in one go) and marking actions done."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from frontdoor.audit.models import AccessLogEntry
from frontdoor.oversight.models import SupervisionAction, SupervisionRecord
from frontdoor.oversight.services import (
    ActionDraft,
    supervision_action_complete,
    supervision_record,
)
from frontdoor.oversight.tests.conftest import REFLECTION
from frontdoor.testing.factories import actions_of, end_of_day, events_of, local
from frontdoor.testing.fixtures import refused

pytestmark = pytest.mark.django_db

HELD = local(2026, 3, 20, 10)  # Fri, after the default allocation (Tue 3 Mar 15:00)
AT = local(2026, 3, 20, 12)


def record(child: Any, by: Any, **overrides: Any) -> SupervisionRecord:
    values: dict[str, Any] = {
        "child": child,
        "held_at": HELD,
        "by": by,
        "at": AT,
        **REFLECTION,
    }
    values.update(overrides)
    return supervision_record(**values)


def test_a_manager_records_supervision_with_actions_in_one_go(
    accepted, assessment_manager, assessment_worker
):
    child = accepted().child
    saved = record(
        child,
        assessment_manager,
        actions=[
            ActionDraft("Joint visit with police", assessment_worker, date(2026, 3, 25)),
            ActionDraft("Ask the GP for the health history", assessment_manager, date(2026, 3, 27)),
        ],
    )
    assert saved.worker == assessment_worker and saved.supervisor == assessment_manager
    # The clock it completed ran from the allocation (Tue 3 Mar 15:00): 20 working days.
    assert saved.clock_started_at == local(2026, 3, 3, 15)
    assert saved.due_at == end_of_day(2026, 3, 31)
    # The next runs from the supervision: 20 working days, across Good Friday and Easter Monday.
    assert saved.next_due_at == end_of_day(2026, 4, 21)
    actions = list(saved.actions.order_by("id"))
    assert [a.description for a in actions] == [
        "Joint visit with police",
        "Ask the GP for the health history",
    ]
    assert actions[0].due_at == end_of_day(2026, 3, 25)
    assert actions_of(saved) == ["supervision.recorded"]
    event = events_of(saved)[0]
    assert event.child_id == child.pk and "2 actions agreed" in event.summary
    assert AccessLogEntry.objects.filter(
        record_type="supervisionrecord", record_id=saved.pk, child=child, action="change"
    ).exists()


def test_the_head_of_service_may_supervise_any_team(accepted, head_of_service):
    saved = record(accepted().child, head_of_service)
    assert saved.supervisor == head_of_service


def test_supervision_held_in_the_future_is_refused(accepted, assessment_manager):
    child = accepted().child
    with refused("held_at", "today or in the past"):
        record(child, assessment_manager, held_at=local(2026, 3, 20, 13))


def test_supervision_before_the_case_was_allocated_is_refused(accepted, assessment_manager):
    child = accepted().child
    with refused("held_at", "before the case was allocated"):
        record(child, assessment_manager, held_at=local(2026, 3, 3, 14))


def test_a_worker_cannot_record_supervision(accepted, assessment_worker):
    child = accepted().child
    with refused(None, "Only a manager"):
        record(child, assessment_worker)


def test_a_manager_cannot_supervise_themself(accepted, assessment_manager):
    child = accepted(allocated_to=assessment_manager).child
    with refused(None, "cannot supervise yourself"):
        record(child, assessment_manager)


def test_a_manager_of_another_team_cannot_record_it(accepted, mash_manager):
    child = accepted().child
    with refused(None, "workers you supervise"):
        record(child, mash_manager)


def test_an_unallocated_case_has_no_supervision(transferred, assessment_manager):
    child = transferred().child
    with refused(None, "not allocated"):
        record(child, assessment_manager)


@pytest.mark.parametrize("field", list(REFLECTION))
def test_each_part_of_the_reflective_discussion_is_needed(accepted, assessment_manager, field):
    child = accepted().child
    with refused(field, "Enter"):
        record(child, assessment_manager, **{field: "  "})


def test_actions_without_owners_are_refused(accepted, assessment_manager, assessment_worker):
    child = accepted().child
    with refused("actions", "actions need an owner"):
        record(
            child,
            assessment_manager,
            actions=[
                ActionDraft("Visit", assessment_worker, date(2026, 3, 25)),
                ActionDraft("Chase the school", None, date(2026, 3, 25)),
            ],
        )


def test_actions_without_due_dates_are_refused(accepted, assessment_manager, assessment_worker):
    child = accepted().child
    with refused("actions", "Enter when action 1 is due"):
        record(child, assessment_manager, actions=[ActionDraft("Visit", assessment_worker, None)])


def test_an_action_due_before_the_supervision_is_refused(
    accepted, assessment_manager, assessment_worker
):
    child = accepted().child
    with refused("actions", "cannot be due before the supervision"):
        record(
            child,
            assessment_manager,
            actions=[ActionDraft("Visit", assessment_worker, date(2026, 3, 19))],
        )


def test_an_action_with_no_description_is_refused(accepted, assessment_manager, assessment_worker):
    child = accepted().child
    with refused("actions", "Enter what action 1 is"):
        record(
            child, assessment_manager, actions=[ActionDraft(" ", assessment_worker, date.today())]
        )


def test_recording_the_same_supervision_twice_is_refused(accepted, assessment_manager):
    child = accepted().child
    record(child, assessment_manager)
    with refused(None, "already been recorded"):
        record(child, assessment_manager)
    assert SupervisionRecord.objects.count() == 1


def _action(accepted: Any, manager: Any, owner: Any) -> SupervisionAction:
    saved = record(
        accepted().child,
        manager,
        actions=[ActionDraft("Joint visit with police", owner, date(2026, 3, 25))],
    )
    return saved.actions.get()


def test_the_owner_marks_an_action_done(accepted, assessment_manager, assessment_worker):
    action = _action(accepted, assessment_manager, assessment_worker)
    done = supervision_action_complete(
        action=action, by=assessment_worker, at=local(2026, 3, 24, 9)
    )
    assert done.completed_at == local(2026, 3, 24, 9) and done.completed_by == assessment_worker
    assert actions_of(done) == ["supervision.action_completed"]
    assert events_of(done)[0].child_id == action.supervision.child_id


def test_the_manager_may_mark_it_done_too(accepted, assessment_manager, assessment_worker):
    action = _action(accepted, assessment_manager, assessment_worker)
    supervision_action_complete(action=action, by=assessment_manager, at=local(2026, 3, 24))


def test_marking_an_action_done_twice_is_refused(accepted, assessment_manager, assessment_worker):
    action = _action(accepted, assessment_manager, assessment_worker)
    supervision_action_complete(action=action, by=assessment_worker, at=local(2026, 3, 24))
    with refused(None, "already marked as done"):
        supervision_action_complete(action=action, by=assessment_worker, at=local(2026, 3, 25))


@pytest.mark.parametrize("who", ["auditor", "mash_manager", "second_worker"])
def test_others_cannot_mark_an_action_done(
    accepted, assessment_manager, assessment_worker, request, who
):
    action = _action(accepted, assessment_manager, assessment_worker)
    user = request.getfixturevalue(who)
    with refused(None, "owner or their manager"):
        supervision_action_complete(action=action, by=user, at=local(2026, 3, 24))


def test_an_action_cannot_be_done_before_its_supervision(
    accepted, assessment_manager, assessment_worker
):
    action = _action(accepted, assessment_manager, assessment_worker)
    with refused(None, "before the supervision"):
        supervision_action_complete(action=action, by=assessment_worker, at=local(2026, 3, 19))


def test_the_events_appear_in_the_childs_oversight_chronology(
    accepted, assessment_manager, assessment_worker
):
    from frontdoor.people.chronology import category_of

    action = _action(accepted, assessment_manager, assessment_worker)
    supervision_action_complete(action=action, by=assessment_worker, at=local(2026, 3, 24))
    assert category_of("supervision.recorded").key == "oversight"
    assert category_of("supervision.action_completed").key == "oversight"


def test_validation_errors_are_raised_together(accepted, assessment_manager):
    child = accepted().child
    with pytest.raises(ValidationError) as excinfo:
        record(
            child,
            assessment_manager,
            worries="",
            analysis="",
            actions=[ActionDraft("", None, None)],
        )
    assert {"worries", "analysis", "actions"} <= set(excinfo.value.message_dict)
