"""MASH partner requests: sending them and the agencies' answers (frontdoor.mash.services)."""

from __future__ import annotations

import pytest
from django.db import transaction

from frontdoor.audit.models import AccessAction
from frontdoor.mash.models import PartnerRequest, RequestStatus
from frontdoor.mash.services import request_answer, request_send
from frontdoor.outbox.models import Message
from frontdoor.testing.factories import (
    AgencyFactory,
    UserFactory,
    access_entries_of,
    events_of,
    local,
)
from frontdoor.testing.fixtures import refused, snapshot
from frontdoor.testing.personas import TEMPLATES

pytestmark = pytest.mark.django_db


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
