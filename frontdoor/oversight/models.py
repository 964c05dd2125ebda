"""Management oversight entries (and, beside them, case supervision)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from frontdoor.policies.defaults import OVERSIGHT_TRANSITIONS


class OversightEntry(models.Model):
    """A manager's direction on a child's case, optionally given before a named transition.

    ``record_type``/``record_id`` name the record the oversight is about (``"s47"``, 12), and
    ``transition`` the step it clears (see ``OVERSIGHT_TRANSITIONS``); both blank for general
    oversight of the case.
    """

    child = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="oversight_entries"
    )
    record_type = models.CharField(max_length=40, blank=True)
    record_id = models.PositiveBigIntegerField(null=True, blank=True)
    transition = models.CharField(
        max_length=40, blank=True, choices=list(OVERSIGHT_TRANSITIONS.items())
    )
    direction = models.TextField(help_text="The manager's direction and rationale.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name_plural = "oversight entries"
        indexes = [models.Index(fields=["record_type", "record_id", "transition"])]

    def __str__(self) -> str:
        return f"Management oversight {self.pk} ({self.child})"
