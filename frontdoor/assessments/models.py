"""Child and family assessments (Children Act 1989 section 17) and the visits made for them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class AssessmentStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Awaiting authorisation"
    AUTHORISED = "authorised", "Authorised"


class NextStep(models.TextChoices):
    """What the assessment recommends. The first two are for a child in need."""

    CIN_PLAN = "cin_plan", "Child in need plan (section 17)"
    STRATEGY = "s47", "Child protection: strategy discussion (section 47)"
    EARLY_HELP = "early_help", "Step down to early help"
    NFA = "nfa", "No further action"


#: The next steps that follow a finding that the child is in need (the others follow "not").
IN_NEED_STEPS = (NextStep.CIN_PLAN, NextStep.STRATEGY)


class Assessment(models.Model):
    """One child and family assessment of a referral, started after the transfer is accepted.

    The clock runs from the referral (``referral_at``, the moment the contact that became the
    referral was received) to ``completed_at``, when the social worker submits it for a
    manager's authorisation; ``due_at`` and ``policy`` are fixed when it is started, from the
    policy version in force at the referral.
    """

    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="assessments")
    referral = models.OneToOneField(
        "intake.Referral", on_delete=models.PROTECT, related_name="assessment"
    )
    transfer = models.OneToOneField(
        "protection.Transfer", on_delete=models.PROTECT, related_name="assessment"
    )
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_on = models.DateField(help_text="The assessment's actual start date (CIN census).")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(help_text="When the start was recorded.")
    referral_at = models.DateTimeField(help_text="When the clock started: the referral.")
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    policy = models.ForeignKey("policies.PolicyVersion", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=12, choices=AssessmentStatus.choices, default=AssessmentStatus.IN_PROGRESS
    )
    # The outcome: set when the worker submits it (kept as a draft if a manager returns it).
    completed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    child_in_need = models.BooleanField(null=True, blank=True)
    next_step = models.CharField(max_length=12, choices=NextStep.choices, blank=True)
    factors = models.JSONField(
        default=list, blank=True, help_text="CIN census assessment factor codes."
    )
    analysis = models.TextField(blank=True)
    late_reason = models.TextField(blank=True)
    # The manager's authorisation.
    authorised_at = models.DateTimeField(null=True, blank=True)
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    authorisation_comment = models.TextField(blank=True)
    # The last return for more work (every return is in the history).
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(authorised_at__isnull=True)
                | (Q(completed_at__isnull=False) & Q(authorised_at__gte=F("completed_at"))),
                name="assessment_authorised_after_completion",
            ),
            models.CheckConstraint(
                condition=~Q(status="in_progress") | Q(completed_at__isnull=True),
                name="assessment_in_progress_not_completed",
            ),
            models.CheckConstraint(
                condition=Q(status="in_progress") | Q(completed_at__isnull=False),
                name="assessment_submitted_is_completed",
            ),
        ]

    def __str__(self) -> str:
        return f"Assessment A{self.pk} ({self.child})"

    @property
    def reference(self) -> str:
        return f"A{self.pk}"


class AssessmentVisit(models.Model):
    """A visit to the child during the assessment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="visits")
    child = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="assessment_visits"
    )
    visited_at = models.DateTimeField()
    child_seen = models.BooleanField()
    seen_alone = models.BooleanField()
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["visited_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(child_seen=True) | Q(seen_alone=False),
                name="assessment_visit_seen_alone_requires_seen",
            ),
            models.UniqueConstraint(
                fields=["assessment", "visited_at"], name="one_assessment_visit_per_time"
            ),
        ]

    def __str__(self) -> str:
        return f"Assessment visit {self.pk} ({self.child})"
