"""Restricted records: who may see a restricted child, and each break-glass use.

A child is restricted while it has a ``Restriction`` that has not been lifted. Its owner (who
restricted it) and its named users see it as usual; anyone else must break the glass: give a
reason, which makes a ``BreakGlass`` grant for a limited time, alerts the owner and the named
users, and is access-logged with the reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class RestrictionCategory(models.TextChoices):
    STAFF_RELATIVE = "staff_relative", "A staff member or their relative"
    HIGH_PROFILE = "high_profile", "A high-profile case"
    OTHER = "other", "Another reason"


class Restriction(models.Model):
    """A child's record restricted to its owner and named users, until lifted."""

    child = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="restrictions"
    )
    category = models.CharField(max_length=20, choices=RestrictionCategory.choices)
    reason = models.TextField(help_text="Why the record is restricted.")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    restricted_at = models.DateTimeField()
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lift_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-restricted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(lifted_at__isnull=True),
                name="one_live_restriction_per_child",
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True) | Q(lifted_at__gte=models.F("restricted_at")),
                name="restriction_lifted_after_made",
            ),
        ]

    def __str__(self) -> str:
        return f"Restriction {self.pk} (record {self.child_id})"

    @property
    def is_live(self) -> bool:
        return self.lifted_at is None


class RestrictionMember(models.Model):
    """A user named on a restriction (who may see the child), until removed."""

    restriction = models.ForeignKey(Restriction, on_delete=models.PROTECT, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField()
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["restriction", "user"],
                condition=Q(removed_at__isnull=True),
                name="named_once_per_restriction",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} on restriction {self.restriction_id}"


class BreakGlass(models.Model):
    """A user's recorded reason for opening a restricted child's record, and until when."""

    restriction = models.ForeignKey(
        Restriction, on_delete=models.PROTECT, related_name="break_glass_uses"
    )
    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "break-glass use"
        indexes = [models.Index(fields=["user", "child", "expires_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("at")), name="break_glass_expires_after"
            )
        ]

    def __str__(self) -> str:
        return f"Break-glass {self.pk} by {self.user} (record {self.child_id})"
