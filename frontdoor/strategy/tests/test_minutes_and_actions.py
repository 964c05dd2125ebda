"""Strategy discussions through the services: minutes and actions; the happy paths, and every
refusal saving nothing."""

from __future__ import annotations

from datetime import date

import pytest

from frontdoor.outbox.models import Message
from frontdoor.strategy.models import MinutesDistribution
from frontdoor.strategy.services import (
    action_add,
    action_complete,
    minutes_distribute,
    minutes_record,
)
from frontdoor.testing.factories import actions_of, local
from frontdoor.testing.fixtures import refused
from frontdoor.testing.personas import org_agency

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------ minutes


def test_minutes_go_to_the_attending_agencies_and_stop_the_clock(
    convene, attend, hold, mash_worker, police_practitioner, health_practitioner
):
    discussion = convene()
    attend(discussion, absent=("health",))
    hold(discussion, quorum_reason="Health sent a written report.")
    at = local(2026, 3, 4, 10)
    with refused("minutes", "Record the minutes before"):
        minutes_distribute(discussion=discussion, by=mash_worker, at=at)
    minutes_record(discussion=discussion, minutes="Present: SW, police.", by=mash_worker, at=at)

    sent = minutes_distribute(discussion=discussion, by=mash_worker, at=at)

    assert sent.minutes_sent_at == at
    assert sorted(MinutesDistribution.objects.values_list("agency__code", flat=True)) == [
        "council",
        "police",
    ]
    emails = Message.objects.filter(kind="strategy_minutes")
    assert list(emails.values_list("to", flat=True)) == [police_practitioner.email]
    assert "Present" not in emails.get().body  # no child's details by email
    with refused(None, "already sent"):
        minutes_distribute(discussion=discussion, by=mash_worker, at=at)
    with refused(None, "already sent"):
        minutes_record(discussion=discussion, minutes="Changed", by=mash_worker, at=at)
    assert actions_of(discussion)[-2:] == ["strategy.minutes_recorded", "strategy.minutes_sent"]


def test_minutes_need_a_held_discussion_and_text(convene, held, mash_worker):
    convened = convene()
    with refused(None, "outcome of the discussion"):
        minutes_record(discussion=convened, minutes="x", by=mash_worker, at=local(2026, 3, 3, 13))
    discussion = held()
    with refused("minutes", "Enter the minutes"):
        minutes_record(discussion=discussion, minutes=" ", by=mash_worker, at=local(2026, 3, 4, 9))
    with refused("minutes", "earlier than the discussion"):
        minutes_record(discussion=discussion, minutes="x", by=mash_worker, at=local(2026, 3, 3, 13))


# ------------------------------------------------------------------ actions


def test_an_action_without_an_owner_is_refused(held, mash_worker):
    discussion = held()
    at = local(2026, 3, 3, 16)
    with refused("owner", "Every action needs an owner"):
        action_add(
            discussion=discussion,
            description="Visit",
            due_on=date(2026, 3, 5),
            by=mash_worker,
            at=at,
        )
    with refused("owner", "Every action needs an owner"):
        action_add(
            discussion=discussion,
            description="Visit",
            due_on=date(2026, 3, 5),
            owner_agency=org_agency("police"),
            by=mash_worker,
            at=at,
        )


def test_an_action_needs_a_due_date_not_before_the_discussion(
    held, mash_worker, police_practitioner
):
    discussion = held()
    at = local(2026, 3, 3, 16)
    with refused("due_on", "Enter the date"):
        action_add(
            discussion=discussion,
            description="Check PNC",
            due_on=None,
            owner_user=police_practitioner,
            by=mash_worker,
            at=at,
        )
    with refused("due_on", "before the discussion"):
        action_add(
            discussion=discussion,
            description="Check PNC",
            due_on=date(2026, 3, 2),
            owner_user=police_practitioner,
            by=mash_worker,
            at=at,
        )


def test_actions_come_from_a_held_discussion(convene, mash_worker, police_practitioner):
    discussion = convene()
    with refused(None, "record its outcome first"):
        action_add(
            discussion=discussion,
            description="x",
            due_on=date(2026, 3, 5),
            owner_user=police_practitioner,
            by=mash_worker,
            at=local(2026, 3, 3, 13),
        )


def test_an_action_owned_by_a_named_person_is_done_once(held, mash_worker):
    discussion = held()
    action = action_add(
        discussion=discussion,
        description="Health visitor to see the baby",
        due_on=date(2026, 3, 5),
        owner_agency=org_agency("health"),
        owner_name="Jo Visitor",
        by=mash_worker,
        at=local(2026, 3, 3, 16),
    )
    assert action.owner_label == "Jo Visitor (Demo Health Trust)"
    done = action_complete(action=action, by=mash_worker, note="Seen", at=local(2026, 3, 4, 16))
    assert done.completed_at == local(2026, 3, 4, 16)
    with refused(None, "already done"):
        action_complete(action=action, by=mash_worker, at=local(2026, 3, 4, 17))
