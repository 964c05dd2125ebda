"""Retention work for the database-backed task worker."""

from __future__ import annotations

from django_tasks import task

from frontdoor.retention.models import RetentionReview


@task()
def apply_review(review_id: int) -> int:
    """Delete an approved batch's records; returns how many were deleted."""
    from frontdoor.retention.services import retention_apply

    review = RetentionReview.objects.filter(pk=review_id).first()
    return retention_apply(review=review).deleted if review is not None else 0
