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


class SupervisionRecord(models.Model):
    """A case supervision: a manager and the allocated social worker reflect on one child.

    ``clock_started_at``/``due_at`` are the supervision clock this session completed (from the
    allocation or the previous supervision); ``next_due_at`` starts the next one, from
    ``held_at`` under ``policy`` (the version in force when it was held).
    """

    child = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="supervision_records"
    )
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    held_at = models.DateTimeField()
    lived_experience = models.TextField(help_text="What is the child's lived experience?")
    working_well = models.TextField(help_text="What is working well?")
    worries = models.TextField(help_text="What are we worried about?")
    analysis = models.TextField(help_text="Analysis: what does it mean for the child?")
    decisions = models.TextField(help_text="Decisions and the plan.")
    clock_started_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True)
    next_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    policy = models.ForeignKey("policies.PolicyVersion", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-held_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "worker", "held_at"], name="one_supervision_per_case_and_time"
            ),
            models.CheckConstraint(
                condition=models.Q(recorded_at__gte=models.F("held_at")),
                name="supervision_recorded_after_held",
            ),
        ]

    def __str__(self) -> str:
        return f"Case supervision {self.pk} ({self.child})"


class SupervisionAction(models.Model):
    """An action agreed in supervision: what, who owns it, by when, and when it was done."""

    supervision = models.ForeignKey(
        SupervisionRecord, on_delete=models.PROTECT, related_name="actions"
    )
    description = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    #: The end of ``due_on`` (local time): when the action's clock is due.
    due_at = models.DateTimeField(db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due_at", "id"]

    def __str__(self) -> str:
        return f"Supervision action {self.pk}"
