"""Strategy discussions through the services: holding one; the happy paths, and every refusal
saving nothing."""

from __future__ import annotations

import pytest

from frontdoor.oversight.services import oversight_record
from frontdoor.strategy.models import DiscussionStatus, S47Enquiry
from frontdoor.strategy.services import discussion_cancel
from frontdoor.strategy.tests.steps import _publish
from frontdoor.testing.factories import actions_of, end_of_day, local
from frontdoor.testing.fixtures import refused

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------ holding it


def test_holding_a_discussion_that_decides_s47_starts_the_enquiry(held):
    discussion = held(rating="RED", s47_kind="joint")

    assert discussion.status == DiscussionStatus.HELD
    assert discussion.held_at == local(2026, 3, 3, 14)
    assert discussion.minutes_due_at == end_of_day(2026, 3, 4)  # 1 working day
    s47 = S47Enquiry.objects.get(start_discussion=discussion)
    assert s47.started_at == discussion.held_at
    assert s47.kind == "joint"
    assert s47.icpc_due_at == end_of_day(2026, 3, 24)  # 15 working days
    assert s47.last_discussion == discussion
    assert actions_of(s47) == ["s47.started"]
    assert "strategy.held" in actions_of(discussion)


@pytest.mark.parametrize(
    ("held_at", "field", "message"),
    [
        (local(2026, 3, 3, 11), "held_at", "before it was decided"),
        (local(2026, 3, 4, 9), "held_at", "in the future"),
    ],
)
def test_held_times_out_of_order_are_refused(convene, attend, hold, held_at, field, message):
    discussion = convene()
    attend(discussion)
    with refused(field, message):
        hold(discussion, held_at=held_at, at=local(2026, 3, 3, 16))


def test_the_outcome_needs_attendance_first(convene, hold):
    discussion = convene()
    with refused(None, "Record who attended"):
        hold(discussion)


def test_a_non_quorate_discussion_needs_a_reason_to_go_ahead(convene, attend, hold):
    discussion = convene()
    attend(discussion, absent=("health",))
    with refused("quorum_reason", "Not quorate: no health"):
        hold(discussion)
    done = hold(discussion, quorum_reason="The health visitor was on leave; GP shared by email.")
    assert done.quorum_reason.startswith("The health visitor")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"contingency_plan": " "}, "contingency_plan"),
        ({"information_shared": ""}, "information_shared"),
        ({"decision": "maybe"}, "decision"),
        ({"s47_kind": ""}, "s47_kind"),
    ],
)
def test_an_incomplete_outcome_is_refused(convene, attend, hold, changes, field):
    discussion = convene()
    attend(discussion)
    with refused(field, ""):
        hold(discussion, **changes)


def test_the_outcome_cannot_be_recorded_twice(held, hold):
    discussion = held()
    with refused(None, "already recorded"):
        hold(discussion)


def test_no_s47_needs_no_oversight_by_default(held):
    discussion = held(decision="no_s47")
    assert discussion.decision == "no_s47" and discussion.s47_kind == ""
    assert not S47Enquiry.objects.exists()


def test_no_s47_needs_oversight_when_the_policy_says_so(convene, attend, hold, mash_manager):
    _publish(oversight={"required_before": ["strategy_no_s47"]})
    discussion = convene()
    attend(discussion)
    with refused(None, "management oversight"):
        hold(discussion, decision="no_s47")
    oversight_record(
        child=discussion.child,
        direction="Agreed: single agency support from school; review in a month.",
        by=mash_manager,
        record_type="strategydiscussion",
        record_id=discussion.pk,
        transition="strategy_no_s47",
        at=local(2026, 3, 3, 14, 30),
    )
    assert hold(discussion, decision="no_s47").status == DiscussionStatus.HELD


def test_a_cancelled_discussion_cannot_be_held(convene, attend, hold, mash_worker):
    discussion = convene()
    attend(discussion)
    discussion_cancel(
        discussion=discussion, reason="Duplicate", by=mash_worker, at=local(2026, 3, 3, 13)
    )
    with refused(None, "cancelled"):
        hold(discussion)
