"""MASH enquiries, BRAG ratings, partner information requests and decisions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

# The BRAG rating is given at screening, so it is intake's; the MASH keeps and changes it.
from frontdoor.intake.models import Rating


class EnquiryStatus(models.TextChoices):
    OPEN = "open", "Open"
    DECIDED = "decided", "Decision recorded"
    CLOSED = "closed", "Closed"


class Enquiry(models.Model):
    referral = models.OneToOneField(
        "intake.Referral", on_delete=models.PROTECT, related_name="enquiry"
    )
    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="enquiries")
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")
    allocated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(help_text="When the enquiry entered the MASH.")
    rating = models.CharField(max_length=5, choices=Rating.choices)
    rated_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    status = models.CharField(max_length=10, choices=EnquiryStatus.choices, default="open")
    completed_at = models.DateTimeField(null=True, blank=True)
    lived_experience = models.TextField(
        blank=True, help_text="The child's own words, wishes and feelings; a day in their life."
    )
    policy = models.ForeignKey("policies.PolicyVersion", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name_plural = "enquiries"

    def __str__(self) -> str:
        return f"MASH enquiry {self.pk} ({self.child})"

    @property
    def decision(self) -> Decision | None:
        """The decision in force: awaiting sign-off or signed off (there is one at most).

        Decisions a manager sent back or replaced stay in ``decisions`` as history. Lists
        prefetch it as ``live_decisions`` (``live_decision_prefetch``) to save a query each.
        """
        prefetched = getattr(self, "live_decisions", None)
        if prefetched is not None:
            return prefetched[0] if prefetched else None
        return self.decisions.filter(status__in=LIVE_DECISION_STATUSES).first()


class RatingChange(models.Model):
    """Every rating an enquiry has had: who set it, when and why."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="ratings")
    rating = models.CharField(max_length=5, choices=Rating.choices)
    previous = models.CharField(max_length=5, choices=Rating.choices, blank=True)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()

    class Meta:
        ordering = ["at", "id"]


class RequestTemplate(models.Model):
    """The questions the MASH asks one agency."""

    agency = models.OneToOneField(
        "accounts.Agency", on_delete=models.CASCADE, related_name="request_template"
    )
    questions = models.JSONField(help_text="A list of questions, one string each.")

    def __str__(self) -> str:
        return f"Questions for {self.agency}"


class RequestStatus(models.TextChoices):
    SENT = "sent", "Awaiting answer"
    ANSWERED = "answered", "Information shared"
    NOT_SHARED = "not_shared", "Not shared"


class PartnerRequest(models.Model):
    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="requests")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="requests")
    questions = models.JSONField(help_text="The questions as sent (a copy of the template).")
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    status = models.CharField(max_length=12, choices=RequestStatus.choices, default="sent")
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    response = models.TextField(blank=True)
    not_shared_reason = models.TextField(blank=True)
    policy = models.ForeignKey("policies.PolicyVersion", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enquiry", "agency"],
                condition=Q(status="sent"),
                name="one_open_request_per_agency",
            ),
            models.CheckConstraint(
                condition=Q(status="sent", answered_at__isnull=True)
                | (~Q(status="sent") & Q(answered_at__isnull=False)),
                name="request_answered_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Request to {self.agency} for enquiry {self.enquiry_id}"


class DecisionOutcome(models.TextChoices):
    NFA = "nfa", "No further action"
    ADVICE = "advice", "Information, advice or signposting"
    EARLY_HELP = "early_help", "Early help"
    S17_ASSESSMENT = "s17", "Child and family assessment (section 17)"
    S47_STRATEGY = "s47", "Strategy discussion (section 47)"
    OTHER_SERVICE = "other_service", "Another service"


TRANSFER_OUTCOMES = {DecisionOutcome.S17_ASSESSMENT, DecisionOutcome.S47_STRATEGY}
NFA_OUTCOMES = {DecisionOutcome.NFA, DecisionOutcome.ADVICE}


class DecisionStatus(models.TextChoices):
    AWAITING = "awaiting", "Awaiting sign-off"
    SIGNED_OFF = "signed_off", "Signed off"
    SENT_BACK = "sent_back", "Sent back to decide again"
    REPLACED = "replaced", "Replaced by a manager's decision"


#: A decision in force: one at most per enquiry.
LIVE_DECISION_STATUSES = (DecisionStatus.AWAITING, DecisionStatus.SIGNED_OFF)


def live_decision_prefetch(path: str = "decisions") -> models.Prefetch:
    """Prefetch each enquiry's decision in force (``path``: from the queryset's model to
    ``Enquiry.decisions``), read by ``Enquiry.decision`` without a query of its own."""
    return models.Prefetch(
        path,
        queryset=Decision.objects.filter(status__in=LIVE_DECISION_STATUSES),
        to_attr="live_decisions",
    )


class Decision(models.Model):
    """The MASH decision: recorded by a social worker, reviewed by a manager who is not its
    author. The manager signs it off, sends it back to be decided again, or replaces it with a
    decision of their own (which another manager then signs off). Each stays as history."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.PROTECT, related_name="decisions")
    status = models.CharField(
        max_length=12, choices=DecisionStatus.choices, default=DecisionStatus.AWAITING
    )
    outcome = models.CharField(max_length=20, choices=DecisionOutcome.choices)
    rationale = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    signoff_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    #: The manager's review, whatever it was (signed off, sent back or replaced).
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    oversight = models.TextField(
        blank=True,
        help_text="The manager's review: the rationale for signing off, the reasons for "
        "sending back, or for replacing the decision.",
    )
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    referrer_feedback = models.TextField(blank=True)
    #: For an assessment or a strategy discussion: when the transfer request is due (from
    #: sign-off, by rating: the ``transfer_request`` clock).
    transfer_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    policy = models.ForeignKey("policies.PolicyVersion", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["recorded_at", "id"]
        indexes = [
            # Decisions made and enquiries closed between two dates (frontdoor.finding).
            models.Index(fields=["recorded_at"], name="decision_recorded_at"),
            models.Index(fields=["signed_off_at"], name="decision_signed_off_at"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["enquiry"],
                condition=Q(status__in=["awaiting", "signed_off"]),
                name="one_live_decision_per_enquiry",
            ),
            models.CheckConstraint(
                condition=(Q(status="signed_off") & Q(signed_off_at__isnull=False))
                | (~Q(status="signed_off") & Q(signed_off_at__isnull=True)),
                name="decision_signed_off_has_time",
            ),
            models.CheckConstraint(
                condition=(Q(status="awaiting") & Q(reviewed_at__isnull=True))
                | (~Q(status="awaiting") & Q(reviewed_at__isnull=False)),
                name="decision_reviewed_has_time",
            ),
            models.CheckConstraint(
                condition=Q(reviewed_by__isnull=True) | ~Q(reviewed_by=models.F("recorded_by")),
                name="decision_reviewed_by_another",
            ),
            models.CheckConstraint(
                condition=Q(signed_off_by__isnull=True) | ~Q(signed_off_by=models.F("recorded_by")),
                name="decision_signed_off_by_another",
            ),
            models.CheckConstraint(
                condition=Q(signed_off_at__isnull=True)
                | Q(signed_off_at__gte=models.F("recorded_at")),
                name="decision_signoff_after_recording",
            ),
        ]

    def __str__(self) -> str:
        return f"Decision on enquiry {self.enquiry_id}: {self.get_outcome_display()}"
