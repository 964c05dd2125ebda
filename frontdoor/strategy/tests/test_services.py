"""Strategy discussions, section 47 enquiries and conferences through the services: the happy
paths, and every refusal saving nothing."""

from __future__ import annotations

import copy
from datetime import date, timedelta

import pytest

from frontdoor.outbox.models import Message
from frontdoor.oversight.services import oversight_record
from frontdoor.policies.defaults import DEFAULT_OFFICE_HOURS, DEFAULT_RULES
from frontdoor.policies.services import policy_publish
from frontdoor.strategy.models import (
    Attendance,
    Conference,
    DiscussionStatus,
    MinutesDistribution,
    S47Enquiry,
)
from frontdoor.strategy.services import (
    AttendanceRow,
    action_add,
    action_complete,
    attendance_record,
    conference_book,
    conference_record,
    discussion_cancel,
    discussion_convene,
    discussion_invite,
    discussion_quorum,
    minutes_distribute,
    minutes_record,
    s47_outcome_record,
)
from frontdoor.testing.factories import actions_of, end_of_day, local
from frontdoor.testing.fixtures import refused
from frontdoor.testing.personas import org_agency

pytestmark = pytest.mark.django_db


def _publish(**changes):
    rules = copy.deepcopy(DEFAULT_RULES)
    rules.update(changes)
    return policy_publish(
        office_hours=DEFAULT_OFFICE_HOURS,
        rules=rules,
        due_soon_fraction=0.25,
        effective_from=local(2026, 1, 1),
        by=None,
        at=local(2026, 1, 1),
    )


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


# ------------------------------------------------------------------ section 47


def _outcome(s47, by, *, needed=True, at=None, outcome="continuing_risk"):
    at = at or local(2026, 3, 9, 15)
    return s47_outcome_record(
        s47=s47, outcome=outcome, icpc_needed=needed, outcome_at=at, by=by, at=at
    )


def test_a_section_47_outcome_is_recorded_once(held, assessment_worker):
    s47 = S47Enquiry.objects.get(start_discussion=held())
    done = _outcome(s47, assessment_worker)
    assert done.icpc_needed and done.is_open
    with refused(None, "already recorded"):
        _outcome(s47, assessment_worker)


def test_an_outcome_before_the_enquiry_started_is_refused(held, assessment_worker):
    s47 = S47Enquiry.objects.get(start_discussion=held())
    with refused("outcome_at", "earlier than the enquiry started"):
        s47_outcome_record(
            s47=s47,
            outcome="not_substantiated",
            icpc_needed=True,
            outcome_at=local(2026, 3, 3, 13),
            by=assessment_worker,
            at=local(2026, 3, 5, 9),
        )


def test_ending_without_a_conference_needs_a_managers_oversight(
    held, assessment_worker, assessment_manager
):
    s47 = S47Enquiry.objects.get(start_discussion=held())
    with refused(None, "management oversight"):
        _outcome(s47, assessment_worker, needed=False, outcome="not_substantiated")
    oversight_record(
        child=s47.child,
        direction="Agreed: concerns not substantiated; close with early help.",
        by=assessment_manager,
        record_type="s47enquiry",
        record_id=s47.pk,
        transition="s47_no_conference",
        at=local(2026, 3, 9, 14),
    )
    done = _outcome(s47, assessment_worker, needed=False, outcome="not_substantiated")
    assert done.closed_at == local(2026, 3, 9, 15) and not done.is_open


def test_a_conference_is_booked_after_the_outcome_and_not_before_the_discussion(
    held, assessment_worker
):
    s47 = S47Enquiry.objects.get(start_discussion=held())
    at = local(2026, 3, 9, 16)
    with refused(None, "outcome of the section 47 enquiry first"):
        conference_book(s47=s47, scheduled_for=local(2026, 3, 20, 10), by=assessment_worker, at=at)
    _outcome(s47, assessment_worker)
    with refused("scheduled_for", "before the strategy discussion"):
        conference_book(s47=s47, scheduled_for=local(2026, 3, 2, 10), by=assessment_worker, at=at)
    conference = conference_book(
        s47=s47, scheduled_for=local(2026, 3, 20, 10), by=assessment_worker, at=at
    )
    again = conference_book(
        s47=s47, scheduled_for=local(2026, 3, 20, 10), by=assessment_worker, at=at
    )
    assert again.pk == conference.pk and Conference.objects.count() == 1
    moved = conference_book(
        s47=s47, scheduled_for=local(2026, 3, 23, 10), by=assessment_worker, at=at
    )
    assert moved.scheduled_for == local(2026, 3, 23, 10)
    assert actions_of(s47) == [
        "s47.started",
        "s47.outcome",
        "conference.booked",
        "conference.rebooked",
    ]


def _booked(held, worker):
    s47 = S47Enquiry.objects.get(start_discussion=held())
    _outcome(s47, worker)
    return conference_book(
        s47=s47, scheduled_for=local(2026, 3, 20, 10), by=worker, at=local(2026, 3, 9, 16)
    )


