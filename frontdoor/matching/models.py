"""What matching stores: blocking keys, thresholds, proposed duplicates and merges."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from frontdoor.people.masking import masked_model_register


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
    refreshed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the weight and reasons were last worked out."
    )

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
    stayed = models.JSONField(
        default=dict,
        help_text='{"app.Model.field": [[id, why], ...]}: rows left with the merged record '
        "because moving them would break a rule (a unique constraint).",
    )
    filled = models.JSONField(
        default=dict,
        help_text='{"field": [before, after]}: blanks of the kept record filled from the '
        "merged one (restored by an undo).",
    )
    alias = models.ForeignKey(
        "people.Alias",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The merged record's name, recorded as another name of the kept record.",
    )

    class Meta:
        ordering = ["-merged_at", "-id"]

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None


class DuplicateScan(models.Model):
    """How far the background search for duplicates has got (one row per ``name``).

    Every write of a person's details rewrites their match keys, so new ``MatchKey`` ids
    are the people created or changed since the last scan. ``key_mark`` is the highest key
    id checked; ``previous_mark`` the mark before the last scan: each scan looks once more
    at the keys between them, in case a transaction that had taken those ids committed
    after the last scan read past them.
    """

    name = models.CharField(max_length=40, unique=True, default="people")
    key_mark = models.BigIntegerField(default=0)
    previous_mark = models.BigIntegerField(default=0)
    scanned_at = models.DateTimeField(null=True, blank=True)
    people_checked = models.PositiveIntegerField(default=0, help_text="At the last scan.")
    pairs_proposed = models.PositiveIntegerField(default=0, help_text="At the last scan.")

    def __str__(self) -> str:
        return f"Duplicate scan {self.name} at key {self.key_mark}"


#: A duplicate proposal's reasons quote both names: a reader who may not see one of the two
#: (a restricted record) is told this instead (``frontdoor.people.masking``).
RESTRICTED_PAIR_REASON = "Restricted record: only the people named on it may see why"
masked_model_register(
    DuplicatePair,
    person_id=lambda pair: (pair.first_id, pair.second_id),
    masks={"reasons": lambda pair: [["", "", 0, RESTRICTED_PAIR_REASON]]},
)
