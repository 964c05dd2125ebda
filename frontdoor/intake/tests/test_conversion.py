"""The worker makes stored submissions contacts (FRONTDOOR_INTAKE_CONVERT = "worker")."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from frontdoor.intake.models import Contact, ContactChild, Submission
from frontdoor.intake.payload import ReferralIn
from frontdoor.intake.reconciliation import Flag, reconciliation_alerts_raise, reconciliation_rows
from frontdoor.intake.submissions import (
    Received,
    submission_convert,
    submission_receive,
    submissions_convert_pending,
)
from frontdoor.outbox.models import Message
from frontdoor.policies.rules import rules_for
from frontdoor.testing.factories import referral_document
from frontdoor.work.housekeeping import tick

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _by_the_worker(settings: Any) -> None:
    settings.FRONTDOOR_INTAKE_CONVERT = "worker"


def receive(key: str = "k", **changes: Any) -> Received:
    return submission_receive(
        referral=ReferralIn.model_validate(referral_document(**changes)),
        channel="partner_api",
        idempotency_scope="agency:police",
        idempotency_key=key,
    )


def test_receiving_stores_the_submission_only(org: Any) -> None:
    received = receive()

    assert received.created and received.submission.contact is None
    assert not Contact.objects.exists() and not Message.objects.exists()
    (row,) = reconciliation_rows()
    assert row.flags == (Flag.WAITING,) and row.ok


def test_the_worker_makes_the_contact_with_the_clock_from_receipt(org: Any) -> None:
    received = receive()
    later = received.submission.received_at + timedelta(seconds=3)

    assert submissions_convert_pending(at=later) == 1

    submission = Submission.objects.get()
    contact = submission.contact
    assert contact is not None
    assert contact.received_at == submission.received_at and contact.recorded_at == later
    link = ContactChild.objects.get(contact=contact)
    expected = rules_for(contact.policy).due("screening", submission.received_at)
    assert link.screening_due_at == expected
    (message,) = Message.objects.filter(kind="referral_acknowledgement")
    assert submission.reference in message.body and submission.acknowledgement_queued_at == later


def test_converting_again_changes_nothing(org: Any) -> None:
    received = receive()
    first = submission_convert(submission=received.submission)

    again = submission_convert(submission=received.submission)

    assert again.contact_id == first.contact_id
    assert Contact.objects.count() == 1 and Message.objects.count() == 1
    assert submissions_convert_pending() == 0


def test_a_submission_the_worker_has_not_reached_becomes_a_gap_after_the_grace_period(
    org: Any, contact_manager: Any
) -> None:
    received = receive()
    late = timezone.now() + timedelta(minutes=6)

    (row,) = reconciliation_rows(now=late)
    assert row.flags == (Flag.NO_CONTACT,)
    (alert,) = reconciliation_alerts_raise(now=late)
    assert alert.kind == "no_contact" and alert.submission == received.submission


def test_a_failed_conversion_is_acknowledged_flagged_and_retried_by_housekeeping(
    org: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from frontdoor.intake import submissions

    real = submissions._contact_from

    def broken(*args: Any, **kwargs: Any) -> Contact:
        raise LookupError("no timescale policy in force")

    monkeypatch.setattr(submissions, "_contact_from", broken)
    received = receive()

    assert submissions_convert_pending() == 0
    submission = Submission.objects.get()
    assert "no timescale policy" in submission.conversion_error
    assert Message.objects.filter(kind="referral_acknowledgement").count() == 1
    (row,) = reconciliation_rows()
    assert Flag.NO_CONTACT in row.problems
    assert submissions_convert_pending() == 0  # the quick loop leaves failures to housekeeping

    monkeypatch.setattr(submissions, "_contact_from", real)
    report = tick()

    assert report.contacts_made == 1
    submission.refresh_from_db()
    assert submission.contact is not None and submission.conversion_error == ""
    assert Message.objects.filter(kind="referral_acknowledgement").count() == 1  # not twice
    assert received.submission.pk == submission.pk


def test_the_oldest_waiting_submissions_are_made_contacts_first(org: Any) -> None:
    for key in ("a", "b", "c"):
        receive(key, concern=f"Concern {key}")

    assert submissions_convert_pending(limit=2) == 2

    waiting = Submission.objects.filter(contact__isnull=True).get()
    assert waiting.idempotency_key == "c"
