"""Retention rules (data an administrator edits), review batches, and the deletion log.

A rule's *kind* is code (``frontdoor.retention.rules``: each kind is one query); its period
and whether it is switched on are data. Nothing is deleted until a data protection officer
has reviewed and approved a batch; what was deleted is recorded in ``RetentionDeletion``.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q


class RuleKind(models.TextChoices):
    NFA_CONTACT = "nfa_contact", "Contacts that ended in advice or no further action"
    UNSENT_DRAFT = "unsent_draft", "Online referral drafts never sent"
    NFA_EVIDENCE = "nfa_evidence", "Evidence documents of contacts that ended in advice or NFA"


class PeriodUnit(models.TextChoices):
    DAYS = "days", "days"
    MONTHS = "months", "months"
    YEARS = "years", "years"


class RetentionRule(models.Model):
    """How long one kind of record is kept; every change is an event (retention.rule_changed)."""

    kind = models.CharField(max_length=30, choices=RuleKind.choices, unique=True)
    enabled = models.BooleanField(
        default=True, help_text="Only rules that are switched on propose records for deletion."
    )
    period = models.PositiveIntegerField(help_text="How long to keep the record.")
    unit = models.CharField(max_length=10, choices=PeriodUnit.choices)
    basis = models.TextField(
        blank=True,
        help_text="Why this period: the council's retention schedule entry or the law it follows.",
    )
    changed_at = models.DateTimeField(null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.CheckConstraint(condition=Q(period__gte=1), name="retention_period_positive")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.period_text}"

    @property
    def period_text(self) -> str:
        unit = PeriodUnit(self.unit).label
        return f"{self.period} {unit[:-1] if self.period == 1 else unit}"

    def cutoff(self, now: datetime) -> datetime:
        """Records whose clock started before this are due."""
        from frontdoor.retention.rules import subtract_period

        return subtract_period(now, self.period, self.unit)


class ReviewStatus(models.TextChoices):
    PROPOSED = "proposed", "Waiting for review"
    APPROVED = "approved", "Approved, deletion in progress"
    APPLIED = "applied", "Deleted"


class RetentionReview(models.Model):
    """One batch of records due for deletion, reviewed and approved as a whole."""

    status = models.CharField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PROPOSED
    )
    proposed_at = models.DateTimeField(db_index=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when the worker or the command proposed it.",
    )
    rules = models.JSONField(
        default=dict, help_text="The rules as they were when the batch was proposed."
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ReviewStatus.PROPOSED)
                | (Q(approved_at__isnull=False) & Q(approved_by__isnull=False)),
                name="retention_review_approved_has_approver",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"RR{self.pk}"


class ItemStatus(models.TextChoices):
    DUE = "due", "To be deleted"
    EXCLUDED = "excluded", "Kept"
    DELETED = "deleted", "Deleted"
    SKIPPED = "skipped", "Not deleted: no longer due"


class RetentionItem(models.Model):
    """One record in a review batch and why it is due."""

    review = models.ForeignKey(RetentionReview, on_delete=models.PROTECT, related_name="items")
    rule = models.ForeignKey(RetentionRule, on_delete=models.PROTECT, related_name="+")
    record_type = models.CharField(max_length=40, help_text="The model name, e.g. contact.")
    record_id = models.BigIntegerField()
    label = models.CharField(max_length=200, help_text="The record, in words.")
    child_ids = models.JSONField(default=list, blank=True, help_text="The children's record ids.")
    due_from = models.DateTimeField(help_text="When the record's retention period started.")
    reason = models.TextField(help_text="Why the record is due for deletion.")
    status = models.CharField(max_length=10, choices=ItemStatus.choices, default=ItemStatus.DUE)
    excluded_reason = models.TextField(blank=True)
    excluded_at = models.DateTimeField(null=True, blank=True)
    excluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True, help_text="Why it was not deleted.")

    class Meta:
        ordering = ["review", "due_from", "id"]
        indexes = [models.Index(fields=["record_type", "record_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "record_type", "record_id"], name="retention_item_once"
            ),
            models.CheckConstraint(
                condition=~Q(status=ItemStatus.EXCLUDED) | ~Q(excluded_reason=""),
                name="retention_item_excluded_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_status_display()})"


class RetentionDeletion(models.Model):
    """What was deleted, when, under which rule and on whose approval. Never deleted itself."""

    item = models.OneToOneField(RetentionItem, on_delete=models.PROTECT, related_name="deletion")
    review = models.ForeignKey(RetentionReview, on_delete=models.PROTECT, related_name="deletions")
    rule_kind = models.CharField(max_length=30, choices=RuleKind.choices)
    rule_period = models.CharField(max_length=40)
    record_type = models.CharField(max_length=40)
    record_id = models.BigIntegerField()
    label = models.CharField(max_length=200)
    child_ids = models.JSONField(default=list, blank=True)
    anonymised_ids = models.JSONField(
        default=list, blank=True, help_text="People whose record was anonymised (row kept)."
    )
    deleted = models.JSONField(default=dict, help_text='Rows deleted: {"intake.Contact": 1, ...}')
    events_redacted = models.PositiveIntegerField(default=0)
    deleted_at = models.DateTimeField(db_index=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField()
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when the worker applied it.",
    )

    class Meta:
        ordering = ["-deleted_at", "-id"]
        indexes = [models.Index(fields=["record_type", "record_id"])]

    def __str__(self) -> str:
        return f"{self.label} deleted {self.deleted_at:%Y-%m-%d}"
