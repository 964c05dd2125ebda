"""Every write of retention: rule changes, proposing a batch, excluding, approving, deleting.

Proposing finds what each switched-on rule makes due and writes a review batch; nothing is
deleted until a data protection officer approves it. Applying deletes each approved item
in a transaction of its own (re-checking that it is still due), anonymises any person left
with nothing, redacts the deleted records' events and logs the deletion. Every step is an
event; the access log is never deleted. Running any step again changes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from frontdoor.audit.models import AccessAction
from frontdoor.audit.services import access_log_record, event_append
from frontdoor.intake.models import Contact, Document, ReferralDraft
from frontdoor.people.models import Person
from frontdoor.retention.deletion import (
    Deleted,
    contact_delete,
    document_delete,
    draft_delete,
    events_of,
    events_redact,
    people_anonymise_if_unused,
)
from frontdoor.retention.models import (
    ItemStatus,
    PeriodUnit,
    RetentionDeletion,
    RetentionItem,
    RetentionReview,
    RetentionRule,
    ReviewStatus,
    RuleKind,
)
from frontdoor.retention.rules import due_under, rules_ensure

if TYPE_CHECKING:
    from frontdoor.accounts.models import User

logger = logging.getLogger("frontdoor.retention")


# ------------------------------------------------------------------- rules


def retention_rule_change(
    *,
    rule: RetentionRule,
    enabled: bool,
    period: int,
    unit: str,
    basis: str,
    by: User,
    at: datetime | None = None,
) -> RetentionRule:
    """Change a rule's period, switch or basis; the change is an event (before and after)."""
    at = at or timezone.now()
    errors: dict[str, str] = {}
    if not isinstance(period, int) or period < 1:
        errors["period"] = "Enter a period of at least 1"
    if unit not in PeriodUnit.values:
        errors["unit"] = "Select days, months or years"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = RetentionRule.objects.select_for_update().get(pk=rule.pk)
        fields = ("enabled", "period", "unit", "basis")
        before = {f: getattr(locked, f) for f in fields}
        after = {"enabled": enabled, "period": period, "unit": unit, "basis": basis}
        if before == after:
            return locked
        for name, value in after.items():
            setattr(locked, name, value)
        locked.changed_at = at
        locked.changed_by = by
        locked.save()
        changed = {f: before[f] for f in fields if before[f] != after[f]}
        event_append(
            record=locked,
            action="retention.rule_changed",
            summary=f"Retention rule changed: {locked}"
            + ("" if locked.enabled else " (switched off)"),
            at=at,
            actor=by,
            before=changed,
            after={f: after[f] for f in changed},
        )
    return locked


# ------------------------------------------------------------------- proposing


def _open_records() -> set[tuple[str, int]]:
    """Records already in a batch not yet applied: never proposed twice."""
    return set(
        RetentionItem.objects.filter(
            review__status__in=[ReviewStatus.PROPOSED, ReviewStatus.APPROVED]
        ).values_list("record_type", "record_id")
    )


def _kept_before(record_type: str, record_id: int) -> str:
    earlier = (
        RetentionItem.objects.filter(
            record_type=record_type, record_id=record_id, status=ItemStatus.EXCLUDED
        )
        .select_related("review")
        .order_by("-excluded_at")
        .first()
    )
    if earlier is None or earlier.excluded_at is None:
        return ""
    return (
        f" Kept in {earlier.review.reference} on "
        f"{timezone.localtime(earlier.excluded_at):%-d %B %Y}: {earlier.excluded_reason}"
    )


def retention_propose(
    *, by: User | None = None, at: datetime | None = None
) -> RetentionReview | None:
    """Write a review batch of everything the switched-on rules make due (None if nothing).

    Records already in a batch waiting for review or deletion are not proposed again.
    """
    at = at or timezone.now()
    with transaction.atomic():
        rules_ensure()
        # Locking the rules makes proposers take turns: two at once would propose twice.
        rules = list(RetentionRule.objects.select_for_update().order_by("kind"))
        taken = _open_records()
        items: list[RetentionItem] = []
        for rule in rules:
            for due in due_under(rule, at):
                key = (due.record_type, due.record_id)
                if key in taken or any(c in taken for c in due.covers):
                    continue
                taken.add(key)
                items.append(
                    RetentionItem(
                        rule=rule,
                        record_type=due.record_type,
                        record_id=due.record_id,
                        label=due.label[:200],
                        child_ids=due.child_ids,
                        due_from=due.due_from,
                        reason=due.reason + _kept_before(*key),
                    )
                )
        if not items:
            return None
        review = RetentionReview.objects.create(
            proposed_at=at,
            proposed_by=by,
            rules={
                r.kind: {"enabled": r.enabled, "period": r.period_text, "basis": r.basis}
                for r in rules
            },
        )
        for item in items:
            item.review = review
        RetentionItem.objects.bulk_create(items)
        event_append(
            record=review,
            action="retention.proposed",
            summary=f"Retention review {review.reference} proposed: {len(items)} records due",
            at=at,
            actor=by,
            after={"items": len(items)},
        )
    return review


