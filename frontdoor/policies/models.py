"""Timescale policies: data an administrator edits, versioned so a clock keeps its policy."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class PolicyVersion(models.Model):
    """One immutable version of the office hours and every timescale.

    A new version is published (never edited in place); each record that starts a clock keeps
    a reference to the version in force when its clock started.
    """

    version = models.PositiveIntegerField(unique=True)
    effective_from = models.DateTimeField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    office_hours = models.JSONField(
        help_text='Local office hours by day, e.g. {"mon": ["08:00", "17:30"], ...}'
    )
    rules = models.JSONField(help_text="Timescales for each clock (see docs/how-to/policies.md)")
    due_soon_fraction = models.FloatField(
        default=0.25, help_text="A clock is 'due soon' when this share of its time is left."
    )

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        starts = timezone.localtime(self.effective_from)
        return f"Policy version {self.version} (from {starts:%d %b %Y})"
