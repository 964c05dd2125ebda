"""Reads for the retention pages."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from frontdoor.retention.models import ItemStatus, RetentionItem, RetentionReview


def reviews_with_counts() -> QuerySet[RetentionReview]:
    """Every batch, newest first, with how many records it has in each state."""
    return (
        RetentionReview.objects.select_related("approved_by", "proposed_by")
        .annotate(
            total=Count("items"),
            due=Count("items", filter=Q(items__status=ItemStatus.DUE)),
            kept=Count("items", filter=Q(items__status=ItemStatus.EXCLUDED)),
            deleted=Count("items", filter=Q(items__status=ItemStatus.DELETED)),
            skipped=Count("items", filter=Q(items__status=ItemStatus.SKIPPED)),
        )
        .order_by("-proposed_at", "-id")
    )


def review_items(review: RetentionReview, status: str = "") -> QuerySet[RetentionItem]:
    items = review.items.select_related("rule", "excluded_by").order_by("due_from", "id")
    if status in ItemStatus.values:
        items = items.filter(status=status)
    return items