# ------------------------------------------------------------------- reviewing


def _item_for_review(item: RetentionItem) -> RetentionItem:
    locked = (
        RetentionItem.objects.select_for_update(of=("self",))
        .select_related("review")
        .get(pk=item.pk)
    )
    if locked.review.status != ReviewStatus.PROPOSED:
        raise ValidationError("This review has already been approved: it cannot be changed")
    return locked


def retention_item_exclude(
    *, item: RetentionItem, reason: str, by: User, at: datetime | None = None
) -> RetentionItem:
    """Keep one record out of the deletion (a legal hold, say), with the reason."""
    at = at or timezone.now()
    if not reason.strip():
        raise ValidationError({"reason": "Enter why this record must be kept"})
    with transaction.atomic():
        locked = _item_for_review(item)
        if locked.status == ItemStatus.EXCLUDED:
            raise ValidationError("This record is already kept out of the deletion")
        locked.status = ItemStatus.EXCLUDED
        locked.excluded_reason = reason.strip()
        locked.excluded_at = at
        locked.excluded_by = by
        locked.save(update_fields=["status", "excluded_reason", "excluded_at", "excluded_by"])
        event_append(
            record=locked,
            action="retention.item_excluded",
            summary=f"{locked.label} kept out of retention review {locked.review.reference}",
            at=at,
            actor=by,
            before={"status": ItemStatus.DUE},
            after={"status": ItemStatus.EXCLUDED},
            reason=locked.excluded_reason,
        )
    return locked


def retention_item_include(
    *, item: RetentionItem, by: User, at: datetime | None = None
) -> RetentionItem:
    """Undo an exclusion before the batch is approved."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = _item_for_review(item)
        if locked.status != ItemStatus.EXCLUDED:
            raise ValidationError("This record is not kept out of the deletion")
        reason = locked.excluded_reason
        locked.status = ItemStatus.DUE
        locked.excluded_reason = ""
        locked.excluded_at = None
        locked.excluded_by = None
        locked.save(update_fields=["status", "excluded_reason", "excluded_at", "excluded_by"])
        event_append(
            record=locked,
            action="retention.item_included",
            summary=f"{locked.label} put back into retention review {locked.review.reference}",
            at=at,
            actor=by,
            before={"status": ItemStatus.EXCLUDED, "reason": reason},
            after={"status": ItemStatus.DUE},
        )
    return locked


def retention_review_approve(
    *, review: RetentionReview, by: User, at: datetime | None = None
) -> RetentionReview:
    """Approve a batch: its records still marked to be deleted are deleted by the worker
    (or ``frontdoor retention apply``) once this commits."""
    from frontdoor.retention.tasks import apply_review

    at = at or timezone.now()
    with transaction.atomic():
        locked = RetentionReview.objects.select_for_update().get(pk=review.pk)
        if locked.status != ReviewStatus.PROPOSED:
            raise ValidationError("This review has already been approved")
        due = locked.items.filter(status=ItemStatus.DUE).count()
        locked.status = ReviewStatus.APPROVED
        locked.approved_at = at
        locked.approved_by = by
        locked.save(update_fields=["status", "approved_at", "approved_by"])
        event_append(
            record=locked,
            action="retention.approved",
            summary=f"Retention review {locked.reference} approved: {due} records to delete",
            at=at,
            actor=by,
            before={"status": ReviewStatus.PROPOSED},
            after={"status": ReviewStatus.APPROVED, "to_delete": due},
        )
        transaction.on_commit(lambda: apply_review.enqueue(locked.pk), robust=True)
    return locked


# ------------------------------------------------------------------- deleting


@dataclass
class ApplyReport:
    deleted: int = 0
    skipped: int = 0
    failed: int = 0
    anonymised: int = 0
    reviews_done: int = 0


RECORD_MODELS = {"contact": Contact, "referraldraft": ReferralDraft, "document": Document}


def _record_exists(item: RetentionItem) -> bool:
    model = RECORD_MODELS.get(item.record_type)
    return model is not None and model._default_manager.filter(pk=item.record_id).exists()


def _record_delete(item: RetentionItem, deleted: Deleted) -> bool:
    """Delete the item's record; False if it is already gone."""
    if item.record_type == "contact":
        contact = Contact.objects.select_for_update().filter(pk=item.record_id).first()
        if contact is None:
            return False
        people_ids = contact_delete(contact, deleted)
        people_anonymise_if_unused(people_ids, deleted)
        return True
    if item.record_type == "referraldraft":
        draft = ReferralDraft.objects.select_for_update().filter(pk=item.record_id).first()
        if draft is None:
            return False
        draft_delete(draft, deleted)
        return True
    if item.record_type == "document":
        document = Document.objects.select_for_update().filter(pk=item.record_id).first()
        if document is None:
            return False
        document_delete(document, deleted)
        return True
    raise ValueError(f"No deletion for {item.record_type}")


