"""Referrals from outside (frontdoor.intake.submissions): stored once, made a contact, kept."""

from __future__ import annotations

import base64
import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from frontdoor.audit.models import Event
from frontdoor.intake.models import Contact, ContactChild, Document, Submission
from frontdoor.intake.payload import ReferralIn
from frontdoor.intake.submissions import (
    IdempotencyConflict,
    draft_document_add,
    draft_start,
    draft_submit,
    submission_by_feedback_token,
    submission_receive,
)
from frontdoor.outbox.models import Message
from frontdoor.people.models import Person
from frontdoor.testing.factories import referral_document

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def receive(document: dict[str, Any] | None = None, key: str = "key-1", **kwargs: Any) -> Any:
    return submission_receive(
        referral=ReferralIn.model_validate(document or referral_document()),
        channel=kwargs.pop("channel", "partner_api"),
        idempotency_scope=kwargs.pop("scope", "agency:police"),
        idempotency_key=key,
        **kwargs,
    )


def outcome_token(received: Any) -> str:
    """The outcome link's token, as the referrer reads it in the acknowledgement."""
    message = Message.objects.get(about=f"submission:{received.submission.pk}")
    found = re.search(r"/referral-outcome/([^/\s]+)/", message.body)
    assert found is not None
    return found.group(1)


def counts() -> tuple[int, int, int, int]:
    return (
        Submission.objects.count(),
        Contact.objects.count(),
        Person.objects.count(),
        Message.objects.count(),
    )


def test_a_submission_becomes_a_contact_with_a_screening_clock_in_one_step(org: Any) -> None:
    received = receive(agency=org.police)

    submission = received.submission
    assert received.created
    assert submission.reference.startswith("FD-") and len(submission.reference) == 12
    contact = submission.contact
    assert contact is not None and contact.recorded_by is None
    assert contact.channel == "partner_api" and contact.source == "2A"  # a school
    (link,) = ContactChild.objects.filter(contact=contact)
    assert link.screening_due_at > submission.received_at
    child = link.child
    assert (child.first_name, child.nhs_number) == ("Riley", "9434765919")
    assert child.addresses.get().postcode == "PE1 1AA"
    assert Event.objects.filter(action="submission.received", record_id=submission.pk).exists()


def test_the_acknowledgement_goes_into_the_outbox_with_no_child_details(org: Any) -> None:
    received = receive()

    message = Message.objects.get(about=f"submission:{received.submission.pk}")
    assert message.kind == "referral_acknowledgement"
    assert message.to == "dana.teacher@school.example"
    assert received.submission.reference in message.body
    assert "Riley" not in message.body and "Riley" not in message.subject
    assert outcome_token(received) in message.body


def test_a_repeat_with_the_same_key_finds_the_first_submission(org: Any) -> None:
    first = receive()
    before = counts()

    again = receive()

    assert not again.created and again.submission == first.submission
    assert counts() == before


def test_a_repeat_that_only_reorders_keys_or_spacing_is_the_same_referral(org: Any) -> None:
    first = receive()
    document = referral_document(concern="  " + referral_document()["concern"] + " ")
    reordered = dict(reversed(list(document.items())))

    assert receive(reordered).submission == first.submission


def test_the_same_key_with_a_different_referral_is_a_conflict(org: Any) -> None:
    first = receive()
    before = counts()

    with pytest.raises(IdempotencyConflict) as raised:
        receive(referral_document(concern="Something else entirely"))

    assert raised.value.submission == first.submission
    assert counts() == before


