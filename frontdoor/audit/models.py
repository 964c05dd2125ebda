"""The append-only event history and the access log."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from frontdoor.audit.event_types import event_label


class Event(models.Model):
    """One state change: who, when, what, before and after, and why. Never updated."""

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=80)
    summary = models.CharField(max_length=300)
    record_type = models.CharField(max_length=40)
    record_id = models.BigIntegerField()
    child = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    #: The hash chain (see frontdoor.audit.chain): set once by sealing, never changed after.
    seq = models.BigIntegerField(null=True, blank=True, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)
    #: sha256 of the redactable content (summary, before, after, reason), set when sealed (or
    #: redacted): the chain hashes this, so a lawfully redacted row still verifies.
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    redacted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["record_type", "record_id", "at"]),
            models.Index(fields=["child", "at"]),
            models.Index(fields=["seq"], name="audit_event_seq_idx"),
            models.Index(
                fields=["id"], condition=models.Q(seq__isnull=True), name="audit_event_unsealed_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.record_type}#{self.record_id}"

    @property
    def label(self) -> str:
        """What kind of event this is, in words: its registered type's label."""
        return event_label(self.action)


class AccessAction(models.TextChoices):
    VIEW = "view", "Viewed"
    CHANGE = "change", "Changed"
    #: Listed in a file the user downloaded (a work list as CSV, an export).
    EXPORT = "export", "Downloaded"
    #: A data protection officer or auditor read the child's access log. The audit pages
    #: name the child only to someone who may see it ("Restricted record (record N)" to
    #: anyone else), so the restricted-record guard does not refuse this action.
    AUDIT = "audit", "Audited"
    #: The restricted-record guard refused a view or a change (``reason`` says which).
    REFUSED = "refused", "Refused"


class AccessLogEntry(models.Model):
    """Who looked at or changed a child's data, when, and through which record."""

    at = models.DateTimeField(db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=40, blank=True)
    agency = models.CharField(max_length=40, blank=True)
    action = models.CharField(max_length=10, choices=AccessAction.choices)
    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="access_log")
    record_type = models.CharField(max_length=40)
    record_id = models.BigIntegerField()
    path = models.CharField(max_length=300, blank=True)
    #: Which of the record's fields were shown or changed, where the caller names them.
    fields = models.JSONField(default=list, blank=True)
    #: The reason the user gave, where one was asked (break-glass, an export).
    reason = models.TextField(blank=True)
    #: The hash chain (see frontdoor.audit.chain): set once by sealing, never changed after.
    seq = models.BigIntegerField(null=True, blank=True, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["child", "at"]),
            models.Index(fields=["user", "at"]),
            models.Index(fields=["seq"], name="audit_access_seq_idx"),
            models.Index(
                fields=["id"],
                condition=models.Q(seq__isnull=True),
                name="audit_access_unsealed_idx",
            ),
        ]
        verbose_name = "access log entry"
        verbose_name_plural = "access log"


class ChainHead(models.Model):
    """The last sealed entry of one hash chain ("access" or "event"); its row is the lock
    sealing takes, so sealing runs one at a time while inserts go on undisturbed."""

    name = models.CharField(max_length=20, primary_key=True)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, blank=True)
    sealed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} chain at {self.seq}"