def retention_item_apply(
    *, item: RetentionItem, by: User | None = None, at: datetime | None = None
) -> ItemStatus:
    """Delete one approved item's record, in its own transaction (a no-op once done)."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = (
            RetentionItem.objects.select_for_update(of=("self",))
            .select_related("review", "rule", "review__approved_by")
            .get(pk=item.pk)
        )
        review = locked.review
        if locked.status != ItemStatus.DUE or review.status == ReviewStatus.PROPOSED:
            return ItemStatus(locked.status)
        approver = review.approved_by
        assert approver is not None and review.approved_at is not None
        rule = locked.rule
        still_due = due_under(rule, at, only=locked.record_id)
        deleted = Deleted()
        if not still_due or not _record_delete(locked, deleted):
            locked.status = ItemStatus.SKIPPED
            locked.note = (
                "No longer due under the rule when the deletion ran"
                if _record_exists(locked)
                else "Already deleted"
            )
            locked.done_at = at
            locked.save(update_fields=["status", "note", "done_at"])
            return ItemStatus.SKIPPED
        reason = (
            f"Retention: {locked.label} deleted under the rule '{rule.get_kind_display()}' "
            f"({rule.period_text}), review {review.reference}"
        )
        redacted = events_redact(events_of(deleted), by=approver, reason=reason, at=at)
        log = RetentionDeletion.objects.create(
            item=locked,
            review=review,
            rule_kind=rule.kind,
            rule_period=rule.period_text,
            record_type=locked.record_type,
            record_id=locked.record_id,
            label=locked.label,
            child_ids=locked.child_ids,
            anonymised_ids=deleted.anonymised,
            deleted=dict(sorted(deleted.rows.items())),
            events_redacted=redacted,
            deleted_at=at,
            approved_by=approver,
            approved_at=review.approved_at,
            applied_by=by,
        )
        locked.status = ItemStatus.DELETED
        locked.done_at = at
        locked.save(update_fields=["status", "done_at"])
        children: list[Person | None] = list(Person.objects.filter(pk__in=locked.child_ids))
        for child in children or [None]:
            event_append(
                record=log,
                action="retention.deleted",
                summary=f"{locked.label} deleted under the retention rule "
                f"'{rule.get_kind_display()}'"
                + (
                    " and the child's record anonymised"
                    if child and child.pk in deleted.anonymised
                    else ""
                ),
                at=at,
                actor=approver,
                child=child,
                after={"deleted": log.deleted, "anonymised": deleted.anonymised},
                reason=reason,
            )
        if children:
            access_log_record(
                user=by or approver,
                children=[c for c in children if c is not None],
                record=log,
                action=AccessAction.CHANGE,
                at=at,
                reason=reason,
            )
    return ItemStatus.DELETED


def retention_apply(
    *, review: RetentionReview | None = None, by: User | None = None, at: datetime | None = None
) -> ApplyReport:
    """Delete every approved item (of ``review``, or of every approved batch)."""
    report = ApplyReport()
    reviews = RetentionReview.objects.filter(status=ReviewStatus.APPROVED).order_by("id")
    if review is not None:
        reviews = reviews.filter(pk=review.pk)
    for batch in reviews:
        for item in batch.items.filter(status=ItemStatus.DUE).order_by("id"):
            try:
                status = retention_item_apply(item=item, by=by, at=at)
            except Exception:  # one record's failure must not stop the others
                logger.exception("Retention: could not delete item %s", item.pk)
                report.failed += 1
                continue
            if status == ItemStatus.DELETED:
                report.deleted += 1
                report.anonymised += len(
                    RetentionDeletion.objects.get(item_id=item.pk).anonymised_ids
                )
            elif status == ItemStatus.SKIPPED:
                report.skipped += 1
        if _review_finish(batch, by=by, at=at or timezone.now()):
            report.reviews_done += 1
    return report


def _review_finish(review: RetentionReview, *, by: User | None, at: datetime) -> bool:
    with transaction.atomic():
        locked = RetentionReview.objects.select_for_update().get(pk=review.pk)
        if (
            locked.status != ReviewStatus.APPROVED
            or locked.items.filter(status=ItemStatus.DUE).exists()
        ):
            return False
        counts = {
            status: locked.items.filter(status=status).count()
            for status in (ItemStatus.DELETED, ItemStatus.EXCLUDED, ItemStatus.SKIPPED)
        }
        locked.status = ReviewStatus.APPLIED
        locked.applied_at = at
        locked.save(update_fields=["status", "applied_at"])
        event_append(
            record=locked,
            action="retention.applied",
            summary=f"Retention review {locked.reference} done: {counts[ItemStatus.DELETED]} "
            f"deleted, {counts[ItemStatus.EXCLUDED]} kept, {counts[ItemStatus.SKIPPED]} no "
            "longer due",
            at=at,
            actor=by,
            before={"status": ReviewStatus.APPROVED},
            after={"status": ReviewStatus.APPLIED, **{str(k): v for k, v in counts.items()}},
        )
    return True


__all__ = [
    "ApplyReport",
    "RuleKind",
    "retention_apply",
    "retention_item_apply",
    "retention_item_exclude",
    "retention_item_include",
    "retention_propose",
    "retention_review_approve",
    "retention_rule_change",
]