def test_the_same_key_in_another_scope_is_another_submission(org: Any) -> None:
    one = receive(scope="agency:police")
    two = receive(scope="agency:health")

    assert one.submission != two.submission


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            {"children": [{"first_name": "Al", "nhs_number": "943 476 5918"}]},
            "children.0.nhs_number",
        ),
        (
            {"children": [{"first_name": "Al", "date_of_birth": "2999-01-01"}]},
            "children.0.date_of_birth",
        ),
        ({"children": [{"first_name": "Al", "postcode": "NOT A CODE"}]}, "children.0.postcode"),
        ({"children": [{}]}, "children.0.first_name"),
        ({"consent_reason": ""}, "consent_reason"),
        ({"consent_status": "refused", "lawful_basis": "consent"}, "lawful_basis"),
        ({"referrer": {"kind": "professional", "name": "X"}}, "referrer.organisation_type"),
        ({"referrer": {"kind": "public"}}, "referrer.relationship"),
        (
            {"referrer": {"kind": "public", "relationship": "family", "email": "no"}},
            "referrer.email",
        ),
    ],
)
def test_a_referral_breaking_a_rule_is_refused_naming_the_field_and_nothing_is_stored(
    org: Any, change: dict[str, Any], field: str
) -> None:
    before = counts()

    with pytest.raises(ValidationError) as raised:
        receive(referral_document(**change))

    assert field in raised.value.message_dict
    assert counts() == before


def test_an_executable_posing_as_a_pdf_is_refused(org: Any) -> None:
    fake = base64.b64encode(b"MZ\x90\x00 this is a program").decode()
    document = referral_document(documents=[{"filename": "a.pdf", "content_base64": fake}])

    with pytest.raises(ValidationError) as raised:
        receive(document)

    assert "documents.0.content_base64" in raised.value.message_dict
    assert not Document.objects.exists()


def test_evidence_is_kept_with_the_submission_under_a_safe_name(org: Any) -> None:
    content = base64.b64encode(PDF).decode()
    document = referral_document(
        documents=[{"filename": "../../etc/report<1>.exe", "content_base64": content}]
    )

    received = receive(document)

    (kept,) = Document.objects.filter(submission=received.submission)
    assert kept.filename == "report_1_.pdf"
    assert kept.content_type == "application/pdf" and bytes(kept.content) == PDF
    assert received.submission.payload["documents"][0]["sha256"] == kept.sha256
    assert "content_base64" not in str(received.submission.payload)


def test_a_submission_that_cannot_become_a_contact_is_still_kept_and_flagged(
    org: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from frontdoor.intake import submissions

    def broken(*args: Any, **kwargs: Any) -> Contact:
        Person.objects.create(first_name="Half", created_at=timezone.now())  # rolled back
        raise LookupError("no timescale policy in force")

    monkeypatch.setattr(submissions, "_contact_from", broken)

    received = receive()

    submission = Submission.objects.get(pk=received.submission.pk)
    assert submission.contact is None
    assert "no timescale policy" in submission.conversion_error
    assert not Contact.objects.exists() and not Person.objects.exists()
    assert Message.objects.filter(about=f"submission:{submission.pk}").exists()


def test_the_outcome_link_works_until_it_expires(org: Any) -> None:
    received = receive()
    token = outcome_token(received)

    assert submission_by_feedback_token(token) == received.submission
    later = timezone.now() + timedelta(days=91)
    assert submission_by_feedback_token(token, at=later) is None
    assert submission_by_feedback_token("not-a-token") is None


def test_members_of_the_public_get_no_outcome_link(org: Any) -> None:
    document = referral_document(
        referrer={"kind": "public", "relationship": "family", "email": "gran@example.org"}
    )

    received = receive(document)

    (message,) = Message.objects.all()
    assert "/referral-outcome/" not in message.body
    assert received.submission.feedback_token_hash == ""
    assert received.submission.contact.source == "1A"


def test_an_anonymous_member_of_the_public_is_recorded_as_anonymous(org: Any) -> None:
    document = referral_document(referrer={"kind": "public", "relationship": "acquaintance"})

    received = receive(document)

    assert received.submission.contact.source == "9"
    assert not Message.objects.exists()


def test_a_draft_is_sent_once_however_often_it_is_submitted(org: Any) -> None:
    draft = draft_start()
    draft_document_add(draft=draft, filename="note.pdf", content=PDF)
    referral = ReferralIn.model_validate(referral_document())

    first = draft_submit(draft=draft, referral=referral)
    second = draft_submit(draft=draft, referral=referral)

    assert first.created and not second.created
    assert first.submission == second.submission
    assert Submission.objects.count() == 1
    (document,) = Document.objects.all()
    assert document.submission == first.submission and document.draft is None
