"""Truthful feedback: a referrer is told each screening and MASH decision, and it is marked
as given only when it was (the email sent, or a call or letter recorded by a person)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from frontdoor.intake.feedback import (
    NO_WAY_TO_REACH,
    feedback_given_at,
    feedback_given_q,
    feedback_record,
    feedback_to_give,
)
from frontdoor.intake.models import FeedbackStage, ReferrerFeedback, Submission
from frontdoor.intake.payload import ReferralIn
from frontdoor.intake.submissions import submission_receive
from frontdoor.outbox.channels import PermanentChannelError
from frontdoor.outbox.models import Message, MessageStatus
from frontdoor.outbox.services import message_deliver
from frontdoor.testing.factories import (
    contact_child_of,
    contact_recorded,
    end_of_day,
    local,
    referral_document,
    screened,
    signed_off,
)
from frontdoor.testing.fixtures import client_for, refused
from frontdoor.work.queues import Stage, my_queue, team_queue

pytestmark = pytest.mark.django_db

SCREENED_AT = local(2026, 3, 2, 11)  # ``screened()``: received Mon 2 Mar 10:00, screened 11:00


class Sent:
    def send(self, message: Message) -> str:
        return f"sent-{message.reference}"

    def find(self, reference: str) -> str | None:
        return None


class Broken:
    def send(self, message: Message) -> str:
        raise PermanentChannelError("mailbox does not exist")

    def find(self, reference: str) -> str | None:
        return None


def _screening_feedback(**contact: Any) -> ReferrerFeedback:
    link = screened(outcome="advice_nfa", **contact)
    return ReferrerFeedback.objects.get(contact_child=link, stage=FeedbackStage.SCREENING)


def test_an_emailed_referrer_is_told_only_once_the_email_is_sent(org: Any) -> None:
    feedback = _screening_feedback()
    assert feedback.email_message is not None
    assert feedback_given_at(feedback) is None  # queued is not told
    assert not ReferrerFeedback.objects.filter(feedback_given_q()).exists()

    sent_at = SCREENED_AT + timedelta(minutes=1)
    message_deliver(message_id=feedback.email_message.pk, now=sent_at, channel=Sent())

    feedback.refresh_from_db()
    assert feedback_given_at(feedback) == sent_at
    assert ReferrerFeedback.objects.filter(feedback_given_q()).get() == feedback


def test_the_email_says_what_was_decided_without_naming_the_child(org: Any) -> None:
    feedback = _screening_feedback()
    message = feedback.email_message
    assert message is not None
    child = feedback.contact_child.child
    assert "Advice or signposting given" in message.body
    assert child.first_name not in message.body and child.last_name not in message.body
    assert feedback.contact.reference in message.subject


def test_a_failed_email_becomes_a_task_to_phone_or_write(org: Any, mash_worker: Any) -> None:
    feedback = _screening_feedback()
    assert feedback.email_message is not None
    message_deliver(message_id=feedback.email_message.pk, now=SCREENED_AT, channel=Broken())
    assert Message.objects.get(pk=feedback.email_message.pk).status == MessageStatus.FAILED

    assert list(feedback_to_give()) == [feedback]
    items = [i for i in team_queue(mash_worker, SCREENED_AT) if i.stage == Stage.FEEDBACK]
    assert [(i.reference, i.note) for i in items] == [(feedback.contact.reference, "Email failed")]


def test_a_referrer_with_only_a_phone_number_is_a_task_with_a_clock(
    org: Any, mash_worker: Any
) -> None:
    feedback = _screening_feedback(referrer_email="", referrer_phone="01632 960001")
    assert feedback.email_message is None and feedback.closed_at is None
    assert feedback.due_at == end_of_day(2026, 3, 3)  # 1 working day from the decision
    assert feedback.decided_by == mash_worker
    assert [
        i.reference for i in my_queue(mash_worker, SCREENED_AT) if i.stage == Stage.FEEDBACK
    ] == [feedback.contact.reference]


def test_a_referrer_who_left_no_way_to_reach_them_is_closed_with_the_reason(org: Any) -> None:
    feedback = _screening_feedback(referrer_email="", referrer_phone="")
    assert feedback.closed_at == SCREENED_AT and feedback.closed_reason == NO_WAY_TO_REACH
    assert feedback_given_at(feedback) is None
    assert not feedback_to_give().exists()


def test_a_person_records_the_call_who_when_and_what_was_said(org: Any, mash_worker: Any) -> None:
    feedback = _screening_feedback(referrer_email="", referrer_phone="01632 960001")
    called = SCREENED_AT + timedelta(hours=2)
    done = feedback_record(
        feedback=feedback,
        method="phone",
        given_at=called,
        note="Told Pat no further action; gave the early help number.",
        by=mash_worker,
        at=called + timedelta(minutes=5),
    )
    assert (done.given_method, done.given_at, done.given_by) == ("phone", called, mash_worker)
    assert feedback_given_at(done) == called
    assert not feedback_to_give().exists()
    with refused(None, "already been given"):
        feedback_record(
            feedback=feedback, method="letter", given_at=called, note="Again", by=mash_worker
        )


def test_could_not_reach_closes_it_with_what_was_tried(org: Any, mash_worker: Any) -> None:
    feedback = _screening_feedback(referrer_email="", referrer_phone="01632 960001")
    done = feedback_record(
        feedback=feedback,
        method="unreachable",
        given_at=SCREENED_AT + timedelta(days=1),
        note="Three calls, no answer, no voicemail.",
        by=mash_worker,
        at=SCREENED_AT + timedelta(days=1, minutes=1),
    )
    assert done.closed_reason.startswith("Could not reach the referrer: Three calls")
    assert feedback_given_at(done) is None and done.given_method == ""


@pytest.mark.parametrize(
    ("method", "note", "field", "message"),
    [
        ("fax", "x", "method", "Select how you told the referrer"),
        ("phone", " ", "note", "Enter what you told them"),
    ],
)
def test_bad_records_are_refused_and_save_nothing(
    org: Any, mash_worker: Any, method: str, note: str, field: str, message: str
) -> None:
    feedback = _screening_feedback(referrer_email="", referrer_phone="01632 960001")
    with refused(field, message):
        feedback_record(
            feedback=feedback,
            method=method,
            given_at=SCREENED_AT + timedelta(hours=1),
            note=note,
            by=mash_worker,
            at=SCREENED_AT + timedelta(hours=2),
        )


def test_a_call_cannot_be_before_the_decision_or_in_the_future(org: Any, mash_worker: Any) -> None:
    feedback = _screening_feedback(referrer_email="", referrer_phone="01632 960001")
    with refused("given_at", "before the decision"):
        feedback_record(
            feedback=feedback,
            method="phone",
            given_at=SCREENED_AT - timedelta(hours=1),
            note="x",
            by=mash_worker,
            at=SCREENED_AT + timedelta(hours=1),
        )
    with refused("given_at", "future"):
        feedback_record(
            feedback=feedback,
            method="phone",
            given_at=SCREENED_AT + timedelta(hours=3),
            note="x",
            by=mash_worker,
            at=SCREENED_AT + timedelta(hours=1),
        )


def test_the_referrer_hears_the_screening_and_then_the_mash_decision(org: Any) -> None:
    decision = signed_off(outcome="nfa")
    link = decision.enquiry.referral.contact_child
    stages = list(link.feedback.order_by("created_at").values_list("stage", "source"))
    assert stages == [
        (FeedbackStage.SCREENING, ""),
        (FeedbackStage.MASH_DECISION, f"decision:{decision.pk}"),
    ]


def test_no_flag_says_a_referrer_was_told_without_a_sent_email_or_a_recorded_call(
    org: Any, mash_worker: Any
) -> None:
    """Every way feedback can go, at once; then the one invariant: given means an email the
    outbox sent, or a call or letter with who, when and what."""
    emailed = _screening_feedback()
    failed = _screening_feedback()
    phoned = _screening_feedback(referrer_email="", referrer_phone="01632 960001")
    untold = _screening_feedback(referrer_email="", referrer_phone="01632 960002")
    _screening_feedback(referrer_email="", referrer_phone="")
    signed_off(outcome="nfa")  # screening and decision feedback, emails still queued
    assert emailed.email_message and failed.email_message
    message_deliver(message_id=emailed.email_message.pk, now=SCREENED_AT, channel=Sent())
    message_deliver(message_id=failed.email_message.pk, now=SCREENED_AT, channel=Broken())
    feedback_record(
        feedback=phoned,
        method="phone",
        given_at=SCREENED_AT + timedelta(hours=1),
        note="Told them.",
        by=mash_worker,
        at=SCREENED_AT + timedelta(hours=2),
    )

    given = set(ReferrerFeedback.objects.filter(feedback_given_q()).values_list("pk", flat=True))
    assert given == {emailed.pk, phoned.pk}
    for feedback in ReferrerFeedback.objects.select_related("email_message"):
        told = feedback_given_at(feedback) is not None
        by_email = (
            feedback.email_message is not None
            and feedback.email_message.status == MessageStatus.SENT
        )
        by_person = bool(feedback.given_at and feedback.given_by_id and feedback.given_note.strip())
        assert told == (by_email or by_person), feedback
    assert untold.pk not in given


def test_a_submission_is_not_marked_acknowledged_when_its_email_is_only_queued(
    org: Any,
) -> None:
    received = submission_receive(
        referral=ReferralIn.model_validate(referral_document()),
        channel="online_form",
        idempotency_scope="online_form",
        idempotency_key="k",
        at=SCREENED_AT,
    )
    submission = Submission.objects.get(pk=received.submission.pk)
    assert submission.acknowledgement_queued_at == SCREENED_AT
    message = Message.objects.get(about=f"submission:{submission.pk}")
    assert message.status == MessageStatus.PENDING  # queued: nothing says it was sent


# --------------------------------------------------------------------------- the pages


def test_the_contact_page_shows_where_each_feedback_stands(org: Any, contact_officer: Any) -> None:
    feedback = _screening_feedback(referrer_email="", referrer_phone="01632 960001")
    body = (
        client_for(contact_officer)
        .get(reverse("contact-detail", args=[feedback.contact_id]))
        .content.decode()
    )
    assert "Feedback to the referrer" in body and "To phone or write" in body


def test_recording_a_call_from_the_page(org: Any, mash_worker: Any) -> None:
    feedback = _screening_feedback(referrer_email="", referrer_phone="01632 960001")
    url = reverse("feedback-detail", args=[feedback.pk])
    with time_machine.travel(local(2026, 3, 2, 15), tick=False):
        page = client_for(mash_worker).get(url).content.decode()
        assert "Record that you told them" in page
        response = client_for(mash_worker).post(
            url,
            {
                "method": "phone",
                "given_date-day": "2",
                "given_date-month": "3",
                "given_date-year": "2026",
                "given_time": "14:10",
                "note": "Told the teacher: advice given.",
            },
        )
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.given_at == local(2026, 3, 2, 14, 10) and feedback.given_by == mash_worker


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Select how you told the referrer"),
        ({"method": "phone", "note": "x"}, "Enter the date"),
        (
            {
                "method": "phone",
                "given_date-day": "31",
                "given_date-month": "2",
                "given_date-year": "2026",
                "given_time": "25:00",
                "note": "x",
            },
            "must be a real date",
        ),
    ],
)
def test_bad_input_on_the_feedback_page_gets_an_error_summary(
    org: Any, mash_worker: Any, data: dict[str, str], message: str
) -> None:
    feedback = _screening_feedback(referrer_email="", referrer_phone="01632 960001")
    response = client_for(mash_worker).post(reverse("feedback-detail", args=[feedback.pk]), data)
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body and message in body
    feedback.refresh_from_db()
    assert feedback.given_at is None


def test_a_contact_officer_may_see_feedback_but_only_staff_who_give_it_record_it(
    org: Any, contact_officer: Any
) -> None:
    feedback = _screening_feedback(referrer_email="", referrer_phone="01632 960001")
    url = reverse("feedback-detail", args=[feedback.pk])
    assert "Record that you told them" not in client_for(contact_officer).get(url).content.decode()
    assert client_for(contact_officer).post(url, {"method": "phone"}).status_code == 403


def test_each_child_in_a_contact_gets_their_own_feedback(org: Any, mash_worker: Any) -> None:
    from frontdoor.testing.factories import child_details

    contact = contact_recorded(children=[child_details(), child_details(first_name="Alex")])
    for index in (0, 1):
        screened(contact_child=contact_child_of(contact, index), outcome="advice_nfa")
    assert contact.feedback.count() == 2
