"""After the front door: transfer to the assessment team and the first social work visit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class TransferStatus(models.TextChoices):
    REQUESTED = "requested", "Awaiting acceptance"
    ACCEPTED = "accepted", "Accepted"
    RETURNED = "returned", "Returned to the MASH"


class TransferRoute(models.TextChoices):
    S17 = "s17", "Child and family assessment (section 17)"
    S47 = "s47", "Strategy discussion (section 47)"


class Transfer(models.Model):
    referral = models.ForeignKey(
        "intake.Referral", on_delete=models.PROTECT, related_name="transfers"
    )
    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="transfers")
    route = models.CharField(max_length=5, choices=TransferRoute.choices)
    rating = models.CharField(max_length=5, help_text="The RAG rating the transfer moves at.")
    to_team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")
    summary = models.TextField(help_text="A summary of the MASH information for the new team.")
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    acceptance_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    status = models.CharField(max_length=10, choices=TransferStatus.choices, default="requested")
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_reason = models.TextField(blank=True)
    allocated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    visit_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    policy = models.ForeignKey("policies.PolicyVersion", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["acceptance_due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral"],
                condition=Q(status__in=["requested", "accepted"]),
                name="one_live_transfer_per_referral",
            ),
            models.CheckConstraint(
                condition=Q(responded_at__isnull=True)
                | Q(responded_at__gte=models.F("requested_at")),
                name="transfer_response_after_request",
            ),
        ]

    def __str__(self) -> str:
        return f"Transfer {self.pk} ({self.child})"


class Visit(models.Model):
    """The first social work visit after a transfer is accepted."""

    transfer = models.OneToOneField(Transfer, on_delete=models.PROTECT, related_name="visit")
    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="visits")
    visited_at = models.DateTimeField()
    child_seen = models.BooleanField()
    seen_alone = models.BooleanField()
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(child_seen=True) | Q(seen_alone=False),
                name="visit_seen_alone_requires_seen",
            )
        ]
