"""The append-only event history and the access log."""

from __future__ import annotations

from django.conf import settings
from django.db import models


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

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["record_type", "record_id", "at"]),
            models.Index(fields=["child", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.record_type}#{self.record_id}"


class AccessAction(models.TextChoices):
    VIEW = "view", "Viewed"
    CHANGE = "change", "Changed"


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

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["child", "at"]), models.Index(fields=["user", "at"])]
        verbose_name = "access log entry"
        verbose_name_plural = "access log"
