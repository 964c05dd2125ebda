"""Writing history: events and access-log entries. Called from inside other services."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import models

from frontdoor.audit.models import AccessAction, AccessLogEntry, Event

if TYPE_CHECKING:
    from frontdoor.accounts.models import User
    from frontdoor.people.models import Person


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def event_append(
    *,
    record: models.Model,
    action: str,
    summary: str,
    at: datetime,
    actor: User | None,
    child: Person | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str = "",
) -> Event:
    """Append one immutable event. Must be called inside the caller's transaction."""
    return Event.objects.create(
        at=at,
        actor=actor,
        action=action,
        summary=summary[:300],
        record_type=record._meta.model_name or "",
        record_id=int(record.pk),
        child=child,
        before=_jsonable(before or {}),
        after=_jsonable(after or {}),
        reason=reason,
    )


def access_log_record(
    *,
    user: User | None,
    children: Iterable[Person],
    record: models.Model,
    action: AccessAction,
    at: datetime,
    path: str = "",
    agency: str = "",
) -> None:
    """Log that ``user`` viewed or changed the data of each child, through ``record``.

    With no user (a partner system's API token, a referrer's outcome link), ``agency`` names
    who it was where known.
    """
    role = getattr(user, "role", "") or ""
    agency = getattr(getattr(user, "agency", None), "code", "") or agency
    AccessLogEntry.objects.bulk_create(
        [
            AccessLogEntry(
                at=at,
                user=user,
                role=role,
                agency=agency,
                action=action,
                child=child,
                record_type=record._meta.model_name or "",
                record_id=int(record.pk),
                path=path[:300],
            )
            for child in {c.pk: c for c in children}.values()
        ]
    )
