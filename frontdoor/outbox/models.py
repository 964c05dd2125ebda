"""The outbox: every email Front Door sends, written in the transaction that caused it."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class MessageStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Message(models.Model):
    """One email, from the moment the business change commits until it is sent or given up.

    ``reference`` is a random id: the idempotency key for delivery, GOV.UK Notify's
    ``reference`` and (for the email channel) the local part of the ``Message-ID``.
    """

    kind = models.CharField(max_length=60, help_text='What it is, e.g. "referral_acknowledgement".')
    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField(help_text="Plain text, rendered by the caller at enqueue time.")
    about = models.CharField(
        max_length=80, blank=True, help_text='The record it is about, e.g. "submission:12".'
    )
    reference = models.CharField(max_length=64, unique=True)
    status = models.CharField(
        max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    claimed_at = models.DateTimeField(
        null=True, blank=True, help_text="When a worker last claimed it for an attempt."
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    provider_id = models.CharField(max_length=200, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_status_due_idx"),
            models.Index(fields=["about"], name="outbox_about_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=MessageStatus.SENT) | Q(sent_at__isnull=False),
                name="outbox_sent_has_sent_at",
            ),
            models.CheckConstraint(
                condition=~Q(status=MessageStatus.SENDING) | Q(claimed_at__isnull=False),
                name="outbox_sending_has_claim",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference} ({self.status})"