def test_an_icpc_before_its_strategy_discussion_is_refused(held, assessment_worker):
    conference = _booked(held, assessment_worker)
    with refused("held_at", "before the strategy discussion"):
        conference_record(
            conference=conference,
            held_at=local(2026, 3, 3, 9),
            plan=True,
            category="NEG",
            by=assessment_worker,
            at=local(2026, 3, 20, 12),
        )


def test_a_plan_needs_a_category_and_the_conference_closes_the_enquiry(held, assessment_worker):
    conference = _booked(held, assessment_worker)
    at = local(2026, 3, 20, 12)
    with refused("category", "category of abuse"):
        conference_record(
            conference=conference,
            held_at=local(2026, 3, 20, 10),
            plan=True,
            by=assessment_worker,
            at=at,
        )
    with refused("held_at", "in the future"):
        conference_record(
            conference=conference,
            held_at=local(2026, 3, 20, 13),
            plan=True,
            category="PHY",
            by=assessment_worker,
            at=at,
        )
    done = conference_record(
        conference=conference,
        held_at=local(2026, 3, 20, 10),
        plan=True,
        category="PHY",
        by=assessment_worker,
        at=at,
    )
    assert done.plan and done.category == "PHY"
    s47 = S47Enquiry.objects.get(pk=conference.s47_id)
    assert s47.closed_at == local(2026, 3, 20, 10)
    with refused(None, "already recorded"):
        conference_record(
            conference=conference,
            held_at=local(2026, 3, 20, 10),
            plan=True,
            category="PHY",
            by=assessment_worker,
            at=at,
        )


def test_no_plan_is_allowed_by_default_and_drops_any_category(held, assessment_worker):
    conference = _booked(held, assessment_worker)
    done = conference_record(
        conference=conference,
        held_at=local(2026, 3, 20, 10),
        plan=False,
        category="NEG",
        by=assessment_worker,
        at=local(2026, 3, 20, 12),
    )
    assert done.plan is False and done.category == ""


def test_no_plan_needs_oversight_when_the_policy_says_so(held, assessment_worker):
    _publish(oversight={"required_before": ["icpc_no_plan"]})
    conference = _booked(held, assessment_worker)
    with refused(None, "management oversight"):
        conference_record(
            conference=conference,
            held_at=local(2026, 3, 20, 10),
            plan=False,
            by=assessment_worker,
            at=local(2026, 3, 20, 12),
        )


# ------------------------------------------------------------------ reconvened


def test_a_reconvened_discussion_moves_the_conference_due_date(signed_off, convene, attend, hold):
    decision = signed_off(outcome="s47", rating="RED")
    first = convene(decision=decision)
    attend(first)
    hold(first, s47_kind="single")
    s47 = S47Enquiry.objects.get(start_discussion=first)
    assert s47.icpc_due_at == end_of_day(2026, 3, 24)

    # New information a week later: the police join in; the ICPC runs from this one.
    later = local(2026, 3, 10, 9)
    second = convene(decision=decision, decided_at=later, at=later + timedelta(minutes=10))
    assert second.s47 == s47
    attend(second)
    hold(second, s47_kind="joint", held_at=local(2026, 3, 10, 14), at=local(2026, 3, 10, 15))

    s47.refresh_from_db()
    assert s47.last_discussion == second
    assert s47.icpc_due_at == end_of_day(2026, 3, 31)  # 15 working days from 10 March
    assert s47.kind == "joint"
    assert S47Enquiry.objects.count() == 1
    assert actions_of(s47) == ["s47.started", "s47.icpc_due_moved"]


def test_the_icpc_must_follow_the_last_discussion(
    signed_off, convene, attend, hold, assessment_worker
):
    decision = signed_off(outcome="s47")
    first = convene(decision=decision)
    attend(first)
    hold(first)
    s47 = S47Enquiry.objects.get(start_discussion=first)
    later = local(2026, 3, 10, 9)
    second = convene(decision=decision, decided_at=later, at=later)
    attend(second)
    hold(second, held_at=local(2026, 3, 10, 14), at=local(2026, 3, 10, 15))
    _outcome(s47, assessment_worker, at=local(2026, 3, 11, 9))
    conference = conference_book(
        s47=s47,
        scheduled_for=local(2026, 3, 20, 10),
        by=assessment_worker,
        at=local(2026, 3, 11, 9),
    )
    with refused("held_at", "before the strategy discussion"):
        conference_record(
            conference=conference,
            held_at=local(2026, 3, 9, 10),
            plan=True,
            category="EMO",
            by=assessment_worker,
            at=local(2026, 3, 20, 12),
        )


def test_attendance_values_are_checked(convene, mash_worker):
    discussion = convene()
    with refused("attendance", "attended"):
        attendance_record(
            discussion=discussion,
            rows=[AttendanceRow(agency=org_agency("police"), attendance="maybe")],
            by=mash_worker,
            at=local(2026, 3, 3, 14),
        )
    assert Attendance.ATTENDED == "attended"
