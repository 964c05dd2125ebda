"""Strategy discussions, section 47 enquiries and initial child protection conferences.

A strategy discussion is convened from a signed-off MASH "section 47" decision or on an open
case (an accepted transfer). It is due from the decision to hold one (policy clock
``strategy``, by rating); its minutes from when it was held (``strategy_minutes``). A held
discussion that decides "section 47" starts an enquiry, whose initial child protection
conference (ICPC) is due from the discussion that started it, or the last reconvened one
(``icpc``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from frontdoor.mash.models import Rating


class DiscussionStatus(models.TextChoices):
    CONVENED = "convened", "Convened"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class DiscussionDecision(models.TextChoices):
    S47 = "s47", "Section 47 enquiry"
    NO_S47 = "no_s47", "No section 47 enquiry"


class S47Kind(models.TextChoices):
    SINGLE = "single", "Single agency (children's social care)"
    JOINT = "joint", "Joint with the police"


class Attendance(models.TextChoices):
    ATTENDED = "attended", "Attended"
    APOLOGIES = "apologies", "Sent apologies"
    ABSENT = "absent", "Did not attend"


class DiscussionManager(models.Manager["StrategyDiscussion"]):
    def links_for(self, user: Any) -> Any:
        """Through a MASH enquiry's or a transfer's ``strategy_discussions``: its discussions
        and the convene link, for ``strategy/_record_links.html`` (see
        ``selectors.strategy_for_record``)."""
        from frontdoor.strategy.selectors import strategy_for_record

        return strategy_for_record(getattr(self, "instance", None), user)


class StrategyDiscussion(models.Model):
    child = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="strategy_discussions"
    )
    referral = models.ForeignKey(
        "intake.Referral", on_delete=models.PROTECT, related_name="strategy_discussions"
    )
    enquiry = models.ForeignKey(
        "mash.Enquiry",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="strategy_discussions",
    )
    transfer = models.ForeignKey(
        "protection.Transfer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="strategy_discussions",
    )
    #: The open section 47 enquiry this discussion reconvenes (None for a first discussion).
    s47 = models.ForeignKey(
        "strategy.S47Enquiry",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="discussions",
    )
    rating = models.CharField(max_length=5, choices=Rating.choices)
    reason = models.TextField(help_text="Why a strategy discussion is needed.")
    decided_at = models.DateTimeField(help_text="When it was decided to hold one.")
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    policy = models.ForeignKey("policies.PolicyVersion", on_delete=models.PROTECT, related_name="+")
    convened_at = models.DateTimeField()
    convened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    scheduled_for = models.DateTimeField(null=True, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=DiscussionStatus.choices, default=DiscussionStatus.CONVENED
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)
    # The outcome
    held_at = models.DateTimeField(null=True, blank=True)
    information_shared = models.TextField(blank=True)
    decision = models.CharField(max_length=10, choices=DiscussionDecision.choices, blank=True)
    s47_kind = models.CharField(max_length=10, choices=S47Kind.choices, blank=True)
    contingency_plan = models.TextField(blank=True)
    quorum_reason = models.TextField(
        blank=True, help_text="Why it went ahead without the statutory minimum."
    )
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The minutes
    minutes = models.TextField(blank=True)
    minutes_recorded_at = models.DateTimeField(null=True, blank=True)
    minutes_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    minutes_policy = models.ForeignKey(
        "policies.PolicyVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    minutes_sent_at = models.DateTimeField(null=True, blank=True)

    objects = DiscussionManager()

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(enquiry__isnull=True) | Q(transfer__isnull=True),
                name="strategy_from_enquiry_or_transfer",
            ),
            models.CheckConstraint(
                condition=Q(held_at__isnull=True) | Q(held_at__gte=models.F("decided_at")),
                name="strategy_held_after_decision",
            ),
            models.CheckConstraint(
                condition=Q(status="held", held_at__isnull=False)
                | (~Q(status="held") & Q(held_at__isnull=True)),
                name="strategy_held_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(decision="s47") | ~Q(s47_kind=""),
                name="strategy_s47_has_kind",
            ),
            models.CheckConstraint(
                condition=Q(minutes_sent_at__isnull=True)
                | Q(minutes_sent_at__gte=models.F("held_at")),
                name="strategy_minutes_after_held",
            ),
            models.UniqueConstraint(
                fields=["referral"],
                condition=Q(status="convened"),
                name="one_convened_strategy_per_referral",
            ),
        ]

    def __str__(self) -> str:
        return f"Strategy discussion {self.reference} ({self.child})"

    @property
    def reference(self) -> str:
        return f"SD{self.pk}"


class Invitation(models.Model):
    """An agency invited to a strategy discussion, and whether it attended."""

    discussion = models.ForeignKey(
        StrategyDiscussion, on_delete=models.CASCADE, related_name="invitations"
    )
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    person_name = models.CharField(max_length=200, blank=True)
    person_role = models.CharField(max_length=200, blank=True)
    invited_at = models.DateTimeField()
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    attendance = models.CharField(max_length=10, choices=Attendance.choices, blank=True)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["agency__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["discussion", "agency"], name="one_invitation_per_agency"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency} at {self.discussion}"


class StrategyAction(models.Model):
    """An action agreed at a strategy discussion: an owner (a user, or an agency and a named
    person) and a due date."""

    discussion = models.ForeignKey(
        StrategyDiscussion, on_delete=models.CASCADE, related_name="actions"
    )
    description = models.TextField()
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_name = models.CharField(max_length=200, blank=True)
    due_on = models.DateField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completion_note = models.TextField(blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_user__isnull=False)
                | (Q(owner_agency__isnull=False) & ~Q(owner_name="")),
                name="strategy_action_has_owner",
            )
        ]

    def __str__(self) -> str:
        return f"Action {self.pk} from {self.discussion}"

    @property
    def owner_label(self) -> str:
        if self.owner_user is not None:
            agency = self.owner_user.agency
            return self.owner_user.display_name + (f" ({agency.name})" if agency else "")
        return f"{self.owner_name} ({self.owner_agency.name if self.owner_agency else ''})"

    @property
    def owner_agency_id_effective(self) -> int | None:
        if self.owner_agency_id:
            return self.owner_agency_id
        return self.owner_user.agency_id if self.owner_user is not None else None


class MinutesDistribution(models.Model):
    """The minutes sent to one attending agency."""

    discussion = models.ForeignKey(
        StrategyDiscussion, on_delete=models.CASCADE, related_name="distributions"
    )
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    emails = models.PositiveIntegerField(default=0, help_text="How many people were emailed.")

    class Meta:
        ordering = ["agency__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["discussion", "agency"], name="one_distribution_per_agency"
            )
        ]


class S47Outcome(models.TextChoices):
    CONTINUING_RISK = (
        "continuing_risk",
        "Concerns substantiated, child judged at continuing risk of significant harm",
    )
    NOT_CONTINUING = (
        "substantiated",
        "Concerns substantiated, child not judged at continuing risk",
    )
    NOT_SUBSTANTIATED = "not_substantiated", "Concerns not substantiated"


class S47Enquiry(models.Model):
    """A section 47 enquiry, started by a held strategy discussion that decided on one."""

    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="s47s")
    referral = models.ForeignKey("intake.Referral", on_delete=models.PROTECT, related_name="s47s")
    start_discussion = models.OneToOneField(
        StrategyDiscussion, on_delete=models.PROTECT, related_name="started_s47"
    )
    #: The discussion the ICPC clock runs from: the start one, or the last reconvened one.
    last_discussion = models.ForeignKey(
        StrategyDiscussion, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=S47Kind.choices)
    started_at = models.DateTimeField()
    icpc_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    policy = models.ForeignKey("policies.PolicyVersion", on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=20, choices=S47Outcome.choices, blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    outcome_notes = models.TextField(blank=True)
    icpc_needed = models.BooleanField(null=True, blank=True)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        verbose_name = "section 47 enquiry"
        verbose_name_plural = "section 47 enquiries"
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome_at__isnull=True) | Q(outcome_at__gte=models.F("started_at")),
                name="s47_outcome_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Section 47 enquiry {self.reference} ({self.child})"

    @property
    def reference(self) -> str:
        return f"S47-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class AbuseCategory(models.TextChoices):
    NEG = "NEG", "Neglect"
    PHY = "PHY", "Physical abuse"
    SAB = "SAB", "Sexual abuse"
    EMO = "EMO", "Emotional abuse"
    MUL = "MUL", "Multiple/not recommended"


class Conference(models.Model):
    """The initial child protection conference (ICPC) after a section 47 enquiry."""

    s47 = models.OneToOneField(S47Enquiry, on_delete=models.PROTECT, related_name="conference")
    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="conferences")
    booked_at = models.DateTimeField()
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    scheduled_for = models.DateTimeField()
    held_at = models.DateTimeField(null=True, blank=True)
    plan = models.BooleanField(null=True, blank=True, help_text="Child protection plan made.")
    category = models.CharField(max_length=3, choices=AbuseCategory.choices, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["scheduled_for", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(plan=True) | ~Q(category=""), name="conference_plan_has_category"
            ),
            models.CheckConstraint(
                condition=~Q(plan=False) | Q(category=""), name="conference_no_plan_no_category"
            ),
        ]

    def __str__(self) -> str:
        return f"Initial child protection conference for {self.s47}"
