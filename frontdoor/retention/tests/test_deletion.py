"""The reviewed deletion: nothing goes before approval, kept records stay, deleted records go
with everything they hold, a child left with nothing is anonymised (the row and the audit
kept), and running it again changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from frontdoor.audit.models import AccessLogEntry, Event
from frontdoor.intake.models import Contact, ContactChild, Document, Submission
from frontdoor.intake.submissions import draft_document_add, draft_start
from frontdoor.outbox.models import Message
from frontdoor.people.models import Address, Person
from frontdoor.retention.models import (
    ItemStatus,
    RetentionDeletion,
    RetentionItem,
    RetentionReview,
    RetentionRule,
    ReviewStatus,
    RuleKind,
)
from frontdoor.retention.services import (
    retention_apply,
    retention_item_exclude,
    retention_item_include,
    retention_propose,
    retention_review_approve,
    retention_rule_change,
)
from frontdoor.retention.tests.conftest import NOW, PDF, RECENT
from frontdoor.testing.factories import contact_child_of
from frontdoor.testing.fixtures import refused
from frontdoor.testing.personas import persona

pytestmark = pytest.mark.django_db

APPROVE_AT = NOW + timedelta(hours=1)
APPLY_AT = NOW + timedelta(hours=2)


def item_for(review: RetentionReview, record: Any) -> RetentionItem:
    return review.items.get(record_type=record._meta.model_name, record_id=record.pk)


def proposed() -> RetentionReview:
    review = retention_propose(at=NOW)
    assert review is not None
    return review


def approve_and_apply(review: RetentionReview) -> Any:
    dpo = persona("data_protection_officer")
    retention_review_approve(review=review, by=dpo, at=APPROVE_AT)
    return retention_apply(at=APPLY_AT)


def test_nothing_is_deleted_before_approval(nfa_contact: Callable[..., Contact]) -> None:
    contact = nfa_contact()
    review = proposed()
    report = retention_apply(at=APPLY_AT)
    assert report.deleted == 0
    assert Contact.objects.filter(pk=contact.pk).exists()
    assert RetentionReview.objects.get(pk=review.pk).status == ReviewStatus.PROPOSED


def test_an_approved_contact_is_deleted_and_its_child_anonymised(
    nfa_contact: Callable[..., Contact],
) -> None:
    contact = nfa_contact()
    link = contact_child_of(contact)
    child = link.child
    assert Address.objects.filter(person=child).exists()
    access_before = AccessLogEntry.objects.filter(child=child).count()
    assert access_before > 0
    review = proposed()
    report = approve_and_apply(review)
    assert (report.deleted, report.anonymised, report.reviews_done) == (1, 1, 1)
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert not ContactChild.objects.filter(pk=link.pk).exists()
    # The child's row is kept, with nothing that identifies them.
    child.refresh_from_db()
    assert (child.first_name, child.last_name, child.date_of_birth, child.nhs_number) == (
        "",
        "",
        None,
        "",
    )
    assert not Address.objects.filter(person=child).exists()
    # The access log is never deleted; the deletion is logged and is an event.
    assert AccessLogEntry.objects.filter(child=child).count() == access_before + 1
    deletion = RetentionDeletion.objects.get()
    assert deletion.record_type == "contact" and deletion.record_id == contact.pk
    assert deletion.rule_kind == RuleKind.NFA_CONTACT and deletion.rule_period == "6 years"
    assert deletion.approved_by == persona("data_protection_officer")
    assert deletion.anonymised_ids == [child.pk]
    assert deletion.deleted["intake.Contact"] == 1
    assert deletion.deleted["intake.ContactChild"] == 1
    # The deleted records' events are kept but redacted (through the audit trail).
    contact_events = Event.objects.filter(record_type="contact", record_id=contact.pk)
    assert contact_events.count() >= 2
    assert all(e.redacted_at is not None and e.after == {} for e in contact_events)
    assert deletion.events_redacted >= contact_events.count()
    event = Event.objects.get(action="retention.deleted")
    assert event.redacted_at is None
    assert event.child == child and event.actor == persona("data_protection_officer")
    assert RetentionReview.objects.get(pk=review.pk).status == ReviewStatus.APPLIED
    assert item_for(review, contact).status == ItemStatus.DELETED


def test_an_online_contact_goes_with_its_payload_documents_and_emails(
    online_nfa_contact: Callable[..., Contact],
) -> None:
    contact = online_nfa_contact()
    submission = Submission.objects.get(contact=contact)
    assert Document.objects.filter(submission=submission).count() == 1
    assert Message.objects.filter(about=f"submission:{submission.pk}").exists()
    approve_and_apply(proposed())
    assert not Submission.objects.filter(pk=submission.pk).exists()
    assert not Document.objects.exists()
    assert not Message.objects.filter(about=f"submission:{submission.pk}").exists()
    assert not Contact.objects.exists()


def test_a_child_with_other_records_is_not_anonymised(
    nfa_contact: Callable[..., Contact],
) -> None:
    old = nfa_contact()
    child = contact_child_of(old).child
    recent = nfa_contact(received_at=RECENT, children=[child])
    approve_and_apply(proposed())
    child.refresh_from_db()
    assert child.first_name == "Sam"
    assert not Contact.objects.filter(pk=old.pk).exists()
    assert Contact.objects.filter(pk=recent.pk).exists()
    assert RetentionDeletion.objects.get().anonymised_ids == []


def test_an_excluded_record_is_kept(nfa_contact: Callable[..., Contact]) -> None:
    kept, gone = nfa_contact(), nfa_contact()
    review = proposed()
    dpo = persona("data_protection_officer")
    item = retention_item_exclude(
        item=item_for(review, kept), reason="Legal hold: claim LH-12", by=dpo, at=NOW
    )
    assert item.status == ItemStatus.EXCLUDED
    report = approve_and_apply(review)
    assert report.deleted == 1
    assert Contact.objects.filter(pk=kept.pk).exists()
    assert not Contact.objects.filter(pk=gone.pk).exists()
    assert Event.objects.filter(action="retention.item_excluded", reason="Legal hold: claim LH-12")
    # A later review proposes the kept record again, with the earlier reason shown.
    again = retention_propose(at=APPLY_AT + timedelta(days=1))
    assert again is not None
    assert "Legal hold: claim LH-12" in item_for(again, kept).reason


def test_exclusions_need_a_reason_and_an_open_review(nfa_contact: Callable[..., Contact]) -> None:
    contact = nfa_contact()
    review = proposed()
    item = item_for(review, contact)
    dpo = persona("data_protection_officer")
    with refused("reason", "Enter why"):
        retention_item_exclude(item=item, reason="  ", by=dpo)
    retention_item_exclude(item=item, reason="Inquiry", by=dpo)
    with refused(None, "already kept"):
        retention_item_exclude(item=item, reason="Inquiry", by=dpo)
    retention_item_include(item=item, by=dpo)
    assert RetentionItem.objects.get(pk=item.pk).status == ItemStatus.DUE
    retention_review_approve(review=review, by=dpo, at=APPROVE_AT)
    with refused(None, "already been approved"):
        retention_item_exclude(item=item, reason="Too late", by=dpo)
    with refused(None, "already been approved"):
        retention_review_approve(review=review, by=dpo)


def test_running_the_deletion_again_changes_nothing(nfa_contact: Callable[..., Contact]) -> None:
    nfa_contact()
    review = proposed()
    approve_and_apply(review)
    events = Event.objects.count()
    report = retention_apply(at=APPLY_AT + timedelta(minutes=5))
    assert (report.deleted, report.skipped, report.reviews_done) == (0, 0, 0)
    assert Event.objects.count() == events
    assert RetentionDeletion.objects.count() == 1
    assert retention_propose(at=APPLY_AT) is None


def test_a_record_no_longer_due_when_the_deletion_runs_is_left_alone(
    nfa_contact: Callable[..., Contact],
) -> None:
    contact = nfa_contact()
    review = proposed()
    dpo = persona("data_protection_officer")
    retention_review_approve(review=review, by=dpo, at=APPROVE_AT)
    nfa = RetentionRule.objects.get(kind=RuleKind.NFA_CONTACT)
    retention_rule_change(
        rule=nfa, enabled=False, period=6, unit="years", basis="", by=persona("administrator")
    )
    report = retention_apply(at=APPLY_AT)
    assert (report.deleted, report.skipped) == (0, 1)
    assert Contact.objects.filter(pk=contact.pk).exists()
    item = item_for(review, contact)
    assert item.status == ItemStatus.SKIPPED and "No longer due" in item.note


def test_an_unsent_draft_goes_with_its_uploads(org: Any) -> None:
    draft = draft_start(at=NOW - timedelta(days=45))
    draft_document_add(draft=draft, filename="photo.pdf", content=PDF, at=NOW - timedelta(days=45))
    approve_and_apply(proposed())
    assert not Document.objects.exists()
    assert RetentionDeletion.objects.get().record_type == "referraldraft"


def test_approval_is_refused_twice_and_an_unknown_review_is_not_applied(
    nfa_contact: Callable[..., Contact],
) -> None:
    nfa_contact()
    review = proposed()
    dpo = persona("data_protection_officer")
    retention_review_approve(review=review, by=dpo, at=APPROVE_AT)
    with pytest.raises(ValidationError):
        retention_review_approve(review=review, by=dpo, at=APPROVE_AT)
    assert Person.objects.count() == 1
