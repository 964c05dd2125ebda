"""What matching stores: blocking keys, thresholds, proposed duplicates and merges."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class MatchKey(models.Model):
    """One blocking key of one person (see ``keys.py``); rewritten whenever the person is."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "person"], name="match_key_unique")]


class MatchSettings(models.Model):
    """Thresholds on the total match weight, edited by an administrator (one row)."""

    show_at = models.FloatField(
        default=4.0, help_text="Show a record as a possible match from this weight."
    )
    medium_at = models.FloatField(default=10.0, help_text="Medium confidence from this weight.")
    high_at = models.FloatField(default=16.0, help_text="High confidence from this weight.")
    duplicate_at = models.FloatField(
        default=12.0, help_text="Propose two records as likely duplicates from this weight."
    )
    auto_link_at = models.FloatField(
        default=30.0,
        help_text="An online or partner referral is linked to an existing child without "
        "asking only from this weight (and only when no other record comes close).",
    )
    auto_link_margin = models.FloatField(
        default=10.0, help_text="How far ahead of the next record an automatic link must be."
    )
    max_candidates = models.PositiveSmallIntegerField(
        default=10, help_text="How many possible matches to show at most."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "matching settings"
        verbose_name_plural = "matching settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(show_at__lte=F("medium_at")) & Q(medium_at__lte=F("high_at")),
                name="match_settings_bands_in_order",
            )
        ]

    def __str__(self) -> str:
        return "Matching settings"


class DuplicateStatus(models.TextChoices):
    OPEN = "open", "Waiting for review"
    MERGED = "merged", "Merged"
    NOT_SAME = "not_same", "Not the same person"


class DuplicatePair(models.Model):
    """Two child records that may be the same child; ``first`` has the lower id."""

    first = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    weight = models.FloatField()
    reasons = models.JSONField(default=list, help_text="[[field, level, weight, reason], ...]")
    status = models.CharField(
        max_length=10, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN
    )
    found_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-weight", "id"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="duplicate_pair_unique"),
            models.CheckConstraint(condition=Q(first__lt=F("second")), name="duplicate_pair_order"),
        ]
        indexes = [models.Index(fields=["status", "-weight"], name="duplicate_pair_queue")]


class PersonMerge(models.Model):
    """One merge of ``merged`` into ``kept``, with every row it moved, so it can be undone."""

    kept = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    pair = models.ForeignKey(
        DuplicatePair, null=True, blank=True, on_delete=models.SET_NULL, related_name="merges"
    )
    moved = models.JSONField(
        default=dict, help_text='{"app.Model.field": [ids moved from merged to kept]}'
    )
    reason = models.TextField()
    merged_at = models.DateTimeField()
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    undo_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-merged_at", "-id"]
