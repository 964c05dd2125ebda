"""MASH enquiries, ratings, partner requests and decisions (frontdoor.mash.services)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import transaction

from frontdoor.audit.models import AccessAction
from frontdoor.clocks import ClockState
from frontdoor.intake.services import contact_screen
from frontdoor.mash.models import (
    Decision,
    DecisionOutcome,
    Enquiry,
    EnquiryStatus,
    PartnerRequest,
    RatingChange,
    RequestStatus,
)
from frontdoor.mash.services import (
    decision_record,
    decision_sign_off,
    enquiry_rate,
    enquiry_record_lived_experience,
    request_answer,
    request_send,
)
from frontdoor.outbox.models import Message
from frontdoor.policies.rules import rules_for
from frontdoor.testing.factories import (
    AgencyFactory,
    UserFactory,
    access_entries_of,
    end_of_day,
    events_of,
    local,
)
from frontdoor.testing.fixtures import refused, snapshot
from frontdoor.testing.personas import TEMPLATES

pytestmark = pytest.mark.django_db

MON_11 = local(2026, 3, 2, 11)  # the default enquiry start (screened_to_mash)


# ---------------------------------------------------------------- enquiry clocks


@pytest.mark.parametrize(
    ("rating", "due"),
    [
        pytest.param("RED", local(2026, 3, 2, 15), id="red-4-hours"),
        # Mon 11:00-17:30 (6.5) + Tue 08:00-17:30 (9.5) + Wed 08:00-16:00 (8) = 24
        pytest.param("AMBER", local(2026, 3, 4, 16), id="amber-24-working-hours"),
        # 6.5 + 9.5 + 9.5 + 9.5 + Fri 8.5 + Mon 9.5 + Tue 9.5 + Wed 9.5 = 72, at close
        pytest.param("GREEN", local(2026, 3, 11, 17, 30), id="green-72-working-hours"),
        pytest.param("BLUE", None, id="blue-no-timescale"),
    ],
)
def test_an_enquiry_is_due_by_its_ratings_timescale_from_when_it_entered_the_mash(
    screened_to_mash, rating, due
):
    enquiry = screened_to_mash(rating=rating)

    assert enquiry.entered_at == MON_11
    assert enquiry.due_at == due


def test_red_enquiry_is_overdue_after_four_working_hours(screened_to_mash):
    enquiry = screened_to_mash(rating="RED")
    rules = rules_for(enquiry.policy)

    def state_at(now):
        return rules.reading(
            started_at=enquiry.entered_at, due_at=enquiry.due_at, completed_at=None, now=now
        ).state

    assert state_at(local(2026, 3, 2, 13)) == ClockState.ON_TIME
    assert state_at(local(2026, 3, 2, 14, 30)) == ClockState.DUE_SOON
    assert state_at(local(2026, 3, 2, 15)) == ClockState.DUE_SOON
    assert state_at(local(2026, 3, 2, 15) + timedelta(microseconds=1)) == ClockState.OVERDUE


def test_a_red_enquiry_at_friday_teatime_runs_on_out_of_hours(screened_to_mash):
    enquiry = screened_to_mash(rating="RED", received_at=local(2026, 3, 6, 14))

    assert enquiry.entered_at == local(2026, 3, 6, 15)
    assert enquiry.due_at == local(2026, 3, 6, 19)


def test_an_amber_enquiry_at_friday_teatime_waits_for_office_hours(screened_to_mash):
    enquiry = screened_to_mash(rating="AMBER", received_at=local(2026, 3, 6, 14))

    # Fri 15:00-16:30 (1.5) + Mon 9.5 + Tue 9.5 + Wed 08:00-11:30 (3.5) = 24
    assert enquiry.due_at == local(2026, 3, 11, 11, 30)


def test_an_enquiry_screened_without_a_time_starts_its_clock_now(contact_recorded, mash_worker):
    link = contact_recorded().children.get()

    with time_machine.travel(local(2026, 3, 2, 16), tick=False):
        contact_screen(
            contact_child=link,
            outcome="mash_enquiry",
            rationale="Checks",
            rating="AMBER",
            by=mash_worker,
        )

    enquiry = Enquiry.objects.get(child=link.child)
    assert enquiry.entered_at == local(2026, 3, 2, 16)
    # Mon 16:00-17:30 (1.5) + Tue (9.5) + Wed (9.5) + Thu 08:00-11:30 (3.5) = 24
    assert enquiry.due_at == local(2026, 3, 5, 11, 30)


def test_opening_an_enquiry_records_its_first_rating(screened_to_mash, mash_worker):
    enquiry = screened_to_mash(rating="AMBER")

    (first,) = RatingChange.objects.filter(enquiry=enquiry)
    assert (first.rating, first.previous, first.at, first.by) == ("AMBER", "", MON_11, mash_worker)
    (opened,) = events_of(enquiry)
    assert opened.action == "enquiry.opened"
    assert opened.after == {"rating": "AMBER", "due_at": local(2026, 3, 4, 16).isoformat()}
    (entry,) = access_entries_of(enquiry)
    assert (entry.user, entry.child, entry.action) == (mash_worker, enquiry.child, "change")


# ---------------------------------------------------------------- enquiry_rate


def test_re_rating_keeps_the_clock_start_and_moves_the_deadline_to_the_new_rating(
    screened_to_mash, mash_manager
):
    enquiry = screened_to_mash(rating="AMBER")
    at = local(2026, 3, 2, 12)

    enquiry = enquiry_rate(
        enquiry=enquiry, rating="RED", reason="Police report a new assault", by=mash_manager, at=at
    )

    enquiry.refresh_from_db()
    assert enquiry.entered_at == MON_11
    assert (enquiry.rating, enquiry.rated_at) == ("RED", at)
    assert enquiry.due_at == local(2026, 3, 2, 15)  # 4 hours from 11:00, not from 12:00
    change = RatingChange.objects.filter(enquiry=enquiry).last()
    assert (change.rating, change.previous, change.by, change.at) == (
        "RED",
        "AMBER",
        mash_manager,
        at,
    )
    assert change.reason == "Police report a new assault"


def test_re_rating_appends_an_event_with_before_and_after_and_the_reason(
    screened_to_mash, mash_manager
):
    enquiry = screened_to_mash(rating="AMBER")
    at = local(2026, 3, 2, 12)

    enquiry_rate(enquiry=enquiry, rating="GREEN", reason="Lower risk", by=mash_manager, at=at)

    rated = events_of(enquiry)[-1]
    assert rated.action == "enquiry.rated"
    assert (rated.actor, rated.at, rated.child, rated.reason) == (
        mash_manager,
        at,
        enquiry.child,
        "Lower risk",
    )
    assert rated.before == {"rating": "AMBER", "due_at": local(2026, 3, 4, 16).isoformat()}
    assert rated.after == {"rating": "GREEN", "due_at": local(2026, 3, 11, 17, 30).isoformat()}
    assert access_entries_of(enquiry)[-1].user == mash_manager


def test_re_rating_to_blue_stops_the_enquiry_clock(screened_to_mash, mash_manager):
    enquiry = screened_to_mash(rating="GREEN")

    enquiry = enquiry_rate(
        enquiry=enquiry,
        rating="BLUE",
        reason="No role for the MASH",
        by=mash_manager,
        at=local(2026, 3, 2, 12),
    )

    assert enquiry.due_at is None


def test_re_rating_moves_the_deadline_of_open_partner_requests_but_not_answered_ones(
    screened_to_mash, request_sent, mash_manager, health_practitioner
):
    enquiry = screened_to_mash(rating="AMBER")
    police = request_sent(enquiry=enquiry, agency="police", at=local(2026, 3, 2, 11, 30))
    health = request_sent(enquiry=enquiry, agency="health", at=local(2026, 3, 2, 11, 30))
    request_answer(
        request=health,
        shared=True,
        response="Not known to health",
        by=health_practitioner,
        at=local(2026, 3, 2, 11, 45),
    )
    assert police.due_at == local(2026, 3, 4, 16, 30)

    enquiry_rate(
        enquiry=enquiry,
        rating="RED",
        reason="Escalating",
        by=mash_manager,
        at=local(2026, 3, 2, 12),
    )

    police.refresh_from_db()
    health.refresh_from_db()
    assert police.due_at == local(2026, 3, 2, 15, 30)  # 4 hours from when it was sent
    assert health.due_at == local(2026, 3, 4, 16, 30)


@pytest.mark.parametrize(
    ("rating", "reason", "at", "field", "message"),
    [
        pytest.param("PURPLE", "x", local(2026, 3, 2, 12), "rating", "Select", id="bad-rating"),
        pytest.param("RED", " ", local(2026, 3, 2, 12), "reason", "Enter why", id="no-reason"),
        pytest.param(
            "AMBER", "x", local(2026, 3, 2, 12), "rating", "already rated Amber", id="same"
        ),
        pytest.param(
            "RED",
            "x",
            local(2026, 3, 2, 10, 59),
            "rating",
            "earlier than the one it replaces",
            id="before-the-current-rating",
        ),
    ],
)
def test_an_invalid_re_rating_is_refused_and_nothing_changes(
    screened_to_mash, mash_manager, rating, reason, at, field, message
):
    enquiry = screened_to_mash(rating="AMBER")
    before = snapshot(enquiry)

    with refused(field, message):
        enquiry_rate(enquiry=enquiry, rating=rating, reason=reason, by=mash_manager, at=at)

    assert snapshot(enquiry) == before


def test_a_decided_enquiry_cannot_be_re_rated(decided, mash_manager):
    decision = decided(rating="AMBER")

    with refused(None, "already has a decision"):
        enquiry_rate(
            enquiry=decision.enquiry,
            rating="RED",
            reason="Too late",
            by=mash_manager,
            at=local(2026, 3, 3, 11),
        )


# ------------------------------------------------------------- lived experience


def test_recording_the_childs_lived_experience_keeps_the_old_text_in_the_event(
    screened_to_mash, mash_worker
):
    enquiry = screened_to_mash()
    at = local(2026, 3, 2, 13)
    enquiry_record_lived_experience(
        enquiry=enquiry, text="Sam likes football", by=mash_worker, at=at
    )

    enquiry_record_lived_experience(
        enquiry=enquiry, text="Sam is scared at bedtime", by=mash_worker, at=at
    )

    enquiry.refresh_from_db()
    assert enquiry.lived_experience == "Sam is scared at bedtime"
    last = events_of(enquiry)[-1]
    assert last.action == "enquiry.lived_experience"
    assert last.before == {"lived_experience": "Sam likes football"}
    assert last.after == {"lived_experience": "Sam is scared at bedtime"}
    assert access_entries_of(enquiry)[-1].at == at


def test_an_empty_lived_experience_is_refused(screened_to_mash, mash_worker):
    enquiry = screened_to_mash()

    with refused("lived_experience", "Enter the child's lived experience"):
        enquiry_record_lived_experience(enquiry=enquiry, text="  ", by=mash_worker)


def test_lived_experience_cannot_be_changed_after_the_decision(decided, mash_worker):
    decision = decided()

    with refused(None, "already has a decision"):
        enquiry_record_lived_experience(
            enquiry=decision.enquiry, text="Later", by=mash_worker, at=local(2026, 3, 3, 11)
        )


# ---------------------------------------------------------------- request_send


def test_sending_a_request_copies_the_agencys_questions_and_starts_its_clock(
    screened_to_mash, mash_worker, org
):
    enquiry = screened_to_mash(rating="AMBER")
    at = local(2026, 3, 2, 11, 30)

    request = request_send(
        enquiry=enquiry, agency=org.police, by=mash_worker, at=at, note="Any DV call-outs?"
    )

    assert request.questions == [*TEMPLATES["police"], "Any DV call-outs?"]
    assert (request.sent_at, request.sent_by, request.status) == (at, mash_worker, "sent")
    # Mon 11:30-17:30 (6) + Tue (9.5) + Wed 08:00-16:30 (8.5) = 24 working hours
    assert request.due_at == local(2026, 3, 4, 16, 30)
    assert request.policy == enquiry.policy
    (sent,) = events_of(request)
    assert sent.action == "request.sent"
    assert (sent.actor, sent.at, sent.child) == (mash_worker, at, enquiry.child)
    assert sent.after == {"agency": "police", "due_at": request.due_at.isoformat()}
    entry = access_entries_of(enquiry)[-1]
    assert (entry.user, entry.at, entry.action) == (mash_worker, at, AccessAction.CHANGE)


@pytest.mark.parametrize(
    ("rating", "due"),
    [
        pytest.param("RED", local(2026, 3, 2, 15, 30), id="red"),
        pytest.param("GREEN", local(2026, 3, 12, 8, 30), id="green"),
        pytest.param("BLUE", None, id="blue"),
    ],
)
def test_a_request_is_due_by_the_enquirys_rating(screened_to_mash, request_sent, rating, due):
    enquiry = screened_to_mash(rating=rating)

    assert request_sent(enquiry=enquiry, at=local(2026, 3, 2, 11, 30)).due_at == due


def test_the_agencys_practitioners_are_emailed_after_the_request_is_committed(
    screened_to_mash,
    request_sent,
    police_practitioner,
    health_practitioner,
    org,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    UserFactory(role="partner_practitioner", agency=org.police, is_active=False)
    UserFactory(role="partner_practitioner", agency=org.police, email="")
    enquiry = screened_to_mash()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        request = request_sent(enquiry=enquiry)
        assert mailoutbox == []  # nothing is sent before the commit

    assert callbacks  # the delivery is queued only at commit
    (message,) = Message.objects.filter(kind="partner_request")
    assert message.status == "sent" and message.about == f"request:{request.pk}"
    (email,) = mailoutbox
    assert email.to == [police_practitioner.email]
    assert f"R{request.pk}" in email.body
    assert "due by 04 Mar 2026 16:30" in email.body
    assert enquiry.child.first_name not in email.body
    assert enquiry.child.last_name not in email.subject + email.body


def test_the_request_email_gives_the_due_time_in_uk_local_time(
    screened_to_mash,
    request_sent,
    police_practitioner,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    enquiry = screened_to_mash(rating="AMBER", received_at=local(2026, 6, 1, 10))  # BST

    with django_capture_on_commit_callbacks(execute=True):
        request = request_sent(enquiry=enquiry, at=local(2026, 6, 1, 11, 30))

    # Mon 11:30-17:30 (6) + Tue (9.5) + Wed 08:00-16:30 (8.5) = 24 working hours
    assert request.due_at == local(2026, 6, 3, 16, 30)
    (email,) = mailoutbox
    assert "due by 03 Jun 2026 16:30" in email.body


def test_a_request_sent_in_a_rolled_back_transaction_emails_nobody(
    screened_to_mash,
    request_sent,
    police_practitioner,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    enquiry = screened_to_mash()

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        request_sent(enquiry=enquiry)
        raise RuntimeError("something later failed")

    assert callbacks == []
    assert mailoutbox == []
    assert not PartnerRequest.objects.exists()
    assert not Message.objects.filter(kind="partner_request").exists()


def test_a_second_open_request_to_the_same_agency_is_refused(
    screened_to_mash, request_sent, mash_worker, org
):
    enquiry = screened_to_mash()
    request_sent(enquiry=enquiry, agency="police")

    with refused("agency", "already has an open request"):
        request_send(enquiry=enquiry, agency=org.police, by=mash_worker, at=local(2026, 3, 2, 12))


def test_an_agency_can_be_asked_again_once_it_has_answered(
    screened_to_mash, request_sent, police_practitioner
):
    enquiry = screened_to_mash()
    first = request_sent(enquiry=enquiry, agency="police")
    request_answer(
        request=first,
        shared=True,
        response="One call-out",
        by=police_practitioner,
        at=local(2026, 3, 2, 13),
    )

    second = request_sent(enquiry=enquiry, agency="police", at=local(2026, 3, 2, 14))

    assert second.pk != first.pk and second.status == RequestStatus.SENT


@pytest.mark.parametrize(
    ("agency_kwargs", "note", "message"),
    [
        pytest.param({"active": False}, "Q?", "does not take information requests", id="inactive"),
        pytest.param(
            {"receives_requests": False},
            "Q?",
            "does not take information requests",
            id="does-not-receive",
        ),
        pytest.param({}, "  ", "has no question template", id="no-template-no-note"),
    ],
)
def test_a_request_the_agency_cannot_take_is_refused(
    screened_to_mash, mash_worker, agency_kwargs, note, message
):
    enquiry = screened_to_mash()
    agency = AgencyFactory(**agency_kwargs)

    with refused("agency", message):
        request_send(
            enquiry=enquiry, agency=agency, by=mash_worker, at=local(2026, 3, 2, 12), note=note
        )


def test_an_agency_without_a_template_can_be_sent_a_note(screened_to_mash, mash_worker):
    enquiry = screened_to_mash()

    request = request_send(
        enquiry=enquiry,
        agency=AgencyFactory(),
        by=mash_worker,
        at=local(2026, 3, 2, 12),
        note="Do you know this family?",
    )

    assert request.questions == ["Do you know this family?"]


def test_a_request_cannot_be_sent_before_the_enquiry_began(screened_to_mash, mash_worker, org):
    enquiry = screened_to_mash()

    with refused("agency", "earlier than the enquiry began"):
        request_send(
            enquiry=enquiry, agency=org.police, by=mash_worker, at=local(2026, 3, 2, 10, 59)
        )


def test_a_request_cannot_be_sent_after_the_decision(decided, mash_worker, org):
    decision = decided()

    with refused(None, "already has a decision"):
        request_send(
            enquiry=decision.enquiry, agency=org.police, by=mash_worker, at=local(2026, 3, 3, 11)
        )


# ---------------------------------------------------------------- request_answer


def test_a_partner_shares_information(request_sent, police_practitioner):
    request = request_sent()
    at = local(2026, 3, 2, 14)

    request = request_answer(
        request=request,
        shared=True,
        response="Two call-outs in 2025",
        by=police_practitioner,
        at=at,
    )

    request.refresh_from_db()
    assert request.status == RequestStatus.ANSWERED
    assert (request.answered_at, request.answered_by) == (at, police_practitioner)
    assert (request.response, request.not_shared_reason) == ("Two call-outs in 2025", "")
    answered = events_of(request)[-1]
    assert answered.action == "request.answered"
    assert (answered.actor, answered.at, answered.child) == (
        police_practitioner,
        at,
        request.enquiry.child,
    )
    assert (answered.before, answered.after) == ({"status": "sent"}, {"status": "answered"})
    (entry,) = access_entries_of(request)
    assert (entry.user, entry.role, entry.agency) == (
        police_practitioner,
        "partner_practitioner",
        "police",
    )


def test_a_partner_declining_to_share_must_say_why(request_sent, police_practitioner):
    request = request_sent()
    before = snapshot(request)

    with refused("not_shared_reason", "Enter why the information is not shared"):
        request_answer(request=request, shared=False, by=police_practitioner)

    assert snapshot(request) == before


def test_a_partner_declining_to_share_records_the_reason(request_sent, police_practitioner):
    request = request_sent()

    request = request_answer(
        request=request,
        shared=False,
        not_shared_reason="Live investigation",
        response="ignored",
        by=police_practitioner,
        at=local(2026, 3, 2, 14),
    )

    assert request.status == RequestStatus.NOT_SHARED
    assert (request.response, request.not_shared_reason) == ("", "Live investigation")
    not_shared = events_of(request)[-1]
    assert (not_shared.action, not_shared.reason) == ("request.not_shared", "Live investigation")


def test_sharing_needs_the_information(request_sent, police_practitioner):
    request = request_sent()

    with refused("response", "Enter the information"):
        request_answer(request=request, shared=True, response=" ", by=police_practitioner)


def test_an_answer_cannot_be_earlier_than_the_request_was_sent(request_sent, police_practitioner):
    request = request_sent(at=local(2026, 3, 2, 11, 30))
    before = snapshot(request)

    with refused(None, "earlier than the request was sent"):
        request_answer(
            request=request,
            shared=True,
            response="x",
            by=police_practitioner,
            at=local(2026, 3, 2, 11, 29),
        )

    assert snapshot(request) == before


def test_a_request_cannot_be_answered_twice(request_sent, police_practitioner):
    request = request_sent()
    request_answer(
        request=request,
        shared=True,
        response="x",
        by=police_practitioner,
        at=local(2026, 3, 2, 14),
    )

    with refused(None, "already been answered"):
        request_answer(
            request=request,
            shared=False,
            not_shared_reason="y",
            by=police_practitioner,
            at=local(2026, 3, 2, 15),
        )


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
