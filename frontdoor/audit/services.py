"""Writing history: events and access-log entries. Called from inside other services."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import models

from frontdoor.audit.event_types import event_type
from frontdoor.audit.models import AccessAction, AccessLogEntry, Event
from frontdoor.audit.refusals import Refusal, refusal_note

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
    """Append one immutable event. Must be called inside the caller's transaction.

    ``action`` must be a registered event type (``frontdoor.audit.event_types``)."""
    event_type(action)
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


def history_write(
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
    children: Iterable[Person] | None = None,
    logged: models.Model | None = None,
    fields: Iterable[str] = (),
    agency: str = "",
    log_reason: str = "",
) -> Event:
    """A change, written once: append its event and log the change to each child's data.

    The one call a service makes for a transition, inside its transaction. The access log
    names ``children`` (default: the event's ``child``) through ``logged`` (default: the
    event's ``record``), with ``fields``, ``agency`` and ``log_reason`` as
    ``access_log_record`` takes them. The guards run before the event is kept (a
    refused change raises, and the caller's transaction undoes it).
    """
    access_log_record(
        user=actor,
        children=[child] if children is None and child is not None else list(children or ()),
        record=logged if logged is not None else record,
        action=AccessAction.CHANGE,
        at=at,
        agency=agency,
        fields=fields,
        reason=log_reason,
    )
    return event_append(
        record=record,
        action=action,
        summary=summary,
        at=at,
        actor=actor,
        child=child,
        before=before,
        after=after,
        reason=reason,
    )


#: Checks run before any read or write of a child's data is logged (and so before it is
#: shown or saved): each may raise (e.g. PermissionDenied for a restricted record).
AccessGuard = Callable[["User | None", "list[Person]", AccessAction], None]
_GUARDS: list[AccessGuard] = []


def access_guard_register(guard: AccessGuard) -> None:
    """Add a guard (call from an app's ``ready()``); registering the same one twice is a no-op."""
    if guard not in _GUARDS:
        _GUARDS.append(guard)


def access_log_record(
    *,
    user: User | None,
    children: Iterable[Person],
    record: models.Model,
    action: AccessAction,
    at: datetime,
    path: str = "",
    agency: str = "",
    fields: Iterable[str] = (),
    reason: str = "",
) -> None:
    """Log that ``user`` viewed or changed the data of each child, through ``record``.

    Every guard runs first, so a refused access is neither logged as done nor shown: it is
    logged as ``REFUSED`` instead (``frontdoor.audit.refusals``) and the guard's
    ``PermissionDenied`` goes on up. With no user (a partner system's API token, a referrer's
    outcome link), ``agency`` names who it was where known; ``fields`` names what was shown or
    changed and ``reason`` the reason given.
    """
    children = list({c.pk: c for c in children}.values())
    try:
        for guard in _GUARDS:
            guard(user, children, action)
    except PermissionDenied as refused:
        refused_children = getattr(refused, "children", None) or children
        refusal_note(
            Refusal(
                user=user,
                child_ids=tuple(int(c.pk) for c in refused_children),
                record_type=record._meta.model_name or "",
                record_id=int(record.pk),
                attempted=action,
                at=at,
                path=path,
                fields=tuple(fields),
            )
        )
        raise
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
                fields=list(fields),
                reason=reason,
            )
            for child in children
        ]
    )


def access_log_each(
    *,
    user: User | None,
    reads: Iterable[tuple[Person, models.Model]],
    action: AccessAction,
    at: datetime,
    path: str = "",
    fields: Iterable[str] = (),
    reason: str = "",
) -> int:
    """Log many reads at once (a list, a downloaded file): one entry per distinct
    (child, record) pair in ``reads``, as ``access_log_record`` would write them one by one.

    Every guard runs once, over all the children, before anything is written, so a list that
    would name a child the user may not see is refused whole. Returns the number of entries.
    """
    pairs: dict[tuple[int, str, int], tuple[Person, models.Model]] = {}
    for child, record in reads:
        key = (int(child.pk), record._meta.model_name or "", int(record.pk))
        pairs.setdefault(key, (child, record))
    if not pairs:
        return 0
    children = list({child.pk: child for child, _ in pairs.values()}.values())
    for guard in _GUARDS:
        guard(user, children, action)
    role = getattr(user, "role", "") or ""
    agency = getattr(getattr(user, "agency", None), "code", "") or ""
    names = list(fields)
    AccessLogEntry.objects.bulk_create(
        [
            AccessLogEntry(
                at=at,
                user=user,
                role=role,
                agency=agency,
                action=action,
                child=child,
                record_type=record_type,
                record_id=record_id,
                path=path[:300],
                fields=names,
                reason=reason,
            )
            for (_, record_type, record_id), (child, _) in pairs.items()
        ],
        batch_size=500,
    )
    return len(pairs)


def event_redact(
    event: Event, by: User | None, reason: str, *, at: datetime | None = None
) -> Event:
    """Blank an event's content (summary, before, after, reason) for a lawful retention rule,
    keeping its ``content_hash`` and its place in the hash chain, and append an
    ``audit.redacted`` event naming it. ``chain_verify`` accepts a blanked event only if such a
    redaction event exists. Returns the redaction event.
    """
    from django.core.exceptions import ValidationError
    from django.db import transaction
    from django.utils import timezone

    from frontdoor.audit.chain import BLANK_CONTENT, REDACTION_ACTION, content_hash_of

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the event is being redacted"})
    at = at or timezone.now()
    with transaction.atomic():
        locked = Event.objects.select_for_update(of=("self",)).get(pk=event.pk)
        if locked.redacted_at is not None:
            raise ValidationError("This event has already been redacted")
        if locked.action == REDACTION_ACTION:
            raise ValidationError("A redaction cannot itself be redacted")
        content = {
            "summary": locked.summary,
            "before": locked.before,
            "after": locked.after,
            "reason": locked.reason,
        }
        content_hash = locked.content_hash or content_hash_of(content)
        Event.objects.filter(pk=locked.pk).update(
            content_hash=content_hash, redacted_at=at, **BLANK_CONTENT
        )
        redaction = event_append(
            record=locked,
            action=REDACTION_ACTION,
            summary=f"Redacted event {locked.pk} ({locked.action})",
            at=at,
            actor=by,
            child=None,
            after={"event": locked.pk, "content_hash": content_hash},
            reason=reason,
        )
    event.refresh_from_db()
    return redaction


def audit_export_log(
    *,
    children: Iterable[Person],
    record: models.Model,
    reason: str,
    path: str,
    by: User,
    at: datetime | None = None,
) -> None:
    """Log a data protection officer's (or auditor's) export of the access log as an access
    to each child in it, with the reason they gave. Refused without a reason."""
    from django.core.exceptions import ValidationError
    from django.db import transaction
    from django.utils import timezone

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why you are exporting this access log"})
    with transaction.atomic():
        access_log_record(
            user=by,
            children=children,
            record=record,
            action=AccessAction.AUDIT,
            at=at or timezone.now(),
            path=path,
            fields=["access_log"],
            reason=reason,
        )
