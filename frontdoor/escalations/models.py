"""Escalations and professional disagreements, resolved in stages, each stage with a clock.

An escalation is about one record on a child's case (a screening decision, a MASH enquiry,
a MASH decision, a partner information request, a transfer, and any later record an app
registers in ``frontdoor.escalations.records``), named by ``record_type`` (the model name)
and ``record_id``. It moves through ``ESCALATION_STAGES`` (practitioner, team manager, head of
service, partnership); each stage it reaches gets an ``EscalationStage`` row with its own
clock (``escalation`` timescales in the policy in force when the stage started).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from frontdoor.policies.defaults import ESCALATION_STAGES


class EscalationStageName(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    TEAM_MANAGER = "team_manager", "Team manager"
    HEAD_OF_SERVICE = "head_of_service", "Head of service"
    PARTNERSHIP = "partnership", "Safeguarding partnership"


assert tuple(EscalationStageName.values) == ESCALATION_STAGES


class EscalationAbout(models.TextChoices):
    DECISION = "decision", "A decision"
    DELAY = "delay", "A delay"


class EscalationStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"
    WITHDRAWN = "withdrawn", "Withdrawn"


class StageResult(models.TextChoices):
    RESOLVED = "resolved", "Resolved"
    ESCALATED = "escalated", "Escalated"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Escalation(models.Model):
    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="escalations")
    record_type = models.CharField(max_length=40, help_text="The model name of the record.")
    record_id = models.PositiveBigIntegerField()
    record_label = models.CharField(max_length=200, help_text="The record, in words, when raised.")
    about = models.CharField(max_length=10, choices=EscalationAbout.choices)
    #: The team that owns the record: its managers answer the team manager stage.
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: The practitioner concerned (answers the practitioner stage), when one is named.
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: A partner agency the escalation is about (its practitioners answer the first stage).
    concerns_agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escalations_raised",
        help_text="Empty for a referrer without an account.",
    )
    raiser_name = models.CharField(max_length=200)
    raiser_agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    raiser_organisation = models.CharField(max_length=200, blank=True)
    raiser_email = models.EmailField(blank=True)
    #: The referral a referrer raised it through (their outcome link), if they did.
    submission = models.ForeignKey(
        "intake.Submission",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escalations",
    )
    disagreement = models.TextField(help_text="What the raiser disagrees with.")
    outcome_sought = models.TextField(help_text="What the raiser wants to happen.")
    raised_at = models.DateTimeField(db_index=True)
    status = models.CharField(
        max_length=10, choices=EscalationStatus.choices, default=EscalationStatus.OPEN
    )
    stage = models.CharField(max_length=20, choices=EscalationStageName.choices)
    #: When the current stage is due (copied from its stage row, so lists sort in the database).
    stage_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(blank=True)
    learning = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_reason = models.TextField(blank=True)
    policy = models.ForeignKey("policies.PolicyVersion", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [
            models.Index(fields=["record_type", "record_id"]),
            models.Index(fields=["status", "stage"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | (~Q(status="open") & Q(closed_at__isnull=False)),
                name="escalation_closed_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="resolved") | (~Q(resolution="") & ~Q(learning="")),
                name="escalation_resolved_has_learning",
            ),
        ]

    def __str__(self) -> str:
        return f"Escalation {self.reference} ({self.child})"

    @property
    def reference(self) -> str:
        return f"ESC{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == EscalationStatus.OPEN


class EscalationStage(models.Model):
    """One stage an escalation reached: its own clock, owner and answer."""

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField(max_length=20, choices=EscalationStageName.choices)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    owner = models.CharField(max_length=300, help_text="Who answers this stage, in words.")
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: True when the raiser moved it on (no answer in time, or an answer they did not accept).
    by_raiser = models.BooleanField(default=False)
    response = models.TextField(blank=True)
    learning = models.TextField(blank=True)
    result = models.CharField(max_length=10, choices=StageResult.choices, blank=True)
    policy = models.ForeignKey("policies.PolicyVersion", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["started_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["escalation", "stage"], name="escalation_stage_once"),
            models.CheckConstraint(
                condition=(Q(result="") & Q(responded_at__isnull=True))
                | (~Q(result="") & Q(responded_at__isnull=False)),
                name="escalation_stage_answer_has_time",
            ),
            models.CheckConstraint(
                condition=Q(responded_at__isnull=True)
                | Q(responded_at__gte=models.F("started_at")),
                name="escalation_stage_answer_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} stage of escalation {self.escalation_id}"
