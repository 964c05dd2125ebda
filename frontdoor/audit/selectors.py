"""Reading history: timelines and access logs."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Q, QuerySet

from frontdoor.audit.models import AccessLogEntry, Event


def timeline_for(records: Sequence[tuple[str, int]]) -> QuerySet[Event]:
    """Events for one or more records, oldest first (a record's timeline)."""
    query = Q(pk__in=[])
    for record_type, record_id in records:
        query |= Q(record_type=record_type, record_id=record_id)
    return Event.objects.filter(query).select_related("actor").order_by("at", "id")


def timeline_for_child(child_id: int) -> QuerySet[Event]:
    return Event.objects.filter(child_id=child_id).select_related("actor").order_by("at", "id")


def access_log_for_child(child_id: int) -> QuerySet[AccessLogEntry]:
    return AccessLogEntry.objects.filter(child_id=child_id).select_related("user")
