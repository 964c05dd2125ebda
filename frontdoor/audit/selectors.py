"""Reading history: timelines and access logs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from django.apps import apps
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


# ------------------------------------------------- the data protection officer's pages

#: A position in the access log, newest first: (at, id).
Cursor = tuple[datetime, int]


def access_entries(
    *,
    child_id: int | None = None,
    user_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[AccessLogEntry]:
    """Access log entries about a child and/or by a user, ``since`` <= at < ``until``.

    Filtering by child or user first keeps the (child, at) and (user, at) indexes in use.
    """
    qs = AccessLogEntry.objects.all()
    if child_id is not None:
        qs = qs.filter(child_id=child_id)
    if user_id is not None:
        qs = qs.filter(user_id=user_id)
    if since is not None:
        qs = qs.filter(at__gte=since)
    if until is not None:
        qs = qs.filter(at__lt=until)
    return qs


def cursor_token(entry: AccessLogEntry) -> str:
    return f"{entry.at.astimezone(UTC).strftime('%Y%m%dT%H%M%S%f')}.{entry.pk}"


def cursor_parse(token: str | None) -> Cursor | None:
    """A token from ``cursor_token``; None for anything else (shown as the first page)."""
    if not token:
        return None
    stamp, _, raw_id = token.partition(".")
    if not raw_id.isdigit() or len(raw_id) > 18:
        return None
    try:
        at = datetime.strptime(stamp, "%Y%m%dT%H%M%S%f").replace(tzinfo=UTC)
    except ValueError:
        return None
    return at, int(raw_id)


@dataclass(frozen=True)
class AccessPage:
    entries: list[AccessLogEntry]
    #: Tokens for the "newer" and "older" links (None where there is nothing more).
    newer: str | None
    older: str | None


def access_page(
    qs: QuerySet[AccessLogEntry],
    *,
    older_than: Cursor | None = None,
    newer_than: Cursor | None = None,
    size: int = 50,
) -> AccessPage:
    """One page of ``qs``, newest first, by keyset (no COUNT, no OFFSET: each page reads
    ``size + 1`` rows from the index, however long the log)."""
    qs = qs.select_related("user", "child")
    if newer_than is not None:
        at, pk = newer_than
        rows = list(qs.filter(Q(at__gt=at) | Q(at=at, id__gt=pk)).order_by("at", "id")[: size + 1])
        more_newer = len(rows) > size
        entries = list(reversed(rows[:size]))
        more_older = True
    else:
        if older_than is not None:
            at, pk = older_than
            qs = qs.filter(Q(at__lt=at) | Q(at=at, id__lt=pk))
        rows = list(qs.order_by("-at", "-id")[: size + 1])
        more_older = len(rows) > size
        entries = rows[:size]
        more_newer = older_than is not None
    if not entries:
        return AccessPage([], None, None)
    return AccessPage(
        entries,
        cursor_token(entries[0]) if more_newer else None,
        cursor_token(entries[-1]) if more_older else None,
    )


@lru_cache(maxsize=256)
def record_label(record_type: str) -> str:
    """A record type's plain name ("enquiry", "strategy discussion")."""
    for model in apps.get_models():
        if model._meta.model_name == record_type:
            return str(model._meta.verbose_name)
    return record_type
