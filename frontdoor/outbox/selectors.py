"""Reading the outbox."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from frontdoor.outbox.models import Message, MessageStatus

STUCK_AFTER = timedelta(hours=1)


def messages_about(about: str) -> QuerySet[Message]:
    """Every message about one record (e.g. "submission:12"), oldest first."""
    return Message.objects.filter(about=about).order_by("created_at", "id")


def outbox_problems(now: datetime | None = None) -> QuerySet[Message]:
    """Messages someone should look at: failed, or still unsent an hour after being written."""
    now = now or timezone.now()
    return Message.objects.filter(
        Q(status=MessageStatus.FAILED)
        | Q(
            status__in=[MessageStatus.PENDING, MessageStatus.SENDING],
            created_at__lt=now - STUCK_AFTER,
        )
    ).order_by("created_at", "id")
