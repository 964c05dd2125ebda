"""Strategy discussions through the services: convening, invitations and attendance; the happy
paths, and every refusal saving nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from frontdoor.policies.defaults import DEFAULT_RULES
from frontdoor.strategy.models import DiscussionStatus
from frontdoor.strategy.services import (
    AttendanceRow,
    attendance_record,
    discussion_cancel,
    discussion_convene,
    discussion_invite,
    discussion_quorum,
)
from frontdoor.strategy.tests.steps import _publish
from frontdoor.testing.factories import actions_of, end_of_day, local
from frontdoor.testing.fixtures import refused
from frontdoor.testing.personas import org_agency

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------ convening


def test_a_discussion_convened_from_a_mash_decision_runs_from_its_sign_off(convene):
    discussion = convene(rating="AMBER")

    assert discussion.status == DiscussionStatus.CONVENED
    assert discussion.decided_at == local(2026, 3, 3, 12)
    assert discussion.due_at == end_of_day(2026, 3, 4)  # 1 working day
    assert discussion.referral_id == discussion.enquiry.referral_id
    assert sorted(discussion.invitations.values_list("agency__code", flat=True)) == [
        "council",
        "health",
        "police",
    ]
    assert actions_of(discussion) == ["strategy.convened"] + ["strategy.invited"] * 3


def test_a_red_discussion_is_due_the_same_working_day(convene):
    assert convene(rating="RED").due_at == end_of_day(2026, 3, 3)


def test_red_decided_on_a_friday_afternoon_is_still_due_that_friday(signed_off, convene):
    decision = signed_off(outcome="s47", rating="RED")
    friday = local(2026, 3, 6, 16)

    red = convene(decision=decision, decided_at=friday, at=friday + timedelta(minutes=5))
    assert red.due_at == end_of_day(2026, 3, 6)


def test_amber_decided_on_a_friday_afternoon_is_due_on_monday(signed_off, convene):
    decision = signed_off(outcome="s47", rating="AMBER")
    friday = local(2026, 3, 6, 16)

    amber = convene(decision=decision, decided_at=friday, at=friday + timedelta(minutes=5))
    assert amber.due_at == end_of_day(2026, 3, 9)


def test_amber_before_easter_skips_good_friday_and_easter_monday(signed_off, convene):
    decision = signed_off(outcome="s47", rating="AMBER", received_at=local(2026, 4, 1, 10))
    assert decision.signed_off_at == local(2026, 4, 2, 12)

    assert convene(decision=decision).due_at == end_of_day(2026, 4, 7)


def test_the_strategy_timescale_is_policy(signed_off, convene):
    _publish(
        strategy={r: {"duration": 2, "unit": "working_days"} for r in DEFAULT_RULES["strategy"]}
    )

    assert convene(rating="RED").due_at == end_of_day(2026, 3, 5)


def test_a_discussion_on_an_open_case_runs_from_when_it_is_convened(accepted, convene):
    transfer = accepted(outcome="s47", rating="GREEN")
    at = local(2026, 3, 5, 9)

    discussion = convene(transfer=transfer, at=at)

    assert discussion.transfer == transfer and discussion.enquiry is None
    assert discussion.decided_at == at
    assert discussion.due_at == end_of_day(2026, 3, 6)


def test_a_transfer_not_yet_accepted_cannot_have_one(transferred, convene):
    transfer = transferred(outcome="s47")
    with refused(None, "accepted transfer"):
        convene(transfer=transfer, at=local(2026, 3, 4, 9))


def test_a_decision_not_signed_off_cannot_have_one(decided, mash_worker):
    decision = decided(outcome="s47")
    with refused(None, "signed off"):
        discussion_convene(
            enquiry=decision.enquiry, reason="x", by=mash_worker, at=local(2026, 3, 3, 11)
        )


def test_a_decision_that_is_not_section_47_cannot_have_one(signed_off, convene):
    decision = signed_off(outcome="s17")
    with refused(None, "does not lead to a strategy discussion"):
        convene(decision=decision)


@pytest.mark.parametrize(
    ("decided_at", "message"),
    [
        (local(2026, 3, 3, 13), "cannot be in the future"),
        (local(2026, 3, 1, 9), "earlier than the referral"),
    ],
)
def test_the_decision_to_hold_one_must_fall_between_the_referral_and_now(
    signed_off, convene, decided_at, message
):
    decision = signed_off(outcome="s47")
    with refused("decided_at", message):
        convene(decision=decision, decided_at=decided_at, at=local(2026, 3, 3, 12, 30))


def test_a_reason_is_required(signed_off, convene):
    decision = signed_off(outcome="s47")
    with refused("reason", "why a strategy discussion is needed"):
        convene(decision=decision, reason="  ")


def test_a_second_convened_discussion_for_the_same_referral_is_refused(signed_off, convene):
    decision = signed_off(outcome="s47")
    convene(decision=decision)
    with refused(None, "already convened"):
        convene(decision=decision, at=local(2026, 3, 3, 13))


def test_after_cancelling_another_can_be_convened(signed_off, convene, mash_worker):
    decision = signed_off(outcome="s47")
    first = convene(decision=decision)
    with refused("cancel_reason", "why"):
        discussion_cancel(discussion=first, reason="", by=mash_worker, at=local(2026, 3, 3, 13))
    discussion_cancel(
        discussion=first, reason="Police not available", by=mash_worker, at=local(2026, 3, 3, 13)
    )
    second = convene(decision=decision, at=local(2026, 3, 3, 13, 5))
    assert second.pk != first.pk
    assert "strategy.cancelled" in actions_of(first)


# ------------------------------------------------------------------ invitations and attendance


def test_an_invitation_needs_an_agency_and_one_per_agency(convene, mash_worker):
    discussion = convene(agencies=("council", "police"))
    at = local(2026, 3, 3, 13)
    with refused("agency", "Select the agency"):
        discussion_invite(discussion=discussion, agency=None, by=mash_worker, at=at)
    with refused("agency", "already invited"):
        discussion_invite(discussion=discussion, agency=org_agency("police"), by=mash_worker, at=at)
    invitation = discussion_invite(
        discussion=discussion,
        agency=org_agency("health"),
        person_name="Dr Rao",
        person_role="Named doctor",
        by=mash_worker,
        at=at,
    )
    assert invitation.person_name == "Dr Rao"


def test_attendance_without_an_agency_is_refused(convene, mash_worker):
    discussion = convene()
    rows = [
        AttendanceRow(agency=org_agency("police"), attendance="attended"),
        AttendanceRow(agency=None, attendance="attended", person_name="Someone"),
    ]
    with refused("agency", "Select the agency"):
        attendance_record(
            discussion=discussion, rows=rows, by=mash_worker, at=local(2026, 3, 3, 14)
        )


def test_all_three_statutory_agencies_make_it_quorate(convene, attend):
    discussion = convene()
    assert discussion_quorum(discussion).label == "Attendance not recorded"
    attend(discussion)
    quorum = discussion_quorum(discussion)
    assert quorum.quorate and quorum.label == "Quorate"
    assert "strategy.attendance" in actions_of(discussion)


def test_without_police_it_is_not_quorate(convene, attend):
    discussion = convene()
    attend(discussion, absent=("police",))
    assert discussion_quorum(discussion).label == "Not quorate: no police"


def test_without_police_or_health_both_are_named(convene, attend):
    discussion = convene(agencies=("council",))
    attend(discussion)
    assert discussion_quorum(discussion).label == "Not quorate: no police or health"


def test_an_agency_that_joined_uninvited_is_recorded(convene, attend, mash_worker):
    discussion = convene(agencies=("council", "police"))
    attendance_record(
        discussion=discussion,
        rows=[
            AttendanceRow(agency=org_agency("council"), attendance="attended"),
            AttendanceRow(agency=org_agency("police"), attendance="attended"),
            AttendanceRow(
                agency=org_agency("health"), attendance="attended", person_name="Nurse Ali"
            ),
        ],
        by=mash_worker,
        at=local(2026, 3, 3, 14),
    )
    assert discussion_quorum(discussion).quorate
    assert discussion.invitations.get(agency__code="health").person_name == "Nurse Ali"
