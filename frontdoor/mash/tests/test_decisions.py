"""MASH decisions and their sign-off (frontdoor.mash.services)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from frontdoor.mash.models import Decision, DecisionOutcome, EnquiryStatus
from frontdoor.mash.services import decision_record, decision_sign_off
from frontdoor.outbox.models import Message
from frontdoor.testing.factories import access_entries_of, end_of_day, events_of, local
from frontdoor.testing.fixtures import refused, snapshot

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- decision_record


@pytest.mark.parametrize(
    ("rating", "due"),
    [
        pytest.param("RED", local(2026, 3, 3, 12), id="red-2-hours"),
        pytest.param("AMBER", local(2026, 3, 3, 14), id="amber-4-working-hours"),
        pytest.param("GREEN", end_of_day(2026, 3, 4), id="green-1-working-day"),
        pytest.param("BLUE", end_of_day(2026, 3, 4), id="blue-1-working-day"),
    ],
)
def test_a_decision_waits_for_sign_off_within_the_ratings_timescale(
    screened_to_mash, mash_worker, rating, due
):
    enquiry = screened_to_mash(rating=rating)
    at = local(2026, 3, 3, 10)

    decision = decision_record(
        enquiry=enquiry,
        outcome="s17",
        rationale="Threshold met",
        referrer_feedback="Thanks",
        by=mash_worker,
        at=at,
    )

    assert decision.signoff_due_at == due
    assert (decision.recorded_by, decision.recorded_at) == (mash_worker, at)
    assert decision.signed_off_at is None
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.completed_at) == (EnquiryStatus.DECIDED, at)


def test_recording_a_decision_appends_an_event_and_logs_the_change(screened_to_mash, mash_worker):
    enquiry = screened_to_mash()
    at = local(2026, 3, 3, 10)

    decision_record(
        enquiry=enquiry,
        outcome="s47",
        rationale="Significant harm",
        referrer_feedback="Thanks",
        by=mash_worker,
        at=at,
    )

    recorded = events_of(enquiry)[-1]
    assert recorded.action == "decision.recorded"
    assert (recorded.actor, recorded.at, recorded.reason) == (mash_worker, at, "Significant harm")
    assert recorded.before == {"status": "open"}
    assert recorded.after == {"status": "decided", "outcome": "s47"}
    assert access_entries_of(enquiry)[-1].at == at


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        pytest.param({"outcome": "maybe"}, "outcome", "Select the decision", id="bad-outcome"),
        pytest.param({"rationale": ""}, "rationale", "Enter the rationale", id="no-rationale"),
        pytest.param(
            {"referrer_feedback": " "}, "referrer_feedback", "Enter the feedback", id="no-feedback"
        ),
        pytest.param(
            {"at": local(2026, 3, 2, 10, 59)},
            "outcome",
            "earlier than the enquiry began",
            id="before-the-enquiry",
        ),
    ],
)
def test_an_invalid_decision_is_refused_and_nothing_is_saved(
    screened_to_mash, mash_worker, kwargs, field, message
):
    enquiry = screened_to_mash()
    before = snapshot(enquiry)
    values = {
        "outcome": "s17",
        "rationale": "Threshold met",
        "referrer_feedback": "Thanks",
        "at": local(2026, 3, 3, 10),
        **kwargs,
    }

    with refused(field, message):
        decision_record(enquiry=enquiry, by=mash_worker, **values)

    assert snapshot(enquiry) == before


def test_an_enquiry_gets_only_one_decision(decided, mash_worker):
    decision = decided()

    with refused(None, "already has a decision"):
        decision_record(
            enquiry=decision.enquiry,
            outcome="nfa",
            rationale="x",
            referrer_feedback="y",
            by=mash_worker,
            at=local(2026, 3, 3, 11),
        )


# ---------------------------------------------------------------- decision_sign_off


def test_a_manager_signs_off_a_transfer_decision_and_the_enquiry_waits_for_the_transfer(
    decided, mash_manager
):
    decision = decided(outcome="s17")
    at = local(2026, 3, 3, 12)

    decision = decision_sign_off(
        decision=decision, oversight="Agreed, allocate for assessment", by=mash_manager, at=at
    )

    decision.refresh_from_db()
    assert (decision.signed_off_by, decision.signed_off_at) == (mash_manager, at)
    assert decision.oversight == "Agreed, allocate for assessment"
    assert (decision.status, decision.reviewed_by, decision.reviewed_at) == (
        "signed_off",
        mash_manager,
        at,
    )
    # AMBER: the transfer request is due 4 working hours after sign-off.
    assert decision.transfer_due_at == local(2026, 3, 3, 16)
    assert decision.enquiry.status == EnquiryStatus.DECIDED
    assert not decision.enquiry.referral.nfa
    signed = events_of(decision.enquiry)[-1]
    assert (signed.action, signed.actor, signed.at) == ("decision.signed_off", mash_manager, at)
    assert signed.after == {
        "signed_off_by": mash_manager.pk,
        "outcome": "s17",
        "transfer_due_at": "2026-03-03T16:00:00+00:00",
        "enquiry": "decided",
    }
    assert signed.reason == "Agreed, allocate for assessment"
    # The referrer is set to be told: emailed, and not "given" until the email is sent.
    [feedback] = decision.enquiry.referral.contact_child.feedback.filter(stage="mash_decision")
    assert feedback.source == f"decision:{decision.pk}"
    assert feedback.text == decision.referrer_feedback
    assert feedback.email_message is not None and feedback.given_at is None
    assert access_entries_of(decision.enquiry)[-1].user == mash_manager


@pytest.mark.parametrize(
    ("outcome", "nfa"),
    [
        (DecisionOutcome.NFA, True),
        (DecisionOutcome.ADVICE, True),
        (DecisionOutcome.EARLY_HELP, False),
        (DecisionOutcome.OTHER_SERVICE, False),
    ],
)
def test_signing_off_a_decision_that_ends_at_the_front_door_closes_the_enquiry(
    signed_off, outcome, nfa
):
    decision = signed_off(outcome=outcome)

    enquiry = decision.enquiry
    enquiry.refresh_from_db()
    enquiry.referral.refresh_from_db()
    assert enquiry.status == EnquiryStatus.CLOSED
    assert enquiry.referral.nfa is nfa


def test_the_author_of_a_decision_cannot_sign_it_off(decided, mash_manager):
    decision = decided(by=mash_manager)
    before = snapshot(decision)

    with refused("oversight", "other than the decision's author"):
        decision_sign_off(
            decision=decision, oversight="Agreed", by=mash_manager, at=local(2026, 3, 3, 12)
        )

    assert snapshot(decision) == before


def test_sign_off_cannot_be_earlier_than_the_decision(decided, mash_manager):
    decision = decided()

    with refused("oversight", "earlier than the decision"):
        decision_sign_off(
            decision=decision,
            oversight="Agreed",
            by=mash_manager,
            at=decision.recorded_at - timedelta(seconds=1),
        )


def test_sign_off_needs_the_managers_oversight(decided, mash_manager):
    decision = decided()

    with refused("oversight", "Enter your management oversight"):
        decision_sign_off(decision=decision, oversight=" ", by=mash_manager)


def test_a_decision_is_signed_off_once(signed_off, mash_manager_2):
    decision = signed_off()

    with refused(None, "already been signed off"):
        decision_sign_off(
            decision=decision, oversight="Again", by=mash_manager_2, at=local(2026, 3, 3, 13)
        )


def test_the_referrer_is_emailed_the_feedback_after_sign_off(
    decided, mash_manager, mailoutbox, django_capture_on_commit_callbacks
):
    decision = decided(referrer_feedback="Thank you: the family will be offered an assessment.")

    with django_capture_on_commit_callbacks(execute=True):
        decision_sign_off(
            decision=decision, oversight="Agreed", by=mash_manager, at=local(2026, 3, 3, 12)
        )

    (email,) = mailoutbox
    contact = decision.enquiry.referral.contact_child.contact
    assert email.to == ["dsl@school.example.org"]
    assert contact.reference in email.subject
    assert "Thank you: the family will be offered an assessment." in email.body
    child = decision.enquiry.child
    assert child.first_name not in email.body and child.last_name not in email.body


def test_no_feedback_email_is_sent_when_the_referrer_gave_no_email(
    screened_to_mash, decided, mash_manager, mailoutbox, django_capture_on_commit_callbacks
):
    decision = decided(enquiry=screened_to_mash(referrer_email=""))

    with django_capture_on_commit_callbacks(execute=True):
        decision_sign_off(
            decision=decision, oversight="Agreed", by=mash_manager, at=local(2026, 3, 3, 12)
        )

    assert not Message.objects.exists()
    assert mailoutbox == []


def test_a_refused_sign_off_emails_nobody(
    decided, mash_manager, mailoutbox, django_capture_on_commit_callbacks
):
    decision = decided(by=mash_manager)

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        refused("oversight", "author"),
    ):
        decision_sign_off(decision=decision, oversight="Agreed", by=mash_manager)

    assert callbacks == []
    assert mailoutbox == []
    assert Decision.objects.get().signed_off_at is None


def test_allocating_an_enquiry_puts_it_in_the_workers_own_queue_and_records_who_did_it(
    screened_to_mash, mash_manager, mash_worker
):
    from frontdoor.mash.services import enquiry_allocate
    from frontdoor.work.queues import my_queue

    enquiry = screened_to_mash()
    at = enquiry.entered_at + timedelta(minutes=10)

    enquiry_allocate(enquiry=enquiry, allocated_to=mash_worker, by=mash_manager, at=at)

    enquiry.refresh_from_db()
    assert enquiry.allocated_to == mash_worker
    event = events_of(enquiry)[-1]
    assert (event.action, event.actor, event.at) == ("enquiry.allocated", mash_manager, at)
    assert event.after == {"allocated_to": mash_worker.pk}
    assert [item.reference for item in my_queue(mash_worker, at)] == [f"E{enquiry.pk}"]


def test_allocating_to_the_same_worker_again_records_nothing_new(
    screened_to_mash, mash_manager, mash_worker
):
    from frontdoor.mash.services import enquiry_allocate

    enquiry = screened_to_mash()
    at = enquiry.entered_at + timedelta(minutes=10)
    enquiry_allocate(enquiry=enquiry, allocated_to=mash_worker, by=mash_manager, at=at)
    count = len(events_of(enquiry))

    enquiry_allocate(enquiry=enquiry, allocated_to=mash_worker, by=mash_manager, at=at)

    assert len(events_of(enquiry)) == count


def test_an_enquiry_cannot_be_allocated_outside_the_mash_team_or_before_it_began(
    screened_to_mash, mash_manager, assessment_worker, mash_worker
):
    from frontdoor.mash.services import enquiry_allocate

    enquiry = screened_to_mash()
    with refused("allocated_to", "in the MASH team"):
        enquiry_allocate(
            enquiry=enquiry,
            allocated_to=assessment_worker,
            by=mash_manager,
            at=enquiry.entered_at + timedelta(minutes=1),
        )
    with refused("allocated_to", "earlier than the enquiry began"):
        enquiry_allocate(
            enquiry=enquiry,
            allocated_to=mash_worker,
            by=mash_manager,
            at=enquiry.entered_at - timedelta(minutes=1),
        )
